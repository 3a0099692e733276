"""How ``caption-mask-fill`` thresholds its network: chosen on the validation build only.

The network's probability map gives two masks: ``detect()``'s (the caption, scored
by IoU) and the fill's (what the temporal fill replaces). This script runs the
shipped network on every clip of the validation build that training used (the
challenge split's *val* sources, seed 511: no held-out clip), and prints, for each
threshold and growth, the detection IoU per difficulty class and the fill's MSE,
PSNR (over the frames not returned exactly) and DSSIM — the figures that chose
``MASK_THRESHOLD``, ``FILL_THRESHOLD`` and ``MASK_GROWTH`` in
``inpaintbench/methods/captions/learned.py``.

Run (the validation build is made by ``inpaintbench train captions/caption-mask-fill``):

    python benchmarks/tune_caption_fill.py [--data runs/data-cap11/val]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np
from bench_methods_captions import clips

from inpaintbench.methods.captions.detect import detection_scores
from inpaintbench.methods.captions.fill import temporal_fill
from inpaintbench.methods.registry import create
from inpaintbench.scoring.metrics import frame_metrics
from inpaintbench.tracks import Track

THRESHOLDS = (0.3, 0.5, 0.7, 0.85, 0.95)
GROWTHS = (0, 1, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("runs/data-cap11/val"))
    args = parser.parse_args()
    method = create(Track.CAPTIONS, "caption-mask-fill")
    iou: dict[float, dict[str, list[float]]] = {}
    fill: dict[tuple[float, int], list[tuple[float, float, float]]] = {}
    for _, difficulty, frames, clean, truth in clips(args.data):
        logits = method._outputs(frames)[:, 0]
        for threshold in THRESHOLDS:
            found = logits > np.log(threshold / (1 - threshold))
            iou.setdefault(threshold, {}).setdefault(difficulty, []).append(
                detection_scores(found, truth)["iou"])
            for growth in GROWTHS:
                kernel = np.ones((2 * growth + 1,) * 2, np.uint8)
                mask = np.stack([cv2.dilate(m, kernel) for m in found.astype(np.uint8)])
                scores = frame_metrics(clean, temporal_fill(frames, mask.astype(bool)))
                psnr = scores["psnr"][np.isfinite(scores["psnr"])]
                fill.setdefault((threshold, growth), []).append(
                    (float(scores["mse"].mean()), float(psnr.mean()) if len(psnr) else np.nan,
                     float(scores["dssim"].mean())))
    print(f"validation clips: {sum(len(v) for v in iou[THRESHOLDS[0]].values())} ({args.data})")
    print("threshold  IoU easy/medium/hard")
    for threshold, by_class in iou.items():
        print(f"{threshold:9.2f}  " + " / ".join(f"{np.mean(v):.3f}" for v in by_class.values()))
    print("threshold growth      MSE    PSNR   DSSIM")
    for (threshold, growth), values in fill.items():
        mse, psnr, dssim = np.nanmean(np.array(values), axis=0)
        print(f"{threshold:9.2f} {growth:6d} {mse:8.5f} {psnr:7.2f} {dssim:7.4f}")


if __name__ == "__main__":
    main()
