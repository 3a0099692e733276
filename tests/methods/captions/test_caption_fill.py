"""Filling caption masks: flow completion, propagation along the motion, cuts, Telea."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from inpaintbench.methods.captions.fill import cuts, telea_fill, temporal_fill
from inpaintbench.methods.captions.flow import clip_flow, complete_flow, global_motion, pull_push


def _pan(n: int, step: int = 2) -> np.ndarray:
    """A camera panning right over a real photograph, ``step`` px a frame."""
    photo = data.coffee()
    return np.stack([photo[40:296, 20 + step * t:276 + step * t] for t in range(n)])


def _box_mask(n: int, frames: slice, rows: slice, cols: slice, size: int = 256) -> np.ndarray:
    mask = np.zeros((n, size, size), bool)
    mask[frames, rows, cols] = True
    return mask


def _mse(a: np.ndarray, b: np.ndarray, where: np.ndarray) -> float:
    return float(((a.astype(np.float64) - b)[where] ** 2).mean())


def test_pull_push_keeps_known_values_and_fills_within_their_range():
    rng = np.random.default_rng(0)
    values = rng.uniform(-3, 5, (64, 80, 2)).astype(np.float32)
    known = np.ones((64, 80), bool)
    known[20:40, 10:70] = False
    out = pull_push(values, known)
    assert np.array_equal(out[known], values[known])
    assert out[~known].min() >= values[known].min() and out[~known].max() <= values[known].max()
    flat = pull_push(np.full((64, 80), 2.5, np.float32), known)
    assert np.allclose(flat, 2.5)


def test_flow_completion_carries_the_camera_motion_into_the_hole():
    y, x = np.mgrid[0:96, 0:128].astype(np.float32)
    affine = np.stack([0.02 * x - 0.01 * y + 1.5, 0.01 * x + 0.03 * y - 0.7], axis=-1)
    flow = affine.copy()
    known = np.ones((96, 128), bool)
    known[40:90, 10:120] = False
    flow[~known] = 0  # what a still caption makes of the flow
    flow[5:15, 5:15] += 4  # a person walking: an outlier the fit must ignore
    assert np.allclose(global_motion(flow, known), affine, atol=1e-3)
    assert np.abs(complete_flow(flow, known) - affine)[~known].max() < 0.05


def test_clip_flow_sees_the_pan_under_a_caption():
    frames = _pan(12)
    mask = _box_mask(12, slice(None), slice(180, 240), slice(20, 236))
    flow = clip_flow(frames, mask)
    # frame t shows at x what frame t − 1 shows at x + 2
    inside = flow.to_previous[1:][mask[1:]]
    assert np.abs(np.median(inside, axis=0) - (2, 0)).max() < 0.1
    assert np.abs(np.median(flow.to_next[:-1][mask[:-1]], axis=0) - (-2, 0)).max() < 0.1
    assert np.isnan(flow.residual[0]) and flow.residual[1:].max() < 10


def test_cuts_are_where_the_compensated_difference_jumps():
    residual = np.array([np.nan, 2, 3, 2, 45, 3, np.nan, 2], np.float32)
    assert cuts(residual).tolist() == [False] * 4 + [True] + [False] * 3
    assert not cuts(np.array([np.nan, 12, 14, 13, 15], np.float32)).any()  # fast motion


def test_a_still_camera_is_filled_exactly_from_the_frames_without_the_caption():
    clean = np.repeat(data.astronaut()[None, 100:356, 100:356], 30, axis=0)
    captioned = clean.copy()
    mask = _box_mask(30, slice(5, 20), slice(200, 240), slice(30, 220))
    mask[:8, 10:30, 40:200] = True  # from the first frame: only later frames show it
    mask[24:, 60:90, 100:150] = True  # to the last frame: only earlier frames show it
    captioned[mask] = (20, 20, 20)
    out = temporal_fill(captioned, mask, motion=False, seam=False)
    assert np.array_equal(out, clean)
    assert np.array_equal(temporal_fill(captioned, mask, seam=False), clean)  # flow held at 0


def test_temporal_fill_follows_the_pan_and_beats_telea():
    clean = _pan(60)
    mask = _box_mask(60, slice(5, 55), slice(170, 230), slice(30, 226))
    captioned = clean.copy()
    captioned[mask] = 0
    filled = temporal_fill(captioned, mask)
    telea = telea_fill(captioned, mask)
    still = temporal_fill(captioned, mask, motion=False)
    assert np.array_equal(filled[~mask], clean[~mask]) or _mse(filled, clean, ~mask) < 1
    error = _mse(filled, clean, mask)
    assert error < 0.2 * _mse(telea, clean, mask)
    assert error < 0.2 * _mse(still, clean, mask)


def test_temporal_fill_does_not_borrow_across_a_cut():
    shot_a = np.repeat(data.coffee()[None, :256, :256], 20, axis=0)
    shot_b = np.repeat(data.astronaut()[None, 100:356, 100:356], 20, axis=0)
    clean = np.concatenate([shot_a, shot_b])
    mask = _box_mask(40, slice(20, 40), slice(190, 240), slice(30, 220))  # all of shot B
    captioned = clean.copy()
    captioned[mask] = 0
    out = temporal_fill(captioned, mask, seam=False)
    # no frame of shot B shows the place: Telea's guess, not a copy of shot A
    assert np.array_equal(out, telea_fill(captioned, mask))


def test_fills_keep_shape_dtype_and_the_unmasked_pixels():
    frames = np.random.default_rng(2).integers(0, 256, (8, 48, 64, 3), dtype=np.uint8)
    mask = np.zeros((8, 48, 64), bool)
    mask[2:6, 10:20, 5:40] = True
    for out in (telea_fill(frames, mask), temporal_fill(frames, mask, seam=False)):
        assert out.shape == frames.shape and out.dtype == np.uint8
        assert np.array_equal(out[~mask], frames[~mask])
    assert np.array_equal(temporal_fill(frames, np.zeros_like(mask)), frames)


@pytest.mark.parametrize("motion", [True, False])
def test_temporal_fill_is_deterministic(motion):
    frames = _pan(16)
    mask = _box_mask(16, slice(3, 12), slice(180, 220), slice(40, 200))
    first = temporal_fill(frames, mask, motion=motion)
    assert np.array_equal(first, temporal_fill(frames, mask, motion=motion))
