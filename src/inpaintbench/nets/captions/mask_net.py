"""Our learned caption detector: a small U-Net that marks the captions of a frame.

Not a challenge entry. The participants who found the captions learned where they
were (anubhap93's caption-mask branch; Chu et al.'s separate per-frame mask U-Net,
BMVC 2021); this one is trained on our builder's exact caption masks (the pixels the
subtitle changed, ``any(X != Y)`` before encoding) and feeds the classical temporal
fill (:func:`inpaintbench.methods.captions.fill.temporal_fill`).

Input: three frames 3 apart (the frame and its neighbours ±3: a caption stays put
while the picture moves); output: one logit per pixel of the middle frame.

Architecture (width 1.0): a three-level U-Net, two (3×3 conv → BN → ReLU) per level,
16, 32, 64 channels, 2×2 max-pools, bilinear upsampling and concatenated skips, a 1×1
conv to one logit.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from inpaintbench.nets.captions.frame_ae import check_clip_input
from inpaintbench.nets.common import scaled
from inpaintbench.nets.registry import register_arch

FRAMES = 3
STRIDE = 3
LEVEL_WIDTHS = (16, 32, 64)


class _DoubleConv(nn.Sequential):
    def __init__(self, cin: int, cout: int) -> None:
        super().__init__(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True))


@register_arch("caption-mask-net")
class CaptionMaskNet(nn.Module):
    """Three frames in, the middle frame's caption logits out.

    Examples
    --------
    >>> net = CaptionMaskNet(width=0.5).eval()
    >>> net(torch.rand(2, 3, 3, 32, 32)).shape
    torch.Size([2, 1, 32, 32])
    """

    in_frames = FRAMES
    frame_stride = STRIDE
    multiple = 4
    output = "mask"

    def __init__(self, width: float = 1.0) -> None:
        super().__init__()
        widths = [scaled(c, width) for c in LEVEL_WIDTHS]
        self.down = nn.ModuleList()
        cin = 3 * FRAMES
        for c in widths:
            self.down.append(_DoubleConv(cin, c))
            cin = c
        self.up = nn.ModuleList([_DoubleConv(cin + c, c) for cin, c in
                                 zip(widths[:0:-1], widths[-2::-1], strict=True)])
        self.head = nn.Conv2d(widths[0], 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_clip_input(x, self.in_frames, self.multiple, "caption-mask-net")
        h = x.flatten(1, 2)
        skips = []
        for level, block in enumerate(self.down):
            h = block(h if level == 0 else F.max_pool2d(h, 2))
            skips.append(h)
        skips.pop()
        for block in self.up:
            skip = skips.pop()
            h = block(torch.cat([F.interpolate(h, size=skip.shape[-2:], mode="bilinear",
                                               align_corners=False), skip], dim=1))
        return self.head(h)
