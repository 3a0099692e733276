"""The fused SSIM kernel: separable filtering of the five moment maps and the SSIM map mean.

Private: :func:`inpaintbench.scoring.metrics.ssim` is the public entry point.

One pass per plane computes the local means, variances and covariance with the
same separable window scikit-image uses, the SSIM map, and its mean over the
region the kernel covers, without materialising any full-size intermediate.
Planes run in parallel (numba ``prange``), so a 125-frame clip uses every core.
The arithmetic is float64 throughout, as in scikit-image.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True, nogil=True)
def ssim_plane_means(x, y, denom, weights, c1, c2, cov_norm, out):  # pragma: no cover - JIT
    """Mean SSIM of each plane pair over the fully covered ("valid") region.

    Parameters
    ----------
    x, y : ndarray, shape (N, H, W)
        Planes (uint8 or float), already padded where the caller needs padding.
        Values are divided by ``denom`` before use (255 for uint8 frames).
    denom : float
        Divisor that maps stored values to the metric's scale.
    weights : ndarray of float64, shape (K,)
        1-D window; the 2-D window is its outer product (Gaussian or box).
    c1, c2 : float
        Stabilising constants ``(K1·L)²`` and ``(K2·L)²``.
    cov_norm : float
        ``NP / (NP − 1)`` for the sample covariance, 1 for the population one.
    out : ndarray of float64, shape (N,)
        Receives the mean SSIM of each plane over the ``(H−K+1, W−K+1)`` region.
    """
    n_planes, height, width = x.shape
    k = weights.shape[0]
    out_h = height - k + 1
    out_w = width - k + 1
    for n in prange(n_planes):
        rows = np.empty((5, width))
        horiz = np.zeros((5, height, out_w))
        for i in range(height):
            for j in range(width):
                a = x[n, i, j] / denom
                b = y[n, i, j] / denom
                rows[0, j] = a
                rows[1, j] = b
                rows[2, j] = a * a
                rows[3, j] = b * b
                rows[4, j] = a * b
            for m in range(5):
                for t in range(k):
                    wt = weights[t]
                    for j in range(out_w):
                        horiz[m, i, j] += wt * rows[m, j + t]
        vert = np.empty((5, out_w))
        total = 0.0
        for i in range(out_h):
            vert[:] = 0.0
            for m in range(5):
                for t in range(k):
                    wt = weights[t]
                    for j in range(out_w):
                        vert[m, j] += wt * horiz[m, i + t, j]
            for j in range(out_w):
                ux = vert[0, j]
                uy = vert[1, j]
                vx = cov_norm * (vert[2, j] - ux * ux)
                vy = cov_norm * (vert[3, j] - uy * uy)
                vxy = cov_norm * (vert[4, j] - ux * uy)
                num = (2.0 * ux * uy + c1) * (2.0 * vxy + c2)
                den = (ux * ux + uy * uy + c1) * (vx + vy + c2)
                total += num / den
        out[n] = total / (out_h * out_w)


def plane_means(x: np.ndarray, y: np.ndarray, denom: float, weights: np.ndarray,
                c1: float, c2: float, cov_norm: float) -> np.ndarray:
    """Call the kernel on C-contiguous planes and return the per-plane means."""
    out = np.empty(x.shape[0], dtype=np.float64)
    ssim_plane_means(np.ascontiguousarray(x), np.ascontiguousarray(y), float(denom),
                     np.ascontiguousarray(weights, dtype=np.float64), float(c1), float(c2),
                     float(cov_norm), out)
    return out
