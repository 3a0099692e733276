"""Our metrics against scikit-image, to 1e-6, on random and real images."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from skimage import data
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio, structural_similarity

from inpaintbench.scoring import reference
from inpaintbench.scoring.metrics import (
    CAPTIONS_SSIM,
    FINGERPRINT_SSIM,
    FINGERPRINT_SSIM_DR1,
    SSIMSettings,
    dssim,
    mse,
    mse_batch,
    psnr,
    ssim,
    ssim_batch,
)

TOL = 1e-6


def _noisy_pair(rng, shape, noise=30):
    a = rng.integers(0, 256, shape, dtype=np.uint8)
    b = np.clip(a.astype(int) + rng.integers(-noise, noise + 1, shape), 0, 255).astype(np.uint8)
    return a, b


@pytest.mark.parametrize("shape", [(256, 256, 3), (64, 48, 3), (11, 11, 3), (10, 10, 3),
                                   (7, 30, 3), (4, 4, 3), (3, 5, 3)])
def test_gaussian_ssim_matches_skimage_with_small_window_fallback(shape):
    a, b = _noisy_pair(np.random.default_rng(sum(shape)), shape)
    assert ssim(a, b, CAPTIONS_SSIM) == pytest.approx(reference.gaussian_ssim(a / 255, b / 255),
                                                      abs=TOL)


@given(h=st.integers(3, 40), w=st.integers(3, 40), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_gaussian_ssim_any_size(h, w, seed):
    a, b = _noisy_pair(np.random.default_rng(seed), (h, w, 3), noise=80)
    assert ssim(a, b) == pytest.approx(reference.gaussian_ssim(a / 255, b / 255), abs=TOL)


@pytest.mark.parametrize(("settings_", "data_range"),
                         [(FINGERPRINT_SSIM, 2.0), (FINGERPRINT_SSIM_DR1, 1.0)])
def test_uniform_ssim_matches_skimage_2018_defaults(settings_, data_range):
    a, b = _noisy_pair(np.random.default_rng(3), (400, 275), noise=60)
    expected = structural_similarity(a / 255, b / 255, win_size=7, data_range=data_range)
    assert ssim(a, b, settings_) == pytest.approx(expected, abs=TOL)


def test_float_input_is_used_as_is():
    rng = np.random.default_rng(4)
    a, b = rng.random((40, 50)), rng.random((40, 50))
    expected = structural_similarity(a, b, win_size=7, data_range=2.0)
    assert ssim(a, b, FINGERPRINT_SSIM) == pytest.approx(expected, abs=TOL)
    assert mse(a, b) == pytest.approx(mean_squared_error(a, b), abs=1e-12)


def test_population_covariance_and_other_sigma():
    a, b = _noisy_pair(np.random.default_rng(5), (60, 70, 3))
    custom = SSIMSettings(window="gaussian", sigma=2.0, sample_covariance=False)
    expected = structural_similarity(a / 255, b / 255, gaussian_weights=True, sigma=2.0,
                                     use_sample_covariance=False, data_range=1.0, channel_axis=-1)
    assert ssim(a, b, custom) == pytest.approx(expected, abs=TOL)


def test_mse_psnr_dssim_match_skimage_on_real_photographs():
    a = data.astronaut()
    b = np.asarray(Image.fromarray(a).resize((256, 256)).resize((512, 512)))  # a blurred copy
    fa, fb = a / 255, b / 255
    assert mse(a, b) == pytest.approx(mean_squared_error(fa, fb), abs=1e-12)
    assert psnr(a, b) == pytest.approx(peak_signal_noise_ratio(fa, fb, data_range=1), abs=TOL)
    assert dssim(a, b) == pytest.approx((1 - reference.gaussian_ssim(fa, fb)) / 2, abs=TOL)


def test_batch_equals_frame_by_frame_on_a_real_clip(real_clip):
    pred = np.clip(real_clip.astype(int) + 12, 0, 255).astype(np.uint8)
    pred[:, 200:240, 30:220] = 0  # an opaque caption box left in place
    frames = slice(0, 125, 17)
    ours_ssim = ssim_batch(real_clip[frames], pred[frames])
    expected = reference.frame_scores(real_clip[frames], pred[frames])
    np.testing.assert_allclose((1 - ours_ssim) / 2, expected["dssim"], atol=TOL, rtol=0)
    np.testing.assert_allclose(mse_batch(real_clip[frames], pred[frames]), expected["mse"],
                               atol=1e-12, rtol=0)


def test_real_fingerprints_against_skimage(real_data):
    truth = np.asarray(Image.open(real_data / "fingerprint" / "real_1.jpg").convert("L"))
    other = np.asarray(Image.open(real_data / "fingerprint" / "real_2.jpg").convert("L")
                       .resize(truth.shape[::-1]))
    expected = reference.fingerprint_scores(truth, other)
    assert ssim(truth, other, FINGERPRINT_SSIM) == pytest.approx(expected["ssim"], abs=TOL)
    assert ssim(truth, other, FINGERPRINT_SSIM_DR1) == pytest.approx(expected["ssim_dr1"], abs=TOL)
    assert psnr(truth, other) == pytest.approx(expected["psnr"], abs=TOL)


def test_identical_images():
    a = data.camera()
    assert ssim(a, a, FINGERPRINT_SSIM) == pytest.approx(1.0, abs=1e-12)
    assert mse(a, a) == 0.0
    assert psnr(a, a) == np.inf


def test_bad_arguments_are_refused():
    a = np.zeros((20, 20, 3), np.uint8)
    with pytest.raises(ValueError, match="same shape"):
        ssim(a, a[:10])
    with pytest.raises(ValueError, match="same dtype"):
        ssim(a, a.astype(np.float64))
    with pytest.raises(ValueError, match="smaller than"):
        ssim(a[:5, :5, 0], a[:5, :5, 0], FINGERPRINT_SSIM)
    with pytest.raises(ValueError, match="odd"):
        SSIMSettings(win_size=4)
    with pytest.raises(ValueError, match="window"):
        SSIMSettings(window="box")
