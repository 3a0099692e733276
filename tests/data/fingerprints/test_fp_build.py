"""Building a track-3 set: layout, formats, splits by finger, same bytes, resume, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inpaintbench.data.common import DATASET_JSON, PARTS_DIR
from inpaintbench.data.fingerprints.build import (
    METADATA_JSON,
    RELEASE_SPLITS,
    FingerprintsBuildConfig,
    build_fingerprints,
    split_folders,
)
from inpaintbench.data.fingerprints.degrade import PAIR_STEPS, PRINT_STEPS
from inpaintbench.data.fingerprints.stats import (
    CHALLENGE_GROUND_LEVEL,
    CHALLENGE_RIDGE_FRACTION,
    CONTACT_SHEET_PNG,
    appearance,
    challenge_pairs,
    fingerprint_statistics,
    real_prints,
    write_contact_sheet,
    write_fingerprint_statistics,
)
from inpaintbench.errors import InputError
from inpaintbench.io.media import read_image_luma
from inpaintbench.scoring.fingerprints import score_fingerprints

# 8 pairs from 3 fingers (3 + 3 + 2); the split fractions put fingers in every split
CONFIG = FingerprintsBuildConfig(count=8, seed=3, impressions=3, split=(0.4, 0.3, 0.3))


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and PARTS_DIR not in p.parts}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fingerprints") / "set"
    summary = build_fingerprints(out, CONFIG, workers=2)
    assert sum(summary.pairs.values()) == 8 and sum(summary.fingers.values()) == 3
    return out


def test_release_layout_sizes_and_modes(built):
    metadata = json.loads((built / METADATA_JSON).read_text())
    assert len(metadata["images"]) == 8
    for name, record in metadata["images"].items():
        truth = Image.open(built / record["ground_truth"])
        given = Image.open(built / record["input"])
        assert (truth.format, truth.mode, truth.size) == ("PNG", "L", (275, 400))
        assert (given.format, given.mode, given.size) == ("JPEG", "RGB", (275, 400))
        split = record["split"]
        assert record["ground_truth"] == f"{split}_ground-truth/{name}.png"
        assert record["input"] == f"{split}_input/{name}.jpg"
        assert split in RELEASE_SPLITS.values()
        assert record["class"] in ("arch", "tented_arch", "left_loop", "right_loop", "whorl")
        assert abs(record["transform"]["angle"]) <= 10
        assert np.hypot(record["transform"]["dx"], record["transform"]["dy"]) <= 5
        assert 8 <= record["ridge_period"]["mean"] <= 11
        assert record["degradation"]["steps"][0]["name"] in (*PAIR_STEPS, *PRINT_STEPS, "overlay")
    description = json.loads((built / DATASET_JSON).read_text())
    assert description["complete"] and sum(description["pairs"].values()) == 8
    assert description["config"] == CONFIG.to_json()


def test_splits_hold_whole_fingers(built):
    metadata = json.loads((built / METADATA_JSON).read_text())
    splits_of: dict[str, set[str]] = {}
    for record in metadata["images"].values():
        splits_of.setdefault(record["finger"], set()).add(record["split"])
    assert all(len(s) == 1 for s in splits_of.values())
    assert len(set.union(*splits_of.values())) > 1
    impressions = sorted(r["impression"] for r in metadata["images"].values())
    assert impressions == [0, 0, 0, 1, 1, 1, 2, 2]


def test_impressions_of_a_finger_differ_but_share_its_pattern(built):
    metadata = json.loads((built / METADATA_JSON).read_text())
    by_finger: dict[str, list[dict]] = {}
    for record in metadata["images"].values():
        by_finger.setdefault(record["finger"], []).append(record)
    records = next(r for r in by_finger.values() if len(r) == 3)
    images = [np.asarray(Image.open(built / r["ground_truth"])) for r in records]
    assert not np.array_equal(images[0], images[1])
    assert len({r["class"] for r in records}) == 1
    assert len({json.dumps(r["transform"]) for r in records}) == 3


def test_same_seed_same_bytes_on_one_worker_and_after_a_resume(built, tmp_path):
    again = tmp_path / "again"
    build_fingerprints(again, CONFIG, workers=1)
    assert _files(again) == _files(built)
    # interrupted while writing a finger: its record and one of its inputs are missing
    part = sorted((again / PARTS_DIR).iterdir())[1]
    record = json.loads(part.read_text())
    part.unlink()
    (again / split_folders(record["split"])[0] / f"{min(record['images'])}.jpg").unlink()
    summary = build_fingerprints(again, CONFIG, workers=2)
    assert summary.resumed == 2
    assert _files(again) == _files(built)


def test_another_seed_gives_other_prints(built, tmp_path):
    other = tmp_path / "other"
    build_fingerprints(other, FingerprintsBuildConfig(count=2, seed=4, impressions=2,
                                                      split=(1.0, 0.0, 0.0)), workers=1)
    theirs = np.asarray(Image.open(other / "training_ground-truth" / "f000000_0.png"))
    metadata = json.loads((built / METADATA_JSON).read_text())
    ours = np.asarray(Image.open(built / metadata["images"]["f000000_0"]["ground_truth"]))
    assert np.mean(theirs != ours) > 0.2


def test_bad_settings_and_folders_are_refused(built, tmp_path):
    with pytest.raises(ValueError, match="count must be at least 1"):
        FingerprintsBuildConfig(count=0)
    with pytest.raises(ValueError, match="impressions must be at least 1"):
        FingerprintsBuildConfig(count=3, impressions=0)
    with pytest.raises(InputError, match="holds a build with other settings"):
        build_fingerprints(built, FingerprintsBuildConfig(count=8, seed=99), workers=1)
    cluttered = tmp_path / "cluttered"
    cluttered.mkdir()
    (cluttered / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty and holds no InpaintBench fingerprints"):
        build_fingerprints(cluttered, CONFIG, workers=1)
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    with pytest.raises(InputError, match="is a file"):
        build_fingerprints(a_file, CONFIG, workers=1)


def test_the_scorer_reads_the_set(built):
    split = next(s for s in RELEASE_SPLITS.values() if (built / f"{s}_input").is_dir())
    perfect = score_fingerprints(built / f"{split}_ground-truth", built / f"{split}_ground-truth")
    assert perfect.metrics["mse"] == 0 and perfect.metrics["ssim"] == pytest.approx(1.0)
    floor = score_fingerprints(built, built / f"{split}_input", split=split)
    assert not any(s["penalised"] for s in floor.per_sample)
    assert 0 < floor.metrics["mse"] < 0.5 and floor.metrics["ssim"] < 0.95


def test_statistics_compare_with_real_prints(built, tmp_path, real_data):
    real, challenge = real_data / "fingerprint", real_data / "fingerprint" / "challenge"
    json_path, png_path = write_fingerprint_statistics(built, tmp_path, real=real,
                                                       challenge=challenge)
    stats = json.loads(json_path.read_text())
    synthetic, prints = stats["groups"]["synthetic_ground_truth"], stats["groups"]["real"]
    assert synthetic["images"] == 8 and prints["images"] == 2
    assert 8.3 <= synthetic["period_mean"] <= 10.0
    assert 0 < prints["coherence_mean"] < synthetic["coherence_mean"] <= 1
    assert stats["groups"]["challenge_restoration"]["images"] == 2
    assert 8.0 <= stats["groups"]["challenge_restoration"]["period_mean"] <= 10.0
    looks = stats["appearance"]
    assert looks["synthetic"]["images"] == 8 and looks["challenge"]["images"] == 2
    assert set(looks["challenge"]["per_image"]) == {"test_1", "test_10"}
    assert 0 < looks["synthetic"]["border_width"]["mean"] < 40
    assert stats["degradations"]["overlay"] == 1.0
    assert png_path.stat().st_size > 20_000
    sheet = Image.open(write_contact_sheet(built, tmp_path, real=real, challenge=challenge))
    # four rows: truth, input, real prints, the challenge's inputs beside their restorations
    assert sheet.size[0] >= 4 * 165 and sheet.size[1] > 4 * 240


def _mean_appearance(pairs) -> dict[str, float]:
    looks = [appearance(truth, given) for truth, given in pairs]
    return {key: float(np.mean([look[key] for look in looks])) for key in looks[0]}


def test_ground_truth_ridges_and_input_grounds_are_in_the_challenges_range(built):
    """Thin ridges, a faded border, light grounds: measured on the built pairs."""
    records = json.loads((built / METADATA_JSON).read_text())["images"].values()
    looks = _mean_appearance((read_image_luma(built / r["ground_truth"]),
                              read_image_luma(built / r["input"])) for r in records)
    low, high = CHALLENGE_RIDGE_FRACTION
    assert low <= looks["ridge_fraction"] <= high  # ridges well under half the period
    low, high = CHALLENGE_GROUND_LEVEL
    assert low <= looks["ground_level"] <= high  # light grey grounds, not mid grey
    assert looks["border_width"] > 14  # the print fades out: no hard silhouette


def test_the_challenges_pairs_measure_within_those_ranges(real_data):
    """The ranges above are the challenge's: its two test pairs fall in them."""
    pairs = challenge_pairs(real_data / "fingerprint" / "challenge")
    assert set(pairs) == {"test_1", "test_10"}
    for given, restored in pairs.values():
        look = appearance(read_image_luma(restored), read_image_luma(given))
        assert CHALLENGE_RIDGE_FRACTION[0] <= look["ridge_fraction"] <= CHALLENGE_RIDGE_FRACTION[1]
        assert CHALLENGE_GROUND_LEVEL[0] <= look["ground_level"] <= CHALLENGE_GROUND_LEVEL[1]
        assert look["border_width"] > 14


