"""Track-2 learned methods: networks trained here, loaded from the package, run on clips.

Every config shipped under ``inpaintbench/configs/captions/`` is a method of the same
name, its weights ``inpaintbench/weights/captions/<name>.pt`` (docs/training.md gives
the command that makes each). Its ``method.postprocess`` says how the network is used:

- ``none``: a decaptioner; every frame of the clip is produced from its window of
  ``in_frames`` frames ``frame_stride`` apart (mirrored at the clip's ends, as the
  winner's code pads), in batches;
- ``keep-input``: the same, then every pixel the network moved by less than 0.01
  keeps its input value (the track-2 winner's test-time trick);
- ``temporal-fill``: a caption-mask network; ``detect`` gives its mask (probability
  > 0.5, the threshold of best IoU on the validation build), and the pixels it is
  surest of (probability > :data:`FILL_THRESHOLD`), grown by :data:`MASK_GROWTH` px
  for the codec's halo around the text, drive the classical temporal fill
  (:func:`~inpaintbench.methods.captions.fill.temporal_fill`): a doubtful pixel
  left alone costs less than a fill from the wrong place (both chosen on the
  validation build, ``benchmarks/tune_caption_fill.py``; never on held-out clips).

The network is loaded on first use, in the process that uses it; torch uses the
threads the process allows (the runner gives each worker one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench.methods.base import MethodInfo
from inpaintbench.methods.captions.detect import check_clip
from inpaintbench.methods.registry import register
from inpaintbench.methods.weights import WEIGHTS_SUFFIX, LazyNetwork, packaged_weights
from inpaintbench.tracks import Track

TRACK_FOLDER = "captions"
BATCH = 16  # output frames per forward pass
KEEP_INPUT = 0.01  # the winner's trick: |output − input| below this keeps the input
MASK_THRESHOLD = 0.5  # detect(): the best IoU on the validation build (0.3 … 0.95 tried)
FILL_THRESHOLD = 0.95  # the fill's mask: best MSE, PSNR and DSSIM there (0.5 … 0.95)
MASK_GROWTH = 1  # px the fill's mask is grown by (0, 1, 2 tried)


def windows(count: int, frames: int, stride: int) -> np.ndarray:
    """``(count, frames)`` frame indices: each frame's window, mirrored at the clip's ends."""
    from inpaintbench.training.captions_data import window

    return np.stack([window(t, frames, stride, count) for t in range(count)])


class LearnedDecaptioner(LazyNetwork):
    """A shipped captions network as a track-2 method: ``decaption(frames)``."""

    def _outputs(self, frames: np.ndarray) -> np.ndarray:
        """The network on every frame's window: float32 ``(T, C, H, W)``."""
        import torch
        import torch.nn.functional as F

        model = self._network()
        count, height, width = frames.shape[:3]
        index = windows(count, model.in_frames, model.frame_stride)
        clip = torch.from_numpy(np.ascontiguousarray(frames.transpose(0, 3, 1, 2)))
        bottom, right = -height % model.multiple, -width % model.multiple
        outputs = []
        with torch.inference_mode():
            for start in range(0, count, BATCH):
                x = clip[index[start:start + BATCH]].float() / 255  # (B, T, 3, H, W)
                if bottom or right:
                    x = F.pad(x.flatten(0, 1), (0, right, 0, bottom), mode="replicate"
                              ).unflatten(0, x.shape[:2])
                outputs.append(model(x)[..., :height, :width].float())
        return torch.cat(outputs).numpy()

    def decaption(self, frames: np.ndarray) -> np.ndarray:
        """``uint8 (T, H, W, 3)`` in and out."""
        frames = check_clip(frames)
        out = self._outputs(frames).transpose(0, 2, 3, 1).clip(0, 1)
        if self.postprocess == "keep-input":
            same = np.abs(out - frames / 255.0).max(axis=-1, keepdims=True) < KEEP_INPUT
            return np.where(same, frames, np.round(out * 255).astype(np.uint8))
        return np.round(out * 255).astype(np.uint8)


class LearnedDetectFill(LearnedDecaptioner):
    """A shipped caption-mask network driving the temporal fill; ``detect`` gives its mask."""

    def detect(self, frames: np.ndarray, threshold: float = MASK_THRESHOLD) -> np.ndarray:
        """The caption mask of a clip, bool ``(T, H, W)``: probability above ``threshold``."""
        logits = self._outputs(check_clip(frames))[:, 0]
        return logits > np.log(threshold / (1 - threshold))

    def decaption(self, frames: np.ndarray) -> np.ndarray:
        """``uint8 (T, H, W, 3)`` in and out."""
        import cv2

        from inpaintbench.methods.captions.fill import temporal_fill

        frames = check_clip(frames)
        kernel = np.ones((2 * MASK_GROWTH + 1,) * 2, np.uint8)
        grown = np.stack([cv2.dilate(m, kernel) for m in
                          self.detect(frames, FILL_THRESHOLD).astype(np.uint8)]).astype(bool)
        return temporal_fill(frames, grown)


def _describe(config: Any, weights: Path | None) -> str:
    """The config's description, with the validation figures its weights' record gives."""
    text = config.method.description
    if weights is None:
        return text
    from inpaintbench.errors import InputError
    from inpaintbench.io.atomic import read_json_file

    try:
        record = read_json_file(weights.with_suffix(".json"))
        figures = ", ".join(f"{k} {v:.4g}" for k, v in record["validation"].items())
        return f"{text}; validation {figures} ({weights.name}, {record['training']['hardware']})"
    except (InputError, KeyError, TypeError, ValueError):
        return f"{text} ({weights.name})"


def register_shipped() -> list[str]:
    """Register a method for every shipped captions config; return their names."""
    from inpaintbench.training.config import load_config, shipped_config_names

    names = []
    for shipped in shipped_config_names(TRACK_FOLDER):
        config = load_config(shipped, check_arch=False)
        name = config.method.name
        weights = packaged_weights(TRACK_FOLDER, name)
        info = MethodInfo(name=name, track=Track.CAPTIONS, kind="learned",
                          description=_describe(config, weights),
                          reference=config.method.reference)
        missing = None if weights is not None else (
            f"has no trained weights yet: `inpaintbench train {shipped}`, then `inpaintbench "
            f"export RUN --out src/inpaintbench/weights/{TRACK_FOLDER}/{name}{WEIGHTS_SUFFIX}`")

        def factory(info: MethodInfo = info, weights: Path | None = weights,
                    postprocess: str = config.method.postprocess) -> LearnedDecaptioner:
            cls = LearnedDetectFill if postprocess == "temporal-fill" else LearnedDecaptioner
            return cls(info, weights, postprocess)  # type: ignore[arg-type]

        register(info, missing=missing)(factory)
        names.append(name)
    return names


register_shipped()
