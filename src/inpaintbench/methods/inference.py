"""Running a restoration network on whole images: pad to its multiple, batch, crop, clip.

Shared by the learned methods (``methods/<track>/learned.py``) and by training's
validation, so that a network is scored the way it is shipped (IOPaint's
"pad to a multiple, run, paste back").
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

POSTPROCESS_STRETCH = "stretch"


def to_tensor(images: np.ndarray, channels: int) -> torch.Tensor:
    """``uint8 (N, H, W, 3)`` RGB (or ``(N, H, W)`` grey) → ``float32 (N, C, H, W)`` in [0, 1].

    For one channel the grey is the scorer's luma (PIL's ``convert('L')``).
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if channels == 1 and images.shape[-1] == 3:
        from inpaintbench.methods.fingerprints.analysis import luma

        images = np.stack([luma(image) for image in images])[..., None]
    elif channels == 3 and images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    return torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2))).float() / 255


def _pad(x: torch.Tensor, multiple: int) -> tuple[torch.Tensor, int, int]:
    height, width = x.shape[-2:]
    bottom, right = -height % multiple, -width % multiple
    if bottom or right:
        mode = "reflect" if bottom < height and right < width else "replicate"
        x = F.pad(x, (0, right, 0, bottom), mode=mode)
    return x, height, width


@torch.inference_mode()
def restore_grey(model: torch.nn.Module, images: np.ndarray, *, batch: int = 4,
                 postprocess: str = "none", device: str | torch.device = "cpu") -> np.ndarray:
    """Run ``model`` on whole images: ``uint8 (N, H, W, 3)`` in, ``uint8 (N, H, W)`` grey out.

    Each batch is padded (reflect) to the network's ``multiple``, run, cropped back
    and clipped to [0, 1]; ``postprocess="stretch"`` then maps each output's min–max
    to 0–255, as the track-3 winner's inference did.
    """
    model.eval()
    channels, multiple = model.in_channels, model.multiple
    outputs = []
    for start in range(0, len(images), batch):
        x = to_tensor(images[start:start + batch], channels).to(device)
        padded, height, width = _pad(x, multiple)
        y = model(padded)[:, 0, :height, :width].clamp(0, 1).float().cpu().numpy()
        if postprocess == POSTPROCESS_STRETCH:
            low = y.min(axis=(1, 2), keepdims=True)
            high = y.max(axis=(1, 2), keepdims=True)
            y = (y - low) / np.maximum(high - low, 1e-6)
        outputs.append(np.round(y * 255).astype(np.uint8))
    return np.concatenate(outputs) if outputs else np.zeros((0,) + images.shape[1:3], np.uint8)
