"""Track-2 methods: remove burned-in captions from a clip, blind.

Importing this package registers them (:mod:`.methods`): ``identity`` (the floor),
``spatial-telea``, ``temporal-still`` and ``temporal-fill``. All but the floor find the
captions with the classical detector of :mod:`.detect`; :mod:`.flow` measures and
completes the optical flow, :mod:`.fill` fills. :mod:`.learned` registers the
networks trained here (``baseline-frame-ae``, ``baseline-patch-ae``, ``gated-3d-unet``,
``caption-mask-fill``).
"""

from inpaintbench.methods.captions import learned, methods

__all__ = ["learned", "methods"]
