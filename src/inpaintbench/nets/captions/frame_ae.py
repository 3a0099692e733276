"""The starting kit's baseline 1: a VGG-like convolutional autoencoder over whole frames.

Source: ChaLearn LAP Inpainting Challenge 2018, track 2 starting kit, baseline 1 (book,
organisers' chapter: "a VGG-like convolutional autoencoder"; CHALLENGE.md, Track 2).

Architecture (width 1.0)
------------------------
- encoder: three blocks of two (3×3 conv → BN → ReLU), 64, 128 and 256 channels, each
  followed by a 2×2 max-pool (so H and W are multiples of 8);
- decoder: four blocks of (3×3 conv → 2× nearest upsampling → BN → ReLU), 256, 128, 64
  channels and a last block without upsampling at 64 (the kit's "conv-upsample-BN-ReLU";
  three upsamplings undo the three pools);
- head: 3×3 conv to RGB, sigmoid.

It sees one frame and knows nothing of the captions' place: it learns to redraw the
whole frame without them, through a bottleneck an eighth of the frame's side, and so
blurs every frame a little (why the kit's second baseline copies the patches it
judges clean).
"""

from __future__ import annotations

import torch
from torch import nn

from inpaintbench.nets.common import scaled
from inpaintbench.nets.registry import register_arch

ENCODER_WIDTHS = (64, 128, 256)
DECODER_WIDTHS = (256, 128, 64, 64)


def check_clip_input(x: torch.Tensor, frames: int, multiple: int, name: str) -> None:
    """ValueError unless ``x`` is ``(N, frames, 3, H, W)`` with H, W multiples of ``multiple``."""
    if x.ndim != 5 or x.shape[1] != frames or x.shape[2] != 3:
        raise ValueError(f"{name}: input must be (N, {frames}, 3, H, W), got {tuple(x.shape)}")
    height, width = x.shape[3:]
    if height % multiple or width % multiple:
        raise ValueError(f"{name}: H and W must be multiples of {multiple}, got "
                         f"{height}×{width} (pad the frames first)")


def _conv_bn_relu(cin: int, cout: int) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True)]


@register_arch("baseline-frame-ae")
class FrameAutoencoder(nn.Module):
    """One frame in, the same frame without captions out.

    Examples
    --------
    >>> net = FrameAutoencoder(width=0.125)
    >>> net(torch.rand(2, 1, 3, 32, 32)).shape
    torch.Size([2, 3, 32, 32])
    """

    in_frames = 1
    frame_stride = 1
    multiple = 8
    output = "frame"

    def __init__(self, width: float = 1.0) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        cin = 3
        for c in (scaled(c, width) for c in ENCODER_WIDTHS):
            layers += [*_conv_bn_relu(cin, c), *_conv_bn_relu(c, c), nn.MaxPool2d(2)]
            cin = c
        self.encoder = nn.Sequential(*layers)
        layers = []
        for i, c in enumerate(scaled(c, width) for c in DECODER_WIDTHS):
            upsample = i < len(ENCODER_WIDTHS)
            layers += [nn.Conv2d(cin, c, 3, padding=1, bias=False),
                       *([nn.Upsample(scale_factor=2, mode="nearest")] if upsample else []),
                       nn.BatchNorm2d(c), nn.ReLU(inplace=True)]
            cin = c
        self.decoder = nn.Sequential(*layers)
        self.head = nn.Conv2d(cin, 3, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_clip_input(x, self.in_frames, self.multiple, "baseline-frame-ae")
        return torch.sigmoid(self.head(self.decoder(self.encoder(x[:, 0]))))
