"""``inpaintbench data fingerprints …``: build a track-3 set, measure its realism."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from inpaintbench.cli_common import (
    SchedulerOption,
    in_range,
    on_cluster,
    output_folder,
    progress_bar,
    say,
    seed_option,
    workers_option,
)

# Ten times the challenge's 92,400 pairs (CHALLENGE.md, Track 3): a day and more of building
# on 2 cores. More is almost surely a typo, and would plan that many fingers up front.
MAX_PAIRS = 1_000_000
MAX_IMPRESSIONS = 100  # per finger: our default is 3; more than 100 of one finger is a typo

fingerprints_app = typer.Typer(
    no_args_is_help=True,
    help="Track 3: SFinGe-style synthetic fingerprints, degraded as the challenge did.")


def _real_prints(value: Path | None) -> Path | None:
    if value is not None and not value.exists():
        raise typer.BadParameter(f"{value}: not found", param_hint="--real")
    return value


def _challenge_pairs(value: Path | None) -> Path | None:
    if value is not None and not value.exists():
        raise typer.BadParameter(f"{value}: not found", param_hint="--challenge")
    return value


CHALLENGE_HELP = ("The challenge's test inputs (input/) and restorations (fpd-m-net/) to "
                  "compare with (default: the shared sample data's).")


@fingerprints_app.command("build")
@on_cluster
def fingerprints_build(
    count: Annotated[int, typer.Option("--count", callback=in_range("--count", 1, MAX_PAIRS),
                                       help="Pairs (input, ground truth).")],
    out: Annotated[Path, typer.Option("--out", callback=output_folder(),
                                      help="The set's folder (new or empty, or a build of the "
                                           "same settings to resume).")],
    seed: Annotated[int, typer.Option(callback=seed_option,
                                      help="Seed of everything drawn.")] = 0,
    impressions: Annotated[int | None, typer.Option(
        callback=in_range("--impressions", 1, MAX_IMPRESSIONS),
        help="Impressions per finger (default: 3).")]
    = None,
    real: Annotated[Path | None, typer.Option(
        callback=_real_prints,
        help="Real prints to compare with (default: the shared sample data).")] = None,
    challenge: Annotated[Path | None, typer.Option(
        callback=_challenge_pairs, help=CHALLENGE_HELP)] = None,
    workers: Annotated[int | None, typer.Option(
        callback=workers_option, help="Processes (default: all cores).")] = None,
    scheduler: SchedulerOption = None,
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
    with progress_bar("building pairs") as bar:
        task = bar.add_task("pairs", total=count)
        summary = build_fingerprints(out, config, workers=workers,
                                     progress=lambda done, total: bar.update(
                                         task, completed=done, total=total))
    json_path, png_path = write_fingerprint_statistics(out, real=real, challenge=challenge)
    sheet = write_contact_sheet(out, real=real, challenge=challenge)
    say(summary.describe())
    say(f"wrote {out} ({json_path.name}, {png_path.name}, {sheet.name})")


@fingerprints_app.command("stats")
def fingerprints_stats(
    folder: Annotated[Path, typer.Argument(help="A set built by `data fingerprints build`.")],
    out: Annotated[Path | None, typer.Option(
        callback=output_folder(), help="Where to write the files.")] = None,
    real: Annotated[Path | None, typer.Option(
        callback=_real_prints,
        help="Real prints to compare with (default: the shared sample data).")] = None,
    challenge: Annotated[Path | None, typer.Option(
        callback=_challenge_pairs, help=CHALLENGE_HELP)] = None,
) -> None:
    """Ridge period, coherence and appearance, synthetic vs real prints and the challenge's
    test pairs (stats.json, stats.png), contact sheet."""
    from inpaintbench.data.fingerprints.stats import (
        write_contact_sheet,
        write_fingerprint_statistics,
    )

    json_path, png_path = write_fingerprint_statistics(folder, out, real=real,
                                                       challenge=challenge)
    sheet = write_contact_sheet(folder, out, real=real, challenge=challenge)
    say(f"wrote {json_path}, {png_path} and {sheet}")
