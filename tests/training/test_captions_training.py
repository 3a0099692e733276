"""Captions training: the data (builds, fresh subtitles), a tiny run, resume, export, methods.

No real model is trained: the runs are a few steps on two tiny builds of one photograph.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from inpaintbench.data.captions.build import CaptionsBuildConfig, build_captions
from inpaintbench.data.captions.defaults import DefaultSource
from inpaintbench.training.captions_data import (
    VAL_SEED_OFFSET,
    CaptionSampler,
    build_dirs,
    window,
)
from inpaintbench.training.checkpoint import CHECKPOINT, export_weights, load_checkpoint
from inpaintbench.training.config import load_config_text
from inpaintbench.training.loop import LOG_CSV, train

TINY = """
seed = 3
max_minutes = 5

[method]
name = "tiny-captions"
track = "captions"
postprocess = "{postprocess}"

[arch]
name = "{arch}"
width = {width}

[data]
builder = "captions"
seed = 11
count = 1
fresh = 0.5
crop = {crop}
augment = ["flip"]

[loss]
name = "{loss}"

[optim]
batch = 4
lr = 0.003

[schedule]
steps = {steps}
name = "constant"
validate_every = {every}
"""


def tiny(arch="caption-mask-net", width=0.5, loss="bce-dice", crop=32, steps=4, every=2,
         postprocess="none"):
    return load_config_text(TINY.format(arch=arch, width=width, loss=loss, crop=crop,
                                        steps=steps, every=every, postprocess=postprocess))


@pytest.fixture(scope="module")
def captions_root(tmp_path_factory):
    """A run's data folder: one training build and one validation build, 2 clips each."""
    root = tmp_path_factory.mktemp("captions-data")
    rng = np.random.default_rng(0)
    smooth = np.kron(rng.integers(30, 220, (12, 16, 3)), np.ones((20, 20, 1)))
    photo = root.parent / "photo.png"
    Image.fromarray(np.clip(smooth + rng.normal(0, 8, smooth.shape), 0, 255)
                    .astype(np.uint8)).save(photo)
    config = tiny()
    (train_dir,), val_dir = build_dirs(config, root)
    for path, seed in ((train_dir, 11), (val_dir, 11 + VAL_SEED_OFFSET)):
        build_captions([DefaultSource("photo-test", "photo", photo)], path,
                       CaptionsBuildConfig(seed=seed, split=(1.0, 0.0, 0.0),
                                           clips_per_photo=2), workers=1)
    return root


def test_a_window_is_mirrored_at_the_clip_ends():
    assert window(1, 5, 3, 10).tolist() == [5, 2, 1, 4, 7]
    assert window(9, 3, 3, 10).tolist() == [6, 9, 6]


def test_batches_are_a_function_of_the_step_and_fresh_ones_carry_their_masks(captions_root):
    sampler = CaptionSampler.load(tiny(), captions_root, frames=3, stride=3, pool=6)
    first = sampler.batch(3, 5, 8, 32, ("flip",))
    again = sampler.batch(3, 5, 8, 32, ("flip",))
    for a, b in zip(first, again, strict=True):
        assert np.array_equal(a, b)
    x, y, m = first
    assert x.shape == (8, 3, 3, 32, 32) and y.shape == (8, 3, 32, 32) and m.shape == (8, 1, 32, 32)
    assert m.any(), "crops are centred on captions three times in four"
    # where a caption covers the middle frame, the input differs from the clean frame
    changed = np.abs(x[:, 1] - y).max(axis=1) > 0.1
    assert (changed & (m[:, 0] > 0)).sum() > 0.5 * m.sum()
    inputs, clean, masks, classes = sampler.validation()
    assert inputs.shape[1:] == (3, 128, 128, 3) and clean.shape[1:] == (128, 128, 3)
    assert len(inputs) == len(classes) and all(mk.any() for mk in masks)


def test_a_tiny_mask_network_learns_and_logs_iou(captions_root, tmp_path):
    config = tiny(steps=40, every=40)
    losses = []
    result = train(config, tmp_path / "run", data=captions_root, threads=2,
                   progress=lambda step, total, loss, rate: losses.append(loss))
    assert result.steps == 40
    assert np.mean(losses[-5:]) < np.mean(losses[:5]), (losses[:5], losses[-5:])
    header = (tmp_path / "run" / LOG_CSV).read_text().splitlines()[0]
    assert header.split(",")[4:7] == ["val_iou", "val_precision", "val_recall"]


def test_a_stopped_gated_run_resumes_to_the_same_weights(captions_root, tmp_path):
    """Bit for bit with PyTorch's own convolutions. oneDNN's 3D ones (the default, 3.5×
    faster here) round differently from one call to the next, by ~1e-7 of the loss, so
    two uninterrupted runs differ by as much as a resumed one does."""
    config = tiny(arch="gated-3d-unet", width=0.125, loss="l1-grad-ssim", steps=4, every=2)
    with torch.backends.mkldnn.flags(enabled=False):
        train(config, tmp_path / "straight", data=captions_root, threads=1)
        train(config, tmp_path / "stopped", data=captions_root, threads=1, max_steps=3)
        train(config, tmp_path / "stopped", data=captions_root, threads=1, resume=True)
    a = load_checkpoint(tmp_path / "straight" / CHECKPOINT)["model"]
    b = load_checkpoint(tmp_path / "stopped" / CHECKPOINT)["model"]
    for key in a:
        assert torch.equal(a[key], b[key]), key


@pytest.mark.parametrize(("arch", "loss", "crop", "postprocess"), [
    ("baseline-patch-ae", "patch-ae", 32, "none"),
    ("gated-3d-unet", "l1-grad-ssim", 32, "keep-input"),
    ("caption-mask-net", "bce-dice", 32, "temporal-fill")])
def test_an_exported_network_is_a_captions_method(captions_root, tmp_path, arch, loss, crop,
                                                    postprocess):
    from inpaintbench.io.media import read_video
    from inpaintbench.methods.base import MethodInfo
    from inpaintbench.methods.captions.learned import LearnedDecaptioner, LearnedDetectFill
    from inpaintbench.tracks import Track

    config = tiny(arch=arch, width=0.125 if arch == "gated-3d-unet" else 0.25, loss=loss,
                  crop=crop, steps=2, every=2, postprocess=postprocess)
    train(config, tmp_path / "run", data=captions_root, threads=2)
    record = export_weights(tmp_path / "run", tmp_path / "tiny.pt")
    assert set(record["validation"]) == ({"iou", "precision", "recall"}
                                         if arch == "caption-mask-net" else
                                         {"mse", "psnr", "dssim"})
    cls = LearnedDetectFill if postprocess == "temporal-fill" else LearnedDecaptioner
    method = cls(MethodInfo(name="tiny", track=Track.CAPTIONS, kind="learned",
                            description="a test network"), tmp_path / "tiny.pt", postprocess)
    clip = read_video(next((captions_root / "val" / "train" / "X").glob("*.mp4")))[:20]
    out = method.decaption(clip)
    assert out.shape == clip.shape and out.dtype == np.uint8
    if postprocess == "temporal-fill":
        mask = method.detect(clip)
        assert mask.shape == clip.shape[:3] and mask.dtype == bool
        import cv2

        near = np.stack([cv2.dilate(m, np.ones((9, 9), np.uint8))
                         for m in mask.astype(np.uint8)]).astype(bool)
        assert np.array_equal(out[~near], clip[~near])  # the fill and its seam only
    else:
        assert not hasattr(method, "detect")  # a decaptioner shows no mask
