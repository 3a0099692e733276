"""Track 1's classical inpainters: mean fill, Telea, Navier–Stokes, biharmonic and TV.

Each fills the holes of a photograph from their surroundings alone: none copies
texture (see :mod:`inpaintbench.methods.humans.patchmatch` for that). They are the
baselines a learned method must beat, from the floor (:class:`MeanFill`) through
fast-marching and PDE methods (:class:`Telea`, :class:`NavierStokes`) to the
smoothest (:class:`Biharmonic`) and the edge-keeping (:class:`TotalVariation`)
variational fills.

Every method takes ``uint8 (H, W, 3)`` and ``bool (H, W)`` (True in the holes) and
returns ``uint8 (H, W, 3)``; the known pixels come back as they went in.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage as ndi
from scipy import sparse
from scipy.sparse.linalg import splu
from skimage.restoration import inpaint_biharmonic

from inpaintbench.methods.base import MethodInfo
from inpaintbench.methods.humans.holes import check_inputs, hole_windows, to_uint8
from inpaintbench.methods.registry import register
from inpaintbench.tracks import Track

# Mean fill: the width of the ring of known pixels whose mean fills a hole.
MEAN_RING_WIDTH = 3

# OpenCV's inpainting radius: each filled pixel is a weighted sum of the known pixels
# within it (Telea 2004 §2.2's neighbourhood B_ε; Navier–Stokes smooths over it). 5 px
# spans the blur of a photograph's edges; OpenCV's own sample uses 3.
OPENCV_RADIUS = 5

# Total variation (Getreuer 2012's split Bregman, solved as ADMM, Boyd et al. 2011).
TV_REACH = 1  # a TV term (forward differences) couples a pixel with its right/lower neighbour
TV_TOLERANCE = 1e-3  # RMS primal and dual residuals per value, on the [0, 1] scale (≈ ¼ grey level)
TV_MAX_ITERATIONS = 500  # 100-px holes converge in about 100 (measured on skimage's astronaut)
TV_INITIAL_PENALTY = 8.0  # γ; any value converges, residual balancing adapts it
TV_BALANCE_RATIO = 10.0  # Boyd et al. 2011 §3.4.1: rebalance γ when one residual is 10× the other
TV_BALANCE_FACTOR = 2.0  # ... by doubling or halving it


class MeanFill:
    """Fill each hole with the mean colour of the known pixels around it.

    The floor of the track: each group of nearby holes (see
    :func:`~inpaintbench.methods.humans.holes.hole_windows`) takes the mean colour
    of the known pixels within ``MEAN_RING_WIDTH`` px of it, or of the whole known
    image when it has no such ring.

    Examples
    --------
    >>> image = np.full((8, 8, 3), 240, np.uint8); image[:, :4] = 0  # half black, half white
    >>> mask = np.zeros((8, 8), bool); mask[3:5, 3:5] = True  # a hole on the edge
    >>> MeanFill().inpaint(image, mask)[4, 4].tolist()
    [120, 120, 120]
    """

    info = MethodInfo(name="mean-fill", track=Track.HUMANS, kind="floor",
                      description="each hole filled with the mean colour of the known ring "
                                  "around it")

    def inpaint(self, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        image, mask = check_inputs(image, mask)
        out = image.copy()
        fallback = image[~mask].mean(axis=0)
        ring_footprint = np.ones((2 * MEAN_RING_WIDTH + 1,) * 2, bool)
        for window, hole in hole_windows(mask, MEAN_RING_WIDTH):
            ring = ndi.binary_dilation(hole, ring_footprint) & ~mask[window]
            colour = image[window][ring].mean(axis=0) if ring.any() else fallback
            out[window][hole] = np.rint(colour).astype(np.uint8)
        return out


class _OpenCVInpaint:
    """``cv2.inpaint`` with one of its two algorithms (``flag``) and ``OPENCV_RADIUS``."""

    flag: int

    def inpaint(self, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        image, mask = check_inputs(image, mask)
        # OpenCV works per channel, so RGB order needs no conversion.
        return cv2.inpaint(np.ascontiguousarray(image), mask.astype(np.uint8), OPENCV_RADIUS,
                           self.flag)


class Telea(_OpenCVInpaint):
    """Fast-marching inpainting (Telea 2004), OpenCV's ``INPAINT_TELEA``.

    The hole is filled from its boundary inwards, in the order of a fast-marching
    distance; each pixel is a weighted mean of the known pixels within
    ``OPENCV_RADIUS``, extrapolated along their gradient, weighted by distance,
    level-set distance and alignment with the boundary normal.

    A. Telea, "An image inpainting technique based on the fast marching method",
    Journal of Graphics Tools 9(1), 2004.
    """

    info = MethodInfo(name="telea", track=Track.HUMANS,
                      description="fast-marching inpainting (OpenCV INPAINT_TELEA)",
                      reference="Telea 2004, J. Graphics Tools 9(1); OpenCV cv2.inpaint")
    flag = cv2.INPAINT_TELEA


class NavierStokes(_OpenCVInpaint):
    """Fluid-dynamics inpainting (Bertalmio et al. 2001), OpenCV's ``INPAINT_NS``.

    Image smoothness (the Laplacian) is transported along the isophotes into the
    hole, like the vorticity of an incompressible fluid, with anisotropic diffusion.

    M. Bertalmio, A. L. Bertozzi, G. Sapiro, "Navier–Stokes, fluid dynamics, and
    image and video inpainting", CVPR 2001.
    """

    info = MethodInfo(name="navier-stokes", track=Track.HUMANS,
                      description="isophote transport by Navier-Stokes flow (OpenCV INPAINT_NS)",
                      reference="Bertalmio, Bertozzi, Sapiro, CVPR 2001; OpenCV cv2.inpaint")
    flag = cv2.INPAINT_NS


class Biharmonic:
    """Biharmonic inpainting: the smoothest fill, ``Δ²u = 0`` in the hole.

    scikit-image's :func:`~skimage.restoration.inpaint_biharmonic` solves the
    13-point discrete biharmonic equation, with the known pixels as boundary
    values, by a sparse direct solve, in float64 (in float32 a 170 px hole is off
    by up to 6 grey levels). The solve grows faster than the hole's area, so each
    connected hole is solved on its own: scikit-image already does this with
    ``split_into_regions=True`` (each region's bounding box grown by the stencil's
    2 px), which ``benchmarks/bench_methods_humans.py`` measures against one solve
    over all the holes.

    S. B. Damelin, N. S. Hoang, "On surface completion and image inpainting by
    biharmonic functions: numerical aspects", Int. J. Math. Math. Sci., 2018.
    """

    info = MethodInfo(name="biharmonic", track=Track.HUMANS,
                      description="smoothest fill: biharmonic equation per hole "
                                  "(scikit-image inpaint_biharmonic)",
                      reference="Damelin & Hoang 2018; skimage.restoration.inpaint_biharmonic")

    def inpaint(self, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        image, mask = check_inputs(image, mask)
        filled = inpaint_biharmonic(image.astype(np.float64) / 255.0, mask,
                                    split_into_regions=True, channel_axis=-1)
        return to_uint8(filled)


def _gradient(u: np.ndarray) -> np.ndarray:
    """Forward differences of ``u`` (h, w, C) → (2, h, w, C), zero on the last row/column."""
    grad = np.zeros((2, *u.shape), u.dtype)
    grad[0, :-1] = u[1:] - u[:-1]
    grad[1, :, :-1] = u[:, 1:] - u[:, :-1]
    return grad


def _divergence(p: np.ndarray) -> np.ndarray:
    """Minus the adjoint of :func:`_gradient`: ``⟨∇u, p⟩ = −⟨u, div p⟩``."""
    div = np.zeros(p.shape[1:], p.dtype)
    div[:-1] += p[0, :-1]
    div[1:] -= p[0, :-1]
    div[:, :-1] += p[1, :, :-1]
    div[:, 1:] -= p[1, :, :-1]
    return div


def _shrink(q: np.ndarray, threshold: float) -> np.ndarray:
    """Vectorial soft thresholding: shorten each pixel's (2, C) vector by ``threshold``."""
    norm = np.sqrt(np.einsum("kijc,kijc->ij", q, q))
    scale = np.maximum(norm - threshold, 0.0) / np.maximum(norm, np.finfo(q.dtype).tiny)
    return q * scale[None, :, :, None]


