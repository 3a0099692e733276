"""The challenge's joint vocabulary, and people annotated with it.

Track 1 kept 12 joint types across its five sources — ankles, knees, hips,
pelvis, thorax, upper neck, head top, wrists, elbows, shoulders, eyes, nose
(thesis, seed 003 §2.3.2, Table 2). The thesis dropped left/right because its
sources disagreed on whose left it was; we keep the side wherever a source
states it (``side=None`` where it does not, or for the midline joints), so a
user can drop it, and the pose metric's per-joint table (book Table 7) needs it.

Every reader in :mod:`inpaintbench.data.humans.sources` maps its format to
:class:`Joint` records; that mapping, per source, is documented there.
Coordinates are pixels of the image the person was annotated on, ``x`` to the
right and ``y`` down, as in every pose format we read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any


class JointType(StrEnum):
    """The 12 joint types of track 1 (thesis Table 2, numbered as there)."""

    ANKLE = "ankle"
    KNEE = "knee"
    HIP = "hip"
    PELVIS = "pelvis"
    THORAX = "thorax"
    UPPER_NECK = "upper_neck"
    HEAD_TOP = "head_top"
    WRIST = "wrist"
    ELBOW = "elbow"
    SHOULDER = "shoulder"
    EYE = "eye"
    NOSE = "nose"


class Side(StrEnum):
    """The person's own side (MPII, LSP and COCO all annotate it this way)."""

    LEFT = "left"
    RIGHT = "right"


# Joints on the body's midline never carry a side.
MIDLINE = frozenset({JointType.PELVIS, JointType.THORAX, JointType.UPPER_NECK,
                     JointType.HEAD_TOP, JointType.NOSE})


@dataclass(frozen=True)
class Joint:
    """One annotated or estimated joint.

    Attributes
    ----------
    type : JointType
    side : Side or None
        None on the midline and where the source does not say.
    x, y : float
        Pixel coordinates (column, row) in the image.
    visible : bool
        False for a joint the annotator placed but marked occluded.
    derived : bool
        True for a joint computed from others (pelvis as mid-hip, thorax as
        mid-shoulder) because the source lacks it.
    confidence : float or None
        The pose estimator's score, None for annotations.
    """

    type: JointType
    side: Side | None
    x: float
    y: float
    visible: bool = True
    derived: bool = False
    confidence: float | None = None

    def __post_init__(self) -> None:
        if self.type in MIDLINE and self.side is not None:
            raise ValueError(f"a {self.type.value} joint is on the midline and has no side")

    @property
    def key(self) -> tuple[JointType, Side | None]:
        return self.type, self.side

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {"type": self.type.value,
                                  "side": self.side.value if self.side else None,
                                  "x": round(float(self.x), 3), "y": round(float(self.y), 3),
                                  "visible": bool(self.visible)}
        if self.derived:
            record["derived"] = True
        if self.confidence is not None:
            record["confidence"] = round(float(self.confidence), 4)
        return record

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> Joint:
        """Inverse of :meth:`to_json`; ValueError for a coordinate that is not a finite number."""
        side = record.get("side")
        x, y, confidence = record["x"], record["y"], record.get("confidence")
        for key, value in (("x", x), ("y", y), ("confidence", confidence)):
            if value is None and key == "confidence":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not math.isfinite(value):
                raise ValueError(f"joint {key} must be a finite number, got {value!r}")
        return cls(JointType(record["type"]), Side(side) if side else None,
                   float(x), float(y),
                   visible=bool(record.get("visible", True)),
                   derived=bool(record.get("derived", False)),
                   confidence=confidence)


@dataclass(frozen=True)
class Person:
    """The joints of one person in one image; ``person_id`` is unique within its source."""

    person_id: str
    joints: tuple[Joint, ...]

    def get(self, type_: JointType, side: Side | None = None) -> Joint | None:
        """The joint of that type and side, or None."""
        for joint in self.joints:
            if joint.type == type_ and joint.side == side:
                return joint
        return None

    def bbox(self) -> tuple[float, float, float, float]:
        """``(x0, y0, x1, y1)``: the smallest box holding every joint."""
        xs = [j.x for j in self.joints]
        ys = [j.y for j in self.joints]
        return min(xs), min(ys), max(xs), max(ys)

    def to_json(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "joints": [j.to_json() for j in self.joints]}

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> Person:
        return cls(str(record["person_id"]),
                   tuple(Joint.from_json(j) for j in record["joints"]))


