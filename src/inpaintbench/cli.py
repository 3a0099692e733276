"""The ``inpaintbench`` command: a thin shell over the library.

Exit codes, and what bad input gets, are in :mod:`inpaintbench.cli_common`
(``EXIT_CODES``) and the README's "When something is wrong" section.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated

import typer

from inpaintbench import __version__
from inpaintbench.cli_common import (
    EXIT_OK,
    LoggedProgress,
    SchedulerOption,
    choice,
    console,
    err_console,
    in_range,
    on_cluster,
    output_folder,
    positive,
    progress_bar,
    run_app,
    say,
    warn,
    workers_option,
)
from inpaintbench.data.cli import data_app
from inpaintbench.tracks import CLIP_FRAMES, Track

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="The ChaLearn LAP inpainting challenge: datasets, methods, scoring, "
                       "leaderboards. Tracks: humans (1), captions (2), fingerprints (3).")
app.add_typer(data_app, name="data")

X264_CRF_RANGE = (0, 51)  # x264's CRF scale: 0 lossless … 51 worst
MAX_FRAMES = 60 * 25  # --frames: a minute at 25 fps; a clip is held whole in memory
MAX_TIME_BUDGET = 7 * 24 * 3600.0  # --time-budget: a week; more is surely a typo

# Library keyword → the flag that sets it, for errors raised past the door.
FLAGS = {"directions": "--direction", "metrics": "--metrics", "reference": "--reference",
         "preset": "--preset", "ties": "--ties", "method": "--method", "split": "--split",
         "keep_fraction": "--keep", "difficulty": "--difficulty", "frames": "--frames",
         "boxes": "--box", "area_mask": "--mask", "mask": "--mask"}


def _track(value: str | None) -> Track | None:
    if value is None:
        return None
    try:
        return Track.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--track") from exc


def _version(value: bool) -> None:
    if value:
        say(f"inpaintbench {__version__}")
        raise typer.Exit()


def _metric_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [m.strip() for m in value.split(",")]
    if not all(names):
        raise typer.BadParameter(f"{value!r}: give metric names separated by commas, "
                                 "e.g. mse,psnr", param_hint="--metrics")
    return names


def _directions(values: list[str] | None) -> list[str] | None:
    from inpaintbench.scoring.leaderboard import parse_directions

    try:
        parse_directions(values or [])
    except ValueError as exc:
        raise typer.BadParameter(str(getattr(exc, "rule", exc)),
                                 param_hint="--direction") from exc
    return values


def _pose_choices() -> tuple[str, ...]:
    from inpaintbench.scoring.humans import POSE_CHOICES

    return POSE_CHOICES


def _pose_references() -> tuple[str, ...]:
    from inpaintbench.scoring.humans import POSE_REFERENCES

    return POSE_REFERENCES


def _presets() -> tuple[str, ...]:
    from inpaintbench.scoring.leaderboard import PRESETS

    return tuple(PRESETS)


def _tie_rules() -> tuple[str, ...]:
    from inpaintbench.scoring.leaderboard import TIE_RULES

    return TIE_RULES


def _demo_sizes() -> tuple[str, ...]:
    from inpaintbench.demo import SIZES

    return tuple(SIZES)


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False):
    """InpaintBench."""


@app.command()
@on_cluster
def score(
    track: Annotated[str, typer.Option(
        "--track", "-t", callback=_track, help="humans|captions|fingerprints or 1|2|3")],
    ref: Annotated[Path, typer.Option(help="Reference set in the track's release layout.")],
    pred: Annotated[Path, typer.Option(help="Prediction folder (<name>.png / <clip>.mp4).")],
    out: Annotated[Path | None, typer.Option(
        callback=output_folder(), help="Write scores.json and scores.txt here.")] = None,
    name: Annotated[str | None, typer.Option(help="Submission name (default: the folder's).")]
    = None,
    split: Annotated[str | None, typer.Option(help="Fingerprints: which <split>_ground-truth.")]
    = None,
    frames: Annotated[int, typer.Option(callback=in_range("--frames", 1, MAX_FRAMES),
                                        help="Captions: frames scored per clip.")] = CLIP_FRAMES,
    pose: Annotated[str, typer.Option(
        callback=choice("--pose", _pose_choices),
        help="Humans: pose estimator of WNJD — auto (BlazePose if the pose extra is "
             "installed), blazepose, or none.")] = "auto",
    pose_reference: Annotated[str, typer.Option(
        callback=choice("--pose-reference", _pose_references),
        help="Humans: the original's joints from the 'estimator' run on Y/, or from the "
             "set's joints.json 'annotations'.")] = "estimator",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary line.")]
    = False,
    scheduler: SchedulerOption = None,
) -> None:
    """Score a prediction folder exactly as the challenge's scoring program did."""
    from inpaintbench.reports.console import print_score
    from inpaintbench.scoring import score as score_fn

    chosen = Track.parse(track)
    options: dict = {"name": name}
    if chosen is Track.HUMANS:
        options["pose"] = pose
        options["pose_reference"] = pose_reference
    if chosen is Track.CAPTIONS:
        options["frames"] = frames
    if chosen is Track.FINGERPRINTS:
        options["split"] = split
    with progress_bar(f"scoring {chosen.value}") as bar:
        task = bar.add_task("score", total=None)
        options["progress"] = lambda done, total: bar.update(task, completed=done, total=total)
        result = score_fn(chosen, ref, pred, **options)
    if quiet:
        say(" ".join(f"{k}={v:.6g}" for k, v in {**result.metrics, **result.secondary}.items()))
        for notice in result.settings.get("notices", []):
            warn("notice", notice)
    else:
        print_score(result, console)
    if out is not None:
        json_path, txt_path = result.write(out)
        say(f"wrote {json_path} and {txt_path}")


