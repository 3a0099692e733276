"""Simple track-3 baselines: the input's grey (the floor) and a contrast-equalised grey.

Neither knows what a print is; they bound from below what the enhancers achieve.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from inpaintbench.methods.base import MethodInfo
from inpaintbench.methods.fingerprints.analysis import luma
from inpaintbench.methods.registry import register
from inpaintbench.tracks import Track

# CLAHE settings: OpenCV's usual ones for fingerprints, tiles of about 50 px at 275×400
# (roughly five ridge periods) so faded and dark regions are equalised separately.
CLAHE_CLIP = 2.0
CLAHE_TILES = (8, 6)  # (rows, columns) of tiles


@dataclass(frozen=True)
class Identity:
    """The degraded input itself, in grey as the scorer computes it (PIL ``convert('L')``)."""

    info = MethodInfo(name="identity", track=Track.FINGERPRINTS, kind="floor",
                      description="The input unchanged, converted to grey (PIL luma)")

    def restore(self, image: np.ndarray) -> np.ndarray:
        """``uint8 (H, W, 3)`` RGB in, its luma ``uint8 (H, W)`` out.

        >>> Identity().restore(np.full((4, 3, 3), 200, np.uint8)).shape
        (4, 3)
        """
        return luma(image)


@dataclass(frozen=True)
class Clahe:
    """Contrast-limited adaptive histogram equalisation of the grey (Zuiderveld 1994).

    The usual first step of fingerprint pipelines: it undoes fading and uneven
    brightness but keeps the ground, the scratches and the blur.
    """

    info = MethodInfo(
        name="clahe", track=Track.FINGERPRINTS, kind="classical",
        description="Contrast-limited adaptive histogram equalisation of the grey input",
        reference="Zuiderveld, Contrast limited adaptive histogram equalization, "
                  "Graphics Gems IV, 1994")

    def restore(self, image: np.ndarray) -> np.ndarray:
        """``uint8 (H, W, 3)`` RGB in, equalised grey ``uint8 (H, W)`` out."""
        tiles = (CLAHE_TILES[1], CLAHE_TILES[0])  # OpenCV's grid is (columns, rows)
        return cv2.createCLAHE(CLAHE_CLIP, tiles).apply(luma(image))


@register(Identity.info)
def _identity() -> Identity:
    return Identity()


@register(Clahe.info)
def _clahe() -> Clahe:
    return Clahe()