@dataclass(frozen=True)
class AnnotatedImage:
    """One source photo and the people annotated (or estimated) on it.

    ``image_id`` is unique within ``source`` and stable across runs: the split
    of a built set is decided from ``(source, image_id)`` so that every crop of
    one photo lands in the same split.

    Attributes
    ----------
    precropped : bool
        The photo is already centred on one person (LSP, BBC Pose in the thesis,
        Table 1): it is used whole instead of being cropped per person.
    blocks : tuple of (row, col, size), or None
        Masks that come with the source (the official ChaLearn release); the
        builder keeps them instead of drawing new ones.
    """

    source: str
    image_id: str
    path: str
    persons: tuple[Person, ...]
    width: int | None = None
    height: int | None = None
    precropped: bool = False
    blocks: tuple[tuple[int, int, int], ...] | None = None


def with_derived_joints(joints: Iterable[Joint]) -> tuple[Joint, ...]:
    """Add pelvis as mid-hip and thorax as mid-shoulder where a source lacks them.

    A derived joint needs both of its parents; it is visible only when both are.
    This is the documented mapping for every source without these joints (COCO
    and its relatives, LSP, AIC, CrowdPose), in the thesis's spirit of inferring
    a joint from annotations that determine it (§2.3.2, the Synchronic thorax).

    >>> hips = [Joint(JointType.HIP, Side.LEFT, 10, 20), Joint(JointType.HIP, Side.RIGHT, 30, 20)]
    >>> pelvis = with_derived_joints(hips)[-1]
    >>> (pelvis.type.value, pelvis.x, pelvis.y, pelvis.derived)
    ('pelvis', 20.0, 20.0, True)
    """
    joints = tuple(joints)
    present = {j.key: j for j in joints}
    added = []
    for child, parent in ((JointType.PELVIS, JointType.HIP),
                          (JointType.THORAX, JointType.SHOULDER)):
        left, right = present.get((parent, Side.LEFT)), present.get((parent, Side.RIGHT))
        if (child, None) in present or left is None or right is None:
            continue
        added.append(Joint(child, None, (left.x + right.x) / 2, (left.y + right.y) / 2,
                           visible=left.visible and right.visible, derived=True))
    return joints + tuple(added)


def sideless(joints: Iterable[Joint]) -> tuple[Joint, ...]:
    """The joints with their side dropped, as the thesis released them (§2.3.2)."""
    return tuple(replace(j, side=None) for j in joints)


# --- the scored joints of the pose metric ----------------------------------------
# Book Table 7 ("Mean WNJD ... of each predicted joint type"), in its column order:
# the MPII joints a Stacked Hourglass predicts, less head top and upper neck.
# The book's "T Torso" is the MPII thorax.
SCORED_JOINTS: tuple[tuple[str, JointType, Side | None], ...] = (
    ("RK", JointType.KNEE, Side.RIGHT),
    ("RH", JointType.HIP, Side.RIGHT),
    ("RW", JointType.WRIST, Side.RIGHT),
    ("RE", JointType.ELBOW, Side.RIGHT),
    ("RS", JointType.SHOULDER, Side.RIGHT),
    ("RA", JointType.ANKLE, Side.RIGHT),
    ("P", JointType.PELVIS, None),
    ("LE", JointType.ELBOW, Side.LEFT),
    ("LS", JointType.SHOULDER, Side.LEFT),
    ("LK", JointType.KNEE, Side.LEFT),
    ("LH", JointType.HIP, Side.LEFT),
    ("LW", JointType.WRIST, Side.LEFT),
    ("T", JointType.THORAX, None),
    ("LA", JointType.ANKLE, Side.LEFT),
)
SCORED_JOINT_NAMES: dict[str, str] = {
    "RK": "right knee", "RH": "right hip", "RW": "right wrist", "RE": "right elbow",
    "RS": "right shoulder", "RA": "right ankle", "P": "pelvis", "LE": "left elbow",
    "LS": "left shoulder", "LK": "left knee", "LH": "left hip", "LW": "left wrist",
    "T": "thorax (the book's torso)", "LA": "left ankle",
}
