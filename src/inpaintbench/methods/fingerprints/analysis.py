"""What a fingerprint enhancer measures first: normalised contrast, orientation, period, print area.

Pure functions on greyscale ``float32 (H, W)`` images in ``[0, 1]`` (dark ridges on a
lighter ground), the analysis stage of Hong, Wan and Jain's contextual enhancement
[1]_, vectorised:

- :func:`ridge_contrast` — local normalisation to zero mean and unit variance, sign
  turned so ridges are positive (the paper's normalisation, made local so uneven
  brightness and fading do not matter);
- :func:`orientation_field` — ridge orientation and its coherence from the averaged
  gradient structure tensor (Kass and Witkin 1987; Bazen and Gerez 2002 [2]_);
- :func:`ridge_blocks` — per block, the inter-ridge distance from the spectrum of its
  *x-signature* (the grey levels of an oriented window averaged along the ridges
  [1]_) and how periodic that signature is;
- :func:`ridge_period` — those periods filled, smoothed and interpolated to every pixel;
- :func:`segment_print` — the print's area: where the signatures are periodic,
  cleaned by morphology and closed by its convex hull (a fingertip is convex).

Angles are in image coordinates: ``x`` is the column, ``y`` the row (pointing down),
an angle runs from ``+x`` towards ``+y``, and an orientation is the direction *along*
the ridges, in ``[0, π)`` — the convention of :mod:`inpaintbench.data.fingerprints`.

References
----------
.. [1] L. Hong, Y. Wan and A. K. Jain, "Fingerprint image enhancement: algorithm and
   performance evaluation", IEEE TPAMI 20(8), 1998.
.. [2] A. M. Bazen and S. H. Gerez, "Systematic methods for the computation of the
   directional fields and singular points of fingerprints", IEEE TPAMI 24(7), 2002.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image
from scipy import ndimage

# Ridge periods at 500 dpi (Hong et al. [1] §2.4 bound the frequency by 1/3 and 1/25;
# the prints of the challenge, like most, lie between 5 and 15 px).
PERIOD_BAND = (5.0, 15.0)  # px
DEFAULT_PERIOD = 9.0  # px: the typical inter-ridge distance at 500 dpi (≈ 0.46 mm)

NORMALISE_SIGMA = 8.0  # px: window of the local mean and variance, about one period
CONTRAST_CLIP = 1.5  # normalised values beyond ± this are outliers (a sinusoid peaks at √2)
BAND_LOW_SIGMA = 1.0  # px: the band-pass keeps structure between these two scales,
BAND_HIGH_SIGMA = 4.0  # … i.e. periods of about 5 to 25 px
GRADIENT_SIGMA = 1.0  # px: derivative-of-Gaussian scale, well under a period
TENSOR_SIGMA = 7.0  # px: averaging window of the structure tensor (Kovesi's block σ)
ORIENT_SMOOTH_SIGMA = 5.0  # px: smoothing of the doubled-angle field (Hong et al. §2.3)

BLOCK_STEP = 8  # px between block centres: overlapping blocks, half Hong et al.'s 16
WINDOW_ACROSS = 32  # px: the oriented window's length across the ridges (Hong et al.: 32)
WINDOW_ALONG = 16  # px: … and along them, averaged into the x-signature (Hong et al.: 16)
SPECTRUM_SIZE = 256  # zero-padded FFT of a signature: period resolution well under 1 px
PEAK_SHARE = 0.5  # a signature is periodic when a sinusoid explains this share of it
PERIOD_FILL_SIGMA = 2.0  # blocks: normalised-convolution fill and smoothing of the periods
SUPPORT_MIN = 1e-3  # … below this much support a block takes the print's median period

SEGMENT_SMOOTH = 1.0  # blocks: smoothing of the periodicity before thresholding
SEGMENT_LEVEL = 0.65  # print where a sinusoid explains this share of the signatures
SEGMENT_OPEN = 6  # px: opening radius, drops specks of the ground that look periodic

EPS = 1e-6
REMAP_WIDTH = 1024  # samples per row of the maps handed to cv2.remap


def blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of standard deviation ``sigma`` px, ``float32`` (OpenCV, mirrored border)."""
    return cv2.GaussianBlur(np.asarray(image, np.float32), (0, 0), sigma,
                            borderType=cv2.BORDER_REFLECT)


