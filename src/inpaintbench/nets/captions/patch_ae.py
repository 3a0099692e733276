"""The starting kit's baseline 2: a 32×32 patch autoencoder with a patch text classifier.

Source: ChaLearn LAP Inpainting Challenge 2018, track 2 starting kit, baseline 2 (test:
MSE 0.0022, PSNR 30.19, DSSIM 0.0613; CHALLENGE.md, Track 2). The kit labels a training
patch as text when ``max |X − Y| > 0.2`` in it and samples text and clean patches in
equal numbers from two random frames per clip; at test time the patches classified as
text are replaced by their decoding and the others copied.

Architecture (width 1.0; the kit's layer widths are not in the book, these are ours)
-----------------------------------------------------------------------------------
- encoder: four (3×3 conv, stride 2 after the first → BN → ReLU), 32, 64, 128, 128
  channels: a 32×32 patch becomes 128 × 4×4;
- decoder: three (2× nearest upsampling → 3×3 conv → BN → ReLU), 128, 64, 32, then a
  3×3 conv to RGB and a sigmoid;
- classifier: global average of the code → linear → one "text" logit.

:meth:`PatchAutoencoder.patches` is the training view (patches in, decodings and
logits out); ``forward`` runs the kit's test procedure on whole frames: tile into
32×32 patches, classify, decode the text ones, copy the rest.
"""

from __future__ import annotations

import torch
from torch import nn

from inpaintbench.nets.captions.frame_ae import check_clip_input
from inpaintbench.nets.common import scaled
from inpaintbench.nets.registry import register_arch

PATCH = 32  # the kit's patch side
TEXT_THRESHOLD = 0.2  # a training patch is text when max |X − Y| > 0.2 (the kit's rule)
ENCODER_WIDTHS = (32, 64, 128, 128)
DECODER_WIDTHS = (128, 64, 32)


def _block(cin: int, cout: int, stride: int = 1) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


@register_arch("baseline-patch-ae")
class PatchAutoencoder(nn.Module):
    """Whole frames in (``forward``) or 32×32 patches (``patches``).

    Examples
    --------
    >>> net = PatchAutoencoder(width=0.25).eval()
    >>> decoded, logits = net.patches(torch.rand(5, 3, 32, 32))
    >>> decoded.shape, logits.shape
    (torch.Size([5, 3, 32, 32]), torch.Size([5]))
    >>> net(torch.rand(1, 1, 3, 64, 96)).shape
    torch.Size([1, 3, 64, 96])
    """

    in_frames = 1
    frame_stride = 1
    multiple = PATCH
    output = "frame"

    def __init__(self, width: float = 1.0) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        cin = 3
        for i, c in enumerate(scaled(c, width) for c in ENCODER_WIDTHS):
            layers += _block(cin, c, stride=1 if i == 0 else 2)
            cin = c
        self.encoder = nn.Sequential(*layers)
        layers = []
        for c in (scaled(c, width) for c in DECODER_WIDTHS):
            layers += [nn.Upsample(scale_factor=2, mode="nearest"), *_block(cin, c)]
            cin = c
        self.decoder = nn.Sequential(*layers, nn.Conv2d(cin, 3, 3, padding=1), nn.Sigmoid())
        self.classifier = nn.Linear(scaled(ENCODER_WIDTHS[-1], width), 1)

    def patches(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(P, 3, 32, 32)`` patches → their decodings ``(P, 3, 32, 32)``, text logits ``(P,)``."""
        code = self.encoder(x)
        return self.decoder(code), self.classifier(code.mean(dim=(2, 3)))[:, 0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_clip_input(x, self.in_frames, self.multiple, "baseline-patch-ae")
        frames = x[:, 0]
        n, _, height, width = frames.shape
        rows, cols = height // PATCH, width // PATCH
        tiles = (frames.reshape(n, 3, rows, PATCH, cols, PATCH).permute(0, 2, 4, 1, 3, 5)
                 .reshape(-1, 3, PATCH, PATCH))
        decoded, logits = self.patches(tiles)
        text = (logits > 0).to(tiles.dtype)[:, None, None, None]
        out = text * decoded + (1 - text) * tiles
        return (out.reshape(n, rows, cols, 3, PATCH, PATCH).permute(0, 3, 1, 4, 2, 5)
                .reshape(n, 3, height, width))
