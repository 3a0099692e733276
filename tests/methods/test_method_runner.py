"""`inpaintbench run`: release-layout predictions, timing, resume, and clear refusals."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inpaintbench.errors import InputError, OptionError
from inpaintbench.io.media import write_video
from inpaintbench.methods.registry import available, create, entries
from inpaintbench.methods.run import RUN_JSON, find_samples, run_method
from inpaintbench.scoring import score
from inpaintbench.scoring.common import TIMING_JSON
from inpaintbench.tracks import Track


@pytest.fixture(scope="module")
def sets(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("sets")
    rng = np.random.default_rng(3)
    humans = root / "humans" / "test"
    maskdata = {}
    for i in range(5):
        y, x = np.mgrid[0:96, 0:120]
        image = np.stack([x * 2, y * 2, (x + y)], -1).astype(np.uint8)
        blocks = [[10 + i, 12, 16], [60, 70 - i, 20]]
        holes = image.copy()
        for r, c, s in blocks:
            holes[r:r + s, c:c + s] = 255
        for folder, picture in (("X", holes), ("Y", image)):
            (humans / folder).mkdir(parents=True, exist_ok=True)
            Image.fromarray(picture).save(humans / folder / f"img{i}.png")
        maskdata[f"img{i}"] = blocks
    (humans / "maskdata.json").write_text(json.dumps(maskdata))
    captions = root / "captions" / "test"
    frames = rng.integers(0, 255, (125, 256, 256, 3), np.uint8)
    write_video(captions / "X" / "clip0.mp4", frames, lossless=True)
    write_video(captions / "Y" / "clip0.mp4", frames, lossless=True)
    prints = root / "fingerprints"
    for split in ("test", "validation"):
        (prints / f"{split}_input").mkdir(parents=True)
        (prints / f"{split}_ground-truth").mkdir(parents=True)
        Image.fromarray(rng.integers(0, 255, (400, 275, 3), np.uint8)).save(
            prints / f"{split}_input" / "p0.jpg")
        Image.fromarray(rng.integers(0, 255, (400, 275), np.uint8)).save(
            prints / f"{split}_ground-truth" / "p0.png")
    return {"humans": root / "humans", "captions": root / "captions",
            "fingerprints": prints}


def _floor(track: Track) -> str:
    return next(m.name for m in available(track) if m.kind == "floor")


def test_registry_lists_every_track_with_a_floor():
    for track in Track:
        infos = available(track)
        assert infos and infos[0].kind == "floor"
        assert all(info.description and info.track is track for info in infos)
        for info in infos:
            assert create(track, info.name).info == info
    with pytest.raises(OptionError, match="the track has: "):
        create(Track.HUMANS, "no-such-method")
    assert len({(e.info.track, e.info.name) for e in entries()}) == len(entries())


def test_humans_run_on_two_workers_keeps_known_pixels_and_times_every_image(sets, tmp_path):
    out = tmp_path / "pred"
    summary = run_method("humans", _floor(Track.HUMANS), sets["humans"], out, workers=2)
    assert summary.samples == 5 and summary.resumed == 0
    x = np.asarray(Image.open(sets["humans"] / "test" / "X" / "img0.png"))
    pred = np.asarray(Image.open(out / "img0.png"))
    mask = np.zeros(x.shape[:2], bool)
    mask[10:26, 12:28] = mask[60:80, 70:90] = True
    assert np.array_equal(pred[~mask], x[~mask]) and not (pred[mask] == 255).all()
    timing = json.loads((out / TIMING_JSON).read_text())
    assert sorted(timing["per_sample"]) == [f"img{i}" for i in range(5)]
    assert json.loads((out / RUN_JSON).read_text())["complete"]
    result = score("humans", sets["humans"] / "test", out)
    assert len(result.per_sample) == 5 and not result.problems


def test_an_interrupted_run_resumes(sets, tmp_path):
    out = tmp_path / "pred"
    name = _floor(Track.HUMANS)
    run_method("humans", name, sets["humans"], out, workers=1)
    (out / "img3.png").unlink()
    again = run_method("humans", name, sets["humans"], out, workers=1)
    assert again.resumed == 4 and (out / "img3.png").is_file()
    with pytest.raises(InputError, match="another method or dataset"):
        run_method("humans", "telea", sets["humans"], out, workers=1)


def test_wrong_track_and_missing_data_are_refused(sets, tmp_path):
    with pytest.raises(InputError, match="holds a captions set, not a humans one"):
        find_samples(Track.HUMANS, sets["captions"])
    with pytest.raises(InputError, match="holds a humans set, not a fingerprints one"):
        find_samples(Track.FINGERPRINTS, sets["humans"] / "test")
    with pytest.raises(InputError, match="dataset folder not found"):
        find_samples(Track.CAPTIONS, tmp_path / "nowhere")
    with pytest.raises(InputError, match="choose one with --split"):
        find_samples(Track.FINGERPRINTS, sets["fingerprints"])
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="holds no InpaintBench run"):
        run_method("humans", _floor(Track.HUMANS), sets["humans"], tmp_path / "busy")


def test_captions_and_fingerprints_floors_give_scorable_predictions(sets, tmp_path):
    run_method("captions", _floor(Track.CAPTIONS), sets["captions"], tmp_path / "c", workers=1)
    result = score("captions", sets["captions"] / "test", tmp_path / "c")
    assert result.metrics["mse"] == 0 and "seconds_per_clip" in result.secondary
    samples = find_samples(Track.FINGERPRINTS, sets["fingerprints"], split="test")
    assert [s.path.parent.name for s in samples] == ["test_input"]
    run_method("fingerprints", _floor(Track.FINGERPRINTS), sets["fingerprints"], tmp_path / "f",
               split="test", workers=1)
    with Image.open(tmp_path / "f" / "p0.png") as im:
        assert im.mode == "L" and im.size == (275, 400)


def test_cli_lists_methods_and_refuses_an_unknown_one(sets, tmp_path):
    listed = subprocess.run([sys.executable, "-m", "inpaintbench", "methods"],
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    for track in Track:
        assert track.value in listed.stdout
    bad = subprocess.run([sys.executable, "-m", "inpaintbench", "run", "--track", "humans",
                          "--method", "magic", "--data", str(sets["humans"]),
                          "--out", str(tmp_path / "p")],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "no humans method named 'magic'" in bad.stderr


def test_an_unreadable_input_is_skipped_and_named(sets, tmp_path):
    data = tmp_path / "humans"
    shutil.copytree(sets["humans"], data)
    (data / "test" / "X" / "img2.png").write_bytes(b"not a png")
    summary = run_method("humans", _floor(Track.HUMANS), data, tmp_path / "pred", workers=1)
    assert list(summary.problems) == ["img2"] and "img2.png" in summary.problems["img2"]
    assert not (tmp_path / "pred" / "img2.png").exists()
    assert (tmp_path / "pred" / "img1.png").is_file()
    result = score("humans", data / "test", tmp_path / "pred")
    assert [p.sample for p in result.problems if p.penalised] == ["img2"]


# --- the challenge's speed ranking: clips done within a time budget ----------------------


class _Slow:
    """A captions method that takes ``seconds`` a clip and returns it unchanged."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def decaption(self, frames: np.ndarray) -> np.ndarray:
        import time

        time.sleep(self.seconds)
        return frames.copy()


