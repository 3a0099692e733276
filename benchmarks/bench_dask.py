"""Samples per minute on a Dask cluster of 1 and 2 workers, beside the local process pool.

Builds the same fingerprints set (``--count`` pairs, seed 2018) and scores a copy of
its ground truth against itself, four ways (each after an untimed warm-up build that
has every worker import the package and compile its kernels): the local pool with 1 and 2 processes,
and a Dask ``LocalCluster`` (a scheduler and worker processes of one thread, talking
over TCP as machines would) with 1 and 2 workers, through ``--scheduler``'s code path
(:func:`inpaintbench.cluster.using`). Prints samples per minute and the speed-up of 2
workers over 1; every cluster build is checked to be the local one, file for file.

Run:

    python benchmarks/bench_dask.py [--count 200]
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import tempfile
import time
from pathlib import Path

from inpaintbench import cluster
from inpaintbench.data.fingerprints.build import FingerprintsBuildConfig, build_fingerprints
from inpaintbench.scoring.fingerprints import score_fingerprints

SPLIT = "training"


def same_tree(a: Path, b: Path) -> bool:
    compared = filecmp.dircmp(a, b)
    if compared.left_only or compared.right_only:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, compared.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(a / d, b / d)
                                               for d in compared.common_dirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="fingerprint pairs to build")
    args = parser.parse_args()
    from distributed import LocalCluster

    config = FingerprintsBuildConfig(count=args.count, seed=2018)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        reference = None
        for engine, workers in (("local", 1), ("local", 2), ("dask", 1), ("dask", 2)):
            out = root / f"{engine}-{workers}"
            local = None if engine == "local" else LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            try:
                with cluster.using(local.scheduler_address if local else None):
                    # warm-up, untimed: each worker imports the package and compiles its
                    # numba kernels once (a long job pays this once per worker)
                    build_fingerprints(root / f"warm-{engine}-{workers}",
                                       FingerprintsBuildConfig(count=2 * workers, seed=1),
                                       workers=workers)
                    start = time.perf_counter()
                    build_fingerprints(out, config, workers=workers)
                    built = time.perf_counter() - start
                    pred = out / "pred"
                    shutil.copytree(out / f"{SPLIT}_ground-truth", pred)
                    start = time.perf_counter()
                    result = score_fingerprints(out, pred, split=SPLIT, workers=workers)
                    scored = time.perf_counter() - start
            finally:
                if local is not None:
                    local.close()
            shutil.rmtree(pred)
            reference = reference or out
            same = same_tree(reference, out)
            rows.append((engine, workers, 60 * args.count / built,
                         60 * len(result.per_sample) / scored, same))
            print(f"{engine:5s} {workers} worker(s): build {60 * args.count / built:6.1f} "
                  f"pairs/min, score {60 * len(result.per_sample) / scored:7.1f} images/min"
                  f"{'' if same else '  DIFFERS from the local build'}", flush=True)
    by = {(e, w): (b, s) for e, w, b, s, _ in rows}
    for engine in ("local", "dask"):
        b1, s1 = by[(engine, 1)]
        b2, s2 = by[(engine, 2)]
        print(f"{engine}: 2 workers over 1: build ×{b2 / b1:.2f}, score ×{s2 / s1:.2f}")
    print(f"dask over local at 2 workers: build ×{by[('dask', 2)][0] / by[('local', 2)][0]:.2f}")


if __name__ == "__main__":
    main()
