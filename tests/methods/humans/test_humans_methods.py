"""Track 1 methods: the interface, what each fill is good at, determinism, the registry."""

from __future__ import annotations

import pickle

import cv2
import numpy as np
import pytest
from scipy import ndimage as ndi
from skimage import data

from inpaintbench.data.humans.masks import apply_blocks, blocks_mask, draw_blocks
from inpaintbench.methods.base import HumansMethod
from inpaintbench.methods.humans.holes import hole_windows
from inpaintbench.methods.humans.patchmatch import PATCH_RADIUS, patchmatch_inpaint
from inpaintbench.methods.registry import available, create
from inpaintbench.tracks import Track

OURS = ("mean-fill", "telea", "navier-stokes", "biharmonic", "total-variation", "patchmatch")
DIFFUSION = ("telea", "navier-stokes", "biharmonic", "total-variation")
HUMANS = [info.name for info in available(Track.HUMANS)]


def _rmse(a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a.astype(np.float64) - b)[mask] ** 2)))


def _holed(image: np.ndarray, mask: np.ndarray, fill=255) -> np.ndarray:
    holed = image.copy()
    holed[mask] = fill
    return holed


@pytest.fixture(scope="module")
def photo() -> tuple[np.ndarray, np.ndarray]:
    """A 160×160 astronaut, darkened so no true pixel is white, with challenge blocks."""
    image = (cv2.resize(data.astronaut(), (160, 160), interpolation=cv2.INTER_AREA)
             * 0.75).astype(np.uint8)
    blocks = draw_blocks(160, 160, np.array([[80.0, 70.0], [60.0, 110.0]]),
                         np.random.default_rng(3))
    return apply_blocks(image, blocks), blocks_mask(160, 160, blocks)


@pytest.fixture(scope="module")
def two_holes() -> np.ndarray:
    mask = np.zeros((128, 128), bool)
    mask[20:44, 30:54] = True
    mask[70:110, 60:100] = True
    return mask


def test_registry_lists_and_builds_every_humans_method():
    assert set(OURS) <= set(HUMANS)
    for name in HUMANS:
        method = create(Track.HUMANS, name)
        assert isinstance(method, HumansMethod)
        assert method.info.name == name and method.info.track is Track.HUMANS
        assert pickle.loads(pickle.dumps(method)).info == method.info  # runner's workers
    assert create(Track.HUMANS, "mean-fill").info.kind == "floor"


@pytest.mark.parametrize("name", HUMANS)
def test_fills_the_holes(name, photo):
    holed, mask = photo
    out = create(Track.HUMANS, name).inpaint(holed, mask)
    assert out.shape == holed.shape and out.dtype == np.uint8
    assert out[mask].max() < 250  # no white left: the darkened photo never reaches it
    if name in OURS:  # ours also return the known pixels untouched (the runner pastes them)
        np.testing.assert_array_equal(out[~mask], holed[~mask])


@pytest.mark.parametrize("name", HUMANS)
def test_deterministic(name, photo):
    holed, mask = photo
    method = create(Track.HUMANS, name)
    first = method.inpaint(holed, mask)
    method.inpaint(holed[::-1].copy(), mask[::-1].copy())  # no state carried between calls
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(method)).inpaint(holed, mask), first)


@pytest.mark.parametrize("name", OURS)
def test_holes_on_the_border_and_tiny_images(name):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 200, (40, 50, 3), dtype=np.uint8)
    mask = np.zeros((40, 50), bool)
    mask[:8, :10] = mask[30:, 44:] = True  # touching the corners
    out = create(Track.HUMANS, name).inpaint(_holed(image, mask), mask)
    assert out.shape == image.shape and out[mask].max() < 250
    tiny, tiny_mask = image[:5, :6], np.zeros((5, 6), bool)  # smaller than a 7×7 patch
    tiny_mask[1:3, 2:4] = True
    assert create(Track.HUMANS, name).inpaint(_holed(tiny, tiny_mask), tiny_mask).shape == (5, 6, 3)


@pytest.mark.parametrize("name", OURS)
def test_rejects_bad_input(name):
    method = create(Track.HUMANS, name)
    image, mask = np.zeros((20, 20, 3), np.uint8), np.zeros((20, 20), bool)
    with pytest.raises(ValueError, match="uint8"):
        method.inpaint(image.astype(np.float32), mask)
    with pytest.raises(ValueError, match="mask"):
        method.inpaint(image, mask[:10])
    with pytest.raises(ValueError, match="whole image"):
        method.inpaint(image, ~mask)


def test_diffusion_methods_reconstruct_smooth_gradients(two_holes):
    y, x = np.mgrid[0:128, 0:128].astype(np.float64)
    image = np.rint(np.stack([40 + 1.2 * x, 60 + 0.9 * y, 100 + 0.4 * (x + y)], -1))
    image = image.astype(np.uint8)
    holed = _holed(image, two_holes)
    errors = {name: _rmse(create(Track.HUMANS, name).inpaint(holed, two_holes), image, two_holes)
              for name in ("mean-fill", *DIFFUSION)}
    for name in DIFFUSION:
        assert errors[name] < 6.0 and errors[name] < 0.6 * errors["mean-fill"], errors
    # The variational fills are exact on a linear ramp, up to rounding.
    assert errors["biharmonic"] < 1.0 and errors["total-variation"] < 1.0, errors


