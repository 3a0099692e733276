"""The pose-estimator interface every estimator implements.

An estimator takes one RGB photo and returns the people it finds, with their
joints in the challenge's vocabulary (:mod:`inpaintbench.data.humans.joints`).
The challenge used a Stacked Hourglass hidden from participants (CHALLENGE.md,
Track 1 — WNJD); we ship BlazePose (:mod:`inpaintbench.pose.blazepose`) because
its model sits inside the ``mediapipe`` wheel and runs offline.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from inpaintbench.data.humans.joints import Person


@runtime_checkable
class PoseEstimator(Protocol):
    """Finds people and their joints in a photo.

    Attributes
    ----------
    name : str
        A short identifier recorded next to every figure it produced
        (e.g. ``"blazepose-full"``).
    """

    name: str

    def estimate(self, image: np.ndarray) -> list[Person]:
        """People in ``image`` (``uint8 (H, W, 3)`` RGB), most prominent first.

        Joints the estimator does not find are absent from a person's joints;
        coordinates are pixels of ``image``.
        """
        ...
