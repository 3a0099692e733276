"""Exemplar-based inpainting: multi-scale PatchMatch with patch voting (our own, in numba).

The hole is filled with texture copied from the known part of the image, the way
Wexler et al. (2007) complete space-time holes and Newson et al. (2014) made fast:
the fill is the image whose every patch overlapping the hole looks like some known
patch. It alternates, coarse to fine over an image pyramid,

1. **E-step** — for every target patch (a 7×7 patch that overlaps the hole), find
   its nearest known patch (sum of squared differences over the current estimate)
   by PatchMatch (Barnes et al. 2009): propagation of good matches from the
   neighbours in scan order, alternating direction each pass, and random search
   around the best match at exponentially shrinking radii;
2. **M-step** — each hole pixel becomes the weighted mean of the pixels that the
   matched source patches overlapping it put there (patch voting), weight
   ``exp(−d / 2σ²)`` with ``d`` the patch's mean squared distance and σ² its
   75th percentile over the patches (Wexler et al. 2007 §3.2).

Sources are restricted to patches lying wholly in the known region at each level,
so nothing is ever copied from the hole. The pyramid stops where the holes are
about a patch wide or the image would fall under ``MIN_LEVEL_SIDE``; its coarsest
level starts from an onion peel that fills the hole layer by layer from its border,
each pixel copied from its best-matching known patch (Newson et al. 2014 §4.2);
each finer level starts from the coarser level's nearest-neighbour field, doubled.
Random numbers come from a xorshift generator with a fixed seed: the output depends
only on the input.

Example
-------
>>> image = np.zeros((32, 32, 3), np.uint8); image[:, ::4] = 200  # vertical stripes
>>> mask = np.zeros((32, 32), bool); mask[10:20, 10:20] = True
>>> out = PatchMatchInpaint().inpaint(np.where(mask[..., None], 255, image), mask)
>>> bool(np.array_equal(out, image))  # the stripes continue through the hole
True

References
----------
C. Barnes, E. Shechtman, A. Finkelstein, D. B. Goldman, "PatchMatch: a randomized
correspondence algorithm for structural image editing", SIGGRAPH 2009.
Y. Wexler, E. Shechtman, M. Irani, "Space-time completion of video", IEEE TPAMI 29(3), 2007.
A. Newson, A. Almansa, M. Fradet, Y. Gousseau, P. Pérez, "Video inpainting of complex
scenes", SIAM J. Imaging Sci. 7(4), 2014.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy import ndimage as ndi

from inpaintbench.methods.base import MethodInfo
from inpaintbench.methods.humans.holes import check_inputs, to_float, to_uint8
from inpaintbench.methods.registry import register
from inpaintbench.tracks import Track

PATCH_SIZE = 7  # Newson et al. 2014 use 7×7(×5) patches; Wexler et al. 2007 5–7
PATCH_RADIUS = PATCH_SIZE // 2
SEED = 0x5EED_2018  # the generator's fixed seed: results are reproducible
PATCHMATCH_PASSES = 1  # PatchMatch passes per E-step: the field is warm-started (Barnes §3.2)
SEARCH_RATIO = 0.5  # random search radius shrinks by α = 1/2 (Barnes et al. 2009 §3.2)
ONION_SAMPLES = 64  # random sources tried per pixel by the onion-peel initialisation
EM_MAX_ITERATIONS = 4  # E/M iterations per pyramid level, at most
EM_TOLERANCE = 2e-3  # ...stopping when hole values change less than this on average ([0, 1])
VOTE_PERCENTILE = 75  # σ² of the vote weights: this percentile of the distances (Wexler §3.2)
COARSEST_HOLE_DEPTH = PATCH_RADIUS + 1  # stop coarsening once holes are about a patch wide
# Never coarsen an image below this side (px): on challenge-like crops each coarser level
# cost block PSNR (19.2 dB at 128, 18.7 at 64, 17.6 at 32; bench_methods_humans.py's set).
MIN_LEVEL_SIDE = 128
MIN_SOURCES = 4 * PATCH_SIZE**2  # ...nor to a level with fewer whole known patches than this


@njit(cache=True)
def _next_random(state: np.ndarray) -> np.uint64:
    """xorshift64* (Vigna 2016): advance ``state`` (uint64 (1,)) and return 64 random bits."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return x * np.uint64(0x2545F4914F6CDD1D)


@njit(cache=True)
def _random_below(state: np.ndarray, bound: int) -> int:
    """A random integer in ``[0, bound)``."""
    return int((_next_random(state) >> np.uint64(11)) % np.uint64(bound))


