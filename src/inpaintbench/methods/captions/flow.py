"""Optical flow between neighbouring frames of a clip, completed under the captions.

The flow is measured with DIS (Kroeger et al., "Fast Optical Flow using Dense
Inverse Search", ECCV 2016; OpenCV's ``DISOpticalFlow``) on the luma of
consecutive frames whose captions were first smoothed away (a still caption would
hold the flow around it at zero). Under a caption, and a few pixels around where
the variational refinement still feels it, the flow is then replaced by the
camera's motion, an affine model fitted with RANSAC on the rest of the frame,
plus a smooth continuation of what differs from it (people walking): a pull–push
interpolation (Gortler et al., "The Lumigraph", SIGGRAPH 1996). This is the flow
completion step of flow-guided video inpainting (Xu et al., "Deep Flow-Guided
Video Inpainting", CVPR 2019) by classical means.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

FLOW_MARGIN = 8  # px around a caption where the flow still follows the caption
GLOBAL_SAMPLES = 2000  # pixels the camera-motion fit draws from
GLOBAL_MIN_PIXELS = 200  # fewer known pixels than this fit no camera motion
GLOBAL_INLIER_PX = 0.5  # RANSAC reprojection threshold, px
GLOBAL_MIN_INLIERS = 0.5  # the model must explain this share of the picture
STILL = 0.1  # px: a camera whose median motion is below this is still …
STILL_NOISE = 0.5  # px: … and its flows below this are DIS noise, not movers
STILL_SAMPLE = 7  # every 7th clear pixel is enough for that median
_EPS = np.float32(1e-6)


def pull_push(values: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Fill the unknown pixels of ``values`` smoothly from the known ones.

    The pull phase averages the known values down a Gaussian pyramid (each level
    a normalised convolution of the one below) until every pixel of the top has
    support; the push phase goes back up, keeping at each level what the known
    pixels say, in proportion to their support, and taking the rest from the
    level above. Only the bounding box of the unknown pixels, with a margin of
    known ones, is worked on.

    Parameters
    ----------
    values : numpy.ndarray
        float32 ``(H, W)`` or ``(H, W, C)``.
    known : numpy.ndarray
        bool ``(H, W)``: where ``values`` are trusted.

    Returns
    -------
    numpy.ndarray
        float32, the shape of ``values``; equal to it where ``known``.

    Examples
    --------
    >>> v = np.zeros((8, 8), np.float32); v[:, 4:] = 1
    >>> known = np.ones((8, 8), bool); known[:, 3:5] = False
    >>> out = pull_push(v, known)
    >>> bool(out[0, 0] == 0 and out[0, 7] == 1 and 0 < out[0, 3] < out[0, 4] < 1)
    True
    """
    values = np.asarray(values, np.float32)
    known = np.asarray(known, bool)
    out = values.copy()
    if known.all() or not known.any():
        return out
    rows, cols = np.flatnonzero(~known.all(axis=1)), np.flatnonzero(~known.all(axis=0))
    pad = min(rows[-1] - rows[0], cols[-1] - cols[0]) // 2 + 4  # support from the near sides
    window = (slice(max(rows[0] - pad, 0), rows[-1] + pad + 1),
              slice(max(cols[0] - pad, 0), cols[-1] + pad + 1))
    weight = known[window].astype(np.float32)
    channels = (slice(None), slice(None)) + ((None,) if values.ndim == 3 else ())
    weighted = values[window] * weight[channels]
    levels = [(weighted, weight)]
    while min(weight.shape) > 1 and not (weight > _EPS).all():
        weighted, weight = cv2.pyrDown(weighted), cv2.pyrDown(weight)
        levels.append((weighted, weight))
    estimate = None
    for weighted, weight in reversed(levels):
        support = weight[channels]
        mean = weighted / np.maximum(support, _EPS)
        if estimate is None:
            estimate = mean
            continue
        up = cv2.pyrUp(estimate, dstsize=(weight.shape[1], weight.shape[0]))
        trust = np.minimum(support, 1)  # a pixel fully supported at this level is known
        estimate = up + trust * (mean - up)
    hole = ~known[window]
    out[window][hole] = estimate[hole]
    return out


