"""The thesis's mask rules hold for every seed and image size (seed 003 §2.3.3)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inpaintbench.data.humans.masks import (
    EDGE_MARGIN,
    MAX_BLOCKS,
    MAX_MASKED_FRACTION,
    MaskConfig,
    apply_blocks,
    block_touches_joint,
    blocks_mask,
    draw_blocks,
    effective_margin,
    mask_rng,
    side_bounds,
)

sizes = st.integers(min_value=64, max_value=2000)


def _joints(rng: np.random.Generator, width: int, height: int, count: int) -> np.ndarray:
    return np.c_[rng.uniform(0, width, count), rng.uniform(0, height, count)]


def assert_rules(width: int, height: int, blocks, config: MaskConfig | None = None) -> None:
    config = config or MaskConfig()
    short = min(width, height)
    assert 1 <= len(blocks) <= config.max_blocks  # 0 < N < 11
    margin = effective_margin(width, height, config)
    for row, col, size in blocks:
        assert short / config.side_min_divisor < size < short / config.side_max_divisor
        assert margin <= row and row + size <= height - margin
        assert margin <= col and col + size <= width - margin
    mask = blocks_mask(width, height, blocks)
    assert mask.sum() == sum(s * s for *_, s in blocks), "blocks overlap"
    assert mask.mean() <= config.max_masked_fraction


@settings(max_examples=300, deadline=None)
@given(width=sizes, height=sizes, seed=st.integers(0, 2**32 - 1),
       joints=st.integers(0, 17))
def test_every_rule_holds(width, height, seed, joints):
    rng = np.random.default_rng(seed)
    blocks = draw_blocks(width, height, _joints(rng, width, height, joints), rng)
    assert_rules(width, height, blocks)


@settings(max_examples=100, deadline=None)
@given(width=st.integers(299, 2000), height=st.integers(299, 2000), seed=st.integers(0, 10**9))
def test_full_margin_on_images_that_hold_it(width, height, seed):
    # From 299 px up the largest legal block fits inside the thesis's 100 px margin.
    assert effective_margin(width, height) == EDGE_MARGIN
    blocks = draw_blocks(width, height, np.zeros((0, 2)), np.random.default_rng(seed))
    assert all(r >= EDGE_MARGIN and c >= EDGE_MARGIN for r, c, _ in blocks)


@settings(max_examples=200, deadline=None)
@given(width=sizes, height=sizes)
def test_small_image_margin_rule(width, height):
    # The stated rule: min(100, (min(w, h) − s_max) // 2), so the largest legal block fits.
    low, high = side_bounds(width, height)
    margin = effective_margin(width, height)
    assert margin == min(EDGE_MARGIN, (min(width, height) - high) // 2)
    assert min(width, height) - 2 * margin >= high >= low


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), count=st.integers(1, 10))
def test_crowded_square_images_stay_under_the_area_cap(seed, count):
    # A square image with blocks up to a third of its side could exceed 70 %;
    # the cap must hold even when every block is drawn large.
    config = MaskConfig(min_blocks=count, max_blocks=count, side_min_divisor=3.5, margin=0)
    blocks = draw_blocks(600, 600, np.zeros((0, 2)), np.random.default_rng(seed), config)
    assert_rules(600, 600, blocks, config)


def test_area_cap_binds_when_tightened():
    config = MaskConfig(min_blocks=10, max_blocks=10, max_masked_fraction=0.05, margin=0)
    for seed in range(50):
        blocks = draw_blocks(500, 500, np.zeros((0, 2)), np.random.default_rng(seed), config)
        assert blocks_mask(500, 500, blocks).mean() <= 0.05
        assert len(blocks) >= 1


def test_same_seed_and_name_give_the_same_mask_whatever_the_order():
    joints = np.array([[150.0, 200.0], [250.0, 320.0], [180.0, 400.0]])
    first = [draw_blocks(400, 600, joints, mask_rng(7, f"img{i}")) for i in range(20)]
    again = [draw_blocks(400, 600, joints, mask_rng(7, f"img{i}")) for i in reversed(range(20))]
    assert first == list(reversed(again))
    assert len({tuple(b) for b in first}) == 20, "a different mask per image"
    assert draw_blocks(400, 600, joints, mask_rng(8, "img0")) != first[0]


def test_blocks_are_biased_towards_joints():
    # Thesis: positions "mostly random, but biased towards covering joints".
    rng = np.random.default_rng(0)
    joints = np.c_[rng.uniform(150, 350, 12), rng.uniform(150, 550, 12)]  # inside the margin
    biased = [block_touches_joint(b, joints) for i in range(300)
              for b in draw_blocks(500, 700, joints, mask_rng(0, str(i)))]
    uniform = [block_touches_joint(b, joints) for i in range(300)
               for b in draw_blocks(500, 700, joints, mask_rng(0, str(i)),
                                    MaskConfig(joint_bias=0.0))]
    assert np.mean(biased) > np.mean(uniform) + 0.2


def test_block_count_spans_the_thesis_range():
    counts = [len(draw_blocks(800, 800, np.zeros((0, 2)), mask_rng(1, str(i))))
              for i in range(2000)]
    assert min(counts) >= 1 and max(counts) <= MAX_BLOCKS
    assert set(range(2, 10)) <= set(counts)  # Gaussian-like over 1…10 (thesis Fig. 3)


def test_side_bounds_are_strict_and_refuse_tiny_images():
    assert side_bounds(60, 60) == (4, 19)  # 3 < s < 20
    with pytest.raises(ValueError, match="admits no block side"):
        side_bounds(3, 3)


def test_apply_blocks_fills_white_and_leaves_the_rest():
    image = np.random.default_rng(0).integers(0, 255, (300, 300, 3), dtype=np.uint8)
    blocks = [(100, 110, 20), (150, 150, 30)]
    holed = apply_blocks(image, blocks)
    mask = blocks_mask(300, 300, blocks)
    assert (holed[mask] == 255).all() and (holed[~mask] == image[~mask]).all()
    assert image[mask].min() < 255, "the input image is not modified"


def test_mask_config_validates():
    with pytest.raises(ValueError):
        MaskConfig(min_blocks=0)
    with pytest.raises(ValueError):
        MaskConfig(max_masked_fraction=MAX_MASKED_FRACTION + 1)
