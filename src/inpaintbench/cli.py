"""The ``inpaintbench`` command: a thin shell over the library."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from inpaintbench import __version__
from inpaintbench.data.cli import data_app
from inpaintbench.errors import BrokenReferenceError, InpaintBenchError
from inpaintbench.tracks import CLIP_FRAMES, Track

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="The ChaLearn LAP inpainting challenge: datasets, methods, scoring, "
                       "leaderboards. Tracks: humans (1), captions (2), fingerprints (3).")
app.add_typer(data_app, name="data")
console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # error lines carry paths: never wrap them

EXIT_BAD_INPUT = 2  # a missing or malformed file given by the user
EXIT_BROKEN_REFERENCE = 3  # the reference set itself is broken: no score is possible


def _track(value: str) -> Track:
    try:
        return Track.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def _progress(description: str) -> Progress:
    return Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=err_console, transient=True)


def _version(value: bool) -> None:
    if value:
        console.print(f"inpaintbench {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False):
    """InpaintBench."""


@app.command()
def score(
    track: Annotated[str, typer.Option(
        "--track", "-t", help="humans|captions|fingerprints or 1|2|3")],
    ref: Annotated[Path, typer.Option(help="Reference set in the track's release layout.")],
    pred: Annotated[Path, typer.Option(help="Prediction folder (<name>.png / <clip>.mp4).")],
    out: Annotated[Path | None, typer.Option(help="Write scores.json and scores.txt here.")]
    = None,
    name: Annotated[str | None, typer.Option(help="Submission name (default: the folder's).")]
    = None,
    split: Annotated[str | None, typer.Option(help="Fingerprints: which <split>_ground-truth.")]
    = None,
    frames: Annotated[int, typer.Option(help="Captions: frames scored per clip.")] = CLIP_FRAMES,
    pose: Annotated[str, typer.Option(
        help="Humans: pose estimator of WNJD — auto (BlazePose if the pose extra is "
             "installed), blazepose, or none.")] = "auto",
    pose_reference: Annotated[str, typer.Option(
        help="Humans: the original's joints from the 'estimator' run on Y/, or from the "
             "set's joints.json 'annotations'.")] = "estimator",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary line.")]
    = False,
) -> None:
    """Score a prediction folder exactly as the challenge's scoring program did."""
    from inpaintbench.reports.console import print_score
    from inpaintbench.scoring import score as score_fn
    from inpaintbench.scoring.humans import POSE_CHOICES, POSE_REFERENCES

    chosen = _track(track)
    if pose not in POSE_CHOICES:
        raise typer.BadParameter(f"--pose must be one of {', '.join(POSE_CHOICES)}, got {pose!r}")
    if pose_reference not in POSE_REFERENCES:
        raise typer.BadParameter(f"--pose-reference must be one of {', '.join(POSE_REFERENCES)}, "
                                 f"got {pose_reference!r}")
    options: dict = {"name": name}
    if chosen is Track.HUMANS:
        options["pose"] = pose
        options["pose_reference"] = pose_reference
    if chosen is Track.CAPTIONS:
        options["frames"] = frames
    if chosen is Track.FINGERPRINTS:
        options["split"] = split
    with _progress(f"scoring {chosen.value}") as bar:
        task = bar.add_task("score", total=None)
        options["progress"] = lambda done, total: bar.update(task, completed=done, total=total)
        result = score_fn(chosen, ref, pred, **options)
    if quiet:
        console.print(" ".join(f"{k}={v:.6g}" for k, v in {**result.metrics,
                                                         **result.secondary}.items()))
        for notice in result.settings.get("notices", []):
            err_console.print(f"[yellow]notice:[/] {notice}")
    else:
        print_score(result, console)
    if out is not None:
        json_path, txt_path = result.write(out)
        console.print(f"wrote {json_path} and {txt_path}")


