"""Run a method over a dataset: a prediction folder in the release layout, on every core.

``run_method`` finds the inputs of a split of a track's set, hands them to worker
processes (one method instance and one thread each), and writes one prediction
per sample — ``<name>.png`` (humans, fingerprints) or ``<clip>.mp4`` (captions) —
under a temporary name, then renames it. ``timing.json`` records the seconds each
sample took (the scorer's speed ranking reads it) and ``run.json`` what was run.
An interrupted run resumes: the samples with a prediction and a time are kept.

With a time budget (the challenge's speed ranking for track 2: how many clips a
method processes in a fixed time), the samples are taken in the order of their
names, one at a time per worker, until the budget is spent; a sample finished after
it has its prediction removed, and the samples not finished get none (the scorer's
penalty). ``timing.json`` then records the budget, and the scorer counts the clips
done within it.

Inputs by track (the release layouts, CHALLENGE.md):

- humans: ``X/<name>.png`` with white holes and ``maskdata.json`` (the method gets
  the mask; the known pixels of its output are replaced by the input's);
- captions: ``X/<clip>.mp4``, blind;
- fingerprints: ``<split>_input/<name>.jpg``, blind.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench.data.common import Progress, run_parallel
from inpaintbench.data.humans.layout import MASKDATA_JSON, check_blocks_inside, read_maskdata
from inpaintbench.errors import InputError, OptionError
from inpaintbench.io.atomic import read_json, write_json_atomic
from inpaintbench.io.media import (
    IMAGE_SUFFIXES,
    VIDEO_SUFFIXES,
    image_size,
    read_image_rgb,
    read_video,
    write_image,
    write_video,
)
from inpaintbench.io.outdir import LOCK_NAME, FolderLock, check_output_folder
from inpaintbench.scoring.common import TIMING_JSON, list_files, read_timing
from inpaintbench.tracks import CLIP_FPS, CLIP_FRAMES, Track

RUN_JSON = "run.json"
INPUT_SUFFIX = "_input"  # fingerprints release layout: <split>_input/
CHUNK_SECONDS = 2.0  # timing.json is rewritten at most this often during a run
SPLIT_NAMES = ("test", "val", "validation", "train", "training")



@dataclass(frozen=True)
class Sample:
    """One input: its name, file, and the humans blocks (``[row, col, size]``) if any."""

    name: str
    path: Path
    blocks: tuple[tuple[int, int, int], ...] = ()


def detect_track(folder: Path) -> Track | None:
    """The track whose release layout ``folder`` holds, or None."""
    if (folder / MASKDATA_JSON).is_file() and (folder / "X").is_dir():
        return Track.HUMANS
    if (folder / "X").is_dir() and list_files(folder / "X", VIDEO_SUFFIXES):
        return Track.CAPTIONS
    if folder.name.endswith(INPUT_SUFFIX) or any(folder.glob(f"*{INPUT_SUFFIX}")):
        return Track.FINGERPRINTS
    return None


def _split_folder(data: Path, split: str | None) -> Path:
    """The folder of one split: ``data/<split>`` when ``data`` is a whole built set."""
    if split is not None:
        for candidate in (data / split, data / f"{split}{INPUT_SUFFIX}"):
            if candidate.is_dir():
                return data if candidate.name.endswith(INPUT_SUFFIX) else candidate
        have = [s for s in SPLIT_NAMES if (data / s).is_dir() or (data / f"{s}{INPUT_SUFFIX}")
                .is_dir()]
        raise OptionError("split", f"{data} has no split {split!r}; it has "
                                   f"{', '.join(have) or 'none'}")
    if detect_track(data) is not None:
        return data
    present = [s for s in SPLIT_NAMES if detect_track(data / s) is not None]
    if len(present) == 1:
        return data / present[0]
    if present:
        raise InputError(data, f"holds several splits ({', '.join(present)})",
                         "choose one with --split")
    return data


def find_samples(track: Track, data: str | Path, split: str | None = None) -> list[Sample]:
    """The inputs of ``data`` for ``track``, by name.

    Raises
    ------
    InputError
        When ``data`` is missing, holds another track's set (named), or no input.
    """
    data = Path(data)
    if not data.is_dir():
        raise InputError(data, "dataset folder not found")
    found = detect_track(data) or next(
        (t for t in (detect_track(data / s) for s in SPLIT_NAMES) if t is not None), None)
    if found is not None and found is not track:
        raise InputError(data, f"holds a {found.value} set, not a {track.value} one",
                         f"run it with --track {found.value}")
    folder = _split_folder(data, split)
    if track is Track.HUMANS:
        if found is None:
            raise InputError(folder, "is not a humans set",
                             "a humans set holds X/<name>.png and maskdata.json")
        images = list_files(folder / "X", IMAGE_SUFFIXES)
        maskdata = read_maskdata(folder / MASKDATA_JSON, images)
        for name, path in images.items():  # a block outside its image refuses the set, as
            try:                            # the scorer does; an unreadable image is skipped
                width, height = image_size(path)
            except InputError:
                continue
            check_blocks_inside(folder / MASKDATA_JSON, name, maskdata[name], width, height)
        return [Sample(name, path, tuple(maskdata[name])) for name, path in images.items()]
    if track is Track.CAPTIONS:
        if found is None:
            raise InputError(folder, "is not a captions set",
                             "a captions set holds X/<clip>.mp4")
        return [Sample(n, p) for n, p in list_files(folder / "X", VIDEO_SUFFIXES).items()]
    inputs = folder if folder.name.endswith(INPUT_SUFFIX) else None
    if inputs is None:
        candidates = sorted(p for p in folder.glob(f"*{INPUT_SUFFIX}") if p.is_dir())
        if split is not None:
            candidates = [p for p in candidates if p.name == f"{split}{INPUT_SUFFIX}"]
        if len(candidates) != 1:
            names = ", ".join(p.name for p in candidates) or "none"
            raise InputError(folder, f"needs exactly one <split>_input folder, found {names}",
                             "choose one with --split")
        inputs = candidates[0]
    return [Sample(n, p) for n, p in list_files(inputs, IMAGE_SUFFIXES).items()]


def _blocks_mask(shape: tuple[int, int], blocks: Sequence[Sequence[int]]) -> np.ndarray:
    mask = np.zeros(shape, bool)
    for row, col, size in blocks:
        mask[row:row + size, col:col + size] = True
    return mask


def output_path(track: Track, out: Path, name: str) -> Path:
    return out / f"{name}{'.mp4' if track is Track.CAPTIONS else '.png'}"


def predict(method: Any, track: Track, sample: Sample, out: Path,
            crf: int | None = None) -> float:
    """Run ``method`` on one sample, write its prediction; the seconds the method took."""
    if track is Track.HUMANS:
        image = read_image_rgb(sample.path)
        check_blocks_inside(sample.path.parent.parent / MASKDATA_JSON, sample.name,
                            sample.blocks, image.shape[1], image.shape[0])
        mask = _blocks_mask(image.shape[:2], sample.blocks)
        start = time.perf_counter()
        filled = method.inpaint(image, mask)
        seconds = time.perf_counter() - start
        _check_output(filled, image.shape, sample.path)
        write_image(output_path(track, out, sample.name),
                    np.where(mask[..., None], filled, image).astype(np.uint8))
    elif track is Track.CAPTIONS:
        frames = read_video(sample.path, max_frames=CLIP_FRAMES)  # what the scorer scores
        start = time.perf_counter()
        cleaned = method.decaption(frames)
        seconds = time.perf_counter() - start
        _check_output(cleaned, frames.shape, sample.path)
        write_video(output_path(track, out, sample.name), cleaned, fps=CLIP_FPS,
                    lossless=crf is None, **({} if crf is None else {"crf": crf}))
    else:
        image = read_image_rgb(sample.path)
        start = time.perf_counter()
        restored = method.restore(image)
        seconds = time.perf_counter() - start
        _check_output(restored, image.shape[:2], sample.path)
        write_image(output_path(track, out, sample.name), restored)
    return seconds


def _check_output(result: np.ndarray, shape: tuple[int, ...], path: Path) -> None:
    if not isinstance(result, np.ndarray) or result.dtype != np.uint8 \
            or result.shape != tuple(shape):
        got = (f"{result.dtype} {result.shape}" if isinstance(result, np.ndarray)
               else type(result).__name__)
        raise RuntimeError(f"the method returned {got} for {path}; expected uint8 {shape}")


_WORKER_METHODS: dict[tuple[Track, str], Any] = {}


def limit_threads() -> None:
    """One thread per worker process: the runner's processes already use every core."""
    import cv2

    cv2.setNumThreads(1)
    os.environ["OMP_NUM_THREADS"] = "1"


