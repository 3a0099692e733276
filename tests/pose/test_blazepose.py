"""BlazePose on real photos: near the COCO/MPII annotations, sides right, WNJD behaves.

The photos and their raw annotations are in ``../shared/data/real/pose``; each test
crops one annotated person (as the track-1 builder does) and reads the joints from
the source's own JSON, independently of our readers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inpaintbench.data.humans.joints import JointType, Side
from inpaintbench.errors import InpaintBenchError
from inpaintbench.pose import (
    PoseExtraMissing,
    load_estimator,
    pose_available,
)
from inpaintbench.pose import blazepose as bp
from inpaintbench.pose.wnjd import image_wnjd

L, R = Side.LEFT, Side.RIGHT
# COCO keypoint order (test_coco.json "categories"); ears are not in our vocabulary.
COCO_ORDER = ((JointType.NOSE, None), (JointType.EYE, L), (JointType.EYE, R), None, None,
              (JointType.SHOULDER, L), (JointType.SHOULDER, R), (JointType.ELBOW, L),
              (JointType.ELBOW, R), (JointType.WRIST, L), (JointType.WRIST, R),
              (JointType.HIP, L), (JointType.HIP, R), (JointType.KNEE, L), (JointType.KNEE, R),
              (JointType.ANKLE, L), (JointType.ANKLE, R))
COCO_VISIBLE = 2  # COCO's v flag: 2 = labelled and visible
COCO_MIN_KEYPOINTS = 12  # people this well annotated are clearly shown
# MPII joint order (0 r ankle … 15 l wrist); upper neck and head top are not estimated.
MPII_ORDER = ((JointType.ANKLE, R), (JointType.KNEE, R), (JointType.HIP, R), (JointType.HIP, L),
              (JointType.KNEE, L), (JointType.ANKLE, L), (JointType.PELVIS, None),
              (JointType.THORAX, None), None, None, (JointType.WRIST, R), (JointType.ELBOW, R),
              (JointType.SHOULDER, R), (JointType.SHOULDER, L), (JointType.ELBOW, L),
              (JointType.WRIST, L))
CONTEXT = 0.25  # crop margin, as a fraction of the person's larger side
GREY = 128


def _annotated_people(real: Path):
    """(photo, [(type, side, x, y)]) for every well-annotated person, raw from the JSON."""
    coco = json.loads((real / "pose" / "coco" / "test_coco.json").read_text())
    files = {image["id"]: image["file_name"] for image in coco["images"]}
    for ann in coco["annotations"]:
        kp = np.asarray(ann["keypoints"], float).reshape(-1, 3)
        if ann["num_keypoints"] >= COCO_MIN_KEYPOINTS:
            yield real / "pose" / "coco" / files[ann["image_id"]], [
                (*COCO_ORDER[i], x, y) for i, (x, y, v) in enumerate(kp)
                if COCO_ORDER[i] and v == COCO_VISIBLE]
    for rec in json.loads((real / "pose" / "mpii" / "test_mpii.json").read_text()):
        yield real / "pose" / "mpii" / rec["image"], [
            (*MPII_ORDER[i], x, y) for i, ((x, y), v) in enumerate(zip(rec["joints"],
                                                                        rec["joints_vis"],
                                                                        strict=True))
            if MPII_ORDER[i] and v]


@pytest.fixture(scope="module")
def people(real_data):
    """Person crops with their annotated joints in crop pixels, and the person's size."""
    out = []
    for path, joints in _annotated_people(real_data):
        image = np.asarray(Image.open(path).convert("RGB"))
        xy = np.array([(x, y) for *_, x, y in joints])
        (x0, y0), (x1, y1) = xy.min(0), xy.max(0)
        margin = CONTEXT * max(x1 - x0, y1 - y0)
        c0, r0 = int(max(0, x0 - margin)), int(max(0, y0 - margin))
        c1 = int(min(image.shape[1], x1 + margin))
        r1 = int(min(image.shape[0], y1 + margin))
        crop = np.ascontiguousarray(image[r0:r1, c0:c1])
        out.append((crop, [(t, s, x - c0, y - r0) for t, s, x, y in joints],
                    float(np.hypot(x1 - x0, y1 - y0))))
    assert len(out) >= 12
    return out


