"""Track 3 methods: seconds per image and the challenge's MSE, PSNR and SSIM, ranked.

The test set is a set built by ``inpaintbench data fingerprints build`` (``--data``),
or, without one, a small set this script builds the same way in a temporary
folder. Every registered fingerprints method restores every input
(``<split>_input/<name>.jpg``); its output is scored against
``<split>_ground-truth/<name>.png`` by the scorer's own
:func:`~inpaintbench.scoring.fingerprints.image_scores`. Run:

    python benchmarks/bench_methods_fingerprints.py [--data DIR] [--images 200]
        [--methods identity gabor-enhance] [--threads 2] [--fit-tone]

It prints, per method, the mean and largest seconds per image (``--threads`` threads
for OpenCV and torch, after a warm-up image) and MSE, PSNR and SSIM (data range 2, as
the challenge; and data range 1), ranked by the mean of the three ranks as the
challenge ranked; then the book's Table 11 (the challenge's test results) beside it;
then every method on the two real challenge inputs of the shared data, scored against
FPD-M-net's (3rd place) restorations of them — a pseudo-reference, the nearest thing
to their ground truth we have. The default set (seed 2018) is never trained on: the
shipped networks' configs build their data with seed 101.
``--fit-tone`` then grid-searches the toning curve of ``gabor-enhance`` on the set
and prints the best constants (how :mod:`inpaintbench.methods.fingerprints.gabor`'s were fitted).
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from scipy.stats import rankdata

from inpaintbench.data.fingerprints.build import (
    INPUT_SUFFIX,
    FingerprintsBuildConfig,
    build_fingerprints,
)
from inpaintbench.io.media import read_image_luma, read_image_rgb
from inpaintbench.methods.fingerprints.gabor import GaborEnhance
from inpaintbench.methods.registry import available, create
from inpaintbench.scoring.fingerprints import GROUND_TRUTH_SUFFIX, image_scores
from inpaintbench.scoring.metrics import mse_batch
from inpaintbench.tracks import Track

SEED = 2018
METRICS = (("mse", 1), ("psnr", -1), ("ssim", -1))  # sign: lower is better after it
TONE_GRID = {"slope": (3.0, 5.0, 8.0, 12.0), "offset": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
             "floor": (0.3, 0.6, 1.0), "edge_sigma": (6.0, 9.0, 12.0)}


def load_set(root: Path, limit: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(name, input RGB, ground truth grey)`` of every pair of a built set."""
    pairs = []
    for input_dir in sorted(root.glob(f"*{INPUT_SUFFIX}")):
        truth_dir = root / (input_dir.name.removesuffix(INPUT_SUFFIX) + GROUND_TRUTH_SUFFIX)
        for path in sorted(input_dir.glob("*.jpg")):
            truth = truth_dir / f"{path.stem}.png"
            if truth.is_file():
                pairs.append((path.stem, read_image_rgb(path), read_image_luma(truth)))
    return pairs[:limit]


def run_method(name: str, pairs) -> dict:
    """Seconds per image and the mean scores of one method over the set."""
    method = create(Track.FINGERPRINTS, name)
    method.restore(pairs[0][1])  # warm-up: caches, lazy imports
    seconds, scores = [], []
    for _, image, truth in pairs:
        start = time.perf_counter()
        out = method.restore(image)
        seconds.append(time.perf_counter() - start)
        scores.append(image_scores(truth, out))
    return {"seconds": float(np.mean(seconds)), "slowest": float(np.max(seconds)),
            **{m: float(np.mean([s[m] for s in scores]))
               for m in ("mse", "psnr", "ssim", "ssim_dr1")}}


