"""U-Finger (team rgsl888, 2nd): a three-scale dilated network with a residual output.

Source: R. Prabhu, X. Yu, Z. Wang, D. Liu and A. Jiang, "U-Finger: Multi-Scale Dilated
Convolutional Network for Fingerprint Image Denoising and Inpainting", in *Inpainting and
Denoising Challenges* (Springer, 2019); test MSE 0.0231, PSNR 16.97, SSIM 0.8093. It
adapts the U-shaped denoiser of Liu et al. (IJCAI 2018). Repository
``rgsl888/U-Finger-A-Fingerprint-Denosing-Network``, ``Testing/deploy_denoise.prototxt``
(Caffe; ``exper/config/train_denoise.prototxt`` is the same net with its data layers).

Architecture (width 1.0; sizes for an ``H × W`` input with H, W multiples of 4)
--------------------------------------------------------------------------------
- ``conv0``: 3×3 conv, dilation 2, no padding, 1 → 64, bias, no BN, no ReLU:
  ``H - 4`` (the only "valid" conv; the final 5×5 deconvolution gives the 4 px back);
- ``conv1``: 3×3 conv, dilation 3, stride 2, pad 1, 64 → 128, BN, ReLU: ``H/2 - 2``;
  then a bottleneck ``res1`` (128 → 32 → 32 → 128);
- ``conv2``: the same, 128 → 128: ``H/4 - 4``; then ``res2`` (128 → 32 → 32 → 128);
- ``up2``: 4×4 transposed conv, stride 2, pad 2, dilation 3, 128 → 32: ``H/2 - 2``;
  concatenated with ``res1``'s output (160 channels);
- ``conv3``: 3×3 conv, dilation 3, pad 1, 160 → 256, BN, ReLU: ``H/2 - 6``; then ``res3``
  (256 → 64 → 64 → 256);
- ``up3``: 4×4 transposed conv, stride 2, pad 1, dilation 5, 256 → 64: ``H - 4``;
  concatenated with ``conv0``'s output (128 channels);
- ``out``: 5×5 transposed conv, no padding, 128 → 1: ``H``; added to the input.

A bottleneck is ``ReLU(f + BN(1×1(ReLU(BN(3×3 dil 3, pad 1(ReLU(BN(1×1(f)))))))))``,
convolutions without bias; its last 1×1 conv has padding 2, which gives back the 4 px
the dilated 3×3 (pad 1) takes. Caffe's BatchNorm + Scale pair is one ``BatchNorm2d``.

1,028,961 parameters (the published "about 1 M"); about 23 GMAC on a 400×288 image.
Smallest input: 36×36.

Differences from the published network
--------------------------------------
- The published net reads grey 0–255 images minus a mean of 104 (input and target
  alike, so the residual it learns is in grey levels). This one reads grey in [0, 1]
  and predicts the [0, 1] residual; the output may stray outside [0, 1] (the wrapper
  clips). Ported weights need the input and output rescaled accordingly.
- Caffe's ``Crop`` of ``up3`` to ``conv0``'s width is needed only for odd widths (the
  published 275 px); for H, W multiples of 4 the sizes already agree, so the crop here is
  a no-op kept for safety.
"""

from __future__ import annotations

import torch
from torch import nn

from inpaintbench.nets.common import check_input, initialise, scaled
from inpaintbench.nets.registry import register_arch

#: Channels from ``deploy_denoise.prototxt``: conv0, the encoder convs, their bottleneck
#: width, the decoder conv, its bottleneck width, and the two upsampling deconvolutions.
CONV0_WIDTH = 64
ENCODER_WIDTH = 128
ENCODER_BOTTLENECK = 32
DECODER_WIDTH = 256
DECODER_BOTTLENECK = 64
UP2_WIDTH = 32
UP3_WIDTH = 64
#: Dilations: ``conv0_fp`` 2, every other 3×3 conv 3, the last upsampling 5.
CONV0_DILATION = 2
DILATION = 3
UP3_DILATION = 5
#: The final deconvolution's kernel (``concat_reduction_fp``).
OUT_KERNEL = 5
#: The published net's input and residual scale (grey levels).
GREY_LEVELS = 255
#: Parameters of the published network, counted from ``deploy_denoise.prototxt``.
PUBLISHED_PARAMS = 1_028_961


