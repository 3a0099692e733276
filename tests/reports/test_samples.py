"""The report's sample grids."""

from __future__ import annotations

import numpy as np

from inpaintbench.io.media import write_video
from inpaintbench.reports.samples import NO_PREDICTION_GREY, sample_images


def test_a_captions_clip_left_undone_by_the_time_budget_shows_grey(tmp_path):
    frames = np.full((4, 32, 32, 3), 60, np.uint8)
    for folder in ("set/X", "set/Y", "pred/fast"):
        write_video(tmp_path / folder / "clip.mp4", frames)
    entry = {"data": "set", "methods": {"fast": {"pred": "pred/fast"},
                                        "slow": {"pred": "pred/slow"}}}
    (title, columns, rows), = sample_images(tmp_path, "captions", entry)
    assert columns == ["input", "fast", "slow", "truth"] and "budget" in title
    _, images = rows[0]
    assert (images[2] == NO_PREDICTION_GREY).all() and abs(int(images[1].mean()) - 60) <= 2
