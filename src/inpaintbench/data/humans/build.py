"""Build a track-1 set: person crops, block masks, the release layout, splits.

Output (one folder per split, each a complete reference for the scorer)::

    OUT/
      dataset.json             config, sources, counts, what was skipped and why
      stats.json, stats.png    the mask statistics (thesis Fig. 3), see ``stats.py``
      train/ val/ test/
        X/<name>.png           input: the crop with its blocks filled white
        Y/<name>.png           the original crop
        maskdata.json          {name: [[row, col, size], ...]} (release layout)
        joints.json            {name: {"persons": [...], "source": ..., "crop": ...}}

Every image's mask comes from its own generator, seeded by the set's seed and
the image's name (:func:`~inpaintbench.data.humans.masks.mask_rng`); the split
comes from a hash of the photo's source and id, so every crop of one photo is in
the same split. The build is therefore the same bit for bit however it is
parallelised or resumed. Photos are processed on all cores; each photo's
results are recorded under ``OUT/.parts`` once its files are written, so an
interrupted build resumes where it stopped.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench.data.common import (
    DATASET_JSON,
    SPLITS,
    Progress,
    building,
    check_fractions,
    hash_split,
    part_path,
    run_parallel,
)
from inpaintbench.data.humans.crops import (
    MIN_JOINTS,
    MIN_PERSON_SIDE,
    CropConfig,
    joints_in_image,
    person_crop,
    shift_person,
)
from inpaintbench.data.humans.joints import AnnotatedImage, Person
from inpaintbench.data.humans.layout import JOINTS_JSON, MASKDATA_JSON
from inpaintbench.data.humans.masks import (
    MaskConfig,
    apply_blocks,
    draw_blocks,
    mask_rng,
)
from inpaintbench.errors import InputError
from inpaintbench.io.atomic import read_json, write_json_atomic
from inpaintbench.io.media import read_image_rgb, write_image

THESIS_SPLIT = (0.6, 0.2, 0.2)  # seed 003 §2 (the book's release used 70/15/15)
BOOK_SPLIT = (0.7, 0.15, 0.15)
FORMAT_VERSION = 1



@dataclass(frozen=True)
class HumansBuildConfig:
    """Everything that decides a built set's bytes; written into ``dataset.json``."""

    seed: int = 0
    split: tuple[float, float, float] = THESIS_SPLIT
    crop: CropConfig = field(default_factory=CropConfig)
    mask: MaskConfig = field(default_factory=MaskConfig)

    def __post_init__(self) -> None:
        check_fractions(self.split)

    def to_json(self) -> dict[str, Any]:
        return {"format_version": FORMAT_VERSION, "seed": self.seed, "split": list(self.split),
                "crop": asdict(self.crop), "mask": asdict(self.mask)}

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> HumansBuildConfig:
        return cls(seed=int(record["seed"]), split=tuple(record["split"]),
                   crop=CropConfig(**record["crop"]), mask=MaskConfig(**record["mask"]))


def split_of(source: str, image_id: str, fractions: tuple[float, float, float]) -> str:
    """The split of a photo, from a hash of its source and id (stable across runs and machines).

    >>> split_of("coco", "785", THESIS_SPLIT)
    'val'
    """
    return hash_split(f"{source}/{image_id}", fractions)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def sample_name(*parts: str) -> str:
    """A file-name-safe sample name from its parts.

    >>> sample_name("mpii", "005808361.jpg", "0")
    'mpii_005808361_0'
    """
    cleaned = [_UNSAFE.sub("-", Path(p).stem if i == 1 else p).strip("-")
               for i, p in enumerate(parts)]
    return "_".join(c for c in cleaned if c)


