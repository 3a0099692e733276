"""Ground-truth impressions of a master print: moved, turned, pressed, cropped to 275×400.

The challenge's ground truth is a print "without any noise or scratches, but
with random transformations (at most five pixels translation and ±10°
rotation)" (book §4.1); ours are dark ridges on white. Each impression of a finger also gets its own
*pressure*: the threshold that turns the master's ridge response into ink. A
lower threshold (a harder press) gives thicker ridges; the threshold also
varies smoothly over the print, and rises towards the fingertip's outline,
where the skin barely touches and ridges thin out, break up and fade (Handbook of
Fingerprint Recognition, ch. 6, "variation in ridge thickness"). Ridges are
narrower than valleys and the border fades, as in the challenge's prints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import ndimage

from inpaintbench.data.fingerprints.orientation import SingularPoints
from inpaintbench.data.fingerprints.ridges import (
    CROP_LEFT,
    CROP_TOP,
    MasterPrint,
    smooth_noise,
)
from inpaintbench.tracks import FINGERPRINT_HEIGHT, FINGERPRINT_WIDTH

MAX_SHIFT = 5.0  # px, CHALLENGE.md Track 3: "at most 5 px translation"
MAX_ROTATION = 10.0  # degrees, CHALLENGE.md Track 3: "±10° rotation"

# Pressure (our tuning): ink where the ridge response (about a sinusoid of
# amplitude 1 across the ridges) exceeds a threshold, with a soft edge. A
# threshold t inks a share acos(t)/π of the period: 0.3–0.65 gives ridges 0.28–0.40
# of the period, as in the challenge's prints, whose restorations by FPD-M-net
# have ridges 0.35 of the period wide (our measure.ridge_fraction; ridges clearly
# narrower than valleys).
PRESSURE = (0.3, 0.65)  # the impression's threshold: low = hard press, thick ridges
PRESSURE_VARIATION = 0.15  # ± smooth variation over the print
PRESSURE_CELLS = (4, 3)  # … on a coarse grid (rows, columns)
RIDGE_ROUGHNESS = 0.12  # std of fine threshold noise: ridge edges as uneven as skin's
RIDGE_ROUGHNESS_SIGMA = 1.0  # px, its correlation length
INK_SOFTNESS = 0.2  # half-width of the threshold's ramp: anti-aliased ridge edges
# The border fades (the challenge's restorations show no hard silhouette: ridges
# break into dashes and dots and turn grey over the outer 15–20 px of the print).
EDGE_WIDTH = 0.2  # the outer 20 % of the fingertip's radius (22–33 px) …
EDGE_RISE = 1.0  # … sees the threshold rise by this much: ridges thin out and vanish,
EDGE_BREAKUP = 0.3  # … fine threshold noise grow to this std: ridges break into dots,
EDGE_BREAKUP_SIGMA = 1.2  # px, its correlation length,
EDGE_FADE = 0.5  # … and the ink lighten by up to this share at the outline,
EDGE_FADE_POWER = 1.5  # … more and more steeply towards it
EDGE_ROUGHNESS = 0.05  # ± noise on the outline (as a fraction of the radius)
EDGE_ROUGHNESS_SIGMA = 5.0  # px, correlation length of that noise
WHITE = 1.0


@dataclass(frozen=True)
class Impression:
    """How one ground-truth impression was taken from its master.

    Attributes
    ----------
    dx, dy : float
        Translation, px (``hypot(dx, dy) ≤ MAX_SHIFT``).
    angle : float
        Rotation about the frame's centre, degrees (positive: counter-clockwise
        as seen on screen).
    pressure : float
        The ink threshold (lower is a harder press).
    """

    dx: float
    dy: float
    angle: float
    pressure: float

    def matrix(self) -> np.ndarray:
        """The ``(2, 3)`` affine map from master to impression coordinates ``(x, y)``."""
        a = math.radians(self.angle)
        c, s = math.cos(a), math.sin(a)
        rotation = np.array([[c, s], [-s, c]])  # y points down: this turns counter-clockwise
        centre = np.array([FINGERPRINT_WIDTH / 2, FINGERPRINT_HEIGHT / 2]) - 0.5
        master_centre = centre + np.array([CROP_LEFT, CROP_TOP])
        offset = centre + np.array([self.dx, self.dy]) - rotation @ master_centre
        return np.hstack([rotation, offset[:, None]])

    def to_json(self) -> dict[str, float]:
        return {"dx": round(self.dx, 3), "dy": round(self.dy, 3), "angle": round(self.angle, 3),
                "pressure": round(self.pressure, 4)}


def draw_impression(rng: np.random.Generator) -> Impression:
    """A random translation (in a disc of radius 5 px), rotation (±10°) and pressure."""
    shift = MAX_SHIFT * math.sqrt(rng.uniform())
    direction = rng.uniform(0, 2 * math.pi)
    return Impression(dx=shift * math.cos(direction), dy=shift * math.sin(direction),
                      angle=rng.uniform(-MAX_ROTATION, MAX_ROTATION),
                      pressure=rng.uniform(*PRESSURE))


def _warp(field: np.ndarray, inverse: np.ndarray, fill: float) -> np.ndarray:
    """Sample ``field`` (x, y order matrix) on the impression's grid, bilinear."""
    # affine_transform works in (row, col): swap the axes of the (x, y) matrix
    matrix = inverse[::-1, :2][:, ::-1]
    offset = inverse[::-1, 2]
    return ndimage.affine_transform(field, matrix, offset,
                                    output_shape=(FINGERPRINT_HEIGHT, FINGERPRINT_WIDTH),
                                    order=1, mode="constant", cval=fill)


