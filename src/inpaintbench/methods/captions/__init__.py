"""Track-2 methods: remove burned-in captions from a clip, blind.

Importing this package registers them (:mod:`.methods`): ``identity`` (the floor),
``spatial-telea``, ``temporal-still`` and ``temporal-fill``. All but the floor find the
captions with the classical detector of :mod:`.detect`; :mod:`.flow` measures and
completes the optical flow, :mod:`.fill` fills.
"""

from inpaintbench.methods.captions import methods

__all__ = ["methods"]
