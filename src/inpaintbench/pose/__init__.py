"""Pose estimation for the pose metric of track 1 (WNJD), and the metric itself.

``load_estimator("blazepose")`` gives a :class:`PoseEstimator` (BlazePose, in the
optional ``pose`` extra: ``pip install 'inpaintbench[pose]'``);
:func:`~inpaintbench.pose.wnjd.wnjd` compares two poses. Nothing here imports
mediapipe until an estimator is loaded.
"""

from __future__ import annotations

from collections.abc import Callable

from inpaintbench.pose.base import PoseEstimator
from inpaintbench.pose.blazepose import (
    POSE_EXTRA_HINT,
    BlazePoseEstimator,
    PoseExtraMissing,
    import_mediapipe_pose,
)
from inpaintbench.pose.wnjd import (
    SCORED_CODES,
    WNJD_PENALTY,
    ImageWnjd,
    image_wnjd,
    per_joint_table,
    wnjd,
)

# Estimator name -> class; every one takes no required argument.
ESTIMATORS: dict[str, Callable[[], PoseEstimator]] = {"blazepose": BlazePoseEstimator}
DEFAULT_ESTIMATOR = "blazepose"


def load_estimator(name: str = DEFAULT_ESTIMATOR) -> PoseEstimator:
    """The pose estimator registered as ``name`` (see :data:`ESTIMATORS`).

    Raises
    ------
    ValueError
        When no estimator has that name.
    PoseExtraMissing
        When its dependency is not installed.
    """
    try:
        factory = ESTIMATORS[name]
    except KeyError:
        raise ValueError(f"unknown pose estimator {name!r}; known: "
                         f"{', '.join(sorted(ESTIMATORS))}") from None
    return factory()


def pose_available() -> bool:
    """Whether the default estimator can run (mediapipe imports), without starting it."""
    try:
        import_mediapipe_pose()
    except PoseExtraMissing:
        return False
    return True


__all__ = ["DEFAULT_ESTIMATOR", "ESTIMATORS", "POSE_EXTRA_HINT", "SCORED_CODES", "WNJD_PENALTY",
           "BlazePoseEstimator", "ImageWnjd", "PoseEstimator", "PoseExtraMissing", "image_wnjd",
           "load_estimator", "per_joint_table", "pose_available", "wnjd"]