@pytest.fixture(scope="module")
def estimator():
    pytest.importorskip("mediapipe", reason="the pose extra (mediapipe) is not installed: "
                                           "pip install 'inpaintbench[pose]'")
    return load_estimator("blazepose")


def test_landmark_map_agrees_with_mediapipes_own_names(estimator):
    from mediapipe.python.solutions.pose import PoseLandmark

    for index, type_, side in bp.LANDMARKS:
        expected = type_.value.upper() if side is None else f"{side.value}_{type_.value}".upper()
        assert PoseLandmark(index).name == expected


def test_joints_are_near_the_annotations_and_sides_are_right(estimator, people):
    matched, swapped, annotated, found = [], [], 0, 0
    for crop, joints, size in people:
        persons = estimator.estimate(crop)
        annotated += len(joints)
        if not persons:
            continue
        for type_, side, x, y in joints:
            joint = persons[0].get(type_, side)
            if joint is None:
                continue
            found += 1
            matched.append(np.hypot(joint.x - x, joint.y - y) / size)
            other = persons[0].get(type_, {L: R, R: L}.get(side))
            if side is not None and other is not None:
                swapped.append(np.hypot(other.x - x, other.y - y) / size)
    # BlazePose finds most visible annotated joints, a few % of the person's size off
    # (measured: median 0.02, 90th percentile 0.06 of the person's diagonal).
    assert found >= 0.7 * annotated
    assert np.median(matched) < 0.05 and np.percentile(matched, 90) < 0.12
    # A left/right mix-up would put the same-side joint farther than the other side's.
    assert np.median(swapped) > 3 * np.median(matched)


def test_joints_lie_in_the_image_with_pixel_coordinates(estimator, people):
    crop, joints, _ = people[0]
    (person,) = estimator.estimate(crop)
    h, w = crop.shape[:2]
    for joint in person.joints:
        assert 0 <= joint.x < w and 0 <= joint.y < h
        assert joint.confidence >= bp.VISIBILITY_THRESHOLD
    left, right = person.get(JointType.HIP, L), person.get(JointType.HIP, R)
    pelvis = person.get(JointType.PELVIS)
    assert pelvis.derived and (pelvis.x, pelvis.y) == ((left.x + right.x) / 2,
                                                       (left.y + right.y) / 2)
    assert estimator.estimate(np.full((200, 120, 3), GREY, np.uint8)) == []  # nobody


def test_the_estimator_is_deterministic_so_wnjd_of_an_image_with_itself_is_zero(estimator,
                                                                              people):
    checked = 0
    for crop, _, _ in people[:6]:
        assert estimator.estimate(crop) == estimator.estimate(crop.copy())
        if estimator.estimate(crop):
            assert image_wnjd(crop, crop.copy(), estimator).value == 0.0
            checked += 1
    assert checked >= 4


