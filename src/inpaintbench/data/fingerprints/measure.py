"""Measurements of fingerprint images: ridge period, orientation coherence, singular points.

One set of functions, used alike on synthetic and real prints, by the tests
and by the statistics of a built set:

- :func:`ridge_orientation` — orientation and coherence from the averaged
  gradient structure tensor (Kass and Witkin 1987; Bazen and Gerez 2002);
- :func:`block_measures` — ridge period per block, from the peak of the block's
  power spectrum (the spectral method of the Handbook of Fingerprint
  Recognition, ch. 3), and the block's mean coherence;
- :func:`singular_points` — cores and deltas from the Poincaré index of an
  orientation field (Kawagoe and Tojo 1984);
- :func:`minutiae` — ridge endings and bifurcations by the crossing number on
  the ridge skeleton (Arcelli and Sanniti di Baja 1984; Handbook ch. 3);
- :func:`ridge_fraction`, :func:`border_width`, :func:`ground_measures`,
  :func:`print_contrast` — how a print *looks*: the share of the print that is
  ridge, how its ridges fade across its outline, the ground it lies on, and
  how far an input's ridges stand out from its valleys. They compare our
  pairs with the challenge's inputs and a team's restorations of them
  (:mod:`.stats`).

Images are greyscale, dark ridges on a light ground; any dtype, any range.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

GRADIENT_SIGMA = 1.0  # px: derivative-of-Gaussian scale, well under a ridge period
TENSOR_SIGMA = 6.0  # px: averaging window of the structure tensor, about 1.5 periods
FOREGROUND_SIGMA = 8.0  # px: window of the local contrast that finds the print
FOREGROUND_LEVEL = 0.35  # … print where it exceeds this fraction of its 95th percentile
BLOCK = 48  # px: spectral blocks hold ≥ 4 ridge periods at 500 dpi
BLOCK_PADDED = 128  # zero-padding of a block's FFT: 1/128 cycle/px bins, refined below
BLOCK_COVER = 0.9  # a block counts when this much of it is print
PERIOD_BAND = (3.0, 25.0)  # px: the ridge periods possible at 500 dpi (Hong et al. 1998)
POINCARE_RADIUS = 4  # px: half-side of the square path the index is summed along
MINUTIA_BORDER = 12.0  # px: minutiae this close to the print's border are not counted
MINUTIA_SMOOTH = 1.5  # px: smoothing before binarising, against ink noise
MINUTIA_SPECK = 36  # px: dark specks smaller than this (half a period squared) are noise
MINUTIA_PORE = 24  # px: light holes smaller than this inside a ridge are pores
MINUTIA_PAIR = 8.0  # px: minutiae closer than this to another are a break or a spur
LEVEL_WINDOW = 11  # px: min / max window giving a pixel's ridge and valley levels (> a period)
LEVEL_SMOOTH = 3.0  # px: Gaussian smoothing of those levels
LEVEL_PRESMOOTH = 0.7  # px: smoothing of the image first, against JPEG and ink noise
CORE_MARGIN = 15  # px: the ridge fraction is taken this far inside the print's outline
GROUND_MARGIN = 10  # px: the ground starts this far outside the print
GRAIN_SIGMA = 2.0  # px: ground texture finer than this is grain
LIGHT_LINE_SIGMA = 6.0  # px: a light line is lighter than the ground's mean over this window …
LIGHT_LINE_LEVEL = 0.06  # … by more than this (luminance)
BORDER_BIN = 3.0  # px: distance bins of the border profile
BORDER_RANGE = (-24.0, 45.0)  # px: the profile from outside (< 0) to inside the outline
BORDER_LEVELS = (0.1, 0.9)  # the border's width: the contrast rises between these shares
FRAME_MARGIN = 12  # px: pixels this close to the frame are left out of the border profile


def _float(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 2:
        raise ValueError(f"expected a greyscale (H, W) image, got shape {image.shape}")
    return image


def ridge_orientation(image: np.ndarray, *, gradient_sigma: float = GRADIENT_SIGMA,
                      tensor_sigma: float = TENSOR_SIGMA) -> tuple[np.ndarray, np.ndarray]:
    """Ridge orientation and coherence from the averaged squared gradient.

    .. math:: \\theta = \\tfrac12 \\operatorname{atan2}(2 J_{xy}, J_{xx} - J_{yy}) + \\tfrac\\pi2,
              \\quad c = \\frac{\\sqrt{(J_{xx} - J_{yy})^2 + 4 J_{xy}^2}}{J_{xx} + J_{yy}}

    Parameters
    ----------
    image : (H, W) array
    gradient_sigma, tensor_sigma : float
        Scales of the derivative and of the tensor's averaging, px.

    Returns
    -------
    theta : float64 (H, W)
        Orientation along the ridges, ``[0, π)``, from ``+x`` towards ``+y`` (rows down).
    coherence : float64 (H, W)
        In ``[0, 1]``: 1 for parallel ridges, 0 for no dominant orientation.

    Examples
    --------
    >>> y, x = np.mgrid[0:64, 0:64]
    >>> theta, coherence = ridge_orientation(np.cos(2 * np.pi * (x + y) / 12))
    >>> round(float(theta[32, 32]), 3), round(float(coherence[32, 32]), 2)  # ridges ╱ (y down)
    (2.356, 1.0)
    """
    image = _float(image)
    gx = ndimage.gaussian_filter(image, gradient_sigma, order=(0, 1))
    gy = ndimage.gaussian_filter(image, gradient_sigma, order=(1, 0))
    jxx = ndimage.gaussian_filter(gx * gx, tensor_sigma)
    jyy = ndimage.gaussian_filter(gy * gy, tensor_sigma)
    jxy = ndimage.gaussian_filter(gx * gy, tensor_sigma)
    theta = np.mod(0.5 * np.arctan2(2 * jxy, jxx - jyy) + np.pi / 2, np.pi)
    coherence = np.hypot(jxx - jyy, 2 * jxy) / np.maximum(jxx + jyy, 1e-12)
    return theta, np.clip(coherence, 0.0, 1.0)


def foreground(image: np.ndarray, *, sigma: float = FOREGROUND_SIGMA,
               level: float = FOREGROUND_LEVEL) -> np.ndarray:
    """Where the print is, ``bool (H, W)``: local contrast above a share of the image's.

    The local standard deviation (Gaussian window ``sigma``) is high over ridges
    and low on a flat ground; holes are filled and specks removed.
    """
    image = _float(image)
    mean = ndimage.gaussian_filter(image, sigma)
    std = np.sqrt(np.maximum(ndimage.gaussian_filter(image * image, sigma) - mean * mean, 0))
    top = np.percentile(std, 95)
    if top <= 0:
        return np.zeros(image.shape, bool)
    # an opening as wide as the window drops contrasty specks of ground
    mask = ndimage.binary_opening(std > level * top, iterations=int(sigma))
    return ndimage.binary_fill_holes(mask)


@functools.cache
def _frequencies(padded: int, band: tuple[float, float]) -> tuple[np.ndarray, np.ndarray,
                                                                 np.ndarray]:
    """``f_y (P, 1)``, ``f_x (1, P/2 + 1)`` of a real FFT of side ``P``, and its in-band mask."""
    fy = np.fft.fftfreq(padded)[:, None]
    fx = np.fft.rfftfreq(padded)[None, :]
    radius = np.hypot(fy, fx)
    return fy, fx, (radius >= 1 / band[1]) & (radius <= 1 / band[0])


def _parabola_peak(left: np.ndarray, centre: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Offset of the vertex of the parabola through three equally spaced samples, within
    ±½ sample: the centre is the band's strongest bin, but a neighbour outside the band
    (the low frequencies of a scratch or an edge) may be stronger still, and the
    vertex would then run off towards it."""
    curvature = left - 2 * centre + right
    safe = np.where(curvature < 0, curvature, -1.0)
    return np.clip(np.where(curvature < 0, 0.5 * (left - right) / safe, 0.0), -0.5, 0.5)


