"""Every JSON format we read, mutated at random: it is read, or refused with an InputError.

Each mutation replaces, deletes or retypes one value anywhere in a valid document
(NaN, ±inf, null, booleans, strings, lists, objects, huge numbers). The reader must
either accept the result or raise :class:`~inpaintbench.errors.InputError` (which
the command line prints as one line); any other exception is a traceback a user
would see.
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from inpaintbench.errors import InputError

MUTATIONS = 400  # per format; each read takes about a millisecond
VALUES = [None, True, False, -1, 0, 1e308, math.nan, math.inf, -math.inf, "x", "", [], {}, [1],
          -1e9, 3.5, "photo.jpg", [[1, 2]], {"a": 1}, 10**400, "../../etc/passwd"]


def mutations(document: Any, count: int, seed: int) -> Iterator[Any]:
    """``count`` copies of ``document``, each with one or two values broken."""
    rng = random.Random(seed)

    def places(node: Any, path: list) -> Iterator[list]:
        yield path
        children = node.items() if isinstance(node, dict) else (
            enumerate(node) if isinstance(node, list) else ())
        for key, child in children:
            yield from places(child, [*path, key])

    def mutate(node: Any) -> Any:
        node = copy.deepcopy(node)
        path = rng.choice(list(places(node, [])))
        if not path:
            return rng.choice(VALUES)
        parent = node
        for key in path[:-1]:
            parent = parent[key]
        if rng.random() < 0.75:
            parent[path[-1]] = copy.deepcopy(rng.choice(VALUES))
        elif isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent.pop(path[-1])
        return node

    for _ in range(count):
        broken = mutate(document)
        yield mutate(broken) if rng.random() < 0.3 else broken


def _dump(value: Any) -> str:
    # allow_nan: write NaN and Infinity literals too, as careless writers do
    return json.dumps(value, allow_nan=True, default=str)


def _survives(read: Callable[[Path], Any], path: Path, document: Any, seed: int) -> None:
    for number, broken in enumerate(mutations(document, MUTATIONS, seed)):
        path.write_text(_dump(broken))
        try:
            read(path)
        except InputError:
            pass
        except Exception as error:  # noqa: BLE001 — the point: nothing else may escape
            pytest.fail(f"mutation {number}: {type(error).__name__}: {error}\n"
                        f"{_dump(broken)[:500]}")


def test_pose_annotations(tmp_path: Path) -> None:
    from inpaintbench.data.humans.sources import read_source

    Image.fromarray(np.zeros((240, 320, 3), np.uint8)).save(tmp_path / "photo.jpg")
    coco = {"images": [{"id": 1, "file_name": "photo.jpg", "width": 320, "height": 240}],
            "annotations": [{"id": 7, "image_id": 1, "category_id": 1, "num_keypoints": 2,
                             "keypoints": [100, 50, 2, 120, 200, 2], "bbox": [60, 40, 100, 160]}],
            "categories": [{"id": 1, "name": "person", "keypoints": ["nose", "left_ankle"]}]}
    mpii = [{"image": "photo.jpg", "joints": [[100, 50], [120, 200]] + [[-1, -1]] * 14,
             "joints_vis": [1, 1] + [0] * 14, "center": [110, 120], "scale": 1.0}]

    def read(path: Path) -> None:
        list(read_source(path).images)

    _survives(read, tmp_path / "coco.json", coco, seed=1)
    _survives(read, tmp_path / "mpii.json", mpii, seed=2)


def test_maskdata_and_joints(tmp_path: Path) -> None:
    from inpaintbench.data.humans.layout import read_joints, read_maskdata

    names = ["a", "b.c"]
    maskdata = {"a": [[10, 12, 20], [40, 50, 16]], "b.c.png": [[5, 5, 30]]}
    joints = {"a": {"persons": [{"person_id": "p", "joints": [
        {"type": "head_top", "side": None, "x": 40.0, "y": 20.0, "confidence": 0.9},
        {"type": "hip", "side": "left", "x": 50.0, "y": 60.0, "visible": False}]}]}}
    _survives(lambda p: read_maskdata(p, names), tmp_path / "maskdata.json", maskdata, seed=3)
    _survives(lambda p: read_joints(p, names), tmp_path / "joints.json", joints, seed=4)


def test_set_metadata(tmp_path: Path) -> None:
    from inpaintbench.data.metadata import read_captions_metadata, read_fingerprints_metadata

    captions = {"frames": 125, "width": 128, "height": 128, "clips": {"c": {
        "split": "test", "coverage": 0.1, "per_frame_coverage": [0.1, 0.0],
        "difficulty": ["easy"], "events": [{"text": "hi"}]}}}
    prints = {"images": {"p": {
        "split": "test", "class": "whorl", "input": "test_input/p.jpg",
        "ground_truth": "test_ground-truth/p.png", "ridge_period": {"mean": 9.0},
        "degradation": {"steps": [{"name": "blur", "params": {"sigma": 1}}]}}}}
    _survives(lambda p: read_captions_metadata(p.parent), tmp_path / "metadata.json",
              captions, seed=5)
    _survives(lambda p: read_fingerprints_metadata(p.parent), tmp_path / "metadata.json",
              prints, seed=6)


def test_score_and_timing_files(tmp_path: Path) -> None:
    from inpaintbench.scoring.common import read_timing
    from inpaintbench.scoring.leaderboard import leaderboard_from_files

    scores = {"track": "captions", "name": "team", "mse": 0.01, "psnr": 30.0, "dssim": 0.05,
              "seconds_per_clip": 1.5, "n_samples": 3}
    table = {"track": 2, "entries": [{"name": "a", "mse": 0.1, "psnr": 20, "dssim": 0.1},
                                     {"name": "b", "mse": 0.2, "psnr": 19, "dssim": 0.2}]}
    _survives(lambda p: leaderboard_from_files([p]), tmp_path / "scores.json", scores, seed=7)
    _survives(lambda p: leaderboard_from_files([p]), tmp_path / "table.json", table, seed=8)
    _survives(read_timing, tmp_path / "timing.json", {"per_sample": {"c1": 0.5}}, seed=9)
