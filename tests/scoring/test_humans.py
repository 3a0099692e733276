"""Track 1 scorer: blocks only, per block then per image, broken masks, and WNJD."""

from __future__ import annotations

import io
import json
import sys

import numpy as np
import pytest
from PIL import Image
from rich.console import Console
from typer.testing import CliRunner

from inpaintbench.cli import app
from inpaintbench.data.humans.joints import SCORED_JOINTS, Joint, Person
from inpaintbench.errors import BrokenReferenceError
from inpaintbench.pose import WNJD_PENALTY, PoseExtraMissing
from inpaintbench.pose.wnjd import SCORED_CODES
from inpaintbench.reports.console import print_score
from inpaintbench.scoring import reference
from inpaintbench.scoring.humans import score_humans
from inpaintbench.scoring.leaderboard import leaderboard_from_files
from tests.make_files import write_png


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
    with pytest.raises(BrokenReferenceError, match="reaches outside the 640×425 image"):
        score_humans(ref, pred)
    del bad[name]
    (ref / "maskdata.json").write_text(json.dumps(bad))
    with pytest.raises(BrokenReferenceError, match="without an entry"):
        score_humans(ref, pred)
    (ref / "maskdata.json").write_text("{not json")
    with pytest.raises(BrokenReferenceError, match="not valid JSON"):
        score_humans(ref, pred)


def test_extra_metric_hook_becomes_a_secondary_figure(dataset):
    ref, pred, *_ = dataset
    result = score_humans(ref, pred, extra_metrics={"wnjd": lambda o, r: float(o.shape[0] > 0)})
    assert result.secondary == {"wnjd": 1.0}
    assert all(s["wnjd"] == 1.0 for s in result.per_sample)


# --- WNJD, the pose metric ----------------------------------------------------------

MARKER_RED = 255  # a marker pixel is (255, 0, index of its code in SCORED_CODES)


class MarkerPose:
    """A stand-in pose estimator: each joint is wherever its marker pixel is."""

    name = "marker"

    def __init__(self):
        self.calls = 0

    def estimate(self, image):
        self.calls += 1
        rows, cols = np.nonzero((image[..., 0] == MARKER_RED) & (image[..., 1] == 0))
        if not len(rows):
            return []
        joints = [Joint(*CODES[SCORED_CODES[image[r, c, 2]]], float(c), float(r))
                  for r, c in zip(rows, cols, strict=True)]
        return [Person("marked", tuple(joints))]


CODES = {code: (type_, side) for code, type_, side in SCORED_JOINTS}


def _marked(markers, height=80, width=60):
    """A black ``height × width`` image (diagonal 100) with ``{code: (x, y)}`` markers."""
    image = np.zeros((height, width, 3), np.uint8)
    for code, (x, y) in markers.items():
        image[y, x] = (MARKER_RED, 0, SCORED_CODES.index(code))
    return image


@pytest.fixture()
def marked_set(tmp_path):
    """a: reproduced exactly; b: RK moved by (3, 4) px; c: missing; d: nobody on the original."""
    originals = {"a": {"RK": (10, 10), "T": (30, 20)}, "b": {"RK": (10, 10), "T": (30, 20)},
                 "c": {"LA": (5, 70)}, "d": {}}
    predictions = {"a": originals["a"], "b": {"RK": (13, 14), "T": (30, 20)}, "d": {}}
    ref, pred = tmp_path / "ref", tmp_path / "pred"
    _write_set(ref, {n: _marked(m) for n, m in originals.items()},
               {n: [[40, 40, 16]] for n in originals})
    pred.mkdir()
    for name, markers in predictions.items():
        Image.fromarray(_marked(markers)).save(pred / f"{name}.png")
    return ref, pred


def test_wnjd_per_image_penalty_and_per_joint_table(marked_set):
    ref, pred = marked_set
    result = score_humans(ref, pred, pose=MarkerPose())
    by_name = {s["name"]: s for s in result.per_sample}
    assert by_name["a"]["wnjd"] == 0.0
    assert by_name["b"]["wnjd"] == pytest.approx((5 / 100 + 0) / 2)
    assert by_name["b"]["wnjd_joints"] == {"RK": pytest.approx(0.05), "T": 0.0}
    assert by_name["c"]["penalised"] and by_name["c"]["wnjd"] == WNJD_PENALTY
    assert by_name["c"]["wnjd_lost"] == 1
    assert "wnjd" not in by_name["d"]  # not the method's fault: left out, and said so
    assert [(p.kind, p.sample, p.penalised) for p in result.problems
            if p.kind == "no-pose"] == [("no-pose", "d", False)]
    assert result.secondary == {"wnjd": pytest.approx((0 + 0.025 + 1) / 3)}
    table = result.tables["wnjd_per_joint"]
    assert list(table) == list(SCORED_CODES)
    assert table["RK"] == {"mean": pytest.approx(0.025), "count": 2}
    assert table["LA"] == {"mean": 1.0, "count": 1} and table["P"] == {"mean": None, "count": 0}
    assert result.settings["pose_metric"]["estimator"] == "marker"
    assert result.settings["pose_metric"]["images_without_pose"] == 1


