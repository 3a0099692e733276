"""``inpaintbench data fingerprints …``: build a track-3 set, measure its realism."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

fingerprints_app = typer.Typer(
    no_args_is_help=True,
    help="Track 3: SFinGe-style synthetic fingerprints, degraded as the challenge did.")

console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # error lines carry paths: never wrap them


@fingerprints_app.command("build")
def fingerprints_build(
    count: Annotated[int, typer.Option("--count", min=1, help="Pairs (input, ground truth).")],
    out: Annotated[Path, typer.Option("--out", help="The set's folder (new or empty, or a "
                                                    "build of the same settings to resume).")],
    seed: Annotated[int, typer.Option(help="Seed of everything drawn.")] = 0,
    impressions: Annotated[int | None, typer.Option(
        min=1, help="Impressions per finger (default: 3).")] = None,
    real: Annotated[Path | None, typer.Option(
        help="Real prints to compare with (default: the shared sample data).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Processes (default: all cores).")]
    = None,
) -> None:
    """Draw fingers, their impressions and degraded inputs; write the release layout."""
    from inpaintbench.data.fingerprints.build import (
        IMPRESSIONS_PER_FINGER,
        FingerprintsBuildConfig,
        build_fingerprints,
    )
    from inpaintbench.data.fingerprints.stats import (
        write_contact_sheet,
        write_fingerprint_statistics,
    )

    config = FingerprintsBuildConfig(count=count, seed=seed,
                                     impressions=impressions or IMPRESSIONS_PER_FINGER)
    with Progress(TextColumn("building pairs"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task("pairs", total=count)
        summary = build_fingerprints(out, config, workers=workers,
                                     progress=lambda done, total: bar.update(
                                         task, completed=done, total=total))
    json_path, png_path = write_fingerprint_statistics(out, real=real)
    sheet = write_contact_sheet(out, real=real)
    console.print(summary.describe())
    console.print(f"wrote {out} ({json_path.name}, {png_path.name}, {sheet.name})")


@fingerprints_app.command("stats")
def fingerprints_stats(
    folder: Annotated[Path, typer.Argument(help="A set built by `data fingerprints build`.")],
    out: Annotated[Path | None, typer.Option(help="Where to write the files.")] = None,
    real: Annotated[Path | None, typer.Option(
        help="Real prints to compare with (default: the shared sample data).")] = None,
) -> None:
    """Ridge period and coherence, synthetic vs real (stats.json, stats.png), contact sheet."""
    from inpaintbench.data.fingerprints.stats import (
        write_contact_sheet,
        write_fingerprint_statistics,
    )

    json_path, png_path = write_fingerprint_statistics(folder, out, real=real)
    sheet = write_contact_sheet(folder, out, real=real)
    console.print(f"wrote {json_path}, {png_path} and {sheet}")