def spectrum_periods(blocks: np.ndarray, *, band: tuple[float, float] = PERIOD_BAND,
                     padded: int = BLOCK_PADDED) -> np.ndarray:
    """The dominant period of each block of ``(N, b, b)``, px: the peak of its power spectrum.

    Each block's mean is removed, a Hann window applied and the FFT zero-padded
    to ``padded``; the strongest frequency ``(f_y, f_x)`` whose period lies within
    ``band`` is refined by a parabola along each axis, and the period is
    ``1 / hypot(f_y, f_x)``, kept within ``band`` (within 0.3 % on a pure sinusoid
    of period 5–16 px).
    """
    blocks = np.asarray(blocks, np.float64)
    n, h, w = blocks.shape
    window = np.outer(np.hanning(h), np.hanning(w))
    centred = (blocks - blocks.mean(axis=(1, 2), keepdims=True)) * window
    power = np.abs(np.fft.rfft2(centred, s=(padded, padded))) ** 2
    fy, fx, in_band = _frequencies(padded, band)
    peak = np.argmax(np.where(in_band, power, -1.0).reshape(n, -1), axis=1)
    r, c = np.unravel_index(peak, in_band.shape)
    i = np.arange(n)
    centre = power[i, r, c]
    # the column left of f_x = 0 is the mirror image of column 1 (a real signal's spectrum)
    left = np.where(c > 0, power[i, r, np.maximum(c - 1, 0)], power[i, (-r) % padded, 1])
    dr = _parabola_peak(power[i, r - 1, c], centre, power[i, (r + 1) % padded, c])
    dc = _parabola_peak(left, centre, power[i, r, c + 1])
    return np.clip(1 / np.hypot(fy[r, 0] + dr / padded, fx[0, c] + dc / padded), *band)


