"""FPD-M-net (team sukeshadigav, 3rd): an M-Net for fingerprint denoising and inpainting.

Source: S. Adiga V and J. Sivaswamy, "FPD-M-net: Fingerprint Image Denoising and
Inpainting Using M-net Based Convolutional Neural Networks", in *Inpainting and Denoising
Challenges* (Springer, 2019); test MSE 0.0268, PSNR 16.55, SSIM 0.8261. Repository
``adigasu/FDPMNet``, ``test.py`` (``getFPDMNet``, Keras; ``padData`` for the padding).

Architecture (width 1.0)
------------------------
A level with ``c`` channels takes features ``f`` and gives
``g = CBR(concat[f, drop(CBR(f))])`` with ``CBR`` = 3×3 conv "same" → BN → ReLU and
dropout 0.2 (BN before ReLU: the chapter's FPD-M-net-B).

- encoder, 16-32-64-128 channels: level 1 reads the RGB input; level ``k > 1`` reads
  ``concat[maxpool^(k-1)(input), maxpool(level k-1)]`` — the input, max-pooled to the
  scale, enters every level (M-Net's left leg). The bottom level (128) ends with
  dropout 0.2 and one more CBR;
- decoder, 64-32-16: nearest ×2 upsampling, ``concat[skip, upsampled]``, one level;
- head (M-Net's right leg): the bottom, and the 64- and 32-channel decoder outputs
  upsampled (nearest) ×8, ×4 and ×2, concatenated with the 16-channel output
  (240 channels), 1×1 conv, sigmoid.

The published test script pads the image to a multiple of 8 and then 44 px of edge
(replicate) padding on every side (``padSz = 88``), and crops the prediction back;
the 44 px live inside :meth:`FPDMNet.forward` here, the multiple of 8 is the caller's.

891,217 trainable parameters (the published 0.89 M; Keras's "total" adds 1,664 batch-norm
moving statistics: 892,881). About 12.6 GMAC on a 400×288 image, most of it spent on the
88 px of padding and the full-resolution levels (the padded map is 488×376).

Differences from the published network
--------------------------------------
None in the layers. Batch-norm ``eps`` is Keras's 1e-3 so that ported weights behave the
same; Keras's BN momentum 0.99 corresponds to PyTorch's ``momentum=0.01``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from inpaintbench.nets.common import check_input, initialise, scaled
from inpaintbench.nets.registry import register_arch

#: Channels of the four encoder levels, from ``getFPDMNet`` in ``test.py``.
LEVEL_WIDTHS = (16, 32, 64, 128)
#: Dropout probability, ``Dropout(0.2)`` in ``test.py``.
DROPOUT = 0.2
#: Edge padding on each side, ``padSz = 88`` (split in two by ``padData``) in ``test.py``.
EDGE_PAD = 44
#: Keras's BatchNormalization defaults (epsilon 1e-3, momentum 0.99).
BN_EPS = 1e-3
BN_MOMENTUM = 0.01
#: Trainable parameters of the published network, counted from ``getFPDMNet``.
PUBLISHED_PARAMS = 891_217


def _cbr(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1),
                         nn.BatchNorm2d(cout, eps=BN_EPS, momentum=BN_MOMENTUM),
                         nn.ReLU(inplace=True))


class _DenseLevel(nn.Module):
    """``CBR(concat[f, dropout(CBR(f))])``; the bottom level adds dropout and a third CBR."""

    def __init__(self, cin: int, cout: int, dropout: float, bottom: bool = False) -> None:
        super().__init__()
        self.first = _cbr(cin, cout)
        self.drop = nn.Dropout(dropout)
        self.second = _cbr(cin + cout, cout)
        self.third = (nn.Sequential(nn.Dropout(dropout), _cbr(cout, cout)) if bottom
                      else nn.Identity())

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        g = self.second(torch.cat([f, self.drop(self.first(f))], dim=1))
        return self.third(g)


@register_arch("fpd-m-net")
class FPDMNet(nn.Module):
    """FPD-M-net: ``(N, 3, H, W)`` RGB in [0, 1] → ``(N, 1, H, W)`` grey in [0, 1].

    Parameters
    ----------
    width : float
        Factor on every layer's channel count (1.0 = the published 16…128 network).
    dropout : float
        Dropout probability (published: 0.2).
    edge_pad : int
        Replicate padding added on every side before the network and cropped after it
        (published: 44); must keep ``H + 2 * edge_pad`` a multiple of 8.
    init : str
        Weight initialisation, one of :data:`~inpaintbench.nets.common.INITS`; the
        published code trained with Keras's default, ``keras``.

    Examples
    --------
    >>> net = FPDMNet(width=0.25)
    >>> net(torch.rand(1, 3, 32, 48)).shape
    torch.Size([1, 1, 32, 48])
    """

    in_channels = 3
    multiple = 8

    def __init__(self, width: float = 1.0, *, dropout: float = DROPOUT,
                 edge_pad: int = EDGE_PAD, init: str = "torch") -> None:
        super().__init__()
        if edge_pad < 0 or (2 * edge_pad) % self.multiple:
            raise ValueError(f"fpd-m-net: edge_pad must be ≥ 0 with 2·edge_pad a multiple of "
                             f"{self.multiple}, got {edge_pad}")
        self.edge_pad = edge_pad
        c1, c2, c3, c4 = (scaled(c, width) for c in LEVEL_WIDTHS)
        cin = self.in_channels
        self.enc1 = _DenseLevel(cin, c1, dropout)
        self.enc2 = _DenseLevel(cin + c1, c2, dropout)
        self.enc3 = _DenseLevel(cin + c2, c3, dropout)
        self.enc4 = _DenseLevel(cin + c3, c4, dropout, bottom=True)
        self.dec3 = _DenseLevel(c3 + c4, c3, dropout)
        self.dec2 = _DenseLevel(c2 + c3, c2, dropout)
        self.dec1 = _DenseLevel(c1 + c2, c1, dropout)
        self.head = nn.Conv2d(c4 + c3 + c2 + c1, 1, 1)
        initialise(self, init)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_input(x, self.in_channels, self.multiple, "fpd-m-net")
        p = self.edge_pad
        if p:
            x = F.pad(x, (p, p, p, p), mode="replicate")
        x2 = F.max_pool2d(x, 2)
        x3 = F.max_pool2d(x2, 2)
        x4 = F.max_pool2d(x3, 2)
        e1 = self.enc1(x)
        e2 = self.enc2(torch.cat([x2, F.max_pool2d(e1, 2)], dim=1))
        e3 = self.enc3(torch.cat([x3, F.max_pool2d(e2, 2)], dim=1))
        e4 = self.enc4(torch.cat([x4, F.max_pool2d(e3, 2)], dim=1))
        d3 = self.dec3(torch.cat([e3, F.interpolate(e4, scale_factor=2.0)], dim=1))
        d2 = self.dec2(torch.cat([e2, F.interpolate(d3, scale_factor=2.0)], dim=1))
        d1 = self.dec1(torch.cat([e1, F.interpolate(d2, scale_factor=2.0)], dim=1))
        side = torch.cat([F.interpolate(e4, scale_factor=8.0),
                          F.interpolate(d3, scale_factor=4.0),
                          F.interpolate(d2, scale_factor=2.0), d1], dim=1)
        y = torch.sigmoid(self.head(side))
        if p:
            y = y[..., p:-p, p:-p]
        return y
