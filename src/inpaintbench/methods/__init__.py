"""Inpainting methods for the three tracks, behind one small interface per track.

Every method registers itself in :mod:`inpaintbench.methods.registry` under its
track and name; ``inpaintbench methods`` lists them and ``inpaintbench run`` runs
one over a dataset.
"""