def spectrum_period(block: np.ndarray, **options) -> float:
    """The dominant period of one ``(b, b)`` block, px (see :func:`spectrum_periods`).

    >>> y, x = np.mgrid[0:48, 0:48]
    >>> round(spectrum_period(np.cos(2 * np.pi * (0.6 * x + 0.8 * y) / 9.5)), 1)
    9.5
    """
    return float(spectrum_periods(_float(block)[None], **options)[0])


@dataclass(frozen=True)
class BlockMeasures:
    """Per-block measures of one print.

    Attributes
    ----------
    periods : float64 (N,)
        Ridge period of each block lying on the print, px.
    coherence : float64 (N,)
        Mean orientation coherence over each of those blocks.
    """

    periods: np.ndarray
    coherence: np.ndarray


def block_measures(image: np.ndarray, mask: np.ndarray | None = None, *,
                   block: int = BLOCK) -> BlockMeasures:
    """Ridge period and coherence of every ``block × block`` tile that lies on the print.

    Parameters
    ----------
    image : (H, W) array
    mask : bool (H, W), optional
        The print; :func:`foreground` when omitted.
    block : int
        Tile side, px; tiles are laid on a grid centred on the image.
    """
    image = _float(image)
    mask = foreground(image) if mask is None else np.asarray(mask, bool)
    _, coherence = ridge_orientation(image)
    h, w = image.shape
    r0, c0 = (h % block) // 2, (w % block) // 2
    corners = [(r, c) for r in range(r0, h - block + 1, block)
               for c in range(c0, w - block + 1, block)
               if mask[r:r + block, c:c + block].mean() >= BLOCK_COVER]
    if not corners:
        return BlockMeasures(np.zeros(0), np.zeros(0))
    periods = spectrum_periods(np.stack([image[r:r + block, c:c + block] for r, c in corners]))
    coherences = np.array([coherence[r:r + block, c:c + block].mean() for r, c in corners])
    return BlockMeasures(periods, coherences)


