"""Track-3 methods: restore a degraded fingerprint, blind (RGB in, clean greyscale out).

Importing this package registers them: ``identity`` (the floor), ``clahe``,
``gabor-enhance`` (Hong, Wan and Jain's contextual filtering, :mod:`.gabor`) and
``fingerprint-enhancer`` (the PyPI package, an outside reference, :mod:`.reference`),
and the learned networks trained here (:mod:`.learned`, one per shipped config).
"""

from inpaintbench.methods.fingerprints import baselines, gabor, learned, reference

__all__ = ["baselines", "gabor", "learned", "reference"]
