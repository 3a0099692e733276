"""The challenge's degradation model: what turns a clean print into a participant's input.

Book §4.1: the organisers degraded the ground truth "with a distortion model
(blur, brightness, contrast, elastic transformation, occlusion, scratch,
resolution, rotation), then overlaying the fingerprints on top of various
backgrounds". Here each of those is a pure function of the image and of a few
parameters, and each has a sampler drawing its parameters (strength ranges
below, our choice, tuned so the inputs look like the challenge's — white
scratches and cracks across the print, light textured grounds, faded
low-contrast regions — and measured against its test inputs by :mod:`.stats`).

:func:`degrade` applies a random combination, each step except the overlay with
its own probability. The steps that move the ridges are shared by the ground
truth: a blind method cannot know where an unseen warp took each ridge, and the
challenge's own results — a plain CNN at SSIM 0.80, the winner at 0.84, against
the truth pixel by pixel — are only reachable on pairs that stay aligned. (Book
§4.1 lists the distortions but not which image they move; aligned pairs are the
reading its figures allow.) So the elastic warp is applied to the impression
and the result is the ground truth (:func:`distort`), and the rotation is the
ground truth's own ±10° turn (:mod:`.impressions`), which the input shares: a
second turn of both would only widen the pose beyond the book's ±10°.
Then the occlusion, blur and resolution loss on the greyscale print — before
the overlay, in the book's order, so the ground stays sharp as the challenge's
grounds are while the ridges soften — the overlay on a background (always:
every challenge input has one), and the image-level steps (scratches, contrast,
brightness) make the input. The parameters of every
step are recorded — randomness inside a step (an elastic field, a texture) comes
from a recorded integer seed — so :func:`distort` and :func:`apply_steps`
rebuild the same pair from the impression and the record alone.

Images are ``float32`` in ``[0, 1]``: ``(H, W)`` before the overlay, ``(H, W, 3)``
RGB after it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from inpaintbench.data.fingerprints.backgrounds import (
    RAGGED_SIGMA,
    draw_background_kind,
    lay_light,
    make_background_layers,
)
from inpaintbench.data.fingerprints.orientation import SingularPoints
from inpaintbench.data.fingerprints.ridges import smooth_noise

# --- strengths (our ranges) ------------------------------------------------------------
ELASTIC_ALPHA = (2.0, 6.0)  # px: largest displacement of the elastic field
ELASTIC_SPACING = (35.0, 90.0)  # px between the field's random nodes: its smoothness
ELASTIC_INVERSE_ITERATIONS = 8  # fixed-point steps locating a point after the warp
OCCLUSIONS = (1, 3)  # blobs erased from the print
OCCLUSION_RADIUS = (12.0, 45.0)  # px: a blob's semi-axes
OCCLUSION_ROUGHNESS = 0.2  # ± noise on a blob's outline, as a fraction of its radius
OCCLUSION_ROUGHNESS_CELLS = (12, 9)  # … drawn on this coarse grid (rows, columns)
INK_LEVEL = (0.02, 0.25)  # luminance of the ink (near black)
INK_TINT = 0.3  # ± per-channel tint of the ink
FADE = (0.0, 0.8)  # how much of the ink fades away in the faintest areas
FADE_CELLS = (4, 3)  # the fade varies on this coarse grid (rows, columns)
BREAKUP = (0.0, 0.8)  # how much ink a patchy coverage takes away: ridges break into dashes
BREAKUP_SIGMA = 1.5  # px: the patches' size
BREAKUP_EDGES = (0.3, 1.5)  # the patches fade in between these noise levels (in stds)
SCRATCHES = (1, 12)  # white lines crossing the print
SCRATCH_WIDTH = (1, 6)  # px
SCRATCH_STRENGTH = (0.75, 1.0)  # how far a scratch lifts a pixel towards white
SCRATCH_LENGTH = (0.4, 1.2)  # a scratch's length, × the frame's diagonal
SCRATCH_BEND = 0.1  # a scratch's middle control point strays this far (× its length)
SCRATCH_SAMPLES = 64  # points drawn along a scratch's curve
SCRATCH_SOFTNESS = 0.8  # px: Gaussian blur of a scratch's line
SCRATCH_ROUGHNESS = 0.6  # ± noise on its opacity: ragged, chipped edges
SCRATCH_FILL = 1.3  # gain on the softened line: its middle saturates, only its rim frays
PRINT_AREA = ((0.2, 0.8), (0.15, 0.85))  # (x, y) fractions of the frame: blobs and
# scratches are centred there, on the print
BLUR_SIGMA = (0.6, 1.8)  # px, Gaussian
RESOLUTION = (0.3, 0.6)  # scale the image is reduced to before being enlarged back
CONTRAST = (0.5, 0.9)  # factor on the deviation from the median
# Offset: lighter more often and further than darker, so the grounds stay light
# grey as in the challenge's test inputs (theirs measure 0.85 and 0.87).
BRIGHTNESS = (-0.08, 0.12)
JPEG_QUALITY = (75, 95)  # the inputs are JPEG (CHALLENGE.md Track 3)

# How often each step happens (the overlay always does).
PROBABILITY = {"elastic": 0.5, "occlusion": 0.4, "scratches": 0.6,
               "blur": 0.5, "resolution": 0.35, "contrast": 0.6, "brightness": 0.5}
PAIR_STEPS = ("elastic",)  # moves the ridges: the ground truth shares it
PRINT_STEPS = ("occlusion", "blur", "resolution")  # on the greyscale print
IMAGE_STEPS = ("scratches", "contrast", "brightness")  # on the RGB input
SEED_RANGE = 2 ** 31  # seeds recorded for the randomness inside a step

Shape = tuple[int, int]


# --- the operations -------------------------------------------------------------------

def elastic_field(shape: Shape, alpha: float, spacing: float, seed: int) -> np.ndarray:
    """The displacement of :func:`elastic`: ``float32 (2, H, W)``, (rows, cols) in px.

    Random displacements on a coarse grid of nodes ``spacing`` px apart, enlarged
    by bicubic interpolation (the smooth deformations of Ronneberger et al.'s
    U-Net, 2015, in the spirit of Simard et al.'s elastic distortions, 2003), scaled
    so the largest displacement is ``alpha`` px.
    """
    field_rng = np.random.default_rng(seed)
    cells = (math.ceil(shape[0] / spacing) + 1, math.ceil(shape[1] / spacing) + 1)
    field = np.stack([smooth_noise(shape, cells, field_rng) for _ in range(2)])
    return field * (alpha / max(float(np.hypot(*field).max()), 1e-12))


def elastic(image: np.ndarray, alpha: float, spacing: float, seed: int) -> np.ndarray:
    """Elastic distortion of a greyscale print: pixel ``p`` takes the value at
    ``p + field(p)`` (:func:`elastic_field`); white enters from outside."""
    field = elastic_field(image.shape, alpha, spacing, seed)
    rows, cols = np.mgrid[0:image.shape[0], 0:image.shape[1]].astype(np.float32)
    return ndimage.map_coordinates(image, [rows + field[0], cols + field[1]], order=1,
                                   mode="constant", cval=1.0).astype(np.float32)


def blob_mask(shape: Shape, blobs: list[dict[str, Any]], seed: int) -> np.ndarray:
    """``float32 (H, W)`` in [0, 1]: 1 inside the rough ellipses ``blobs``, soft at the rim.

    Each blob is ``{"centre": [x, y], "axes": [a, b], "angle": degrees}``; its
    outline wanders by ±:data:`OCCLUSION_ROUGHNESS` of its radius.
    """
    rough = smooth_noise(shape, OCCLUSION_ROUGHNESS_CELLS, np.random.default_rng(seed))
    y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    inside = np.zeros(shape, np.float32)
    for blob in blobs:
        (cx, cy), (a, b), angle = blob["centre"], blob["axes"], np.radians(blob["angle"])
        u = (x - cx) * np.cos(angle) + (y - cy) * np.sin(angle)
        v = -(x - cx) * np.sin(angle) + (y - cy) * np.cos(angle)
        radius = np.hypot(u / a, v / b) + OCCLUSION_ROUGHNESS * rough
        inside = np.maximum(inside, np.clip((1 - radius) * min(a, b) / 2, 0, 1))
    return inside


def occlude(image: np.ndarray, blobs: list[dict[str, Any]], seed: int) -> np.ndarray:
    """Erase the print inside ``blobs`` (see :func:`blob_mask`): the ground shows there."""
    return np.maximum(image, blob_mask(image.shape, blobs, seed)).astype(np.float32)


def overlay(image: np.ndarray, background: dict[str, Any], ink: list[float], fade: float,
            seed: int, breakup: float = 0.0) -> np.ndarray:
    """Lay the greyscale print on a background, ``(H, W)`` → ``(H, W, 3)``.

    The ink's coverage ``a = 1 − image`` is weakened by a smooth fade map (up to
    ``fade`` in its faintest areas) and by patchy noise (up to ``breakup``, in
    patches of :data:`BREAKUP_SIGMA` px: ridges break into dashes), and mixes
    the ground towards the ``ink`` colour: ``out = ground · (1 − a) + ink · a``.
    The ground's light lines (white cracks, :mod:`.backgrounds`) then lie over
    everything: ``out + light · (1 − out)``.

    Parameters
    ----------
    background : dict
        ``{"kind": one of BACKGROUND_KINDS, "seed": int}``.
    ink : [r, g, b]
    fade : float in [0, 1]
    seed : int
        Draws the fade map and the patches.
    breakup : float in [0, 1]
    """
    ground, light, _ = make_background_layers(background["kind"], image.shape,
                                              np.random.default_rng(background["seed"]))
    rng = np.random.default_rng(seed)
    density = 1 - fade * (0.5 + 0.5 * smooth_noise(image.shape, FADE_CELLS, rng))
    if breakup > 0:
        patches = ndimage.gaussian_filter(rng.standard_normal(image.shape).astype(np.float32),
                                          BREAKUP_SIGMA)
        patches /= max(float(patches.std()), 1e-6)
        low, high = BREAKUP_EDGES
        gaps = np.clip((patches - low) / (high - low), 0, 1)
        density = density * (1 - breakup * gaps * gaps * (3 - 2 * gaps))
    cover = ((1 - image) * density)[..., None]
    out = ground * (1 - cover) + np.asarray(ink, np.float32) * cover
    return lay_light(out, light).astype(np.float32)


def scratch_mask(shape: Shape, curves: list[list[list[float]]], width: int) -> np.ndarray:
    """``float32 (H, W)``: 1 on the quadratic Bézier ``curves`` (three ``[x, y]`` points each)."""
    canvas = Image.new("L", (shape[1], shape[0]), 0)
    draw = ImageDraw.Draw(canvas)
    t = np.linspace(0, 1, SCRATCH_SAMPLES)[:, None]
    for p0, p1, p2 in (np.asarray(c, np.float64) for c in curves):
        points = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2
        draw.line([tuple(p) for p in points], fill=255, width=width, joint="curve")
    return np.asarray(canvas, np.float32) / 255


def scratch(image: np.ndarray, curves: list[list[list[float]]], width: int,
            strength: float, seed: int | None = None) -> np.ndarray:
    """White scratches: pixels on ``curves`` are lifted towards white by ``strength``.

    With a ``seed``, the line is softened (:data:`SCRATCH_SOFTNESS`) and its
    opacity varied by ±:data:`SCRATCH_ROUGHNESS` noise: ragged, chipped edges,
    as the scratches of the challenge's inputs have.
    """
    lines = scratch_mask(image.shape[:2], curves, width)
    if seed is not None:
        noise = np.random.default_rng(seed).standard_normal(lines.shape).astype(np.float32)
        ragged = ndimage.gaussian_filter(noise, RAGGED_SIGMA)
        ragged /= max(float(ragged.std()), 1e-6)
        lines = ndimage.gaussian_filter(lines, SCRATCH_SOFTNESS)
        lines = np.clip(lines * (SCRATCH_FILL + SCRATCH_ROUGHNESS * ragged), 0, 1)
    if image.ndim == 3:
        lines = lines[..., None]
    return (image + strength * lines * (1 - image)).astype(np.float32)


def blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of standard deviation ``sigma`` px (each channel)."""
    sigmas = (sigma, sigma, 0) if image.ndim == 3 else sigma
    return ndimage.gaussian_filter(image, sigmas, mode="nearest").astype(np.float32)


