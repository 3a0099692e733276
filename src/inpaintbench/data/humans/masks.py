"""The challenge's block masks: square holes placed over a person's joints.

The thesis (seed 003 §2.3.3) states the rules, and :func:`draw_blocks`
implements each of them:

- N blocks per image, ``0 < N < 11``;
- square blocks of side ``s`` with ``min(w, h) / 20 < s < min(w, h) / 3``;
- positions "mostly random, but [with] a bias pushing them towards covering
  joints": a block is centred on a randomly chosen joint with a random offset,
  so it covers the joint in part;
- no overlap between blocks;
- a margin of 100 px from the image's edge;
- at most 70 % of the image masked;
- a different mask per image.

The thesis leaves open what it cannot have met in practice, and we state it:

- **Small images.** A 100 px margin cannot hold the largest legal block in an
  image under 299 px (the thesis's crops went down to 71×154). The margin shrinks to the
  largest one that still holds the largest legal block,
  ``min(100, (min(w, h) − s_max) // 2)``, so every legal size stays drawable;
  see :func:`effective_margin`.
- **Distributions.** Only bounds are given. N is ``1 + Binomial(9, 1/2)``, a
  Gaussian-like law on 1…10 (the shape of the thesis's Fig. 3); sides are
  log-uniform between the bounds, which puts most blocks at 20–80 px and a few
  up to ~170 px on crops of a few hundred pixels, as Fig. 3 shows.
- **Crowding.** A block that would overlap another, or push the masked area
  over 70 %, is redrawn up to :attr:`MaskConfig.max_tries` times, then
  dropped: N ends lower, never the rules broken. The first block always fits.

A block is ``(row, col, size)`` covering ``img[row:row + size, col:col + size]``,
the order of the release's ``maskdata.json``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from inpaintbench.data.common import named_rng

Block = tuple[int, int, int]  # (row, col, size)

# --- the thesis's rules (seed 003 §2.3.3) -------------------------------------------
MIN_BLOCKS = 1  # 0 < N
MAX_BLOCKS = 10  # N < 11
SIDE_MIN_DIVISOR = 20  # s > min(w, h) / 20
SIDE_MAX_DIVISOR = 3  # s < min(w, h) / 3
EDGE_MARGIN = 100  # px kept clear of the image's edge
MAX_MASKED_FRACTION = 0.7  # at most 70 % of the image masked


@dataclass(frozen=True)
class MaskConfig:
    """How blocks are drawn; the defaults are the thesis's rules (see module doc).

    Attributes
    ----------
    joint_bias : float
        Probability that a block is centred on a joint (with an offset) rather
        than placed uniformly. The thesis says "mostly random, but biased"; with
        0.75 about half the blocks end up touching a joint on typical crops.
    max_tries : int
        Attempts to place one block before it is dropped.
    """

    min_blocks: int = MIN_BLOCKS
    max_blocks: int = MAX_BLOCKS
    side_min_divisor: float = SIDE_MIN_DIVISOR
    side_max_divisor: float = SIDE_MAX_DIVISOR
    margin: int = EDGE_MARGIN
    max_masked_fraction: float = MAX_MASKED_FRACTION
    joint_bias: float = 0.75
    max_tries: int = 100

    def __post_init__(self) -> None:
        if not 1 <= self.min_blocks <= self.max_blocks:
            raise ValueError(f"need 1 <= min_blocks <= max_blocks, got "
                             f"{self.min_blocks}, {self.max_blocks}")
        if not 0 < self.max_masked_fraction <= 1:
            raise ValueError(f"max_masked_fraction must be in (0, 1], got "
                             f"{self.max_masked_fraction}")
        if not 0 <= self.joint_bias <= 1:
            raise ValueError(f"joint_bias must be in [0, 1], got {self.joint_bias}")
        if self.margin < 0 or self.max_tries < 1:
            raise ValueError("margin must be >= 0 and max_tries >= 1")

    def to_json(self) -> dict:
        return asdict(self)


def side_bounds(width: int, height: int, config: MaskConfig = MaskConfig()) -> tuple[int, int]:
    """The smallest and largest legal block side, both inclusive.

    ``min(w, h) / 20 < s < min(w, h) / 3`` with strict inequalities, on integers.

    >>> side_bounds(300, 600)
    (16, 99)
    >>> side_bounds(71, 154)
    (4, 23)
    """
    short = min(width, height)
    low = math.floor(short / config.side_min_divisor) + 1
    high = math.ceil(short / config.side_max_divisor) - 1
    if low > high:
        raise ValueError(f"a {width}×{height} image admits no block side between "
                         f"min(w, h)/{config.side_min_divisor:g} and "
                         f"min(w, h)/{config.side_max_divisor:g}")
    return low, high


def effective_margin(width: int, height: int, config: MaskConfig = MaskConfig()) -> int:
    """The edge margin used on a ``width × height`` image.

    The configured margin (100 px) when the image can hold its largest legal
    block inside it, else the largest margin that still can.

    >>> effective_margin(640, 480)
    100
    >>> effective_margin(71, 154)
    24
    """
    _, high = side_bounds(width, height, config)
    return max(0, min(config.margin, (min(width, height) - high) // 2))


def mask_rng(seed: int, name: str) -> np.random.Generator:
    """The generator for one image's mask: a function of the set's seed and the image's name.

    Independent of the order images are processed in, so a parallel or resumed
    build draws exactly the same masks.
    """
    return named_rng(seed, name)


def _overlaps(row: int, col: int, size: int, blocks: Sequence[Block]) -> bool:
    return any(row < r + s and r < row + size and col < c + s and c < col + size
               for r, c, s in blocks)


def draw_blocks(width: int, height: int, joints: np.ndarray, rng: np.random.Generator,
                config: MaskConfig = MaskConfig()) -> list[Block]:
    """Draw the blocks of one image following the thesis's rules.

    Parameters
    ----------
    width, height : int
        Image size in pixels.
    joints : array_like, shape (J, 2)
        Joint positions ``(x, y)`` in pixels (J may be 0: blocks are then uniform).
    rng : numpy.random.Generator
        The image's generator (see :func:`mask_rng`).
    config : MaskConfig

    Returns
    -------
    list of (row, col, size)
        Between 1 and ``config.max_blocks`` non-overlapping blocks, in the order drawn.

    Raises
    ------
    ValueError
        When the image is too small to admit any block side.

    Examples
    --------
    >>> blocks = draw_blocks(400, 500, np.array([[200.0, 250.0]]), np.random.default_rng(0))
    >>> 1 <= len(blocks) <= 10 and all(100 <= r and 100 <= c for r, c, _ in blocks)
    True
    """
    low, high = side_bounds(width, height, config)
    margin = effective_margin(width, height, config)
    joints = np.asarray(joints, dtype=np.float64).reshape(-1, 2)
    target = config.min_blocks + int(rng.binomial(config.max_blocks - config.min_blocks, 0.5))
    budget = config.max_masked_fraction * width * height
    blocks: list[Block] = []
    masked = 0
    for _ in range(target):
        for _ in range(config.max_tries):
            size = int(np.floor(np.exp(rng.uniform(np.log(low), np.log(high + 1)))))
            size = min(max(size, low), high)
            if masked + size * size > budget:
                continue
            if len(joints) and rng.random() < config.joint_bias:
                x, y = joints[rng.integers(len(joints))]
                # The joint falls somewhere inside the block: covered in part.
                col = round(x - size * rng.uniform(0.0, 1.0))
                row = round(y - size * rng.uniform(0.0, 1.0))
            else:
                col = int(rng.integers(margin, width - margin - size + 1))
                row = int(rng.integers(margin, height - margin - size + 1))
            col = min(max(col, margin), width - margin - size)
            row = min(max(row, margin), height - margin - size)
            if not _overlaps(row, col, size, blocks):
                blocks.append((int(row), int(col), size))
                masked += size * size
                break
    return blocks


def blocks_mask(width: int, height: int, blocks: Sequence[Block]) -> np.ndarray:
    """``bool (H, W)`` mask, True inside the blocks (True = missing)."""
    mask = np.zeros((height, width), dtype=bool)
    for row, col, size in blocks:
        mask[row:row + size, col:col + size] = True
    return mask


def apply_blocks(image: np.ndarray, blocks: Sequence[Block], fill: int = 255) -> np.ndarray:
    """A copy of ``image`` with the blocks filled white, as the release's ``X/`` images."""
    holed = np.array(image, copy=True)
    for row, col, size in blocks:
        holed[row:row + size, col:col + size] = fill
    return holed


def block_touches_joint(block: Block, joints: np.ndarray) -> bool:
    """Whether any joint ``(x, y)`` lies inside the block."""
    row, col, size = block
    joints = np.asarray(joints, dtype=np.float64).reshape(-1, 2)
    inside = ((joints[:, 0] >= col) & (joints[:, 0] < col + size)
              & (joints[:, 1] >= row) & (joints[:, 1] < row + size))
    return bool(inside.any())
