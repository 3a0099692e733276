"""Master prints and their ground-truth impressions: period, silhouette, pressure, pose."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import ndimage
from skimage.registration import phase_cross_correlation

from inpaintbench.data.fingerprints.impressions import (
    MAX_ROTATION,
    MAX_SHIFT,
    Impression,
    draw_impression,
    render_impression,
)
from inpaintbench.data.fingerprints.measure import (
    block_measures,
    foreground,
    ridge_orientation,
    singular_points,
)
from inpaintbench.data.fingerprints.orientation import CLASSES
from inpaintbench.data.fingerprints.ridges import (
    BANK_PERIODS,
    CROP_TOP,
    GABOR_RADIUS,
    ORIENTATION_BINS,
    draw_master,
    draw_silhouette,
    gabor_bank,
)
from inpaintbench.tracks import FINGERPRINT_HEIGHT, FINGERPRINT_WIDTH


@pytest.fixture(scope="module")
def masters():
    """Two masters of each class."""
    return {(kind, i): draw_master(np.random.default_rng([2024, i]), kind)
            for kind in CLASSES for i in range(2)}


@pytest.fixture(scope="module")
def impressions(masters):
    """One impression of each master: (image, singular points, master)."""
    out = {}
    for key, master in masters.items():
        rng = np.random.default_rng([99, CLASSES.index(key[0]), key[1]])
        image, points = render_impression(master, draw_impression(rng), rng)
        out[key] = (image, points, master)
    return out


def test_gabor_kernels_ignore_flat_areas_and_answer_their_own_ridges():
    bank = gabor_bank()
    offsets = np.arange(-GABOR_RADIUS, GABOR_RADIUS + 1)
    y, x = np.meshgrid(offsets, offsets, indexing="ij")
    assert np.abs(bank.sum(axis=(1, 2))).max() < 1e-5
    for o in (0, 5, 17):
        theta = np.pi * o / ORIENTATION_BINS
        across = -x * np.sin(theta) + y * np.cos(theta)
        for p in (0, 8, len(BANK_PERIODS) - 1):
            kernel = bank[o * len(BANK_PERIODS) + p]
            ridges = np.cos(2 * np.pi * across / BANK_PERIODS[p])
            crossing = np.cos(2 * np.pi * (x * np.cos(theta) + y * np.sin(theta))
                              / BANK_PERIODS[p])
            assert (kernel * ridges).sum() == pytest.approx(1.0, abs=1e-5)
            assert abs((kernel * crossing).sum()) < 0.2


def test_impressions_are_greyscale_275_by_400_dark_ridges_on_white(impressions):
    for image, _, _ in impressions.values():
        assert image.dtype == np.uint8 and image.shape == (FINGERPRINT_HEIGHT, FINGERPRINT_WIDTH)
        assert (image[:6, :6] == 255).all() and (image[:6, -6:] == 255).all()  # off the fingertip
        inside = image[150:250, 90:185]
        assert inside.min() < 20 and inside.max() > 235  # black ridges, white valleys
        assert 0.2 < (inside < 128).mean() < 0.45  # ridges narrower than valleys


def test_master_ridges_stay_within_the_fingertip(masters):
    for master in masters.values():
        assert not master.ridges[master.radius > 1.1].any()
        assert np.abs(master.ridges[master.radius < 0.8]).mean() > 0.5


def test_ridge_period_measured_by_spectrum_is_in_the_500_dpi_band(impressions):
    periods = []
    for image, _, master in impressions.values():
        measured = block_measures(image).periods
        assert np.median(measured) == pytest.approx(master.mean_period, abs=0.6)
        periods.append(measured)
    periods = np.concatenate(periods)
    assert 8.5 <= periods.mean() <= 9.7
    assert np.mean((periods >= 7.5) & (periods <= 11.5)) > 0.9


def test_each_rendered_print_shows_its_class_singular_points(impressions):
    """Poincaré index on the orientation measured from the image, not the model's field."""
    for (kind, _), (image, points, _) in impressions.items():
        theta, _ = ridge_orientation(image)
        mask = ndimage.binary_erosion(foreground(image), iterations=20)
        cores, deltas = singular_points(theta, mask)
        for found, expected in ((cores, points.cores), (deltas, points.deltas)):
            inside = [(x, y) for x, y in expected if mask[round(y), round(x)]]
            assert len(found) == len(inside), kind
            for fx, fy in found:
                assert min(np.hypot(fx - x, fy - y) for x, y in inside) < 4, kind


def test_same_generator_same_master_other_seed_other_finger():
    a = draw_master(np.random.default_rng(5), "whorl")
    b = draw_master(np.random.default_rng(5), "whorl")
    c = draw_master(np.random.default_rng(6), "whorl")
    assert np.array_equal(a.ridges, b.ridges) and a.to_json() == b.to_json()
    assert np.corrcoef(a.ridges.ravel(), c.ridges.ravel())[0, 1] < 0.2