def lower_resolution(image: np.ndarray, scale: float) -> np.ndarray:
    """Shrink to ``scale`` of the size (box filter) and enlarge back (bilinear)."""
    h, w = image.shape[:2]
    small = (max(1, round(w * scale)), max(1, round(h * scale)))
    planes = image[..., None] if image.ndim == 2 else image
    out = [np.asarray(Image.fromarray(np.ascontiguousarray(planes[..., c], np.float32))
                      .resize(small, Image.Resampling.BOX)
                      .resize((w, h), Image.Resampling.BILINEAR))
           for c in range(planes.shape[-1])]
    return np.stack(out, axis=-1).reshape(image.shape).astype(np.float32)


def contrast(image: np.ndarray, factor: float) -> np.ndarray:
    """Scale the deviation from the image's median by ``factor`` (< 1 fades the image).

    The median of an input is its ground (ground and valleys are most of the
    frame), so a lower contrast lifts the ridges towards a ground that stays
    light, as in the challenge's faded inputs, rather than greying the ground
    towards the print's mean.
    """
    pivot = float(np.median(image))
    return np.clip(pivot + factor * (image - pivot), 0, 1).astype(np.float32)


def brightness(image: np.ndarray, offset: float) -> np.ndarray:
    """Add ``offset`` to every pixel (clipped to [0, 1])."""
    return np.clip(image + offset, 0, 1).astype(np.float32)


