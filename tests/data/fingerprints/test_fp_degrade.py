"""Each degradation changes the print the way its name says; the record rebuilds the input."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage
from skimage.registration import phase_cross_correlation

from inpaintbench.data.fingerprints import degrade as dg
from inpaintbench.data.fingerprints.backgrounds import (
    BACKGROUND_KINDS,
    PHOTO_TEXTURES,
    SKIMAGE_DATA,
    make_background,
)
from inpaintbench.data.fingerprints.impressions import draw_impression, render_impression
from inpaintbench.data.fingerprints.orientation import SingularPoints
from inpaintbench.data.fingerprints.ridges import draw_master


@pytest.fixture(scope="module")
def truth() -> np.ndarray:
    rng = np.random.default_rng(31)
    image, _ = render_impression(draw_master(rng, "right_loop"), draw_impression(rng), rng)
    return image


@pytest.fixture(scope="module")
def grey(truth) -> np.ndarray:
    return truth.astype(np.float32) / 255


def _high_frequency_energy(image: np.ndarray) -> float:
    """Power above 0.2 cycle/px (ridges at 500 dpi sit near 0.11)."""
    image = image.mean(axis=-1) if image.ndim == 3 else image
    power = np.abs(np.fft.fft2(image - image.mean())) ** 2
    fy = np.fft.fftfreq(image.shape[0])[:, None]
    fx = np.fft.fftfreq(image.shape[1])[None, :]
    return float(power[np.hypot(fy, fx) > 0.2].sum())


def test_blur_lowers_high_frequencies(grey):
    blurred = dg.blur(grey, 1.2)
    assert _high_frequency_energy(blurred) < 0.2 * _high_frequency_energy(grey)
    assert blurred.mean() == pytest.approx(grey.mean(), abs=0.01)


def test_resolution_loss_lowers_high_frequencies_and_keeps_the_size(grey):
    reduced = dg.lower_resolution(grey, 0.4)
    assert reduced.shape == grey.shape
    assert _high_frequency_energy(reduced) < 0.2 * _high_frequency_energy(grey)
    rgb = dg.lower_resolution(np.repeat(grey[..., None], 3, -1), 0.4)
    assert np.allclose(rgb[..., 0], reduced, atol=1e-6)


def test_contrast_lowers_the_spread_and_keeps_the_median_the_ground(grey):
    faded = dg.contrast(grey, 0.5)
    assert faded.std() == pytest.approx(0.5 * grey.std(), rel=1e-3)
    assert np.median(faded) == pytest.approx(np.median(grey), abs=1e-4)
    ground = np.where(grey > 0.9, 0.85, 0.1)  # a light ground, most of the frame
    ground[:100] = 0.1
    lifted = dg.contrast(ground, 0.5)
    assert lifted[-1, -1] == pytest.approx(0.85) and lifted[0, 0] == pytest.approx(0.475)


@pytest.mark.parametrize("offset", [-0.2, 0.15])
def test_brightness_moves_the_mean(grey, offset):
    mid = grey * 0.5 + 0.25  # in [0.25, 0.75]: nothing clips
    assert dg.brightness(mid, offset).mean() - mid.mean() == pytest.approx(offset, abs=1e-4)
    assert (dg.brightness(grey, 0.3) <= 1.0).all()


def test_occlusion_erases_a_region_of_the_print(grey):
    blobs = [{"centre": [140.0, 200.0], "axes": [30.0, 20.0], "angle": 30.0}]
    occluded = dg.occlude(grey, blobs, seed=3)
    changed = np.abs(occluded - grey) > 0.05
    # closed over the valleys (about 6 px between ridges a third of the period wide)
    labels, count = ndimage.label(ndimage.binary_closing(changed, iterations=4))
    assert count == 1
    area = ndimage.binary_fill_holes(labels > 0).sum()
    assert 0.6 < area / (np.pi * 30 * 20) < 1.4  # about the ellipse's area
    assert (occluded >= grey - 1e-6).all()  # only ink removed
    assert occluded[195:206, 135:146].min() > 0.99  # the blob's middle is blank
    untouched = np.ones(grey.shape, bool)
    untouched[150:250, 90:190] = False
    assert np.array_equal(occluded[untouched], grey[untouched])


def test_scratches_add_thin_light_lines_crossing_the_print(grey):
    curve = [[0.0, 100.0], [137.0, 190.0], [274.0, 300.0]]
    scratched = dg.scratch(grey, [curve], width=2, strength=0.9)
    lines = dg.scratch_mask(grey.shape, [curve], 2) > 0.5
    dark = lines & (grey < 0.3)
    assert dark.sum() > 60  # the line crosses ridges …
    assert scratched[dark].mean() > 0.85  # … and lightens them
    assert (scratched >= grey - 1e-6).all()
    far = ndimage.distance_transform_edt(~lines) > 3
    assert np.array_equal(scratched[far], grey[far])
    assert lines.sum() < 3 * 2 * np.hypot(274, 200)  # thin: about width × length


def test_ragged_scratches_are_white_and_stay_on_their_line(grey):
    curve = [[0.0, 100.0], [137.0, 190.0], [274.0, 300.0]]
    scratched = dg.scratch(grey, [curve], width=4, strength=1.0, seed=2)
    lines = dg.scratch_mask(grey.shape, [curve], 4) > 0.5
    assert np.mean(scratched[lines & (grey < 0.3)] > 0.9) > 0.6  # mostly white over ridges
    far = ndimage.distance_transform_edt(~lines) > 4
    assert np.abs(scratched[far] - grey[far]).max() < 1e-4  # the blur's tail, no more
    assert scratched.std() > 0 and not np.array_equal(
        scratched, dg.scratch(grey, [curve], width=4, strength=1.0, seed=3))  # ragged by seed


def test_white_cracks_cross_the_print(truth, grey):
    ridges = ndimage.binary_erosion(truth < 20, iterations=1)
    rgb = dg.overlay(grey, {"kind": "cracks", "seed": 4}, ink=[0.05, 0.05, 0.05], fade=0.0,
                     seed=5)
    plain = dg.overlay(grey, {"kind": "wall", "seed": 4}, ink=[0.05, 0.05, 0.05], fade=0.0,
                       seed=5)
    assert np.mean(rgb.mean(axis=-1)[ridges] > 0.5) > 0.02  # cracks lighten ridges …
    assert np.mean(plain.mean(axis=-1)[ridges] > 0.5) < 0.005  # … a plain ground does not


def test_breakup_takes_ink_away_in_patches(grey):
    ground = {"kind": "paper", "seed": 1}
    whole = dg.overlay(grey, ground, ink=[0.0, 0.0, 0.0], fade=0.0, seed=2)
    broken = dg.overlay(grey, ground, ink=[0.0, 0.0, 0.0], fade=0.0, seed=2, breakup=0.8)
    ridges = grey < 0.1
    lifted = broken.mean(axis=-1)[ridges] - whole.mean(axis=-1)[ridges]
    assert (lifted >= -1e-6).all() and 0.05 < np.mean(lifted > 0.2) < 0.6


def test_elastic_moves_ridges_locally_but_keeps_the_ink(grey):
    warped = dg.elastic(grey, alpha=5.0, spacing=50.0, seed=7)
    assert abs((warped < 0.5).mean() - (grey < 0.5).mean()) < 0.02
    shifts = []
    for r in range(80, 300, 64):
        for c in range(40, 200, 64):
            shift, _, _ = phase_cross_correlation(warped[r:r + 64, c:c + 64].astype(float),
                                                  grey[r:r + 64, c:c + 64].astype(float),
                                                  upsample_factor=4)
            shifts.append(shift)
    magnitudes = np.hypot(*np.array(shifts).T)
    assert magnitudes.max() > 1.0 and magnitudes.max() <= 5.5
    assert np.ptp(np.array(shifts), axis=0).max() > 1.0  # not one rigid shift


def test_overlay_adds_texture_where_there_is_no_print(truth, grey):
    blank = ndimage.binary_erosion(truth == 255, iterations=6)
    assert blank.sum() > 2000 and grey[blank].std() == 0
    for kind in BACKGROUND_KINDS:
        rgb = dg.overlay(grey, {"kind": kind, "seed": 4}, ink=[0.1, 0.1, 0.12], fade=0.0,
                         seed=5)
        assert rgb.shape == grey.shape + (3,)
        luma = rgb.mean(axis=-1)
        assert luma[blank].std() > 0.01, kind
        ridges = ndimage.binary_erosion(truth < 20, iterations=1)
        assert luma[ridges].mean() < luma[blank].mean() - 0.3, kind


def test_fade_weakens_the_ink(grey):
    ground = {"kind": "paper", "seed": 1}
    full = dg.overlay(grey, ground, ink=[0.0, 0.0, 0.0], fade=0.0, seed=2)
    faded = dg.overlay(grey, ground, ink=[0.0, 0.0, 0.0], fade=0.7, seed=2)
    ridges = grey < 0.1
    assert faded[ridges].mean() > full[ridges].mean() + 0.1


@pytest.mark.parametrize("kind", BACKGROUND_KINDS)
def test_backgrounds_are_rgb_textures_in_range(kind):
    if kind == "photo" and (SKIMAGE_DATA is None
                            or not all((SKIMAGE_DATA / n).is_file() for n in PHOTO_TEXTURES)):
        pytest.skip("scikit-image's texture photos are not installed")
    ground, params = make_background(kind, (120, 90), np.random.default_rng(3))
    assert ground.shape == (120, 90, 3) and ground.dtype == np.float32
    assert 0.0 <= ground.min() and ground.max() <= 1.0
    assert 0.35 < ground.mean() < 0.97
    assert ground.mean(axis=-1).std() > 0.01
    assert params["kind"] == kind
    again, _ = make_background(kind, (120, 90), np.random.default_rng(3))
    assert np.array_equal(ground, again)


def test_random_combinations_use_every_step_and_always_a_background():
    rng = np.random.default_rng(0)
    drawn = [dg.draw_steps(rng, (400, 275)) for _ in range(300)]
    names = [[s["name"] for s in steps] for steps in drawn]
    assert all("overlay" in n for n in names)
    for step, probability in dg.PROBABILITY.items():
        assert np.mean([step in n for n in names]) == pytest.approx(probability, abs=0.1)
    assert len({tuple(n) for n in names}) > 50


def _with_elastic(seed: int = 0) -> np.random.Generator:
    """A generator whose first :func:`dg.degrade` draws an elastic warp."""
    while "elastic" not in [s["name"] for s in dg.draw_steps(np.random.default_rng(seed),
                                                               (400, 275))]:
        seed += 1
    return np.random.default_rng(seed)


def _block_shifts(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Phase-correlation shift of ``a`` against ``b`` in 64-px blocks over the print."""
    return np.array([phase_cross_correlation(a[r:r + 64, c:c + 64].astype(float),
                                             b[r:r + 64, c:c + 64].astype(float),
                                             upsample_factor=4)[0]
                     for r in range(80, 300, 64) for c in range(40, 200, 64)])


