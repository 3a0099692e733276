"""Filling caption masks: from the neighbouring frames along the motion, or in space.

**Temporal fill** (:func:`temporal_fill`). A caption hides a place only for a
while, and the scene moves under it, so what it hides is usually seen in another
frame: in the gap between two subtitles, or beside the caption before the camera
pans over it. Every masked pixel is traced along the optical flow
(:mod:`.flow`) frame by frame, forward and backward in time, through masked
pixels, until it lands on a pixel no caption covers; the colour there, sampled
once (bilinearly, from the uncovered pixels only) so that no blur piles up along
the chain, fills it. The two directions are blended, each weighted by the
inverse of its distance in time, so the nearer source counts more. This is the
flow-guided propagation of video completion (Xu et al., "Deep Flow-Guided Video
Inpainting", CVPR 2019; Gao et al., "Flow-edge Guided Video Completion", ECCV
2020) by classical means. What no frame shows is filled in space by Telea's fast
marching (Telea, "An Image Inpainting Technique Based on the Fast Marching
Method", J. Graphics Tools 9(1), 2004; ``cv2.inpaint``), and the seam is
smoothed by a small Gaussian across the mask's edge.

**Spatial fill** (:func:`telea_fill`): Telea in every frame, alone, the
baseline that shows what time adds.
"""

from __future__ import annotations

import cv2
import numpy as np
from numba import njit

from inpaintbench.methods.captions.flow import clip_flow

TELEA_RADIUS = 3  # px: cv2.inpaint's neighbourhood, OpenCV's documented typical value
SEAM_SIGMA = 0.7  # px: the Gaussian that smooths the fill's edge
SEAM_WIDTH = 1  # px on each side of the mask's edge that the seam smoothing touches
SOURCE_MARGIN = 2  # px around a caption that give no colour (codec ringing, missed fringe)
CUT_RESIDUAL = 20.0  # grey levels: motion-compensated difference beyond any motion's
CUT_RATIO = 4.0  # … and this many times the clip's typical one


@njit(cache=True)
def _propagate(frames, mask, blocked, flows, linked, step, colour, reach):
    """Trace every masked pixel along ``flows`` towards ``step`` until it is clear.

    Writes, for each pixel of ``mask``, the colour found (``colour``, uint8) and
    how many frames away it was (``reach``, 0 when none was found). A pixel can
    give its colour only where ``blocked`` (a margin around the mask) is False.
    The sources are chained as positions, so the colour is sampled once,
    bilinearly from the clear pixels of the source frame. ``linked[t]`` is False
    where frame ``t`` may not borrow from frame ``t + step`` (a cut between them).
    """
    n, h, w = mask.shape
    src_t = np.full((h, w), -1, np.int32)  # per pixel of the previous frame of the pass
    src_x = np.zeros((h, w), np.float32)
    src_y = np.zeros((h, w), np.float32)
    new_t = np.full((h, w), -1, np.int32)
    new_x = np.zeros((h, w), np.float32)
    new_y = np.zeros((h, w), np.float32)
    order = range(n) if step == -1 else range(n - 1, -1, -1)
    first = True
    for t in order:
        for y in range(h):
            for x in range(w):
                if not blocked[t, y, x]:
                    new_t[y, x] = t
                    new_x[y, x] = x
                    new_y[y, x] = y
                    continue
                new_t[y, x] = -1
                if first or not linked[t]:
                    continue
                qx = x + flows[t, y, x, 0]
                qy = y + flows[t, y, x, 1]
                ix = int(np.floor(qx + 0.5))
                iy = int(np.floor(qy + 0.5))
                if ix < 0 or iy < 0 or ix >= w or iy >= h or src_t[iy, ix] < 0:
                    continue
                s = src_t[iy, ix]
                px = src_x[iy, ix] + (qx - ix)
                py = src_y[iy, ix] + (qy - iy)
                if px < 0 or py < 0 or px > w - 1 or py > h - 1:
                    continue
                new_t[y, x] = s
                new_x[y, x] = px
                new_y[y, x] = py
                if not mask[t, y, x]:
                    continue
                # bilinear over the uncovered corners of the source pixel
                x0 = min(int(px), w - 2)
                y0 = min(int(py), h - 2)
                fx = px - x0
                fy = py - y0
                total = 0.0
                acc0 = 0.0
                acc1 = 0.0
                acc2 = 0.0
                for dy in range(2):
                    for dx in range(2):
                        wgt = (fx if dx else 1 - fx) * (fy if dy else 1 - fy)
                        if wgt > 0 and not blocked[s, y0 + dy, x0 + dx]:
                            total += wgt
                            acc0 += wgt * frames[s, y0 + dy, x0 + dx, 0]
                            acc1 += wgt * frames[s, y0 + dy, x0 + dx, 1]
                            acc2 += wgt * frames[s, y0 + dy, x0 + dx, 2]
                if total <= 0:
                    sx = min(max(int(px + 0.5), 0), w - 1)
                    sy = min(max(int(py + 0.5), 0), h - 1)
                    total = 1.0
                    acc0 = frames[s, sy, sx, 0]
                    acc1 = frames[s, sy, sx, 1]
                    acc2 = frames[s, sy, sx, 2]
                colour[t, y, x, 0] = np.uint8(min(acc0 / total + 0.5, 255.0))
                colour[t, y, x, 1] = np.uint8(min(acc1 / total + 0.5, 255.0))
                colour[t, y, x, 2] = np.uint8(min(acc2 / total + 0.5, 255.0))
                reach[t, y, x] = abs(t - s)
        src_t, new_t = new_t, src_t
        src_x, new_x = new_x, src_x
        src_y, new_y = new_y, src_y
        first = False


