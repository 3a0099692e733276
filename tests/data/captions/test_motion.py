"""Moving-camera clips from photographs: shape, determinism, real and smooth motion."""

from __future__ import annotations

import json

import numpy as np
import pytest
from skimage import data

from inpaintbench.data.captions.clips import Clip
from inpaintbench.data.captions.motion import (
    MOTION_KINDS,
    _depth_layers,
    _push_pull,
    _translate,
    photo_clip,
    photo_motion_clip,
)
from inpaintbench.tracks import CLIP_FRAMES, CLIP_SIZE


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return data.coffee()  # a real photograph shipped in scikit-image's wheel (400×600)


def _mean_step(frames: np.ndarray) -> np.ndarray:
    """Mean absolute difference between consecutive frames."""
    return np.abs(np.diff(frames.astype(np.int16), axis=0)).mean(axis=(1, 2, 3))


@pytest.mark.parametrize("kind", MOTION_KINDS)
def test_each_kind_moves_smoothly_and_is_reproducible(photo, kind):
    frames, params = photo_clip(photo, np.random.default_rng(7), kind=kind)
    assert frames.shape == (CLIP_FRAMES, CLIP_SIZE, CLIP_SIZE, 3)
    assert frames.dtype == np.uint8
    assert params["kind"] == kind and params["photo_size"] == [600, 400]
    json.dumps(params)  # ready for the metadata
    steps = _mean_step(frames)
    overall = np.abs(frames[0].astype(np.int16) - frames[-1]).mean()
    assert overall > 8  # the camera really moved
    assert steps.max() < overall  # ... little by little
    assert np.count_nonzero(steps) >= CLIP_FRAMES - 3  # every frame moves (ease: ends slow)
    again, params_again = photo_clip(photo, np.random.default_rng(7), kind=kind)
    assert np.array_equal(frames, again) and params == params_again


def test_another_seed_another_clip(photo):
    _, params = photo_clip(photo, np.random.default_rng(7), kind="pan")
    _, other = photo_clip(photo, np.random.default_rng(8), kind="pan")
    assert params != other


def test_kind_drawn_from_rng_and_small_photos_upscaled(photo):
    small = np.ascontiguousarray(photo[::12, ::12])  # 34×50
    frames, params = photo_clip(small, np.random.default_rng(5))
    assert params["kind"] == MOTION_KINDS[np.random.default_rng(5).integers(len(MOTION_KINDS))]
    assert frames.shape == (CLIP_FRAMES, CLIP_SIZE, CLIP_SIZE, 3)
    assert min(params["work_size"]) > min(small.shape[:2])


def test_pan_params_describe_the_frames(photo):
    # the first and last frames are frame-sized windows of the resized photo at the
    # recorded start and end centres: the metadata reproduces the clip
    from PIL import Image

    frames, params = photo_clip(photo, np.random.default_rng(3), kind="pan")
    size = np.array(params["work_size"])
    assert params["window"] * size.min() == pytest.approx(CLIP_SIZE, abs=1)
    work = np.asarray(Image.fromarray(photo).resize(tuple(size), Image.Resampling.LANCZOS))
    padded = np.pad(work.astype(np.float32).transpose(2, 0, 1), ((0, 0), (2, 2), (2, 2)),
                    mode="edge")
    for frame, centre in ((frames[0], params["start"]), (frames[-1], params["end"])):
        x, y = np.array(centre) * size - CLIP_SIZE / 2
        expected = np.clip(np.rint(_translate(padded, x, y, CLIP_SIZE)), 0, 255).transpose(1, 2, 0)
        assert np.abs(frame.astype(int) - expected).max() <= 1


def test_translate_matches_integer_crops():
    rng = np.random.default_rng(0)
    image = rng.uniform(0, 255, (300, 320, 3)).astype(np.float32)
    padded = np.pad(image.transpose(2, 0, 1), ((0, 0), (2, 2), (2, 2)), mode="edge")
    out = _translate(padded, 10.0, 20.0, 256)
    assert np.allclose(out, image[20:276, 10:266].transpose(2, 0, 1), atol=1e-3)
    half = _translate(padded, 10.5, 20.0, 256)  # a half-pixel shift lies between the two crops
    lo, hi = image[20:276, 10:266], image[20:276, 11:267]
    between = (np.minimum(lo, hi) - 60 <= half.transpose(1, 2, 0)).mean()
    assert between > 0.95


def test_depth_layers_recompose_the_photo(photo):
    layers, shares = _depth_layers(photo)
    assert len(layers) == 3 and sum(shares) == pytest.approx(1)
    out = layers[0][:, 2:-2, 2:-2].copy()
    for layer in layers[1:]:
        core = layer[:, 2:-2, 2:-2]
        out = core[:3] + (1 - core[3]) * out
    assert np.abs(out.transpose(1, 2, 0) - photo).max() < 1.0  # at rest: the photo itself


def test_push_pull_fills_holes_from_known_pixels():
    values = np.zeros((40, 60, 3), np.float32)
    values[:, :30] = 100.0
    values[:, 30:] = 200.0
    weight = np.ones((40, 60), np.float32)
    weight[10:30, 20:40] = 0  # a hole across the edge
    filled = _push_pull(values, weight)
    assert np.array_equal(filled[weight == 1], values[weight == 1])
    hole = filled[10:30, 20:40, 0]
    assert 100 <= hole.min() and hole.max() <= 200 and hole[:, 0].mean() < hole[:, -1].mean()


def test_photo_motion_clip_and_bad_input(photo):
    clip = photo_motion_clip(photo, np.random.default_rng(1), source="skimage-coffee",
                             index=2, kind="zoom")
    assert isinstance(clip, Clip) and clip.kind == "photo-motion"
    assert (clip.source, clip.index, clip.start, clip.end) == ("skimage-coffee", 2, 0.0, 5.0)
    assert clip.details["kind"] == "zoom"
    with pytest.raises(ValueError, match="unknown motion kind"):
        photo_clip(photo, np.random.default_rng(0), kind="dolly")
    with pytest.raises(ValueError, match=r"uint8 \(H, W, 3\)"):
        photo_clip(photo[..., 0], np.random.default_rng(0))
    with pytest.raises(ValueError, match="at least 16"):
        photo_clip(photo[:8, :8], np.random.default_rng(0))


@pytest.mark.parametrize("kind", MOTION_KINDS)
def test_the_book_size_films_the_same_path(photo, kind):
    """At 256×256 (the book's size) the same draws give the same camera path, twice as sharp."""
    small, params = photo_clip(photo, np.random.default_rng(3), kind=kind, size=CLIP_SIZE)
    large, params_large = photo_clip(photo, np.random.default_rng(3), kind=kind, size=256)
    assert small.shape[1:3] == (128, 128) and large.shape[1:3] == (256, 256)
    # normalised, so equal up to the rounding of the resized photo; the depth layers are
    # measured on that photo
    for key in set(params) - {"work_size", "layer_shares"}:
        assert _close(params[key], params_large[key]), key
    halved = large.reshape(CLIP_FRAMES, 128, 2, 128, 2, 3).mean(axis=(2, 4))
    assert np.abs(halved - small).mean() < 6  # grey levels: the same picture


def _close(a, b, tolerance: float = 2e-3) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return abs(a - b) <= tolerance * max(1.0, abs(a))
    return a == b
