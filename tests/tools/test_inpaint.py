"""inpaintbench.tools.inpaint: any photo, holes filled on crops, only their pixels pasted back."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from inpaintbench.errors import InputError, OptionError
from inpaintbench.methods.registry import create
from inpaintbench.tools.clean import Box
from inpaintbench.tools.inpaint import hole_crops, inpaint_image, inpaint_paths
from inpaintbench.tracks import Track


def _photo(height: int = 300, width: int = 420) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width]
    return np.stack([x * 255 // width, y * 255 // height, (x + y) % 256], -1).astype(np.uint8)


def test_crops_cover_every_hole_with_context_and_do_not_overlap():
    mask = np.zeros((300, 420), bool)
    mask[20:30, 20:40] = True
    mask[40:50, 45:60] = True  # close to the first: one crop
    mask[200:260, 300:400] = True
    crops = hole_crops(mask)
    assert len(crops) == 2
    covered = np.zeros_like(mask)
    for rows, cols in crops:
        covered[rows, cols] = True
    assert covered[mask].all()
    assert covered.sum() < mask.size / 2  # the cost follows the holes


def test_only_the_holes_change_and_match_the_method_on_the_whole_image():
    image = _photo()
    mask = np.zeros(image.shape[:2], bool)
    mask[100:120, 150:190] = True
    out = inpaint_image(image, mask, method="telea")
    assert np.array_equal(out[~mask], image[~mask])
    whole = create(Track.HUMANS, "telea").inpaint(image, mask)
    assert np.abs(out[mask].astype(int) - whole[mask]).max() <= 2  # context is enough
    assert np.abs(out[mask].astype(int) - image[mask]).mean() < 12  # ramps, roughly refilled


def test_inpaint_paths_with_a_folder_of_masks(tmp_path):
    images, masks = tmp_path / "img", tmp_path / "masks"
    images.mkdir()
    masks.mkdir()
    for name in ("a", "b"):
        Image.fromarray(_photo()).save(images / f"{name}.jpg")
        drawn = np.zeros((300, 420), np.uint8)
        drawn[50:70, 50:90] = 255
        Image.fromarray(drawn).save(masks / f"{name}.png")
    results = inpaint_paths([images], tmp_path / "out", mask=masks, method="telea")
    assert [r.target.name for r in results] == ["a.png", "b.png"]
    assert all(abs(r.filled - 800 / (300 * 420)) < 1e-9 for r in results)


def test_bad_input_is_named(tmp_path):
    path = tmp_path / "p.png"
    Image.fromarray(_photo()).save(path)
    with pytest.raises(OptionError, match="--box"):
        inpaint_paths([path], tmp_path / "o.png")
    with pytest.raises(OptionError, match="reaches past"):
        inpaint_paths([path], tmp_path / "o.png", boxes=[Box(400, 0, 50, 10)])
    small = tmp_path / "m.png"
    Image.fromarray(np.full((10, 10), 255, np.uint8)).save(small)
    with pytest.raises(InputError, match="m.png: mask is 10×10; p.png is 420×300"):
        inpaint_paths([path], tmp_path / "o.png", mask=small)
    blank = tmp_path / "blank.png"
    Image.fromarray(np.zeros((300, 420), np.uint8)).save(blank)
    with pytest.raises(InputError, match="nothing to fill"):
        inpaint_paths([path], tmp_path / "o.png", mask=blank)
    with pytest.raises(OptionError, match="not a humans method"):
        inpaint_paths([path], tmp_path / "o.png", boxes=[Box(1, 1, 5, 5)], method="magic")