@app.command()
def leaderboard(
    scores: Annotated[list[str], typer.Argument(
        help="scores.json files, folders holding one, table files, or book:<table>.")],
    direction: Annotated[list[str] | None, typer.Option(
        "--direction", "-d", help="METRIC=higher|lower, overriding the default.")] = None,
    preset: Annotated[str | None, typer.Option(
        help="Direction preset: historical-2018 ranks track-2 DSSIM higher-better.")] = None,
    ties: Annotated[str, typer.Option(help="min (ties share a rank), average or ordinal.")]
    = "min",
    metrics: Annotated[str | None, typer.Option(
        help="Comma-separated metrics to rank on (default: the track's).")] = None,
    reference: Annotated[list[str] | None, typer.Option(
        help="Baseline names ranked beside, not among, the participants.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write leaderboard.csv and leaderboard.json here.")] = None,
) -> None:
    """Rank submissions: one rank per metric, final rank = mean of ranks."""
    from inpaintbench.scoring import leaderboard as lb

    if ties not in lb.TIE_RULES:
        raise typer.BadParameter(f"--ties must be one of {', '.join(lb.TIE_RULES)}")
    board = lb.leaderboard_from_files(
        scores, directions=lb.parse_directions(direction or []), preset=preset, ties=ties,
        metrics=metrics.split(",") if metrics else None, reference=reference or ())
    console.print(lb.leaderboard_table(board))
    if out is not None:
        json_path, csv_path = lb.write_leaderboard(board, out)
        console.print(f"wrote {json_path} and {csv_path}")


@app.command("methods")
def list_methods(
    track: Annotated[str | None, typer.Option(
        "--track", "-t", help="Only this track: humans|captions|fingerprints or 1|2|3.")]
    = None,
) -> None:
    """List every method with its track, kind and a one-line description."""
    from rich.table import Table

    from inpaintbench.methods.registry import entries

    table = Table("track", "method", "kind", "description")
    for entry in entries(_track(track) if track else None):
        info = entry.info
        description = info.description + (f" [dim]({info.reference})[/]" if info.reference
                                           else "")
        if entry.missing:
            description += f" [yellow]unavailable: {entry.missing}[/]"
        table.add_row(info.track.value, info.name, info.kind, description)
    console.print(table)


@app.command()
def run(
    track: Annotated[str, typer.Option(
        "--track", "-t", help="humans|captions|fingerprints or 1|2|3")],
    method: Annotated[str, typer.Option("--method", "-m", help="See `inpaintbench methods`.")],
    data: Annotated[Path, typer.Option(help="A set in the track's release layout (or a split).")],
    out: Annotated[Path, typer.Option("--out", help="The prediction folder.")],
    split: Annotated[str | None, typer.Option(
        help="The split to run on when DATA holds several.")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes (default: all cores).")]
    = None,
    crf: Annotated[int | None, typer.Option(
        help="Captions: write predicted clips lossy at this x264 CRF (default: lossless).")]
    = None,
) -> None:
    """Run a method over a set: predictions in the release layout, timed, resumable."""
    from inpaintbench.methods.run import run_method

    chosen = _track(track)
    try:
        with _progress(f"{chosen.value} · {method}") as bar:
            task = bar.add_task("samples", total=None)
            summary = run_method(chosen, method, data, out, split=split, workers=workers,
                                 crf=crf, progress=lambda done, total: bar.update(
                                     task, completed=done, total=total))
    except (KeyError, RuntimeError) as exc:
        err_console.print(f"[bold red]error:[/] {exc.args[0]}")
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    for sample, problem in summary.problems.items():
        err_console.print(f"[yellow]skipped {sample}:[/] {problem}")
    console.print(summary.describe())


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Where the demo writes its sets and scores.")]
    = Path("demo-out"),
    size: Annotated[str, typer.Option(help="small (a few minutes on 2 cores), medium or large.")]
    = "small",
    workers: Annotated[int | None, typer.Option(help="Processes (default: all cores).")]
    = None,
) -> None:
    """The main job: build a set per track, run every method, score, rank, write report.html."""
    from inpaintbench.demo import SIZES, run_demo

    if size not in SIZES:
        raise typer.BadParameter(f"--size must be one of {', '.join(SIZES)}")
    steps = Progress(TextColumn("demo · {task.description}"), BarColumn(), MofNCompleteColumn(),
                     console=err_console, transient=True)
    with steps as bar:
        task = bar.add_task("building the humans set", total=None)
        run_demo(out, size=size, workers=workers, console=console,
                 progress=lambda label, done, total: bar.update(
                     task, completed=done, total=total, description=label))


def main() -> None:
    """Entry point: run the app and turn known errors into one clear line."""
    try:
        app()
    except BrokenReferenceError as exc:
        err_console.print(f"[bold red]broken reference:[/] {exc}")
        sys.exit(EXIT_BROKEN_REFERENCE)
    except InpaintBenchError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        sys.exit(EXIT_BAD_INPUT)


if __name__ == "__main__":
    main()