def _run_chunk(chunk: list[Sample], track: Track, name: str, out: Path, crf: int | None,
               single: bool) -> dict[str, float | str]:
    """Seconds per sample, or the message of an input that could not be read."""
    from inpaintbench.methods.registry import create

    if single:
        limit_threads()
    key = (track, name)
    if key not in _WORKER_METHODS:
        _WORKER_METHODS[key] = create(track, name)
    results: dict[str, float | str] = {}
    for sample in chunk:
        try:
            results[sample.name] = round(predict(_WORKER_METHODS[key], track, sample, out,
                                                 crf), 6)
        except InputError as exc:  # a broken input: no prediction, the scorer's penalty
            results[sample.name] = str(exc)
    return results


def _read_record(path: Path) -> dict[str, Any]:
    """A JSON object this runner wrote, or InputError naming the file."""
    try:
        record = read_json(path)
    except (ValueError, OSError) as exc:
        raise InputError(path, f"is not a run record ({exc})",
                         "remove it, or choose another --out folder") from None
    if not isinstance(record, dict):
        raise InputError(path, "is not a run record (a JSON object)",
                         "remove it, or choose another --out folder")
    return record


@dataclass
class RunSummary:
    """What a run produced."""

    out: Path
    samples: int
    resumed: int
    seconds_per_sample: float
    problems: dict[str, str]  # sample → why it has no prediction
    time_budget: float | None = None
    over_budget: tuple[str, ...] = ()  # the samples of ``problems`` the budget left out

    def describe(self) -> str:
        done = self.samples - len(self.problems)
        if self.time_budget is not None:
            return (f"{done} of {self.samples} samples within the {self.time_budget:g} s "
                    f"budget, in {self.out}; {self.seconds_per_sample:.3f} s per sample")
        skipped = f"; {len(self.problems)} unreadable input(s) skipped" if self.problems else ""
        return (f"{done} predictions in {self.out} "
                f"({self.resumed} resumed); {self.seconds_per_sample:.3f} s per sample{skipped}")