def poincare_index(theta: np.ndarray, radius: int = POINCARE_RADIUS) -> np.ndarray:
    """Poincaré index of an orientation field around every pixel, ``float64 (H, W)``.

    The orientation changes along the square of half-side ``radius`` centred on
    the pixel, each wrapped into ``(−π/2, π/2]``, are summed and divided by
    ``2π``: +1/2 around a core, −1/2 around a delta, 0 elsewhere (and ±1 when
    the square holds two of a kind). Pixels closer than ``radius`` to the border
    get 0.
    """
    theta = np.asarray(theta, np.float64)
    r = radius
    side = list(range(-r, r))
    path = ([(-r, c) for c in side] + [(rr, r) for rr in side]
            + [(r, -c) for c in side] + [(-rr, -r) for rr in side])  # (row, col), closed
    h, w = theta.shape
    inner = theta[r:h - r, r:w - r]
    total = np.zeros_like(inner)
    for (dr0, dc0), (dr1, dc1) in zip(path, path[1:] + path[:1], strict=True):
        a = theta[r + dr0:h - r + dr0, r + dc0:w - r + dc0]
        b = theta[r + dr1:h - r + dr1, r + dc1:w - r + dc1]
        total += np.mod(b - a + np.pi / 2, np.pi) - np.pi / 2
    index = np.zeros_like(theta)
    index[r:h - r, r:w - r] = total / (2 * np.pi)
    return index


def singular_points(theta: np.ndarray, mask: np.ndarray | None = None,
                    radius: int = POINCARE_RADIUS
                    ) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Cores and deltas of an orientation field, ``(x, y)`` centroids, sorted by ``y``.

    A core is a connected region of Poincaré index +1/2, a delta one of −1/2
    (only within ``mask`` when given).

    >>> from inpaintbench.data.fingerprints.orientation import (
    ...     SingularPoints, zero_pole_orientation)
    >>> points = SingularPoints(cores=((40.3, 20.6),), deltas=((47.8, 61.2),))
    >>> cores, deltas = singular_points(zero_pole_orientation((80, 80), points))
    >>> cores, deltas
    ([(40.5, 20.5)], [(47.5, 61.5)])
    """
    index = poincare_index(theta, radius)
    keep = np.ones(index.shape, bool) if mask is None else np.asarray(mask, bool)
    found = []
    for value in (0.5, -0.5):
        labels, count = ndimage.label((np.abs(index - value) < 0.1) & keep)
        centres = ndimage.center_of_mass(np.ones(index.shape), labels, range(1, count + 1))
        found.append(sorted(((round(float(c), 2), round(float(r), 2)) for r, c in centres),
                            key=lambda p: (p[1], p[0])))
    return found[0], found[1]


def minutiae(image: np.ndarray, mask: np.ndarray | None = None
             ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Ridge endings and bifurcations, ``(x, y)``, by the crossing number of the skeleton.

    The image is smoothed by :data:`MINUTIA_SMOOTH` (ink noise), ridges are the
    pixels darker than their local mean (window :data:`TENSOR_SIGMA`), dark specks
    are dropped and pores (small light holes in a ridge) filled. On the ridge
    skeleton, pixels with one neighbour branch are endings, with three
    bifurcations. Two minutiae closer than :data:`MINUTIA_PAIR` are a break or a
    spur of the skeleton, not two minutiae: both are dropped. Points within
    :data:`MINUTIA_BORDER` of the print's border (or the image's) are left out:
    the border cuts every ridge.
    """
    from scipy.spatial import cKDTree
    from skimage.morphology import skeletonize

    image = _float(image)
    mask = foreground(image) if mask is None else np.asarray(mask, bool)
    smooth = ndimage.gaussian_filter(image, MINUTIA_SMOOTH)
    labels, _ = ndimage.label((smooth < ndimage.gaussian_filter(image, TENSOR_SIGMA)) & mask)
    ridges = (np.bincount(labels.ravel()) >= MINUTIA_SPECK)[labels] & (labels > 0)
    holes, _ = ndimage.label(~ridges)
    ridges |= (np.bincount(holes.ravel()) < MINUTIA_PORE)[holes] & (holes > 0)
    skeleton = skeletonize(ridges).astype(np.int8)
    padded = np.pad(skeleton, 1)
    ring = [padded[1 + dr:padded.shape[0] - 1 + dr, 1 + dc:padded.shape[1] - 1 + dc]
            for dr, dc in ((-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1),
                           (0, -1))]
    crossing = sum(np.abs(ring[i] - ring[(i + 1) % 8]) for i in range(8)) // 2
    inner = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1] > MINUTIA_BORDER
    candidates = (skeleton == 1) & inner & ((crossing == 1) | (crossing == 3))
    points = np.argwhere(candidates)
    if len(points) > 1:
        distances, _ = cKDTree(points).query(points, k=2)
        points = points[distances[:, 1] >= MINUTIA_PAIR]
    kinds = crossing[points[:, 0], points[:, 1]] if len(points) else np.zeros(0)
    return ([(int(c), int(r)) for (r, c), k in zip(points, kinds, strict=True) if k == 1],
            [(int(c), int(r)) for (r, c), k in zip(points, kinds, strict=True) if k == 3])


