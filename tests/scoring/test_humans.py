"""Track 1 scorer: blocks only, per block then per image, and broken masks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from inpaintbench.errors import BrokenReferenceError
from inpaintbench.scoring import reference
from inpaintbench.scoring.humans import score_humans


def _write_set(root, images, maskdata):
    (root / "Y").mkdir(parents=True)
    for name, image in images.items():
        Image.fromarray(image).save(root / "Y" / f"{name}.png")
    (root / "maskdata.json").write_text(json.dumps(maskdata))


def _fill(image, blocks, rng):
    out = image.copy()
    for r, c, s in blocks:
        out[r:r + s, c:c + s] = np.clip(out[r:r + s, c:c + s].astype(int)
                                        + rng.integers(-40, 40, (s, s, 3)), 0, 255)
    return out


@pytest.fixture()
def dataset(tmp_path, real_data):
    images, maskdata = {}, {}
    for path in sorted((real_data / "pose" / "coco").glob("*.jpg"))[:3]:
        image = np.asarray(Image.open(path).convert("RGB"))
        h, w = image.shape[:2]
        # one large block, one mid block, one under 11 px (3×3 window fallback)
        maskdata[path.stem] = [[h // 4, w // 4, min(h, w) // 4], [10, 10, 40], [h - 20, w - 20, 8]]
        images[path.stem] = image
    ref, pred = tmp_path / "ref", tmp_path / "pred"
    _write_set(ref, images, maskdata)
    pred.mkdir()
    rng = np.random.default_rng(0)
    preds = {n: _fill(im, maskdata[n], rng) for n, im in images.items()}
    for name, image in preds.items():
        Image.fromarray(image).save(pred / f"{name}.png")
    return ref, pred, images, preds, maskdata


def test_block_scores_match_skimage_on_real_photos(dataset):
    ref, pred, images, preds, maskdata = dataset
    result = score_humans(ref, pred)
    expected = [reference.block_scores(images[n], preds[n], maskdata[n]) for n in images]
    for metric in ("mse", "psnr", "dssim"):
        assert result.metrics[metric] == pytest.approx(np.mean([e[metric] for e in expected]),
                                                       abs=1e-6)
    assert result.problems == []


def test_only_block_pixels_count(dataset):
    ref, pred, images, preds, maskdata = dataset
    name = next(iter(images))
    outside = preds[name].copy()
    outside[:5, :5] = 0  # outside every block
    Image.fromarray(outside).save(pred / f"{name}.png")
    before = {s["name"]: s for s in score_humans(ref, pred).per_sample}
    assert before[name]["mse"] == pytest.approx(
        reference.block_scores(images[name], preds[name], maskdata[name])["mse"], abs=1e-12)


def test_wrong_size_and_missing_are_penalised(dataset):
    ref, pred, images, preds, maskdata = dataset
    first, second, _ = images
    Image.fromarray(preds[first][:-2]).save(pred / f"{first}.png")
    (pred / f"{second}.png").unlink()
    result = score_humans(ref, pred)
    assert {p.kind for p in result.problems} == {"wrong-size", "missing"}
    assert result.n_penalised == 2 and result.metrics["mse"] == np.inf


def test_inconsistent_reference_is_refused(dataset):
    ref, pred, images, _, maskdata = dataset
    name = next(iter(images))
    bad = dict(maskdata)
    bad[name] = [[0, 0, 10_000]]
    (ref / "maskdata.json").write_text(json.dumps(bad))
    with pytest.raises(BrokenReferenceError, match="inside"):
        score_humans(ref, pred)
    del bad[name]
    (ref / "maskdata.json").write_text(json.dumps(bad))
    with pytest.raises(BrokenReferenceError, match="without mask"):
        score_humans(ref, pred)
    (ref / "maskdata.json").write_text("{not json")
    with pytest.raises(BrokenReferenceError, match="not valid JSON"):
        score_humans(ref, pred)


def test_extra_metric_hook_becomes_a_secondary_figure(dataset):
    ref, pred, *_ = dataset
    result = score_humans(ref, pred, extra_metrics={"wnjd": lambda o, r: float(o.shape[0] > 0)})
    assert result.secondary == {"wnjd": 1.0}
    assert all(s["wnjd"] == 1.0 for s in result.per_sample)
