"""Captions scoring speed: our scorer against the per-frame scikit-image loop.

The reference is how the 2018 starting kit scored: decode both clips, then for every
frame scikit-image's MSE, PSNR and Gaussian SSIM. Both sides decode with the same
reader, so the ratio measures the scoring, decoding included. Run:

    python benchmarks/bench_scoring_captions.py [--clips 8]

It prints seconds per clip for both, the ratio, the largest difference between
their per-clip figures (they must agree to 1e-6), and the peak memory of ours.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
from skimage import data

from inpaintbench.io.media import read_video, write_video
from inpaintbench.scoring import reference
from inpaintbench.scoring.captions import score_captions
from inpaintbench.tracks import CLIP_FRAMES, CLIP_SIZE


def make_clips(root: Path, count: int) -> None:
    """Clips of a camera panning over real photographs, and the same with a caption box."""
    photos = [data.astronaut(), data.coffee(), data.chelsea(), data.rocket()]
    rng = np.random.default_rng(0)
    for index in range(count):
        photo = photos[index % len(photos)]
        h, w = photo.shape[:2]
        r0, c0 = rng.integers(0, h - CLIP_SIZE), rng.integers(0, w - CLIP_SIZE)
        r1, c1 = rng.integers(0, h - CLIP_SIZE), rng.integers(0, w - CLIP_SIZE)
        t = np.linspace(0, 1, CLIP_FRAMES)
        clean = np.stack([photo[int(r0 + s * (r1 - r0)):][:CLIP_SIZE, int(c0 + s * (c1 - c0)):]
                          [:, :CLIP_SIZE] for s in t])
        captioned = clean.copy()
        captioned[:, 200:236, 30:226] = captioned[:, 200:236, 30:226] // 3  # a semi-opaque box
        write_video(root / "ref" / "Y" / f"clip{index:03d}.mp4", clean)
        write_video(root / "pred" / f"clip{index:03d}.mp4", captioned)


def reference_scores(root: Path) -> dict[str, dict[str, float]]:
    out = {}
    for path in sorted((root / "ref" / "Y").glob("*.mp4")):
        y = read_video(path, CLIP_FRAMES)
        p = read_video(root / "pred" / path.name, CLIP_FRAMES)
        out[path.stem] = {k: float(np.mean(v)) for k, v in reference.frame_scores(y, p).items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_clips(root, args.clips)
        score_captions(root / "ref", root / "pred")  # warm-up: JIT compile / load the cache
        start = time.perf_counter()
        ours = score_captions(root / "ref", root / "pred")
        ours_s = (time.perf_counter() - start) / args.clips
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        ref = reference_scores(root)
        ref_s = (time.perf_counter() - start) / args.clips
    diff = max(abs(s[m] - ref[s["name"]][m])
               for s in ours.per_sample for m in ("mse", "psnr", "dssim"))
    print(f"clips: {args.clips} of {CLIP_FRAMES} frames {CLIP_SIZE}x{CLIP_SIZE}, H.264")
    print(f"scikit-image per-frame loop: {ref_s:.3f} s/clip")
    print(f"inpaintbench score:          {ours_s:.3f} s/clip  (peak RSS {peak_mib:.0f} MiB)")
    print(f"speed-up: {ref_s / ours_s:.1f}x   largest per-clip difference: {diff:.2e}")


if __name__ == "__main__":
    main()
