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


def list_files(folder: Path, suffixes: tuple[str, ...],
               shadowed: list[tuple[Path, Path]] | None = None) -> dict[str, Path]:
    """Map stem → file for the files of ``folder`` with one of ``suffixes`` (not hidden).

    When several files share a stem (``a.png`` and ``a.jpg``), the one whose suffix
    comes first in ``suffixes`` is taken; each other is appended to ``shadowed`` as
    ``(taken, other)``, so the caller can say which was used.
    """
    rank = {suffix: i for i, suffix in enumerate(suffixes)}
    found = sorted((rank[p.suffix.lower()], p.name, p) for p in folder.iterdir()
                   if p.suffix.lower() in rank and not p.name.startswith(".") and p.is_file())
    files: dict[str, Path] = {}
    for _, _, path in found:
        if path.stem in files:
            if shadowed is not None:
                shadowed.append((files[path.stem], path))
        else:
            files[path.stem] = path
    return dict(sorted(files.items()))


@dataclass
class Pairing:
    """Reference samples paired with the prediction files found for them."""

    predictions: dict[str, Path | None]
    problems: list[Problem]


def pair_predictions(reference: Iterable[str], pred_dir: Path,
                     suffixes: tuple[str, ...], kind_of_file: str, *,
                     allow_empty: bool = False) -> Pairing:
    """Find the prediction for every reference sample by file stem.

    Missing predictions map to ``None`` (the caller penalises them); files that
    match no reference sample are listed as ``extra`` problems and ignored.

    Raises
    ------
    InputError
        When ``pred_dir`` does not exist, is not a folder, or holds no prediction
        for any reference sample (almost always a wrong path) unless ``allow_empty``
        (a run under a time budget that finished nothing: every sample's penalty).
    """
    pred_dir = Path(pred_dir)
    if not pred_dir.is_dir():
        raise InputError(pred_dir, "prediction folder not found")
    shadowed: list[tuple[Path, Path]] = []
    found = list_files(pred_dir, suffixes, shadowed)
    names = list(reference)
    predictions = {name: found.get(name) for name in names}
    problems = [Problem("extra", f"no reference sample named {stem!r}; ignored", path=str(p))
                for stem, p in found.items() if stem not in predictions]
    problems += [Problem("ambiguous", f"{taken.name} and {other.name} share a name; "
                         f"{taken.name} is scored, {other.name} ignored", sample=taken.stem,
                         path=str(other)) for taken, other in shadowed]
    others = [p for p in sorted(pred_dir.iterdir()) if p.is_file() and not p.name.startswith(".")
              and p.suffix.lower() not in suffixes and p.name not in SIDE_FILES]
    problems += [Problem("extra", f"not a {kind_of_file} file ({', '.join(suffixes)}); ignored",
                         path=str(p)) for p in others]
    if names and not any(predictions.values()) and not allow_empty:
        raise InputError(pred_dir, f"holds no prediction for any of the {len(names)} reference "
                                   f"samples (expected <name>{suffixes[0]} files)",
                         "check the --pred path and the file names")
    for name, path in predictions.items():
        if path is None:
            problems.append(Problem("missing", "no prediction; scored with the penalty",
                                    sample=name, penalised=True))
    return Pairing(predictions, problems)


TIMING_JSON = "timing.json"  # written by `inpaintbench run` beside its predictions


def read_timing(path: Path) -> dict[str, float]:
    """The seconds per sample of a ``timing.json``: ``{"per_sample": {name: seconds}}``.

    Raises
    ------
    InputError
        Naming the file when it is not that shape, or a time is not a finite
        number of seconds ≥ 0.
    """
    from inpaintbench.io.atomic import read_json_file

    rule = 'not a timing file ({"per_sample": {name: seconds}})'
    data = read_json_file(path)
    per_sample = data.get("per_sample") if isinstance(data, dict) else None
    if not isinstance(per_sample, dict):
        raise InputError(path, rule)
    for name, seconds in per_sample.items():
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) \
                or not 0 <= seconds < float("inf"):
            raise InputError(path, f"sample {name!r}: {seconds!r} is not a number of seconds "
                                   "≥ 0", "remove the file, or rerun the method")
    return {name: float(seconds) for name, seconds in per_sample.items()}


def read_time_budget(path: Path) -> float | None:
    """The ``time_budget`` (seconds) a ``timing.json`` records, or None for a run without one.

    Raises
    ------
    InputError
        Naming the file when the budget is not a positive finite number of seconds.
    """
    from inpaintbench.io.atomic import read_json_file

    data = read_json_file(path)
    budget = data.get("time_budget") if isinstance(data, dict) else None
    if budget is None:
        return None
    if isinstance(budget, bool) or not isinstance(budget, int | float) \
            or not 0 < budget < float("inf"):
        raise InputError(path, f"time_budget {budget!r} is not a number of seconds > 0",
                         "remove the file, or rerun the method")
    return float(budget)


def mean_seconds_per_sample(pred_dir: Path, names: Iterable[str]) -> float | None:
    """Mean processing time of the reference samples, from ``timing.json`` if present.

    The file maps ``per_sample`` → ``{name: seconds}`` (:func:`read_timing`).
    Returns ``None`` when the file is absent or covers none of ``names``.
    """
    path = Path(pred_dir) / TIMING_JSON
    if not path.is_file():
        return None
    per_sample = read_timing(path)
    times = [per_sample[n] for n in names if n in per_sample]
    return sum(times) / len(times) if times else None