@dataclass(frozen=True)
class CropRecord:
    """One built sample."""

    name: str
    split: str
    source: str
    image_id: str
    person_id: str | None
    box: tuple[int, int, int, int]  # (x0, y0, x1, y1) in the source photo
    blocks: tuple[tuple[int, int, int], ...]
    person: Person | None

    @property
    def size(self) -> tuple[int, int]:
        x0, y0, x1, y1 = self.box
        return x1 - x0, y1 - y0

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "split": self.split, "source": self.source,
                "image_id": self.image_id, "person_id": self.person_id, "box": list(self.box),
                "blocks": [list(b) for b in self.blocks],
                "person": self.person.to_json() if self.person else None}

    @classmethod
    def from_json(cls, r: dict[str, Any]) -> CropRecord:
        return cls(r["name"], r["split"], r["source"], r["image_id"], r["person_id"],
                   tuple(r["box"]), tuple(tuple(b) for b in r["blocks"]),
                   Person.from_json(r["person"]) if r["person"] else None)


def _part_path(out: Path, item: AnnotatedImage) -> Path:
    return part_path(out, f"{item.source}/{item.image_id}")


def _joint_xy(person: Person | None) -> np.ndarray:
    if person is None or not person.joints:
        return np.zeros((0, 2))
    return np.array([[j.x, j.y] for j in person.joints])


def process_image(item: AnnotatedImage, out: Path,
                  config: HumansBuildConfig) -> dict[str, Any]:
    """Crop, mask and write every person of one photo; return its part record.

    The record lists the samples written and the persons skipped with the rule
    that dropped them. An unreadable photo is reported, not raised, so one bad
    file does not stop a build.
    """
    part: dict[str, Any] = {"source": item.source, "image_id": item.image_id,
                            "path": item.path, "samples": [], "skipped": []}
    try:
        image = read_image_rgb(item.path)
    except InputError as exc:
        part["skipped"].append({"reason": "unreadable-image", "detail": str(exc)})
        return part
    height, width = image.shape[:2]
    split = split_of(item.source, item.image_id, config.split)
    if item.blocks is not None or item.precropped:
        person = item.persons[0] if item.persons else None
        jobs = [(sample_name(item.source, item.image_id) if item.blocks is None
                 else item.image_id, None if person is None else person.person_id,
                 (0, 0, width, height), person)]
        if item.blocks is None and (person is None or len(joints_in_image(person, width, height))
                                    < config.crop.min_joints):
            part["skipped"].append({"reason": "too-few-joints", "person_id": jobs[0][1]})
            jobs = []
    else:
        jobs = []
        for person in item.persons:
            box = person_crop(person, width, height, config.crop)
            if box is None:
                reason = ("too-few-joints"
                          if len(joints_in_image(person, width, height)) < config.crop.min_joints
                          else "too-small")
                part["skipped"].append({"reason": reason, "person_id": person.person_id})
                continue
            jobs.append((sample_name(item.source, item.image_id, person.person_id),
                         person.person_id, box, person))
    for name, person_id, box, person in jobs:
        x0, y0, x1, y1 = box
        crop = image[y0:y1, x0:x1]
        local = shift_person(person, box) if person is not None else None
        if item.blocks is not None:
            blocks = tuple(tuple(int(v) for v in b) for b in item.blocks)
        else:
            blocks = tuple(draw_blocks(x1 - x0, y1 - y0, _joint_xy(local),
                                       mask_rng(config.seed, name), config.mask))
        folder = out / split
        write_image(folder / "Y" / f"{name}.png", crop)
        write_image(folder / "X" / f"{name}.png", apply_blocks(crop, blocks))
        part["samples"].append(CropRecord(name, split, item.source, item.image_id, person_id,
                                          box, blocks, local).to_json())
    return part


def _run_item(item: AnnotatedImage, out: Path, config: HumansBuildConfig) -> dict[str, Any]:
    part = process_image(item, out, config)
    write_json_atomic(_part_path(out, item), part, indent=None)
    return part


@dataclass
class BuildSummary:
    """What a build produced."""

    out: Path
    samples: dict[str, int]
    skipped: dict[str, int]
    photos: int
    resumed: int
    unreadable: list[str] = field(default_factory=list)  # one line per photo left out

    def describe(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.samples.items())
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items())) or "none"
        return (f"{sum(self.samples.values())} samples from {self.photos} photos ({counts}); "
                f"skipped persons: {skipped}; resumed {self.resumed} photos")


# Why a person gives no crop, in words (the reasons the part records hold).
REASONS = {"too-few-joints": f"with fewer than {MIN_JOINTS} joints inside the photo",
           "too-small": f"whose crop would be under {MIN_PERSON_SIDE} px a side"}