@njit(cache=True)
def _patch_distance(image: np.ndarray, ty: int, tx: int, sy: int, sx: int, radius: int,
                    limit: float) -> float:
    """SSD between the patches centred at (ty, tx) and (sy, sx); stops early past ``limit``."""
    total = 0.0
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            for c in range(image.shape[2]):
                diff = image[ty + dy, tx + dx, c] - image[sy + dy, sx + dx, c]
                total += diff * diff
        if total >= limit:
            return total
    return total


@njit(cache=True)
def _patchmatch(image: np.ndarray, targets: np.ndarray, target_index: np.ndarray,
                valid: np.ndarray, nnf: np.ndarray, cost: np.ndarray, passes: int,
                radius: int, ratio: float, state: np.ndarray) -> None:
    """Improve the nearest-neighbour field ``nnf`` (and its ``cost``) in place.

    Parameters
    ----------
    image : float32 (h, w, C)
        The current estimate.
    targets : int32 (n, 2)
        Target patch centres (row, col), in raster order.
    target_index : int32 (h, w)
        Index into ``targets`` of each pixel, −1 where no target is centred.
    valid : bool (h, w)
        Centres of the allowed source patches (wholly known, inside the image).
    nnf : int32 (n, 2)
        Source centre of each target; valid on entry, valid on exit.
    cost : float64 (n,)
        SSD of each target to its source, kept in step with ``nnf``.
    passes : int
        Scans over the targets; odd passes run backwards (Barnes et al. 2009 §3.2).
    radius : int
        Patch radius.
    ratio : float
        Ratio between successive random-search radii.
    state : uint64 (1,)
        The random generator's state.
    """
    height, width = valid.shape
    for scan in range(passes):
        step = 1 if scan % 2 == 0 else -1
        first, stop = (0, targets.shape[0]) if step == 1 else (targets.shape[0] - 1, -1)
        for k in range(first, stop, step):
            ty, tx = int(targets[k, 0]), int(targets[k, 1])
            best_y, best_x, best = int(nnf[k, 0]), int(nnf[k, 1]), cost[k]
            # Propagation: the already-visited neighbours' matches, shifted by one pixel.
            for axis in range(2):
                ny, nx = ty - step * axis, tx - step * (1 - axis)
                if 0 <= ny < height and 0 <= nx < width and target_index[ny, nx] >= 0:
                    j = target_index[ny, nx]
                    cy, cx = nnf[j, 0] + ty - ny, nnf[j, 1] + tx - nx
                    if 0 <= cy < height and 0 <= cx < width and valid[cy, cx]:
                        d = _patch_distance(image, ty, tx, cy, cx, radius, best)
                        if d < best:
                            best_y, best_x, best = cy, cx, d
            # Random search around the best match, radius halving down to one pixel.
            search = float(max(height, width))
            while search >= 1.0:
                span = int(search)
                cy = min(max(best_y + _random_below(state, 2 * span + 1) - span, radius),
                         height - radius - 1)
                cx = min(max(best_x + _random_below(state, 2 * span + 1) - span, radius),
                         width - radius - 1)
                if valid[cy, cx]:
                    d = _patch_distance(image, ty, tx, cy, cx, radius, best)
                    if d < best:
                        best_y, best_x, best = cy, cx, d
                search *= ratio
            nnf[k, 0], nnf[k, 1], cost[k] = best_y, best_x, best


@njit(cache=True)
def _vote(image: np.ndarray, hole: np.ndarray, targets: np.ndarray, nnf: np.ndarray,
          weight: np.ndarray, radius: int) -> float:
    """Patch voting: set each hole pixel of ``image`` to the weighted mean of its votes.

    Each target patch puts, on every hole pixel it covers, the value at the same
    place in its source patch, with the target's ``weight``. A pixel whose votes all
    have weights that underflowed to zero takes their plain mean. Returns the mean
    absolute change of the hole values.
    """
    height, width, channels = image.shape
    total = np.zeros((height, width, channels))
    weights = np.zeros((height, width))
    plain = np.zeros((height, width, channels))
    votes = np.zeros((height, width))
    for k in range(targets.shape[0]):
        ty, tx, sy, sx, w = targets[k, 0], targets[k, 1], nnf[k, 0], nnf[k, 1], weight[k]
        for dy in range(-radius, radius + 1):
            for dx in range(-radius, radius + 1):
                if hole[ty + dy, tx + dx]:
                    weights[ty + dy, tx + dx] += w
                    votes[ty + dy, tx + dx] += 1.0
                    for c in range(channels):
                        total[ty + dy, tx + dx, c] += w * image[sy + dy, sx + dx, c]
                        plain[ty + dy, tx + dx, c] += image[sy + dy, sx + dx, c]
    change = 0.0
    count = 0
    for y in range(height):
        for x in range(width):
            if hole[y, x]:
                count += 1
                for c in range(channels):
                    if weights[y, x] > 0.0:
                        value = total[y, x, c] / weights[y, x]
                    else:
                        value = plain[y, x, c] / votes[y, x]
                    change += abs(value - image[y, x, c])
                    image[y, x, c] = value
    return change / max(count * channels, 1)


