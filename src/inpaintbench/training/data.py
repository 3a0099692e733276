"""Training data over our built sets: pairs in memory, seeded crops and augmentations.

The fingerprints set comes from the config's data recipe (``data.builder``,
``data.seed``, ``data.count``): :func:`prepare_data` builds it with the project's
builder into the run folder (resumable, like any build), or takes a set the user
built. :class:`PrintPairs` decodes one split into memory once (6,000 pairs are
about 2.6 GB of uint8); :meth:`PrintPairs.batch` draws step ``k``'s batch from a
generator seeded by the config's seed and ``k`` alone, so a resumed run draws
exactly the batches the uninterrupted run would have, with no sampler state to
save.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench.data.common import DATASET_JSON, named_rng
from inpaintbench.errors import InputError
from inpaintbench.io.atomic import read_json_file
from inpaintbench.io.media import IMAGE_SUFFIXES, read_image_luma, read_image_rgb
from inpaintbench.scoring.common import list_files
from inpaintbench.training.config import TrainConfig

DATA_DIR = "data"  # where a run builds its set, inside the run folder
JITTER = 0.05  # ±5 % brightness and contrast of the input (CVxTz's augmentation)
GREY_PROBABILITY = 0.2  # "grey": how often an RGB input is turned grey


def prepare_data(config: TrainConfig, run_dir: Path, data: Path | None = None,
                 workers: int | None = None, progress: Any = None) -> Path:
    """The set to train on: ``data`` as given, or the config's recipe built in the run.

    Raises
    ------
    InputError
        When ``data`` is not a fingerprints set.
    """
    if data is not None:
        description = read_json_file(Path(data) / DATASET_JSON)
        if not isinstance(description, dict) or description.get("kind") \
                != "inpaintbench-fingerprints":
            raise InputError(data, "is not a set built by `inpaintbench data fingerprints "
                                   "build`", "give --data such a set, or leave it out to build "
                                             "the config's")
        return Path(data)
    from inpaintbench.data.fingerprints.build import (
        FingerprintsBuildConfig,
        build_fingerprints,
    )

    target = run_dir / DATA_DIR
    recipe = FingerprintsBuildConfig(count=config.data.count, seed=config.data.seed)
    done = target / DATASET_JSON
    if not (done.is_file() and read_json_file(done).get("complete")):
        build_fingerprints(target, recipe, workers=workers, progress=progress)
    return target


def split_files(root: Path, split: str) -> list[tuple[str, Path, Path]]:
    """``(name, input, ground truth)`` of every pair of ``split`` (train, val or test)."""
    from inpaintbench.data.fingerprints.build import split_folders

    input_dir, truth_dir = (root / folder for folder in split_folders(split))
    if not input_dir.is_dir() or not truth_dir.is_dir():
        raise InputError(root, f"has no {split} split ({input_dir.name}/, {truth_dir.name}/)")
    inputs = list_files(input_dir, IMAGE_SUFFIXES)
    truths = list_files(truth_dir, IMAGE_SUFFIXES)
    names = sorted(set(inputs) & set(truths))
    if not names:
        raise InputError(input_dir, f"holds no {split} pair with its ground truth")
    return [(name, inputs[name], truths[name]) for name in names]


@dataclass
class PrintPairs:
    """The pairs of one split, decoded: inputs ``uint8 (N, H, W, C)``, truths ``uint8 (N, H, W)``.

    ``C`` is 3 (RGB) or 1 (the scorer's luma), as the network takes.
    """

    names: list[str]
    inputs: np.ndarray
    truths: np.ndarray

    @classmethod
    def load(cls, root: Path, split: str, channels: int, limit: int | None = None,
             workers: int = 4) -> PrintPairs:
        files = split_files(Path(root), split)[:limit]

        def read(item: tuple[str, Path, Path]) -> tuple[np.ndarray, np.ndarray]:
            _, input_path, truth_path = item
            image = (read_image_rgb(input_path) if channels == 3
                     else read_image_luma(input_path)[..., None])
            return image, read_image_luma(truth_path)

        with ThreadPoolExecutor(workers) as pool:  # decoding releases the GIL
            pairs = list(pool.map(read, files))
        shapes = {p[0].shape[:2] for p in pairs} | {p[1].shape for p in pairs}
        if len(shapes) != 1:
            raise InputError(root, f"the {split} pairs have several sizes ({sorted(shapes)}); "
                                   "training needs one")
        return cls([f[0] for f in files], np.stack([p[0] for p in pairs]),
                   np.stack([p[1] for p in pairs]))

    def __len__(self) -> int:
        return len(self.names)

    def batch(self, seed: int, step: int, size: int, crop: int,
              augment: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Step ``step``'s batch: ``float32 (B, C, crop, crop)`` inputs and ``(B, 1, …)`` truths.

        Everything drawn comes from ``named_rng(seed, f"batch-{step}")``.
        """
        rng = named_rng(seed, f"batch-{step}")
        height, width = self.truths.shape[1:]
        crop = min(crop, height, width)
        xs, ys = [], []
        for index in rng.integers(0, len(self), size):
            top, left = rng.integers(0, height - crop + 1), rng.integers(0, width - crop + 1)
            x = self.inputs[index, top:top + crop, left:left + crop].astype(np.float32) / 255
            y = self.truths[index, top:top + crop, left:left + crop].astype(np.float32) / 255
            x, y = augment_pair(x, y[..., None], rng, augment)
            xs.append(x)
            ys.append(y)
        return (np.ascontiguousarray(np.stack(xs).transpose(0, 3, 1, 2)),
                np.ascontiguousarray(np.stack(ys).transpose(0, 3, 1, 2)))


def augment_pair(x: np.ndarray, y: np.ndarray, rng: np.random.Generator,
                 augment: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The same flips and quarter turns on input and truth ``(H, W, C)``; jitter on the input.

    - ``flip``: left–right and up–down, each with probability ½ (a print has no
      preferred side);
    - ``rot90``: a random quarter turn (square crops keep their shape);
    - ``jitter``: the input's brightness and contrast each ±5 %;
    - ``grey``: the input's colour replaced by its grey, with probability 0.2.
    The truth is only moved, never changed in value.
    """
    if "flip" in augment:
        if rng.random() < 0.5:
            x, y = x[:, ::-1], y[:, ::-1]
        if rng.random() < 0.5:
            x, y = x[::-1], y[::-1]
    if "rot90" in augment:
        turns = int(rng.integers(0, 4))
        x, y = np.rot90(x, turns), np.rot90(y, turns)
    if "jitter" in augment:
        contrast, brightness = rng.uniform(1 - JITTER, 1 + JITTER, 2)
        mean = float(x.mean())
        x = np.clip((x - mean) * contrast + mean * brightness, 0, 1)
    if "grey" in augment and x.shape[-1] == 3 and rng.random() < GREY_PROBABILITY:
        grey = x @ np.array([0.299, 0.587, 0.114], np.float32)
        x = np.repeat(grey[..., None], 3, axis=-1)
    return np.ascontiguousarray(x, np.float32), np.ascontiguousarray(y, np.float32)
