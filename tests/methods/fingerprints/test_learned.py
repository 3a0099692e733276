"""The shipped track-3 networks: each loads from the package, runs whole prints, beats the floor."""

from __future__ import annotations

import numpy as np
import pytest

from inpaintbench.data.fingerprints.build import FingerprintsBuildConfig, build_fingerprints
from inpaintbench.methods.fingerprints.learned import shipped_weights
from inpaintbench.methods.registry import create, entries
from inpaintbench.scoring.fingerprints import image_scores
from inpaintbench.tracks import Track
from inpaintbench.training.config import load_config, shipped_config_names

HELD_OUT_SEED = 4242  # never a config's data.seed (101) nor the benchmark's (2018)
NETWORKS = [name.split("/")[1] for name in shipped_config_names("fingerprints")]


@pytest.fixture(scope="module")
def held_out(tmp_path_factory):
    """Four pairs no network was trained on: (input RGB, ground-truth grey)."""
    from inpaintbench.training.data import PrintPairs

    root = tmp_path_factory.mktemp("held-out")
    build_fingerprints(root, FingerprintsBuildConfig(count=4, seed=HELD_OUT_SEED,
                                                     split=(0, 0, 1)), workers=1)
    pairs = PrintPairs.load(root, "test", channels=3)
    return list(zip(pairs.inputs, pairs.truths, strict=True))


def test_every_network_is_a_method_that_says_how_to_make_it():
    listed = {e.info.name: e for e in entries(Track.FINGERPRINTS)}
    for name in NETWORKS:
        entry = listed[name]
        assert entry.info.kind == "learned"
        if shipped_weights(name) is None:
            assert f"inpaintbench train fingerprints/{name}" in entry.missing
        else:
            assert entry.missing is None and "validation PSNR" in entry.info.description


@pytest.mark.parametrize("name", NETWORKS)
def test_a_shipped_network_loads_and_beats_identity(name, held_out):
    weights = shipped_weights(name)
    if weights is None:
        pytest.skip(f"{name} has no shipped weights yet")
    assert weights.stat().st_size < 8 * 2**20  # a few MB, in the package
    assert load_config(f"fingerprints/{name}").method.name == name
    method = create(Track.FINGERPRINTS, name)
    learned = [image_scores(truth, method.restore(image)) for image, truth in held_out]
    floor = [image_scores(truth, create(Track.FINGERPRINTS, "identity").restore(image))
             for image, truth in held_out]
    for metric, better in (("mse", np.less), ("psnr", np.greater), ("ssim", np.greater)):
        ours = np.mean([s[metric] for s in learned])
        identity = np.mean([s[metric] for s in floor])
        assert better(ours, identity), (metric, ours, identity)
