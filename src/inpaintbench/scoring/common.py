"""Shared machinery of the three scorers: pairing files, prefetching, progress."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from inpaintbench.errors import InputError
from inpaintbench.scoring.result import Problem

T = TypeVar("T")
Progress = Callable[[int, int], None]  # (done, total)

# Files a prediction folder may hold besides predictions (written by our own tools).
SIDE_FILES = {"timing.json", "run.json", "scores.json", "scores.txt", "metadata.json"}


def default_workers() -> int:
    """Worker threads for decoding: every core, at least 1."""
    return max(1, os.cpu_count() or 1)


def prefetch(jobs: Iterable[Callable[[], T]], workers: int | None = None,
             depth: int | None = None) -> Iterator[T]:
    """Run ``jobs`` on a thread pool and yield their results in order.

    At most ``depth`` jobs are in flight, so memory stays flat however many there
    are (decoding releases the GIL, so threads overlap I/O and decoding with the
    metric computation done by the consumer).
    """
    workers = workers or default_workers()
    depth = depth or 2 * workers
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[T]] = deque()
        for job in jobs:
            pending.append(pool.submit(job))
            if len(pending) >= depth:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def list_files(folder: Path, suffixes: tuple[str, ...]) -> dict[str, Path]:
    """Map stem → file for the files of ``folder`` with one of ``suffixes`` (not hidden)."""
    files: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith(".") and path.suffix.lower() in suffixes:
            files.setdefault(path.stem, path)
    return files


@dataclass
class Pairing:
    """Reference samples paired with the prediction files found for them."""

    predictions: dict[str, Path | None]
    problems: list[Problem]


def pair_predictions(reference: Iterable[str], pred_dir: Path,
                     suffixes: tuple[str, ...], kind_of_file: str) -> Pairing:
    """Find the prediction for every reference sample by file stem.

    Missing predictions map to ``None`` (the caller penalises them); files that
    match no reference sample are listed as ``extra`` problems and ignored.

    Raises
    ------
    InputError
        When ``pred_dir`` does not exist, is not a folder, or holds no prediction
        for any reference sample (almost always a wrong path).
    """
    pred_dir = Path(pred_dir)
    if not pred_dir.is_dir():
        raise InputError(pred_dir, "prediction folder not found")
    found = list_files(pred_dir, suffixes)
    names = list(reference)
    predictions = {name: found.get(name) for name in names}
    problems = [Problem("extra", f"no reference sample named {stem!r}; ignored", path=str(p))
                for stem, p in found.items() if stem not in predictions]
    others = [p for p in sorted(pred_dir.iterdir()) if p.is_file() and not p.name.startswith(".")
              and p.suffix.lower() not in suffixes and p.name not in SIDE_FILES]
    problems += [Problem("extra", f"not a {kind_of_file} file ({', '.join(suffixes)}); ignored",
                         path=str(p)) for p in others]
    if names and not any(predictions.values()):
        raise InputError(pred_dir, f"holds no prediction for any of the {len(names)} reference "
                                   f"samples (expected <name>{suffixes[0]} files)",
                         "check the --pred path and the file names")
    for name, path in predictions.items():
        if path is None:
            problems.append(Problem("missing", "no prediction; scored with the penalty",
                                    sample=name, penalised=True))
    return Pairing(predictions, problems)


TIMING_JSON = "timing.json"  # written by `inpaintbench run` beside its predictions


def mean_seconds_per_sample(pred_dir: Path, names: Iterable[str]) -> float | None:
    """Mean processing time of the reference samples, from ``timing.json`` if present.

    The file maps ``per_sample`` → ``{name: seconds}``. Returns ``None`` when the
    file is absent or covers none of ``names``.
    """
    from inpaintbench.io.atomic import read_json

    path = Path(pred_dir) / TIMING_JSON
    if not path.is_file():
        return None
    try:
        per_sample = read_json(path)["per_sample"]
        times = [float(per_sample[n]) for n in names if n in per_sample]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(path, "not a timing file ({'per_sample': {name: seconds}})",
                         str(exc)) from exc
    return sum(times) / len(times) if times else None
