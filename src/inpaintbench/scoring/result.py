"""What a scoring run produces: per-sample figures, problems, and the files the challenge wrote."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench.io.atomic import write_json_atomic, write_text_atomic
from inpaintbench.tracks import Track

# The metrics each track reports at the top level of scores.json, in display order.
TRACK_METRICS: dict[Track, tuple[str, ...]] = {
    Track.HUMANS: ("mse", "psnr", "dssim"),
    Track.CAPTIONS: ("mse", "psnr", "dssim"),
    Track.FINGERPRINTS: ("mse", "psnr", "ssim", "ssim_dr1"),
}

# The penalty of a missing or unreadable prediction. The challenge defined it for
# track 3 (MSE = inf, PSNR = 0, SSIM = 0; CHALLENGE.md "Track 3 — Scoring"); we apply
# the same to every track, DSSIM = (1 − 0) / 2 following from SSIM = 0.
PENALTY: dict[str, float] = {
    "mse": math.inf, "psnr": 0.0, "ssim": 0.0, "ssim_dr1": 0.0, "dssim": 0.5,
}

SCORES_JSON = "scores.json"
SCORES_TXT = "scores.txt"  # the CodaLab scoring program's output file


@dataclass(frozen=True)
class Problem:
    """Something wrong with one file of a submission.

    ``penalised`` says whether the sample was scored with :data:`PENALTY` (or,
    for a partly broken clip, with the penalty on the frames it lacks).
    """

    kind: str
    message: str
    sample: str | None = None
    path: str | None = None
    penalised: bool = False

    def describe(self) -> str:
        where = f"{self.path}: " if self.path else (f"{self.sample}: " if self.sample else "")
        return f"[{self.kind}] {where}{self.message}"


@dataclass
class ScoreResult:
    """The scores of one submission on one track.

    Attributes
    ----------
    track : Track
    name : str
        The submission's name (by default its folder's name).
    metrics : dict
        The track's metrics averaged over samples (see :data:`TRACK_METRICS`).
    per_sample : list of dict
        One record per reference sample: ``name``, the metrics, ``penalised``.
    problems : list of Problem
    settings : dict
        How the metrics were computed (SSIM window, data range, …), so that a
        score file says what it means.
    secondary : dict
        Secondary figures when known (``wnjd``; ``seconds_per_clip``, and
        ``clips_in_budget`` for a run under a time budget).
    tables : dict
        Breakdowns too large for one figure, by name: track 1's
        ``"wnjd_per_joint"`` = ``{code: {"mean": float or None, "count": int}}``
        in book Table 7's column order.
    """

    track: Track
    name: str
    metrics: dict[str, float]
    per_sample: list[dict[str, Any]]
    problems: list[Problem] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    secondary: dict[str, float] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)

    @property
    def n_penalised(self) -> int:
        return sum(1 for s in self.per_sample if s.get("penalised"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "track": self.track.value,
            "name": self.name,
            **self.metrics,
            **self.secondary,
            "n_samples": len(self.per_sample),
            "n_penalised": self.n_penalised,
            "settings": self.settings,
            "tables": self.tables,
            "per_sample": self.per_sample,
            "problems": [asdict(p) for p in self.problems],
        }

    def codalab_text(self) -> str:
        """The ``scores.txt`` CodaLab reads: one ``metric: value`` line per metric."""
        lines = [f"{k}: {_fmt(v)}" for k, v in {**self.metrics, **self.secondary}.items()]
        return "\n".join(lines) + "\n"

    def write(self, out_dir: str | Path) -> tuple[Path, Path]:
        """Write ``scores.json`` and ``scores.txt`` into ``out_dir`` (atomically)."""
        out_dir = Path(out_dir)
        json_path = write_json_atomic(out_dir / SCORES_JSON, self.to_dict())
        txt_path = write_text_atomic(out_dir / SCORES_TXT, self.codalab_text())
        return json_path, txt_path


def _fmt(value: float) -> str:
    return repr(float(value)) if math.isfinite(value) else str(float(value))


def mean_over_samples(per_sample: list[dict[str, Any]],
                      metrics: tuple[str, ...]) -> dict[str, float]:
    """Average each metric over samples (every sample counts the same; inf propagates)."""
    if not per_sample:
        return {m: math.nan for m in metrics}
    return {m: float(np.mean([s[m] for s in per_sample], dtype=np.float64)) for m in metrics}