def test_originals_are_posed_once_per_cache(marked_set):
    ref, pred = marked_set
    pose, cache = MarkerPose(), {}
    score_humans(ref, pred, pose=pose, pose_cache=cache)
    assert pose.calls == 4 + 2  # four originals; predictions a and b (c is missing, d unposed)
    score_humans(ref, pred, pose=pose, pose_cache=cache)
    assert pose.calls == 6 + 2 and set(cache) == {("marker", n) for n in "abcd"}


def test_wnjd_flows_into_scores_files_and_the_leaderboard(marked_set, tmp_path):
    ref, pred = marked_set
    perfect = tmp_path / "perfect"
    perfect.mkdir()
    for name in "abcd":
        (perfect / f"{name}.png").write_bytes((ref / "Y" / f"{name}.png").read_bytes())
    for folder in (pred, perfect):
        score_humans(ref, folder, pose=MarkerPose()).write(tmp_path / "scores" / folder.name)
    scores = json.loads((tmp_path / "scores" / "pred" / "scores.json").read_text())
    assert scores["wnjd"] == pytest.approx((0 + 0.025 + 1) / 3)
    assert scores["tables"]["wnjd_per_joint"]["RK"]["count"] == 2
    assert scores["per_sample"][1]["wnjd_joints"]["RK"] == pytest.approx(0.05)
    txt = (tmp_path / "scores" / "pred" / "scores.txt").read_text().splitlines()
    assert [line.split(":")[0] for line in txt] == ["mse", "psnr", "dssim", "wnjd"]
    board = leaderboard_from_files([tmp_path / "scores" / "pred", tmp_path / "scores" / "perfect"])
    assert "wnjd" in board.metrics and board.directions["wnjd"] == "lower"
    assert board.row("perfect").values["wnjd"] == 0.0
    assert board.row("perfect").ranks["wnjd"] == 1 and board.row("pred").ranks["wnjd"] == 2


def test_wnjd_against_annotated_joints(marked_set):
    ref, pred = marked_set
    annotated = {"a": {"RK": (13, 14)}, "b": {"RK": (10, 10), "LA": (1, 1)}}
    persons = {n: {"persons": [Person("gt", tuple(Joint(*CODES[c], x, y)
                                                   for c, (x, y) in m.items())).to_json()]}
               for n, m in annotated.items()}
    (ref / "joints.json").write_text(json.dumps(persons))
    result = score_humans(ref, pred, pose=MarkerPose(), pose_reference="annotations")
    by_name = {s["name"]: s for s in result.per_sample}
    assert by_name["a"]["wnjd_joints"] == {"RK": pytest.approx(0.05)}
    assert by_name["b"]["wnjd_joints"] == {"RK": pytest.approx(0.05), "LA": 1.0}
    assert {p.sample for p in result.problems if p.kind == "no-pose"} == {"c", "d"}
    assert "joints.json" in result.settings["pose_metric"]["reference"]
    (ref / "joints.json").unlink()
    with pytest.raises(BrokenReferenceError, match="joints.json"):
        score_humans(ref, pred, pose=MarkerPose(), pose_reference="annotations")


def _block_mediapipe(monkeypatch):
    for module in [n for n in sys.modules if n.split(".")[0] == "mediapipe"] or ["mediapipe"]:
        monkeypatch.setitem(sys.modules, module, None)


def test_without_the_pose_extra_auto_says_so_and_keeps_the_pixel_metrics(marked_set,
                                                                         monkeypatch):
    ref, pred = marked_set
    _block_mediapipe(monkeypatch)
    result = score_humans(ref, pred, pose="auto")
    assert result.secondary == {} and "wnjd_per_joint" not in result.tables
    assert set(result.metrics) == {"mse", "psnr", "dssim"}
    (notice,) = result.settings["notices"]
    assert "pip install 'inpaintbench[pose]'" in notice
    assert result.settings["pose_metric"] == notice
    console = Console(file=io.StringIO(), width=200)
    print_score(result, console)
    assert "notice: WNJD not computed" in console.file.getvalue()
    with pytest.raises(PoseExtraMissing):
        score_humans(ref, pred, pose="blazepose")


