"""BlazePose (MediaPipe Pose, "full" model) as a :class:`~inpaintbench.pose.base.PoseEstimator`.

The challenge measured WNJD with a Stacked Hourglass it never released (CHALLENGE.md,
Track 1). We use BlazePose (Bazarevsky et al., "BlazePose: On-device Real-time Body
Pose tracking", CVPR-W 2020) through ``mediapipe.solutions.pose`` with
``model_complexity=1``: the "full" landmark model ships inside the ``mediapipe``
wheel, so nothing is downloaded at run time (complexities 0 and 2 fetch their
weights from the internet on first use and are never used here).

BlazePose finds at most one person, the most prominent, and gives 33 landmarks in
coordinates normalised to the image. :data:`LANDMARKS` maps the 15 that exist in
the challenge's vocabulary; pelvis and thorax are derived as mid-hip and
mid-shoulder (:func:`~inpaintbench.data.humans.joints.with_derived_joints`). Left
and right are the person's own, as in MPII and COCO: MediaPipe's landmark 11 is
``LEFT_SHOULDER`` (``mediapipe.solutions.pose.PoseLandmark``), which lies on the
image's right for a person facing the camera.

A landmark counts as found when its visibility (MediaPipe's likelihood that the
point is in the image and not occluded) reaches :data:`VISIBILITY_THRESHOLD` and it
lies inside the image; every other landmark is left out of the person.

Threads: MediaPipe's graph is not thread safe and costs a second to start, so
one graph is shared by every :class:`BlazePoseEstimator` of a process and calls
are serialised by a lock; call it from one thread (the scorer calls it from its
main thread). Results are deterministic: the same image gives the same joints.

Install with ``pip install 'inpaintbench[pose]'`` (``mediapipe==0.10.21``, which
needs ``numpy<2``).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from inpaintbench.data.humans.joints import (
    Joint,
    JointType,
    Person,
    Side,
    with_derived_joints,
)
from inpaintbench.errors import InpaintBenchError

POSE_EXTRA_HINT = "pip install 'inpaintbench[pose]'"  # pins mediapipe==0.10.21 (numpy<2)

# MediaPipe Pose settings. Complexity 1 is the "full" model bundled in the wheel
# (mediapipe/modules/pose_landmark/pose_landmark_full.tflite); 0 and 2 download.
MODEL_COMPLEXITY = 1
# A landmark is "found" from this visibility on: MediaPipe's own drawing threshold
# (mediapipe.python.solutions.drawing_utils._VISIBILITY_THRESHOLD).
VISIBILITY_THRESHOLD = 0.5
# The person detector's minimum score: MediaPipe Pose's default.
DETECTION_CONFIDENCE = 0.5

# BlazePose landmark index -> our joint (mediapipe.solutions.pose.PoseLandmark).
LANDMARKS: tuple[tuple[int, JointType, Side | None], ...] = (
    (0, JointType.NOSE, None),
    (2, JointType.EYE, Side.LEFT),
    (5, JointType.EYE, Side.RIGHT),
    (11, JointType.SHOULDER, Side.LEFT),
    (12, JointType.SHOULDER, Side.RIGHT),
    (13, JointType.ELBOW, Side.LEFT),
    (14, JointType.ELBOW, Side.RIGHT),
    (15, JointType.WRIST, Side.LEFT),
    (16, JointType.WRIST, Side.RIGHT),
    (23, JointType.HIP, Side.LEFT),
    (24, JointType.HIP, Side.RIGHT),
    (25, JointType.KNEE, Side.LEFT),
    (26, JointType.KNEE, Side.RIGHT),
    (27, JointType.ANKLE, Side.LEFT),
    (28, JointType.ANKLE, Side.RIGHT),
)
N_LANDMARKS = 33  # BlazePose's topology

# Quiet MediaPipe's C++ loggers (glog / TensorFlow) unless the user chose otherwise.
_QUIET_ENV = {"GLOG_minloglevel": "2", "TF_CPP_MIN_LOG_LEVEL": "3"}

_GRAPH: Any = None  # the process's one mediapipe Pose graph, made on first use
_GRAPH_LOCK = threading.Lock()
_GRAPH_TALKED = False  # True once the graph's one-time start-up messages are past


class PoseExtraMissing(InpaintBenchError, ImportError):
    """The pose estimator's optional dependency (``mediapipe``) is not importable."""

    def __init__(self, cause: BaseException | None = None) -> None:
        detail = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
        super().__init__(f"the pose metric needs mediapipe, which is not importable{detail}; "
                         f"install it with: {POSE_EXTRA_HINT} (mediapipe==0.10.21, numpy<2)")