def _grid(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates ``(x, y)``, float32 ``(H, W)`` each."""
    return np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))


def global_motion(flow: np.ndarray, known: np.ndarray, samples: int = GLOBAL_SAMPLES
                  ) -> np.ndarray | None:
    """The affine motion that explains most of ``flow`` where ``known``, or None.

    Fitted with RANSAC (``cv2.estimateAffine2D``) on a regular sample of the known
    pixels: a camera pan or zoom is affine, people walking are its outliers.

    Returns
    -------
    numpy.ndarray or None
        float32 ``(H, W, 2)``: the model's flow everywhere.
    """
    ys, xs = np.nonzero(known)
    if len(ys) < GLOBAL_MIN_PIXELS:
        return None
    pick = np.linspace(0, len(ys) - 1, min(samples, len(ys))).astype(int)
    src = np.stack([xs[pick], ys[pick]], axis=1).astype(np.float32)
    dst = src + flow[ys[pick], xs[pick]]
    model, inliers = cv2.estimateAffine2D(src, dst, ransacReprojThreshold=GLOBAL_INLIER_PX)
    if model is None or inliers.mean() < GLOBAL_MIN_INLIERS:
        return None
    x, y = _grid(*flow.shape[:2])
    (a, b, c), (d, e, f) = model.astype(np.float32)
    return np.stack([(a - 1) * x + b * y + c, d * x + (e - 1) * y + f], axis=-1)


def complete_flow(flow: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Replace ``flow`` where not ``known``: the camera's motion plus the smoothly filled rest.

    The completion is smooth, so it is computed at half size (a half-size pixel is
    known when its four pixels are) and brought back.
    """
    height, width = known.shape
    half = (max(width // 2, 1), max(height // 2, 1))
    small = cv2.resize(flow, half, interpolation=cv2.INTER_AREA) * np.float32(0.5)
    small_known = cv2.resize(known.astype(np.float32), half, interpolation=cv2.INTER_AREA) >= 1
    model = global_motion(small, small_known)
    filled = pull_push(small, small_known) if model is None \
        else model + pull_push(small - model, small_known)
    filled = cv2.resize(filled, (width, height), interpolation=cv2.INTER_LINEAR) * np.float32(2)
    out = flow.copy()
    out[~known] = filled[~known]
    return out


def luma(frames: np.ndarray) -> np.ndarray:
    """uint8 luma (BT.601) of RGB frames ``(T, H, W, 3)``."""
    return np.stack([cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames])


def _hold_still(flow: np.ndarray, untrusted: np.ndarray) -> None:
    """Zero the noise of ``flow`` in place when the camera is still.

    DIS reports a few tenths of a pixel of motion on a still textured picture; a
    pixel copied along it would be resampled, and blurred, for nothing. When the
    median motion off the captions is under :data:`STILL`, flows under
    :data:`STILL_NOISE` (all but the people moving) are set to zero.
    """
    speed = np.maximum(np.abs(flow[..., 0]), np.abs(flow[..., 1]))
    clear = speed[~untrusted][::STILL_SAMPLE]
    if clear.size and np.median(clear) < STILL:
        flow[speed < STILL_NOISE] = 0


@dataclass(frozen=True)
class ClipFlow:
    """The completed flow between every two consecutive frames of a clip.

    Attributes
    ----------
    to_previous, to_next : numpy.ndarray
        float32 ``(T, H, W, 2)``: ``to_previous[t, y, x] = (dx, dy)`` says that
        pixel ``(x, y)`` of frame ``t`` shows what ``(x + dx, y + dy)`` of frame
        ``t − 1`` shows; ``to_next`` likewise with frame ``t + 1``. Zero where
        not measured: past the clip's ends, and between frames without captions.
    residual : numpy.ndarray
        float32 ``(T,)``: mean absolute luma difference between frame ``t`` and
        frame ``t − 1`` warped onto it, off the captions; NaN where not measured
        (the first frame, and pairs without a caption).
    """

    to_previous: np.ndarray
    to_next: np.ndarray
    residual: np.ndarray


def clip_flow(frames: np.ndarray, mask: np.ndarray, *, scale: float = 1.0,
              preset: int = cv2.DISOPTICAL_FLOW_PRESET_FAST) -> ClipFlow:
    """Flows between consecutive frames, completed under ``mask``.

    Only the pairs of frames of which one at least has a caption are measured
    (the others stay zero): only there will a pixel be traced.

    Parameters
    ----------
    frames : numpy.ndarray
        uint8 ``(T, H, W, 3)``.
    mask : numpy.ndarray
        bool ``(T, H, W)``: the captions.
    scale : float
        Measure (and complete) the flow on frames resized by this factor, then
        bring it back to full size: 0.5 is about four times cheaper.
    preset : int
        DIS preset (OpenCV's ``DISOPTICAL_FLOW_PRESET_*``).
    """
    n, height, width = frames.shape[:3]
    size = (max(round(width * scale), 8), max(round(height * scale), 8))
    gray = luma(frames)
    covered = mask.astype(np.uint8)
    if size != (width, height):  # a pixel partly under a caption counts as under it
        gray = np.stack([cv2.resize(g, size, interpolation=cv2.INTER_AREA) for g in gray])
        covered = np.stack([cv2.resize(m * 255, size, interpolation=cv2.INTER_AREA) > 0
                            for m in covered]).astype(np.uint8)
    dis = cv2.DISOpticalFlow_create(preset)
    margin = max(1, round(FLOW_MARGIN * scale))
    kernel = np.ones((2 * margin + 1,) * 2, np.uint8)
    x, y = _grid(size[1], size[0])
    to_previous = np.zeros((n, height, width, 2), np.float32)
    to_next = np.zeros_like(to_previous)
    residual = np.full(n, np.nan, np.float32)
    for t in range(1, n):
        either = covered[t] | covered[t - 1]
        if not either.any():
            continue  # nothing to fill on either side: nothing will follow this flow
        # the captions of both frames smoothed away in both, so that their still edges do
        # not hold the scene's motion back and the two frames stay alike
        previous, current = (np.rint(pull_push(g.astype(np.float32), either == 0))
                             .astype(np.uint8) for g in (gray[t - 1], gray[t]))
        untrusted = cv2.dilate(either, kernel).astype(bool)
        back = complete_flow(dis.calc(current, previous, None), ~untrusted)
        ahead = complete_flow(dis.calc(previous, current, None), ~untrusted)
        moved = cv2.remap(previous, x + back[..., 0], y + back[..., 1], cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)
        clear = ~untrusted
        if clear.any():
            residual[t] = np.abs(current.astype(np.float32) - moved)[clear].mean()
        for flow, out in ((back, to_previous[t]), (ahead, to_next[t - 1])):
            _hold_still(flow, untrusted)
            if size != (width, height):
                flow = cv2.resize(flow, (width, height), interpolation=cv2.INTER_LINEAR)
                flow *= np.float32(width / size[0]), np.float32(height / size[1])
            out[:] = flow
    return ClipFlow(to_previous, to_next, residual)
