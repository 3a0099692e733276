"""Track 3 scorer: PIL luma, resize, 2018 SSIM defaults, and the challenge's penalty."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from inpaintbench.errors import BrokenReferenceError, OptionError
from inpaintbench.scoring import reference
from inpaintbench.scoring.fingerprints import score_fingerprints
from tests.make_files import write_png

W, H = 275, 400


def _print(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:H, 0:W]
    ridges = 0.5 + 0.5 * np.cos(2 * np.pi * np.hypot(x - 137, y - 200) / rng.uniform(8, 10))
    return (255 * ridges).astype(np.uint8)


def _degraded_rgb(truth: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    grey = np.clip(truth * 0.6 + 60 + rng.normal(0, 20, truth.shape), 0, 255)
    return np.stack([grey, grey * 0.95, grey * 0.9], axis=-1).astype(np.uint8)


@pytest.fixture()
def dataset(tmp_path):
    root, pred = tmp_path / "set", tmp_path / "pred"
    for split in ("test_ground-truth", "test_input"):
        (root / split).mkdir(parents=True)
    pred.mkdir()
    for i in range(4):
        truth = _print(i)
        Image.fromarray(truth).save(root / "test_ground-truth" / f"f{i}.png")
        Image.fromarray(_degraded_rgb(truth, i)).save(pred / f"f{i}.jpg", quality=85)
    return root, pred


def _expected(truth_path, pred_path):
    truth = np.asarray(Image.open(truth_path).convert("L"))
    pred = np.asarray(Image.open(pred_path).convert("L").resize((W, H), Image.Resampling.NEAREST))
    return reference.fingerprint_scores(truth, pred)


def test_scores_equal_skimage_on_rgb_jpeg_predictions(dataset):
    root, pred = dataset
    result = score_fingerprints(root, pred)
    expected = [_expected(root / "test_ground-truth" / f"f{i}.png", pred / f"f{i}.jpg")
                for i in range(4)]
    for metric in ("mse", "psnr", "ssim", "ssim_dr1"):
        assert result.metrics[metric] == pytest.approx(np.mean([e[metric] for e in expected]),
                                                       abs=1e-6)
    assert "data range 2" in result.settings["ssim_note"]


def test_real_prints_scored_against_each_other(tmp_path, real_data):
    (tmp_path / "gt").mkdir()
    (tmp_path / "pred").mkdir()
    truth = Image.open(real_data / "fingerprint" / "real_1.jpg").convert("L").resize((W, H))
    truth.save(tmp_path / "gt" / "a.png")
    Image.open(real_data / "fingerprint" / "real_2.jpg").save(tmp_path / "pred" / "a.jpg")
    result = score_fingerprints(tmp_path / "gt", tmp_path / "pred")
    expected = _expected(tmp_path / "gt" / "a.png", tmp_path / "pred" / "a.jpg")
    for metric, value in expected.items():
        assert result.metrics[metric] == pytest.approx(value, abs=1e-6)
    assert [p.kind for p in result.problems] == ["resized"]


def test_missing_and_unreadable_predictions_get_the_challenge_penalty(dataset):
    root, pred = dataset
    (pred / "f0.jpg").unlink()
    (pred / "f1.jpg").write_bytes(b"not a jpeg at all")
    result = score_fingerprints(root, pred)
    by_name = {s["name"]: s for s in result.per_sample}
    for name in ("f0", "f1"):
        assert by_name[name] == {"name": name, "mse": np.inf, "psnr": 0.0, "ssim": 0.0,
                                 "ssim_dr1": 0.0, "penalised": True}
    good = [_expected(root / "test_ground-truth" / f"f{i}.png", pred / f"f{i}.jpg") for i in (2, 3)]
    assert result.metrics["ssim"] == pytest.approx(sum(g["ssim"] for g in good) / 4, abs=1e-6)
    assert result.metrics["mse"] == np.inf
    assert {p.kind for p in result.problems} == {"missing", "unreadable"}


def test_split_selection(dataset):
    root, pred = dataset
    (root / "validation_ground-truth").mkdir()
    with pytest.raises(BrokenReferenceError, match="--split"):
        score_fingerprints(root, pred)
    assert score_fingerprints(root, pred, split="test").n_penalised == 0
    with pytest.raises(OptionError, match="no ground truth for split 'training'; it has test, "
                       "validation"):
        score_fingerprints(root, pred, split="training")


def test_unreadable_ground_truth_is_a_broken_reference(dataset):
    root, pred = dataset
    (root / "test_ground-truth" / "f2.png").write_bytes(b"\x89PNG broken")
    with pytest.raises(BrokenReferenceError, match="f2.png"):
        score_fingerprints(root, pred)


# --- hostile predictions and references: sizes from the header, every pixel format ----------


def test_huge_header_prediction_is_unreadable_undecoded(dataset, decoded_sizes):
    root, pred = dataset
    (pred / "f1.jpg").unlink()
    write_png(pred / "f1.png", 30000, 30000)
    result = score_fingerprints(root, pred)
    assert (30000, 30000) not in decoded_sizes
    by_name = {s["name"]: s for s in result.per_sample}
    assert by_name["f1"]["penalised"] and by_name["f1"]["mse"] == np.inf
    assert sum(s["penalised"] for s in result.per_sample) == 1  # the rest is scored
    (problem,) = result.problems
    assert problem.kind == "unreadable" and problem.sample == "f1"
    assert "image is 30000×30000 (900 MP), more than the 50 MP" in problem.message


def test_huge_header_ground_truth_is_refused_by_name(dataset):
    root, pred = dataset
    write_png(root / "test_ground-truth" / "f3.png", 30000, 30000)
    with pytest.raises(BrokenReferenceError, match=r"f3\.png: ground truth is broken: "
                                                   r"image is 30000×30000"):
        score_fingerprints(root, pred)


def test_16_bit_grey_copy_of_the_truth_scores_zero(dataset):
    root, pred = dataset
    truth = _print(0)
    (pred / "f0.jpg").unlink()
    Image.fromarray(truth.astype(np.uint16) * 257).save(pred / "f0.png")
    assert Image.open(pred / "f0.png").mode == "I;16"
    by_name = {s["name"]: s for s in score_fingerprints(root, pred).per_sample}
    assert by_name["f0"]["mse"] == 0.0 and by_name["f0"]["ssim"] == pytest.approx(1.0)
