"""Backgrounds a latent print lies on: paper, wall, grain, cracks, skin, photographed textures.

The challenge overlaid its degraded prints "on top of various backgrounds"
(book §4.1); its inputs show grainy and cracked textured grounds
(CHALLENGE.md Track 3). Five kinds are procedural — noise shaped in the
Fourier domain, fibres, cracks drawn as random walks — and one, ``photo``, is a
crop of a real texture photograph among those scikit-image ships in its wheel
(``skimage/data``: brick, gravel, grass, the moon's surface), read from its
files, so nothing is downloaded. Every background is ``float32 (H, W, 3)`` RGB in
``[0, 1]`` and is drawn from a generator, so the same seed gives the same ground.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

BACKGROUND_KINDS = ("paper", "wall", "grain", "cracks", "skin", "photo")
# Texture photographs in scikit-image's wheel (greyscale 512×512; the others there
# are objects or scenes, not grounds a print could lie on).
PHOTO_TEXTURES = ("brick.png", "gravel.png", "grass.png", "moon.png")
_SKIMAGE_SPEC = importlib.util.find_spec("skimage")  # located without importing it
SKIMAGE_DATA = (Path(_SKIMAGE_SPEC.origin).parent / "data"
                if _SKIMAGE_SPEC is not None and _SKIMAGE_SPEC.origin else None)

# Every ground is light to mid-grey under the print, so the ridges stay visible,
# as in the challenge's inputs (our ranges).
GROUND_LEVEL = (0.5, 0.92)  # mean luminance of a ground
TINT = 0.08  # ± per-channel deviation of a ground's colour from grey
PAPER_FIBRE_SIGMA = (0.6, 5.0)  # px: fibres are elongated noise, thin across, long along
PAPER_CONTRAST = (0.02, 0.06)  # std of the fibres
PAPER_BLOTCHES = 0.5  # cloudy unevenness (1/f² noise) of paper, relative to its fibres
WALL_BETA = (1.6, 2.4)  # spectral slope of plaster's 1/f^β noise: cloudy blotches
WALL_CONTRAST = (0.05, 0.14)
WALL_GRAIN = 0.3  # white noise on plaster, relative to its blotches
GRAIN_SIGMA = (0.5, 1.2)  # px: grain size
GRAIN_CONTRAST = (0.06, 0.16)
CRACKS = (3, 10)  # cracks per ground
CRACK_STEP = (4.0, 9.0)  # px per step of a crack's random walk
CRACK_TURN = 0.35  # rad: std of the turn between two steps
CRACK_WIDTH = (1, 3)  # px
CRACK_DARKNESS = (0.15, 0.45)  # luminance a crack takes away
CRACK_SOFTNESS = 0.6  # px: Gaussian blur of the drawn cracks
SKIN_COLOUR = (0.86, 0.66, 0.58)  # a light skin tone (sRGB), varied by ±TINT
SKIN_PORES = 1 / 250  # pores per pixel
SKIN_PORE_DEPTH = 2.5  # a pore's darkness, in units of the skin's texture contrast
SKIN_BETA = 1.5  # spectral slope of the skin's mottling
SKIN_CONTRAST = (0.03, 0.08)
PHOTO_SCALE = (0.5, 1.2)  # a photo texture is resized by this before cropping
PHOTO_CONTRAST = (0.06, 0.2)  # std the texture is rescaled to


def power_law_noise(shape: tuple[int, int], beta: float, rng: np.random.Generator) -> np.ndarray:
    """Noise with power spectrum ``1 / f^β``, zero mean and unit std, ``float32 (H, W)``.

    ``β = 0`` is white noise; ``β ≈ 2`` looks like clouds or plaster.
    """
    white = rng.standard_normal(shape)
    fy = np.fft.fftfreq(shape[0])[:, None]
    fx = np.fft.rfftfreq(shape[1])[None, :]
    f = np.hypot(fy, fx)
    f[0, 0] = 1.0
    spectrum = np.fft.rfft2(white) / f ** (beta / 2)
    spectrum[0, 0] = 0.0
    noise = np.fft.irfft2(spectrum, s=shape)
    return (noise / max(noise.std(), 1e-12)).astype(np.float32)


def _colour(rng: np.random.Generator, level: float,
            base: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> np.ndarray:
    colour = np.asarray(base) * (1 + rng.uniform(-TINT, TINT, 3))
    return (level * colour / colour.mean()).astype(np.float32)


def _paper(shape: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    across, along = PAPER_FIBRE_SIGMA
    sigma = (across, along) if rng.uniform() < 0.5 else (along, across)
    fibres = ndimage.gaussian_filter(rng.standard_normal(shape), sigma)
    fibres /= max(fibres.std(), 1e-12)
    contrast = rng.uniform(*PAPER_CONTRAST)
    texture = contrast * (fibres + PAPER_BLOTCHES * power_law_noise(shape, 2.0, rng))
    return texture, {"fibre_sigma": list(sigma), "contrast": round(contrast, 4)}


def _wall(shape: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    beta, contrast = rng.uniform(*WALL_BETA), rng.uniform(*WALL_CONTRAST)
    texture = contrast * (power_law_noise(shape, beta, rng)
                          + WALL_GRAIN * power_law_noise(shape, 0.0, rng))
    return texture, {"beta": round(beta, 3), "contrast": round(contrast, 4)}


def _grain(shape: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    sigma, contrast = rng.uniform(*GRAIN_SIGMA), rng.uniform(*GRAIN_CONTRAST)
    grain = ndimage.gaussian_filter(rng.standard_normal(shape), sigma)
    return contrast * grain / max(grain.std(), 1e-12), {"sigma": round(sigma, 3),
                                                        "contrast": round(contrast, 4)}


def _crack_walks(shape: tuple[int, int], rng: np.random.Generator, count: int
                 ) -> list[tuple[list[tuple[float, float]], int]]:
    """Random-walk polylines from random points until they leave the frame, with widths."""
    h, w = shape
    walks = []
    for _ in range(count):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        heading = rng.uniform(0, 2 * np.pi)
        step = rng.uniform(*CRACK_STEP)
        points = [(x, y)]
        while 0 <= x < w and 0 <= y < h and len(points) < 4 * (h + w) / step:
            heading += rng.normal(0, CRACK_TURN)
            x, y = x + step * np.cos(heading), y + step * np.sin(heading)
            points.append((x, y))
        walks.append((points, int(rng.integers(CRACK_WIDTH[0], CRACK_WIDTH[1] + 1))))
    return walks


def _cracks(shape: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    surface, params = _wall(shape, rng)
    canvas = Image.new("L", (shape[1], shape[0]), 0)
    draw = ImageDraw.Draw(canvas)
    count = int(rng.integers(CRACKS[0], CRACKS[1] + 1))
    for points, width in _crack_walks(shape, rng, count):
        draw.line(points, fill=255, width=width, joint="curve")
    darkness = rng.uniform(*CRACK_DARKNESS)
    lines = ndimage.gaussian_filter(np.asarray(canvas, np.float32) / 255, CRACK_SOFTNESS)
    return surface - darkness * lines, {**params, "cracks": count,
                                        "darkness": round(darkness, 3)}


def _skin(shape: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    contrast = rng.uniform(*SKIN_CONTRAST)
    texture = contrast * power_law_noise(shape, SKIN_BETA, rng)
    pores = np.zeros(shape, np.float32)
    count = int(shape[0] * shape[1] * SKIN_PORES)
    pores[rng.integers(0, shape[0], count), rng.integers(0, shape[1], count)] = 1.0
    pores = ndimage.gaussian_filter(pores, 0.8)
    texture = texture - SKIN_PORE_DEPTH * contrast * pores / max(float(pores.max()), 1e-12)
    return texture, {"contrast": round(contrast, 4), "pores": count}


@functools.cache
def _photo_texture(name: str) -> np.ndarray:
    if SKIMAGE_DATA is None:
        raise FileNotFoundError("scikit-image is not installed: its texture photos are missing")
    return np.asarray(Image.open(SKIMAGE_DATA / name).convert("L"), np.float32) / 255


def _photo(shape: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    name = PHOTO_TEXTURES[int(rng.integers(len(PHOTO_TEXTURES)))]
    photo = _photo_texture(name)
    scale = max(rng.uniform(*PHOTO_SCALE), shape[0] / photo.shape[0], shape[1] / photo.shape[1])
    size = (int(np.ceil(photo.shape[1] * scale)), int(np.ceil(photo.shape[0] * scale)))
    resized = np.asarray(Image.fromarray(photo).resize(size, Image.Resampling.BILINEAR))
    top = int(rng.integers(0, resized.shape[0] - shape[0] + 1))
    left = int(rng.integers(0, resized.shape[1] - shape[1] + 1))
    crop = resized[top:top + shape[0], left:left + shape[1]].astype(np.float64)
    if rng.uniform() < 0.5:
        crop = crop[:, ::-1]
    contrast = rng.uniform(*PHOTO_CONTRAST)
    texture = contrast * (crop - crop.mean()) / max(crop.std(), 1e-12)
    return texture, {"file": f"skimage/data/{name}", "scale": round(scale, 3),
                     "crop": [left, top], "contrast": round(contrast, 4)}


_MAKERS: dict[str, Callable[[tuple[int, int], np.random.Generator], tuple[np.ndarray, dict]]] = {
    "paper": _paper, "wall": _wall, "grain": _grain, "cracks": _cracks, "skin": _skin,
    "photo": _photo}


def make_background(kind: str, shape: tuple[int, int], rng: np.random.Generator
                    ) -> tuple[np.ndarray, dict[str, Any]]:
    """A background of ``kind``, ``float32 (H, W, 3)`` in ``[0, 1]``, and its parameters.

    >>> ground, params = make_background("grain", (40, 30), np.random.default_rng(0))
    >>> ground.shape, ground.dtype, params["kind"]
    ((40, 30, 3), dtype('float32'), 'grain')
    """
    if kind not in _MAKERS:
        raise ValueError(f"background must be one of {', '.join(BACKGROUND_KINDS)}, got {kind!r}")
    level = float(rng.uniform(*GROUND_LEVEL))
    base = SKIN_COLOUR if kind == "skin" else (1.0, 1.0, 1.0)
    colour = _colour(rng, level, base)
    texture, params = _MAKERS[kind](shape, rng)
    ground = colour[None, None, :] * (1 + texture[..., None] / level)
    return (np.clip(ground, 0, 1).astype(np.float32),
            {"kind": kind, "level": round(level, 4),
             "colour": [round(float(c), 4) for c in colour], **params})

