"""The challenge's scoring program, exact to its formulas, and its leaderboard.

``score(track, ref_dir, pred_dir)`` scores a prediction folder against a reference
set in the release layout of its track and returns a :class:`ScoreResult`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inpaintbench.scoring.result import ScoreResult
from inpaintbench.tracks import Track


def score(track: Track | str | int, ref_dir: str | Path, pred_dir: str | Path,
          **options: Any) -> ScoreResult:
    """Score ``pred_dir`` against ``ref_dir`` on ``track`` (name or number).

    Options are passed to the track's scorer: :func:`~inpaintbench.scoring.humans.score_humans`,
    :func:`~inpaintbench.scoring.captions.score_captions` or
    :func:`~inpaintbench.scoring.fingerprints.score_fingerprints`.
    """
    track = Track.parse(track)
    if track is Track.HUMANS:
        from inpaintbench.scoring.humans import score_humans as scorer
    elif track is Track.CAPTIONS:
        from inpaintbench.scoring.captions import score_captions as scorer
    else:
        from inpaintbench.scoring.fingerprints import score_fingerprints as scorer
    return scorer(ref_dir, pred_dir, **options)


__all__ = ["ScoreResult", "score"]
