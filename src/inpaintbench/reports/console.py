"""Rich tables for score results."""

from __future__ import annotations

import math

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from inpaintbench.data.humans.joints import SCORED_JOINT_NAMES
from inpaintbench.scoring.result import TRACK_METRICS, ScoreResult

# How many decimals each metric is shown with (the book prints 4, PSNR 2–4).
DECIMALS = {"psnr": 4, "seconds_per_clip": 3, "wnjd": 4, "clips_in_budget": 0}
PER_JOINT_DECIMALS = 2  # book Table 7 prints its per-joint WNJD with 2 decimals
MAX_SAMPLE_ROWS = 20
MAX_PROBLEM_ROWS = 30


def fmt(value: float, metric: str = "") -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{value:.{DECIMALS.get(metric, 6)}f}"


def score_table(result: ScoreResult) -> Group:
    """The summary, the worst samples and the problems of one scoring run."""
    metrics = TRACK_METRICS[result.track]
    summary = Table(title=Text(f"{result.track.value} (track {result.track.number}) — "
                               f"{result.name}"))
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
        extra = _scalar_columns(worst, skip=("name", "penalised", *metrics))
        for metric in (*metrics, *extra):
            samples.add_column(metric, justify="right")
        for s in worst:
            style = "red" if s.get("penalised") else None
            samples.add_row(Text(s["name"]), *(fmt(s[m], m) for m in metrics),
                            *(_cell(s.get(k), k) for k in extra), style=style)
        parts.append(samples)
    if "wnjd_per_joint" in result.tables:
        parts.append(per_joint_table(result.tables["wnjd_per_joint"]))
    notices = result.settings.get("notices") or []
    if notices:
        text = Text()
        for notice in notices:
            text.append(f"notice: {notice}\n", style="bold yellow")
        parts.append(text)
    return Group(*parts)


def problem_lines(result: ScoreResult) -> list[Text]:
    """One line per problem (the first :data:`MAX_PROBLEM_ROWS`), red when penalised."""
    if not result.problems:
        return []
    lines = [Text(f"{len(result.problems)} problem(s):", style="bold yellow")]
    for problem in result.problems[:MAX_PROBLEM_ROWS]:
        lines.append(Text(f"  {problem.describe()}",
                          style="red" if problem.penalised else "yellow"))
    if len(result.problems) > MAX_PROBLEM_ROWS:
        lines.append(Text(f"  … and {len(result.problems) - MAX_PROBLEM_ROWS} more in "
                          "scores.json"))
    return lines


def _scalar_columns(rows: list[dict], skip: tuple[str, ...]) -> list[str]:
    """Keys holding a number or a short string in some row, in first-seen order."""
    keys: dict[str, None] = {}
    for row in rows:
        for key, value in row.items():
            if key not in skip and isinstance(value, int | float | str):
                keys.setdefault(key)
    return list(keys)


def _cell(value, metric: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return fmt(value, metric)
    return str(value)


def per_joint_table(table: dict[str, dict]) -> Table:
    """Mean WNJD per joint type, in book Table 7's column order (RK RH … T LA)."""
    legend = ", ".join(f"{code} {SCORED_JOINT_NAMES.get(code, code)}" for code in table)
    out = Table(title="WNJD per joint (book Table 7; lower is better)", title_style="dim",
                caption=legend, caption_justify="left", caption_style="dim",
                box=None, padding=(0, 0, 0, 1))
    out.add_column("")
    for code in table:
        out.add_column(code, justify="right", header_style="bold", no_wrap=True)
    out.add_row("mean", *("—" if t["mean"] is None else f"{t['mean']:.{PER_JOINT_DECIMALS}f}"
                          for t in table.values()))
    out.add_row("n", *(str(t["count"]) for t in table.values()), style="dim")
    return out


def print_score(result: ScoreResult, console: Console | None = None) -> None:
    """The tables, then one unwrapped line per problem (so paths can be copied whole)."""
    console = console or Console()
    console.print(score_table(result))
    for line in problem_lines(result):
        console.print(line, soft_wrap=True)
