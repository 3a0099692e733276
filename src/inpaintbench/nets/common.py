"""What every network file shares: width scaling and the input check of the convention."""

from __future__ import annotations

import torch


def scaled(count: int, width: float) -> int:
    """A published layer's ``count`` channels at ``width`` (at least 1)."""
    return max(1, round(count * width))


def check_input(x: torch.Tensor, in_channels: int, multiple: int, name: str,
                smallest: int = 1) -> None:
    """ValueError unless ``x`` is ``(N, in_channels, H, W)`` with H, W multiples of ``multiple``."""
    if x.ndim != 4 or x.shape[1] != in_channels:
        raise ValueError(f"{name}: input must be (N, {in_channels}, H, W), got {tuple(x.shape)}")
    height, width = x.shape[2:]
    if height % multiple or width % multiple or height < smallest or width < smallest:
        least = f" and at least {smallest}" if smallest > 1 else ""
        raise ValueError(f"{name}: H and W must be multiples of {multiple}{least}, got "
                         f"{height}×{width} (pad the image first)")
