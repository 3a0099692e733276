"""Track 2 scorer: exact against the per-frame scikit-image scorer, and every bad input."""

from __future__ import annotations

import numpy as np
import pytest

from inpaintbench.errors import BrokenReferenceError, InputError
from inpaintbench.io.media import read_video, write_video
from inpaintbench.scoring import reference
from inpaintbench.scoring.captions import score_captions
from inpaintbench.scoring.result import PENALTY

FRAMES = 20  # short clips keep the bad-input tests fast; the real clip test uses 125


def _clip(seed: int, frames: int = FRAMES, size: int = 64) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (size // 8, size // 8, 3)).astype(np.uint8)
    still = np.kron(base, np.ones((8, 8, 1), np.uint8))
    return np.stack([np.roll(still, t, axis=1) for t in range(frames)])


def _captioned(clip: np.ndarray) -> np.ndarray:
    out = clip.copy()
    out[:, -16:-6, 8:-8] = 255
    return out


@pytest.fixture()
def dataset(tmp_path):
    ref, pred = tmp_path / "ref", tmp_path / "pred"
    for i in range(3):
        write_video(ref / "Y" / f"clip{i}.mp4", _clip(i), lossless=True)
        write_video(pred / f"clip{i}.mp4", _captioned(_clip(i)), lossless=True)
    return ref, pred


def _expected(ref_path, pred_path, frames=FRAMES):
    y, p = read_video(ref_path, frames), read_video(pred_path, frames)
    return {k: float(np.mean(v)) for k, v in reference.frame_scores(y, p).items()}


def test_scores_equal_independent_computation(dataset):
    ref, pred = dataset
    result = score_captions(ref, pred, frames=FRAMES)
    per_clip = [_expected(ref / "Y" / f"clip{i}.mp4", pred / f"clip{i}.mp4") for i in range(3)]
    for metric in ("mse", "psnr", "dssim"):
        assert result.metrics[metric] == pytest.approx(np.mean([c[metric] for c in per_clip]),
                                                       abs=1e-6)
    assert result.problems == [] and result.n_penalised == 0
    assert result.name == "pred"


def test_real_125_frame_h264_clip(tmp_path, real_clip):
    prediction = real_clip.copy()
    prediction[:, 190:230, 20:236] = (prediction[:, 190:230, 20:236] // 2) + 60  # a leftover box
    write_video(tmp_path / "ref" / "Y" / "people.mp4", real_clip)
    write_video(tmp_path / "pred" / "people.mp4", prediction)
    result = score_captions(tmp_path / "ref", tmp_path / "pred")
    expected = _expected(tmp_path / "ref" / "Y" / "people.mp4", tmp_path / "pred" / "people.mp4",
                         125)
    for metric, value in expected.items():
        assert result.metrics[metric] == pytest.approx(value, abs=1e-6)
    assert result.per_sample[0]["frames_scored"] == 125


def test_missing_corrupt_and_wrong_size_predictions_are_penalised(dataset):
    ref, pred = dataset
    (pred / "clip0.mp4").unlink()
    data = (pred / "clip1.mp4").read_bytes()
    (pred / "clip1.mp4").write_bytes(data[: len(data) // 3])  # truncated upload
    write_video(pred / "clip2.mp4", _clip(2, size=32), lossless=True)
    (pred / "notes.txt").write_text("hello")
    write_video(pred / "bonus.mp4", _clip(9), lossless=True)
    result = score_captions(ref, pred, frames=FRAMES)
    kinds = {(p.kind, p.sample or p.path.split("/")[-1]) for p in result.problems}
    assert ("missing", "clip0") in kinds
    assert ("wrong-size", "clip2") in kinds
    assert ("extra", "notes.txt") in kinds and ("extra", "bonus.mp4") in kinds
    assert result.n_penalised == 3
    assert result.metrics["mse"] == np.inf
    assert result.metrics["psnr"] == pytest.approx(np.mean([PENALTY["psnr"]] * 3))


def test_truncated_clip_scores_its_frames_and_penalises_the_rest(dataset):
    ref, pred = dataset
    clip = _captioned(_clip(0))
    write_video(pred / "clip0.mp4", clip[:15], lossless=True)
    write_video(pred / "clip1.mp4", np.concatenate([_captioned(_clip(1)), clip[:5]]),
                lossless=True)
    result = score_captions(ref, pred, frames=FRAMES)
    by_name = {s["name"]: s for s in result.per_sample}
    assert by_name["clip0"]["frames_scored"] == 15 and by_name["clip0"]["penalised"]
    expected = reference.frame_scores(_clip(0)[:15], clip[:15])["dssim"]
    assert by_name["clip0"]["dssim"] == pytest.approx((expected.sum() + 5 * 0.5) / 20, abs=1e-9)
    assert by_name["clip1"]["frames_scored"] == FRAMES and not by_name["clip1"]["penalised"]
    assert {p.kind for p in result.problems} == {"frame-count", "extra-frames"}


def test_empty_or_missing_prediction_folder_is_an_error(dataset, tmp_path):
    ref, _ = dataset
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no prediction"):
        score_captions(ref, tmp_path / "empty", frames=FRAMES)
    with pytest.raises(InputError, match="prediction folder not found"):
        score_captions(ref, tmp_path / "nowhere", frames=FRAMES)


def test_a_budgeted_run_that_finished_nothing_scores_every_penalty(dataset, tmp_path):
    ref, _ = dataset
    late = tmp_path / "late"
    late.mkdir()
    (late / "timing.json").write_text('{"time_budget": 5.0, "per_sample": {}}')
    result = score_captions(ref, late, frames=FRAMES)
    assert result.metrics["mse"] == float("inf") and result.secondary["clips_in_budget"] == 0
    assert {p.kind for p in result.problems} == {"missing"}


def test_broken_reference_is_an_error(dataset, tmp_path):
    ref, pred = dataset
    with pytest.raises(BrokenReferenceError, match="at least 125"):
        score_captions(ref, pred)  # the clips hold 20 frames, not 125
    (ref / "Y" / "clip1.mp4").write_bytes(b"\x00" * 100)
    with pytest.raises(BrokenReferenceError, match="clip1.mp4"):
        score_captions(ref, pred, frames=FRAMES)
    (tmp_path / "empty_ref" / "Y").mkdir(parents=True)
    with pytest.raises(BrokenReferenceError, match="no reference clip"):
        score_captions(tmp_path / "empty_ref", pred, frames=FRAMES)
    with pytest.raises(BrokenReferenceError, match="not found"):
        score_captions(tmp_path / "no_ref", pred, frames=FRAMES)


def test_timing_file_gives_seconds_per_clip(dataset):
    ref, pred = dataset
    (pred / "timing.json").write_text('{"per_sample": {"clip0": 1.0, "clip1": 2.0, "clip2": 3.0}}')
    result = score_captions(ref, pred, frames=FRAMES)
    assert result.secondary == {"seconds_per_clip": 2.0}
    assert all(p.kind != "extra" for p in result.problems)


# --- hostile clips: frame sizes from the container's header ----------------------------------


def test_huge_prediction_clip_is_penalised_without_decoding(dataset):
    import tracemalloc

    ref, pred = dataset
    write_video(pred / "clip1.mp4", np.zeros((3, 2048, 2048, 3), np.uint8))  # a few kB
    tracemalloc.start()
    try:
        result = score_captions(ref, pred, frames=FRAMES, workers=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2048 * 2048 * 3  # not one of its frames was made (125 would be 1.5 GB)
    by_name = {s["name"]: s for s in result.per_sample}
    assert by_name["clip1"]["penalised"] and by_name["clip1"]["frames_scored"] == 0
    assert not by_name["clip0"]["penalised"] and not by_name["clip2"]["penalised"]
    (problem,) = result.problems
    assert problem.kind == "wrong-size" and problem.sample == "clip1" and problem.penalised
    assert "frames are 2048×2048, the reference's are 64×64" in problem.message


def test_reference_clip_over_the_limit_is_refused_by_name(dataset):
    ref, pred = dataset
    write_video(ref / "Y" / "clip2.mp4", np.zeros((3, 2048, 2048, 3), np.uint8))
    with pytest.raises(BrokenReferenceError, match=r"clip2\.mp4: reference clip is broken: "
                                                   r"video frame is 2048×2048"):
        score_captions(ref, pred, frames=FRAMES)