def fit_tone(pairs) -> None:
    """Grid-search ``gabor-enhance``'s toning curve for the least mean MSE on ``pairs``."""
    method = GaborEnhance()
    enhanced = [method.enhance(image) for _, image, _ in pairs]
    truths = [truth for _, _, truth in pairs]
    results = []
    for values in itertools.product(*TONE_GRID.values()):
        tone = GaborEnhance(**dict(zip(TONE_GRID, values, strict=True)))
        outs = [tone.tone(response, mask) for response, mask in enhanced]
        # the scorer's MSE (image_scores' own), without its SSIM for every candidate
        mse = np.mean([mse_batch(t[None], o[None])[0] for t, o in zip(truths, outs, strict=True)])
        results.append((float(mse), values))
    results.sort()
    print(f"\ngabor-enhance toning, best of {len(results)} on this set (mean MSE):")
    for mse, values in results[:5]:
        settings = ", ".join(f"{k}={v}" for k, v in zip(TONE_GRID, values, strict=True))
        print(f"  {mse:.4f}  {settings}")
    current = GaborEnhance()
    now = (current.slope, current.offset, current.floor, current.edge_sigma)
    settings = ", ".join(f"{k}={v}" for k, v in zip(TONE_GRID, now, strict=True))
    print(f"  current constants: {settings}")


CHALLENGE_SAMPLES = "fingerprint/challenge"  # in ../shared/data/real: input/, fpd-m-net/


def print_book_table() -> None:
    """The challenge's own track-3 test results (book Table 11), for comparison."""
    from inpaintbench.scoring.leaderboard import load_book_table

    table = load_book_table("track3_test_table11")
    print(f"\n{table.source} (their data; set beside ours with care):")
    for entry in table.entries:
        v = entry.values
        print(f"  {entry.name:<20} MSE {v['mse']:.4f}  PSNR {v['psnr']:6.2f}  SSIM {v['ssim']:.4f}")


def challenge_pairs() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """The real challenge inputs with FPD-M-net's restorations as their pseudo-reference."""
    from inpaintbench.data.captions.defaults import shared_dir

    root = shared_dir() / "data" / "real" / CHALLENGE_SAMPLES
    pairs = []
    for path in sorted((root / "input").glob("*.jpg")):
        restored = root / "fpd-m-net" / path.name
        if restored.is_file():
            pairs.append((path.stem, read_image_rgb(path), read_image_luma(restored)))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="a built set (default: build one here)")
    parser.add_argument("--images", type=int, default=200, help="at most this many pairs")
    parser.add_argument("--threads", type=int, default=2, help="OpenCV and torch threads")
    parser.add_argument("--methods", nargs="*", help="default: every fingerprints method")
    parser.add_argument("--fit-tone", action="store_true",
                        help="also fit gabor-enhance's toning curve on the set")
    args = parser.parse_args()
    cv2.setNumThreads(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.data
        if root is None:
            root = Path(tmp)
            print(f"building {args.images} pairs (seed {SEED}) …")
            build_fingerprints(root, FingerprintsBuildConfig(count=args.images, seed=SEED),
                               workers=1)
        pairs = load_set(root, args.images)
    if not pairs:
        raise SystemExit(f"{root}: no <split>{INPUT_SUFFIX}/<name>.jpg with a ground truth")
    print(f"{len(pairs)} pairs from {root}")
    names = args.methods or [info.name for info in available(Track.FINGERPRINTS)]
    results = {name: run_method(name, pairs) for name in names}
    ranks = np.mean([rankdata([results[n][m] * sign for n in names]) for m, sign in METRICS],
                    axis=0)
    header = (f"{'method':<22} {'s/image':>8} {'slowest':>8} {'MSE':>7} {'PSNR':>6} "
              f"{'SSIM':>6} {'SSIM dr1':>8} {'rank':>5}")
    print("\n" + header)
    for rank, name in sorted(zip(ranks, names, strict=True)):
        r = results[name]
        line = (f"{name:<22} {r['seconds']:8.3f} {r['slowest']:8.3f} {r['mse']:7.4f} "
                f"{r['psnr']:6.2f} {r['ssim']:6.4f} {r['ssim_dr1']:8.4f} {rank:5.2f}")
        print(line)
    print_book_table()
    real = challenge_pairs()
    if real:
        print(f"\nthe {len(real)} real challenge inputs against FPD-M-net's restorations "
              "(a pseudo-reference):")
        for name in names:
            r = run_method(name, real)
            print(f"  {name:<22} MSE {r['mse']:.4f}  PSNR {r['psnr']:6.2f}  SSIM {r['ssim']:.4f}")
    if args.fit_tone:
        fit_tone(pairs)


if __name__ == "__main__":
    main()
