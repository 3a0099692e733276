"""The registered track-2 methods: listed, built, picklable, deterministic, above the floor."""

from __future__ import annotations

import pickle

import cv2
import numpy as np
import pytest
from skimage import data

from inpaintbench.data.captions.render import burn
from inpaintbench.data.captions.subtitles import draw_events
from inpaintbench.methods.base import CaptionDetector, CaptionsMethod
from inpaintbench.methods.registry import available, create
from inpaintbench.scoring.metrics import frame_metrics
from inpaintbench.tracks import Track

NAMES = ("identity", "spatial-telea", "temporal-fill", "temporal-still")


@pytest.fixture(scope="module")
def panned() -> tuple[np.ndarray, np.ndarray]:
    """A camera panning over a photo (clean, 128×128 as the release) and the same with a hard
    subtitle burned in."""
    photo = cv2.resize(data.coffee(), (300, 200), interpolation=cv2.INTER_AREA)
    clean = np.stack([photo[20:148, 10 + t:138 + t] for t in range(125)])
    clip = burn(clean, draw_events(np.random.default_rng(1), difficulty="hard"))
    return clean, clip.frames


def test_registry_lists_and_builds_every_captions_method():
    # the learned ones: tests/methods/captions/test_captions_learned.py
    infos = [i for i in available(Track.CAPTIONS) if i.kind != "learned"]
    assert tuple(sorted(i.name for i in infos)) == NAMES
    assert [i.kind for i in infos if i.name == "identity"] == ["floor"]
    for name in NAMES:
        method = create(Track.CAPTIONS, name)
        assert isinstance(method, CaptionsMethod) and method.info.name == name
        assert method.info.track is Track.CAPTIONS
        assert isinstance(method, CaptionDetector) == (name != "identity")


@pytest.mark.parametrize("name", NAMES)
def test_output_has_the_input_shape_and_dtype(name):
    frames = np.random.default_rng(0).integers(0, 256, (12, 40, 56, 3), dtype=np.uint8)
    out = create(Track.CAPTIONS, name).decaption(frames)
    assert out.shape == frames.shape and out.dtype == np.uint8
    with pytest.raises(ValueError, match="uint8"):
        create(Track.CAPTIONS, name).decaption(frames.astype(np.float32))


@pytest.mark.parametrize("name", NAMES[1:])
def test_methods_survive_pickling_and_repeat_themselves(name, panned):
    _, captioned = panned
    clip = captioned[:50]
    method = pickle.loads(pickle.dumps(create(Track.CAPTIONS, name)))
    first = method.decaption(clip)
    assert np.array_equal(first, create(Track.CAPTIONS, name).decaption(clip))


def test_temporal_fill_beats_the_floor_and_the_spatial_baseline(panned):
    clean, captioned = panned
    mse = {name: float(frame_metrics(clean, create(Track.CAPTIONS, name).decaption(captioned))
                       ["mse"].mean())
           for name in ("identity", "spatial-telea", "temporal-fill")}
    # measured: identity 0.026, spatial-telea 0.0090, temporal-fill 0.0024
    assert mse["temporal-fill"] < 0.5 * mse["spatial-telea"] < 0.5 * mse["identity"], mse
