"""Pixel metrics of the challenge: MSE, PSNR, SSIM and DSSIM, batched and exact.

Every function takes images as arrays: ``uint8`` values are read as ``value / 255``
(the challenge's normalisation), floating-point values are used as they are. A batch
is ``(N, H, W)`` or ``(N, H, W, C)``; a single image ``(H, W)`` or ``(H, W, C)``.

The SSIM follows scikit-image's :func:`skimage.metrics.structural_similarity`
exactly (Wang et al. 2004, as implemented there): local statistics under a Gaussian
(σ, truncated at 3.5 σ, ``mode='reflect'``) or uniform window, sample or population
covariance, the SSIM map averaged after cropping ``(win_size − 1) // 2`` pixels from
every border, and for colour images the mean over channels. Tests check it against
scikit-image to 1e-6; in practice it agrees to about 1e-14.

Example
-------
>>> import numpy as np
>>> a = np.zeros((16, 16), np.uint8); b = a.copy(); b[4:8, 4:8] = 255
>>> round(mse(a, b), 4), round(psnr(a, b), 2)
(0.0625, 12.04)
>>> ssim(a, a, CAPTIONS_SSIM)
1.0
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np

from inpaintbench.scoring._ssim_kernel import plane_stats

UINT8_MAX = 255.0  # the challenge divides 8-bit values by 255
PSNR_DATA_RANGE = 1.0  # every track scores on the [0, 1] scale, PSNR with data range 1

# SSIM constants of Wang et al. 2004, as scikit-image uses them.
K1 = 0.01
K2 = 0.03
GAUSSIAN_TRUNCATE = 3.5  # scikit-image truncates the Gaussian at 3.5 σ → 11 taps for σ = 1.5
SMALL_IMAGE_WIN_SIZE = 3  # the starting kit retried with a 3×3 window on too-small images


@dataclass(frozen=True)
class SSIMSettings:
    """How SSIM is computed; the challenge used two settings (see the constants below).

    Attributes
    ----------
    window : {"gaussian", "uniform"}
        Gaussian-weighted (σ = ``sigma``) or uniform (``win_size`` × ``win_size``) window.
    data_range : float
        ``L`` in the constants ``(K1 L)²`` and ``(K2 L)²``.
    sigma : float
        Gaussian σ (ignored for the uniform window).
    win_size : int or None
        Window side used for the covariance normalisation and the border crop.
        ``None``: 11 for σ = 1.5 (the Gaussian's support), 7 for uniform.
    sample_covariance : bool
        ``NP / (NP − 1)`` normalisation of (co)variances, scikit-image's default.
    small_image_fallback : bool
        When the image is smaller than the window, retry with a 3×3 window, as the
        captions starting kit did (with a Gaussian window the filter keeps its
        11 taps and reflects at the border, exactly as scikit-image does).
    """

    window: Literal["gaussian", "uniform"] = "gaussian"
    data_range: float = 1.0
    sigma: float = 1.5
    win_size: int | None = None
    sample_covariance: bool = True
    small_image_fallback: bool = True

    def __post_init__(self) -> None:
        if self.window not in ("gaussian", "uniform"):
            raise ValueError(f"window must be 'gaussian' or 'uniform', not {self.window!r}")
        if self.data_range <= 0:
            raise ValueError(f"data_range must be positive, got {self.data_range}")
        if self.sigma <= 0:
            raise ValueError(f"sigma must be positive, got {self.sigma}")
        if self.win_size is not None and (self.win_size < 1 or self.win_size % 2 == 0):
            raise ValueError(f"win_size must be a positive odd integer, got {self.win_size}")

    @property
    def filter_radius(self) -> int:
        """Half-width of the filter actually applied (scipy.ndimage's rule)."""
        if self.window == "gaussian":
            return int(GAUSSIAN_TRUNCATE * self.sigma + 0.5)
        return self.default_win_size // 2

    @property
    def default_win_size(self) -> int:
        if self.win_size is not None:
            return self.win_size
        return 2 * self.filter_radius + 1 if self.window == "gaussian" else 7

    def weights(self) -> np.ndarray:
        """The 1-D filter taps (the 2-D window is their outer product)."""
        if self.window == "uniform":
            size = self.default_win_size
            return np.full(size, 1.0 / size)
        radius = self.filter_radius
        x = np.arange(-radius, radius + 1, dtype=np.float64)
        taps = np.exp(-0.5 / self.sigma**2 * x * x)
        return taps / taps.sum()

    def describe(self) -> dict:
        """Settings as a JSON-able dict, stated in every score file."""
        return {**asdict(self), "win_size": self.default_win_size, "K1": K1, "K2": K2}


# Track 1 and 2 (captions starting kit's scorer, CHALLENGE.md "Track 2 — Scoring"):
# Gaussian σ 1.5 (11×11), sample covariance, data range 1, per channel then averaged.
CAPTIONS_SSIM = SSIMSettings(window="gaussian", sigma=1.5, data_range=1.0)
HUMANS_SSIM = CAPTIONS_SSIM
# Track 3 (scoring program as participants used it, CHALLENGE.md "Track 3 — Scoring"):
# scikit-image's 2018 defaults: 7×7 uniform window, sample covariance, and data range 2,
# the float default of the time (dtype range −1…1).
FINGERPRINT_SSIM = SSIMSettings(window="uniform", win_size=7, data_range=2.0,
                                small_image_fallback=False)
FINGERPRINT_SSIM_DR1 = SSIMSettings(window="uniform", win_size=7, data_range=1.0,
                                    small_image_fallback=False)


def _scale(a: np.ndarray) -> float:
    return UINT8_MAX if a.dtype == np.uint8 else 1.0


def _check_pair(a: np.ndarray, b: np.ndarray) -> None:
    if a.shape != b.shape:
        raise ValueError(f"images must have the same shape, got {a.shape} and {b.shape}")
    if a.dtype != b.dtype:
        raise ValueError(f"images must have the same dtype, got {a.dtype} and {b.dtype}")
    if a.dtype != np.uint8 and not np.issubdtype(a.dtype, np.floating):
        raise ValueError(f"images must be uint8 or floating point, got {a.dtype}")


def mse_batch(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mean squared error of each image of a batch ``(N, ...)``, on the [0, 1] scale."""
    a, b = np.asarray(a), np.asarray(b)
    _check_pair(a, b)
    n = a.shape[0]
    if a.dtype == np.uint8:
        # Exact in integers, then one division: equal to scikit-image on a/255, b/255.
        diff = a.reshape(n, -1).astype(np.int32) - b.reshape(n, -1).astype(np.int32)
        sq = np.einsum("ij,ij->i", diff, diff, dtype=np.int64)
        return sq / (diff.shape[1] * UINT8_MAX**2)
    diff = a.reshape(n, -1).astype(np.float64) - b.reshape(n, -1).astype(np.float64)
    return np.mean(diff * diff, axis=1)


def psnr_from_mse(err: np.ndarray | float, data_range: float = PSNR_DATA_RANGE) -> np.ndarray:
    """PSNR in dB, ``10 log10(L² / MSE)``; infinite where the MSE is 0 (as scikit-image)."""
    err = np.asarray(err, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(data_range**2 / err)


def mse(a: np.ndarray, b: np.ndarray) -> float:
    """Mean squared error of two images on the [0, 1] scale."""
    a, b = np.asarray(a), np.asarray(b)
    return float(mse_batch(a[None], b[None])[0])


def psnr(a: np.ndarray, b: np.ndarray, data_range: float = PSNR_DATA_RANGE) -> float:
    """Peak signal-to-noise ratio in dB with the given data range (the challenge: 1)."""
    return float(psnr_from_mse(mse(a, b), data_range))


def ssim_batch(a: np.ndarray, b: np.ndarray, settings: SSIMSettings = CAPTIONS_SSIM,
               *, channels: bool | None = None) -> np.ndarray:
    """SSIM of each image of a batch, averaged over colour channels.

    Parameters
    ----------
    a, b : ndarray, shape (N, H, W) or (N, H, W, C)
        uint8 (read as /255) or float images of the same shape and dtype.
    settings : SSIMSettings
        The window and constants; :data:`CAPTIONS_SSIM` by default.
    channels : bool, optional
        Whether the last axis holds colour channels; by default a 4-D batch has them.

    Returns
    -------
    ndarray of float64, shape (N,)

    Raises
    ------
    ValueError
        When an image is smaller than the window and no fallback applies.
    """
    return _ssim_and_mse(a, b, settings, channels)[0]


def frame_metrics(a: np.ndarray, b: np.ndarray,
                  settings: SSIMSettings = CAPTIONS_SSIM) -> dict[str, np.ndarray]:
    """Per-image MSE, PSNR (data range 1) and DSSIM of a batch, in one pass.

    This is the captions scorer's per-frame computation (and the humans scorer's
    per-block one). ``a`` and ``b`` are ``(N, H, W, C)`` or ``(N, H, W)``.
    """
    ssim_values, err = _ssim_and_mse(a, b, settings, None)
    return {"mse": err, "psnr": psnr_from_mse(err), "dssim": dssim_from_ssim(ssim_values)}


def _ssim_and_mse(a: np.ndarray, b: np.ndarray, settings: SSIMSettings,
                  channels: bool | None) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a), np.asarray(b)
    _check_pair(a, b)
    if channels is None:
        channels = a.ndim == 4
    if a.ndim != (4 if channels else 3):
        raise ValueError(f"expected a batch (N, H, W{', C' if channels else ''}), got {a.shape}")
    if not channels:
        a, b = a[..., None], b[..., None]
    height, width = a.shape[1:3]
    win_size = settings.default_win_size
    if min(height, width) < win_size:
        if not settings.small_image_fallback or min(height, width) < SMALL_IMAGE_WIN_SIZE:
            raise ValueError(f"image of {height}×{width} px is smaller than the "
                             f"{win_size}×{win_size} SSIM window")
        win_size = SMALL_IMAGE_WIN_SIZE
    radius = settings.filter_radius if settings.window == "gaussian" else win_size // 2
    crop = (win_size - 1) // 2
    extra = radius - crop  # the filter reaches past the cropped border: pad as scipy's 'reflect'
    padded_a, padded_b = a, b
    if extra > 0:
        spec = ((0, 0), (extra, extra), (extra, extra), (0, 0))
        padded_a, padded_b = np.pad(a, spec, mode="symmetric"), np.pad(b, spec, mode="symmetric")
    if settings.window == "uniform" and win_size != settings.default_win_size:
        weights = np.full(win_size, 1.0 / win_size)
    else:
        weights = settings.weights()
    n_points = win_size**2
    cov_norm = n_points / (n_points - 1) if settings.sample_covariance else 1.0
    c1 = (K1 * settings.data_range) ** 2
    c2 = (K2 * settings.data_range) ** 2
    ssim_means, sse = plane_stats(padded_a, padded_b, _scale(a), weights, c1, c2, cov_norm)
    # The kernel's sum of squares covers the padded plane: recompute the MSE when padded.
    err = sse.sum(axis=1) / (height * width * a.shape[3]) if extra <= 0 else mse_batch(a, b)
    return ssim_means.mean(axis=1), err


def ssim(a: np.ndarray, b: np.ndarray, settings: SSIMSettings = CAPTIONS_SSIM) -> float:
    """SSIM of two images ``(H, W)`` or ``(H, W, C)`` (colour: mean over channels)."""
    a, b = np.asarray(a), np.asarray(b)
    return float(ssim_batch(a[None], b[None], settings, channels=a.ndim == 3)[0])


def dssim_from_ssim(value: np.ndarray | float) -> np.ndarray | float:
    """Structural dissimilarity, ``(1 − SSIM) / 2``: 0 for identical images."""
    return (1.0 - value) / 2.0


def dssim(a: np.ndarray, b: np.ndarray, settings: SSIMSettings = CAPTIONS_SSIM) -> float:
    """Structural dissimilarity ``(1 − SSIM) / 2`` of two images."""
    return float(dssim_from_ssim(ssim(a, b, settings)))
