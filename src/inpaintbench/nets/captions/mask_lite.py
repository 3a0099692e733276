"""A light caption detector with a wide view: the speed-first successor of ``caption-mask-net``.

Not a challenge entry (see :mod:`inpaintbench.nets.captions.mask_net` for where the
idea comes from). ``caption-mask-net`` spends its work at full resolution and sees
about 40 px around a pixel; a caption, though, is a whole line of text at the bottom
of the frame, held still for a second or more while the picture moves, and telling a
faint small-font caption from a textured background needs the line's context. This
network sees the same three frames (the frame and its neighbours ±3), goes down to
1/8 resolution at once with strided convolutions, looks over ~150 px there (dilated
convolutions), and comes back up feature-pyramid style (1×1 lateral projections,
added, one 3×3 convolution per level) to a full-resolution stem that keeps the
glyphs' edges. 0.17 GMAC a 128×128 frame, a third of the older network's 0.47.

Architecture (width 1.0), every convolution 3×3 → BN → ReLU unless said:

    stem     full res   9 → 12
    down 1   1/2        12 → 24 (stride 2), 24 → 24
    down 2   1/4        24 → 48 (stride 2), 48 → 48
    down 3   1/8        48 → 64 (stride 2), 64 → 64 (dilation 2), 64 → 64 (dilation 4)
    up       1/4, 1/2, full: upsample ×2, 1×1 projection to the level's width, add the
             level's features, one 3×3 convolution
    head     1×1 → one logit per pixel of the middle frame
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
WIDTHS = (12, 24, 48, 64)  # stem, 1/2, 1/4, 1/8
DILATIONS = (2, 4)  # of the two convolutions after 1/8's strided one


def _conv(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=stride, padding=dilation, dilation=dilation,
                  bias=False),
        nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


@register_arch("caption-mask-lite")
class CaptionMaskLite(nn.Module):
    """Three frames in, the middle frame's caption logits out, at a third of the older net's cost.

    Examples
    --------
    >>> net = CaptionMaskLite(width=0.5).eval()
    >>> net(torch.rand(2, 3, 3, 32, 48)).shape
    torch.Size([2, 1, 32, 48])
    """

    in_frames = FRAMES
    frame_stride = STRIDE
    multiple = 8
    output = "mask"

    def __init__(self, width: float = 1.0) -> None:
        super().__init__()
        stem, w1, w2, w3 = (scaled(c, width) for c in WIDTHS)
        self.stem = _conv(3 * FRAMES, stem)
        self.down = nn.ModuleList([
            nn.Sequential(_conv(stem, w1, stride=2), _conv(w1, w1)),
            nn.Sequential(_conv(w1, w2, stride=2), _conv(w2, w2)),
            nn.Sequential(_conv(w2, w3, stride=2),
                          *(_conv(w3, w3, dilation=d) for d in DILATIONS)),
        ])
        levels = (stem, w1, w2, w3)
        self.lateral = nn.ModuleList([nn.Conv2d(levels[i + 1], levels[i], 1)
                                      for i in range(3)])
        self.up = nn.ModuleList([_conv(levels[i], levels[i]) for i in range(3)])
        self.head = nn.Conv2d(stem, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_clip_input(x, self.in_frames, self.multiple, "caption-mask-lite")
        features = [self.stem(x.flatten(1, 2))]
        for block in self.down:
            features.append(block(features[-1]))
        h = features.pop()
        for level in (2, 1, 0):
            skip = features[level]
            h = F.interpolate(self.lateral[level](h), size=skip.shape[-2:], mode="bilinear",
                              align_corners=False)
            h = self.up[level](h + skip)
        return self.head(h)
