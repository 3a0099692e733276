"""Scale-out on a Dask distributed cluster, when one machine is not enough.

Every command that works sample by sample (``data … build``, ``run``, ``score``) runs
its samples through :func:`inpaintbench.data.common.run_parallel` (builds and runs) or
:func:`map_ordered` (scores). Given a scheduler's address — ``--scheduler ADDRESS``, or
the ``DASK_SCHEDULER_ADDRESS`` environment variable Dask itself reads — they send the
samples to the cluster's workers instead of local processes:

- a task is one sample (or the small batch the local run would give one process);
  at most twice as many are in flight as the cluster has worker threads, so a long
  queue does not pile up in the scheduler's memory;
- each task writes its outputs itself, atomically (a temporary name, then a rename),
  to the output folder, which must be **the same path on every machine** (a shared
  file system: NFS, a cluster's parallel file system); what a task returns is small
  and is recorded by the calling process as the local run does, so an interrupted
  run resumes the same way;
- a worker lost mid-task costs only its tasks: Dask runs them again elsewhere
  (:data:`RETRIES` times at most);
- the results are the local run's: the same functions run on the same inputs (a
  build's randomness comes from each sample's own named seed, never from the order or
  the place samples run); builds and runs are identical file for file, scores to
  1e-12 at worst (each process compiles the fastmath SSIM kernel for itself).

Nothing needs a cluster: without an address the local process pool is used, and
``dask[distributed]`` is an optional extra (``pip install inpaintbench[dask]``).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from inpaintbench.errors import OptionError, UnavailableError

ENV_ADDRESS = "DASK_SCHEDULER_ADDRESS"
RETRIES = 2  # times a task lost with its worker is run again
CONNECT_SECONDS = 10.0
SCHEMES = ("tcp", "tls", "ucx", "ws", "wss", "inproc")  # distributed's transports
IN_FLIGHT_PER_THREAD = 2
TASKS_PER_THREAD = 4  # map_ordered: chunks sized for about this many tasks per thread
MAX_CHUNK = 64

Item = TypeVar("Item")
Result = TypeVar("Result")

_SCHEDULER: contextvars.ContextVar[str | None] = contextvars.ContextVar("scheduler",
                                                                        default=None)


@contextlib.contextmanager
def using(address: str | None) -> Iterator[None]:
    """Within the block, sample-parallel work goes to the Dask scheduler at ``address``.

    ``None`` keeps the local process pool. The library's way of saying what the
    command line's ``--scheduler`` says::

        with inpaintbench.cluster.using("tcp://10.0.0.5:8786"):
            build_fingerprints("/shared/fp", config)
    """
    token = _SCHEDULER.set(address)
    try:
        yield
    finally:
        _SCHEDULER.reset(token)


def current() -> str | None:
    """The scheduler address :func:`using` set here, or None (local)."""
    return _SCHEDULER.get()


def scheduler_address(option: str | None = None) -> str | None:
    """The scheduler to use: the option, else ``$DASK_SCHEDULER_ADDRESS``, else None (local)."""
    address = option or os.environ.get(ENV_ADDRESS) or None
    return address.strip() if address else None


def connect(address: str) -> Any:
    """A ``distributed.Client`` on ``address``; a clear error when it cannot be had."""
    try:
        from distributed import Client
    except ImportError:
        raise UnavailableError("--scheduler needs Dask's distributed scheduler: "
                               "pip install 'inpaintbench[dask]'") from None
    scheme = address.split("://", 1)[0] if "://" in address else "tcp"
    if scheme not in SCHEMES:  # checked here: a Client refused later warns at exit
        raise OptionError("scheduler", f"{address!r} is not a Dask scheduler address",
                          "e.g. tcp://10.0.0.5:8786")
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise OptionError("scheduler", f"cannot reach a Dask scheduler at {address!r} "
                                       f"({type(exc).__name__}: {exc})",
                          "start one with `dask scheduler`, and workers with `dask worker "
                          "ADDRESS`") from None


def _threads(client: Any) -> int:
    return max(1, sum(client.nthreads().values()))


def run_on_cluster(items: Iterable[Item], job: Callable[..., Result], args: tuple,
                   on_done: Callable[[Item, Result], None], address: str, *,
                   deadline: float | None = None) -> list[Item]:
    """``job(item, *args)`` for every item on the cluster at ``address``, ``on_done`` here.

    The contract of :func:`inpaintbench.data.common.run_parallel`: returns the items
    not done (those left when the ``deadline``, a :func:`time.monotonic` time, passed).
    """
    from distributed import as_completed

    items = list(items)
    client = connect(address)
    done: set[int] = set()
    try:
        depth = IN_FLIGHT_PER_THREAD * _threads(client)
        queue = iter(enumerate(items))
        index_of = {}

        def submit(index: int, item: Item) -> Any:
            future = client.submit(job, item, *args, pure=False, retries=RETRIES,
                                   key=f"inpaintbench-{job.__name__}-{index}-{time.time_ns()}")
            index_of[future.key] = index
            return future

        first = [submit(i, item) for i, item in (next(queue, (None, None)) for _ in range(depth))
                 if i is not None]
        pending = as_completed(first, loop=client.loop)
        for future in pending:
            index = index_of.pop(future.key)
            on_done(items[index], future.result())
            done.add(index)
            if deadline is not None and time.monotonic() >= deadline:
                for other in list(pending.futures):
                    other.cancel()
                break
            following = next(queue, None)
            if following is not None:
                pending.add(submit(*following))
    finally:
        client.close()
    return [item for i, item in enumerate(items) if i not in done]


def _run_chunk(job: Callable[..., Result], chunk: list[Any], args: tuple) -> list[Result]:
    return [job(item, *args) for item in chunk]


def map_ordered(job: Callable[..., Result], items: Iterable[Item], args: tuple,
                address: str, *, chunk: int | None = None) -> Iterator[Result]:
    """``job(item, *args)`` for every item on the cluster, yielded in the items' order.

    Items travel in chunks (``chunk`` items a task; by default enough for about
    :data:`TASKS_PER_THREAD` tasks per worker thread, at most :data:`MAX_CHUNK`): a
    scoring task of one small image is shorter than a task's round trip.
    """
    from collections import deque

    items = list(items)
    client = connect(address)
    try:
        threads = _threads(client)
        size = chunk or max(1, min(MAX_CHUNK, len(items) // (TASKS_PER_THREAD * threads)))
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        depth = IN_FLIGHT_PER_THREAD * threads
        pending: deque[Any] = deque()
        for index, part in enumerate(chunks):
            pending.append(client.submit(_run_chunk, job, part, args, pure=False,
                                         retries=RETRIES, key=f"inpaintbench-{job.__name__}-"
                                                              f"{index}-{time.time_ns()}"))
            if len(pending) >= depth:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        client.close()