@app.command()
def leaderboard(
    scores: Annotated[list[str], typer.Argument(
        help="scores.json files, folders holding one, table files, or book:<table>.")],
    direction: Annotated[list[str] | None, typer.Option(
        "--direction", "-d", callback=_directions,
        help="METRIC=higher|lower, overriding the default.")] = None,
    preset: Annotated[str | None, typer.Option(
        callback=choice("--preset", _presets),
        help="Direction preset: historical-2018 ranks track-2 DSSIM higher-better.")] = None,
    ties: Annotated[str, typer.Option(callback=choice("--ties", _tie_rules),
                                      help="min (ties share a rank), average or ordinal.")]
    = "min",
    metrics: Annotated[str | None, typer.Option(
        help="Comma-separated metrics to rank on (default: the track's).")] = None,
    reference: Annotated[list[str] | None, typer.Option(
        help="Baseline names ranked beside, not among, the participants.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", callback=output_folder(),
        help="Write leaderboard.csv and leaderboard.json here.")] = None,
) -> None:
    """Rank submissions: one rank per metric, final rank = mean of ranks."""
    from inpaintbench.scoring import leaderboard as lb

    board = lb.leaderboard_from_files(
        scores, directions=lb.parse_directions(direction or []), preset=preset, ties=ties,
        metrics=_metric_list(metrics), reference=reference or ())
    console.print(lb.leaderboard_table(board))
    if out is not None:
        json_path, csv_path = lb.write_leaderboard(board, out)
        say(f"wrote {json_path} and {csv_path}")


@app.command("methods")
def list_methods(
    track: Annotated[str | None, typer.Option(
        "--track", "-t", callback=_track,
        help="Only this track: humans|captions|fingerprints or 1|2|3.")] = None,
) -> None:
    """List every method with its track, kind and a one-line description."""
    from rich.table import Table
    from rich.text import Text

    from inpaintbench.methods.registry import entries

    # one track asked for: its name is the title, and the description gets the room
    table = Table(*(() if track else ("track",)), "method", "kind", "description",
                  title=f"{track.value} (track {track.number})" if track else None)
    for entry in entries(track):
        info = entry.info
        description = Text(info.description)
        if info.reference:
            description.append(f" ({info.reference})", style="dim")
        if entry.missing:
            description.append(f" unavailable: {entry.missing}", style="yellow")
        table.add_row(*(() if track else (info.track.value,)), info.name, info.kind,
                      description)
    console.print(table)