def luma(image: np.ndarray) -> np.ndarray:
    """Greyscale of an RGB image as PIL's ``convert('L')`` computes it — the scorer's grey.

    Parameters
    ----------
    image : uint8 (H, W, 3)

    Returns
    -------
    uint8 (H, W)
        ``L = R·299/1000 + G·587/1000 + B·114/1000``, rounded.

    >>> int(luma(np.full((2, 2, 3), (255, 0, 0), np.uint8))[0, 0])
    76
    """
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected a uint8 (H, W, 3) RGB image, got {image.dtype} "
                         f"{image.shape}")
    return np.asarray(Image.fromarray(image, "RGB").convert("L"))


def ridge_contrast(grey: np.ndarray, sigma: float = NORMALISE_SIGMA,
                   clip: float = CONTRAST_CLIP) -> np.ndarray:
    """Local normalisation, ridge-positive: ``(μ_σ − I) / s_σ``, clipped to ``±clip``.

    ``μ_σ`` and ``s_σ`` are the Gaussian-weighted local mean and standard deviation,
    so every region of the print gets zero mean and unit variance whatever its
    brightness and contrast (Hong et al.'s normalisation, done locally). Ridges so
    normalised swing to about ±√2; brighter or darker outliers — a light
    scratch, a speck, the rim of an occlusion — are clipped so they weigh no more
    than a valley or a ridge in the filtering that follows.

    Returns
    -------
    float32 (H, W)
        Positive on (dark) ridges, negative in valleys, within ``±clip``.
    """
    grey = np.asarray(grey, np.float32)
    deviation = grey - blur(grey, sigma)
    spread = np.sqrt(blur(deviation * deviation, sigma))
    return np.clip(-deviation / (spread + EPS), -clip, clip)


def band_pass(grey: np.ndarray, low: float = BAND_LOW_SIGMA,
              high: float = BAND_HIGH_SIGMA) -> np.ndarray:
    """Difference of Gaussians keeping the ridge band, ridge-positive, ``float32 (H, W)``."""
    grey = np.asarray(grey, np.float32)
    return blur(grey, high) - blur(grey, low)


