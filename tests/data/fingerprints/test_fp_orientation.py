"""Orientation models: each class has its singular points, where the model put them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inpaintbench.data.fingerprints.measure import poincare_index, singular_points
from inpaintbench.data.fingerprints.orientation import (
    CLASS_FREQUENCIES,
    CLASSES,
    SINGULAR_COUNTS,
    SingularPoints,
    corrected_angle,
    draw_class,
    draw_orientation_model,
    zero_pole_orientation,
)

SHAPE = (456, 352)
CENTRE = (176.0, 220.0)


def _model(kind: str, seed: int):
    return draw_orientation_model(kind, np.random.default_rng(seed), CENTRE, 40.0, 380.0, 240.0)


def _near(found, expected, tolerance=2.0) -> bool:
    return len(found) == len(expected) and all(
        min(np.hypot(fx - ex, fy - ey) for ex, ey in expected) <= tolerance for fx, fy in found)


@pytest.mark.parametrize("kind", CLASSES)
@pytest.mark.parametrize("seed", range(4))
def test_poincare_index_finds_each_class_singular_points(kind, seed):
    model = _model(kind, seed)
    cores, deltas = singular_points(model.field(SHAPE))
    assert (len(cores), len(deltas)) == SINGULAR_COUNTS[kind]
    assert _near(cores, model.points.cores) and _near(deltas, model.points.deltas)


@pytest.mark.parametrize("seed", range(6))
def test_loops_open_away_from_their_delta_and_tented_arches_are_upright(seed):
    left, right, tent = (_model(k, seed).points for k in ("left_loop", "right_loop",
                                                          "tented_arch"))
    # a left loop's ridges enter and leave on the left: its delta lies right of the core
    assert left.deltas[0][0] > left.cores[0][0] + 30
    assert right.deltas[0][0] < right.cores[0][0] - 30
    assert abs(tent.deltas[0][0] - tent.cores[0][0]) < abs(tent.deltas[0][1] - tent.cores[0][1])
    for points in (left, right, tent):
        assert points.deltas[0][1] > points.cores[0][1]  # deltas below the core


@pytest.mark.parametrize("seed", range(4))
def test_loop_ridges_slope_down_towards_the_side_the_loop_opens_to(seed):
    """Beside and below a loop's core the recurving ridges run diagonally down to its open
    side: ╱ (about 135° with y down) in a left loop, ╲ (about 45°) in a right loop."""
    for kind, side, band in (("left_loop", -1, (110, 160)), ("right_loop", 1, (20, 70))):
        model = _model(kind, seed)
        (cx, cy), = model.points.cores
        theta = np.degrees(model.field(SHAPE))
        assert band[0] < theta[int(cy + 30), int(cx + side * 25)] < band[1]
        assert not band[0] < theta[int(cy + 30), int(cx - side * 25)] < band[1]


@pytest.mark.parametrize("seed", range(4))
def test_arches_and_tents_rise_towards_their_axis(seed):
    """Left of the axis ridges climb to the right (θ in (90°, 180°) with y down), right of
    it they fall: ∩, not ∪."""
    arch = _model("arch", seed)
    x0, top = arch.arch[:2]
    tent = _model("tented_arch", seed)
    (cx, cy), = tent.points.cores
    for model, x, y in ((arch, x0, top + 40), (tent, cx, cy - 10)):
        theta = np.degrees(model.field(SHAPE))
        assert 90 < theta[int(y), int(x - 35)] < 178
        assert 2 < theta[int(y), int(x + 35)] < 90


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-0.35, 0.35), min_size=8, max_size=8),
       st.floats(-np.pi, np.pi))
def test_vizcaya_gerhardt_correction_keeps_the_winding(offsets, alpha):
    full_turn = corrected_angle(np.array([np.pi]), tuple(offsets)) \
        - corrected_angle(np.array([-np.pi]), tuple(offsets))
    assert full_turn[0] == pytest.approx(2 * np.pi)
    moved = corrected_angle(np.array([alpha]), tuple(offsets))[0]
    assert abs(moved - alpha) <= 0.35 + 1e-9


def test_poincare_index_of_a_whorl_centre_is_one():
    points = SingularPoints(cores=((50.3, 45.2), (50.7, 54.6)))
    index = poincare_index(zero_pole_orientation((100, 100), points), radius=12)
    assert index[50, 50] == pytest.approx(1.0)
    assert index[50, 90] == pytest.approx(0.0, abs=1e-9)


def test_classes_are_drawn_with_their_natural_frequencies():
    assert sum(CLASS_FREQUENCIES) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    drawn = [draw_class(rng) for _ in range(4000)]
    for kind, frequency in zip(CLASSES, CLASS_FREQUENCIES, strict=True):
        assert drawn.count(kind) / len(drawn) == pytest.approx(frequency, abs=0.025)


def test_unknown_class_is_refused():
    with pytest.raises(ValueError, match="class must be one of"):
        _model("double_loop", 0)
