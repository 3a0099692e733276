"""Track-3 learned methods: a network trained here, loaded from the package, run on whole prints.

Every config shipped under ``inpaintbench/configs/fingerprints/`` is a method of
the same name. Its weights are ``inpaintbench/weights/fingerprints/<name>.pt``,
made by ``inpaintbench train fingerprints/<name>`` then ``inpaintbench export``
(docs/training.md gives each one's command); until they are there the method is
listed as unavailable and says how to make them. Nothing is ever downloaded.

The wrapper holds no layers: it builds the config's architecture
(:mod:`inpaintbench.nets.registry`), loads the float16 weights into it in float32,
and restores a print with :func:`~inpaintbench.methods.inference.restore_grey`
(padding to the network's multiple, ``torch.inference_mode``). torch uses the
threads the process allows (the runner gives each worker one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench.errors import InputError
from inpaintbench.methods.base import MethodInfo
from inpaintbench.methods.registry import register
from inpaintbench.methods.weights import WEIGHTS_SUFFIX, LazyNetwork, packaged_weights
from inpaintbench.tracks import Track

TRACK_FOLDER = "fingerprints"


def shipped_weights(name: str) -> Path | None:
    """The packaged weights file of method ``name``, or None when it is not there."""
    return packaged_weights(TRACK_FOLDER, name)


class LearnedRestorer(LazyNetwork):
    """A shipped network as a track-3 method: ``restore(image) -> grey``.

    The network is loaded on first use, in the process that uses it, so the method
    stays cheap to build and to send to the runner's workers.
    """

    def restore(self, image: np.ndarray) -> np.ndarray:
        """``uint8 (H, W, 3)`` RGB in, ``uint8 (H, W)`` grey out."""
        return self.restore_many(np.asarray(image)[None])[0]

    def restore_many(self, images: np.ndarray) -> np.ndarray:
        """A batch: ``uint8 (N, H, W, 3)`` in, ``uint8 (N, H, W)`` out (one size per batch)."""
        from inpaintbench.methods.inference import restore_grey

        return restore_grey(self._network(), images, postprocess=self.postprocess)


def _describe(config: Any, weights: Path | None) -> str:
    """The config's description, with the validation figures its weights' record gives."""
    text = config.method.description
    if weights is None:
        return text
    from inpaintbench.io.atomic import read_json_file

    try:
        record = read_json_file(weights.with_suffix(".json"))
        figures = record["validation"]
        return (f"{text}; validation PSNR {figures['psnr']:.2f} dB, SSIM "
                f"{figures['ssim']:.3f} ({weights.name}, {record['training']['hardware']})")
    except (InputError, KeyError, TypeError):
        return f"{text} ({weights.name})"


def register_shipped() -> list[str]:
    """Register a method for every shipped fingerprints config; return their names."""
    from inpaintbench.training.config import load_config, shipped_config_names

    names = []
    for shipped in shipped_config_names(TRACK_FOLDER):
        config = load_config(shipped, check_arch=False)  # checked when it is built
        name = config.method.name
        weights = shipped_weights(name)
        info = MethodInfo(name=name, track=Track.FINGERPRINTS, kind="learned",
                          description=_describe(config, weights),
                          reference=config.method.reference)
        missing = None if weights is not None else (
            f"has no trained weights yet: `inpaintbench train {shipped}`, then `inpaintbench "
            f"export RUN --out src/inpaintbench/weights/{TRACK_FOLDER}/{name}{WEIGHTS_SUFFIX}`")

        def factory(info: MethodInfo = info, weights: Path | None = weights,
                    postprocess: str = config.method.postprocess) -> LearnedRestorer:
            return LearnedRestorer(info, weights, postprocess)  # type: ignore[arg-type]

        register(info, missing=missing)(factory)
        names.append(name)
    return names


register_shipped()