@njit(cache=True)
def _next_layer(filled: np.ndarray, layer: np.ndarray) -> int:
    """Write the onion's next layer — every unfilled pixel with a filled 8-neighbour — into
    ``layer`` (int (≥ n, 2), rows ``(y, x)``) and return its size ``n`` (0: all filled)."""
    height, width = filled.shape
    size = 0
    for y in range(height):
        for x in range(width):
            if not filled[y, x] and filled[max(y - 1, 0):y + 2, max(x - 1, 0):x + 2].any():
                layer[size, 0], layer[size, 1] = y, x
                size += 1
    return size


@njit(cache=True)
def _onion_fill(image: np.ndarray, hole: np.ndarray) -> None:
    """Fill ``hole`` from its border inwards, each pixel the mean of its filled 8-neighbours.

    A layer is every unfilled pixel with a filled neighbour; a layer's pixels are
    computed from the pixels filled before it only, so the result is symmetric.
    """
    height, width, channels = image.shape
    filled = ~hole
    layer = np.empty((hole.sum(), 2), np.int64)
    while True:
        size = _next_layer(filled, layer)
        if size == 0:
            return
        for i in range(size):
            y, x = layer[i, 0], layer[i, 1]
            around = filled[max(y - 1, 0):y + 2, max(x - 1, 0):x + 2]
            values = image[max(y - 1, 0):y + 2, max(x - 1, 0):x + 2]
            for c in range(channels):
                image[y, x, c] = (values[:, :, c] * around).sum() / around.sum()
        for i in range(size):
            filled[layer[i, 0], layer[i, 1]] = True


@njit(cache=True)
def _masked_distance(image: np.ndarray, known: np.ndarray, ty: int, tx: int, sy: int, sx: int,
                     radius: int, limit: float) -> float:
    """SSD over the ``known`` pixels of the target patch only; stops early past ``limit``."""
    total = 0.0
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            if known[ty + dy, tx + dx]:
                for c in range(image.shape[2]):
                    diff = image[ty + dy, tx + dx, c] - image[sy + dy, sx + dx, c]
                    total += diff * diff
        if total >= limit:
            return total
    return total


@njit(cache=True)
def _onion_peel(image: np.ndarray, hole: np.ndarray, valid: np.ndarray, sources: np.ndarray,
                radius: int, samples: int, ratio: float, state: np.ndarray) -> None:
    """Fill ``hole`` from its border inwards by copying from the best-matching known patch.

    Newson et al. 2014 §4.2's initialisation. A layer is every unfilled pixel with a
    filled 8-neighbour; each layer pixel takes the value at the same place in the
    source patch closest to the patch around it, over the pixels filled before the
    layer only. The match is searched as in PatchMatch: the neighbours' matches,
    shifted (propagation), ``samples`` sources drawn from ``sources`` (int (m, 2),
    the valid centres), then random search around the best at shrinking radii.
    """
    height, width, channels = image.shape
    filled = ~hole
    match = np.full((height, width, 2), -1, np.int64)  # where each filled hole pixel came from
    count = np.count_nonzero(hole)
    layer = np.empty((count, 2), np.int64)
    while True:
        size = _next_layer(filled, layer)
        if size == 0:
            return
        for i in range(size):
            y, x = layer[i, 0], layer[i, 1]
            # The patch around (y, x), moved inside the image near the border.
            cy = min(max(y, radius), height - radius - 1)
            cx = min(max(x, radius), width - radius - 1)
            best, best_y, best_x = np.inf, -1, -1
            for ny in range(max(y - 1, 0), min(y + 2, height)):
                for nx in range(max(x - 1, 0), min(x + 2, width)):
                    if match[ny, nx, 0] >= 0:
                        sy, sx = match[ny, nx, 0] - ny + cy, match[ny, nx, 1] - nx + cx
                        if 0 <= sy < height and 0 <= sx < width and valid[sy, sx]:
                            d = _masked_distance(image, filled, cy, cx, sy, sx, radius, best)
                            if d < best:
                                best, best_y, best_x = d, sy, sx
            for _ in range(samples):
                s = _random_below(state, sources.shape[0])
                d = _masked_distance(image, filled, cy, cx, sources[s, 0], sources[s, 1],
                                     radius, best)
                if d < best:
                    best, best_y, best_x = d, sources[s, 0], sources[s, 1]
            search = float(max(height, width)) * ratio
            while search >= 1.0:
                span = int(search)
                sy = min(max(best_y + _random_below(state, 2 * span + 1) - span, radius),
                         height - radius - 1)
                sx = min(max(best_x + _random_below(state, 2 * span + 1) - span, radius),
                         width - radius - 1)
                if valid[sy, sx]:
                    d = _masked_distance(image, filled, cy, cx, sy, sx, radius, best)
                    if d < best:
                        best, best_y, best_x = d, sy, sx
                search *= ratio
            match[y, x, 0], match[y, x, 1] = best_y + y - cy, best_x + x - cx
        for i in range(size):
            y, x = layer[i, 0], layer[i, 1]
            image[y, x] = image[match[y, x, 0], match[y, x, 1]]
            filled[y, x] = True


