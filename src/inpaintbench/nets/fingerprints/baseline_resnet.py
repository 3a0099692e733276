"""The organisers' track-3 baseline: a residual encoder–decoder CNN (Chainer, 2018).

Source: S. Escalera et al., "ChaLearn Looking at People: Inpainting and Denoising
Challenges", in *Inpainting and Denoising Challenges* (Springer, 2019), section 4.2:
"four convolutional layers, five residual blocks, two deconvolutional layers and another
convolutional layer. Each of the five residual blocks comprises two convolutional layers.
All of the layers except for the last layer are followed by batch normalization and
rectified linear units. The last layer is followed by batch normalization and hyperbolic
tangent units." Trained with MSE and Adam; test MSE 0.0241, PSNR 16.41, SSIM 0.7965.
The chapter gives no widths or kernels. The organisers' starting-kit code is not
available; the layers below are those of team hcilab's stage-1 network, which its
chapter in the same book says is the baseline's ("the residual block and VGG-like
encoder ... that had been provided in baseline"): repository
``quan6791/Track03_FingerPrintVerification``, ``source/utils.py`` (``Model``,
``ResidualBlock``), whose Figure 4 shows the same layers.

Architecture (width 1.0; H, W multiples of 4)
---------------------------------------------
- 9×9 conv 3 → 32 (no bias), BN, ReLU;
- 3×3 conv stride 2 → 64, BN, ReLU; 3×3 conv stride 2 → 128, BN, ReLU (no biases);
- five residual blocks ``f + BN(conv(ReLU(BN(conv(f)))))``, 3×3 convs 128 → 128 with
  bias, no ReLU after the sum;
- 3×3 transposed conv stride 2 → 64, BN, ReLU; 3×3 transposed conv stride 2 → 32, BN,
  ReLU (no biases; ``output_padding = 1`` doubles the size exactly, Chainer's
  ``outsize``);
- 9×9 conv 32 → 1 with bias, tanh, mapped to [0, 1] as ``(tanh + 1) / 2`` (the Chainer
  code outputs ``127.5 · tanh + 127.5`` grey levels).

1,673,729 parameters (the Chainer code's count; the chapter states none). About
14 GMAC on a 400×288 image (3.3 GMAC at the half resolution the Chainer code runs at).

Guesses and differences
-----------------------
- The chapter counts four convolutions before the deconvolutions and BN before the tanh;
  the code found has three convolutions before the residual blocks and no BN on the last
  layer. The code is followed: it is the only published network said to be the baseline.
- The Chainer code feeds RGB 0–255 at half resolution (the 275×400 print resized to
  138×200 with Lanczos) and resizes the output back; here the input is RGB in [0, 1] at
  whatever size the caller gives (the first BN absorbs the 255 scale; resizing is the
  wrapper's business).
- BN ``eps`` is Chainer's 2e-5 so that ported weights behave the same.
"""

from __future__ import annotations

import torch
from torch import nn

from inpaintbench.nets.common import check_input, initialise, scaled
from inpaintbench.nets.registry import register_arch

#: Channels of the first conv, the two strided convs and the residual blocks (``Model``).
WIDTHS = (32, 64, 128)
#: Residual blocks (the chapter and ``Model`` agree).
RESIDUAL_BLOCKS = 5
#: Kernel of the first and last convolutions (9×9 in ``Model``).
OUTER_KERNEL = 9
#: Chainer's BatchNormalization default epsilon.
BN_EPS = 2e-5
#: Parameters of the network in ``source/utils.py``.
PUBLISHED_PARAMS = 1_673_729


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BN_EPS)


class _ResidualBlock(nn.Module):
    """``f + BN(conv(ReLU(BN(conv(f)))))``, 3×3 convs with bias, as ``ResidualBlock``."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.branch = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1), _bn(channels), nn.ReLU(inplace=True),
            nn.Conv2d(channels, channels, 3, padding=1), _bn(channels),
        )

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        return f + self.branch(f)


@register_arch("baseline-resnet")
class BaselineResNet(nn.Module):
    """The baseline: ``(N, 3, H, W)`` RGB in [0, 1] → ``(N, 1, H, W)`` grey in [0, 1].

    Parameters
    ----------
    width : float
        Factor on every layer's channel count (1.0 = the published 32-64-128 network).
    residual_blocks : int
        Number of residual blocks at the bottom (published: 5).
    init : str
        Weight initialisation, one of :data:`~inpaintbench.nets.common.INITS`; the
        published code trained with Chainer's default, ``chainer``.

    Examples
    --------
    >>> net = BaselineResNet(width=0.25)
    >>> net(torch.rand(1, 3, 32, 48)).shape
    torch.Size([1, 1, 32, 48])
    """

    in_channels = 3
    multiple = 4

    def __init__(self, width: float = 1.0, *, residual_blocks: int = RESIDUAL_BLOCKS,
                 init: str = "torch") -> None:
        super().__init__()
        c1, c2, c3 = (scaled(c, width) for c in WIDTHS)
        k, pad = OUTER_KERNEL, OUTER_KERNEL // 2
        self.encoder = nn.Sequential(
            nn.Conv2d(self.in_channels, c1, k, padding=pad, bias=False), _bn(c1),
            nn.ReLU(inplace=True),
            nn.Conv2d(c1, c2, 3, stride=2, padding=1, bias=False), _bn(c2), nn.ReLU(inplace=True),
            nn.Conv2d(c2, c3, 3, stride=2, padding=1, bias=False), _bn(c3), nn.ReLU(inplace=True),
        )
        self.blocks = nn.Sequential(*(_ResidualBlock(c3) for _ in range(residual_blocks)))
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(c3, c2, 3, stride=2, padding=1, output_padding=1, bias=False),
            _bn(c2), nn.ReLU(inplace=True),
            nn.ConvTranspose2d(c2, c1, 3, stride=2, padding=1, output_padding=1, bias=False),
            _bn(c1), nn.ReLU(inplace=True),
            nn.Conv2d(c1, 1, k, padding=pad),
        )
        initialise(self, init)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_input(x, self.in_channels, self.multiple, "baseline-resnet")
        y = self.decoder(self.blocks(self.encoder(x)))
        return (torch.tanh(y) + 1.0) / 2.0
