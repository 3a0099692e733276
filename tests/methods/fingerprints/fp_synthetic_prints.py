"""Small synthetic prints for the track-3 method tests: known ridges, known degradations.

A print is a field of circular arcs (period :data:`PERIOD`) inside an ellipse, dark
ridges on white, as the challenge's ground truth looks; its degraded copy lies on
a textured ground with low contrast, blur, noise and one light scratch across it.
Everything is drawn from a seed, so a test sees the same images every run.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

SHAPE = (400, 275)  # the challenge's size, (rows, columns)
PERIOD = 9.0  # px: a typical ridge period at 500 dpi
CENTRE = (200.0, 137.0)  # the ellipse's centre (row, col) …
AXES = (165.0, 110.0)  # … and semi-axes (rows, columns)
ARC_CENTRE = (620.0, 60.0)  # the arcs' common centre, below the frame: gently curved ridges
SCRATCH = ((60.0, 40.0), (330.0, 240.0))  # the scratch's ends (row, col): across the ridges
SCRATCH_WIDTH = 2  # px
SCRATCH_LIFT = 0.85  # how far the scratch lifts a pixel towards white


def ellipse_mask(shape: tuple[int, int] = SHAPE) -> np.ndarray:
    """``bool (H, W)``: the print's area."""
    y, x = np.mgrid[0:shape[0], 0:shape[1]]
    return ((y - CENTRE[0]) / AXES[0]) ** 2 + ((x - CENTRE[1]) / AXES[1]) ** 2 <= 1


def oriented_ridges(shape: tuple[int, int], angle: float, period: float) -> np.ndarray:
    """``float32 (H, W)`` in [0, 1]: straight ridges (dark, 0) along ``angle`` (radians)."""
    y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    across = -x * np.sin(angle) + y * np.cos(angle)
    return (0.5 + 0.5 * np.cos(2 * np.pi * across / period)).astype(np.float32)


def clean_print(shape: tuple[int, int] = SHAPE) -> np.ndarray:
    """The ground truth: ``uint8 (H, W)``, nearly binary dark arcs in the ellipse, white out."""
    y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    phase = 2 * np.pi * np.hypot(y - ARC_CENTRE[0], x - ARC_CENTRE[1]) / PERIOD
    ink = np.clip(0.5 + 1.5 * np.cos(phase), 0, 1)  # ridges about half a period wide
    ink = np.where(ellipse_mask(shape), ink, 0.0)
    return np.round(255 * (1 - ink)).astype(np.uint8)


def scratch_mask(shape: tuple[int, int] = SHAPE) -> np.ndarray:
    """``bool (H, W)``: the scratch, a straight line :data:`SCRATCH_WIDTH` px wide."""
    (r0, c0), (r1, c1) = SCRATCH
    y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    length = np.hypot(r1 - r0, c1 - c0)
    along = ((y - r0) * (r1 - r0) + (x - c0) * (c1 - c0)) / length
    across = np.abs((y - r0) * (c1 - c0) - (x - c0) * (r1 - r0)) / length
    return (across <= SCRATCH_WIDTH / 2) & (along >= 0) & (along <= length)


def textured_ground(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """``float32 (H, W)``: a mid-grey ground with blotches and grain."""
    blotches = ndimage.gaussian_filter(rng.standard_normal(shape), 6)
    grain = ndimage.gaussian_filter(rng.standard_normal(shape), 0.8)
    ground = 0.7 + 0.08 * blotches / blotches.std() + 0.05 * grain / grain.std()
    return ground.astype(np.float32)


def degraded_print(seed: int, clean: np.ndarray | None = None, *,
                   textured: bool = True, scratch: bool = True) -> np.ndarray:
    """The input: ``uint8 (H, W, 3)`` RGB — low-contrast ink on a ground, blurred, noisy.

    Parameters
    ----------
    seed : int
    clean : uint8 (H, W), optional
        The ground truth (default :func:`clean_print`).
    textured : bool
        A textured ground, else a flat one.
    scratch : bool
        Draw the light scratch :data:`SCRATCH`.
    """
    rng = np.random.default_rng(seed)
    clean = clean_print() if clean is None else clean
    shape = clean.shape
    ground = textured_ground(shape, rng) if textured else np.full(shape, 0.75, np.float32)
    cover = 0.45 * (1 - clean.astype(np.float32) / 255)  # faded ink
    image = ground * (1 - cover) + 0.15 * cover
    image = ndimage.gaussian_filter(image, 1.2)
    if scratch:
        image = np.where(scratch_mask(shape), image + SCRATCH_LIFT * (1 - image), image)
    image = image + 0.02 * rng.standard_normal(shape)
    rgb = image[..., None] * np.array([1.0, 0.96, 0.9], np.float32)  # a warm tint
    return np.round(255 * np.clip(rgb, 0, 1)).astype(np.uint8)
