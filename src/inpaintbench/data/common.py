"""What every dataset build shares: seeded generators, hash splits, resume, parallel runs."""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from inpaintbench.errors import InputError
from inpaintbench.io.atomic import atomic_path, read_json
from inpaintbench.io.outdir import LOCK_NAME, FolderLock

SPLITS = ("train", "val", "test")
DATASET_JSON = "dataset.json"  # a built set's settings, sources and counts
METADATA_JSON = "metadata.json"  # a built set's per-sample records (captions, fingerprints)
PARTS_DIR = ".parts"  # one record per finished unit of work, for resuming
STATS_JSON = "stats.json"  # a built set's statistics, beside its dataset.json
STATS_PNG = "stats.png"

Progress = Callable[[int, int], None]  # a build's progress callback: (done, total)
Item = TypeVar("Item")
Result = TypeVar("Result")


def _unit(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "little")


def named_rng(seed: int, name: str) -> np.random.Generator:
    """A generator that depends only on the set's seed and a sample's name.

    Independent of the order samples are processed in, so a parallel or resumed
    build draws exactly the same numbers.
    """
    return np.random.default_rng([seed, _unit(name)])


def hash_split(key: str, fractions: Sequence[float]) -> str:
    """The split (train/val/test) of ``key`` for the given fractions, stable across machines.

    >>> hash_split("coco/785", (0.6, 0.2, 0.2))
    'val'
    """
    u = _unit(key) / 2**64
    return SPLITS[min(int(np.searchsorted(np.cumsum(fractions), u, side="right")),
                      len(SPLITS) - 1)]


def part_path(out: Path, key: str) -> Path:
    """Where a build records one finished unit (a photo, a video, a finger) under ``out``.

    The file name is a hash of ``key``, so any source name or path is a safe name.
    """
    return out / PARTS_DIR / f"{hashlib.sha1(key.encode('utf-8')).hexdigest()[:20]}.json"


def check_fractions(fractions: Sequence[float]) -> None:
    """Three non-negative split fractions summing to 1, or ValueError."""
    if len(fractions) != 3 or any(f < 0 for f in fractions) \
            or not np.isclose(sum(fractions), 1.0):
        raise ValueError(f"split must be three fractions summing to 1, got {tuple(fractions)}")


def check_resumable(out: Path, description_name: str, config: dict[str, Any],
                    what: str) -> None:
    """Refuse an ``out`` folder that holds something else or a build with other settings.

    An empty or missing folder, or one holding a build of the same ``config``
    (to resume), passes.
    """
    existing = out / description_name
    if out.exists() and not out.is_dir():
        raise InputError(out, "is a file; --out must be a folder",
                         "choose a new or empty --out folder")
    if existing.exists():
        try:
            description = read_json(existing)
            previous = description.get("config")
            kind = description.get("kind")
        except (ValueError, OSError, AttributeError) as exc:
            raise InputError(existing, f"is not a dataset description ({exc})",
                             "choose an empty --out folder") from exc
        if isinstance(kind, str) and kind.startswith("inpaintbench-") \
                and kind != f"inpaintbench-{what}":
            raise InputError(out, f"holds a {kind.removeprefix('inpaintbench-')} set, not a "
                             f"{what} one", "choose another --out folder")
        if previous != config:
            raise InputError(existing, "holds a build with other settings",
                             "choose another --out folder, or the same settings to resume")
    elif out.exists() and any(p.name != LOCK_NAME for p in out.iterdir()):
        raise InputError(out, f"is not empty and holds no InpaintBench {what} set",
                         "choose an empty or new --out folder")


@contextlib.contextmanager
def building(out: Path, config: dict[str, Any], what: str) -> Iterator[None]:
    """Hold ``out`` for one build (:class:`FolderLock`) and check it may build ``config`` there.

    A second build into the same folder is refused at once, naming the first; a
    folder holding something else, or a build of other settings, is refused
    before anything is written (:func:`check_resumable`).
    """
    with FolderLock(out, f"data {what} build"):
        check_resumable(out, DATASET_JSON, config, what)
        yield


WORKER_STOP_SECONDS = 10.0  # how long a stopped worker may take to clean up


def run_parallel(items: Iterable[Item], job: Callable[..., Result], args: tuple,
                 workers: int, on_done: Callable[[Item, Result], None], *,
                 start_method: str | None = None, deadline: float | None = None,
                 scheduler: str | None = None) -> list[Item]:
    """``job(item, *args)`` for every item on ``workers`` processes, ``on_done`` in the caller.

    At most ``2 × workers`` items are in flight, so a long queue does not pile
    up in memory; with one worker (or one item) everything runs in this process.
    ``start_method`` (``"forkserver"``, ``"spawn"``) starts the workers without
    forking this process: needed when it may hold OpenMP or OpenCV thread pools,
    which a forked child can deadlock on. With a ``deadline`` (a
    :func:`time.monotonic` time), no item starts after it, and items still running
    on worker processes then are stopped (in this process, the one running ends
    first: the caller decides whether it counts). Returns the items not done, in order.

    With a Dask ``scheduler`` address (or one set by :func:`inpaintbench.cluster.using`)
    the items run on that cluster's workers instead
    (:func:`inpaintbench.cluster.run_on_cluster`; ``workers`` is then the cluster's).
    """
    from inpaintbench.cluster import current, run_on_cluster

    items = list(items)
    scheduler = scheduler or current()
    if scheduler:
        return run_on_cluster(items, job, args, on_done, scheduler, deadline=deadline)

    def expired() -> bool:
        return deadline is not None and time.monotonic() >= deadline

    if workers <= 1 or len(items) <= 1:
        for i, item in enumerate(items):
            if expired():
                return items[i:]
            on_done(item, job(item, *args))
        return []
    import multiprocessing

    context = multiprocessing.get_context(start_method) if start_method else None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_ignore_interrupts)
    done: set[int] = set()  # indices of the items done

    def stop_workers() -> None:
        workers_running = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in workers_running:
            process.terminate()
        for process in workers_running:  # each removes the temporary file it was writing
            process.join(timeout=WORKER_STOP_SECONDS)
        for process in workers_running:  # one stuck in C code past that: it must not
            if process.is_alive():       # finish a file after the caller has moved on
                process.kill()
                process.join()

    try:
        queue = iter(enumerate(items))
        pending = {}
        for index, item in queue:
            pending[pool.submit(job, item, *args)] = index
            if len(pending) >= 2 * workers:
                break
        while pending:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            finished, _ = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
            if not finished:  # the deadline passed with items running: stop them
                stop_workers()
                return [item for i, item in enumerate(items) if i not in done]
            for future in finished:
                index = pending.pop(future)
                on_done(items[index], future.result())
                done.add(index)
                following = None if expired() else next(queue, None)
                if following is not None:
                    pending[pool.submit(job, following[1], *args)] = following[0]
    except BaseException:
        # Ctrl-C or a failed item: stop now. Waiting for the queued items, as leaving
        # the executor normally does, would finish the whole run first; what is
        # finished is recorded, so a rerun resumes from here.
        stop_workers()
        raise
    pool.shutdown(wait=True)
    return [item for i, item in enumerate(items) if i not in done]


def _ignore_interrupts() -> None:
    """In a worker: leave Ctrl-C to the parent, which stops the workers and says so once.

    The parent stops a worker with SIGTERM; raising SystemExit on it lets the
    worker's ``finally`` blocks remove the temporary file it was writing.
    """
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))


def save_figure(fig: Any, path: Path, dpi: int = 90) -> Path:
    """Save a matplotlib figure atomically (format from the suffix) and close it."""
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi)
    plt.close(fig)
    return path
