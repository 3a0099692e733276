"""The challenge's metrics written the plain way: scikit-image, one frame or block at a time.

This is how the 2018 scoring programs computed them. It is slow and kept for two
uses only: tests check the fast scorer against it, and ``benchmarks/`` measures the
speed-up over it. It imports scikit-image, which the scorer itself does not need.
"""

from __future__ import annotations

import numpy as np
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio, structural_similarity

# The captions starting kit: Gaussian σ 1.5, sample covariance, data range 1.
GAUSSIAN_SSIM_ARGS = {"gaussian_weights": True, "sigma": 1.5, "use_sample_covariance": True,
                      "data_range": 1.0}
SMALL_WIN_SIZE = 3  # retried when a frame or block is under 11 px


def gaussian_ssim(a: np.ndarray, b: np.ndarray) -> float:
    """scikit-image's SSIM of two float RGB images, with the starting kit's fallback."""
    try:
        return float(structural_similarity(a, b, channel_axis=-1, **GAUSSIAN_SSIM_ARGS))
    except ValueError:
        return float(structural_similarity(a, b, channel_axis=-1, win_size=SMALL_WIN_SIZE,
                                           **GAUSSIAN_SSIM_ARGS))


def frame_scores(reference: np.ndarray, prediction: np.ndarray) -> dict[str, np.ndarray]:
    """Per-frame MSE, PSNR, DSSIM of two ``uint8 (T, H, W, 3)`` clips, frame by frame."""
    out: dict[str, list[float]] = {"mse": [], "psnr": [], "dssim": []}
    for ref, pred in zip(reference, prediction, strict=True):
        a, b = ref / 255.0, pred / 255.0
        out["mse"].append(mean_squared_error(a, b))
        with np.errstate(divide="ignore"):
            out["psnr"].append(peak_signal_noise_ratio(a, b, data_range=1.0))
        out["dssim"].append((1.0 - gaussian_ssim(a, b)) / 2.0)
    return {k: np.asarray(v) for k, v in out.items()}


def block_scores(reference: np.ndarray, prediction: np.ndarray,
                 blocks: list[tuple[int, int, int]]) -> dict[str, float]:
    """Track 1: per-block MSE, PSNR, DSSIM averaged over the blocks of one image."""
    per_block = [frame_scores(reference[r:r + s, c:c + s][None], prediction[r:r + s, c:c + s][None])
                 for r, c, s in blocks]
    return {m: float(np.mean([b[m][0] for b in per_block])) for m in ("mse", "psnr", "dssim")}


def fingerprint_scores(reference: np.ndarray, prediction: np.ndarray) -> dict[str, float]:
    """Track 3 on two ``uint8 (H, W)`` luma images: scikit-image with its 2018 defaults."""
    a, b = reference / 255.0, prediction / 255.0
    err = mean_squared_error(a, b)
    with np.errstate(divide="ignore"):
        psnr = peak_signal_noise_ratio(a, b, data_range=1.0)
    return {
        "mse": float(err),
        "psnr": float(psnr),
        "ssim": float(structural_similarity(a, b, win_size=7, data_range=2.0)),
        "ssim_dr1": float(structural_similarity(a, b, win_size=7, data_range=1.0)),
    }