def _mask_or_foreground(image: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    return foreground(image) if mask is None else np.asarray(mask, bool)


def ridge_levels(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pixel's local ridge (dark) and valley (light) level, ``float32 (H, W)`` each.

    The minimum and maximum of the lightly smoothed image over a
    :data:`LEVEL_WINDOW` square (a little more than a ridge period), smoothed.
    """
    smooth = ndimage.gaussian_filter(_float(image), LEVEL_PRESMOOTH)
    low = ndimage.gaussian_filter(ndimage.minimum_filter(smooth, LEVEL_WINDOW), LEVEL_SMOOTH)
    high = ndimage.gaussian_filter(ndimage.maximum_filter(smooth, LEVEL_WINDOW), LEVEL_SMOOTH)
    return low, high


def ridge_pixels(image: np.ndarray) -> np.ndarray:
    """Ridge pixels, ``bool (H, W)``: darker than the midpoint of their local levels
    (:func:`ridge_levels`), so a ridge's width is its width at half depth, faded or not."""
    low, high = ridge_levels(image)
    return ndimage.gaussian_filter(_float(image), LEVEL_PRESMOOTH) < 0.5 * (low + high)


def print_core(mask: np.ndarray, margin: int = CORE_MARGIN) -> np.ndarray:
    """The print ``mask`` less a band of ``margin`` px along its outline."""
    return ndimage.binary_erosion(np.asarray(mask, bool), iterations=margin)


def ridge_fraction(image: np.ndarray, mask: np.ndarray | None = None) -> float:
    """The share of the print's core that is ridge, in ``[0, 1]`` (nan without a core).

    Ridges are :func:`ridge_pixels` (width at half depth); the core is the print
    (``mask``, or :func:`foreground`) less :data:`CORE_MARGIN` px along its
    outline, where ridges thin out. A print whose ridges are as wide as its
    valleys gives 0.5.

    >>> y, x = np.mgrid[0:120, 0:120]
    >>> stripes = (np.mod(x, 10) < 3).astype(float)  # ridges 3 px wide every 10 px
    >>> round(ridge_fraction(1 - stripes, np.ones((120, 120), bool)), 2)
    0.3
    """
    core = print_core(_mask_or_foreground(image, mask))
    if not core.any():
        return float("nan")
    return float(ridge_pixels(image)[core].mean())


def border_profile(image: np.ndarray, mask: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """How the ridge contrast changes across the print's outline.

    The local contrast is the spread of :func:`ridge_levels` (valley − ridge
    level); its median is taken in bins of the signed distance to the print's
    outline (``mask`` or :func:`foreground`; negative outside), leaving out
    pixels within :data:`FRAME_MARGIN` of the frame, where a print is cut, not
    faded.

    Returns
    -------
    distance : float64 (B,)
        Bin centres, px, over :data:`BORDER_RANGE`.
    contrast : float64 (B,)
        Median local contrast per bin, in the image's units (nan for an empty bin).
    """
    image = _float(image)
    mask = _mask_or_foreground(image, mask)
    low, high = ridge_levels(image)
    contrast = high - low
    distance = (ndimage.distance_transform_edt(mask) - ndimage.distance_transform_edt(~mask))
    keep = np.zeros(mask.shape, bool)
    keep[FRAME_MARGIN:-FRAME_MARGIN, FRAME_MARGIN:-FRAME_MARGIN] = True
    edges = np.arange(BORDER_RANGE[0], BORDER_RANGE[1] + BORDER_BIN / 2, BORDER_BIN)
    which = np.digitize(distance[keep], edges) - 1
    values = contrast[keep]
    profile = np.array([np.median(values[which == i]) if np.any(which == i) else np.nan
                        for i in range(len(edges) - 1)])
    return edges[:-1] + BORDER_BIN / 2, profile


def border_width(image: np.ndarray, mask: np.ndarray | None = None, *,
                 levels: tuple[float, float] = BORDER_LEVELS) -> float:
    """Width of the print's border, px: how far apart, across the outline, the ridge
    contrast reaches ``levels[0]`` and ``levels[1]`` of its rise from outside to
    inside (:func:`border_profile`). A hard silhouette gives about one ridge
    period (the level window's own blur); a border that fades gives more."""
    distance, profile = border_profile(image, mask)
    ok = ~np.isnan(profile)
    distance, profile = distance[ok], profile[ok]
    if profile.size < 3:
        return float("nan")
    outside, inside = float(profile[0]), float(profile.max())
    if inside - outside <= 1e-6:
        return float("nan")

    def crossing(share: float) -> float:
        level = outside + share * (inside - outside)
        i = int(np.argmax(profile >= level))
        if i == 0:
            return float(distance[0])
        share_of_step = (level - profile[i - 1]) / (profile[i] - profile[i - 1])
        return float(distance[i - 1] + share_of_step * (distance[i] - distance[i - 1]))

    return crossing(levels[1]) - crossing(levels[0])


def ground_measures(image: np.ndarray, print_mask: np.ndarray) -> dict[str, float]:
    """The ground an input's print lies on, measured outside the print.

    Parameters
    ----------
    image : (H, W) array in [0, 1]
        The input's luminance.
    print_mask : bool (H, W)
        Where the print is (the ground truth's print); the ground starts
        :data:`GROUND_MARGIN` px outside it.

    Returns
    -------
    dict
        ``level`` (mean luminance), ``std`` (its spread: texture and shading),
        ``grain`` (std of the texture finer than :data:`GRAIN_SIGMA`),
        ``light_lines`` (share of the ground lighter than its local mean by more
        than :data:`LIGHT_LINE_LEVEL`: cracks, scratches, light grain), and
        ``share`` (of the frame that is ground); nan values without ground.
    """
    image = _float(image)
    ground = ~ndimage.binary_dilation(np.asarray(print_mask, bool), iterations=GROUND_MARGIN)
    if not ground.any():
        return {"level": float("nan"), "std": float("nan"), "grain": float("nan"),
                "light_lines": float("nan"), "share": 0.0}
    fine = image - ndimage.gaussian_filter(image, GRAIN_SIGMA)
    lighter = image - ndimage.gaussian_filter(image, LIGHT_LINE_SIGMA) > LIGHT_LINE_LEVEL
    values = image[ground]
    return {"level": float(values.mean()), "std": float(values.std()),
            "grain": float(fine[ground].std()), "light_lines": float(lighter[ground].mean()),
            "share": float(ground.mean())}


def print_contrast(image: np.ndarray, truth: np.ndarray,
                   mask: np.ndarray | None = None) -> dict[str, float]:
    """How an input's ridges stand out, on the ridges and valleys of its clean print.

    Parameters
    ----------
    image : (H, W) array in [0, 1]
        The input's luminance.
    truth : (H, W) array
        Its ground truth (or a restoration standing in for it), aligned with it:
        it tells ridge (:func:`ridge_pixels`) from valley.
    mask : bool (H, W), optional
        The print (default: :func:`foreground` of ``truth``); measured over its core.

    Returns
    -------
    dict
        ``ridge`` and ``valley`` (the input's mean luminance on the truth's ridges
        and valleys), ``contrast`` (valley − ridge), ``std`` (the input's spread over
        the print's core); nan without a core.
    """
    image = _float(image)
    core = print_core(_mask_or_foreground(truth, mask))
    if not core.any():
        return {k: float("nan") for k in ("ridge", "valley", "contrast", "std")}
    ridges = ridge_pixels(truth)
    ridge, valley = float(image[core & ridges].mean()), float(image[core & ~ridges].mean())
    return {"ridge": ridge, "valley": valley, "contrast": valley - ridge,
            "std": float(image[core].std())}
