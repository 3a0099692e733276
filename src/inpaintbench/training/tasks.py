"""What a track's training needs besides the loop: its data, its loss call, its validation.

:func:`train <inpaintbench.training.loop.train>` is the same for every track; a
*task* holds what differs:

- :class:`FingerprintsTask`: print pairs in memory (:class:`~.data.PrintPairs`),
  validation with the track-3 scorer's MSE, PSNR and SSIM on whole prints;
- :class:`CaptionsTask`: clips and fresh subtitles (:class:`~.captions_data.CaptionSampler`);
  a decaptioner is validated with the track-2 scorer's per-frame MSE, PSNR and DSSIM on
  whole validation frames, a mask network with the IoU (and precision, recall) of its
  thresholded mask against the exact caption masks.

Every task draws step ``k``'s batch from the config's seed and ``k`` alone (exact
resume) and names the metric that picks the best weights (higher is better).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from inpaintbench.training.config import TrainConfig

VAL_BATCH = 16


class FingerprintsTask:
    """Track 3: grey restorations of prints, scored as the challenge scored them."""

    metrics = ("mse", "psnr", "ssim")
    plotted = ("psnr", "ssim")
    primary = "psnr"

    def __init__(self, config: TrainConfig, root: Path, model: torch.nn.Module) -> None:
        from inpaintbench.training.data import PrintPairs

        self.config = config
        self.pairs = PrintPairs.load(root, config.data.train_split, model.in_channels)
        self.val = PrintPairs.load(root, config.data.val_split, model.in_channels,
                                   limit=config.data.val_images)

    def record(self) -> dict[str, Any]:
        return {"pairs": len(self.pairs), "val_pairs": len(self.val)}

    def loss(self, model: torch.nn.Module, step: int, loss_fn: Any,
             device: torch.device) -> torch.Tensor:
        config = self.config
        x, y = self.pairs.batch(config.seed, step, config.optim.batch, config.data.crop,
                                config.data.augment)
        return loss_fn(model(torch.from_numpy(x).to(device)), torch.from_numpy(y).to(device))

    def validate(self, model: torch.nn.Module, device: torch.device) -> dict[str, float]:
        from inpaintbench.methods.inference import restore_grey
        from inpaintbench.scoring.fingerprints import image_scores

        pairs = self.val
        inputs = pairs.inputs if pairs.inputs.shape[-1] == 3 else pairs.inputs[..., 0]
        restored = restore_grey(model, inputs, postprocess=self.config.method.postprocess,
                                device=device)
        scores = [image_scores(truth, prediction)
                  for truth, prediction in zip(pairs.truths, restored, strict=True)]
        return {m: float(np.mean([s[m] for s in scores])) for m in self.metrics}


class CaptionsTask:
    """Track 2: a decaptioner (``output == "frame"``) or a caption-mask network."""

    def __init__(self, config: TrainConfig, root: Path, model: torch.nn.Module) -> None:
        from inpaintbench.training.captions_data import CaptionSampler

        self.config = config
        self.mask = getattr(model, "output", "frame") == "mask"
        self.metrics = ("iou", "precision", "recall") if self.mask else ("mse", "psnr", "dssim")
        self.plotted = ("iou", "recall") if self.mask else ("psnr", "dssim")
        self.primary = "iou" if self.mask else "psnr"
        self.sampler = CaptionSampler.load(config, root, model.in_frames, model.frame_stride)
        self.val = self.sampler.validation()

    def record(self) -> dict[str, Any]:
        return {"clips": len(self.sampler.clips), "val_clips": len(self.sampler.val),
                "val_frames": len(self.val[0]), "fresh": self.config.data.fresh,
                "fresh_timelines": len(self.sampler.events)}

    def loss(self, model: torch.nn.Module, step: int, loss_fn: Any,
             device: torch.device) -> torch.Tensor:
        from inpaintbench.nets.captions.patch_ae import TEXT_THRESHOLD
        from inpaintbench.training.losses import patch_ae_loss

        config = self.config
        x, y, m = (torch.from_numpy(a).to(device) for a in self.sampler.batch(
            config.seed, step, config.optim.batch, config.data.crop, config.data.augment))
        if self.mask:
            return loss_fn(model(x), m)
        if config.loss.name == "patch-ae":  # the kit's label: max |X − Y| > 0.2 in the patch
            labels = ((x[:, 0] - y).abs().amax(dim=(1, 2, 3)) > TEXT_THRESHOLD).float()
            decoded, logits = model.patches(x[:, 0])
            return patch_ae_loss(decoded, logits, y, labels)
        return loss_fn(model(x), y)

    @torch.inference_mode()
    def predict(self, model: torch.nn.Module, inputs: np.ndarray,
                device: torch.device) -> np.ndarray:
        """Outputs on uint8 windows ``(N, T, H, W, 3)``: frames uint8 ``(N, H, W, 3)`` or
        mask probabilities float ``(N, H, W)``."""
        model.eval()
        outputs = []
        for start in range(0, len(inputs), VAL_BATCH):
            x = torch.from_numpy(np.ascontiguousarray(
                inputs[start:start + VAL_BATCH].transpose(0, 1, 4, 2, 3))).float() / 255
            y = model(x.to(device)).float().cpu()
            if self.mask:
                outputs.append(torch.sigmoid(y[:, 0]).numpy())
            else:
                outputs.append((y.clamp(0, 1) * 255).round().byte().permute(0, 2, 3, 1).numpy())
        return np.concatenate(outputs)

    def validate(self, model: torch.nn.Module, device: torch.device) -> dict[str, float]:
        inputs, clean, masks, _ = self.val
        predicted = self.predict(model, inputs, device)
        if self.mask:
            found = predicted > 0.5
            hit = float((found & masks).sum())
            return {"iou": hit / max(float((found | masks).sum()), 1.0),
                    "precision": hit / max(float(found.sum()), 1.0),
                    "recall": hit / max(float(masks.sum()), 1.0)}
        from inpaintbench.scoring.metrics import frame_metrics

        scores = frame_metrics(predicted.astype(np.float64) / 255,
                               clean.astype(np.float64) / 255)
        return {m: float(np.mean(scores[m])) for m in self.metrics}


def make_task(config: TrainConfig, root: Path, model: torch.nn.Module) -> Any:
    """The task of the config's data builder."""
    if config.data.builder == "captions":
        return CaptionsTask(config, root, model)
    return FingerprintsTask(config, root, model)


def prepare(config: TrainConfig, run_dir: Path, data: Path | None, workers: int | None
            ) -> Path:
    """The data root of a run: built in ``run_dir/data`` (or ``data``) when not there yet."""
    if config.data.builder == "captions":
        from inpaintbench.training.captions_data import prepare_captions_data
        from inpaintbench.training.data import DATA_DIR

        return prepare_captions_data(config, Path(data) if data else run_dir / DATA_DIR,
                                     workers=workers)
    from inpaintbench.training.data import prepare_data

    return prepare_data(config, run_dir, data, workers=workers)
