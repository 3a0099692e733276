"""Backgrounds a latent print lies on: paper, wall, grain, cracks, concrete, skin, textures.

The challenge overlaid its degraded prints "on top of various backgrounds"
(book §4.1); its inputs show light grey textured grounds, one crossed by a
network of white cracks, one speckled like concrete (CHALLENGE.md Track 3, and
the two test inputs in ``shared/data/real/fingerprint/challenge``). Six kinds are
procedural — noise shaped in the Fourier domain, fibres, cracks drawn as random
walks, specks — and one, ``photo``, is a crop of a real texture photograph among
those scikit-image ships in its wheel (``skimage/data``: brick, gravel, grass,
the moon's surface), read from its files, so nothing is downloaded. Every
background is ``float32 (H, W, 3)`` RGB in ``[0, 1]`` and is drawn from a
generator, so the same seed gives the same ground. A ground may also carry
*light lines* (white cracks): a ``float32 (H, W)`` map in ``[0, 1]`` lifting to white
whatever lies there, the print included (:func:`make_background_layers`).
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

BACKGROUND_KINDS = ("paper", "wall", "grain", "cracks", "concrete", "skin", "photo")
# How often each kind is drawn (ours): the two kinds the challenge's test inputs
# show (white cracks on light grey, speckled light concrete) most often, the
# others for variety.
BACKGROUND_WEIGHTS = {"paper": 0.12, "wall": 0.1, "grain": 0.08, "cracks": 0.3,
                      "concrete": 0.25, "skin": 0.05, "photo": 0.1}
# Texture photographs in scikit-image's wheel (greyscale 512×512; the others there
# are objects or scenes, not grounds a print could lie on).
PHOTO_TEXTURES = ("brick.png", "gravel.png", "grass.png", "moon.png")
_SKIMAGE_SPEC = importlib.util.find_spec("skimage")  # located without importing it
SKIMAGE_DATA = (Path(_SKIMAGE_SPEC.origin).parent / "data"
                if _SKIMAGE_SPEC is not None and _SKIMAGE_SPEC.origin else None)

# Every ground is light grey under the print, as in the challenge's test inputs,
# whose grounds measure 0.85 and 0.87 in mean luminance (measure.ground_measures);
# the brightness and contrast steps (degrade.py) move some of them further.
GROUND_LEVEL = (0.74, 0.94)  # mean luminance of a ground
TINT = 0.02  # ± per-channel deviation of a ground's colour from grey
PAPER_FIBRE_SIGMA = (0.6, 5.0)  # px: fibres are elongated noise, thin across, long along
PAPER_CONTRAST = (0.03, 0.06)  # std of the fibres
PAPER_BLOTCHES = 0.4  # cloudy unevenness (1/f² noise) of paper, relative to its fibres
WALL_BETA = (1.2, 2.0)  # spectral slope of plaster's 1/f^β noise: blotches, not clouds
WALL_CONTRAST = (0.04, 0.08)
WALL_GRAIN = 0.5  # white noise on plaster, relative to its blotches
GRAIN_SIGMA = (0.5, 1.2)  # px: grain size
GRAIN_CONTRAST = (0.05, 0.1)
CRACK_SURFACE = (0.03, 0.06)  # std of the plaster the cracks run in: nearly flat
CRACKS = (4, 16)  # cracks per ground
CRACK_BRANCHES = 0.06  # chance per step that a crack forks (a network, as in marble)
CRACK_BRANCH_STEPS = (3, 15)  # a branch's length, steps
CRACK_BRANCH_TURN = (0.4, 1.2)  # rad: a branch leaves its crack at this angle
CRACK_MAX_WALKS = 6  # cracks and branches at most, per crack drawn
CRACK_STEP = (4.0, 9.0)  # px per step of a crack's random walk
CRACK_TURN = 0.2  # rad: std of the turn between two steps (nearly straight runs)
CRACK_WIDTH = (1, 4)  # px
CRACK_LIGHTNESS = (0.6, 1.0)  # how far a crack lifts what lies there towards white
CRACK_SOFTNESS = 0.6  # px: Gaussian blur of the drawn cracks
CRACK_ROUGHNESS = 0.6  # ± noise on a crack's opacity: ragged, chipped edges
CRACK_CHIPS = 0.2  # share of the band around a crack flaked white
CRACK_CHIP_BAND = 3  # px: that band's half-width beyond the crack
CRACK_CHIP_GAIN = 2.0  # a one-pixel chip, blurred, peaks near 0.4: this makes it near white
RAGGED_SIGMA = 0.7  # px: correlation of the noise that frays cracks' and scratches' edges
CONCRETE_BETA = (1.1, 1.7)  # mottling of concrete: finer than plaster's
CONCRETE_CONTRAST = (0.04, 0.08)
CONCRETE_GRAIN = 0.3  # white noise on concrete, relative to its mottling
CONCRETE_SPECKS = 1 / 120  # light or dark specks per pixel
CONCRETE_SPECK_DEPTH = 3.0  # a speck's depth, in units of the concrete's contrast
SKIN_COLOUR = (0.86, 0.66, 0.58)  # a light skin tone (sRGB), varied by ±TINT
SKIN_PORES = 1 / 250  # pores per pixel
SKIN_PORE_DEPTH = 2.5  # a pore's darkness, in units of the skin's texture contrast
SKIN_BETA = 1.5  # spectral slope of the skin's mottling
SKIN_CONTRAST = (0.03, 0.06)
PHOTO_SCALE = (0.5, 1.2)  # a photo texture is resized by this before cropping
PHOTO_CONTRAST = (0.04, 0.1)  # std the texture is rescaled to

Maker = Callable[[tuple[int, int], np.random.Generator],
                 tuple[np.ndarray, "np.ndarray | None", dict]]


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


def _paper(shape: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, None, dict]:
    across, along = PAPER_FIBRE_SIGMA
    sigma = (across, along) if rng.uniform() < 0.5 else (along, across)
    fibres = ndimage.gaussian_filter(rng.standard_normal(shape), sigma)
    fibres /= max(fibres.std(), 1e-12)
    contrast = rng.uniform(*PAPER_CONTRAST)
    texture = contrast * (fibres + PAPER_BLOTCHES * power_law_noise(shape, 2.0, rng))
    return texture, None, {"fibre_sigma": list(sigma), "contrast": round(contrast, 4)}


def _plaster(shape: tuple[int, int], rng: np.random.Generator,
             contrast: tuple[float, float]) -> tuple[np.ndarray, dict]:
    beta, strength = rng.uniform(*WALL_BETA), rng.uniform(*contrast)
    texture = strength * (power_law_noise(shape, beta, rng)
                          + WALL_GRAIN * power_law_noise(shape, 0.0, rng))
    return texture, {"beta": round(beta, 3), "contrast": round(strength, 4)}


def _wall(shape: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, None, dict]:
    texture, params = _plaster(shape, rng, WALL_CONTRAST)
    return texture, None, params


def _grain(shape: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, None, dict]:
    sigma, contrast = rng.uniform(*GRAIN_SIGMA), rng.uniform(*GRAIN_CONTRAST)
    grain = ndimage.gaussian_filter(rng.standard_normal(shape), sigma)
    return contrast * grain / max(grain.std(), 1e-12), None, {"sigma": round(sigma, 3),
                                                              "contrast": round(contrast, 4)}


def _crack_walks(shape: tuple[int, int], rng: np.random.Generator, count: int
                 ) -> list[tuple[list[tuple[float, float]], int]]:
    """Random-walk polylines with their widths: ``count`` cracks, each until it leaves
    the frame, and their branches: at each step a crack forks with probability
    :data:`CRACK_BRANCHES` into a thinner crack of :data:`CRACK_BRANCH_STEPS` steps,
    so the cracks form a network, as in marble or crazed plaster."""
    h, w = shape
    walks = []
    longest = 4 * (h + w) / CRACK_STEP[0]
    pending = [(rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0, 2 * np.pi),
                int(rng.integers(CRACK_WIDTH[0], CRACK_WIDTH[1] + 1)), longest)
               for _ in range(count)]
    while pending and len(walks) < CRACK_MAX_WALKS * count:
        x, y, heading, width, steps = pending.pop()
        step = rng.uniform(*CRACK_STEP)
        points = [(x, y)]
        while 0 <= x < w and 0 <= y < h and len(points) <= steps:
            heading += rng.normal(0, CRACK_TURN)
            x, y = x + step * np.cos(heading), y + step * np.sin(heading)
            points.append((x, y))
            if rng.uniform() < CRACK_BRANCHES:
                turn = rng.choice([-1.0, 1.0]) * rng.uniform(*CRACK_BRANCH_TURN)
                length = int(rng.integers(CRACK_BRANCH_STEPS[0], CRACK_BRANCH_STEPS[1] + 1))
                pending.append((x, y, heading + turn, max(1, width - 1), length))
        walks.append((points, width))
    return walks


def _cracks(shape: tuple[int, int], rng: np.random.Generator
            ) -> tuple[np.ndarray, np.ndarray, dict]:
    """Nearly flat plaster crossed by a network of white, ragged cracks (the light map)."""
    surface, params = _plaster(shape, rng, CRACK_SURFACE)
    canvas = Image.new("L", (shape[1], shape[0]), 0)
    draw = ImageDraw.Draw(canvas)
    count = int(rng.integers(CRACKS[0], CRACKS[1] + 1))
    walks = _crack_walks(shape, rng, count)
    for points, width in walks:
        draw.line(points, fill=255, width=width, joint="curve")
    lightness = rng.uniform(*CRACK_LIGHTNESS)
    drawn = np.asarray(canvas, np.float32) / 255
    lines = ndimage.gaussian_filter(drawn, CRACK_SOFTNESS)
    ragged = ndimage.gaussian_filter(rng.standard_normal(shape).astype(np.float32), RAGGED_SIGMA)
    ragged /= max(float(ragged.std()), 1e-6)
    band = ndimage.binary_dilation(drawn > 0.5, iterations=CRACK_CHIP_BAND)
    chips = band & (rng.uniform(size=shape) < CRACK_CHIPS)
    opacity = np.clip(lines * (1 + CRACK_ROUGHNESS * ragged), 0, 1)
    flakes = CRACK_CHIP_GAIN * ndimage.gaussian_filter(chips.astype(np.float32), CRACK_SOFTNESS)
    light = lightness * np.maximum(opacity, flakes)
    return surface, np.clip(light, 0, 1).astype(np.float32), {
        **params, "cracks": count, "walks": len(walks), "lightness": round(lightness, 3)}


def _concrete(shape: tuple[int, int], rng: np.random.Generator
              ) -> tuple[np.ndarray, None, dict]:
    """Light concrete: fine 1/f^β mottling, fine grain, light and dark specks."""
    beta, contrast = rng.uniform(*CONCRETE_BETA), rng.uniform(*CONCRETE_CONTRAST)
    texture = contrast * (power_law_noise(shape, beta, rng)
                          + CONCRETE_GRAIN * power_law_noise(shape, 0.0, rng))
    count = int(shape[0] * shape[1] * CONCRETE_SPECKS)
    specks = np.zeros(shape, np.float32)
    specks[rng.integers(0, shape[0], count), rng.integers(0, shape[1], count)] = (
        rng.choice(np.array([-1.0, 1.0], np.float32), size=count))
    specks = ndimage.gaussian_filter(specks, 0.8)
    texture = texture + CONCRETE_SPECK_DEPTH * contrast * specks / max(
        float(np.abs(specks).max()), 1e-12)
    return texture, None, {"beta": round(beta, 3), "contrast": round(contrast, 4),
                           "specks": count}


def _skin(shape: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, None, dict]:
    contrast = rng.uniform(*SKIN_CONTRAST)
    texture = contrast * power_law_noise(shape, SKIN_BETA, rng)
    pores = np.zeros(shape, np.float32)
    count = int(shape[0] * shape[1] * SKIN_PORES)
    pores[rng.integers(0, shape[0], count), rng.integers(0, shape[1], count)] = 1.0
    pores = ndimage.gaussian_filter(pores, 0.8)
    texture = texture - SKIN_PORE_DEPTH * contrast * pores / max(float(pores.max()), 1e-12)
    return texture, None, {"contrast": round(contrast, 4), "pores": count}


@functools.cache
def _photo_texture(name: str) -> np.ndarray:
    if SKIMAGE_DATA is None:
        raise FileNotFoundError("scikit-image is not installed: its texture photos are missing")
    return np.asarray(Image.open(SKIMAGE_DATA / name).convert("L"), np.float32) / 255


def _photo(shape: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, None, dict]:
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
    return texture, None, {"file": f"skimage/data/{name}", "scale": round(scale, 3),
                     "crop": [left, top], "contrast": round(contrast, 4)}


_MAKERS: dict[str, Maker] = {
    "paper": _paper, "wall": _wall, "grain": _grain, "cracks": _cracks,
    "concrete": _concrete, "skin": _skin, "photo": _photo}


def draw_background_kind(rng: np.random.Generator) -> str:
    """A kind of ground, drawn with :data:`BACKGROUND_WEIGHTS`."""
    weights = np.array([BACKGROUND_WEIGHTS[k] for k in BACKGROUND_KINDS])
    return BACKGROUND_KINDS[int(rng.choice(len(BACKGROUND_KINDS), p=weights / weights.sum()))]


def make_background_layers(kind: str, shape: tuple[int, int], rng: np.random.Generator
                           ) -> tuple[np.ndarray, np.ndarray | None, dict[str, Any]]:
    """A background of ``kind`` as layers: the ground, its light lines, its parameters.

    Returns
    -------
    ground : float32 (H, W, 3) in [0, 1]
        What the print's ink covers.
    light : float32 (H, W) in [0, 1], or None
        White lines (cracks) lying over whatever is there, the print included:
        ``out + light · (1 − out)``.
    params : dict
    """
    if kind not in _MAKERS:
        raise ValueError(f"background must be one of {', '.join(BACKGROUND_KINDS)}, got {kind!r}")
    level = float(rng.uniform(*GROUND_LEVEL))
    base = SKIN_COLOUR if kind == "skin" else (1.0, 1.0, 1.0)
    colour = _colour(rng, level, base)
    texture, light, params = _MAKERS[kind](shape, rng)
    ground = colour[None, None, :] * (1 + texture[..., None] / level)
    return (np.clip(ground, 0, 1).astype(np.float32), light,
            {"kind": kind, "level": round(level, 4),
             "colour": [round(float(c), 4) for c in colour], **params})


def make_background(kind: str, shape: tuple[int, int], rng: np.random.Generator
                    ) -> tuple[np.ndarray, dict[str, Any]]:
    """A background of ``kind``, ``float32 (H, W, 3)`` in ``[0, 1]``, and its parameters
    (the layers of :func:`make_background_layers`, its light lines laid on).

    >>> ground, params = make_background("grain", (40, 30), np.random.default_rng(0))
    >>> ground.shape, ground.dtype, params["kind"]
    ((40, 30, 3), dtype('float32'), 'grain')
    """
    ground, light, params = make_background_layers(kind, shape, rng)
    return lay_light(ground, light), params


def lay_light(image: np.ndarray, light: np.ndarray | None) -> np.ndarray:
    """``image`` (H, W, 3) lifted towards white by ``light`` (H, W); as is when None."""
    if light is None:
        return image
    return (image + light[..., None] * (1 - image)).astype(np.float32)