def _hole_laplacian(hole: np.ndarray, values: np.ndarray) -> tuple[sparse.csc_array, np.ndarray]:
    """The grid's graph Laplacian on the hole pixels, and what the known neighbours add.

    Returns ``A`` (n, n) with the number of in-window neighbours on the diagonal and
    −1 per neighbour in the hole, and ``(n, C)`` sums of each hole pixel's known
    neighbours, so that ``−Δu = A u_hole − known`` on the hole (Neumann at the window).
    """
    height, width = hole.shape
    rows, cols = np.nonzero(hole)
    count = rows.size
    index = np.full(hole.shape, -1, np.int64)
    index[rows, cols] = np.arange(count)
    degree = np.zeros(count)
    known = np.zeros((count, values.shape[2]))
    entries_i, entries_j = [], []
    for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        r, c = rows + dr, cols + dc
        inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
        r, c = r[inside], c[inside]
        degree[inside] += 1
        neighbour = index[r, c]
        free = neighbour >= 0
        entries_i.append(np.flatnonzero(inside)[free])
        entries_j.append(neighbour[free])
        np.add.at(known, np.flatnonzero(inside)[~free], values[r[~free], c[~free]])
    i = np.concatenate([np.arange(count), *entries_i])
    j = np.concatenate([np.arange(count), *entries_j])
    data = np.concatenate([degree, -np.ones(i.size - count)])
    return sparse.csc_array((data, (i, j)), shape=(count, count)), known


