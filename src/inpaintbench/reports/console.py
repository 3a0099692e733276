"""Rich tables for score results."""

from __future__ import annotations

import math

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from inpaintbench.scoring.result import TRACK_METRICS, ScoreResult

# How many decimals each metric is shown with (the book prints 4, PSNR 2–4).
DECIMALS = {"psnr": 4, "seconds_per_clip": 3}
MAX_SAMPLE_ROWS = 20
MAX_PROBLEM_ROWS = 30


def fmt(value: float, metric: str = "") -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{value:.{DECIMALS.get(metric, 6)}f}"


def score_table(result: ScoreResult) -> Group:
    """The summary, the worst samples and the problems of one scoring run."""
    metrics = TRACK_METRICS[result.track]
    summary = Table(title=f"{result.track.value} (track {result.track.number}) — {result.name}")
    summary.add_column("samples", justify="right")
    summary.add_column("penalised", justify="right")
    for metric in (*metrics, *result.secondary):
        summary.add_column(metric, justify="right")
    summary.add_row(str(len(result.per_sample)), str(result.n_penalised),
                    *(fmt(result.metrics[m], m) for m in metrics),
                    *(fmt(v, k) for k, v in result.secondary.items()))
    parts: list = [summary]
    if len(result.per_sample) > 1:
        worst = sorted(result.per_sample, key=lambda s: -s["mse"])[:MAX_SAMPLE_ROWS]
        shown = f"worst {len(worst)} of {len(result.per_sample)} by MSE" \
            if len(worst) < len(result.per_sample) else "per sample, worst MSE first"
        samples = Table(title=shown, title_style="dim")
        samples.add_column("sample")
        extra = [k for k in worst[0] if k not in ("name", "penalised", *metrics)]
        for metric in (*metrics, *extra):
            samples.add_column(metric, justify="right")
        for s in worst:
            style = "red" if s.get("penalised") else None
            samples.add_row(s["name"], *(fmt(s[m], m) for m in metrics),
                            *(str(s.get(k, "")) for k in extra), style=style)
        parts.append(samples)
    if result.problems:
        text = Text(f"{len(result.problems)} problem(s):\n", style="bold yellow")
        for problem in result.problems[:MAX_PROBLEM_ROWS]:
            text.append(f"  {problem.describe()}\n", style="red" if problem.penalised else "yellow")
        if len(result.problems) > MAX_PROBLEM_ROWS:
            text.append(f"  … and {len(result.problems) - MAX_PROBLEM_ROWS} more in scores.json\n")
        parts.append(text)
    return Group(*parts)


def print_score(result: ScoreResult, console: Console | None = None) -> None:
    (console or Console()).print(score_table(result))