@pytest.mark.parametrize("seed", [0, 30])
def test_the_elastic_warp_moves_the_truth_and_the_input_stays_aligned_with_it(truth, seed):
    warped, jpeg, record = dg.degrade(truth, _with_elastic(seed))
    assert np.hypot(*_block_shifts(warped, truth).T).max() > 1.0  # the truth was warped …
    given = np.asarray(Image.open(io.BytesIO(jpeg)).convert("L"), np.float32)
    # … and the input with it (smoothed: a sharp grainy ground would lead the correlation)
    given = ndimage.gaussian_filter(given, 1.5)
    assert np.hypot(*_block_shifts(given, warped).T).max() <= 0.5


def test_moved_points_follow_the_warp():
    impression = np.full((400, 275), 255, np.uint8)
    points = SingularPoints(cores=((100.0, 150.0), (180.0, 260.0)), deltas=((60.0, 320.0),))
    rows, cols = np.mgrid[0:400, 0:275]
    for x, y in (*points.cores, *points.deltas):
        impression[np.hypot(cols - x, rows - y) <= 4] = 0
    steps = [{"name": "elastic", "params": {"alpha": 6.0, "spacing": 40.0, "seed": 3}}]
    warped = dg.distort(impression, steps)
    labels, count = ndimage.label(warped < 128)
    found = np.array(ndimage.center_of_mass(warped < 128, labels, range(1, count + 1)))[:, ::-1]
    moved = dg.moved_points(points, steps, impression.shape)
    expected = np.array([*moved.cores, *moved.deltas])
    assert count == 3
    for point in expected:
        assert np.hypot(*(found - point).T).min() < 0.3
    assert np.hypot(*(expected - [*points.cores, *points.deltas]).T).max() > 1.0  # they moved


def test_the_record_rebuilds_the_same_pair(truth):
    warped, jpeg, record = dg.degrade(truth, _with_elastic(8))
    assert np.array_equal(dg.distort(truth, record["steps"]), warped)
    assert dg.encode_jpeg(dg.apply_steps(warped, record["steps"]),
                          record["jpeg_quality"]) == jpeg
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG" and image.mode == "RGB" and image.size == (275, 400)
    _, again, _ = dg.degrade(truth, _with_elastic(8))
    assert again == jpeg