# --- the samplers -----------------------------------------------------------------------

def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(SEED_RANGE))


def draw_elastic(rng: np.random.Generator, shape: Shape) -> dict[str, Any]:
    return {"alpha": float(rng.uniform(*ELASTIC_ALPHA)),
            "spacing": float(rng.uniform(*ELASTIC_SPACING)), "seed": _seed(rng)}


def draw_occlusion(rng: np.random.Generator, shape: Shape) -> dict[str, Any]:
    h, w = shape
    (x0, x1), (y0, y1) = PRINT_AREA
    blobs = [{"centre": [float(rng.uniform(x0 * w, x1 * w)), float(rng.uniform(y0 * h, y1 * h))],
              "axes": [float(rng.uniform(*OCCLUSION_RADIUS)) for _ in range(2)],
              "angle": float(rng.uniform(0, 180))}
             for _ in range(int(rng.integers(OCCLUSIONS[0], OCCLUSIONS[1] + 1)))]
    return {"blobs": blobs, "seed": _seed(rng)}


def draw_overlay(rng: np.random.Generator, shape: Shape) -> dict[str, Any]:
    kind = draw_background_kind(rng)
    level = rng.uniform(*INK_LEVEL)
    ink = np.clip(level * (1 + rng.uniform(-INK_TINT, INK_TINT, 3)), 0, 1)
    return {"background": {"kind": kind, "seed": _seed(rng)},
            "ink": [float(c) for c in ink], "fade": float(rng.uniform(*FADE)), "seed": _seed(rng),
            "breakup": float(rng.uniform(*BREAKUP))}