def _normalised_noise(shape: tuple[int, int], sigma: float,
                      rng: np.random.Generator) -> np.ndarray:
    """Gaussian-filtered white noise rescaled to unit standard deviation, ``float32``."""
    noise = ndimage.gaussian_filter(rng.standard_normal(shape).astype(np.float32), sigma)
    return noise / max(float(noise.std()), 1e-6)


def render_impression(master: MasterPrint, impression: Impression,
                      rng: np.random.Generator) -> tuple[np.ndarray, SingularPoints]:
    """The ground-truth image of one impression and its singular points.

    Parameters
    ----------
    master : MasterPrint
    impression : Impression
    rng : numpy.random.Generator
        Draws the pressure's variation over the print and the outline's roughness.

    Returns
    -------
    image : uint8 (400, 275)
        Dark ridges on white.
    points : SingularPoints
        The master's cores and deltas in the impression's coordinates.
    """
    forward = impression.matrix()
    inverse = np.linalg.inv(np.vstack([forward, [0, 0, 1]]))[:2]
    ridges = _warp(master.ridges, inverse, 0.0)
    radius = _warp(master.radius, inverse, 2.0)  # beyond the canvas: off the fingertip
    shape = ridges.shape
    outline = _normalised_noise(shape, EDGE_ROUGHNESS_SIGMA, rng)
    edge = np.clip((radius + EDGE_ROUGHNESS * outline - (1 - EDGE_WIDTH)) / EDGE_WIDTH, 0, None)
    rim = np.minimum(edge, 1.0)  # 0 inside the border band, 1 at the outline and beyond
    threshold = (impression.pressure
                 + PRESSURE_VARIATION * smooth_noise(shape, PRESSURE_CELLS, rng)
                 + RIDGE_ROUGHNESS * _normalised_noise(shape, RIDGE_ROUGHNESS_SIGMA, rng)
                 + EDGE_RISE * edge
                 + EDGE_BREAKUP * rim * _normalised_noise(shape, EDGE_BREAKUP_SIGMA, rng))
    ink = np.clip((ridges - threshold + INK_SOFTNESS) / (2 * INK_SOFTNESS), 0.0, 1.0)
    ink = ink * ink * (3 - 2 * ink)  # smoothstep: soft, symmetric ridge edges
    ink = ink * (1 - EDGE_FADE * rim ** EDGE_FADE_POWER)
    image = np.round(255 * (WHITE - ink)).astype(np.uint8)
    return image, master.model.points.transformed(forward)


def impression_json(impression: Impression, points: SingularPoints) -> dict[str, Any]:
    """What the metadata records of one impression."""
    return {"transform": impression.to_json(), **points.to_json()}