def test_cli_pose_options(marked_set, monkeypatch):
    ref, pred = marked_set
    base = ["score", "-t", "humans", "--ref", str(ref), "--pred", str(pred)]
    runner = CliRunner()
    done = runner.invoke(app, [*base, "--pose", "none", "-q"])
    assert done.exit_code == 0 and "wnjd" not in done.output
    assert runner.invoke(app, [*base, "--pose", "hourglass"]).exit_code == 2
    assert runner.invoke(app, [*base, "--pose-reference", "guess"]).exit_code == 2
    _block_mediapipe(monkeypatch)
    done = runner.invoke(app, [*base, "--pose", "auto"])
    assert done.exit_code == 0 and "inpaintbench[pose]" in done.output


def test_wnjd_clashing_with_an_extra_metric_is_refused(marked_set):
    ref, pred = marked_set
    with pytest.raises(ValueError, match="clashes"):
        score_humans(ref, pred, pose=MarkerPose(), extra_metrics={"wnjd": lambda o, r: 0.0})


def test_blazepose_end_to_end_on_real_photos(dataset, tmp_path):
    pytest.importorskip("mediapipe", reason="the pose extra (mediapipe) is not installed")
    ref, pred, images, *_ = dataset
    same = tmp_path / "same"
    same.mkdir()
    for name, image in images.items():
        Image.fromarray(image).save(same / f"{name}.png")
    exact = score_humans(ref, same, pose="blazepose")
    noisy = score_humans(ref, pred, pose="blazepose")
    assert exact.secondary["wnjd"] == 0.0  # BlazePose is deterministic
    assert 0.0 <= noisy.secondary["wnjd"] <= 1.0
    assert noisy.settings["pose_metric"]["estimator"] == "blazepose-full"
    assert sum(t["count"] for t in noisy.tables["wnjd_per_joint"].values()) >= 3 * 10


# --- hostile predictions and references: sizes from the header, every pixel format ----------


@pytest.fixture()
def grey_set(tmp_path):
    """Two grey 48×64 originals (a, b), each predicted by an exact 8-bit copy."""
    rng = np.random.default_rng(5)
    images = {n: np.repeat(rng.integers(0, 256, (48, 64, 1), np.uint8), 3, axis=2) for n in "ab"}
    ref, pred = tmp_path / "ref", tmp_path / "pred"
    _write_set(ref, images, {n: [[8, 8, 24], [20, 30, 16]] for n in images})
    pred.mkdir()
    for name, image in images.items():
        Image.fromarray(image).save(pred / f"{name}.png")
    return ref, pred, images


def test_huge_header_prediction_is_penalised_undecoded(grey_set, decoded_sizes):
    ref, pred, _ = grey_set
    write_png(pred / "a.png", 30000, 30000)
    result = score_humans(ref, pred)
    assert (30000, 30000) not in decoded_sizes
    by_name = {s["name"]: s for s in result.per_sample}
    assert by_name["a"]["penalised"] and by_name["a"]["mse"] == np.inf
    assert not by_name["b"]["penalised"] and by_name["b"]["mse"] == 0.0
    (problem,) = [p for p in result.problems if p.sample == "a"]
    assert problem.kind == "wrong-size" and problem.penalised
    assert "30000×30000, the original is 64×48" in problem.message


def test_huge_header_reference_is_refused_by_name(grey_set):
    ref, pred, _ = grey_set
    write_png(ref / "Y" / "b.png", 30000, 30000)
    with pytest.raises(BrokenReferenceError, match=r"b\.png: reference image is broken: "
                                                   r"image is 30000×30000"):
        score_humans(ref, pred)


def test_16_bit_grey_copy_of_the_original_scores_zero(grey_set):
    ref, pred, images = grey_set
    Image.fromarray(images["a"][..., 0].astype(np.uint16) * 257).save(pred / "a.png")
    assert Image.open(pred / "a.png").mode == "I;16"
    result = score_humans(ref, pred)
    assert result.metrics["mse"] == 0.0 and result.metrics["dssim"] == pytest.approx(0, abs=1e-12)
    assert not result.problems
