"""Orientation fields of the five fingerprint classes, as SFinGe draws them.

A fingerprint's ridge orientation is fixed by its singular points: *cores*
(Poincaré index +1/2, where ridges turn back) and *deltas* (index −1/2, where
three ridge flows meet). Sherlock and Monro's zero-pole model [1]_ writes the
orientation at ``z = x + iy`` as

.. math:: \\theta(z) = \\theta_\\infty + \\tfrac12 \\Big[\\sum_i g_{c_i}(\\arg(z - c_i))
          - \\sum_j g_{d_j}(\\arg(z - d_j))\\Big] \\pmod \\pi

with ``g(α) = α``. SFinGe [2]_ [3]_ uses Vizcaya and Gerhardt's correction [4]_:
each ``g`` is piecewise linear through eight nodes ``α_k = −π + kπ/4`` moved by a
small offset ``ε_k``, which bends the flow around each singular point the way
real prints do while keeping the indices. Arches have no singular point, and
the zero-pole model without one gives straight parallel ridges, so arches get
their own field (our choice): ridges rising towards the print's axis along a
sinusoidal profile whose slope fades from the top of the print to a foot row,
below which they run flat.

Everything here is in image coordinates: ``x`` is the column, ``y`` the row
(pointing down), angles run from ``+x`` towards ``+y``, and an orientation is
an angle in ``[0, π)`` along the ridges.

References
----------
.. [1] B. G. Sherlock and D. M. Monro, "A model for interpreting fingerprint
   topology", Pattern Recognition 26(7), 1993.
.. [2] R. Cappelli, A. Erol, D. Maio and D. Maltoni, "Synthetic fingerprint-image
   generation", ICPR 2000.
.. [3] D. Maltoni, D. Maio, A. K. Jain and S. Prabhakar, *Handbook of Fingerprint
   Recognition*, 2nd ed., Springer 2009, ch. 6 "Synthetic fingerprint generation".
.. [4] P. R. Vizcaya and L. A. Gerhardt, "A nonlinear orientation model for global
   description of fingerprints", Pattern Recognition 29(7), 1996.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

CLASSES = ("arch", "tented_arch", "left_loop", "right_loop", "whorl")
# Natural class frequencies (Wilson, Candela and Watson, NIST 1994, quoted in the
# Handbook [3] ch. 5, and used by SFinGe to draw a class): arch 3.7 %, tented arch
# 2.9 %, left loop 33.8 %, right loop 31.7 %, whorl 27.9 %.
CLASS_FREQUENCIES = (0.037, 0.029, 0.338, 0.317, 0.279)
# (cores, deltas) of each class: Henry's classes as SFinGe models them [3].
SINGULAR_COUNTS = {"arch": (0, 0), "tented_arch": (1, 1), "left_loop": (1, 1),
                   "right_loop": (1, 1), "whorl": (2, 2)}

# Vizcaya–Gerhardt correction [4]: eight nodes; SFinGe fits their offsets on real
# prints, we draw them up to ±0.25 rad — small enough that each g stays increasing
# (nodes are π/4 ≈ 0.785 rad apart), so every singular point keeps its index.
CORRECTION_NODES = 8
CORRECTION_SPREAD = 0.25

# Where the singular points sit, in pixels at 500 dpi relative to the print's
# centre (our choice): a loop's delta lies 87–157 px from its core, 10–17 ridge
# periods of ≈ 9 px, so a loop has room for the ridges it recurves.
CORE_OFFSET_X = 20.0  # core: ±20 px across the centre,
CORE_OFFSET_Y = (-45.0, 5.0)  # from 45 px above to 5 px below it
LOOP_DELTA_DX = (45.0, 95.0)  # loop delta: this far to the side of the core (+x: left loop),
LOOP_DELTA_DY = (75.0, 125.0)  # and this far below it
TENT_DELTA_DX = 10.0  # tented arch: delta nearly straight below the core,
TENT_DELTA_DY = (55.0, 100.0)  # close to it
WHORL_CORE_GAP = (15.0, 45.0)  # whorl: the two cores this far apart, one above the other,
WHORL_CORE_TILT = 12.0  # offset sideways by up to this,
WHORL_DELTA_DX = (65.0, 100.0)  # deltas to either side of the centre,
WHORL_DELTA_DY = (70.0, 115.0)  # below the lower core
# Arch (our model): θ = atan(k(y)·sin(π(x − x0)/w)), k falling linearly from k_top at
# the top of the print to 0 at the arch's foot; ridges are flat below it.
ARCH_STRENGTH = (0.9, 1.8)  # k_top (slope of the ridges at the top corners)
ARCH_FOOT = (0.55, 0.85)  # the foot, as a fraction of the print's height


Point = tuple[float, float]


@dataclass(frozen=True)
class SingularPoints:
    """Cores and deltas of a print, ``(x, y)`` in pixels."""

    cores: tuple[Point, ...] = ()
    deltas: tuple[Point, ...] = ()

    def transformed(self, matrix: np.ndarray) -> SingularPoints:
        """The points mapped by a ``(2, 3)`` affine ``matrix``: ``[x', y'] = A [x, y] + b``."""
        def move(points: tuple[Point, ...]) -> tuple[Point, ...]:
            return tuple((float(matrix[0, 0] * x + matrix[0, 1] * y + matrix[0, 2]),
                          float(matrix[1, 0] * x + matrix[1, 1] * y + matrix[1, 2]))
                         for x, y in points)
        return SingularPoints(move(self.cores), move(self.deltas))

    def to_json(self) -> dict[str, list[list[float]]]:
        return {"cores": [[round(x, 2), round(y, 2)] for x, y in self.cores],
                "deltas": [[round(x, 2), round(y, 2)] for x, y in self.deltas]}


@dataclass(frozen=True)
class OrientationModel:
    """The orientation model of one finger: its class and the parameters that draw it.

    Attributes
    ----------
    kind : str
        One of :data:`CLASSES`.
    points : SingularPoints
    corrections : tuple of tuples
        The Vizcaya–Gerhardt offsets ``ε_k`` (radians, :data:`CORRECTION_NODES`
        each) of every core, then every delta.
    arch : (x0, top, width, foot, strength) or None
        An arch's axis ``x0``, the print's top row and width, the row where the
        arch flattens out, and ``k_top``; None for the other classes.
    """

    kind: str
    points: SingularPoints
    corrections: tuple[tuple[float, ...], ...] = ()
    arch: tuple[float, float, float, float, float] | None = None

    def field(self, shape: tuple[int, int]) -> np.ndarray:
        """The orientation field, ``float32 (H, W)`` in ``[0, π)``."""
        if self.arch is not None:
            return arch_orientation(shape, *self.arch)
        return zero_pole_orientation(shape, self.points, self.corrections)

    def to_json(self) -> dict[str, Any]:
        return {"class": self.kind, **self.points.to_json(),
                "corrections": [[round(e, 4) for e in c] for c in self.corrections],
                "arch": None if self.arch is None else [round(v, 3) for v in self.arch]}


def corrected_angle(alpha: np.ndarray, offsets: tuple[float, ...] | None) -> np.ndarray:
    """Vizcaya and Gerhardt's ``g(α)``: piecewise linear through ``(α_k, α_k + ε_k)``.

    ``alpha`` in ``[−π, π]``; the offsets are periodic (``ε`` at ``π`` is the one at
    ``−π``), so ``g(α + 2π) = g(α) + 2π`` and the winding around the point is kept.

    >>> float(corrected_angle(np.array(0.3), None))
    0.3
    """
    if not offsets:
        return alpha
    nodes = np.linspace(-np.pi, np.pi, len(offsets) + 1)
    eps = np.append(offsets, offsets[0])
    return np.interp(alpha, nodes, nodes + eps)


def zero_pole_orientation(shape: tuple[int, int], points: SingularPoints,
                          corrections: tuple[tuple[float, ...], ...] = ()) -> np.ndarray:
    """Sherlock–Monro orientation (θ∞ = 0, ridges horizontal far away), ``float32 (H, W)``.

    Parameters
    ----------
    shape : (H, W)
    points : SingularPoints
    corrections : Vizcaya–Gerhardt offsets per point (cores, then deltas), or empty

    Examples
    --------
    A core above a delta (a tented arch): ridges horizontal above the core and
    below the delta, vertical between them.

    >>> points = SingularPoints(cores=((20.0, 10.0),), deltas=((20.0, 30.0),))
    >>> theta = zero_pole_orientation((41, 41), points)
    >>> [round(float(theta[y, 20]), 2) for y in (2, 20, 38)]
    [0.0, 1.57, 0.0]
    """
    y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float64)
    signs = [1.0] * len(points.cores) + [-1.0] * len(points.deltas)
    offsets = list(corrections) or [None] * len(signs)
    theta = np.zeros(shape)
    for (px, py), sign, eps in zip(points.cores + points.deltas, signs, offsets, strict=True):
        theta += sign * corrected_angle(np.arctan2(y - py, x - px), eps)
    return np.mod(theta / 2, np.pi).astype(np.float32)


def arch_orientation(shape: tuple[int, int], x0: float, top: float, width: float,
                     foot: float, strength: float) -> np.ndarray:
    """A plain arch: ``θ = atan(k(y) · sin(π (x − x0) / width))``, ``float32 (H, W)`` in [0, π).

    ``k`` falls linearly from ``strength`` at row ``top`` to 0 at row ``foot``
    (ridges rise towards the axis ``x0``: negative slope left of it, y down).
    """
    y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float64)
    k = strength * np.clip((foot - y) / max(foot - top, 1.0), 0.0, 1.0)
    slope = k * np.sin(np.pi * np.clip((x - x0) / width, -0.5, 0.5))
    return np.mod(np.arctan(slope), np.pi).astype(np.float32)


def draw_class(rng: np.random.Generator) -> str:
    """A class drawn with the natural frequencies :data:`CLASS_FREQUENCIES`."""
    return CLASSES[int(rng.choice(len(CLASSES), p=CLASS_FREQUENCIES))]


def draw_orientation_model(kind: str, rng: np.random.Generator, centre: Point,
                           top: float, height: float, width: float) -> OrientationModel:
    """Singular points (or arch parameters) of class ``kind`` for a print.

    Parameters
    ----------
    kind : str
        One of :data:`CLASSES`.
    rng : numpy.random.Generator
    centre : (x, y)
        The print's centre, pixels.
    top, height, width : float
        The print's top row, height and width, pixels (for the arch model).
    """
    if kind not in CLASSES:
        raise ValueError(f"class must be one of {', '.join(CLASSES)}, got {kind!r}")
    cx, cy = centre
    if kind == "arch":  # the arch's axis strays from the centre as a core would
        return OrientationModel(kind, SingularPoints(), arch=(
            cx + rng.uniform(-CORE_OFFSET_X, CORE_OFFSET_X), top, width,
            top + height * rng.uniform(*ARCH_FOOT), rng.uniform(*ARCH_STRENGTH)))
    core = (cx + rng.uniform(-CORE_OFFSET_X, CORE_OFFSET_X), cy + rng.uniform(*CORE_OFFSET_Y))
    if kind in ("left_loop", "right_loop"):
        side = 1.0 if kind == "left_loop" else -1.0  # a left loop opens left: delta on the right
        points = SingularPoints((core,), ((core[0] + side * rng.uniform(*LOOP_DELTA_DX),
                                           core[1] + rng.uniform(*LOOP_DELTA_DY)),))
    elif kind == "tented_arch":
        points = SingularPoints((core,), ((core[0] + rng.uniform(-TENT_DELTA_DX, TENT_DELTA_DX),
                                           core[1] + rng.uniform(*TENT_DELTA_DY)),))
    else:
        gap, tilt = rng.uniform(*WHORL_CORE_GAP), rng.uniform(-WHORL_CORE_TILT, WHORL_CORE_TILT)
        upper = (core[0] - tilt / 2, core[1] - gap / 2)
        lower = (core[0] + tilt / 2, core[1] + gap / 2)
        deltas = tuple((cx + side * rng.uniform(*WHORL_DELTA_DX),
                        lower[1] + rng.uniform(*WHORL_DELTA_DY)) for side in (-1.0, 1.0))
        points = SingularPoints((upper, lower), deltas)
    n = len(points.cores) + len(points.deltas)
    corrections = tuple(tuple(float(e) for e in rng.uniform(-CORRECTION_SPREAD, CORRECTION_SPREAD,
                                                            CORRECTION_NODES))
                        for _ in range(n))
    return OrientationModel(kind, points, corrections)
