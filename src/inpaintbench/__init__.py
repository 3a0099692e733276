"""InpaintBench: the ChaLearn LAP inpainting challenge (WCCI/ECCV 2018) as software.

The package is laid out as the pipeline it implements::

    sources → tracks → methods → scoring → reports

* :mod:`inpaintbench.tracks` names the three tracks and their release layouts;
* :mod:`inpaintbench.io` reads and writes images and videos with clear errors;
* :mod:`inpaintbench.scoring` is the challenge's scoring program and leaderboard;
* :mod:`inpaintbench.reports` renders results for people (terminal tables).
"""

__version__ = "0.1.0"
