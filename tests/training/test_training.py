"""The training framework: configs, the loop, exact resume, export — no real model trained."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from inpaintbench.errors import InputError
from inpaintbench.training.checkpoint import (
    CHECKPOINT,
    export_weights,
    load_checkpoint,
    load_weights_file,
)
from inpaintbench.training.config import (
    dump_config,
    load_config,
    load_config_text,
    shipped_config_names,
)
from inpaintbench.training.loop import LOG_CSV, train

TINY = """
seed = 7
max_minutes = 5

[method]
name = "tiny"
track = "fingerprints"
description = "a test network"

[arch]
name = "{arch}"
width = {width}

[data]
count = 8
val_images = 2
crop = 32
augment = ["flip", "rot90"]

[optim]
batch = 8
lr = {lr}

[schedule]
steps = {steps}
name = "constant"
validate_every = {every}
"""


def tiny_config(arch: str = "cvxtz-unet", width: float = 0.25, lr: float = 3e-3,
                steps: int = 6, every: int = 3):
    return load_config_text(TINY.format(arch=arch, width=width, lr=lr, steps=steps,
                                        every=every))


@pytest.fixture(scope="module")
def prints(tmp_path_factory) -> Path:
    """Eight train and two val pairs, 32×48, in the release layout of a built set."""
    root = tmp_path_factory.mktemp("prints")
    rng = np.random.default_rng(0)
    rows = np.arange(48)[:, None]
    for split, count in (("training", 8), ("validation", 2)):
        (root / f"{split}_input").mkdir()
        (root / f"{split}_ground-truth").mkdir()
        for i in range(count):
            period = rng.uniform(6, 10)
            truth = np.where(np.sin(2 * np.pi * (rows + 0 * np.arange(32)) / period) > 0.3,
                             40, 255).astype(np.uint8)
            noisy = np.clip(truth * 0.6 + 60 + rng.normal(0, 20, truth.shape), 0, 255)
            Image.fromarray(truth).save(root / f"{split}_ground-truth" / f"p{i}.png")
            Image.fromarray(np.repeat(noisy[..., None], 3, -1).astype(np.uint8)).save(
                root / f"{split}_input" / f"p{i}.png")
    (root / "dataset.json").write_text(json.dumps({"kind": "inpaintbench-fingerprints",
                                                   "config": {"test": True}, "complete": True}))
    return root


def test_a_config_round_trips_through_its_file(tmp_path):
    config = tiny_config()
    path = tmp_path / "c.toml"
    path.write_text(dump_config(config))
    assert load_config(path) == config


@pytest.mark.parametrize(("change", "named"), [
    (('width = 0.25', 'width = -1'), "arch.width"),
    (('name = "cvxtz-unet"', 'name = "resnet-9000"'), "arch.name"),
    (('crop = 32', 'crop = "big"'), "data.crop"),
    (('lr = 0.003', 'lr = nan'), "optim.lr"),
    (('[optim]', '[optimiser]'), "optimiser"),
    (('batch = 8', 'batch = 8\nmomentun = 0.9'), "momentun"),
    (('augment = ["flip", "rot90"]', 'augment = ["mixup"]'), "data.augment"),
    (('steps = 6', 'steps = 6 6'), "not valid TOML"),
])
def test_a_bad_config_names_the_key(tmp_path, change, named):
    text = TINY.format(arch="cvxtz-unet", width=0.25, lr=0.003, steps=6, every=3)
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(*change))
    with pytest.raises(InputError, match=named) as error:
        load_config(path)
    assert str(path) in str(error.value)


def test_every_shipped_config_loads():
    names = shipped_config_names("fingerprints")
    assert {"fingerprints/baseline-resnet", "fingerprints/u-finger", "fingerprints/fpd-m-net",
            "fingerprints/cvxtz-unet"} <= set(names)
    for name in names:
        config = load_config(name)
        assert f"fingerprints/{config.method.name}" == name


def test_a_tiny_run_overfits_eight_pairs(prints, tmp_path):
    config = tiny_config(steps=150, every=150, lr=3e-3)
    losses = []
    result = train(config, tmp_path / "run", data=prints, threads=2,
                   progress=lambda step, total, loss, rate: losses.append(loss))
    assert result.stopped == "done" and result.steps == 150
    assert np.mean(losses[-10:]) < np.mean(losses[:5]) / 10, (losses[:5], losses[-10:])
    rows = (tmp_path / "run" / LOG_CSV).read_text().splitlines()
    assert rows[0].startswith("step,loss") and len(rows) == 2
    assert (tmp_path / "run" / "curves.png").stat().st_size > 1000


def test_a_stopped_run_resumes_to_the_same_weights(prints, tmp_path):
    config = tiny_config(arch="fpd-m-net", width=0.5, steps=6, every=3)  # dropout and BN
    straight = train(config, tmp_path / "straight", data=prints, threads=1)
    stopped = train(config, tmp_path / "stopped", data=prints, threads=1, max_steps=4)
    assert stopped.stopped == "steps" and stopped.steps == 4
    with pytest.raises(InputError, match="--resume"):
        train(config, tmp_path / "stopped", data=prints, threads=1)
    with pytest.raises(InputError, match="another config"):
        train(tiny_config(arch="fpd-m-net", width=0.5, steps=7, every=3), tmp_path / "stopped",
              data=prints, threads=1, resume=True)
    resumed = train(config, tmp_path / "stopped", data=prints, threads=1, resume=True)
    assert resumed.steps == straight.steps == 6
    a = load_checkpoint(tmp_path / "straight" / CHECKPOINT)["model"]
    b = load_checkpoint(tmp_path / "stopped" / CHECKPOINT)["model"]
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_export_loads_and_bad_files_are_refused(prints, tmp_path):
    from inpaintbench.methods.weights import load_network

    config = tiny_config(steps=3, every=3)
    train(config, tmp_path / "run", data=prints, threads=2)
    out = tmp_path / "tiny.pt"
    record = export_weights(tmp_path / "run", out)
    assert record["training"]["steps"] == 3 and out.stat().st_size < 5 * 2**20
    assert all(v.dtype == torch.float16 for v in record["state"].values()
               if v.is_floating_point())
    assert json.loads(out.with_suffix(".json").read_text())["validation"]["psnr"] > 0
    model, loaded = load_network(out)
    assert model.in_channels == 3 and loaded["config"]["arch"]["name"] == "cvxtz-unet"

    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(out.read_bytes()[:2000])
    with pytest.raises(InputError, match="truncated.pt: is not a readable weights file"):
        load_network(truncated)
    wrong = tmp_path / "wrong.pt"
    other = dict(load_weights_file(out))
    other["config"] = {**other["config"], "arch": {"name": "cvxtz-unet", "width": 0.5,
                                                   "options": {}}}
    torch.save(other, wrong)
    with pytest.raises(InputError, match="does not fit the cvxtz-unet architecture"):
        load_network(wrong)
    with pytest.raises(InputError, match="checkpoint.pt: not found"):
        export_weights(tmp_path, tmp_path / "x.pt")