def cuts(residual: np.ndarray) -> np.ndarray:
    """Where frame ``t − 1`` and frame ``t`` belong to different shots, bool ``(T,)``.

    A cut is where even the motion-compensated difference (:attr:`.ClipFlow.residual`)
    is large: above :data:`CUT_RESIDUAL` grey levels and :data:`CUT_RATIO` times
    the median of the measured ones (NaN: not measured, no cut).
    """
    measured = residual[np.isfinite(residual)]
    typical = float(np.median(measured)) if len(measured) else 0.0
    with np.errstate(invalid="ignore"):  # NaN (not measured) is no cut
        return (residual > CUT_RESIDUAL) & (residual > CUT_RATIO * typical)


def telea_fill(frames: np.ndarray, mask: np.ndarray, radius: int = TELEA_RADIUS) -> np.ndarray:
    """Fill ``mask`` in every frame by Telea's fast marching (``cv2.inpaint``), in space only.

    Parameters
    ----------
    frames : numpy.ndarray
        uint8 ``(T, H, W, 3)``.
    mask : numpy.ndarray
        bool ``(T, H, W)``.
    radius : int
        The inpainting neighbourhood, px.

    Returns
    -------
    numpy.ndarray
        uint8 ``(T, H, W, 3)``, equal to ``frames`` off the mask.
    """
    out = frames.copy()
    for t in np.flatnonzero(mask.any(axis=(1, 2))):
        out[t] = cv2.inpaint(frames[t], mask[t].astype(np.uint8), radius, cv2.INPAINT_TELEA)
    return out


def smooth_seam(filled: np.ndarray, mask: np.ndarray, sigma: float = SEAM_SIGMA,
                width: int = SEAM_WIDTH) -> np.ndarray:
    """Blur ``filled`` lightly where its mask's edge runs, so the fill meets the picture softly.

    Only pixels within ``width`` px of the edge, on either side, change.
    """
    out = filled.copy()
    kernel = np.ones((2 * width + 1,) * 2, np.uint8)
    for t in np.flatnonzero(mask.any(axis=(1, 2))):
        m = mask[t].astype(np.uint8)
        band = (cv2.dilate(m, kernel) - cv2.erode(m, kernel)).astype(bool)
        blurred = cv2.GaussianBlur(filled[t], (0, 0), sigma)
        out[t][band] = blurred[band]
    return out


def temporal_fill(frames: np.ndarray, mask: np.ndarray, *, motion: bool = True,
                  flow_scale: float = 1.0, seam: bool = True) -> np.ndarray:
    """Fill ``mask`` from the frames where each place is uncovered, along the motion.

    Parameters
    ----------
    frames : numpy.ndarray
        uint8 ``(T, H, W, 3)``.
    mask : numpy.ndarray
        bool ``(T, H, W)``: what to fill.
    motion : bool
        Follow the optical flow; False copies from the same place in the nearest
        frames where it is clear (a still camera's answer, and the baseline that
        shows what the flow adds).
    flow_scale : float
        Measure the flow on frames resized by this factor (smaller is faster).
    seam : bool
        Smooth the edge of the fill (:func:`smooth_seam`).

    Returns
    -------
    numpy.ndarray
        uint8 ``(T, H, W, 3)``, equal to ``frames`` off the mask.
    """
    if not mask.any():
        return frames.copy()
    kernel = np.ones((2 * SOURCE_MARGIN + 1,) * 2, np.uint8)
    blocked = np.stack([cv2.dilate(m, kernel) for m in mask.astype(np.uint8)]).astype(bool)
    if motion:
        flow = clip_flow(frames, mask, scale=flow_scale)
        to_previous, to_next = flow.to_previous, flow.to_next
        cut = cuts(flow.residual)  # cut[t]: no borrowing between frames t − 1 and t
    else:
        to_previous = to_next = np.zeros((*mask.shape, 2), np.float32)
        cut = np.zeros(len(mask), bool)
    # linked: frame t may borrow from its neighbour in the pass's direction (no cut between)
    passes = ((-1, to_previous, ~cut), (1, to_next, ~np.roll(cut, -1)))
    found = []
    for step, flows, linked in passes:
        colour = np.zeros(frames.shape, np.uint8)
        reach = np.zeros(mask.shape, np.int16)
        _propagate(frames, mask, blocked, flows, linked, step, colour, reach)
        found.append((colour, reach))
    (back, back_reach), (ahead, ahead_reach) = found
    filled = mask & ((back_reach > 0) | (ahead_reach > 0))
    # both directions, weighted by the inverse of their distance in time (0: none found)
    near_back, near_ahead = (np.where(r > 0, 1 / np.maximum(r, 1).astype(np.float32), 0)
                             for r in (back_reach[filled], ahead_reach[filled]))
    weight = (near_back / (near_back + near_ahead))[:, None]
    out = frames.copy()
    out[filled] = np.rint(weight * back[filled] + (1 - weight) * ahead[filled])
    out = telea_fill(out, mask & ~filled)
    return smooth_seam(out, mask) if seam else out
