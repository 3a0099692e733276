"""The measuring code shared by tests and statistics, against known answers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from inpaintbench.data.fingerprints.measure import (
    block_measures,
    border_width,
    foreground,
    ground_measures,
    minutiae,
    print_contrast,
    ridge_fraction,
    ridge_orientation,
    spectrum_period,
    spectrum_periods,
)


def _stripes(shape, period, angle, phase=0.0):
    """Ridges of orientation ``angle`` (rad, y down) and ``period`` px: ``cos`` across them."""
    y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float64)
    across = -x * np.sin(angle) + y * np.cos(angle)
    return np.cos(2 * np.pi * across / period + phase)


@settings(max_examples=60, deadline=None)
@given(st.floats(5.0, 16.0), st.floats(0.0, np.pi), st.floats(0.0, 2 * np.pi))
def test_spectrum_period_of_a_sinusoid(period, angle, phase):
    assert spectrum_period(_stripes((48, 48), period, angle, phase)) == pytest.approx(period,
                                                                                     rel=0.004)


def test_spectrum_periods_measures_each_block_of_a_stack():
    blocks = np.stack([_stripes((48, 48), p, a) for p, a in ((7.0, 0.2), (9.0, 1.4),
                                                             (12.5, 2.9))])
    assert spectrum_periods(blocks) == pytest.approx([7.0, 9.0, 12.5], rel=0.004)


@pytest.mark.parametrize("angle", [0.0, 0.4, 1.2, 2.0, 2.9])
def test_orientation_is_along_the_ridges_and_coherent(angle):
    theta, coherence = ridge_orientation(_stripes((96, 96), 9.0, angle))
    centre = (slice(30, 66), slice(30, 66))
    difference = np.angle(np.exp(2j * (theta[centre] - angle))) / 2
    assert np.abs(difference).max() < 0.01
    assert coherence[centre].min() > 0.99


def test_noise_has_low_coherence():
    _, coherence = ridge_orientation(np.random.default_rng(0).standard_normal((96, 96)))
    assert coherence[20:76, 20:76].mean() < 0.3


def test_foreground_is_the_ridged_region():
    image = np.ones((200, 160))
    image[40:160, 30:130] = 0.5 + 0.5 * _stripes((120, 100), 9.0, 0.3)
    mask = foreground(image)
    assert mask[60:140, 50:110].all()
    assert not mask[:20].any() and not mask[:, :10].any()
    measures = block_measures(image, mask)
    assert len(measures.periods) == 2  # two whole 48×48 tiles of the centred grid fit
    assert measures.periods == pytest.approx(9.0, rel=0.01)
    assert measures.coherence.min() > 0.95


def test_minutiae_finds_one_ending_and_one_bifurcation():
    """Horizontal ridges 16 px apart; one stops short (an ending), one forks (a bifurcation)."""
    image = np.ones((160, 200))
    for row in range(20, 150, 16):
        image[row:row + 4, 10:190] = 0.0
    image[36:40, 100:190] = 1.0  # the ridge at row 36 ends at x = 99
    image[76:80, 110:190] = 0.0  # a branch below the ridge at row 68 …
    image[70:78, 100:112] = 0.0  # … joined to it at x ≈ 100–110
    endings, forks = minutiae(image, np.ones(image.shape, bool))
    assert [(x, y) for x, y in endings if abs(x - 99) <= 3 and abs(y - 37) <= 3]
    assert len(forks) == 1 and 98 <= forks[0][0] <= 114 and 66 <= forks[0][1] <= 80


def _ink_stripes(shape, period, width):
    """Black ridges ``width`` px wide every ``period`` px on white, vertical."""
    x = np.arange(shape[1])[None, :]
    return np.where(np.mod(x, period) < width, 0.0, 1.0) * np.ones((shape[0], 1))


@pytest.mark.parametrize("width", [2, 3, 5])
def test_ridge_fraction_is_ridge_width_over_period_faded_or_not(width):
    mask = np.ones((150, 150), bool)
    sharp = _ink_stripes((150, 150), 9, width)
    assert ridge_fraction(sharp, mask) == pytest.approx(width / 9, abs=0.02)
    faded = 0.6 + 0.3 * ndimage.gaussian_filter(sharp, 0.8)  # grey, soft ridges on grey
    assert ridge_fraction(faded, mask) == pytest.approx(width / 9, abs=0.06)


def _disc_print(fade: float) -> np.ndarray:
    """Ridges inside a disc of radius 120 px whose ink fades over ``fade`` px to its edge."""
    y, x = np.mgrid[0:400, 0:300].astype(float)
    inside = 120 - np.hypot(x - 150, y - 200)  # px inside the outline
    depth = np.clip(inside / fade, 0, 1) if fade else (inside > 0).astype(float)
    return 1 - depth * (1 - _ink_stripes((400, 300), 9, 3))


def test_border_width_tells_a_faded_border_from_a_hard_one():
    hard, soft = border_width(_disc_print(0)), border_width(_disc_print(30))
    assert hard < 12 < 16 < soft


def test_ground_measures_read_the_ground_outside_the_print():
    rng = np.random.default_rng(0)
    image = 0.8 + 0.015 * rng.standard_normal((200, 160))
    image[:, 20:23] = 1.0  # a white crack
    mask = np.zeros(image.shape, bool)
    mask[60:140, 60:120] = True
    image[mask] = 0.1  # the print itself, left out
    ground = ground_measures(image, mask)
    crack = 3 * 200 / (ground["share"] * image.size)  # the crack's share of the ground
    assert ground["level"] == pytest.approx(0.8 + 0.2 * crack, abs=0.01)
    assert 0.008 < ground["grain"] < 0.03
    assert ground["light_lines"] == pytest.approx(crack, abs=0.01)
    assert 0.6 < ground["share"] < 0.8  # all but the print and a margin around it


def test_print_contrast_reads_ridges_and_valleys_of_the_truth():
    truth = _ink_stripes((150, 150), 9, 3)
    given = np.where(truth < 0.5, 0.3, 0.8)
    contrast = print_contrast(given, truth, np.ones(truth.shape, bool))
    assert contrast["ridge"] == pytest.approx(0.3, abs=0.02)
    assert contrast["valley"] == pytest.approx(0.8, abs=0.02)
    assert contrast["contrast"] == pytest.approx(0.5, abs=0.03)
