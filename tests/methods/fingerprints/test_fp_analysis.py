"""The analysis stage of the track-3 enhancer: orientation, period, print area, filter bank."""

from __future__ import annotations

import numpy as np
import pytest
from fp_synthetic_prints import (
    SHAPE,
    degraded_print,
    ellipse_mask,
    oriented_ridges,
)
from PIL import Image

from inpaintbench.methods.fingerprints.analysis import (
    PERIOD_BAND,
    band_pass,
    luma,
    orientation_field,
    ridge_blocks,
    ridge_contrast,
    ridge_period,
    segment_print,
)
from inpaintbench.methods.fingerprints.gabor import (
    _bin_weights,
    gabor_transfer,
    oriented_filter,
    scratch_certainty,
)

INTERIOR = (slice(40, -40), slice(40, -40))  # away from the frame's border effects


def _angle_error(a: np.ndarray, b: float) -> np.ndarray:
    """Difference of orientations (mod π), degrees in [0, 90]."""
    d = np.mod(a - b, np.pi)
    return np.degrees(np.minimum(d, np.pi - d))


def test_luma_is_pil_convert_l():
    rgb = np.random.default_rng(0).integers(0, 256, (7, 5, 3), dtype=np.uint8)
    assert np.array_equal(luma(rgb), np.asarray(Image.fromarray(rgb).convert("L")))


def test_luma_refuses_grey():
    with pytest.raises(ValueError, match="RGB"):
        luma(np.zeros((4, 4), np.uint8))


@pytest.mark.parametrize("degrees", [0.0, 30.0, 75.0, 120.0, 160.0])
def test_orientation_of_oriented_sinusoid(degrees):
    angle = np.radians(degrees)
    image = oriented_ridges((160, 160), angle, 9.0)
    noisy = image + 0.3 * np.random.default_rng(1).standard_normal(image.shape)
    theta, coherence = orientation_field(band_pass(noisy))
    assert np.percentile(_angle_error(theta[INTERIOR], angle), 95) < 3.0
    assert np.median(coherence[INTERIOR]) > 0.5


def test_orientation_coherence_is_low_on_isotropic_noise():
    noise = np.random.default_rng(2).standard_normal((160, 160))
    _, coherence = orientation_field(band_pass(noise))
    assert np.median(coherence[INTERIOR]) < 0.3


@pytest.mark.parametrize("period", [6.0, 9.0, 13.0])
def test_period_recovers_a_known_period(period):
    image = oriented_ridges((192, 192), np.radians(35), period)
    band = band_pass(image)
    theta, _ = orientation_field(band)
    estimate = ridge_period(ridge_blocks(band, theta), image.shape)
    assert abs(np.median(estimate[INTERIOR]) - period) < 0.3


def test_period_falls_back_without_periodic_blocks():
    noise = np.random.default_rng(3).standard_normal((96, 96)).astype(np.float32)
    theta, _ = orientation_field(noise)
    blocks = ridge_blocks(noise, theta)
    nowhere = np.zeros(noise.shape, bool)
    period = ridge_period(blocks, noise.shape, nowhere)
    assert np.all((period >= PERIOD_BAND[0]) & (period <= PERIOD_BAND[1]))
    assert np.ptp(period) == 0


@pytest.mark.parametrize("textured", [False, True])
def test_segmentation_finds_the_ridge_ellipse(textured):
    grey = luma(degraded_print(4, textured=textured)).astype(np.float32) / 255
    band = band_pass(grey)
    theta, _ = orientation_field(band)
    mask = segment_print(ridge_blocks(band, theta), grey.shape)
    truth = ellipse_mask()
    iou = (mask & truth).sum() / (mask | truth).sum()
    assert iou > 0.85


def test_segmentation_of_a_blank_image_is_empty():
    grey = np.full(SHAPE, 0.8, np.float32)
    theta, _ = orientation_field(grey)
    assert not segment_print(ridge_blocks(band_pass(grey), theta), SHAPE).any()


def test_contrast_is_normalised_and_clipped():
    image = 0.4 + 0.05 * oriented_ridges((96, 96), 0.3, 9.0)  # faint, bright
    contrast = ridge_contrast(image, clip=1.5)
    assert abs(contrast[INTERIOR].std() - 1.0) < 0.1
    assert contrast.max() <= 1.5 and contrast.min() >= -1.5
    # ridges (dark, low values) come out positive
    assert np.corrcoef(contrast.ravel(), image.ravel())[0, 1] < -0.9


def test_gabor_kernel_is_zero_mean_with_half_gain_at_its_frequency():
    shape = (128, 128)
    transfer = gabor_transfer(shape, np.pi / 2, 8.0)  # vertical ridges: varies along x
    assert abs(transfer[0, 0]) < 1e-6
    assert abs(transfer[0, 128 // 8] - 0.5) < 0.01  # u = 1/8 cycle/px, v = 0
    assert transfer[128 // 8, 0] < 0.01  # the same frequency along the ridges: no gain


def test_oriented_filter_rejects_crossing_ridges():
    along = oriented_ridges((128, 128), np.radians(20), 9.0) - 0.5
    across = oriented_ridges((128, 128), np.radians(110), 9.0) - 0.5
    theta = np.full(along.shape, np.radians(20), np.float32)
    period = np.full(along.shape, 9.0, np.float32)
    kept = oriented_filter(along, theta, period)[INTERIOR]
    rejected = oriented_filter(across, theta, period)[INTERIOR]
    assert np.abs(rejected).mean() < 0.05 * np.abs(kept).mean()


def test_normalised_convolution_fills_untrusted_pixels():
    image = oriented_ridges((128, 128), 0.0, 9.0) - 0.5
    theta = np.zeros(image.shape, np.float32)
    period = np.full(image.shape, 9.0, np.float32)
    reference = oriented_filter(image, theta, period)
    certainty = np.ones(image.shape, np.float32)
    certainty[:, 60:64] = 0  # a band across the ridges, lost
    damaged = image.copy()
    damaged[:, 60:64] = 3.0  # … and wildly wrong
    filled = oriented_filter(damaged, theta, period, certainty)
    band = (slice(20, -20), slice(58, 66))
    assert np.corrcoef(filled[band].ravel(), reference[band].ravel())[0, 1] > 0.95


def test_scratch_certainty_flags_light_outliers_only():
    contrast = np.zeros((9, 9), np.float32)
    contrast[4, :] = -4.0  # a light line
    contrast[1, :] = -1.3  # a valley
    certainty = scratch_certainty(contrast, level=2.0)
    assert not certainty[3:6].any()
    assert certainty[0:2].all() and certainty[7:].all()


@pytest.mark.parametrize("cyclic", [True, False])
def test_bin_weights_interpolate_and_sum_to_one(cyclic):
    values = np.random.default_rng(5).uniform(-1, 9, (50,))
    bins = _bin_weights(values, 0.0, 1.0, 8, cyclic=cyclic)
    total = sum(weight for _, weight in bins)
    assert np.allclose(total, 1.0, atol=1e-6)
    centre = sum(k * weight for k, weight in bins)  # the interpolated position
    inside = (values >= 0) & (values <= 7)
    assert np.allclose(centre[inside], values[inside], atol=1e-5)