def import_mediapipe_pose() -> Any:
    """``mediapipe.solutions.pose``, imported quietly.

    Raises
    ------
    PoseExtraMissing
        When mediapipe is not installed or fails to import (e.g. under numpy 2).
    """
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)
    try:
        from mediapipe.python.solutions import pose as mp_pose
    except ImportError as exc:
        raise PoseExtraMissing(exc) from exc
    with contextlib.suppress(ImportError):
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    return mp_pose


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null: MediaPipe's C++ start-up lines bypass Python."""
    fd = 2  # the C++ side writes to the descriptor, whatever sys.stderr is
    with contextlib.suppress(AttributeError, OSError, ValueError):
        sys.stderr.flush()
    try:
        saved = os.dup(fd)
    except OSError:  # no descriptor 2 at all: nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _graph() -> Any:
    global _GRAPH
    if _GRAPH is None:
        mp_pose = import_mediapipe_pose()
        with _stderr_silenced():
            _GRAPH = mp_pose.Pose(static_image_mode=True, model_complexity=MODEL_COMPLEXITY,
                                  enable_segmentation=False,
                                  min_detection_confidence=DETECTION_CONFIDENCE)
    return _GRAPH


def _check_image(image: np.ndarray) -> np.ndarray:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 \
            or image.shape[2] != 3:
        shape = getattr(image, "shape", None)
        dtype = getattr(image, "dtype", type(image).__name__)
        raise ValueError(f"a pose estimator takes a uint8 (H, W, 3) RGB image, got {dtype} "
                         f"of shape {shape}")
    if image.shape[0] < 1 or image.shape[1] < 1:
        raise ValueError(f"the image is empty: shape {image.shape}")
    return np.ascontiguousarray(image)


class BlazePoseEstimator:
    """MediaPipe BlazePose "full", mapped to the challenge's joints.

    Parameters
    ----------
    visibility_threshold : float
        A landmark whose visibility is below this is not found (default
        :data:`VISIBILITY_THRESHOLD`).

    Examples
    --------
    >>> est = BlazePoseEstimator()  # doctest: +SKIP
    >>> [p.get(JointType.SHOULDER, Side.LEFT) for p in est.estimate(image)]  # doctest: +SKIP
    [Joint(type=<JointType.SHOULDER: 'shoulder'>, side=<Side.LEFT: 'left'>, x=397.3, ...)]
    """

    name = "blazepose-full"

    def __init__(self, visibility_threshold: float = VISIBILITY_THRESHOLD) -> None:
        if not 0.0 <= visibility_threshold <= 1.0:
            raise ValueError(f"visibility_threshold must lie in [0, 1], got {visibility_threshold}")
        self.visibility_threshold = float(visibility_threshold)
        import_mediapipe_pose()  # fail here, at load time, when the extra is missing

    @property
    def settings(self) -> dict[str, Any]:
        """What a score file records about this estimator, to reproduce its figures."""
        try:
            version = importlib.metadata.version("mediapipe")
        except importlib.metadata.PackageNotFoundError:
            version = None
        return {"mediapipe": version, "model_complexity": MODEL_COMPLEXITY,
                "visibility_threshold": self.visibility_threshold,
                "detection_confidence": DETECTION_CONFIDENCE}

    def landmarks(self, image: np.ndarray) -> np.ndarray | None:
        """BlazePose's raw output on ``image``: ``float64 (33, 3)`` of pixel x, y and visibility.

        None when no person is found.
        """
        global _GRAPH_TALKED
        image = _check_image(image)
        height, width = image.shape[:2]
        with _GRAPH_LOCK:
            graph = _graph()
            quiet = _stderr_silenced() if not _GRAPH_TALKED else contextlib.nullcontext()
            with quiet:
                result = graph.process(image)
            found = result.pose_landmarks
            # the landmark model logs its start-up lines on its first detection
            _GRAPH_TALKED = _GRAPH_TALKED or found is not None
        if found is None:
            return None
        raw = np.array([(lm.x * width, lm.y * height, lm.visibility) for lm in found.landmark],
                       dtype=np.float64)
        if raw.shape != (N_LANDMARKS, 3):
            raise RuntimeError(f"BlazePose returned {len(raw)} landmarks, expected {N_LANDMARKS}")
        return raw

    def estimate(self, image: np.ndarray) -> list[Person]:
        """The most prominent person in ``image`` (``uint8 (H, W, 3)`` RGB), or ``[]``.

        Every mapped landmark is returned, as a Stacked Hourglass returns every
        joint: ``visible`` says whether its visibility reaches
        :attr:`visibility_threshold` and it lies inside the image; ``confidence``
        is the visibility (for a derived joint, the smaller of its parents').
        WNJD counts the original's *visible* joints and compares them with the
        reconstruction's best guesses (:mod:`inpaintbench.pose.wnjd`).
        """
        raw = self.landmarks(image)
        if raw is None:
            return []
        height, width = image.shape[:2]
        joints = []
        for index, type_, side in LANDMARKS:
            x, y, visibility = raw[index]
            visible = bool(visibility >= self.visibility_threshold
                           and 0 <= x < width and 0 <= y < height)
            joints.append(Joint(type_, side, float(x), float(y), visible=visible,
                                confidence=float(visibility)))
        by_key = {j.key: j for j in joints}
        parents = {JointType.PELVIS: JointType.HIP, JointType.THORAX: JointType.SHOULDER}
        derived = []
        for joint in with_derived_joints(joints)[len(joints):]:
            parent = parents[joint.type]
            confidence = min(by_key[(parent, Side.LEFT)].confidence or 0.0,
                             by_key[(parent, Side.RIGHT)].confidence or 0.0)
            derived.append(replace(joint, confidence=confidence))
        return [Person("blazepose-0", tuple(joints) + tuple(derived))]
