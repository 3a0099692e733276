"""The track-2 methods: the untouched floor and three blind decaptioners built on one detector.

Each detecting method finds the captions with :class:`.detect.CaptionDetector` (and
exposes its ``detect``, so its detection can be scored against the metadata masks),
then fills them:

- ``spatial-telea``: Telea's fast marching in every frame alone (:func:`.fill.telea_fill`);
- ``temporal-still``: the same place in the nearest frames where it is clear, no motion;
- ``temporal-fill``: the nearest clear frames along the optical flow, Telea for the rest
  (:func:`.fill.temporal_fill`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from inpaintbench.methods.base import MethodInfo
from inpaintbench.methods.captions.detect import CaptionDetector, check_clip
from inpaintbench.methods.captions.fill import telea_fill, temporal_fill
from inpaintbench.methods.registry import register
from inpaintbench.tracks import Track

TELEA_REFERENCE = ("Telea, An image inpainting technique based on the fast marching method, "
                   "J. Graphics Tools 9(1), 2004 (cv2.inpaint)")
FLOW_REFERENCE = ("Flow-guided propagation as in Xu et al., Deep flow-guided video "
                  "inpainting, CVPR 2019; DIS flow, Kroeger et al., ECCV 2016")


@dataclass(frozen=True)
class Identity:
    """The captioned clip itself: what every method must beat."""

    info = MethodInfo(name="identity", track=Track.CAPTIONS, kind="floor",
                      description="The captioned clip unchanged")

    def decaption(self, frames: np.ndarray) -> np.ndarray:
        """``uint8 (T, H, W, 3)`` in, a copy out.

        >>> Identity().decaption(np.zeros((2, 4, 4, 3), np.uint8)).shape
        (2, 4, 4, 3)
        """
        return check_clip(frames).copy()


@dataclass(frozen=True)
class _Detecting:
    """A method that finds the captions itself with a :class:`CaptionDetector`."""

    detector: CaptionDetector = field(default_factory=CaptionDetector)

    def detect(self, frames: np.ndarray) -> np.ndarray:
        """The caption mask of a clip, bool ``(T, H, W)``."""
        return self.detector.detect(frames)


@dataclass(frozen=True)
class SpatialTelea(_Detecting):
    """Detect, then inpaint every frame on its own with Telea's fast marching."""

    info = MethodInfo(name="spatial-telea", track=Track.CAPTIONS, kind="classical",
                      description="Detected captions inpainted frame by frame (Telea), "
                                  "no temporal information",
                      reference=TELEA_REFERENCE)

    def decaption(self, frames: np.ndarray) -> np.ndarray:
        """``uint8 (T, H, W, 3)`` in and out."""
        return telea_fill(frames, self.detect(frames))


@dataclass(frozen=True)
class TemporalStill(_Detecting):
    """Detect, then copy each hidden pixel from the nearest frames where its place is clear."""

    info = MethodInfo(name="temporal-still", track=Track.CAPTIONS, kind="classical",
                      description="Detected captions filled from the same place in the "
                                  "nearest frames where it is clear (no motion), Telea "
                                  "for the rest")

    def decaption(self, frames: np.ndarray) -> np.ndarray:
        """``uint8 (T, H, W, 3)`` in and out."""
        return temporal_fill(frames, self.detect(frames), motion=False)


@dataclass(frozen=True)
class TemporalFill(_Detecting):
    """Detect, then fill along the optical flow from the nearest frames where it is clear.

    Parameters
    ----------
    flow_scale : float
        The flow is measured on frames resized by this factor (0.5: faster, coarser).
    """

    flow_scale: float = 1.0
    info = MethodInfo(name="temporal-fill", track=Track.CAPTIONS, kind="classical",
                      description="Detected captions filled from the nearest frames where "
                                  "they are clear, along DIS optical flow completed under "
                                  "the captions; Telea for what no frame shows",
                      reference=FLOW_REFERENCE)

    def decaption(self, frames: np.ndarray) -> np.ndarray:
        """``uint8 (T, H, W, 3)`` in and out."""
        return temporal_fill(frames, self.detect(frames), flow_scale=self.flow_scale)


@register(Identity.info)
def _identity() -> Identity:
    return Identity()


@register(SpatialTelea.info)
def _spatial_telea() -> SpatialTelea:
    return SpatialTelea()


@register(TemporalStill.info)
def _temporal_still() -> TemporalStill:
    return TemporalStill()


@register(TemporalFill.info)
def _temporal_fill() -> TemporalFill:
    return TemporalFill()
