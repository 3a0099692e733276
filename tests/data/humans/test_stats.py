"""Mask statistics of a built set (thesis Fig. 3): figures match the files, plots are written."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from inpaintbench.data.humans.stats import dataset_statistics, split_statistics, write_statistics
from inpaintbench.errors import InputError


@pytest.fixture()
def release(tmp_path):
    folder = tmp_path / "val"
    (folder / "Y").mkdir(parents=True)
    (folder / "X").mkdir()
    sizes = {"a": (300, 400), "b": (250, 250)}
    for name, (w, h) in sizes.items():
        Image.fromarray(np.zeros((h, w, 3), np.uint8)).save(folder / "Y" / f"{name}.png")
    maskdata = {"a": [[100, 100, 20], [150, 100, 50]], "b": [[60, 60, 30]]}
    (folder / "maskdata.json").write_text(json.dumps(maskdata))
    joints = {"a": {"size": [300, 400], "persons": [{"person_id": "0", "joints": [
        {"type": "nose", "side": None, "x": 110, "y": 105, "visible": True},
        {"type": "wrist", "side": "left", "x": 10, "y": 10, "visible": True}]}]},
        "b": {"size": [250, 250], "persons": []}}
    (folder / "joints.json").write_text(json.dumps(joints))
    return tmp_path


def test_figures_match_the_files(release):
    stats = split_statistics(release / "val")
    assert stats["images"] == 2
    assert stats["block_sides"] == [20, 50, 30]
    assert stats["blocks_per_image"] == [2, 1]
    assert stats["blocks_on_joints_per_image"] == [1, 0]
    assert stats["joint_block_fraction"] == [0.5, 0.0]
    assert stats["masked_fraction"] == pytest.approx([(400 + 2500) / 120000, 900 / 62500])


def test_sizes_come_from_the_images_without_joints(release):
    (release / "val" / "joints.json").unlink()
    stats = split_statistics(release / "val")
    assert stats["crop_sizes"] == [[300, 400], [250, 250]]
    assert "blocks_on_joints_per_image" not in stats


def test_writes_json_and_png(release):
    json_path, png_path = write_statistics(release)
    summary = json.loads(json_path.read_text())["summary"]["val"]
    assert summary["images"] == 2 and summary["block_sides"]["max"] == 50
    with Image.open(png_path) as image:
        assert image.width > 800 and image.height > 200


def test_a_folder_without_a_set_is_refused(tmp_path):
    with pytest.raises(InputError, match="maskdata.json"):
        dataset_statistics(tmp_path)
