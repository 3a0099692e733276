"""``inpaintbench data humans build|stats`` on the real pose samples, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

from inpaintbench.data.humans.sources import read_source
from inpaintbench.scoring.humans import HumansReference


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "inpaintbench", *args], capture_output=True,
                          text=True, timeout=300)


def test_build_from_real_annotations_then_score_a_split(real_data, tmp_path):
    pose = real_data / "pose"
    out = tmp_path / "humans"
    proc = run("data", "humans", "build", str(pose / "coco"), str(pose / "mpii" / "test_mpii.json"),
               str(pose / "crowdpose"), "--out", str(out), "--seed", "5", "--pose", "none")
    assert proc.returncode == 0, proc.stderr
    description = json.loads((out / "dataset.json").read_text())
    assert [s["format"] for s in description["sources"]] == ["coco-json", "mpii-json",
                                                              "coco-json"]
    assert (out / "stats.png").stat().st_size > 10_000
    # every annotated joint of every built crop is the annotation file's, shifted by the crop
    annotated = {(img.source, img.image_id, p.person_id): p
                 for path in (pose / "coco", pose / "mpii" / "test_mpii.json", pose / "crowdpose")
                 for img in read_source(path).images for p in img.persons}
    built = 0
    for split, count in description["samples"].items():
        if not count:
            continue
        HumansReference.open(out / split)
        for record in json.loads((out / split / "joints.json").read_text()).values():
            person = annotated[(record["source"], record["image_id"], record["person_id"])]
            x0, y0 = record["crop"][:2]
            source = {(j.type.value, j.side.value if j.side else None): (j.x - x0, j.y - y0)
                      for j in person.joints}
            for joint in record["persons"][0]["joints"]:
                x, y = source[(joint["type"], joint["side"])]
                assert abs(joint["x"] - x) < 1e-3 and abs(joint["y"] - y) < 1e-3
            built += 1
    assert built == sum(description["samples"].values()) >= 15

    again = run("data", "humans", "build", str(pose / "coco"), "--out", str(out),
                "--seed", "6", "--pose", "none")
    assert again.returncode == 2 and "other settings" in again.stderr

    stats = run("data", "humans", "stats", str(out / "train"), "--out", str(tmp_path / "st"))
    assert stats.returncode == 0, stats.stderr
    assert json.loads((tmp_path / "st" / "stats.json").read_text())["summary"]["train"]


def test_missing_source_is_a_clear_error(tmp_path):
    proc = run("data", "humans", "build", str(tmp_path / "nowhere.json"), "--out",
               str(tmp_path / "out"), "--pose", "none")
    assert proc.returncode == 2
    assert "nowhere.json" in proc.stderr


def test_a_photo_folder_with_dotted_names_builds_runs_and_scores(real_data, tmp_path):
    """The documented flow on photos named like ``IMG.2018.06.jpg``: names keep their dots."""
    from inpaintbench.pose import pose_available

    if not pose_available():
        import pytest

        pytest.skip("needs the pose extra (BlazePose) to find the people on photos")
    photos = tmp_path / "my.photos"
    photos.mkdir()
    source = real_data / "pose" / "coco" / "000000000785.jpg"
    (photos / "ski.run.2018.jpg").write_bytes(source.read_bytes())
    built = run("data", "humans", "build", str(photos), "--out", str(tmp_path / "set"),
                "--split", "0/0/1", "--workers", "1")
    assert built.returncode == 0, built.stderr
    names = sorted(json.loads((tmp_path / "set" / "test" / "maskdata.json").read_text()))
    assert names and all("ski.run.2018" in name for name in names), names
    pred = tmp_path / "pred"
    ran = run("run", "-t", "humans", "-m", "mean-fill", "--data", str(tmp_path / "set"),
              "--out", str(pred), "--workers", "1")
    assert ran.returncode == 0, ran.stderr
    scored = run("score", "-t", "humans", "--ref", str(tmp_path / "set" / "test"), "--pred",
                 str(pred), "--pose", "none", "-q")
    assert scored.returncode == 0, scored.stderr
    assert scored.stdout.startswith("mse=") and "inf" not in scored.stdout
