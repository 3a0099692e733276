"""Moving-camera clips made from one photograph, so track 2 never lacks input.

A photo becomes a 5-second, 25 fps, 128×128 clip (the release's track-2 clip format; 256×256
with ``size=256``, the book's)
seen through a virtual camera that moves over it:

==========  ===========================================================================
kind        camera
==========  ===========================================================================
pan         a straight pan across the photo, easing in and out
zoom        a slow zoom in or out towards a point of the photo (the Ken Burns effect)
parallax    a sideways move over depth layers that slide at different speeds: far
            layers slowly, near ones faster; what a near layer uncovers is filled from
            the layer behind it
handheld    a held camera: slow drift plus small shake in position, rotation and scale
==========  ===========================================================================

Every frame is one bicubic resampling of the photo: separable 4-tap filters for the
pure translations of pan and parallax (three layers composited), Pillow's affine
``transform`` for zoom and handheld; a clip takes a fraction of a second. The photo is
first resized (Lanczos) so that the camera's window is about as wide as a frame: no
aliasing while the camera moves, and a small photo is upscaled. All randomness comes
from the ``numpy.random.Generator`` given, so a clip is reproduced from its seed, and
the returned parameters (JSON-ready) go into the clip's metadata.

>>> from skimage import data
>>> frames, params = photo_clip(data.astronaut(), np.random.default_rng(0), kind="pan")
>>> frames.shape, frames.dtype, params["kind"]
((125, 128, 128, 3), dtype('uint8'), 'pan')
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PIL import Image
from scipy import ndimage

from inpaintbench.data.captions.clips import CLIP_SECONDS, Clip
from inpaintbench.tracks import CLIP_FPS, CLIP_FRAMES, CLIP_SIZE

MOTION_KINDS = ("pan", "zoom", "parallax", "handheld")
MIN_PHOTO_SIDE = 16  # pixels; smaller photos hold too little to move over

# pan: the window's side, as a fraction of the photo's short side; the travel covers
# 50-100 % of the free range along each moving axis.
PAN_WINDOW = (0.5, 0.75)
PAN_TRAVEL = (0.5, 1.0)
# zoom: the wide window is 85-100 % of the short side; zoom factor over the clip.
ZOOM_WIDE_WINDOW = (0.85, 1.0)
ZOOM_RATIO = (1.25, 1.6)
# handheld: window 80 % of the short side (the rest is margin for the shake); drift
# over the clip and shake amplitudes as fractions of the window, rotation in degrees;
# the shake is a sum of HANDHELD_SINES sines per axis at 0.3-2.5 Hz.
HANDHELD_WINDOW = 0.8
HANDHELD_DRIFT = (0.02, 0.06)
HANDHELD_SHAKE = (0.003, 0.008)
HANDHELD_ROTATION_DEG = (0.1, 0.35)
HANDHELD_ZOOM = (0.002, 0.006)
HANDHELD_FREQ_HZ = (0.3, 2.5)
HANDHELD_SINES = 3
# parallax: window 70 % of the short side; the nearest layer travels 8-16 % of the
# window; layers (far, middle, near) move at these relative speeds and hold these
# shares of the pixels (depth quantiles). The speeds differ moderately: the depth is a
# guess, and a layer border through an object tears it by the speed difference.
PARALLAX_WINDOW = 0.7
PARALLAX_TRAVEL = (0.08, 0.16)
PARALLAX_SPEEDS = (0.5, 0.75, 1.0)
PARALLAX_SHARES = (0.45, 0.3, 0.25)
PARALLAX_VERTICAL_WEIGHT = 0.6  # depth = this × height in the photo + the rest × texture
PARALLAX_SNAP = 0.08  # layer borders move to image edges within this depth range (of 1)
PARALLAX_MAX_TILT = 0.3  # radians off horizontal for the camera's direction

_RESAMPLE = Image.Resampling.BICUBIC


def photo_clip(image: np.ndarray, rng: np.random.Generator, *, kind: str | None = None,
               size: int = CLIP_SIZE) -> tuple[np.ndarray, dict[str, Any]]:
    """Make a moving-camera clip from one photograph.

    Parameters
    ----------
    image : ndarray, uint8 (H, W, 3)
        An RGB photograph, any size (at least 16 pixels a side; small ones are upscaled).
    rng : numpy.random.Generator
        The only source of randomness: the same state gives the same clip.
    kind : {"pan", "zoom", "parallax", "handheld"}, optional
        The camera motion; drawn uniformly from ``rng`` when omitted.
    size : int
        The frames' side in pixels (the release's 128, or the book's 256). The same
        ``rng`` state gives the same camera path at every size.

    Returns
    -------
    frames : ndarray, uint8 (125, size, size, 3)
        The clip, 5 s at 25 fps.
    params : dict
        JSON-ready: ``kind``, ``photo_size`` and ``work_size`` (width, height of the
        photo and of its resized copy), and the trajectory (window fractions, centres
        normalised to the photo's width and height, amplitudes, frequencies, ...).

    Raises
    ------
    ValueError
        When ``image`` is not ``uint8 (H, W, 3)`` of at least 16×16 or ``kind`` is unknown.
    """
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"photo_clip needs a uint8 (H, W, 3) RGB image, got "
                         f"{image.dtype} {image.shape}")
    if min(image.shape[:2]) < MIN_PHOTO_SIDE:
        raise ValueError(f"photo_clip needs at least {MIN_PHOTO_SIDE}×{MIN_PHOTO_SIDE} "
                         f"pixels, got {image.shape[1]}×{image.shape[0]}")
    if kind is None:
        kind = MOTION_KINDS[int(rng.integers(len(MOTION_KINDS)))]
    if kind not in MOTION_KINDS:
        raise ValueError(f"unknown motion kind {kind!r}: use one of {', '.join(MOTION_KINDS)}")
    frames, params = _MAKERS[kind](Image.fromarray(image), rng, size)
    return frames, {"kind": kind, "photo_size": [image.shape[1], image.shape[0]],
                    "fps": CLIP_FPS, "ease": "smoothstep", **_jsonable(params)}


# --- geometry ----------------------------------------------------------------------


def _ease(u: np.ndarray) -> np.ndarray:
    """Smoothstep: 0 → 1 with zero speed at both ends (ease in and out)."""
    return u * u * (3 - 2 * u)


def _progress() -> np.ndarray:
    """Eased progress of each frame, 0 at the first frame and 1 at the last."""
    return _ease(np.linspace(0.0, 1.0, CLIP_FRAMES))


def _work_image(photo: Image.Image, window_fraction: float, size: int) -> Image.Image:
    """The photo resized so that a window of ``window_fraction`` × its short side is
    ``size`` pixels: the camera then samples it about 1:1."""
    scale = size / (window_fraction * min(photo.size))
    size = (max(1, round(photo.width * scale)), max(1, round(photo.height * scale)))
    return photo.resize(size, Image.Resampling.LANCZOS)


def _affine(centre: tuple[float, float], side: float, angle: float, size: int) -> tuple:
    """Pillow AFFINE data mapping the ``size × size`` output onto a square window of the photo.

    The window has side ``side`` (photo pixels), its centre at ``centre`` and is rotated
    by ``angle`` radians; coordinates are continuous (pixel centres at +0.5).
    """
    s = side / size
    a, b = s * math.cos(angle), -s * math.sin(angle)
    d, e = s * math.sin(angle), s * math.cos(angle)
    half = size / 2
    return (a, b, centre[0] - (a + b) * half, d, e, centre[1] - (d + e) * half)


def _render(work: Image.Image, centres: np.ndarray, sides: np.ndarray, size: int,
            angles: np.ndarray | None = None) -> np.ndarray:
    """One window per frame: ``uint8 (125, size, size, 3)``."""
    frames = np.empty((CLIP_FRAMES, size, size, 3), np.uint8)
    for t in range(CLIP_FRAMES):
        angle = 0.0 if angles is None else float(angles[t])
        data = _affine((float(centres[t, 0]), float(centres[t, 1])), float(sides[t]), angle,
                       size)
        frames[t] = np.asarray(work.transform((size, size), Image.Transform.AFFINE,
                                              data, resample=_RESAMPLE))
    return frames


_PAD = 2  # edge pixels added around a photo for the cubic taps of _translate


def _padded(image: np.ndarray) -> np.ndarray:
    """``float32 (C, H, W)`` planes of an ``(H, W, C)`` image, with :data:`_PAD`
    edge-replicated pixels around them (channel-first: the per-frame arithmetic of
    :func:`_translate` and of the layer composite then runs on contiguous planes)."""
    planes = np.asarray(image, np.float32).transpose(2, 0, 1)
    return np.pad(planes, ((0, 0), (_PAD, _PAD), (_PAD, _PAD)), mode="edge")


def _cubic_weights(fraction: float) -> np.ndarray:
    """Keys' cubic convolution weights (a = -0.5, as Pillow's bicubic) for 4 taps."""
    f = fraction
    return np.array([((-0.5 * f + 1) * f - 0.5) * f, (1.5 * f - 2.5) * f * f + 1,
                     ((-1.5 * f + 2) * f + 0.5) * f, (0.5 * f - 0.5) * f * f], np.float32)


def _translate(padded: np.ndarray, x: float, y: float, size: int) -> np.ndarray:
    """The ``(C, size, size)`` window whose top-left corner is at ``(x, y)`` (continuous
    photo coordinates), bicubic: two separable 4-tap passes, several times faster than
    a general affine resampling. ``padded`` comes from :func:`_padded`."""
    x0, y0 = math.floor(x), math.floor(y)
    wx, wy = _cubic_weights(x - x0), _cubic_weights(y - y0)
    # output pixel i samples photo pixel x + i: taps x0 + i - 1 ... x0 + i + 2
    region = padded[:, y0 + _PAD - 1:y0 + _PAD + size + 2, x0 + _PAD - 1:x0 + _PAD + size + 2]
    if region.shape[1:] != (size + 3, size + 3):
        raise ValueError(f"window at ({x:.1f}, {y:.1f}) leaves the photo")  # a bug if seen
    rows = wx[0] * region[..., 0:size]
    for tap in range(1, 4):
        rows += wx[tap] * region[..., tap:tap + size]
    out = wy[0] * rows[:, 0:size]
    for tap in range(1, 4):
        out += wy[tap] * rows[:, tap:tap + size]
    return out


def _to_frame(planes: np.ndarray, frame: np.ndarray) -> None:
    """Write ``float (3, S, S)`` planes into a ``uint8 (S, S, 3)`` frame, rounded."""
    np.clip(planes, 0, 255, out=planes)
    planes += 0.5  # the cast truncates: round half up
    frame[...] = planes.transpose(1, 2, 0)


def _valid_range(length: float, side: float) -> tuple[float, float]:
    """The centres that keep a window of ``side`` inside ``[0, length]``."""
    return side / 2, max(side / 2, length - side / 2)


def _normalised(points: np.ndarray, work: Image.Image) -> list:
    return (np.asarray(points) / np.array(work.size, float)).tolist()


# --- kinds -------------------------------------------------------------------------


def _pan(photo: Image.Image, rng: np.random.Generator,
         size: int) -> tuple[np.ndarray, dict]:
    fraction = float(rng.uniform(*PAN_WINDOW))
    work = _work_image(photo, fraction, size)
    side = float(size)
    ends = np.empty((2, 2))
    moving = rng.random(2) < 0.5  # which axes move besides the long one
    moving[int(np.argmax(work.size))] = True
    for axis in range(2):
        lo, hi = _valid_range(work.size[axis], side)
        if moving[axis]:
            travel = float(rng.uniform(*PAN_TRAVEL))
            start = float(rng.uniform(0.0, 1.0 - travel))
            a, b = (start, start + travel) if rng.random() < 0.5 else (start + travel, start)
        else:
            a = b = float(rng.uniform(0.0, 1.0))
        ends[:, axis] = lo + np.array([a, b]) * (hi - lo)
    centres = ends[0] + _progress()[:, None] * (ends[1] - ends[0])
    padded = _padded(np.asarray(work, np.float32))
    frames = np.empty((CLIP_FRAMES, size, size, 3), np.uint8)
    for t, (x, y) in enumerate(centres - side / 2):
        _to_frame(_translate(padded, x, y, size), frames[t])
    return frames, {
        "work_size": list(work.size), "window": fraction,
        "start": _normalised(ends[0], work), "end": _normalised(ends[1], work)}


def _zoom(photo: Image.Image, rng: np.random.Generator,
          size: int) -> tuple[np.ndarray, dict]:
    wide = float(rng.uniform(*ZOOM_WIDE_WINDOW))
    ratio = float(rng.uniform(*ZOOM_RATIO))
    zoom_in = bool(rng.random() < 0.5)
    work = _work_image(photo, wide / math.sqrt(ratio), size)  # size px mid-zoom
    short = min(work.size)
    sides = np.array([wide * short, wide * short / ratio])
    centres = np.empty((2, 2))
    for i, side in enumerate(sides):  # wide window, then the point zoomed on
        for axis in range(2):
            lo, hi = _valid_range(work.size[axis], side)
            centres[i, axis] = rng.uniform(lo, hi)
    if not zoom_in:
        sides, centres = sides[::-1], centres[::-1]
    # the side changes geometrically (a steady zoom speed); the centre moves in step
    # with the side, so every window lies between two valid ones and stays inside
    side_t = sides[0] * (sides[1] / sides[0]) ** _progress()
    lam = (side_t - sides[0]) / (sides[1] - sides[0])
    centre_t = centres[0] + lam[:, None] * (centres[1] - centres[0])
    return _render(work, centre_t, side_t, size), {
        "work_size": list(work.size), "direction": "in" if zoom_in else "out",
        "ratio": ratio, "window_start": float(sides[0] / short),
        "window_end": float(sides[1] / short),
        "start": _normalised(centres[0], work), "end": _normalised(centres[1], work)}


def _handheld(photo: Image.Image, rng: np.random.Generator,
              size: int) -> tuple[np.ndarray, dict]:
    work = _work_image(photo, HANDHELD_WINDOW, size)
    side = float(size)
    t = np.arange(CLIP_FRAMES) / CLIP_FPS
    heading = float(rng.uniform(0, 2 * math.pi))
    drift = float(rng.uniform(*HANDHELD_DRIFT)) * side
    shake: dict[str, dict[str, list]] = {}
    wobble = {}
    for axis, (amp_range, unit) in {"x": (HANDHELD_SHAKE, side), "y": (HANDHELD_SHAKE, side),
                                    "rotation_deg": (HANDHELD_ROTATION_DEG, 1.0),
                                    "zoom": (HANDHELD_ZOOM, 1.0)}.items():
        amps = rng.uniform(*amp_range, HANDHELD_SINES) * unit
        freqs = rng.uniform(*HANDHELD_FREQ_HZ, HANDHELD_SINES)
        phases = rng.uniform(0, 2 * math.pi, HANDHELD_SINES)
        wobble[axis] = (amps[:, None] * np.sin(2 * math.pi * freqs[:, None] * t + phases[:, None])
                        ).sum(0)
        shake[axis] = {"amplitude": (amps / unit).tolist(),  # x, y: of the window's side
                       "frequency_hz": freqs.tolist(),
                       "phase": phases.tolist()}
    centre0 = np.array(work.size, float) / 2
    direction = np.array([math.cos(heading), math.sin(heading)])
    centres = centre0 + (np.linspace(-0.5, 0.5, CLIP_FRAMES)[:, None] * drift * direction
                         + np.stack([wobble["x"], wobble["y"]], axis=1))
    sides = side * (1 + wobble["zoom"])
    angles = np.deg2rad(wobble["rotation_deg"])
    # keep the rotated window inside the photo (a no-op with the default margins)
    half = sides / 2 * (np.abs(np.cos(angles)) + np.abs(np.sin(angles)))
    for axis in range(2):
        centres[:, axis] = np.clip(centres[:, axis], half,
                                   np.maximum(half, work.size[axis] - half))
    return _render(work, centres, sides, size, angles), {
        "work_size": list(work.size), "window": HANDHELD_WINDOW,
        "drift": drift / side, "drift_heading": heading, "shake": shake}


def _parallax(photo: Image.Image, rng: np.random.Generator,
              size: int) -> tuple[np.ndarray, dict]:
    work = _work_image(photo, PARALLAX_WINDOW, size)
    side = float(size)
    travel = float(rng.uniform(*PARALLAX_TRAVEL)) * side
    tilt = float(rng.uniform(-PARALLAX_MAX_TILT, PARALLAX_MAX_TILT))
    sign = 1.0 if rng.random() < 0.5 else -1.0
    direction = np.array([sign * math.cos(tilt), math.sin(tilt)])
    # the near layer must stay inside the photo at both ends of its travel
    room = (np.array(work.size, float) - side) / np.maximum(np.abs(direction), 1e-9)
    travel = float(min(travel, room.min()))
    layers, shares = _depth_layers(np.asarray(work))
    corner = (np.array(work.size, float) - side) / 2  # the window's top-left at rest
    offsets = (_progress() - 0.5)[:, None] * travel * direction  # of the nearest layer
    frames = np.empty((CLIP_FRAMES, size, size, 3), np.uint8)
    for t in range(CLIP_FRAMES):
        out = None
        for layer, speed in zip(layers, PARALLAX_SPEEDS, strict=True):
            view = _translate(layer, *(corner + speed * offsets[t]), size)
            if out is None:  # the far layer: opaque, no alpha channel
                out = view
            else:  # premultiplied "over" (clipped: cubic sampling overshoots at edges)
                out *= np.clip(1 - view[3], 0, 1)
                out += view[:3]
        _to_frame(out, frames[t])
    return frames, {
        "work_size": list(work.size), "window": PARALLAX_WINDOW, "travel": travel / side,
        "direction": direction.tolist(), "layer_speeds": list(PARALLAX_SPEEDS),
        "layer_shares": shares, "depth": f"{PARALLAX_VERTICAL_WEIGHT:g} × height in the "
                                          f"photo + {1 - PARALLAX_VERTICAL_WEIGHT:g} × texture"}


def _depth_layers(rgb: np.ndarray) -> tuple[list[np.ndarray], list[float]]:
    """Split a photo into far, middle and near layers (:func:`_padded` float32 arrays).

    Depth is a guess that suits most photos: lower in the frame is nearer (the ground
    plane), and textured regions are nearer than flat ones (sky, walls far away); the
    depth classes are cut at quantiles, then their borders snapped to edges. Layer
    ``k`` is opaque where the depth class is ``k`` or nearer (the far layer everywhere),
    and its colours where it hides nearer layers are filled from its own pixels
    (push-pull), so what a moving near layer uncovers continues the layer behind it.
    With no motion the composite is the photo itself. The far layer is RGB, the others
    premultiplied RGBA.
    """
    from skimage.segmentation import watershed

    height, width = rgb.shape[:2]
    short = min(height, width)
    luma = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32) / 255
    edges = np.hypot(ndimage.sobel(luma, 0), ndimage.sobel(luma, 1))
    texture = ndimage.gaussian_filter(edges, 0.02 * short)
    texture /= max(float(np.percentile(texture, 99)), 1e-6)
    rows = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    depth = (PARALLAX_VERTICAL_WEIGHT * rows
             + (1 - PARALLAX_VERTICAL_WEIGHT) * np.minimum(texture, 1))
    depth = ndimage.gaussian_filter(depth, 0.03 * short)
    bounds = np.quantile(depth, [0.0, *np.cumsum(PARALLAX_SHARES)[:-1], 1.0])
    labels = np.digitize(depth, bounds[1:-1])
    # Snap the layers' borders to the photo's edges, so that they run around objects
    # rather than through them: pixels near a depth cut are unassigned and flooded
    # (watershed on the edge strength) from the confident parts of each layer.
    margin = PARALLAX_SNAP * (bounds[-1] - bounds[0])
    unsure = np.zeros(depth.shape, bool)
    for cut in bounds[1:-1]:
        unsure |= np.abs(depth - cut) < margin
    markers = np.where(unsure, 0, labels + 1)
    if np.unique(markers[markers > 0]).size == len(PARALLAX_SHARES):
        labels = watershed(ndimage.gaussian_filter(edges, 1.0), markers) - 1
    shares = [float((labels == k).mean()) for k in range(len(PARALLAX_SHARES))]
    values = rgb.astype(np.float32)
    layers = []
    for k in range(len(PARALLAX_SHARES)):
        colour = _push_pull(values, (labels == k).astype(np.float32))
        if k == 0:
            layers.append(_padded(colour))
            continue
        # a hard mask: the composite at rest is the photo itself, and the bicubic
        # sampling of each frame antialiases the moving edges
        alpha = (labels >= k).astype(np.float32)[..., None]
        layers.append(_padded(np.concatenate([colour * alpha, alpha], axis=2)))
    return layers, shares


def _push_pull(values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Fill ``values`` (H, W, C) where ``weight`` (H, W, in [0, 1]) is 0, smoothly.

    Push-pull (Gortler et al., "The Lumigraph", 1996): average the known pixels down a
    pyramid, then fill each level's holes from the level below, upsampled.
    """
    if weight.min() >= 1 or min(weight.shape) <= 1:
        return values
    if weight.max() <= 0:
        return np.broadcast_to(values.mean((0, 1)), values.shape).copy()
    h, w = weight.shape
    ph, pw = h + h % 2, w + w % 2
    pad = ((0, ph - h), (0, pw - w))
    sums = np.pad(values * weight[..., None], (*pad, (0, 0))).reshape(
        ph // 2, 2, pw // 2, 2, -1).sum((1, 3))
    counts = np.pad(weight, pad).reshape(ph // 2, 2, pw // 2, 2).sum((1, 3))
    coarse = _push_pull(sums / np.maximum(counts, 1e-6)[..., None], np.minimum(counts, 1.0))
    # nearest-neighbour upsampling smoothed by a 2×2 box: close to bilinear, and cheap
    up = ndimage.uniform_filter(np.repeat(np.repeat(coarse, 2, 0), 2, 1), (2, 2, 1),
                                mode="nearest")[:h, :w]
    return weight[..., None] * values + (1 - weight[..., None]) * up


_MAKERS = {"pan": _pan, "zoom": _zoom, "parallax": _parallax, "handheld": _handheld}


def _jsonable(value: Any) -> Any:
    """Plain Python numbers (rounded to 6 decimals), lists and dicts."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return round(float(value), 6)
    return value


def photo_motion_clip(image: np.ndarray, rng: np.random.Generator, *, source: str,
                      index: int = 0, kind: str | None = None,
                      size: int = CLIP_SIZE) -> Clip:
    """:func:`photo_clip` as a :class:`~inpaintbench.data.captions.clips.Clip` of kind
    ``"photo-motion"`` (``start`` 0, ``end`` 5 s; ``details`` the motion parameters)."""
    frames, params = photo_clip(image, rng, kind=kind, size=size)
    return Clip(source=source, index=index, start=0.0, end=CLIP_SECONDS, frames=frames,
                kind="photo-motion", details=params)
