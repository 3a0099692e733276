"""Shipped weights: where a learned method's file is in the package, and loading it.

A learned method's weights are ``inpaintbench/weights/<track>/<name>.pt``, written by
``inpaintbench export`` (float16 weights with the config that made them); nothing is
ever downloaded.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from inpaintbench.errors import InputError

WEIGHTS_SUFFIX = ".pt"


def packaged_weights(track_folder: str, name: str) -> Path | None:
    """The packaged weights file of method ``name`` of a track, or None when it is not there."""
    path = resources.files("inpaintbench").joinpath("weights", track_folder,
                                                    f"{name}{WEIGHTS_SUFFIX}")
    return Path(str(path)) if path.is_file() else None


def load_network(path: Path) -> tuple[Any, dict[str, Any]]:
    """The network of a weights file, ready to run (eval mode, float32), and the file's record.

    Raises
    ------
    InputError
        When the file is missing, truncated, not ours, or its weights do not fit
        its architecture (the message lists the first keys or shapes that differ).
    """
    from inpaintbench.nets.registry import build_arch
    from inpaintbench.training.checkpoint import load_weights_file
    from inpaintbench.training.config import config_from_dict

    record = load_weights_file(path)
    config = config_from_dict(record.get("config"), str(path))
    model = build_arch(config.arch.name, width=config.arch.width, **config.arch.options)
    state = {k: v.float() if v.is_floating_point() else v for k, v in record["state"].items()}
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        detail = " ".join(str(exc).split())[:300]
        raise InputError(path, f"does not fit the {config.arch.name} architecture at width "
                               f"{config.arch.width} ({detail})") from None
    model.eval()
    return model, record


class LazyNetwork:
    """A method built on a shipped network, loaded on first use in the process using it.

    The method stays cheap to build and to send to the runner's workers; torch uses the
    threads the process allows (the runner gives each worker one).
    """

    def __init__(self, info: Any, weights: Path, postprocess: str) -> None:
        self.info = info
        self.weights = weights
        self.postprocess = postprocess
        self._model: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_model": None}

    def _network(self) -> Any:
        if self._model is None:
            import torch

            threads = int(os.environ.get("OMP_NUM_THREADS", 0)) or os.cpu_count() or 1
            torch.set_num_threads(threads)
            from inpaintbench.nets.common import for_inference

            self._model = for_inference(load_network(self.weights)[0])
        return self._model
