"""What every track-1 inpainter shares: input checks, float conversion, and hole windows.

Track-1 holes are a few square blocks in a large image (CHALLENGE.md "Masks"), so the
methods that solve an equation over the hole (biharmonic, total variation) solve it
on each hole's window only: the hole's bounding box grown by the reach of the
method's stencil. :func:`hole_windows` groups holes that lie so close that one's
stencil would touch the other, so every window holds exactly one independent problem.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from scipy import ndimage as ndi

UINT8_MAX = 255.0

Window = tuple[slice, slice]


def check_inputs(image: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validate the humans interface's arguments; return them as arrays.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W, 3)
        RGB image; the values under the mask are ignored.
    mask : ndarray of bool, shape (H, W)
        True in the holes.

    Raises
    ------
    ValueError
        When the types or shapes are wrong, or the mask leaves no known pixel.
    """
    image, mask = np.asarray(image), np.asarray(mask)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must be uint8 (H, W, 3), got {image.dtype} {image.shape}")
    if mask.dtype != bool or mask.shape != image.shape[:2]:
        raise ValueError(f"mask must be bool {image.shape[:2]}, got {mask.dtype} {mask.shape}")
    if mask.all():
        raise ValueError("the mask covers the whole image: there is nothing to inpaint from")
    return image, mask


def to_float(image: np.ndarray) -> np.ndarray:
    """``uint8`` → ``float32`` in [0, 1]."""
    return image.astype(np.float32) / np.float32(UINT8_MAX)


def to_uint8(image: np.ndarray) -> np.ndarray:
    """``float`` in [0, 1] → ``uint8``, rounded and clipped."""
    return np.clip(np.rint(image * UINT8_MAX), 0, UINT8_MAX).astype(np.uint8)


def hole_windows(mask: np.ndarray, reach: int) -> Iterator[tuple[Window, np.ndarray]]:
    """The independent holes of ``mask``, each with its window.

    Holes closer than ``2 * reach + 2`` pixels (Chebyshev) are grouped, so no
    pixel within ``reach`` of a group's hole belongs to another group's hole.

    Parameters
    ----------
    mask : ndarray of bool, shape (H, W)
        True in the holes.
    reach : int
        How far the method's stencil reaches from a hole pixel (≥ 0).

    Yields
    ------
    window : (slice, slice)
        The group's bounding box grown by ``reach``, clipped to the image.
    hole : ndarray of bool
        The group's hole pixels inside ``window`` (other groups' pixels are False).

    Examples
    --------
    >>> mask = np.zeros((20, 20), bool); mask[2:5, 2:5] = True; mask[12:15, 12:15] = True
    >>> [(w, int(h.sum())) for w, h in hole_windows(mask, 1)]
    [((slice(1, 6, None), slice(1, 6, None)), 9), ((slice(11, 16, None), slice(11, 16, None)), 9)]
    """
    grown = ndi.binary_dilation(mask, np.ones((2 * reach + 1,) * 2, bool)) if reach else mask
    labels, _ = ndi.label(grown, np.ones((3, 3), bool))
    labels[~mask] = 0
    height, width = mask.shape
    for index, (rows, cols) in enumerate(ndi.find_objects(labels), 1):
        window = (slice(max(rows.start - reach, 0), min(rows.stop + reach, height)),
                  slice(max(cols.start - reach, 0), min(cols.stop + reach, width)))
        yield window, labels[window] == index
