"""Master fingerprints, SFinGe's way: silhouette, orientation, ridge period, Gabor growth.

SFinGe [1]_ [2]_ draws a *master fingerprint* — the ridge pattern of a whole
fingertip, independent of any impression — in four steps, all here:

1. the fingertip's **silhouette**: a central rectangle closed by four quarter
   ellipses (left and right semi-axes, top and bottom semi-axes);
2. the **orientation field** of its class (:mod:`.orientation`);
3. a **ridge-period map**: a base period typical of 500 dpi, varying smoothly,
   longer above the highest core and below the lowest delta, where real ridges
   are sparser [2]_;
4. **ridges grown** from a few random seeds by iterated space-variant Gabor
   filtering: each pixel is filtered with the Gabor filter tuned to its local
   orientation and period, then the image is amplified and clipped to [−1, 1].
   Ridges spread from the seeds along the flow; where two grown patterns meet
   out of phase a ridge ends or forks, so the minutiae appear by themselves.

The filtering runs in a numba loop over the pixels of the fingertip: each pixel
reads its kernel from a bank quantised in orientation and period, which costs
the same whatever the number of bins.

References
----------
.. [1] R. Cappelli, A. Erol, D. Maio and D. Maltoni, "Synthetic fingerprint-image
   generation", ICPR 2000.
.. [2] D. Maltoni, D. Maio, A. K. Jain and S. Prabhakar, *Handbook of Fingerprint
   Recognition*, 2nd ed., Springer 2009, ch. 6 "Synthetic fingerprint generation".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit
from PIL import Image
from scipy import ndimage

from inpaintbench.data.fingerprints.orientation import (
    CLASSES,
    OrientationModel,
    draw_class,
    draw_orientation_model,
)
from inpaintbench.tracks import FINGERPRINT_HEIGHT, FINGERPRINT_WIDTH

# The master canvas: large enough that the 275×400 crop of any impression (±10°
# rotation and ≤ 5 px translation, CHALLENGE.md Track 3) stays inside it:
# 275 cos 10° + 400 sin 10° + 2·5 ≈ 350, 400 cos 10° + 275 sin 10° + 2·5 ≈ 452.
MASTER_WIDTH = 352
MASTER_HEIGHT = 456
CROP_LEFT = (MASTER_WIDTH - FINGERPRINT_WIDTH) / 2  # where an untransformed crop sits
CROP_TOP = (MASTER_HEIGHT - FINGERPRINT_HEIGHT) / 2

# Silhouette (SFinGe's rectangle and four quarter ellipses [2]), pixels at
# 500 dpi. Our ranges: a fingertip 224–260 px (12–13 mm) wide fills most of the
# 275 px frame and lies wholly inside it, an oval with a margin at the top and
# the bottom, as in the challenge's test prints (their restorations' ink spans
# about 260 × 365 px of the 275 × 400 frame: shared/data/real/fingerprint/challenge).
SILHOUETTE_HALF_WIDTH = (112.0, 130.0)  # left and right semi-axes
SILHOUETTE_TOP_RADIUS = (120.0, 165.0)  # top semi-axis
SILHOUETTE_BOTTOM_RADIUS = (80.0, 120.0)  # bottom semi-axis
SILHOUETTE_TOP_MARGIN = (5.0, 30.0)  # from the top of the frame to the fingertip
SILHOUETTE_BOTTOM_MARGIN = (2.0, 30.0)  # from the fingertip's bottom to the frame's
# (the central rectangle takes the height left between the two ellipses)
SILHOUETTE_SHIFT_X = 8.0  # the fingertip's axis, ± from the frame's centre
CENTRE_HEIGHT = (0.42, 0.5)  # the pattern's centre, as a fraction of the visible height
SINGULAR_MARGIN = 12.0  # singular points stay this far inside the silhouette
MAX_DRAWS = 50  # redraws of the singular points until they fit the fingertip

# Ridge period at 500 dpi: 8–11 px, mean ≈ 9 px (an inter-ridge distance of about
# 0.46 mm; Hong, Wan and Jain 1998 bound it by 3–25 px at 500 dpi).
PERIOD_RANGE = (8.0, 11.0)
BASE_PERIOD = (8.0, 9.0)  # a finger's base period; the map's mean comes out ≈ 9
PERIOD_NOISE = 0.45  # ± smooth random variation over the fingertip
PERIOD_NOISE_CELLS = (6, 5)  # … drawn on a coarse grid (rows, columns) and interpolated
SPARSE_EXTRA = (0.3, 1.0)  # longer period above the highest core, below the lowest delta [2]
SPARSE_RAMP = 40.0  # px over which that extra period fades in

# Gabor growth (our tuning, checked against real prints in docs/fingerprints.md).
GABOR_RADIUS = 8  # kernels are 17×17
GABOR_SIGMA_ACROSS = 0.45  # envelope σ across the ridges, in periods (≈ 4 px, Hong et al.)
GABOR_SIGMA_ALONG = 0.6  # and along them: longer, so ridges run on rather than break
ORIENTATION_BINS = 32  # 5.6° apart
PERIOD_BIN = 0.25  # px between the kernels' periods
BANK_PERIODS = np.arange(PERIOD_RANGE[0] - 0.5, PERIOD_RANGE[1] + 0.5 + 1e-9, PERIOD_BIN)
SEED_DENSITY = 1 / 220  # seeds per fingertip pixel: sets the minutiae density
GROWTH_ITERATIONS = 12  # enough for the seeds' patterns to meet and settle
GROWTH_GAIN = 3.0  # amplification before clipping; below ≈ 2 the pattern fades


@dataclass(frozen=True)
class Silhouette:
    """A fingertip's outline: a rectangle closed by four quarter ellipses.

    Attributes
    ----------
    cx, top : float
        The fingertip's axis (column) and its top row.
    left, right : float
        Horizontal semi-axes left and right of the axis.
    top_radius, middle, bottom_radius : float
        Top semi-axis, height of the central rectangle, bottom semi-axis.
    """

    cx: float
    top: float
    left: float
    right: float
    top_radius: float
    middle: float
    bottom_radius: float

    @property
    def bottom(self) -> float:
        return self.top + self.top_radius + self.middle + self.bottom_radius

    def radius(self, shape: tuple[int, int]) -> np.ndarray:
        """Normalised radius, ``float32 (H, W)``: < 1 inside, 1 on the outline."""
        y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
        upper = self.top + self.top_radius
        lower = upper + self.middle
        dx = (x - self.cx) / np.where(x < self.cx, self.left, self.right)
        dy = np.where(y < upper, (y - upper) / self.top_radius,
                      np.where(y > lower, (y - lower) / self.bottom_radius, 0.0))
        return np.hypot(dx, dy).astype(np.float32)

    def to_json(self) -> dict[str, float]:
        return {k: round(float(v), 2) for k, v in vars(self).items()}


def draw_silhouette(rng: np.random.Generator) -> Silhouette:
    """A fingertip silhouette placed in the master canvas, inside the frame's height."""
    top = CROP_TOP + rng.uniform(*SILHOUETTE_TOP_MARGIN)
    bottom = CROP_TOP + FINGERPRINT_HEIGHT - rng.uniform(*SILHOUETTE_BOTTOM_MARGIN)
    top_radius = rng.uniform(*SILHOUETTE_TOP_RADIUS)
    bottom_radius = rng.uniform(*SILHOUETTE_BOTTOM_RADIUS)
    return Silhouette(
        cx=MASTER_WIDTH / 2 + rng.uniform(-SILHOUETTE_SHIFT_X, SILHOUETTE_SHIFT_X),
        top=top, left=rng.uniform(*SILHOUETTE_HALF_WIDTH),
        right=rng.uniform(*SILHOUETTE_HALF_WIDTH), top_radius=top_radius,
        # ≥ 340 − 165 − 120 = 55 px: the two ellipses never overlap
        middle=bottom - top - top_radius - bottom_radius, bottom_radius=bottom_radius)


