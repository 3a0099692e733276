"""The track-2 winner's network (SanghyunWoo): a U-Net of 3D and 2D gated convolutions.

Source: team SanghyunWoo, ChaLearn LAP Inpainting Challenge 2018, track 2, rank 1 (test
MSE 0.0011, PSNR 33.35, DSSIM 0.0404); repository ``shwoo93/video_decaptioning``,
``models/icnet_res.py`` and ``scripts/train.sh`` (CHALLENGE.md, "The learned methods").

Architecture (width 1.0)
------------------------
Input: 9 frames taken 3 apart around the frame to produce (±12 frames), 128×128.

- gated convolution: ``ReLU(BN(conv(x))) · sigmoid(conv_gate(x))``, 3D in the encoder,
  2D after it;
- encoder, 3D gated, 3×3×3 kernels: 64 channels at 9 frames × 128²; 128 at 5 × 64²
  (stride 2 in time and space); 256 at 3 × 32²; 256 at 1 × 16² (no time padding);
- skips: each encoder level's frames collapsed to one by a temporal convolution as long
  as the level is (9, 5, 3 frames);
- bottleneck: three 2D gated convolutions, dilations 1, 2 and 4, at 16²;
- decoder: three (2× upsampling → concatenation with the skip → 2D gated conv), 128, 64,
  64 channels, back to 128²;
- head: a 3×3 convolution to an RGB residual ``r``; the output is
  ``sigmoid(logit(centre) + r)``, the centre frame itself where ``r = 0`` — the
  "implicit mask" the team describes (their code adds the residual to the centre frame
  before the sigmoid; the logit makes ``r = 0`` return the input exactly).

At width 1.0 this is 10.5 M parameters like the published network's, about 15 GMAC
per output frame. The shipped network runs at width 0.25 (16-32-64 channels, 1/16 of
the parameters and MACs), for two CPU cores.

Training (``configs/captions/gated-3d-unet.toml``): L1 + L1 of the image gradients −
SSIM (3×3 window), Adam 1e-3, as ``scripts/train.sh``; the method keeps an input pixel
wherever the output moved it by less than 0.01 (the team's test-time trick).
"""

from __future__ import annotations

import torch
from torch import nn

from inpaintbench.nets.captions.frame_ae import check_clip_input
from inpaintbench.nets.common import scaled
from inpaintbench.nets.registry import register_arch

FRAMES = 9  # input frames (models/icnet_res.py: 9 frames)
STRIDE = 3  # frames apart (scripts/train.sh: --t_stride 3)
ENCODER_WIDTHS = (64, 128, 256, 256)
DECODER_WIDTHS = (128, 64, 64)
DILATIONS = (1, 2, 4)
EPSILON = 1e-3  # the centre frame is clamped to [ε, 1 − ε] before its logit


class GatedConv(nn.Module):
    """``ReLU(BN(conv(x))) · sigmoid(gate(x))`` in 2D or 3D."""

    def __init__(self, cin: int, cout: int, kernel, stride=1, padding=1, dilation=1,
                 dims: int = 2) -> None:
        super().__init__()
        conv = nn.Conv3d if dims == 3 else nn.Conv2d
        norm = nn.BatchNorm3d if dims == 3 else nn.BatchNorm2d
        self.feature = conv(cin, cout, kernel, stride, padding, dilation, bias=False)
        self.norm = norm(cout)
        self.gate = conv(cin, cout, kernel, stride, padding, dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.norm(self.feature(x))) * torch.sigmoid(self.gate(x))


@register_arch("gated-3d-unet")
class Gated3DUNet(nn.Module):
    """9 frames 3 apart in, the centre frame without captions out.

    Examples
    --------
    >>> net = Gated3DUNet(width=0.125).eval()
    >>> net(torch.rand(1, 9, 3, 32, 32)).shape
    torch.Size([1, 3, 32, 32])
    """

    in_frames = FRAMES
    frame_stride = STRIDE
    multiple = 8
    output = "frame"

    def __init__(self, width: float = 1.0) -> None:
        super().__init__()
        c1, c2, c3, c4 = (scaled(c, width) for c in ENCODER_WIDTHS)
        d3, d2, d1 = (scaled(c, width) for c in DECODER_WIDTHS)
        self.encoder = nn.ModuleList([
            GatedConv(3, c1, 3, 1, 1, dims=3),                   # 9 × 128²
            GatedConv(c1, c2, 3, 2, 1, dims=3),                  # 5 × 64²
            GatedConv(c2, c3, 3, 2, 1, dims=3),                  # 3 × 32²
            GatedConv(c3, c4, 3, (1, 2, 2), (0, 1, 1), dims=3),  # 1 × 16²
        ])
        self.collapse = nn.ModuleList([nn.Conv3d(c, c, (t, 1, 1))
                                       for c, t in ((c1, 9), (c2, 5), (c3, 3))])
        self.bottleneck = nn.Sequential(*[GatedConv(c4, c4, 3, 1, d, d) for d in DILATIONS])
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.decoder = nn.ModuleList([GatedConv(c4 + c3, d3, 3), GatedConv(d3 + c2, d2, 3),
                                      GatedConv(d2 + c1, d1, 3)])
        self.head = nn.Conv2d(d1, 3, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_clip_input(x, self.in_frames, self.multiple, "gated-3d-unet")
        centre = x[:, self.in_frames // 2]
        h = x.transpose(1, 2)  # (N, 3, T, H, W)
        skips = []
        for level, block in enumerate(self.encoder):
            h = block(h)
            if level < len(self.collapse):
                skips.append(self.collapse[level](h)[:, :, 0])
        h = self.bottleneck(h[:, :, 0])
        for block in self.decoder:
            h = block(torch.cat([self.up(h), skips.pop()], dim=1))
        return torch.sigmoid(torch.logit(centre.clamp(EPSILON, 1 - EPSILON)) + self.head(h))