@app.command()
@on_cluster
def run(
    track: Annotated[str, typer.Option(
        "--track", "-t", callback=_track, help="humans|captions|fingerprints or 1|2|3")],
    method: Annotated[str, typer.Option("--method", "-m", help="See `inpaintbench methods`.")],
    data: Annotated[Path, typer.Option(help="A set in the track's release layout (or a split).")],
    out: Annotated[Path, typer.Option("--out", callback=output_folder(),
                                      help="The prediction folder.")],
    split: Annotated[str | None, typer.Option(
        help="The split to run on when DATA holds several.")] = None,
    workers: Annotated[int | None, typer.Option(
        callback=workers_option, help="Processes (default: all cores).")] = None,
    crf: Annotated[int | None, typer.Option(
        callback=in_range("--crf", *X264_CRF_RANGE),
        help="Captions: write predicted clips lossy at this x264 CRF (default: lossless).")]
    = None,
    time_budget: Annotated[float | None, typer.Option(
        "--time-budget", callback=in_range("--time-budget", 0, MAX_TIME_BUDGET, low_open=True),
        help="Seconds: process samples in name order until they are spent; the rest get no "
             "prediction (the challenge's track-2 speed ranking).")] = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Run a method over a set: predictions in the release layout, timed, resumable."""
    from inpaintbench.methods.run import run_method

    chosen = Track.parse(track)
    with progress_bar(f"{chosen.value} · {method}") as bar:
        task = bar.add_task("samples", total=None)
        summary = run_method(chosen, method, data, out, split=split, workers=workers,
                             crf=crf, time_budget=time_budget,
                             progress=lambda done, total: bar.update(
                                 task, completed=done, total=total))
    for sample, problem in summary.problems.items():
        if sample not in summary.over_budget:
            warn(f"skipped {sample}", problem)
    if summary.over_budget:
        warn("over budget", f"{len(summary.over_budget)} sample(s) not done within the "
                            f"budget, first {summary.over_budget[0]}; they score the penalty")
    say(summary.describe())


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", callback=output_folder(),
                                      help="Where the demo writes its sets and scores.")]
    = Path("demo-out"),
    size: Annotated[str, typer.Option(
        callback=choice("--size", _demo_sizes),
        help="small (a few minutes on 2 cores), medium or large.")] = "small",
    workers: Annotated[int | None, typer.Option(
        callback=workers_option, help="Processes (default: all cores).")] = None,
) -> None:
    """The main job: build a set per track, run every method, score, rank, write report.html."""
    from inpaintbench.demo import run_demo

    with progress_bar("demo", steps=True) as bar:
        task = bar.add_task("building the humans set", total=None)
        run_demo(out, size=size, workers=workers, console=console,
                 progress=lambda label, done, total: bar.update(
                     task, completed=done, total=total, description=label))


def _clean_out(value: Path) -> Path:
    from inpaintbench.tools.clean import CONTAINERS, VIDEO_SUFFIXES

    suffix = value.suffix.lower()
    if suffix in VIDEO_SUFFIXES and suffix not in CONTAINERS:
        raise typer.BadParameter(f"{value}: cannot write {suffix} files; name one ending in "
                                 f"{', '.join(CONTAINERS)}", param_hint="--out")
    return _file_or_folder_out(tuple(CONTAINERS))(value)


@app.command()
def clean(
    videos: Annotated[list[Path], typer.Argument(
        help="Video files, or folders of videos (any container and codec FFmpeg reads).")],
    out: Annotated[Path, typer.Option(
        "--out", callback=_clean_out,
        help="The output video (one input, a name ending .mp4/.m4v/.mov/.mkv) or a folder.")],
    box: Annotated[list[str] | None, typer.Option(
        "--box", help="x,y,w,h in px: look for captions only there (repeatable).")] = None,
    mask: Annotated[Path | None, typer.Option(
        "--mask", help="A PNG the frame's size: look for captions only where it is white.")]
    = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Fill the --box/--mask area on every frame (a logo, a station bug).")]
    = False,
    dilate: Annotated[int | None, typer.Option(
        callback=in_range("--dilate", 0, 64),
        help="Px to grow each found caption by (halos; default: 1 per 128 px of height, ≥ 2).")]
    = None,
    detector: Annotated[str, typer.Option(
        callback=choice("--detector", ("classical", "learned")),
        help="classical (temporal-fill's; the default) or learned (caption-mask-fill's).")]
    = "classical",
    crf: Annotated[int, typer.Option(
        callback=in_range("--crf", *X264_CRF_RANGE), help="x264 quality, 0 lossless … 51.")]
    = 18,
    preview: Annotated[bool, typer.Option(
        "--preview", help="Also write NAME.preview.mp4: input and output side by side.")]
    = False,
    start: Annotated[float | None, typer.Option(
        callback=in_range("--start", 0), help="Seconds: begin here.")] = None,
    end: Annotated[float | None, typer.Option(
        callback=in_range("--end", 0, low_open=True), help="Seconds: stop here.")] = None,
) -> None:
    """Remove burned-in captions from videos; audio and subtitle streams copied, resumable."""
    from inpaintbench.tools.clean import Box, CleanOptions, clean_paths

    options = CleanOptions(boxes=tuple(Box.parse(b) for b in box or ()), area_mask=mask,
                           force=force, dilate=dilate, detector=detector, crf=crf,
                           preview=preview, start=start, end=end)
    with progress_bar("clean", steps=True) as bar:
        task = bar.add_task("", total=None)
        clock = {"name": None, "t0": 0.0}

        def report(name: str, done: int, total: int | None) -> None:
            import time

            if clock["name"] != name:
                clock.update(name=name, t0=time.perf_counter(), first=done)
            elapsed = time.perf_counter() - clock["t0"]
            rate = (done - clock["first"]) / elapsed if elapsed > 0 else 0.0
            bar.update(task, completed=done, total=total, description=f"{name} · {rate:.1f} fps")

        results = clean_paths(videos, out, options, progress=report)
    for result in results:
        for dropped in result.streams_dropped:
            warn("dropped", f"{result.source}: stream {dropped} does not fit "
                            f"{result.target.suffix}; try --out with .mkv")
        resumed = f", {result.resumed_segments} segment(s) resumed" \
            if result.resumed_segments else ""
        say(f"{result.target}: {result.frames} frames {result.size[0]}×{result.size[1]} in "
            f"{result.seconds:.1f} s ({result.fps:.1f} fps), {100 * result.masked:.2f}% of "
            f"pixels filled; kept {', '.join(result.streams_copied) or 'no other stream'}"
            f"{resumed}" + (f"; preview {result.preview}" if result.preview else ""))


def _file_or_folder_out(suffixes: tuple[str, ...]) -> Callable[[Path], Path]:
    def check(value: Path) -> Path:
        if value.suffix.lower() in suffixes:
            if value.is_dir():
                raise typer.BadParameter(f"{value}: is a folder; name a file, or drop the "
                                         f"suffix", param_hint="--out")
            output_folder("--out")(value.parent if str(value.parent) else Path("."))
            return value
        return output_folder("--out")(value)
    return check


def _image_out(value: Path) -> Path:
    from inpaintbench.tools.inpaint import IMAGE_SUFFIXES

    return _file_or_folder_out(IMAGE_SUFFIXES)(value)


@app.command("inpaint")
def inpaint_command(
    images: Annotated[list[Path], typer.Argument(help="Images, or folders of images.")],
    out: Annotated[Path, typer.Option(
        "--out", callback=_image_out,
        help="The output image (one input, a name with an image suffix) or a folder of PNGs.")],
    mask: Annotated[Path | None, typer.Option(
        "--mask", help="A PNG the image's size, white where to fill; for several images a "
                       "folder of masks named as the images.")] = None,
    box: Annotated[list[str] | None, typer.Option(
        "--box", help="x,y,w,h in px: a rectangle to fill (repeatable).")] = None,
    method: Annotated[str, typer.Option(
        "--method", "-m", help="A humans-track method (inpaintbench methods -t humans).")]
    = "biharmonic",
) -> None:
    """Fill holes in photos: each hole on a crop around it, only its pixels pasted back."""
    from inpaintbench.tools.clean import Box
    from inpaintbench.tools.inpaint import inpaint_paths

    boxes = tuple(Box.parse(b) for b in box or ())
    with progress_bar(f"inpaint · {method}") as bar:
        task = bar.add_task("images", total=None)
        results = inpaint_paths(images, out, mask=mask, boxes=boxes, method=method,
                                progress=lambda done, total: bar.update(
                                    task, completed=done, total=total))
    for result in results:
        say(f"{result.target}: {result.size[0]}×{result.size[1]}, {100 * result.filled:.2f}% "
            f"filled in {result.seconds:.2f} s")


@app.command("restore")
def restore_command(
    prints: Annotated[list[Path], typer.Argument(help="Fingerprint images, or folders.")],
    out: Annotated[Path, typer.Option(
        "--out", callback=_image_out,
        help="The output PNG (one input, a name with an image suffix) or a folder.")],
    method: Annotated[str, typer.Option(
        "--method", "-m", help="A fingerprints method (inpaintbench methods -t fingerprints).")]
    = "cvxtz-unet",
    period: Annotated[float | None, typer.Option(
        callback=in_range("--period", 3, 40),
        help="The prints' ridge period in px (default: measured on each).")] = None,
) -> None:
    """Restore fingerprint images of any size and resolution: grey PNGs the inputs' size."""
    from inpaintbench.tools.restore import restore_paths

    with progress_bar(f"restore · {method}") as bar:
        task = bar.add_task("prints", total=None)
        results = restore_paths(prints, out, method=method, period=period,
                                progress=lambda done, total: bar.update(
                                    task, completed=done, total=total))
    for result in results:
        say(f"{result.target}: {result.size[0]}×{result.size[1]}, ridge period "
            f"{result.period:.1f} px, {result.seconds:.2f} s")


def _positive_minutes(value: float | None) -> float | None:
    return in_range("--max-minutes", 0, None, low_open=True)(value)


def _weights_file(value: Path) -> Path:
    if value.suffix != ".pt":
        raise typer.BadParameter(f"{value}: a weights file ends in .pt", param_hint="--out")
    output_folder("--out")(value.parent)
    if value.is_dir():
        raise typer.BadParameter(f"{value}: is a folder; give a file name", param_hint="--out")
    return value


@app.command("train")
def train_command(
    config: Annotated[str, typer.Argument(
        help="A config file, or a shipped config's name (fingerprints/cvxtz-unet).")],
    data: Annotated[Path | None, typer.Option(
        help="Fingerprints: a set built by `data fingerprints build`; captions: the folder "
             "of the config's training builds, made there when missing (default: build the "
             "config's recipe in the run folder).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", callback=output_folder(),
        help="The run folder (default: runs/<method>).")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Go on with the run in --out from its last checkpoint.")] = False,
    max_minutes: Annotated[float | None, typer.Option(
        callback=_positive_minutes,
        help="Stop, checkpointed, after this many minutes (default: the config's).")] = None,
    max_steps: Annotated[int | None, typer.Option(
        callback=positive("--max-steps"), help="Stop after this step.")] = None,
    device: Annotated[str, typer.Option(
        callback=choice("--device", ("cpu", "cuda")), help="cpu or cuda.")] = "cpu",
    threads: Annotated[int | None, typer.Option(
        callback=in_range("--threads", 1, 256),
        help="torch threads (default: every core).")] = None,
    workers: Annotated[int | None, typer.Option(
        callback=workers_option, help="Processes for building the data.")] = None,
) -> None:
    """Train a network from its config: checkpoints, exact resume, validation, log.csv."""
    from rich.progress import BarColumn, TextColumn, TimeRemainingColumn

    from inpaintbench.training.config import load_config
    from inpaintbench.training.loop import train

    chosen = load_config(config)  # method names are [a-z0-9-]: safe in a rich template
    run_dir = out or Path("runs") / chosen.method.name
    columns = (TextColumn(f"train {chosen.method.name}"), BarColumn(),
               TextColumn("{task.completed}/{task.total} · loss {task.fields[loss]} · "
                          "{task.fields[rate]} steps/s"), TimeRemainingColumn())
    with LoggedProgress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("steps", total=chosen.schedule.steps, loss="–", rate="–")
        result = train(chosen, run_dir, data=data, resume=resume, max_minutes=max_minutes,
                       max_steps=max_steps, device=device, threads=threads, workers=workers,
                       progress=lambda step, total, loss, rate: bar.update(
                           task, completed=step, loss=f"{loss:.4g}", rate=f"{rate:.2f}"),
                       on_status=lambda message: bar.update(task, loss=message))
    say(result.describe())


@app.command("export")
def export_command(
    run_dir: Annotated[Path, typer.Argument(help="A run folder of `inpaintbench train`.")],
    out: Annotated[Path, typer.Option("--out", callback=_weights_file,
                                      help="The weights file to write (.pt).")],
) -> None:
    """Write a run's best weights (float16) with its config, data recipe and figures."""
    from inpaintbench.training.checkpoint import export_weights, file_size_mb

    record = export_weights(run_dir, out)
    figures = record["validation"]
    say(f"wrote {out} ({file_size_mb(out):.1f} MB): step {record['training']['steps']}, "
        "validation " + ", ".join(f"{name.upper()} {value:.4g}"
                                  for name, value in figures.items()))


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the app; every error becomes one line and an exit code."""
    code = run_app(app, argv, flags=FLAGS)
    if code != EXIT_OK:
        sys.exit(code)


__all__ = ["app", "err_console", "main"]

if __name__ == "__main__":
    main()
