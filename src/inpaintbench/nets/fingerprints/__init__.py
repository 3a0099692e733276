"""Track-3 (fingerprint denoising and inpainting) networks; importing registers them.

- ``baseline-resnet``: :class:`BaselineResNet`, the organisers' baseline;
- ``cvxtz-unet``: :class:`CVxTzUNet`, team CVxTz, 1st;
- ``u-finger``: :class:`UFinger`, team rgsl888, 2nd;
- ``fpd-m-net``: :class:`FPDMNet`, team sukeshadigav, 3rd.
"""

from inpaintbench.nets.fingerprints.baseline_resnet import BaselineResNet
from inpaintbench.nets.fingerprints.cvxtz_unet import CVxTzUNet
from inpaintbench.nets.fingerprints.fpd_m_net import FPDMNet
from inpaintbench.nets.fingerprints.u_finger import UFinger

__all__ = ["BaselineResNet", "CVxTzUNet", "FPDMNet", "UFinger"]