def draw_scratches(rng: np.random.Generator, shape: Shape) -> dict[str, Any]:
    """Curves from one side of the frame to another, through its middle region."""
    h, w = shape
    (x0, x1), (y0, y1) = PRINT_AREA
    curves = []
    for _ in range(int(rng.integers(SCRATCHES[0], SCRATCHES[1] + 1))):
        through = np.array([rng.uniform(x0 * w, x1 * w), rng.uniform(y0 * h, y1 * h)])
        heading = rng.uniform(0, np.pi)
        half = 0.5 * rng.uniform(*SCRATCH_LENGTH) * np.hypot(h, w)
        direction = np.array([np.cos(heading), np.sin(heading)])
        normal = np.array([-direction[1], direction[0]])
        bend = rng.uniform(-SCRATCH_BEND, SCRATCH_BEND) * 2 * half
        curves.append([[float(v) for v in through - half * direction],
                       [float(v) for v in through + bend * normal],
                       [float(v) for v in through + half * direction]])
    return {"curves": curves, "width": int(rng.integers(SCRATCH_WIDTH[0], SCRATCH_WIDTH[1] + 1)),
            "strength": float(rng.uniform(*SCRATCH_STRENGTH)), "seed": _seed(rng)}


def draw_blur(rng: np.random.Generator, shape: Shape) -> dict[str, Any]:
    return {"sigma": float(rng.uniform(*BLUR_SIGMA))}


def draw_resolution(rng: np.random.Generator, shape: Shape) -> dict[str, Any]:
    return {"scale": float(rng.uniform(*RESOLUTION))}


def draw_contrast(rng: np.random.Generator, shape: Shape) -> dict[str, Any]:
    return {"factor": float(rng.uniform(*CONTRAST))}


def draw_brightness(rng: np.random.Generator, shape: Shape) -> dict[str, Any]:
    return {"offset": float(rng.uniform(*BRIGHTNESS))}


Step = tuple[Callable[..., dict[str, Any]], Callable[..., np.ndarray]]
STEPS: dict[str, Step] = {
    "elastic": (draw_elastic, elastic),
    "occlusion": (draw_occlusion, occlude), "overlay": (draw_overlay, overlay),
    "scratches": (draw_scratches, scratch), "blur": (draw_blur, blur),
    "resolution": (draw_resolution, lower_resolution), "contrast": (draw_contrast, contrast),
    "brightness": (draw_brightness, brightness)}


