"""Track-2 (video decaptioning) networks; importing registers them.

The convention of every captions network (besides the registry's): ``forward(x)``
takes ``float32 (N, T, 3, H, W)`` in [0, 1] — ``T = in_frames`` frames taken
``frame_stride`` apart around the frame to produce, which is the middle one — and
returns, by its ``output`` attribute:

- ``"frame"``: ``(N, 3, H, W)``, the middle frame with its captions removed, in [0, 1];
- ``"mask"``: ``(N, 1, H, W)``, logits of "a caption covers this pixel" in the middle frame.

- ``baseline-frame-ae``: :class:`FrameAutoencoder`, the starting kit's baseline 1;
- ``baseline-patch-ae``: :class:`PatchAutoencoder`, baseline 2 (patch AE + text classifier);
- ``gated-3d-unet``: :class:`Gated3DUNet`, team SanghyunWoo, 1st;
- ``caption-mask-net``: :class:`CaptionMaskNet`, our first learned caption detector;
- ``caption-mask-lite``: :class:`CaptionMaskLite`, its faster, wider-seeing successor.
"""

from inpaintbench.nets.captions.frame_ae import FrameAutoencoder
from inpaintbench.nets.captions.gated_3d_unet import Gated3DUNet
from inpaintbench.nets.captions.mask_lite import CaptionMaskLite
from inpaintbench.nets.captions.mask_net import CaptionMaskNet
from inpaintbench.nets.captions.patch_ae import PatchAutoencoder

__all__ = ["CaptionMaskLite", "CaptionMaskNet", "FrameAutoencoder", "Gated3DUNet",
           "PatchAutoencoder"]
