"""Tools for people's own files, built on the methods that won our benchmarks.

- :mod:`.clean`: burned-in captions off any video (``inpaintbench clean``);
"""