def draw_steps(rng: np.random.Generator, shape: Shape) -> list[dict[str, Any]]:
    """A random combination of degradations: ``[{"name": …, "params": {…}}, …]`` in order."""
    steps = []
    for name in (*PAIR_STEPS, *PRINT_STEPS, "overlay", *IMAGE_STEPS):
        if name == "overlay" or rng.uniform() < PROBABILITY[name]:
            steps.append({"name": name, "params": STEPS[name][0](rng, shape)})
    return steps


def distort(impression: np.ndarray, steps: list[dict[str, Any]]) -> np.ndarray:
    """The ground truth: the recorded :data:`PAIR_STEPS` applied to a ``uint8 (H, W)``
    impression, rounded back to ``uint8``; the impression itself when there are none."""
    image = np.asarray(impression, np.float32) / 255
    for step in steps:
        if step["name"] in PAIR_STEPS:
            image = STEPS[step["name"]][1](image, **step["params"])
    return np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)


def moved_points(points: SingularPoints, steps: list[dict[str, Any]],
                 shape: Shape) -> SingularPoints:
    """Where :func:`distort` takes the points ``(x, y)`` of the impression.

    The elastic warp shows at ``q`` what was at ``q + field(q)``, so a point ``p``
    lands where ``q + field(q) = p``: solved by fixed-point iteration, which
    converges since the field is smooth (its slope is far below 1: a few px over
    tens).
    """
    def move(xy: np.ndarray) -> np.ndarray:  # (n, 2)
        for step in steps:
            if step["name"] == "elastic":
                field = elastic_field(shape, **step["params"])
                q = xy.copy()
                for _ in range(ELASTIC_INVERSE_ITERATIONS):
                    at = [q[:, 1], q[:, 0]]  # (rows, cols)
                    shift = [ndimage.map_coordinates(field[axis], at, order=1, mode="nearest")
                             for axis in (1, 0)]  # (x, y)
                    q = xy - np.stack(shift, axis=1)
                xy = q
        return xy

    def tuples(xy: np.ndarray) -> tuple[tuple[float, float], ...]:
        return tuple((float(x), float(y)) for x, y in xy)

    cores, deltas = (move(np.array(p, float).reshape(-1, 2)) for p in (points.cores, points.deltas))
    return SingularPoints(tuples(cores), tuples(deltas))


def apply_steps(truth: np.ndarray, steps: list[dict[str, Any]]) -> np.ndarray:
    """The input from its ``uint8 (H, W)`` ground truth (:func:`distort`'s output) and
    the recorded ``steps``, less the pair's shared ones: ``float32 (H, W, 3)`` in [0, 1]."""
    image = np.asarray(truth, np.float32) / 255
    for step in steps:
        if step["name"] not in PAIR_STEPS:
            image = STEPS[step["name"]][1](image, **step["params"])
    if image.ndim == 2:  # no overlay among the steps: a grey print, as RGB
        image = np.repeat(image[..., None], 3, axis=-1)
    return np.clip(image, 0, 1).astype(np.float32)


def encode_jpeg(image: np.ndarray, quality: int) -> bytes:
    """``float32 (H, W, 3)`` in [0, 1] → the bytes of an RGB JPEG (4:2:0, as PIL saves)."""
    buffer = io.BytesIO()
    Image.fromarray(np.round(image * 255).astype(np.uint8)).save(
        buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def degrade(impression: np.ndarray,
            rng: np.random.Generator) -> tuple[np.ndarray, bytes, dict[str, Any]]:
    """Degrade a clean impression the challenge's way.

    Parameters
    ----------
    impression : uint8 (H, W)
        The clean print.
    rng : numpy.random.Generator

    Returns
    -------
    truth : uint8 (H, W)
        The ground truth: the impression moved by the pair's shared steps.
    jpeg : bytes
        The input image, an RGB JPEG, aligned with ``truth``.
    record : dict
        ``{"steps": [...], "jpeg_quality": q}``; :func:`distort` on the impression
        gives ``truth`` back, and :func:`apply_steps` on ``truth`` with
        :func:`encode_jpeg` at that quality the same bytes.
    """
    steps = draw_steps(rng, impression.shape)
    quality = int(rng.integers(JPEG_QUALITY[0], JPEG_QUALITY[1] + 1))
    truth = distort(impression, steps)
    jpeg = encode_jpeg(apply_steps(truth, steps), quality)
    return truth, jpeg, {"steps": steps, "jpeg_quality": quality}