@pytest.fixture()
def slow_method(monkeypatch) -> str:
    from inpaintbench.methods import registry
    from inpaintbench.methods.base import MethodInfo

    info = MethodInfo(name="slow-test", track=Track.CAPTIONS, kind="floor",
                      description="sleeps a second a clip")
    monkeypatch.setitem(registry._REGISTRY, (Track.CAPTIONS, "slow-test"),
                        registry.Entry(info, lambda: _Slow(1.0), None))
    return "slow-test"


@pytest.fixture(scope="module")
def four_clips(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("four") / "test"
    frames = np.random.default_rng(0).integers(0, 255, (125, 32, 32, 3), np.uint8)
    for i in range(4):
        write_video(root / "X" / f"clip{i}.mp4", frames, lossless=True)
        write_video(root / "Y" / f"clip{i}.mp4", frames, lossless=True)
    return root


def test_a_time_budget_counts_the_clips_done_in_it(four_clips, slow_method, tmp_path):
    # a second a clip, in name order, 2.5 s: clip0 and clip1 are done in time (clip1 may
    # miss it on a loaded machine), the next one ends after the budget (its prediction is
    # removed), clip3 never starts
    summary = run_method("captions", slow_method, four_clips, tmp_path / "run", workers=1,
                         time_budget=2.5)
    done = sorted(p.stem for p in (tmp_path / "run").glob("*.mp4"))
    assert done in (["clip0"], ["clip0", "clip1"])
    late = f"clip{len(done)}"
    assert summary.problems[late] == "not finished within the 2.5 s budget"
    assert summary.problems["clip3"] == "not reached within the 2.5 s budget"
    assert set(summary.problems) | set(done) == {f"clip{i}" for i in range(4)}
    assert f"{len(done)} of 4 samples within the 2.5 s budget" in summary.describe()
    record = json.loads((tmp_path / "run" / RUN_JSON).read_text())
    assert record["time_budget"] == 2.5 and record["in_budget"] == len(done)
    assert sorted(summary.over_budget) == sorted(record["over_budget"]) == sorted(
        summary.problems)
    timing = json.loads((tmp_path / "run" / TIMING_JSON).read_text())
    assert timing["time_budget"] == 2.5 and sorted(timing["per_sample"]) == done
    result = score("captions", four_clips, tmp_path / "run")
    assert result.secondary["clips_in_budget"] == len(done)
    assert result.n_penalised == 4 - len(done)  # the clips not done get the penalty
    assert result.settings["time_budget_seconds"] == 2.5
    # a finished budget run is not run again; an interrupted one starts over
    again = run_method("captions", slow_method, four_clips, tmp_path / "run", workers=1,
                       time_budget=2.5)
    assert again.problems == summary.problems
    record["complete"] = False
    (tmp_path / "run" / RUN_JSON).write_text(json.dumps(record))
    (tmp_path / "run" / "clip3.mp4").write_bytes(b"stale")
    rerun = run_method("captions", slow_method, four_clips, tmp_path / "run", workers=1,
                       time_budget=2.5)
    assert {"clip2", "clip3"} <= set(rerun.problems)
    assert not (tmp_path / "run" / "clip3.mp4").exists()
    # a run without the budget, or with another, never mixes with this one
    for other in (None, 9.0):
        with pytest.raises(InputError, match="another time budget"):
            run_method("captions", slow_method, four_clips, tmp_path / "run", workers=1,
                       time_budget=other)


def test_a_time_budget_stops_the_workers(sets, tmp_path):
    # two workers, a budget too short for any clip: nothing counts, nothing half-written
    summary = run_method("captions", "temporal-fill", sets["captions"], tmp_path / "run",
                         workers=2, time_budget=0.01)
    assert summary.problems and not list((tmp_path / "run").glob("*.mp4"))
    assert not [p for p in (tmp_path / "run").iterdir() if p.name.startswith(".")
                and p.suffix == ".mp4"]


def test_a_bad_time_budget_is_refused(sets, tmp_path):
    with pytest.raises(OptionError, match="time-budget"):
        run_method("captions", "identity", sets["captions"], tmp_path / "run", time_budget=0)
