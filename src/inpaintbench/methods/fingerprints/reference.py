"""An outside reference: the ``fingerprint_enhancer`` package from PyPI.

``fingerprint_enhancer`` [1]_ is Utkarsh Deshmukh's Python port of Peter Kovesi's
MATLAB implementation of Hong, Wan and Jain's Gabor enhancement [2]_: block-variance
segmentation, gradient orientation, x-signature frequency, a bank of oriented Gabor
filters, and a threshold on the filter response. It returns a *binary* image with
the ridges white (``True`` or 255) and everything else black, sized as its input
(older releases resized the input to 350 rows first). The adapter here feeds it the
scorer's grey and turns its answer into the ground truth's look: dark ridges on
white, at the input's size.

On an image where it finds no ridge frequency at all (a blank or tiny image) the
package fails with an ``IndexError`` deep inside; the adapter then returns the
input's grey, as the identity floor would, rather than leave the prediction out
(which the scorer would charge MSE = inf).

The package is optional. Its ``setup.py`` asks for ``opencv-python``, which would
overwrite the ``cv2`` of our ``opencv-contrib-python``; its other needs (numpy,
scipy) are ours, so ``./bootstrap`` installs it with ``pip install --no-deps
fingerprint_enhancer==0.0.14``. Without it the method is listed as unavailable.

References
----------
.. [1] https://github.com/Utkarsh-Deshmukh/Fingerprint-Enhancement-Python
.. [2] L. Hong, Y. Wan and A. K. Jain, "Fingerprint image enhancement: algorithm and
   performance evaluation", IEEE TPAMI 20(8), 1998.
"""

from __future__ import annotations

import importlib
import importlib.util
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from inpaintbench.methods.base import MethodInfo
from inpaintbench.methods.fingerprints.analysis import luma
from inpaintbench.methods.registry import register
from inpaintbench.tracks import Track

PACKAGE = "fingerprint_enhancer"
MISSING = (None if importlib.util.find_spec(PACKAGE) is not None
           else "needs the fingerprint_enhancer package "
                "(pip install --no-deps fingerprint_enhancer==0.0.14)")
# The entry point was renamed between releases.
ENTRY_POINTS = ("enhance_fingerprint", "enhance_Fingerprint")


def _enhance_function() -> Callable[[np.ndarray], np.ndarray]:
    module = importlib.import_module(PACKAGE)
    for name in ENTRY_POINTS:
        if hasattr(module, name):
            return getattr(module, name)
    raise RuntimeError(f"{PACKAGE} has none of {', '.join(ENTRY_POINTS)}: an unknown release")


def ridges_to_grey(enhanced: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The package's white-ridge binary image → dark ridges on white, ``uint8 shape``.

    Parameters
    ----------
    enhanced : (h, w) bool, or numbers with the ridges at the high value (1 or 255)
    shape : (H, W)
        The input's size; a different ``(h, w)`` is resized back (nearest).

    >>> ridges_to_grey(np.array([[True, False]]), (1, 2)).tolist()
    [[0, 255]]
    >>> ridges_to_grey(np.array([[0, 255]], np.uint8), (2, 2)).tolist()
    [[255, 0], [255, 0]]
    """
    values = np.asarray(enhanced)
    if values.ndim != 2:
        raise ValueError(f"expected a (h, w) image from {PACKAGE}, got shape {values.shape}")
    if values.dtype == bool:
        ridge = values
    else:
        values = values.astype(np.float32)
        top = float(values.max()) if values.size else 0.0
        ridge = values > top / 2 if top > 0 else np.zeros(values.shape, bool)
    if ridge.shape != tuple(shape):
        ridge = cv2.resize(ridge.astype(np.uint8), (shape[1], shape[0]),
                           interpolation=cv2.INTER_NEAREST).astype(bool)
    return np.where(ridge, 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class FingerprintEnhancerReference:
    """``fingerprint_enhancer``'s Gabor enhancement, as an outside reference."""

    info = MethodInfo(
        name="fingerprint-enhancer", track=Track.FINGERPRINTS, kind="classical",
        description="The fingerprint_enhancer package (Kovesi's Hong et al. Gabor "
                    "enhancement, binary), ridges turned dark on white",
        reference="fingerprint_enhancer on PyPI; Hong, Wan and Jain, IEEE TPAMI 1998")

    def restore(self, image: np.ndarray) -> np.ndarray:
        """``uint8 (H, W, 3)`` RGB in, binary ``uint8 (H, W)`` (0 ridges, 255 elsewhere) out."""
        grey = luma(image)
        try:
            # the package averages over empty ridge regions on a blank print: numpy's
            # warnings about it would reach the user's terminal; the result is handled
            with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                enhanced = _enhance_function()(grey)
        except (IndexError, ValueError):  # no ridge frequency found anywhere (see above)
            return grey
        return ridges_to_grey(enhanced, grey.shape)


@register(FingerprintEnhancerReference.info, missing=MISSING)
def _fingerprint_enhancer() -> FingerprintEnhancerReference:
    return FingerprintEnhancerReference()
