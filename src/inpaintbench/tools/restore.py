"""Restore any fingerprint image: :func:`restore_print` (arrays) and :func:`restore_paths` (files).

The track-3 networks learned prints at 500 dpi, ridges about :data:`TRAINED_PERIOD`
px apart, in 275×400 images. A user's print has its own resolution and size, so:

1. its ridge period is measured (the median over the blocks of strongest ridge
   signal of the dominant period of each block's power spectrum,
   :func:`inpaintbench.data.fingerprints.measure.spectrum_periods`), unless given;
2. the image is rescaled so that its ridges are :data:`TRAINED_PERIOD` px apart;
3. restored whole, or, when larger than :data:`TILE` px, in overlapping tiles that
   are blended with linear ramps (memory stays bounded);
4. and brought back to its own size: a grey PNG the size of the input.

The default method is the best of our fingerprints benchmark (``cvxtz-unet``, the
challenge's winner, trained here: best MSE and PSNR on held-out prints and against
the challenge's own restorations of its real inputs; see docs/fingerprints.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from inpaintbench.errors import InputError, OptionError
from inpaintbench.tools.files import check_method, expand, into_folder
from inpaintbench.tools.inpaint import IMAGE_SUFFIXES

DEFAULT_METHOD = "cvxtz-unet"
TRAINED_PERIOD = 9.0  # px: our prints' mean ridge period (docs/fingerprints.md), 500 dpi
SCALE_RANGE = (0.25, 4.0)  # the most an input is shrunk or enlarged
TILE = 512  # px: larger (rescaled) images are restored in tiles this big …
OVERLAP = 64  # … overlapping by this much, blended linearly
STRONGEST_BLOCKS = 0.5  # share of blocks, by ridge contrast, whose periods are pooled
MIN_SIDE = 32  # px: smaller inputs are refused


def ridge_period(grey: np.ndarray) -> float:
    """The ridge period of a print, px: the median period of its most ridged blocks.

    >>> y, x = np.mgrid[0:200, 0:200]
    >>> round(ridge_period((128 + 100 * np.cos(2 * np.pi * x / 12)).astype(np.uint8)), 1)
    12.0
    """
    from inpaintbench.data.fingerprints.measure import BLOCK, spectrum_periods

    grey = np.asarray(grey, np.float64)
    height, width = grey.shape
    step = BLOCK // 2
    blocks = np.array([grey[y:y + BLOCK, x:x + BLOCK]
                       for y in range(0, height - BLOCK + 1, step)
                       for x in range(0, width - BLOCK + 1, step)])
    if not len(blocks):
        raise ValueError(f"a {width}×{height} image is smaller than one {BLOCK} px block")
    contrast = blocks.std(axis=(1, 2))
    strong = blocks[contrast >= np.quantile(contrast, 1 - STRONGEST_BLOCKS)]
    return float(np.median(spectrum_periods(strong)))


def _ramp(length: int, overlap: int) -> np.ndarray:
    ramp = np.ones(length, np.float32)
    edge = min(overlap, length // 2)
    if edge:
        ramp[:edge] = np.linspace(1 / (edge + 1), 1, edge, dtype=np.float32)
        ramp[-edge:] = ramp[:edge][::-1]
    return ramp


def _tiles(size: int, tile: int, overlap: int) -> list[int]:
    if size <= tile:
        return [0]
    starts = list(range(0, size - tile, tile - overlap)) + [size - tile]
    return sorted(set(starts))


def restore_tiled(restore: Callable[[np.ndarray], np.ndarray], rgb: np.ndarray, *,
                  tile: int = TILE, overlap: int = OVERLAP) -> np.ndarray:
    """``restore`` (RGB uint8 in, grey uint8 out, any size) over tiles, blended linearly."""
    height, width = rgb.shape[:2]
    if height <= tile and width <= tile:
        return restore(rgb)
    total = np.zeros((height, width), np.float32)
    weight = np.zeros((height, width), np.float32)
    for top in _tiles(height, tile, overlap):
        for left in _tiles(width, tile, overlap):
            piece = rgb[top:top + tile, left:left + tile]
            w = np.outer(_ramp(piece.shape[0], overlap), _ramp(piece.shape[1], overlap))
            total[top:top + tile, left:left + tile] += restore(piece) * w
            weight[top:top + tile, left:left + tile] += w
    return np.round(total / weight).astype(np.uint8)


def restore_print(image: np.ndarray, *, method: str = DEFAULT_METHOD,
                  period: float | None = None) -> tuple[np.ndarray, float]:
    """Restore a fingerprint image of any size and resolution.

    Parameters
    ----------
    image : numpy.ndarray
        uint8 ``(H, W)`` grey or ``(H, W, 3)`` RGB.
    method : str
        A fingerprints method (``inpaintbench methods --track fingerprints``).
    period : float, optional
        The print's ridge period in px; measured when not given.

    Returns
    -------
    (numpy.ndarray, float)
        The restoration, uint8 ``(H, W)`` grey, and the ridge period used.
    """
    from inpaintbench.methods.registry import create
    from inpaintbench.tracks import Track

    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise ValueError(f"image must be uint8 (H, W) or (H, W, 3), got {image.dtype} "
                         f"{image.shape}")
    rgb = np.repeat(image[..., None], 3, axis=2) if image.ndim == 2 else image
    height, width = rgb.shape[:2]
    if min(height, width) < MIN_SIDE:
        raise ValueError(f"a {width}×{height} image is too small (at least {MIN_SIDE} px a side)")
    if period is None:
        period = ridge_period(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    scale = float(np.clip(TRAINED_PERIOD / period, *SCALE_RANGE))
    size = (max(MIN_SIDE, round(width * scale)), max(MIN_SIDE, round(height * scale)))
    scaled = rgb if size == (width, height) else cv2.resize(
        rgb, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    method_ = create(Track.FINGERPRINTS, method)
    out = restore_tiled(method_.restore, scaled)
    if out.shape != (height, width):
        out = cv2.resize(out, (width, height),
                         interpolation=cv2.INTER_AREA if scale > 1 else cv2.INTER_CUBIC)
    return out, period


@dataclass
class RestoreResult:
    source: Path
    target: Path
    size: tuple[int, int]
    period: float
    seconds: float


def restore_paths(inputs: Sequence[str | Path], out: str | Path, *,
                  method: str = DEFAULT_METHOD, period: float | None = None,
                  progress: Callable[[int, int], None] | None = None) -> list[RestoreResult]:
    """Restore fingerprint image files into folder ``out`` (or file ``out`` for one image),
    grey PNGs named as the inputs."""
    import time

    from inpaintbench.io.media import read_image_rgb, write_image
    from inpaintbench.tracks import Track

    check_method(Track.FINGERPRINTS, method)
    if period is not None and not 3 <= period <= 40:
        raise OptionError("period", f"{period} px is outside 3…40")
    sources = expand(inputs, IMAGE_SUFFIXES, "image")
    out = Path(out)
    several = into_folder(sources, out, IMAGE_SUFFIXES)
    results = []
    for done, source in enumerate(sources):
        began = time.perf_counter()
        image = read_image_rgb(source)
        try:
            restored, used = restore_print(image, method=method, period=period)
        except ValueError as exc:
            raise InputError(source, str(exc)) from None
        target = out / f"{source.stem}.png" if several else out
        write_image(target, restored)
        results.append(RestoreResult(source, target, (image.shape[1], image.shape[0]), used,
                                     time.perf_counter() - began))
        if progress:
            progress(done + 1, len(sources))
    return results