def _tensor(image: np.ndarray, gradient_sigma: float, tensor_sigma: float
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    gx = ndimage.gaussian_filter(image, gradient_sigma, order=(0, 1))
    gy = ndimage.gaussian_filter(image, gradient_sigma, order=(1, 0))
    return blur(gx * gx, tensor_sigma), blur(gy * gy, tensor_sigma), blur(gx * gy, tensor_sigma)


def orientation_field(image: np.ndarray, *, gradient_sigma: float = GRADIENT_SIGMA,
                      tensor_sigma: float = TENSOR_SIGMA,
                      smooth_sigma: float = ORIENT_SMOOTH_SIGMA
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Ridge orientation and coherence from the averaged squared gradient [2]_.

    With ``J`` the gradient's outer product averaged over a Gaussian window,

    .. math:: \\theta = \\tfrac12 \\operatorname{atan2}(2 J_{xy}, J_{xx} - J_{yy})
              + \\tfrac\\pi2, \\qquad
              c = \\frac{\\sqrt{(J_{xx} - J_{yy})^2 + 4 J_{xy}^2}}{J_{xx} + J_{yy}}.

    The doubled-angle field ``c·(cos 2θ, sin 2θ)`` is then smoothed once more, so
    confident regions carry the orientation across noisy ones (Hong et al. §2.3).

    Parameters
    ----------
    image : (H, W) array
        Any ridge image: grey, band-passed or normalised.

    Returns
    -------
    theta : float32 (H, W)
        Orientation along the ridges, radians in ``[0, π)``.
    coherence : float32 (H, W)
        In ``[0, 1]``: 1 for perfectly parallel ridges, 0 for isotropic texture.

    >>> y, x = np.mgrid[0:64, 0:64]
    >>> theta, _ = orientation_field(np.cos(2 * np.pi * x / 8))  # vertical ridges
    >>> round(float(np.degrees(theta[32, 32])))
    90
    """
    jxx, jyy, jxy = _tensor(np.asarray(image, np.float32), gradient_sigma, tensor_sigma)
    c2, s2 = jxx - jyy, 2 * jxy
    strength = np.hypot(c2, s2)
    coherence = strength / (jxx + jyy + EPS)
    # unit doubled-angle vectors weighted by coherence, then smoothed
    weight = coherence / (strength + EPS)
    c2 = blur(c2 * weight, smooth_sigma)
    s2 = blur(s2 * weight, smooth_sigma)
    theta = np.mod(0.5 * np.arctan2(s2, c2) + np.pi / 2, np.pi)
    return theta.astype(np.float32), coherence.astype(np.float32)


def sample(image: np.ndarray, rows: np.ndarray, cols: np.ndarray, *,
           border: int = cv2.BORDER_REFLECT) -> np.ndarray:
    """Bilinear samples of ``image`` at (``rows``, ``cols``) (broadcast together), ``float32``."""
    rows, cols = np.broadcast_arrays(rows, cols)
    shape, count = rows.shape, rows.size
    if count == 0:
        return np.zeros(shape, np.float32)
    pad = -count % REMAP_WIDTH  # OpenCV's remap takes maps under 32767 px a side

    def layout(values):
        return np.pad(values.astype(np.float32).ravel(), (0, pad)).reshape(-1, REMAP_WIDTH)

    out = cv2.remap(np.asarray(image, np.float32), layout(cols), layout(rows),
                    cv2.INTER_LINEAR, borderMode=border)
    return out.ravel()[:count].reshape(shape)


def signature_periods(image: np.ndarray, theta: np.ndarray, centres: np.ndarray, *,
                      band: tuple[float, float] = PERIOD_BAND
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Period and periodicity of the x-signatures at ``centres`` (Hong et al. §2.4).

    The window at each centre, ``WINDOW_ACROSS`` px across the ridges by
    ``WINDOW_ALONG`` px along them, is sampled (bilinear), averaged along the ridges
    into a 1-D signature, and the period is read from the peak of the signature's
    zero-padded power spectrum inside ``band`` (refined by a parabola through the
    peak bin and its neighbours).

    Parameters
    ----------
    image : float (H, W)
        Ridge image, ideally band-passed.
    theta : float (H, W)
        Ridge orientation (:func:`orientation_field`).
    centres : float (N, 2)
        ``(row, col)`` of each window.

    Returns
    -------
    period : float32 (N,)
        px, inside ``band``.
    share : float32 (N,)
        In ``[0, 1]``, how periodic the signature is: the share of its variance that
        the best-fitting sinusoid of that period explains.
    """
    centres = np.asarray(centres, np.float32)
    rows = np.clip(np.round(centres[:, 0]).astype(int), 0, theta.shape[0] - 1)
    cols = np.clip(np.round(centres[:, 1]).astype(int), 0, theta.shape[1] - 1)
    angle = theta[rows, cols][:, None, None]
    s = np.arange(WINDOW_ACROSS, dtype=np.float32) - (WINDOW_ACROSS - 1) / 2
    t = np.arange(WINDOW_ALONG, dtype=np.float32) - (WINDOW_ALONG - 1) / 2
    s, t = s[None, :, None], t[None, None, :]
    # along the ridges (cos θ, sin θ) in (x, y); across them (−sin θ, cos θ)
    x = centres[:, 1, None, None] + t * np.cos(angle) - s * np.sin(angle)
    y = centres[:, 0, None, None] + t * np.sin(angle) + s * np.cos(angle)
    signature = sample(image, y, x).mean(axis=2)  # (N, WINDOW_ACROSS)
    signature -= signature.mean(axis=1, keepdims=True)
    tapered = signature * np.hanning(WINDOW_ACROSS).astype(np.float32)
    power = np.abs(np.fft.rfft(tapered, SPECTRUM_SIZE, axis=1)) ** 2
    freqs = np.fft.rfftfreq(SPECTRUM_SIZE)
    in_band = np.flatnonzero((freqs >= 1 / band[1]) & (freqs <= 1 / band[0]))
    peak = in_band[np.argmax(power[:, in_band], axis=1)]
    left, centre, right = (power[np.arange(len(peak)), peak + d] for d in (-1, 0, 1))
    curvature = left - 2 * centre + right  # < 0 at a peak
    safe = np.where(curvature < -EPS, curvature, -1.0)
    shift = np.where(curvature < -EPS, np.clip(0.5 * (left - right) / safe, -0.5, 0.5), 0.0)
    period = np.clip(SPECTRUM_SIZE / (peak + shift), *band)
    # periodicity: the variance a least-squares sinusoid of that period explains
    phase = 2 * np.pi * s[0, :, 0][None, :] / period[:, None]
    cos, sin = np.cos(phase), np.sin(phase)
    cc, ss, cs = (cos * cos).sum(1), (sin * sin).sum(1), (cos * sin).sum(1)
    a, b = (cos * signature).sum(1), (sin * signature).sum(1)
    explained = (ss * a * a - 2 * cs * a * b + cc * b * b) / np.maximum(cc * ss - cs * cs, EPS)
    share = explained / np.maximum((signature * signature).sum(1), EPS)
    return period.astype(np.float32), np.clip(share, 0, 1).astype(np.float32)


@dataclass(frozen=True)
class RidgeBlocks:
    """Period and periodicity of the x-signatures on a grid of blocks.

    Attributes
    ----------
    step : int
        px between block centres; the first centre is at ``(step // 2, step // 2)``.
    period : float32 (R, C)
        px (:func:`signature_periods`).
    share : float32 (R, C)
        How periodic each block's signature is, in ``[0, 1]``.
    """

    step: int
    period: np.ndarray
    share: np.ndarray

    def dense(self, values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
        """A block map (R, C) interpolated bilinearly to every pixel, ``float32 shape``."""
        rows = (np.arange(shape[0], dtype=np.float32) - self.step // 2) / self.step
        cols = (np.arange(shape[1], dtype=np.float32) - self.step // 2) / self.step
        grid_r, grid_c = np.meshgrid(rows, cols, indexing="ij")
        return sample(values, grid_r, grid_c, border=cv2.BORDER_REPLICATE)


def ridge_blocks(image: np.ndarray, theta: np.ndarray, step: int = BLOCK_STEP, *,
                 band: tuple[float, float] = PERIOD_BAND) -> RidgeBlocks:
    """:func:`signature_periods` on a grid of blocks ``step`` px apart.

    Parameters
    ----------
    image : float (H, W)
        Ridge image, ideally band-passed (:func:`band_pass`).
    theta : float (H, W)
        Ridge orientation (:func:`orientation_field`).
    """
    rows = np.arange(step // 2, theta.shape[0], step, dtype=np.float32)
    cols = np.arange(step // 2, theta.shape[1], step, dtype=np.float32)
    grid_r, grid_c = np.meshgrid(rows, cols, indexing="ij")
    centres = np.stack([grid_r.ravel(), grid_c.ravel()], axis=1)
    period, share = signature_periods(image, theta, centres, band=band)
    return RidgeBlocks(step, period.reshape(grid_r.shape), share.reshape(grid_r.shape))


def ridge_period(blocks: RidgeBlocks, shape: tuple[int, int],
                 mask: np.ndarray | None = None) -> np.ndarray:
    """Ridge period per pixel: periodic blocks' periods, filled, smoothed and interpolated.

    Blocks whose signature is periodic (share ≥ :data:`PEAK_SHARE`) and whose centre
    lies in ``mask`` give a period; the others are filled by normalised convolution
    from their neighbours (Hong et al.'s Gaussian interpolation of invalid blocks),
    and the block map is interpolated bilinearly to every pixel.

    Parameters
    ----------
    blocks : RidgeBlocks
    shape : (H, W)
    mask : bool (H, W), optional
        The print's area; blocks outside do not vote.

    Returns
    -------
    float32 (H, W)
        px, inside :data:`PERIOD_BAND`; :data:`DEFAULT_PERIOD` everywhere when no block
        is periodic.

    >>> y, x = np.mgrid[0:96, 0:96]
    >>> image = np.cos(2 * np.pi * (x * np.cos(0.5) + y * np.sin(0.5)) / 11)
    >>> theta, _ = orientation_field(image)
    >>> period = ridge_period(ridge_blocks(image, theta), image.shape)
    >>> round(float(period[48, 48]), 1)
    11.0
    """
    weight = (blocks.share >= PEAK_SHARE).astype(np.float32)
    if mask is not None:
        r = np.minimum(np.arange(weight.shape[0]) * blocks.step + blocks.step // 2,
                       shape[0] - 1)
        c = np.minimum(np.arange(weight.shape[1]) * blocks.step + blocks.step // 2,
                       shape[1] - 1)
        weight *= mask[np.ix_(r, c)]
    if weight.sum() == 0:
        return np.full(shape, DEFAULT_PERIOD, np.float32)
    votes = ndimage.gaussian_filter(weight * blocks.period, PERIOD_FILL_SIGMA, mode="nearest")
    support = ndimage.gaussian_filter(weight, PERIOD_FILL_SIGMA, mode="nearest")
    median = float(np.median(blocks.period[weight > 0]))
    filled = np.where(support > SUPPORT_MIN, votes / np.maximum(support, SUPPORT_MIN), median)
    return np.clip(blocks.dense(filled, shape), *PERIOD_BAND).astype(np.float32)


def segment_print(blocks: RidgeBlocks, shape: tuple[int, int], *,
                  level: float = SEGMENT_LEVEL) -> np.ndarray:
    """The print's area: where the ridges are periodic, cleaned, its largest part's hull.

    A print's x-signatures are close to sinusoids; those of flat, grainy or cracked
    grounds and of lone scratches are not. The blocks' periodicity, smoothed over
    their neighbours, is thresholded at ``level``, opened (drops specks of the
    ground that happen to look periodic), and the convex hull of the largest
    connected part is returned: a fingertip is convex, and the hull also covers
    faded or occluded parts of the print, whose ground truth still holds ridges.

    Parameters
    ----------
    blocks : RidgeBlocks
        Of the band-passed image (:func:`ridge_blocks`).
    shape : (H, W)

    Returns
    -------
    bool (H, W)
        True on the print; all False when nothing looks like a print.
    """
    if blocks.share.size == 0:  # an image smaller than a block holds no print
        return np.zeros(shape, bool)
    share = ndimage.gaussian_filter(blocks.share, SEGMENT_SMOOTH, mode="nearest")
    mask = (blocks.dense(share, shape) > level).astype(np.uint8)
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * SEGMENT_OPEN + 1,) * 2)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, disk)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = np.zeros(shape, np.uint8)
    if count > 1:
        largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        hull = cv2.convexHull(cv2.findNonZero((labels == largest).astype(np.uint8)))
        cv2.fillConvexPoly(out, hull, 1)
    return out.astype(bool)