def run_method(track: Track | str, method: str, data: str | Path, out: str | Path, *,
               split: str | None = None, workers: int | None = None, crf: int | None = None,
               time_budget: float | None = None,
               progress: Progress | None = None) -> RunSummary:
    """Run ``method`` over the ``split`` of ``data`` into ``out`` (see the module docstring).

    Parameters
    ----------
    crf : int or None
        Captions: x264 CRF of the predicted clips; None writes them lossless, so the
        scores measure the method and not our encoder.
    time_budget : float or None
        Seconds of wall-clock time, worker start-up included, after which no sample
        counts. A finished budget run is not run again (its summary is returned); an
        interrupted one starts over, since its clock cannot resume.

    Raises
    ------
    InputError
        When the data is missing or of another track, or ``out`` holds another run. An
        input that cannot be read is skipped and listed in ``problems`` (and in
        ``run.json``): the scorer then gives it the challenge's penalty.
    KeyError, RuntimeError
        When the method does not exist, or cannot run here (see the registry).
    """
    from inpaintbench.methods.registry import create

    track = Track.parse(track)
    data, out = Path(data), Path(out)
    if crf is not None and not 0 <= crf <= 51:
        raise OptionError("crf", f"{crf} is not an x264 CRF (0 to 51)")
    if workers is not None and workers < 1:
        raise OptionError("workers", f"must be at least 1, got {workers}")
    if time_budget is not None and not 0 < time_budget < float("inf"):
        raise OptionError("time-budget", f"must be a positive number of seconds, got "
                                         f"{time_budget}")
    check_output_folder(out)
    create(track, method)  # an unknown or unavailable method fails before any work
    samples = find_samples(track, data, split)
    if not samples:
        raise InputError(data, f"holds no {track.value} input")
    description = {"track": track.value, "method": method, "data": str(data.resolve()),
                   "split": split, "crf": crf}
    if time_budget is not None:
        description["time_budget"] = time_budget
    previous = out / RUN_JSON
    with FolderLock(out, f"run --method {method}"):
        if previous.is_file() and _read_record(previous).get("time_budget") != time_budget:
            raise InputError(previous, "holds a run under another time budget (or none)",
                             "choose another --out folder")
        if previous.is_file() and {k: v for k, v in _read_record(previous).items()
                                   if k in description} != description:
            raise InputError(previous, "holds a run of another method or dataset",
                             "choose another --out folder")
        if not previous.is_file() and any(p.name != LOCK_NAME for p in out.iterdir()):
            raise InputError(out, "is not empty and holds no InpaintBench run",
                             "choose an empty or new --out folder")
        timing_path = out / TIMING_JSON
        times = read_timing(timing_path) if timing_path.is_file() else {}
        if time_budget is not None and previous.is_file():
            record = _read_record(previous)
            if record.get("complete"):  # its count stands: a budget run is not run twice
                timed = list(times.values())
                return RunSummary(out, len(samples), len(samples),
                                  float(np.mean(timed)) if timed else 0.0,
                                  dict(record.get("problems") or {}), time_budget,
                                  tuple(record.get("over_budget") or ()))
            for name in times:  # interrupted: its clock cannot resume, so it starts over
                output_path(track, out, name).unlink(missing_ok=True)
            times = {}
        workers = max(1, workers or os.cpu_count() or 1)
        write_json_atomic(previous, {**description, "workers": workers, "complete": False})
        times = {n: t for n, t in times.items() if output_path(track, out, n).is_file()}
        todo = [s for s in samples if s.name not in times]
        resumed = len(samples) - len(todo)
        last_write = [time.monotonic()]

        budget = {} if time_budget is None else {"time_budget": time_budget}

        def save_times() -> None:
            write_json_atomic(timing_path, {"method": method, "track": track.value,
                                            "workers": workers, **budget, "per_sample": dict(
                                                sorted(times.items()))})
            last_write[0] = time.monotonic()

        problems: dict[str, str] = {}
        deadline = None

        late: list[str] = []

        def over_budget(name: str, why: str) -> None:
            output_path(track, out, name).unlink(missing_ok=True)
            problems[name] = f"{why} within the {time_budget:g} s budget"
            late.append(name)

        def finished(_chunk: list[Sample], result: dict[str, float | str]) -> None:
            late = deadline is not None and time.monotonic() > deadline
            for name, value in result.items():
                if isinstance(value, str):
                    problems[name] = value
                elif late:
                    over_budget(name, "not finished")
                else:
                    times[name] = value
            if time.monotonic() - last_write[0] > CHUNK_SECONDS:
                save_times()
            if progress:
                progress(len(times) + len(problems), len(samples))

        if progress:
            progress(len(times), len(samples))
        # small chunks keep both cores busy to the end and bound the work lost to a stop;
        # under a budget, one sample a chunk: each counts when it is done
        size = 1 if time_budget else max(1, min(8, len(todo) // (4 * workers)))
        chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
        if time_budget is not None:
            deadline = time.monotonic() + time_budget
        # forkserver: the caller may hold OpenMP / OpenCV thread pools a fork would deadlock on
        unfinished = run_parallel(chunks, _run_chunk, (track, method, out, crf, workers > 1),
                                  workers, finished, start_method="forkserver",
                                  deadline=deadline)
        for sample in (s for chunk in unfinished for s in chunk):
            over_budget(sample.name, "not reached")
        save_times()
        extra = {} if time_budget is None else {"in_budget": len(times), "over_budget": late}
        write_json_atomic(previous, {**description, "workers": workers, "complete": True,
                                     "samples": len(samples), **extra, "problems": problems})
        timed = [times[s.name] for s in samples if s.name in times]
        return RunSummary(out, len(samples), resumed, float(np.mean(timed)) if timed else 0.0,
                          problems, time_budget, tuple(late))