@pytest.mark.parametrize("pattern", ["checkerboard", "stripes"])
def test_patchmatch_copies_periodic_texture(pattern, two_holes):
    y, x = np.mgrid[0:128, 0:128]
    on = ((y // 4 + x // 4) % 2 == 0) if pattern == "checkerboard" else ((x + y) % 10 < 5)
    image = np.stack([np.where(on, 40, 200), np.where(on, 210, 50), np.where(on, 80, 140)], -1)
    image = image.astype(np.uint8)
    holed = _holed(image, two_holes)
    errors = {name: _rmse(create(Track.HUMANS, name).inpaint(holed, two_holes), image, two_holes)
              for name in ("patchmatch", "telea", "biharmonic")}
    assert errors["patchmatch"] < 0.3 * min(errors["telea"], errors["biharmonic"]), errors


def test_total_variation_keeps_an_edge_sharp():
    image = np.full((64, 64, 3), 30, np.uint8)
    image[:, 32:] = 220
    mask = np.zeros((64, 64), bool)
    mask[20:44, 20:44] = True  # a hole across the edge

    def sharp(name: str) -> float:
        values = create(Track.HUMANS, name).inpaint(_holed(image, mask), mask)[mask].astype(int)
        near = (np.abs(values - 30) <= 10) | (np.abs(values - 220) <= 10)
        return float(np.mean(near.all(axis=1)))

    assert sharp("total-variation") > 0.9
    assert sharp("telea") < 0.8 and sharp("biharmonic") < 0.8  # the diffusions blur it


def test_patchmatch_only_copies_known_values():
    # A one-colour known region: every patch vote, and so every mean of votes, is that colour.
    image = np.full((96, 96, 3), (90, 120, 150), np.uint8)
    mask = np.zeros((96, 96), bool)
    mask[30:60, 20:50] = mask[10:20, 70:90] = True
    out = create(Track.HUMANS, "patchmatch").inpaint(_holed(image, mask), mask)
    assert np.all(out[mask] == (90, 120, 150))


def test_patchmatch_never_reads_the_hole():
    # Grey texture around, pure red in the hole: a vote from the hole would tint the fill.
    rng = np.random.default_rng(1)
    grey = cv2.GaussianBlur(rng.random((300, 280)).astype(np.float32), (0, 0), 2)
    image = np.repeat((grey * 255 / grey.max()).astype(np.uint8)[..., None], 3, axis=2)
    mask = np.zeros((300, 280), bool)
    mask[100:170, 90:160] = mask[200:230, 40:70] = True  # large enough for a pyramid
    out = create(Track.HUMANS, "patchmatch").inpaint(_holed(image, mask, (255, 0, 0)), mask)
    assert np.all(out[mask][:, 0] == out[mask][:, 1]) and np.all(out[mask][:, 1] == out[mask][:, 2])


def test_patchmatch_sources_lie_in_the_known_region(two_holes):
    image = np.random.default_rng(2).random((128, 128, 3), dtype=np.float32)
    _, targets, nnf = patchmatch_inpaint(image, two_holes)
    assert len(targets) == len(nnf) > 0
    for sy, sx in nnf:
        patch = two_holes[sy - PATCH_RADIUS:sy + PATCH_RADIUS + 1,
                          sx - PATCH_RADIUS:sx + PATCH_RADIUS + 1]
        assert patch.shape == (2 * PATCH_RADIUS + 1,) * 2 and not patch.any()
    # Every hole pixel is covered by some target patch.
    covered = np.zeros_like(two_holes)
    for ty, tx in targets:
        covered[ty - PATCH_RADIUS:ty + PATCH_RADIUS + 1,
                tx - PATCH_RADIUS:tx + PATCH_RADIUS + 1] = True
    assert covered[two_holes].all()


@pytest.mark.parametrize("reach", [1, 2, 3])
@pytest.mark.parametrize("apart", [0, 1])
def test_hole_windows_group_holes_within_reach(reach, apart):
    gap = 2 * reach + apart  # known columns between the first two holes
    mask = np.zeros((40, 60), bool)
    mask[5:10, 5:10] = True
    mask[5:10, 10 + gap:15 + gap] = True
    mask[30:35, 50:55] = True  # far away
    groups = list(hole_windows(mask, reach))
    assert [int(hole.sum()) for _, hole in groups] == ([25, 25, 25] if apart else [50, 25])
    for window, hole in groups:
        others = mask[window] & ~hole
        near = ndi.binary_dilation(hole, np.ones((2 * reach + 1,) * 2, bool))
        assert not (others & near).any()  # no other group's pixel within reach
