"""Captions set building speed: clips built per minute, on one core and on all.

Builds the same set twice from the built-in offline sources (the shared videos,
Debian's opencv-doc videos when installed, moving-camera clips from photos):
once with one process — the reference — and once with every core. Run:

    python benchmarks/bench_build_captions.py [--photos 12] [--max-clips 4] [--lossless]

It prints clips per minute for both, the speed-up, and the clips by source kind.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from inpaintbench.data.captions.build import CaptionsBuildConfig, build_captions
from inpaintbench.data.captions.defaults import default_sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=12, help="photographs used (2 clips each)")
    parser.add_argument("--max-clips", type=int, default=4, help="clips per video at most")
    parser.add_argument("--lossless", action="store_true")
    args = parser.parse_args()
    found = default_sources()
    videos = [s for s in found if s.kind == "video"]
    photos = [s for s in found if s.kind == "photo"][:args.photos]
    config = CaptionsBuildConfig(seed=0, lossless=args.lossless,
                                 max_clips_per_video=args.max_clips)
    results = {}
    for workers in (1, os.cpu_count() or 1):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            summary = build_captions(videos + photos, Path(tmp) / "set", config,
                                     workers=workers)
            seconds = time.perf_counter() - start
        clips = sum(summary.clips.values())
        results[workers] = clips / seconds * 60
        print(f"workers {workers}: {clips} clips in {seconds:.1f} s = "
              f"{results[workers]:.1f} clips/min")
    print(f"sources: {len(videos)} videos (≤ {args.max_clips} clips each), {len(photos)} photos "
          f"(2 motion clips each); lossless={args.lossless}")
    cores = max(results)
    print(f"speed-up on {cores} cores over one process: {results[cores] / results[1]:.2f}x")


if __name__ == "__main__":
    main()
