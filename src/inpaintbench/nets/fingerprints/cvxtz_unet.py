"""The track-3 winner's network (CVxTz): a plain five-level U-Net, RGB in, grey out.

Source: team CVxTz, ChaLearn LAP Inpainting Challenge 2018, track 3, rank 1 (test MSE
0.0189, PSNR 17.70, SSIM 0.8427); repository ``CVxTz/fingerprint_denoising``,
``code/baseline_aug.py`` (``get_unet``, Keras) and ``code/run.sh`` (``-d 0.1 -a ReLU``).

Architecture (width 1.0)
------------------------
- encoder, per level: two (3×3 conv "same" → ReLU → dropout) with 32, 64, 128, 256, 512
  channels, a 2×2 max-pool between levels (four pools, so H and W are multiples of 16);
- decoder, per level: a 2×2 stride-2 transposed conv to the skip's width, concatenated
  [upsampled, skip], then two (3×3 conv → ReLU → dropout);
- head: 1×1 conv to one channel, sigmoid.

No batch normalisation anywhere; every conv has a bias. 7,760,097 parameters, the
published count (7.8 M), about 21 GMAC on one 400×288 image.

Differences from the published network
--------------------------------------
- The Keras model also puts dropout *after* the sigmoid output (``Dropout(do)(Conv2D(1,
  ..., activation='sigmoid'))``), which at training time zeroes 10 % of the predicted
  pixels and scales the rest by 1/0.9. It has no effect at inference and only adds noise to
  an MSE target, so it is left out here.
- The published code reads its input with ``cv2.imread`` (BGR order, /255) resized to
  400×288; this network follows the package convention, RGB in [0, 1]. Weights ported
  from the Keras model need their first conv's input channels reversed.
"""

from __future__ import annotations

import torch
from torch import nn

from inpaintbench.nets.common import check_input, initialise, scaled
from inpaintbench.nets.registry import register_arch

#: Channels per level, from ``get_unet`` in ``code/baseline_aug.py``.
LEVEL_WIDTHS = (32, 64, 128, 256, 512)
#: Dropout after every ReLU, the ``-d 0.1`` of ``code/run.sh``.
DROPOUT = 0.1
#: Parameters of the published network, counted from ``get_unet``.
PUBLISHED_PARAMS = 7_760_097


class _DoubleConv(nn.Sequential):
    """Two (3×3 conv → ReLU → dropout), as every level of ``get_unet``."""

    def __init__(self, cin: int, cout: int, dropout: float) -> None:
        super().__init__(
            nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Conv2d(cout, cout, 3, padding=1), nn.ReLU(inplace=True), nn.Dropout(dropout),
        )


@register_arch("cvxtz-unet")
class CVxTzUNet(nn.Module):
    """CVxTz's U-Net: ``(N, 3, H, W)`` RGB in [0, 1] → ``(N, 1, H, W)`` grey in [0, 1].

    Parameters
    ----------
    width : float
        Factor on every layer's channel count (1.0 = the published 32…512 network).
    dropout : float
        Dropout probability after every ReLU (published: 0.1).
    init : str
        Weight initialisation, one of :data:`~inpaintbench.nets.common.INITS`; the
        published code trained with Keras's default, ``keras`` (glorot uniform). Under
        PyTorch's default this net starts with near-zero activations and learns slower.

    Examples
    --------
    >>> net = CVxTzUNet(width=0.125)
    >>> net(torch.rand(1, 3, 32, 48)).shape
    torch.Size([1, 1, 32, 48])
    """

    in_channels = 3
    multiple = 16

    def __init__(self, width: float = 1.0, *, dropout: float = DROPOUT,
                 init: str = "torch") -> None:
        super().__init__()
        widths = [scaled(c, width) for c in LEVEL_WIDTHS]
        self.down = nn.ModuleList()
        cin = self.in_channels
        for c in widths:
            self.down.append(_DoubleConv(cin, c, dropout))
            cin = c
        self.pool = nn.MaxPool2d(2)
        self.upsample = nn.ModuleList()
        self.up = nn.ModuleList()
        for c in reversed(widths[:-1]):
            self.upsample.append(nn.ConvTranspose2d(cin, c, 2, stride=2))
            self.up.append(_DoubleConv(2 * c, c, dropout))
            cin = c
        self.head = nn.Conv2d(cin, 1, 1)
        initialise(self, init)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_input(x, self.in_channels, self.multiple, "cvxtz-unet")
        skips = []
        for i, block in enumerate(self.down):
            x = block(x if i == 0 else self.pool(x))
            skips.append(x)
        skips.pop()  # the bottom level feeds the decoder directly
        for upsample, block in zip(self.upsample, self.up, strict=True):
            x = block(torch.cat([upsample(x), skips.pop()], dim=1))
        return torch.sigmoid(self.head(x))
