"""Build a track-3 set: synthetic fingers, their impressions, degraded inputs, release layout.

Output (the layout participants used, CHALLENGE.md Track 3, plus the ground
truth of every split)::

    OUT/
      dataset.json                  settings, counts per split and class, the layout
      metadata.json                 every image: split, finger, class, singular points,
                                    ridge period, transformation, pressure, and every
                                    degradation step with its parameters
      stats.json, stats.png         ridge period and coherence, synthetic vs real
      contact_sheet.png             ground truth above input, beside real prints
      training_input/<name>.jpg     degraded input, RGB JPEG, 275×400
      training_ground-truth/<name>.png
                                    the clean print, greyscale PNG, 275×400
      validation_input/  validation_ground-truth/  test_input/  test_ground-truth/

A *finger* is one master print (:mod:`.ridges`); it gives ``impressions``
clean impressions (:mod:`.impressions`), each degraded once (:mod:`.degrade`): an
elastic warp shared by the ground truth, then the input's own degradations.
Image names are ``f<finger>_<impression>``; the split is drawn from a hash of the
finger's name, so every impression of a finger lies in one split. Every random
number comes from a generator seeded by the set's seed and a finger's or an
image's name, so the set is the same bit for bit on any number of workers. Each
finger's results are recorded under ``OUT/.parts`` once its files are written:
an interrupted build resumes where it stopped.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inpaintbench.data.common import (
    DATASET_JSON,
    METADATA_JSON,
    SPLITS,
    Progress,
    building,
    check_fractions,
    hash_split,
    named_rng,
    part_path,
    run_parallel,
)
from inpaintbench.data.fingerprints.degrade import degrade, moved_points
from inpaintbench.data.fingerprints.impressions import (
    draw_impression,
    impression_json,
    render_impression,
)
from inpaintbench.data.fingerprints.orientation import CLASSES
from inpaintbench.data.fingerprints.ridges import draw_master
from inpaintbench.io.atomic import atomic_path, read_json, write_json_atomic
from inpaintbench.io.media import write_image
from inpaintbench.scoring.fingerprints import GROUND_TRUTH_SUFFIX
from inpaintbench.tracks import FINGERPRINT_HEIGHT, FINGERPRINT_WIDTH

# 75,600 training, 8,400 validation and 8,400 test pairs (book §4.1).
CHALLENGE_SPLIT = (75600 / 92400, 8400 / 92400, 8400 / 92400)
# The release's folder names of our splits (CHALLENGE.md Track 3 "Release layout").
RELEASE_SPLITS = {"train": "training", "val": "validation", "test": "test"}
INPUT_SUFFIX = "_input"
IMPRESSIONS_PER_FINGER = 3  # our default: several impressions of each finger
FORMAT_VERSION = 2  # 2: thinner ridges, faded borders, light grounds, white cracks



@dataclass(frozen=True)
class FingerprintsBuildConfig:
    """Everything that decides a built set's bytes; written into ``dataset.json``.

    Attributes
    ----------
    count : int
        Pairs (input, ground truth) in the set, ≥ 1.
    seed : int
    impressions : int
        Impressions per finger; the last finger may have fewer.
    split : (train, val, test) fractions, by finger (the challenge's 75,600/8,400/8,400)
    """

    count: int
    seed: int = 0
    impressions: int = IMPRESSIONS_PER_FINGER
    split: tuple[float, float, float] = CHALLENGE_SPLIT

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"count must be at least 1 pair, got {self.count}")
        if self.impressions < 1:
            raise ValueError(f"impressions must be at least 1 per finger, got {self.impressions}")
        check_fractions(self.split)

    @property
    def fingers(self) -> int:
        return math.ceil(self.count / self.impressions)

    def impressions_of(self, finger: int) -> int:
        """How many impressions finger number ``finger`` has."""
        return min(self.impressions, self.count - finger * self.impressions)

    def to_json(self) -> dict[str, Any]:
        return {"format_version": FORMAT_VERSION, "count": self.count, "seed": self.seed,
                "impressions": self.impressions, "split": list(self.split)}


def finger_name(finger: int) -> str:
    """``f000042``: the name of finger number ``finger``."""
    return f"f{finger:06d}"


def image_name(finger: int, impression: int) -> str:
    """``f000042_1``: the name of a finger's impression, the stem of both of its files."""
    return f"{finger_name(finger)}_{impression}"


def split_of(finger: int, fractions: tuple[float, float, float]) -> str:
    """The split (train/val/test) of a finger: a hash of its name, stable across machines."""
    return hash_split(finger_name(finger), fractions)


def split_folders(split: str) -> tuple[str, str]:
    """``("training_input", "training_ground-truth")`` for ``"train"``, etc."""
    release = RELEASE_SPLITS[split]
    return f"{release}{INPUT_SUFFIX}", f"{release}{GROUND_TRUTH_SUFFIX}"


def build_finger(finger: int, out: Path, config: FingerprintsBuildConfig) -> dict[str, Any]:
    """Draw one finger, write its impressions and their inputs; return its part record."""
    name = finger_name(finger)
    split = split_of(finger, config.split)
    input_dir, truth_dir = (out / folder for folder in split_folders(split))
    master = draw_master(named_rng(config.seed, name))
    images = {}
    for k in range(config.impressions_of(finger)):
        stem = image_name(finger, k)
        impression_rng = named_rng(config.seed, f"{stem}/impression")
        impression = draw_impression(impression_rng)
        clean, points = render_impression(master, impression, impression_rng)
        truth, jpeg, degradation = degrade(clean, named_rng(config.seed, f"{stem}/degradation"))
        points = moved_points(points, degradation["steps"], truth.shape)
        write_image(truth_dir / f"{stem}.png", truth)
        with atomic_path(input_dir / f"{stem}.jpg") as tmp:
            tmp.write_bytes(jpeg)
        images[stem] = {"impression": k, **impression_json(impression, points),
                        "degradation": degradation}
    return {"finger": name, "split": split, "master": master.to_json(), "images": images}


def _part_path(out: Path, finger: int) -> Path:
    return part_path(out, finger_name(finger))


def _run(finger: int, out: Path, config: FingerprintsBuildConfig) -> dict[str, Any]:
    part = build_finger(finger, out, config)
    write_json_atomic(_part_path(out, finger), part, indent=None)
    return part


@dataclass
class FingerprintsBuildSummary:
    """What a build produced."""

    out: Path
    pairs: dict[str, int]
    fingers: dict[str, int]
    resumed: int

    def describe(self) -> str:
        counts = ", ".join(f"{RELEASE_SPLITS[s]} {n}" for s, n in self.pairs.items())
        return (f"{sum(self.pairs.values())} pairs ({counts}) from "
                f"{sum(self.fingers.values())} fingers; resumed {self.resumed} finger(s)")


def build_fingerprints(out: str | Path, config: FingerprintsBuildConfig, *,
                       workers: int | None = None,
                       progress: Progress | None = None) -> FingerprintsBuildSummary:
    """Build the set; resume a build of the same settings in ``out``.

    Raises
    ------
    InputError
        When ``out`` is a file, or holds something else or a build with other settings.
    """
    out = Path(out)
    with building(out, config.to_json(), "fingerprints"):
        description: dict[str, Any] = {"kind": "inpaintbench-fingerprints",
                                       "config": config.to_json(), "complete": False}
        write_json_atomic(out / DATASET_JSON, description)

        parts: dict[int, dict[str, Any]] = {}
        todo = []
        for finger in range(config.fingers):
            path = _part_path(out, finger)
            if path.exists():
                parts[finger] = read_json(path)
            else:
                todo.append(finger)
        resumed = len(parts)

        def done() -> int:
            return sum(len(p["images"]) for p in parts.values())

        def finished(finger: int, part: dict[str, Any]) -> None:
            parts[finger] = part
            if progress:
                progress(done(), config.count)

        if progress:
            progress(done(), config.count)
        run_parallel(todo, _run, (out, config), workers or os.cpu_count() or 1, finished)

        images, fingers = {}, {}
        for finger in sorted(parts):
            part = parts[finger]
            fingers[part["finger"]] = part["master"]
            input_dir, truth_dir = split_folders(part["split"])
            for stem, record in part["images"].items():
                images[stem] = {"split": RELEASE_SPLITS[part["split"]], "finger": part["finger"],
                                "class": part["master"]["class"],
                                "input": f"{input_dir}/{stem}.jpg",
                                "ground_truth": f"{truth_dir}/{stem}.png",
                                "ridge_period": {"base": part["master"]["base_period"],
                                                 "mean": part["master"]["mean_period"]},
                                **record}
        metadata = {"width": FINGERPRINT_WIDTH, "height": FINGERPRINT_HEIGHT,
                    "images": images, "fingers": fingers}
        write_json_atomic(out / METADATA_JSON, metadata, indent=None)
        pairs = Counter(parts[f]["split"] for f in parts for _ in parts[f]["images"])
        per_split = Counter(parts[f]["split"] for f in parts)
        classes = Counter(parts[f]["master"]["class"] for f in parts)
        description.update(
            complete=True,
            pairs={RELEASE_SPLITS[s]: pairs.get(s, 0) for s in SPLITS},
            fingers={RELEASE_SPLITS[s]: per_split.get(s, 0) for s in SPLITS},
            classes={c: classes.get(c, 0) for c in CLASSES},
            layout={"input": "<split>_input/<name>.jpg (RGB JPEG)",
                    "ground_truth": "<split>_ground-truth/<name>.png (greyscale PNG)",
                    "size": [FINGERPRINT_WIDTH, FINGERPRINT_HEIGHT],
                    "splits": list(RELEASE_SPLITS.values())})
        write_json_atomic(out / DATASET_JSON, description)
        return FingerprintsBuildSummary(out, {s: pairs.get(s, 0) for s in SPLITS},
                                        {s: per_split.get(s, 0) for s in SPLITS}, resumed)
