"""The main job end to end: sets built, methods run, scored, ranked."""

from __future__ import annotations

import json

from rich.console import Console

from inpaintbench.demo import METHODS, run_demo
from inpaintbench.tracks import Track


def test_demo_builds_scores_and_ranks_every_track(tmp_path):
    boards = run_demo(tmp_path, console=Console(file=open(tmp_path / "log.txt", "w")))
    assert set(boards) == set(Track)
    for track, path in boards.items():
        board = json.loads(path.read_text())
        assert {row["name"] for row in board["rows"]} == set(METHODS[track])
        for method in METHODS[track]:
            scores = json.loads((tmp_path / "scores" / track.value / method / "scores.json")
                                .read_text())
            assert scores["n_penalised"] == 0 and scores["problems"] == []
    # the floor loses to a real inpainter on the humans blocks
    humans = json.loads(boards[Track.HUMANS].read_text())
    assert humans["rows"][-1]["name"] == "input"