def _why_empty(skipped: Counter, unreadable: list[str]) -> str:
    reasons = [f"{count} person(s) {REASONS.get(reason, reason)}"
               for reason, count in sorted(skipped.items()) if reason != "unreadable-image"]
    if unreadable:
        reasons.append(f"{len(unreadable)} photo(s) unreadable (e.g. {unreadable[0]})")
    return "; ".join(reasons) or "no person is annotated or found on them"


def build_humans(images: Iterable[AnnotatedImage], out: str | Path,
                 config: HumansBuildConfig = HumansBuildConfig(), *,
                 sources: list[dict[str, Any]] | None = None, workers: int | None = None,
                 progress: Progress | None = None) -> BuildSummary:
    """Build the set from annotated photos; resume a previous build of the same settings.

    Parameters
    ----------
    images : iterable of AnnotatedImage
        From :func:`inpaintbench.data.humans.sources.read_source`.
    out : path
        The set's folder (created; see the module doc for its layout).
    sources : list of dict, optional
        Descriptions of the sources, recorded in ``dataset.json``.
    workers : int, optional
        Processes; all cores by default.

    Raises
    ------
    InputError
        When ``out`` holds something else, or a build with other settings.
    """
    out = Path(out)
    with building(out, config.to_json(), "humans"):
        items = list(images)
        keys = Counter((i.source, i.image_id) for i in items)
        duplicated = [k for k, n in keys.items() if n > 1]
        if duplicated:
            raise InputError(Path(items[0].path), f"photo ids must be unique within a source; "
                             f"{len(duplicated)} repeat (e.g. {duplicated[0]})")
        description = {"kind": "inpaintbench-humans", "config": config.to_json(),
                       "sources": sources or [], "complete": False}
        write_json_atomic(out / DATASET_JSON, description)

        parts: dict[tuple[str, str], dict[str, Any]] = {}
        todo = []
        for item in items:
            part_path = _part_path(out, item)
            if part_path.exists():
                parts[(item.source, item.image_id)] = read_json(part_path)
            else:
                todo.append(item)
        resumed = len(parts)
        done = resumed
        if progress:
            progress(done, len(items))
        def finished(item: AnnotatedImage, part: dict[str, Any]) -> None:
            nonlocal done
            parts[(item.source, item.image_id)] = part
            done += 1
            if progress:
                progress(done, len(items))

        run_parallel(todo, _run_item, (out, config), workers or os.cpu_count() or 1, finished)

        records = [CropRecord.from_json(s) for item in items
                   for s in parts[(item.source, item.image_id)]["samples"]]
        skipped = Counter(s["reason"] for p in parts.values() for s in p["skipped"])
        samples = {}
        for split in SPLITS:
            chosen = sorted((r for r in records if r.split == split), key=lambda r: r.name)
            samples[split] = len(chosen)
            if not chosen:
                continue
            write_json_atomic(out / split / MASKDATA_JSON,
                              {r.name: [list(b) for b in r.blocks] for r in chosen}, indent=None)
            write_json_atomic(out / split / JOINTS_JSON, {
                r.name: {"source": r.source, "image_id": r.image_id, "person_id": r.person_id,
                         "crop": list(r.box), "size": list(r.size),
                         "persons": [r.person.to_json()] if r.person else []}
                for r in chosen}, indent=None)
        unreadable = [s["detail"] for p in parts.values() for s in p["skipped"]
                      if s["reason"] == "unreadable-image"]
        description.update(photos=len(items), samples=samples,
                           skipped=dict(sorted(skipped.items())), unreadable=unreadable)
        if not records:  # nothing to score: say why, and leave the set incomplete
            write_json_atomic(out / DATASET_JSON, description)
            raise InputError(out, f"no crop was made from {len(items)} photo(s): "
                             + _why_empty(skipped, unreadable),
                             "see docs/humans.md for the crop rules")
        description["complete"] = True
        write_json_atomic(out / DATASET_JSON, description)
        return BuildSummary(out, samples, dict(skipped), len(items), resumed, unreadable)