def _cover(crop, joints, fraction, rng):
    """Grey squares centred near random joints until ``fraction`` of the person's box is grey."""
    xy = np.array([(x, y) for *_, x, y in joints])
    (x0, y0), (x1, y1) = np.floor(xy.min(0)).astype(int), np.ceil(xy.max(0)).astype(int)
    side = max(8, int(0.2 * max(x1 - x0, y1 - y0)))
    out, grey = crop.copy(), np.zeros(crop.shape[:2], bool)
    order = rng.permutation(len(xy))
    for i in range(200):
        if grey[y0:y1 + 1, x0:x1 + 1].mean() >= fraction:
            break
        x, y = xy[order[i % len(order)]] + rng.integers(-side // 2, side // 2 + 1, 2)
        r, c = max(0, int(y - side / 2)), max(0, int(x - side / 2))
        out[r:r + side, c:c + side] = GREY
        grey[r:r + side, c:c + side] = True
    return out


def test_wnjd_grows_as_more_of_the_body_is_greyed_out(estimator, people):
    levels = {0.0: [], 0.25: [], 0.6: []}
    for crop, joints, _ in people:
        original = estimator.estimate(crop)
        if not original:
            continue
        for fraction, values in levels.items():
            masked = _cover(crop, joints, fraction, np.random.default_rng(0))
            values.append(image_wnjd(crop, masked, estimator, reference=original).value)
    means = {fraction: float(np.mean(v)) for fraction, v in levels.items()}
    assert len(levels[0.0]) >= 10
    assert means[0.0] == 0.0  # nothing covered: the same pose, exactly
    assert means[0.25] > 0.1  # measured 0.50
    assert means[0.6] > means[0.25] + 0.1  # measured 0.96


def test_landmarks_outside_the_image_or_unsure_are_not_visible(monkeypatch):
    monkeypatch.setattr(bp, "import_mediapipe_pose", lambda: None)
    estimator = bp.BlazePoseEstimator()
    raw = np.zeros((bp.N_LANDMARKS, 3))
    raw[:, 2] = 0.9
    raw[:, :2] = (10, 20)  # every landmark inside a 40 × 30 image ...
    raw[27] = (40.0, 20, 0.99)  # ... but the left ankle just past the right edge
    raw[28] = (10, -0.5, 0.99)  # the right ankle above the top
    raw[25, 2] = bp.VISIBILITY_THRESHOLD - 1e-6  # the left knee unsure
    monkeypatch.setattr(estimator, "landmarks", lambda image: raw)
    (person,) = estimator.estimate(np.zeros((30, 40, 3), np.uint8))
    assert len(person.joints) == 15 + 2  # every mapped landmark, plus pelvis and thorax
    visible = {j.key for j in person.joints if j.visible}
    assert (JointType.ANKLE, L) not in visible and (JointType.ANKLE, R) not in visible
    assert (JointType.KNEE, L) not in visible and (JointType.KNEE, R) in visible
    assert (JointType.THORAX, None) in visible and len(visible) == 15 - 3 + 2
    assert person.get(JointType.KNEE, L).confidence < bp.VISIBILITY_THRESHOLD
    monkeypatch.setattr(estimator, "landmarks", lambda image: None)
    assert estimator.estimate(np.zeros((30, 40, 3), np.uint8)) == []


def test_input_is_checked_at_the_door(monkeypatch):
    monkeypatch.setattr(bp, "import_mediapipe_pose", lambda: None)
    estimator = bp.BlazePoseEstimator()
    for bad in (np.zeros((8, 8, 3), np.float32), np.zeros((8, 8), np.uint8),
                np.zeros((8, 8, 4), np.uint8)):
        with pytest.raises(ValueError, match=r"uint8 \(H, W, 3\)"):
            estimator.estimate(bad)
    with pytest.raises(ValueError, match="visibility_threshold"):
        bp.BlazePoseEstimator(visibility_threshold=1.5)


def test_missing_mediapipe_says_how_to_install_it(monkeypatch):
    for name in [n for n in sys.modules if n == "mediapipe" or n.startswith("mediapipe.")] \
            or ["mediapipe"]:
        monkeypatch.setitem(sys.modules, name, None)  # "import mediapipe" now fails
    assert not pose_available()
    with pytest.raises(PoseExtraMissing, match=r"pip install 'inpaintbench\[pose\]'") as info:
        load_estimator("blazepose")
    assert isinstance(info.value, InpaintBenchError)
    with pytest.raises(ValueError, match="unknown pose estimator"):
        load_estimator("hourglass")


def test_mediapipe_start_up_messages_are_silenced(estimator, real_data):
    photo = real_data / "pose" / "mpii" / "052475643.jpg"
    code = ("import sys; import numpy as np; from PIL import Image; from inpaintbench.pose "
            "import load_estimator; im = np.asarray(Image.open(sys.argv[1]).convert('RGB')); "
            "print(len(load_estimator().estimate(im)))")
    proc = subprocess.run([sys.executable, "-c", code, str(photo)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1" and proc.stderr == ""
