"""Shared fixtures: the real sample data beside the checkout, and small release-layout sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inpaintbench.io.media import read_video

SHARED_REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """``../shared/data/real``; tests that need it skip with a reason when it is absent."""
    if not SHARED_REAL.is_dir():
        pytest.skip(f"real sample data not found at {SHARED_REAL} (a fresh clone has no ../shared)")
    return SHARED_REAL


@pytest.fixture(scope="session")
def real_clip(real_data: Path) -> np.ndarray:
    """A 125-frame 256×256 clip cut from the real people video: a pan over its frames."""
    frames = read_video(real_data / "video" / "people_demo.mp4")  # (5, 540, 960, 3)
    t = np.arange(125)
    cols = (t * (frames.shape[2] - 256) // 124).astype(int)
    return np.stack([frames[i % len(frames), 140:396, c:c + 256]
                     for i, c in zip(t, cols, strict=True)])


@pytest.fixture()
def decoded_sizes(monkeypatch) -> list[tuple[int, int]]:
    """The size of every image Pillow decodes during the test; Pillow's warnings fail it."""
    import warnings

    from PIL import ImageFile

    decoded: list[tuple[int, int]] = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load",
                        lambda self: (decoded.append(self.size), load(self))[1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. Pillow's decompression-bomb warning
        yield decoded