def tv_inpaint(values: np.ndarray, hole: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Total-variation inpainting of one window: ``min TV(u)`` with ``u = values`` off the hole.

    The vectorial (colour-coupled, isotropic) TV ``Σ_x ‖∇u(x)‖`` — the norm over
    both directions and all channels — is minimised by split Bregman (Goldstein &
    Osher 2009; Getreuer 2012 for inpainting), i.e. ADMM on ``d = ∇u``: a Poisson
    solve for ``u`` on the hole (the matrix is fixed, so it is factored once),
    soft thresholding for ``d``, and the Bregman update of ``b``. The penalty γ
    is balanced so the primal and dual residuals fall together (Boyd et al. 2011
    §3.4.1), which makes the run independent of the image's contrast; it stops
    when both residuals are below ``TV_TOLERANCE`` RMS per value.

    Parameters
    ----------
    values : ndarray of float64, shape (h, w, C)
        The window, in [0, 1]; values in the hole are ignored.
    hole : ndarray of bool, shape (h, w)
        The pixels to fill.
    start : ndarray of float64, shape (h, w, C)
        The first guess (a cheap fill); its values off the hole are ignored.

    Returns
    -------
    ndarray of float64, shape (h, w, C)
        ``values`` with the hole filled.

    References
    ----------
    P. Getreuer, "Total variation inpainting using split Bregman", IPOL 2, 2012.
    T. Goldstein, S. Osher, "The split Bregman method for L1-regularized problems",
    SIAM J. Imaging Sci. 2(2), 2009.
    S. Boyd et al., "Distributed optimization and statistical learning via the
    alternating direction method of multipliers", Found. Trends Mach. Learn. 3(1), 2011.
    """
    laplacian, known = _hole_laplacian(hole, values)
    solver = splu(laplacian, permc_spec="MMD_AT_PLUS_A")
    u = np.where(hole[..., None], start, values)
    gamma = TV_INITIAL_PENALTY
    grad = _gradient(u)
    d = _shrink(grad, 1.0 / gamma)
    b = grad - d
    primal_tol = TV_TOLERANCE * np.sqrt(d.size)
    dual_tol = TV_TOLERANCE * np.sqrt(known.size)
    for _ in range(TV_MAX_ITERATIONS):
        u[hole] = solver.solve(known - _divergence(d - b)[hole])
        grad = _gradient(u)
        d_old, d = d, _shrink(grad + b, 1.0 / gamma)
        primal = grad - d
        b += primal
        primal_norm = np.linalg.norm(primal)
        dual_norm = gamma * np.linalg.norm(_divergence(d - d_old)[hole])
        if primal_norm < primal_tol and dual_norm < dual_tol:
            break
        if primal_norm > TV_BALANCE_RATIO * dual_norm:
            gamma *= TV_BALANCE_FACTOR
            b /= TV_BALANCE_FACTOR  # b is the scaled dual y / γ
        elif dual_norm > TV_BALANCE_RATIO * primal_norm:
            gamma /= TV_BALANCE_FACTOR
            b *= TV_BALANCE_FACTOR
    return u


class TotalVariation:
    """Total-variation inpainting: the fill of least total variation (keeps edges sharp).

    Each group of holes is solved on its own window by :func:`tv_inpaint`, from
    the :class:`Telea` fill. Unlike the diffusion fills, TV continues a straight
    edge across a hole without blurring it, but turns smooth shading into flat
    patches (staircasing).

    L. Rudin, S. Osher, E. Fatemi, "Nonlinear total variation based noise removal
    algorithms", Physica D 60, 1992; T. Chan, J. Shen, "Mathematical models for local
    nontexture inpaintings", SIAM J. Appl. Math. 62(3), 2002; P. Getreuer, IPOL 2012.
    """

    info = MethodInfo(name="total-variation", track=Track.HUMANS,
                      description="vectorial total-variation inpainting by split Bregman",
                      reference="Chan & Shen 2002; Getreuer 2012, IPOL (split Bregman)")

    def inpaint(self, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        image, mask = check_inputs(image, mask)
        values = image.astype(np.float64) / 255.0
        start = Telea().inpaint(image, mask).astype(np.float64) / 255.0
        out = values.copy()
        for window, hole in hole_windows(mask, TV_REACH):
            out[window][hole] = tv_inpaint(values[window], hole, start[window])[hole]
        return to_uint8(out)


for _method in (MeanFill, Telea, NavierStokes, Biharmonic, TotalVariation):
    register(_method.info)(_method)