def smooth_noise(shape: tuple[int, int], cells: tuple[int, int],
                 rng: np.random.Generator) -> np.ndarray:
    """Smooth random field in ``[−1, 1]``, ``float32 (H, W)``.

    Uniform values on a coarse grid of ``cells`` (rows, columns), enlarged by
    bicubic interpolation (PIL, Keys' kernel): features about ``H / rows`` px across.
    """
    coarse = rng.uniform(-1.0, 1.0, cells).astype(np.float32)
    fine = Image.fromarray(coarse).resize((shape[1], shape[0]), Image.Resampling.BICUBIC)
    return np.clip(np.asarray(fine), -1.0, 1.0)


def period_map(shape: tuple[int, int], model: OrientationModel,
               rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Ridge period per pixel, ``float32 (H, W)`` in :data:`PERIOD_RANGE`, and the base period.

    The base period varies by ±:data:`PERIOD_NOISE` over the fingertip, and grows
    by up to :data:`SPARSE_EXTRA` above the highest core and below the lowest
    delta, where real ridges are sparser (Handbook ch. 6).
    """
    base = float(rng.uniform(*BASE_PERIOD))
    period = base + PERIOD_NOISE * smooth_noise(shape, PERIOD_NOISE_CELLS, rng)
    rows = np.arange(shape[0], dtype=np.float32)[:, None]
    points = model.points
    if points.cores:
        above = np.clip((min(y for _, y in points.cores) - rows) / SPARSE_RAMP, 0, 1)
        period = period + rng.uniform(*SPARSE_EXTRA) * above
    if points.deltas:
        below = np.clip((rows - max(y for _, y in points.deltas)) / SPARSE_RAMP, 0, 1)
        period = period + rng.uniform(*SPARSE_EXTRA) * below
    return np.clip(period, *PERIOD_RANGE).astype(np.float32), base


@functools.cache
def gabor_bank() -> np.ndarray:
    """Even Gabor kernels, ``float32 (ORIENTATION_BINS · len(BANK_PERIODS), 2r+1, 2r+1)``.

    Kernel ``o · len(BANK_PERIODS) + p`` is tuned to ridges of orientation
    ``o π / ORIENTATION_BINS`` and period ``BANK_PERIODS[p]``. Each has zero mean
    under its envelope (a flat area gives no response) and unit response to the
    matching ridge pattern ``cos(2π u / period)``.
    """
    offsets = np.arange(-GABOR_RADIUS, GABOR_RADIUS + 1, dtype=np.float64)
    y, x = np.meshgrid(offsets, offsets, indexing="ij")
    kernels = []
    for o in range(ORIENTATION_BINS):
        theta = np.pi * o / ORIENTATION_BINS
        across = -x * np.sin(theta) + y * np.cos(theta)  # along the ridges' normal
        along = x * np.cos(theta) + y * np.sin(theta)
        for period in BANK_PERIODS:
            envelope = np.exp(-0.5 * ((across / (GABOR_SIGMA_ACROSS * period)) ** 2
                                      + (along / (GABOR_SIGMA_ALONG * period)) ** 2))
            wave = np.cos(2 * np.pi * across / period)
            kernel = envelope * wave
            kernel -= envelope * (kernel.sum() / envelope.sum())
            kernels.append(kernel / (kernel * wave).sum())
    return np.asarray(kernels, dtype=np.float32)


def kernel_index(theta: np.ndarray, period: np.ndarray) -> np.ndarray:
    """The bank kernel of each pixel, ``int32 (H, W)``, from its orientation and period."""
    o = np.round(theta * (ORIENTATION_BINS / np.pi)).astype(np.int32) % ORIENTATION_BINS
    p = np.clip(np.round((period - BANK_PERIODS[0]) / PERIOD_BIN).astype(np.int32),
                0, len(BANK_PERIODS) - 1)
    return o * len(BANK_PERIODS) + p


@njit(cache=True, nogil=True, fastmath=True)
def _space_variant_filter(padded: np.ndarray, bank: np.ndarray, index: np.ndarray,
                          active: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    """``out[y, x] = Σ bank[index[y, x]] ⊙ padded[y:y+k, x:x+k]`` where ``active``, else 0.

    The kernels are even (``k[i, j] = k[−i, −j]``), so each tap pairs two pixels:
    half the multiplications.
    """
    k = bank.shape[1]
    r = k // 2
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            if not active[y, x]:
                out[y, x] = 0.0
                continue
            kernel = bank[index[y, x]]
            acc = np.float32(kernel[r, r] * padded[y + r, x + r])
            for dy in range(r):
                top = padded[y + dy]
                bottom = padded[y + k - 1 - dy]
                weights = kernel[dy]
                for dx in range(k):
                    acc += weights[dx] * (top[x + dx] + bottom[x + k - 1 - dx])
            centre = padded[y + r]
            weights = kernel[r]
            for dx in range(r):
                acc += weights[dx] * (centre[x + dx] + centre[x + k - 1 - dx])
            out[y, x] = acc


def grow_ridges(theta: np.ndarray, period: np.ndarray, region: np.ndarray,
                rng: np.random.Generator, *, seed_density: float = SEED_DENSITY,
                iterations: int = GROWTH_ITERATIONS) -> np.ndarray:
    """Grow a ridge pattern by iterated space-variant Gabor filtering (SFinGe).

    Parameters
    ----------
    theta : float (H, W)
        Ridge orientation, radians in ``[0, π)``.
    period : float (H, W)
        Ridge period, pixels, within ``BANK_PERIODS``.
    region : bool (H, W)
        Where ridges grow; zero elsewhere.
    rng : numpy.random.Generator
        Draws the seeds: ``seed_density`` of the region's pixels, ±1 at random.
    iterations : int

    Returns
    -------
    float32 (H, W)
        The last filter response before clipping: about ``±1`` on settled ridges
        (positive on ridges), smaller where the pattern is broken (minutiae).
    """
    bank = gabor_bank()
    index = kernel_index(theta, period)
    r = GABOR_RADIUS
    padded = np.zeros((theta.shape[0] + 2 * r, theta.shape[1] + 2 * r), np.float32)
    rows, cols = np.nonzero(region)
    count = max(1, round(len(rows) * seed_density))
    chosen = rng.choice(len(rows), size=count, replace=False)
    padded[rows[chosen] + r, cols[chosen] + r] = rng.choice(np.array([-1.0, 1.0], np.float32),
                                                            size=count)
    response = np.zeros(theta.shape, np.float32)
    active = np.ascontiguousarray(region)
    for _ in range(iterations):
        _space_variant_filter(padded, bank, index, active, response)
        np.clip(response * GROWTH_GAIN, -1.0, 1.0, out=padded[r:-r, r:-r])
    _space_variant_filter(padded, bank, index, active, response)
    return response


@dataclass(frozen=True)
class MasterPrint:
    """A finger's master print: its ridges over the whole canvas, and how it was drawn.

    Attributes
    ----------
    ridges : float32 (MASTER_HEIGHT, MASTER_WIDTH)
        Gabor response, positive on ridges, 0 outside the fingertip.
    radius : float32 (MASTER_HEIGHT, MASTER_WIDTH)
        The silhouette's normalised radius (< 1 inside).
    silhouette : Silhouette
    model : OrientationModel
    base_period : float
        The finger's base ridge period, px.
    mean_period : float
        The period map's mean over the fingertip, px.
    """

    ridges: np.ndarray
    radius: np.ndarray
    silhouette: Silhouette
    model: OrientationModel
    base_period: float
    mean_period: float

    def to_json(self) -> dict[str, Any]:
        return {**self.model.to_json(), "silhouette": self.silhouette.to_json(),
                "base_period": round(self.base_period, 3),
                "mean_period": round(self.mean_period, 3)}


def _fits(model: OrientationModel, radius: np.ndarray, silhouette: Silhouette) -> bool:
    scale = min(silhouette.left, silhouette.right, silhouette.top_radius)
    limit = 1.0 - SINGULAR_MARGIN / scale
    bottom = CROP_TOP + FINGERPRINT_HEIGHT - SINGULAR_MARGIN
    for x, y in model.points.cores + model.points.deltas:
        if y > bottom or radius[int(round(y)), int(round(x))] > limit:
            return False
    return True


def draw_master(rng: np.random.Generator, kind: str | None = None) -> MasterPrint:
    """A master print of class ``kind`` (drawn with natural frequencies when None).

    >>> master = draw_master(np.random.default_rng(0), "whorl")
    >>> master.ridges.shape, len(master.model.points.cores)
    ((456, 352), 2)
    """
    if kind is not None and kind not in CLASSES:
        raise ValueError(f"class must be one of {', '.join(CLASSES)}, got {kind!r}")
    kind = kind or draw_class(rng)
    shape = (MASTER_HEIGHT, MASTER_WIDTH)
    silhouette = draw_silhouette(rng)
    radius = silhouette.radius(shape)
    visible = min(silhouette.bottom, CROP_TOP + FINGERPRINT_HEIGHT) - silhouette.top
    width = silhouette.left + silhouette.right
    for _ in range(MAX_DRAWS):
        centre = (silhouette.cx, silhouette.top + visible * rng.uniform(*CENTRE_HEIGHT))
        model = draw_orientation_model(kind, rng, centre, silhouette.top, visible, width)
        if _fits(model, radius, silhouette):
            break
    else:
        raise RuntimeError(f"no {kind} fitted the silhouette in {MAX_DRAWS} draws")
    theta = model.field(shape)
    period, base = period_map(shape, model, rng)
    inside = radius < 1.0
    # ridges grow a little past the outline, where impressions fade them out
    region = ndimage.binary_dilation(inside, iterations=GABOR_RADIUS // 2)
    ridges = grow_ridges(theta, period, region, rng)
    return MasterPrint(ridges, radius, silhouette, model, base, float(period[inside].mean()))
