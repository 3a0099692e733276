"""Inpaint any photo: :func:`inpaint_image` (arrays) and :func:`inpaint_paths` (files).

A track-1 method fills the holes of an image of any size, each on a crop around it
(the hole's bounding box widened by :func:`context_margin`: enough known pixels
around it to draw from, and a cost that follows the hole, not the photo — IOPaint's
crop strategy), and only the hole's pixels are pasted back, so the rest of the photo
comes out exactly as it went in. The default method is the best of our humans-track
benchmark today (``biharmonic``; see ``inpaintbench methods --track humans``).

The mask is a PNG of the image's size, white (> 127) where to fill; or rectangles
(``boxes``); or both. A folder of images takes a folder of masks with the same names
(any image suffix).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from inpaintbench.errors import InputError, OptionError
from inpaintbench.tools.clean import Box
from inpaintbench.tools.files import check_method, expand, into_folder

DEFAULT_METHOD = "biharmonic"  # best on DSSIM and WNJD among the humans methods we ship
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
MIN_MARGIN = 16  # px of context around a hole, at least
MARGIN_SHARE = 0.5  # … or this share of the hole's larger side, whichever is more


def context_margin(height: int, width: int) -> int:
    """Px of known image kept around a ``height × width`` hole.

    >>> context_margin(10, 20), context_margin(100, 60)
    (16, 50)
    """
    return max(MIN_MARGIN, round(MARGIN_SHARE * max(height, width)))


def hole_crops(mask: np.ndarray) -> list[tuple[slice, slice]]:
    """(rows, cols) crops: each hole's box widened by its margin; overlapping crops merged.

    >>> m = np.zeros((200, 200), bool); m[10:20, 10:20] = True; m[30:40, 30:40] = True
    >>> m[150:160, 150:190] = True
    >>> hole_crops(m)
    [(slice(0, 56, None), slice(0, 56, None)), (slice(130, 180, None), slice(130, 200, None))]
    """
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    height, width = mask.shape
    boxes = []
    for x, y, w, h, _ in stats[1:count]:
        m = context_margin(int(h), int(w))
        boxes.append((max(0, y - m), max(0, x - m), min(height, y + h + m), min(width, x + w + m)))
    merged = True
    while merged:  # merge any two overlapping crops until none overlap
        merged = False
        for i, a in enumerate(boxes):
            for j in range(i + 1, len(boxes)):
                b = boxes[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    boxes[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]),
                                max(a[3], b[3]))
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return [(slice(t, b), slice(left, r)) for t, left, b, r in sorted(boxes)]


def inpaint_image(image: np.ndarray, mask: np.ndarray, *, method: str = DEFAULT_METHOD
                  ) -> np.ndarray:
    """Fill ``mask`` in ``image`` with a humans-track method, hole by hole on crops.

    Parameters
    ----------
    image : numpy.ndarray
        uint8 ``(H, W, 3)``, any size.
    mask : numpy.ndarray
        bool ``(H, W)``, True where to fill.
    method : str
        A humans-track method (``inpaintbench methods --track humans``).

    Returns
    -------
    numpy.ndarray
        uint8 ``(H, W, 3)``, equal to ``image`` off the mask.
    """
    from inpaintbench.methods.registry import create
    from inpaintbench.tracks import Track

    image, mask = np.asarray(image), np.asarray(mask, bool)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must be uint8 (H, W, 3), got {image.dtype} {image.shape}")
    if mask.shape != image.shape[:2]:
        raise ValueError(f"mask is {mask.shape[1]}×{mask.shape[0]}, image "
                         f"{image.shape[1]}×{image.shape[0]}")
    if mask.all():
        raise ValueError("the mask covers the whole image: nothing to fill from")
    filler = create(Track.HUMANS, method)
    out = image.copy()
    for rows, cols in hole_crops(mask):
        hole = mask[rows, cols]
        filled = filler.inpaint(np.ascontiguousarray(image[rows, cols]), hole)
        out[rows, cols][hole] = filled[hole]
    return out


@dataclass
class InpaintResult:
    source: Path
    target: Path
    size: tuple[int, int]
    filled: float  # share of the pixels filled
    seconds: float


def _mask_for(source: Path, mask: Path | None, several: bool) -> Path | None:
    """The mask file of ``source``: ``mask`` itself, or its namesake in folder ``mask``."""
    if mask is None:
        return None
    if not mask.is_dir():
        if several:
            raise InputError(mask, "is one file for several images",
                             "give a folder of masks named as the images")
        return mask
    for suffix in IMAGE_SUFFIXES:
        candidate = mask / f"{source.stem}{suffix}"
        if candidate.is_file():
            return candidate
    raise InputError(source, f"has no mask in {mask} (looked for {source.stem}.png, …)")


def _mask(source: Path, mask_file: Path | None, boxes: Sequence[Box], width: int,
          height: int) -> np.ndarray:
    from inpaintbench.io.media import read_image_luma

    mask = np.zeros((height, width), bool)
    for box in boxes:
        if box.x + box.w > width or box.y + box.h > height:
            raise OptionError("boxes", f"{box.x},{box.y},{box.w},{box.h} reaches past "
                                       f"{source.name}'s {width}×{height} image")
        mask[box.y:box.y + box.h, box.x:box.x + box.w] = True
    if mask_file is not None:
        drawn = read_image_luma(mask_file)
        if drawn.shape != (height, width):
            raise InputError(mask_file, f"mask is {drawn.shape[1]}×{drawn.shape[0]}; "
                                        f"{source.name} is {width}×{height}")
        mask |= drawn > 127
    if not mask.any():
        raise InputError(mask_file or source, "the mask marks nothing to fill",
                         "white (> 127) marks the holes")
    if mask.all():
        raise InputError(mask_file or source, "the mask covers the whole image")
    return mask


def inpaint_paths(inputs: Sequence[str | Path], out: str | Path, *, mask: str | Path | None = None,
                  boxes: Sequence[Box] = (), method: str = DEFAULT_METHOD,
                  progress: Callable[[int, int], None] | None = None) -> list[InpaintResult]:
    """Inpaint image files into ``out`` (a file for one image named with an image suffix,
    else a folder, each image keeping its name as a PNG)."""
    import time

    from inpaintbench.io.media import read_image_rgb, write_image
    from inpaintbench.tracks import Track

    check_method(Track.HUMANS, method)
    if mask is None and not boxes:
        raise OptionError("mask", "say what to fill", "give --mask or --box")
    sources = expand(inputs, IMAGE_SUFFIXES, "image")
    out = Path(out)
    several = into_folder(sources, out, IMAGE_SUFFIXES)
    results = []
    for done, source in enumerate(sources):
        began = time.perf_counter()
        image = read_image_rgb(source)
        height, width = image.shape[:2]
        holes = _mask(source, _mask_for(source, None if mask is None else Path(mask),
                                        len(sources) > 1), boxes, width, height)
        target = out / f"{source.stem}.png" if several else out
        write_image(target, inpaint_image(image, holes, method=method))
        results.append(InpaintResult(source, target, (width, height), float(holes.mean()),
                                     time.perf_counter() - began))
        if progress:
            progress(done + 1, len(sources))
    return results
