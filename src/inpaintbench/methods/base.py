"""The interface of a method, one per track, and what describes it.

A method is a small object with a :class:`MethodInfo` and one call:

- **humans** (:class:`HumansMethod`): ``inpaint(image, mask) -> image``. The image is
  ``uint8 (H, W, 3)`` RGB with the holes as the release shows them (white); the mask
  is ``bool (H, W)``, True in the holes (the challenge gives the blocks). Pixels
  outside the mask are pasted back by the runner, so a method need not preserve them.
- **captions** (:class:`CaptionsMethod`): ``decaption(frames) -> frames``, blind: the
  clip ``uint8 (T, H, W, 3)`` in, the same shape out, no mask given. A method that
  finds captions itself may also expose ``detect(frames) -> bool (T, H, W)`` so that
  its detection can be scored against the metadata masks (:class:`CaptionDetector`).
- **fingerprints** (:class:`FingerprintsMethod`): ``restore(image) -> image``, blind:
  the degraded print ``uint8 (H, W, 3)`` RGB in, ``uint8 (H, W)`` grey out.

Methods are built without arguments by their factory in the registry and must be
picklable (the runner sends them to worker processes) and deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from inpaintbench.tracks import Track

KINDS = ("floor", "classical", "learned")


@dataclass(frozen=True)
class MethodInfo:
    """What ``inpaintbench methods`` shows about a method.

    Attributes
    ----------
    name : str
        Unique within its track, ``[a-z0-9-]``.
    track : Track
    description : str
        One line: what it does.
    kind : str
        ``floor`` (a lower bound such as the untouched input), ``classical`` or ``learned``.
    reference : str
        Where the method comes from (paper or library), empty for our own.
    """

    name: str
    track: Track
    description: str
    kind: str = "classical"
    reference: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")


@runtime_checkable
class HumansMethod(Protocol):
    info: MethodInfo

    def inpaint(self, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Fill ``mask`` (bool (H, W)) of ``image`` (uint8 (H, W, 3)); same shape out."""


@runtime_checkable
class CaptionsMethod(Protocol):
    info: MethodInfo

    def decaption(self, frames: np.ndarray) -> np.ndarray:
        """Remove the captions of a clip, uint8 (T, H, W, 3) in and out, no mask given."""


@runtime_checkable
class CaptionDetector(Protocol):
    def detect(self, frames: np.ndarray) -> np.ndarray:
        """The caption mask of a clip, bool (T, H, W)."""


@runtime_checkable
class FingerprintsMethod(Protocol):
    info: MethodInfo

    def restore(self, image: np.ndarray) -> np.ndarray:
        """Restore a degraded print: uint8 (H, W, 3) RGB in, uint8 (H, W) grey out."""
