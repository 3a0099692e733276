"""Losses by the name a config gives.

- ``mse``, ``l1``;
- ``ssim-l1``: FPD-M-net's combination, ``w·(1 − SSIM) + (1 − w)·L1`` with
  ``w = loss.ssim_weight`` (0.85 in the paper, which uses the multi-scale SSIM; we
  use one scale, the challenge's 7×7 uniform window, as its metric does);
- ``l1-grad-ssim``: the track-2 winner's ``L1 + L1 of the image gradients − SSIM``
  (3×3 window), written ``+ (1 − SSIM)`` so that it is 0 at a perfect output;
- ``bce-dice``: a mask network's binary cross-entropy on logits plus ``1 − Dice``
  (the Dice term keeps thin captions from drowning in the background);
- ``patch-ae``: the kit's baseline 2, ``MSE(decoding) + BCE(text logit)``, computed
  by the training task from the network's two outputs (:func:`patch_ae_loss`).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from inpaintbench.training.config import LossSection

SSIM_WINDOW = 7  # the track-3 metric's window (scoring.metrics.FINGERPRINT_SSIM)
WINNER_SSIM_WINDOW = 3  # the track-2 winner's SSIM loss window
SSIM_C1, SSIM_C2 = 0.01 ** 2, 0.03 ** 2  # Wang et al. 2004, K1 = 0.01, K2 = 0.03, L = 1

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def ssim(prediction: torch.Tensor, target: torch.Tensor, window: int = SSIM_WINDOW
         ) -> torch.Tensor:
    """Mean SSIM of ``(N, C, H, W)`` images in [0, 1], uniform window, valid region only.

    >>> x = torch.rand(2, 1, 16, 16)
    >>> round(float(ssim(x, x)), 6)
    1.0
    """
    def mean(t: torch.Tensor) -> torch.Tensor:
        return F.avg_pool2d(t, window, stride=1)

    mu_x, mu_y = mean(prediction), mean(target)
    var_x = mean(prediction * prediction) - mu_x ** 2
    var_y = mean(target * target) - mu_y ** 2
    cov = mean(prediction * target) - mu_x * mu_y
    index = ((2 * mu_x * mu_y + SSIM_C1) * (2 * cov + SSIM_C2)
             / ((mu_x ** 2 + mu_y ** 2 + SSIM_C1) * (var_x + var_y + SSIM_C2)))
    return index.mean()


def gradient_l1(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """L1 between the horizontal and vertical finite differences of two image batches."""
    def grads(t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return t[..., :, 1:] - t[..., :, :-1], t[..., 1:, :] - t[..., :-1, :]

    (px, py), (tx, ty) = grads(prediction), grads(target)
    return F.l1_loss(px, tx) + F.l1_loss(py, ty)


def l1_grad_ssim(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The track-2 winner's loss (``scripts/train.sh``: L1, gradient L1, SSIM 3×3).

    >>> x = torch.rand(2, 3, 8, 8)
    >>> float(l1_grad_ssim(x, x))
    0.0
    """
    return (F.l1_loss(prediction, target) + gradient_l1(prediction, target)
            + 1 - ssim(prediction, target, WINNER_SSIM_WINDOW))


def bce_dice(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy on logits plus ``1 − soft Dice`` over the batch."""
    probability = torch.sigmoid(logits)
    dice = (2 * (probability * target).sum() + 1) / (probability.sum() + target.sum() + 1)
    return F.binary_cross_entropy_with_logits(logits, target) + 1 - dice


def patch_ae_loss(decoded: torch.Tensor, logits: torch.Tensor, target: torch.Tensor,
                  labels: torch.Tensor) -> torch.Tensor:
    """Baseline 2: the decoding's MSE to the clean patch plus the classifier's BCE."""
    return F.mse_loss(decoded, target) + F.binary_cross_entropy_with_logits(logits, labels)


def make_loss(section: LossSection) -> Loss:
    """The loss function a config's ``[loss]`` names (``patch-ae`` is the task's own)."""
    if section.name == "mse":
        return F.mse_loss
    if section.name == "l1":
        return F.l1_loss
    if section.name == "l1-grad-ssim":
        return l1_grad_ssim
    if section.name == "bce-dice":
        return bce_dice
    if section.name == "patch-ae":
        return F.mse_loss  # unused: the task calls patch_ae_loss
    weight = section.ssim_weight

    def ssim_l1(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return weight * (1 - ssim(prediction, target)) + (1 - weight) * F.l1_loss(
            prediction, target)
    return ssim_l1