@njit(cache=True)
def _costs(image: np.ndarray, targets: np.ndarray, nnf: np.ndarray, radius: int) -> np.ndarray:
    """SSD of every target patch to its source patch in the current estimate."""
    cost = np.empty(targets.shape[0])
    for k in range(targets.shape[0]):
        cost[k] = _patch_distance(image, targets[k, 0], targets[k, 1], nnf[k, 0], nnf[k, 1],
                                  radius, np.inf)
    return cost


def _downsample(image: np.ndarray, hole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One pyramid level down: each 2×2 block becomes the mean of its known pixels.

    A coarse pixel is in the hole only when all four of its pixels are, so the hole
    shrinks a little at each level and no coarse value mixes in the hole's content.
    Odd sides repeat their last row or column.
    """
    pad = ((0, hole.shape[0] % 2), (0, hole.shape[1] % 2))
    image = np.pad(image, (*pad, (0, 0)), mode="edge")
    known = ~np.pad(hole, pad, mode="edge")
    height, width = known.shape[0] // 2, known.shape[1] // 2
    weight = known.reshape(height, 2, width, 2, 1).astype(np.float32)
    total = (image.reshape(height, 2, width, 2, -1) * weight).sum(axis=(1, 3))
    count = weight.sum(axis=(1, 3))
    return total / np.maximum(count, 1), count[..., 0] == 0


def _valid_sources(hole: np.ndarray) -> np.ndarray:
    """``bool (h, w)``: centres of the patches that lie wholly in the known region."""
    return ndi.binary_erosion(~hole, np.ones((PATCH_SIZE, PATCH_SIZE), bool), border_value=0)


def _target_patches(hole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centres of the patches that overlap the hole, in raster order, and their index map.

    Centres stay ``PATCH_RADIUS`` inside the image; every hole pixel is still covered
    (the image is at least a patch wide).
    """
    height, width = hole.shape
    near = ndi.binary_dilation(hole, np.ones((PATCH_SIZE, PATCH_SIZE), bool))
    inner = np.zeros_like(near)
    inner[PATCH_RADIUS:height - PATCH_RADIUS, PATCH_RADIUS:width - PATCH_RADIUS] = True
    near &= inner
    targets = np.argwhere(near).astype(np.int32)
    index = np.full(hole.shape, -1, np.int32)
    index[near] = np.arange(len(targets), dtype=np.int32)
    return targets, index


def _pyramid(image: np.ndarray, hole: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Levels from fine to coarse, down to holes about a patch wide (see the constants)."""
    levels = [(image, hole)]
    while True:
        level_image, level_hole = levels[-1]
        depth = ndi.distance_transform_cdt(level_hole, metric="chessboard").max()
        if depth <= COARSEST_HOLE_DEPTH or min(level_hole.shape) // 2 < MIN_LEVEL_SIDE:
            return levels
        coarse = _downsample(level_image, level_hole)
        if np.count_nonzero(_valid_sources(coarse[1])) < MIN_SOURCES:
            return levels
        levels.append(coarse)


def _random_sources(valid: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` source centres drawn uniformly among the valid ones, int32 (count, 2)."""
    candidates = np.argwhere(valid).astype(np.int32)
    return candidates[rng.integers(len(candidates), size=count)]


def _upsample_field(coarse_nnf: np.ndarray, coarse_index: np.ndarray, targets: np.ndarray,
                    valid: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The finer level's field: each target's coarse match, doubled, at the same sub-pixel.

    Targets whose coarse parent had no match, or whose doubled match is not a whole
    known patch at this level, get a random valid source.
    """
    parent = coarse_index[targets[:, 0] // 2, targets[:, 1] // 2]
    nnf = 2 * coarse_nnf[np.maximum(parent, 0)] + targets % 2
    nnf[:, 0] = np.clip(nnf[:, 0], PATCH_RADIUS, valid.shape[0] - PATCH_RADIUS - 1)
    nnf[:, 1] = np.clip(nnf[:, 1], PATCH_RADIUS, valid.shape[1] - PATCH_RADIUS - 1)
    lost = (parent < 0) | ~valid[nnf[:, 0], nnf[:, 1]]
    nnf[lost] = _random_sources(valid, int(lost.sum()), rng)
    return nnf.astype(np.int32)


def _vote_weights(cost: np.ndarray, channels: int) -> np.ndarray:
    """Wexler et al.'s similarity weights ``exp(−d / 2σ²)``, σ² the 75th percentile of d."""
    distance = cost / (PATCH_SIZE * PATCH_SIZE * channels)
    sigma2 = np.percentile(distance, VOTE_PERCENTILE)
    if sigma2 <= 0:
        return np.ones_like(distance)
    return np.exp(-distance / (2.0 * sigma2))


def patchmatch_inpaint(image: np.ndarray, hole: np.ndarray, seed: int = SEED
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill ``hole`` by multi-scale PatchMatch and patch voting (see the module doc).

    Parameters
    ----------
    image : ndarray of float32, shape (H, W, C)
        Values in [0, 1]; the values in the hole are ignored.
    hole : ndarray of bool, shape (H, W)
        True where the image is to be filled; some pixel must be known.
    seed : int
        Seed of the random search and initialisation.

    Returns
    -------
    filled : ndarray of float32, shape (H, W, C)
        ``image`` with the hole filled.
    targets, nnf : ndarray of int32, shape (n, 2)
        The finest level's target patch centres and the centres of their matches
        (all wholly known); both empty when the image holds no whole known patch,
        in which case the hole is filled by the onion peel alone.
    """
    filled = np.ascontiguousarray(image, dtype=np.float32).copy()
    if min(hole.shape) < PATCH_SIZE or not _valid_sources(hole).any():
        _onion_fill(filled, hole)
        empty = np.empty((0, 2), np.int32)
        return filled, empty, empty
    rng = np.random.default_rng(seed)
    state = np.array([rng.integers(1, 2**63)], np.uint64)
    levels = _pyramid(filled, hole)
    nnf = index = None
    for level_image, level_hole in reversed(levels):
        estimate = level_image.copy()
        targets, target_index = _target_patches(level_hole)
        valid = _valid_sources(level_hole)
        if nnf is None:
            _onion_peel(estimate, level_hole, valid, np.argwhere(valid), PATCH_RADIUS,
                        ONION_SAMPLES, SEARCH_RATIO, state)
            nnf = _random_sources(valid, len(targets), rng)
        else:
            nnf = _upsample_field(nnf, index, targets, valid, rng)
            _vote(estimate, level_hole, targets, nnf, np.ones(len(targets)), PATCH_RADIUS)
        index = target_index
        for _ in range(EM_MAX_ITERATIONS):
            cost = _costs(estimate, targets, nnf, PATCH_RADIUS)
            _patchmatch(estimate, targets, target_index, valid, nnf, cost, PATCHMATCH_PASSES,
                        PATCH_RADIUS, SEARCH_RATIO, state)
            weight = _vote_weights(cost, estimate.shape[2])
            if _vote(estimate, level_hole, targets, nnf, weight, PATCH_RADIUS) < EM_TOLERANCE:
                break
    return estimate, targets, nnf


class PatchMatchInpaint:
    """Exemplar-based inpainting: multi-scale PatchMatch with patch voting (our numba code).

    Copies texture from the known part of the image into the holes; see the module
    documentation for the algorithm (Barnes et al. 2009; Wexler et al. 2007; Newson
    et al. 2014). Deterministic: the random search has a fixed seed.
    """

    info = MethodInfo(name="patchmatch", track=Track.HUMANS,
                      description="texture copied from known patches: multi-scale PatchMatch "
                                  "with patch voting",
                      reference="Barnes et al. 2009 (PatchMatch); Wexler et al. 2007; "
                                "Newson et al. 2014")

    def inpaint(self, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        image, mask = check_inputs(image, mask)
        filled, _, _ = patchmatch_inpaint(to_float(image), mask)
        out = image.copy()
        out[mask] = to_uint8(filled[mask])
        return out


register(PatchMatchInpaint.info)(PatchMatchInpaint)