def _conv_bn_relu(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=stride, padding=1, dilation=DILATION),
        nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class _Bottleneck(nn.Module):
    """1×1 → 3×3 (dilation 3, pad 1) → 1×1 (pad 2), BN after each, summed with the input."""

    def __init__(self, channels: int, mid: int) -> None:
        super().__init__()
        self.branch = nn.Sequential(
            nn.Conv2d(channels, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.ReLU(inplace=True),
            nn.Conv2d(mid, mid, 3, padding=1, dilation=DILATION, bias=False),
            nn.BatchNorm2d(mid), nn.ReLU(inplace=True),
            nn.Conv2d(mid, channels, 1, padding=2, bias=False), nn.BatchNorm2d(channels),
        )

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        return torch.relu(f + self.branch(f))


@register_arch("u-finger")
class UFinger(nn.Module):
    """U-Finger: ``(N, 1, H, W)`` grey in [0, 1] → ``(N, 1, H, W)``, input + residual.

    Parameters
    ----------
    width : float
        Factor on every layer's channel count (1.0 = the published network).
    init : str
        Weight initialisation, one of :data:`~inpaintbench.nets.common.INITS`; the
        published net trained with Caffe's ``xavier``, ``caffe`` (here with zero biases:
        its 0.2 grey levels are 0.0008 on this net's scale, and the residual head
        divided by 255, as the published residual is in grey levels).

    Examples
    --------
    >>> net = UFinger(width=0.25)
    >>> net(torch.rand(1, 1, 64, 48)).shape
    torch.Size([1, 1, 64, 48])
    """

    in_channels = 1
    multiple = 4
    #: The smallest H or W for which every intermediate map keeps at least one pixel.
    smallest = 36

    def __init__(self, width: float = 1.0, *, init: str = "torch") -> None:
        super().__init__()
        c0, ce, cb, cd, cdb, cu2, cu3 = (scaled(c, width) for c in (
            CONV0_WIDTH, ENCODER_WIDTH, ENCODER_BOTTLENECK, DECODER_WIDTH,
            DECODER_BOTTLENECK, UP2_WIDTH, UP3_WIDTH))
        self.conv0 = nn.Conv2d(self.in_channels, c0, 3, dilation=CONV0_DILATION)
        self.conv1 = _conv_bn_relu(c0, ce, stride=2)
        self.res1 = _Bottleneck(ce, cb)
        self.conv2 = _conv_bn_relu(ce, ce, stride=2)
        self.res2 = _Bottleneck(ce, cb)
        self.up2 = nn.ConvTranspose2d(ce, cu2, 4, stride=2, padding=2, dilation=DILATION)
        self.conv3 = _conv_bn_relu(ce + cu2, cd, stride=1)
        self.res3 = _Bottleneck(cd, cdb)
        self.up3 = nn.ConvTranspose2d(cd, cu3, 4, stride=2, padding=1, dilation=UP3_DILATION)
        self.out = nn.ConvTranspose2d(c0 + cu3, 1, OUT_KERNEL)
        initialise(self, init)
        if init == "caffe":
            # The published net predicts its residual in grey levels (0–255), this one in
            # [0, 1]: the head starts as small, relative to the image, as the published one.
            with torch.no_grad():
                self.out.weight.mul_(1 / GREY_LEVELS)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_input(x, self.in_channels, self.multiple, "u-finger", self.smallest)
        f0 = self.conv0(x)
        f1 = self.res1(self.conv1(f0))
        f2 = self.res2(self.conv2(f1))
        f3 = self.res3(self.conv3(torch.cat([f1, self.up2(f2)], dim=1)))
        u3 = self.up3(f3)[..., :f0.shape[2], :f0.shape[3]]
        return x + self.out(torch.cat([f0, u3], dim=1))
