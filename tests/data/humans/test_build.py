"""Building a track-1 set: layout, crops, masks on disk, splits, determinism, resume."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inpaintbench.data.humans.build import (
    DATASET_JSON,
    JOINTS_JSON,
    SPLITS,
    THESIS_SPLIT,
    HumansBuildConfig,
    build_humans,
    split_of,
)
from inpaintbench.data.humans.crops import person_crop
from inpaintbench.data.humans.joints import AnnotatedImage, Joint, JointType, Person, Side
from inpaintbench.data.humans.masks import blocks_mask, effective_margin
from inpaintbench.errors import InputError
from inpaintbench.scoring.humans import MASKDATA_JSON, HumansReference


def _person(pid: str, x: float, y: float, scale: float) -> Person:
    """A standing person: head top at (x, y), ankles ``scale`` px lower."""
    J, S = JointType, Side
    layout = [(J.HEAD_TOP, None, 0, 0), (J.UPPER_NECK, None, 0, .12),
              (J.SHOULDER, S.LEFT, .12, .18), (J.SHOULDER, S.RIGHT, -.12, .18),
              (J.ELBOW, S.LEFT, .16, .35), (J.ELBOW, S.RIGHT, -.16, .35),
              (J.WRIST, S.LEFT, .18, .5), (J.WRIST, S.RIGHT, -.18, .5),
              (J.HIP, S.LEFT, .08, .52), (J.HIP, S.RIGHT, -.08, .52),
              (J.KNEE, S.LEFT, .09, .75), (J.KNEE, S.RIGHT, -.09, .75),
              (J.ANKLE, S.LEFT, .1, 1.0), (J.ANKLE, S.RIGHT, -.1, 1.0)]
    return Person(pid, tuple(Joint(t, s, x + dx * scale, y + dy * scale)
                             for t, s, dx, dy in layout))


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> list[AnnotatedImage]:
    folder = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(0)
    items = []
    for i in range(8):
        width, height = int(rng.integers(500, 900)), int(rng.integers(450, 800))
        pixels = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
        path = folder / f"photo{i}.png"
        Image.fromarray(pixels).save(path)
        persons = [_person("a", width * 0.3, 40, height * 0.8),
                   _person("b", width * 0.7, 60, height * 0.7),
                   _person("tiny", 20, 20, 30),  # under 64×64: dropped
                   Person("one", (Joint(JointType.NOSE, None, 50, 50),))]  # one joint
        items.append(AnnotatedImage("synthetic", f"photo{i}", str(path), tuple(persons)))
    return items


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".parts" not in p.parts}


@pytest.fixture(scope="module")
def built(photos, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("set") / "humans"
    build_humans(photos, out, HumansBuildConfig(seed=3), workers=2)
    return out


def test_release_layout_and_counts(built, photos):
    description = json.loads((built / DATASET_JSON).read_text())
    assert description["complete"] and description["photos"] == len(photos)
    assert sum(description["samples"].values()) == 2 * len(photos)
    assert description["skipped"] == {"too-small": len(photos), "too-few-joints": len(photos)}
    for split in SPLITS:
        if description["samples"][split] == 0:
            continue
        folder = built / split
        reference = HumansReference.open(folder)  # the scorer accepts every split as is
        assert len(reference.images) == description["samples"][split]
        joints = json.loads((folder / JOINTS_JSON).read_text())
        assert set(joints) == set(reference.images)


def test_x_is_y_with_white_blocks_and_y_is_the_crop(built, photos):
    by_id = {p.image_id: p for p in photos}
    checked = 0
    for split in SPLITS:
        if not (built / split / MASKDATA_JSON).exists():
            continue
        maskdata = json.loads((built / split / MASKDATA_JSON).read_text())
        joints = json.loads((built / split / JOINTS_JSON).read_text())
        for name, blocks in maskdata.items():
            x = np.asarray(Image.open(built / split / "X" / f"{name}.png"))
            y = np.asarray(Image.open(built / split / "Y" / f"{name}.png"))
            mask = blocks_mask(y.shape[1], y.shape[0], [tuple(b) for b in blocks])
            assert (x[mask] == 255).all() and (x[~mask] == y[~mask]).all()
            record = joints[name]
            photo = by_id[record["image_id"]]
            source = np.asarray(Image.open(photo.path))
            x0, y0, x1, y1 = record["crop"]
            assert (y == source[y0:y1, x0:x1]).all()
            person = next(p for p in photo.persons if p.person_id == record["person_id"])
            assert tuple(record["crop"]) == person_crop(person, source.shape[1],
                                                        source.shape[0])
            margin = effective_margin(x1 - x0, y1 - y0)
            assert all(r >= margin and c >= margin for r, c, _ in blocks)
            # joints are stored in the crop's coordinates
            stored = record["persons"][0]["joints"]
            original = {(j.type.value, j.side.value if j.side else None): j
                        for j in person.joints}
            for joint in stored:
                source_joint = original[(joint["type"], joint["side"])]
                assert joint["x"] == pytest.approx(source_joint.x - x0, abs=1e-3)
                assert joint["y"] == pytest.approx(source_joint.y - y0, abs=1e-3)
            checked += 1
    assert checked == 16


def test_every_crop_of_a_photo_is_in_its_split(built):
    for split in SPLITS:
        if (built / split / JOINTS_JSON).exists():
            for record in json.loads((built / split / JOINTS_JSON).read_text()).values():
                assert split_of(record["source"], record["image_id"], THESIS_SPLIT) == split


def test_split_fractions_are_close_to_the_thesis():
    splits = [split_of("src", str(i), THESIS_SPLIT) for i in range(20000)]
    fractions = [splits.count(s) / len(splits) for s in SPLITS]
    assert np.allclose(fractions, THESIS_SPLIT, atol=0.015)


def test_same_seed_same_bytes_whatever_the_workers(built, photos, tmp_path):
    again = tmp_path / "again"
    build_humans(photos, again, HumansBuildConfig(seed=3), workers=1)
    assert _files(again) == _files(built)
    other = tmp_path / "other"
    build_humans(photos, other, HumansBuildConfig(seed=4), workers=1)
    assert _files(other) != _files(built)


def test_an_interrupted_build_resumes_to_the_same_bytes(built, photos, tmp_path):
    out = tmp_path / "resumed"

    def stop_after_three(done, total):
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_humans(photos, out, HumansBuildConfig(seed=3), workers=1,
                     progress=stop_after_three)
    assert not json.loads((out / DATASET_JSON).read_text())["complete"]
    summary = build_humans(photos, out, HumansBuildConfig(seed=3), workers=2)
    assert summary.resumed == 3
    assert _files(out) == _files(built)


def test_other_settings_on_the_same_folder_are_refused(built, photos):
    with pytest.raises(InputError, match="other settings"):
        build_humans(photos, built, HumansBuildConfig(seed=99))


def test_a_foreign_folder_is_refused(photos, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        build_humans(photos, tmp_path, HumansBuildConfig())


def test_an_unreadable_photo_is_reported_and_the_build_goes_on(photos, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    items = [*photos[:2], AnnotatedImage("synthetic", "broken", str(broken),
                                         (_person("a", 100, 10, 300),))]
    summary = build_humans(items, tmp_path / "out", workers=1)
    description = json.loads((tmp_path / "out" / DATASET_JSON).read_text())
    assert summary.skipped["unreadable-image"] == 1
    assert "broken.jpg" in description["unreadable"][0]
    assert sum(summary.samples.values()) == 4


def test_precropped_photos_are_used_whole(photos, tmp_path):
    whole = [AnnotatedImage(p.source, p.image_id, p.path, p.persons[:1], precropped=True)
             for p in photos[:3]]
    build_humans(whole, tmp_path / "lsp", workers=1)
    for split in SPLITS:
        joints_path = tmp_path / "lsp" / split / JOINTS_JSON
        if joints_path.exists():
            for name, record in json.loads(joints_path.read_text()).items():
                photo = Image.open(next(p.path for p in whole if p.image_id == record["image_id"]))
                assert record["crop"] == [0, 0, *photo.size]
                assert name == f"synthetic_{record['image_id']}"


def test_given_blocks_are_kept(photos, tmp_path):
    given = ((120, 130, 40), (300, 200, 25))
    items = [AnnotatedImage("chalearn", "img7", photos[0].path, (), precropped=True,
                            blocks=given)]
    build_humans(items, tmp_path / "kept", workers=1)
    split = split_of("chalearn", "img7", THESIS_SPLIT)
    maskdata = json.loads((tmp_path / "kept" / split / MASKDATA_JSON).read_text())
    assert maskdata == {"img7": [list(b) for b in given]}
