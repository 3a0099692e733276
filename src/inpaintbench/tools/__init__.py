"""Tools for people's own files, built on the methods that won our benchmarks.

- :mod:`.clean`: burned-in captions off any video (``inpaintbench clean``);
- :mod:`.inpaint`: holes filled in any photo (``inpaintbench inpaint``);
- :mod:`.restore`: any fingerprint image restored (``inpaintbench restore``).

Each is a library call first (:func:`clean_video`, :func:`inpaint_image`,
:func:`restore_print`, and their ``*_paths`` forms over files and folders); the
command line is a thin shell over them.
"""

from inpaintbench.tools.clean import clean_frames, clean_paths, clean_video
from inpaintbench.tools.inpaint import inpaint_image, inpaint_paths
from inpaintbench.tools.restore import restore_paths, restore_print

__all__ = ["clean_frames", "clean_paths", "clean_video", "inpaint_image", "inpaint_paths",
           "restore_paths", "restore_print"]
