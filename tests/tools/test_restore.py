"""inpaintbench.tools.restore: any print, at any resolution, rescaled to the trained period."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inpaintbench.errors import InputError, OptionError
from inpaintbench.tools import restore as restoring
from inpaintbench.tools.restore import restore_paths, restore_print, restore_tiled, ridge_period

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real" / "fingerprint"


def _stripes(height: int, width: int, period: float) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width]
    return (128 + 100 * np.cos(2 * np.pi * (0.6 * x + 0.8 * y) / period)).astype(np.uint8)


@pytest.mark.parametrize("period", [6.0, 9.0, 14.0])
def test_the_ridge_period_is_measured(period):
    assert abs(ridge_period(_stripes(240, 200, period)) - period) < 0.15


def test_tiles_blend_back_to_the_whole_image():
    rgb = np.random.default_rng(0).integers(0, 256, (300, 700, 3), np.uint8)
    grey = lambda x: x[..., 0].copy()  # noqa: E731 — any per-pixel restorer
    assert np.array_equal(restore_tiled(grey, rgb, tile=128, overlap=32), rgb[..., 0])


def test_a_print_is_rescaled_to_the_trained_period(monkeypatch):
    seen = []

    class Probe:
        def restore(self, rgb):
            seen.append(ridge_period(rgb[..., 0]))
            return rgb[..., 0]
    monkeypatch.setattr("inpaintbench.methods.registry.create", lambda track, name: Probe())
    out, period = restore_print(_stripes(400, 300, 18.0))
    assert abs(period - 18) < 0.3 and out.shape == (400, 300)
    assert abs(seen[0] - restoring.TRAINED_PERIOD) < 0.3


@pytest.mark.skipif(not REAL.is_dir(), reason="needs ../shared beside the checkout")
def test_the_shipped_winner_restores_a_real_print(tmp_path):
    result = restore_paths([REAL / "real_2.jpg"], tmp_path / "r.png")[0]
    out = np.asarray(Image.open(result.target))
    assert out.shape == (336, 258) and abs(result.period - 10.8) < 1.0
    dark = out < 128  # thin dark ridges on white: a restoration's look
    assert 0.15 < dark.mean() < 0.5 and np.percentile(out, 95) > 230


def test_bad_input_is_named(tmp_path):
    tiny = tmp_path / "tiny.png"
    Image.fromarray(np.zeros((20, 20), np.uint8)).save(tiny)
    with pytest.raises(InputError, match="tiny.png: a 20×20 image is too small"):
        restore_paths([tiny], tmp_path / "o")
    with pytest.raises(OptionError, match="not a fingerprints method"):
        restore_paths([tiny], tmp_path / "o", method="magic")
    with pytest.raises(OptionError, match="outside"):
        restore_paths([tiny], tmp_path / "o", period=1.0)
    with pytest.raises(InputError, match="not found"):
        restore_paths([tmp_path / "gone.png"], tmp_path / "o")