def test_statistics_need_a_built_set(tmp_path):
    with pytest.raises(InputError, match="metadata.json: not found"):
        fingerprint_statistics(tmp_path)
    with pytest.raises(InputError, match="real prints folder not found"):
        real_prints(tmp_path / "nowhere")
    with pytest.raises(InputError, match="holds no image"):
        real_prints(tmp_path)
    with pytest.raises(InputError, match="needs input/ and fpd-m-net/"):
        challenge_pairs(tmp_path)
    (tmp_path / "input").mkdir()
    (tmp_path / "fpd-m-net").mkdir()
    with pytest.raises(InputError, match="holds no input with a restoration"):
        challenge_pairs(tmp_path)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "inpaintbench", *args], capture_output=True,
                          text=True, timeout=300)


def test_command_line_build_then_score(tmp_path):
    out = tmp_path / "cli"
    proc = _cli("data", "fingerprints", "build", "--count", "2", "--impressions", "2", "--out",
                str(out), "--seed", "1", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    for name in (DATASET_JSON, METADATA_JSON, "stats.json", "stats.png", CONTACT_SHEET_PNG):
        assert (out / name).is_file(), name
    split = json.loads((out / METADATA_JSON).read_text())["images"]["f000000_0"]["split"]
    proc = _cli("score", "--track", "fingerprints", "--ref", str(out / f"{split}_ground-truth"),
                "--pred", str(out / f"{split}_input"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "mse=" in proc.stdout and "ssim=" in proc.stdout


def test_command_line_refuses_bad_input_clearly(tmp_path):
    proc = _cli("data", "fingerprints", "build", "--count", "0", "--out", str(tmp_path / "x"))
    assert proc.returncode != 0 and "--count" in proc.stderr
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / DATASET_JSON).write_text(json.dumps({"kind": "inpaintbench-captions",
                                                  "config": {"seed": 0}}))
    proc = _cli("data", "fingerprints", "build", "--count", "2", "--out", str(taken))
    assert proc.returncode == 2
    assert "holds a captions set, not a fingerprints one" in proc.stderr and "taken" in proc.stderr
