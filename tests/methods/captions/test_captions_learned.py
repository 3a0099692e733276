"""The shipped track-2 networks: each loads from the package, decaptions clips, beats the floor."""

from __future__ import annotations

import numpy as np
import pytest

from inpaintbench.data.captions.build import METADATA_JSON, CaptionsBuildConfig, build_captions
from inpaintbench.data.captions.render import decode_masks
from inpaintbench.io.atomic import read_json
from inpaintbench.io.media import read_video
from inpaintbench.methods.captions.detect import detection_scores
from inpaintbench.methods.registry import create, entries
from inpaintbench.methods.weights import packaged_weights
from inpaintbench.scoring.metrics import frame_metrics
from inpaintbench.tracks import Track
from inpaintbench.training.captions_data import sources_of_split
from inpaintbench.training.config import load_config, shipped_config_names

HELD_OUT_SEED = 4242  # never a config's data.seed (11, 12; 511) nor the benchmark's (2018, 2019)
NETWORKS = [name.split("/")[1] for name in shipped_config_names("captions")]


@pytest.fixture(scope="module")
def held_out(tmp_path_factory):
    """Two lossy clips of a test-split photograph: (captioned, clean, caption mask)."""
    photos = [s for s in sources_of_split("test") if s.kind == "photo"]
    if not photos:
        pytest.skip("no built-in test-split photograph here")
    root = tmp_path_factory.mktemp("held-out")
    build_captions(photos[:1], root, CaptionsBuildConfig(seed=HELD_OUT_SEED,
                                                          split=(1.0, 0.0, 0.0),
                                                          clips_per_photo=2,
                                                          difficulty="medium"), workers=1)
    clips = []
    for name, clip in sorted(read_json(root / METADATA_JSON)["clips"].items()):
        x = read_video(root / "train" / "X" / f"{name}.mp4")
        clips.append((x, read_video(root / "train" / "Y" / f"{name}.mp4"),
                      decode_masks(clip["events"], len(x), *x.shape[1:3])))
    return clips


def test_every_network_is_a_method_that_says_how_to_make_it():
    assert {"baseline-frame-ae", "baseline-patch-ae", "gated-3d-unet",
            "caption-mask-fill"} <= set(NETWORKS)
    listed = {e.info.name: e for e in entries(Track.CAPTIONS)}
    for name in NETWORKS:
        entry = listed[name]
        assert entry.info.kind == "learned"
        if packaged_weights("captions", name) is None:
            assert f"inpaintbench train captions/{name}" in entry.missing
        else:
            assert entry.missing is None and "validation" in entry.info.description


@pytest.mark.parametrize("name", NETWORKS)
def test_a_shipped_network_loads_and_beats_identity(name, held_out):
    weights = packaged_weights("captions", name)
    if weights is None:
        pytest.skip(f"{name} has no shipped weights yet")
    assert weights.stat().st_size < 8 * 2**20  # a few MB, in the package
    assert load_config(f"captions/{name}").method.name == name
    method = create(Track.CAPTIONS, name)
    for captioned, clean, mask in held_out:
        out = method.decaption(captioned)
        assert out.shape == captioned.shape and out.dtype == np.uint8
        shown = mask.any(axis=(1, 2))  # the frames with a caption
        ours = frame_metrics(clean[shown], out[shown])
        floor = frame_metrics(clean[shown], captioned[shown])
        assert ours["mse"].mean() < floor["mse"].mean(), name
        if name == "caption-mask-fill":
            assert detection_scores(method.detect(captioned), mask)["iou"] > 0.5
