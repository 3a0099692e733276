"""The fused SSIM kernel: separable filtering of the five moment maps and the SSIM map mean.

Private: :func:`inpaintbench.scoring.metrics.ssim_batch` is the public entry point.

One pass per (image, channel) plane computes the local means, variances and
covariance with the same separable window scikit-image uses, the SSIM map, and
its mean over the region the window fully covers, plus the plane's sum of squared
differences (for the MSE) — without materialising any full-size intermediate: the
horizontally filtered rows live in a ring buffer of window-height rows, which
stays in the CPU cache. Planes run in parallel (numba ``prange``), so a 125-frame
clip uses every core. The arithmetic is float64 throughout, as in scikit-image.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

N_MOMENTS = 5  # E[x], E[y], E[x²], E[y²], E[xy]


# Reassociation lets LLVM vectorise the two running sums; results move by ~1e-16.
@njit(parallel=True, cache=True, nogil=True, fastmath={"reassoc", "contract", "nsz", "arcp"})
def _plane_stats(x, y, denom, weights, c1, c2, cov_norm, ssim_out, sse_out):  # pragma: no cover
    """Mean SSIM over the valid region, and sum of squared differences, of every plane.

    Parameters
    ----------
    x, y : ndarray, shape (N, H, W, C)
        Images (uint8 or float), already padded where the caller needs padding.
        Values are divided by ``denom`` before use (255 for uint8).
    denom : float
    weights : ndarray of float64, shape (K,)
        1-D window; the 2-D window is its outer product (Gaussian or box).
    c1, c2 : float
        Stabilising constants ``(K1·L)²`` and ``(K2·L)²``.
    cov_norm : float
        ``NP / (NP − 1)`` for the sample covariance, 1 for the population one.
    ssim_out, sse_out : ndarray of float64, shape (N, C)
        Receive the mean SSIM over the ``(H−K+1, W−K+1)`` region and the sum of
        squared differences over the whole plane (on the divided scale).
    """
    n_images, height, width, n_channels = x.shape
    k = weights.shape[0]
    out_h = height - k + 1
    out_w = width - k + 1
    for plane in prange(n_images * n_channels):
        n = plane // n_channels
        c = plane % n_channels
        row = np.empty((N_MOMENTS, width))
        ring = np.empty((N_MOMENTS, k, out_w))  # horizontally filtered rows, slot i % k
        vert = np.empty((N_MOMENTS, out_w))
        sse = 0.0
        total = 0.0
        for i in range(height):
            for j in range(width):
                a = x[n, i, j, c] / denom
                b = y[n, i, j, c] / denom
                d = a - b
                sse += d * d
                row[0, j] = a
                row[1, j] = b
                row[2, j] = a * a
                row[3, j] = b * b
                row[4, j] = a * b
            slot = i % k
            for m in range(N_MOMENTS):
                for j in range(out_w):
                    ring[m, slot, j] = weights[0] * row[m, j]
                for t in range(1, k):
                    wt = weights[t]
                    for j in range(out_w):
                        ring[m, slot, j] += wt * row[m, j + t]
            top = i - k + 1  # the output row whose window ends at input row i
            if top < 0:
                continue
            for m in range(N_MOMENTS):
                first = top % k
                for j in range(out_w):
                    vert[m, j] = weights[0] * ring[m, first, j]
                for t in range(1, k):
                    wt = weights[t]
                    src = (top + t) % k
                    for j in range(out_w):
                        vert[m, j] += wt * ring[m, src, j]
            for j in range(out_w):
                ux = vert[0, j]
                uy = vert[1, j]
                vx = cov_norm * (vert[2, j] - ux * ux)
                vy = cov_norm * (vert[3, j] - uy * uy)
                vxy = cov_norm * (vert[4, j] - ux * uy)
                num = (2.0 * ux * uy + c1) * (2.0 * vxy + c2)
                den = (ux * ux + uy * uy + c1) * (vx + vy + c2)
                total += num / den
        ssim_out[n, c] = total / (out_h * out_w)
        sse_out[n, c] = sse


def plane_stats(x: np.ndarray, y: np.ndarray, denom: float, weights: np.ndarray,
                c1: float, c2: float, cov_norm: float) -> tuple[np.ndarray, np.ndarray]:
    """Run the kernel on ``(N, H, W, C)`` arrays; return per-plane SSIM means and SSEs."""
    n, _, _, channels = x.shape
    ssim_out = np.empty((n, channels))
    sse_out = np.empty((n, channels))
    _plane_stats(np.ascontiguousarray(x), np.ascontiguousarray(y), float(denom),
                 np.ascontiguousarray(weights, dtype=np.float64), float(c1), float(c2),
                 float(cov_norm), ssim_out, sse_out)
    return ssim_out, sse_out