def test_pose_draws_stay_within_the_challenge_bounds():
    rng = np.random.default_rng(0)
    draws = [draw_impression(rng) for _ in range(2000)]
    assert max(np.hypot(d.dx, d.dy) for d in draws) <= MAX_SHIFT
    assert max(abs(d.angle) for d in draws) <= MAX_ROTATION
    assert max(abs(d.angle) for d in draws) > 0.95 * MAX_ROTATION  # the range is used


def _render(master, impression):
    return render_impression(master, impression, np.random.default_rng(1))


def test_translation_moves_the_print_and_its_singular_points(masters):
    master = masters[("left_loop", 0)]
    still = Impression(0.0, 0.0, 0.0, 0.0)
    moved = dataclasses.replace(still, dx=3.0, dy=-4.0)
    (a, pa), (b, pb) = _render(master, still), _render(master, moved)
    shift, _, _ = phase_cross_correlation(b.astype(float), a.astype(float), upsample_factor=10)
    assert shift == pytest.approx([-4.0, 3.0], abs=0.3)  # (rows, columns)
    assert np.subtract(pb.cores[0], pa.cores[0]) == pytest.approx([3.0, -4.0])


def test_rotation_turns_the_ridges_and_the_singular_points_with_them(masters):
    master = masters[("whorl", 1)]
    still = Impression(0.0, 0.0, 0.0, 0.0)
    turned = dataclasses.replace(still, angle=8.0)  # counter-clockwise on screen
    (a, pa), (b, pb) = _render(master, still), _render(master, turned)
    theta_a, coherence = ridge_orientation(a)
    theta_b, _ = ridge_orientation(b)
    # compare each point of a with where the rotation took it in b
    rotation = turned.matrix()[:, :2]
    centre_xy = np.array([FINGERPRINT_WIDTH / 2 - 0.5, FINGERPRINT_HEIGHT / 2 - 0.5])
    rows, cols = np.mgrid[130:270:4, 80:195:4]
    points = np.stack([cols.ravel(), rows.ravel()]).astype(float)  # (x, y)
    moved = rotation @ (points - centre_xy[:, None]) + centre_xy[:, None]
    doubled_b = sum(part * ndimage.map_coordinates(f(2 * theta_b), moved[::-1], order=1)
                    for part, f in ((1, np.cos), (1j, np.sin)))
    doubled_a = np.exp(2j * theta_a[rows.ravel(), cols.ravel()])
    weights = coherence[rows.ravel(), cols.ravel()]
    turn = np.angle(np.sum(weights * doubled_b * np.conj(doubled_a))) / 2
    assert np.degrees(turn) == pytest.approx(-8.0, abs=1.0)  # y points down
    (ax, ay), (bx, by) = pa.cores[0], pb.cores[0]
    assert (bx, by) == pytest.approx(tuple(rotation @ (np.array([ax, ay]) - centre_xy)
                                           + centre_xy))
    cores, _ = singular_points(theta_b, ndimage.binary_erosion(foreground(b), iterations=20))
    assert min(np.hypot(x - bx, y - by) for x, y in cores) < 4


def test_harder_pressure_gives_thicker_ridges(masters):
    master = masters[("right_loop", 0)]
    light, _ = _render(master, Impression(0.0, 0.0, 0.0, 0.3))
    hard, _ = _render(master, Impression(0.0, 0.0, 0.0, -0.15))
    centre = (slice(120, 280), slice(70, 205))
    assert (hard[centre] < 128).mean() > (light[centre] < 128).mean() + 0.05


def test_fingertips_lie_inside_the_frame_with_a_margin():
    """As the challenge's prints: an oval wholly inside the 400 px height."""
    rng = np.random.default_rng(5)
    for _ in range(200):
        silhouette = draw_silhouette(rng)
        assert silhouette.middle > 0
        assert CROP_TOP < silhouette.top and silhouette.bottom < CROP_TOP + FINGERPRINT_HEIGHT
        assert 224 <= silhouette.left + silhouette.right <= 260


def test_the_border_fades_out(impressions):
    """Ridges grey and break up towards the outline: no hard silhouette."""
    for image, _, _ in impressions.values():
        mask = foreground(image)
        depth = ndimage.distance_transform_edt(mask)
        rim, core = (depth > 0) & (depth <= 6), depth > 30
        assert (image[rim] < 128).mean() < 0.6 * (image[core] < 128).mean()
        assert np.percentile(image[rim], 5) > np.percentile(image[core], 5)  # lighter ink
