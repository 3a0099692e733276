"""``inpaintbench data …``: build the tracks' datasets from the command line."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from inpaintbench.cli_common import (
    SchedulerOption,
    choice,
    in_range,
    on_cluster,
    output_folder,
    positive,
    progress_bar,
    say,
    seed_option,
    warn,
    workers_option,
)
from inpaintbench.tracks import CLIP_SIZE, CLIP_SIZES

data_app = typer.Typer(no_args_is_help=True, help="Build and inspect the tracks' datasets.")
humans_app = typer.Typer(no_args_is_help=True,
                         help="Track 1: person crops from pose datasets or photos, block masks.")
data_app.add_typer(humans_app, name="humans")

DIFFICULTIES = ("easy", "medium", "hard")  # the book's subtitle classes (§3.2)


def _split(value: str) -> tuple[float, float, float]:
    from inpaintbench.data.humans.build import BOOK_SPLIT, THESIS_SPLIT

    named = {"thesis": THESIS_SPLIT, "book": BOOK_SPLIT}
    if value in named:
        return named[value]
    try:
        parts = tuple(float(p) for p in value.split("/"))
    except ValueError:
        parts = ()
    if len(parts) != 3 or not all(math.isfinite(p) and p >= 0 for p in parts) \
            or sum(parts) <= 0:
        raise typer.BadParameter(f"{value!r}: use thesis (60/20/20), book (70/15/15) or three "
                                 "numbers ≥ 0 like 60/20/20", param_hint="--split")
    return tuple(p / sum(parts) for p in parts)  # type: ignore[return-value]


def _existing_folder(option: str):
    def check(value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            problem = "is not a folder" if value.exists() else "not found"
            raise typer.BadParameter(f"{value}: {problem}", param_hint=option)
        return value
    return check


def _splits() -> tuple[str, ...]:
    from inpaintbench.data.common import SPLITS

    return SPLITS


@humans_app.command("build")
@on_cluster
def humans_build(
    sources: Annotated[list[Path], typer.Argument(
        help="Annotation files or folders: COCO-like JSON, MPII (.mat or JSON), LSP "
             "joints.mat, an official ChaLearn track-1 folder, or a folder of photos.")],
    out: Annotated[Path, typer.Option("--out", callback=output_folder(),
                                      help="The set's folder.")],
    seed: Annotated[int, typer.Option(callback=seed_option, help="Seed of the masks.")] = 0,
    split: Annotated[str, typer.Option(
        callback=_split,
        help="thesis (60/20/20), book (70/15/15) or train/val/test like 60/20/20.")]
    = "thesis",
    image_root: Annotated[Path | None, typer.Option(
        callback=_existing_folder("--image-root"),
        help="Where the photos of an annotation file are, if not beside it.")] = None,
    pose: Annotated[str, typer.Option(
        callback=choice("--pose", ("blazepose", "none")),
        help="Pose estimator for photos without annotations: blazepose or none.")]
    = "blazepose",
    workers: Annotated[int | None, typer.Option(
        callback=workers_option, help="Processes (default: all cores).")] = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Crop every annotated person, draw the thesis's block masks, write X/ Y/ maskdata.json."""
    from inpaintbench.data.common import DATASET_JSON, check_resumable
    from inpaintbench.data.humans.build import HumansBuildConfig, build_humans
    from inpaintbench.data.humans.sources import read_source
    from inpaintbench.data.humans.stats import write_statistics

    config = HumansBuildConfig(seed=seed, split=split)  # type: ignore[arg-type]
    # before the sources are read (posing photos takes minutes): refuse a wrong --out now
    check_resumable(out, DATASET_JSON, config.to_json(), "humans")
    estimator = None
    if pose != "none":
        from inpaintbench.pose import load_estimator, pose_available

        if pose_available():
            estimator = load_estimator(pose)
    images, described = [], []
    for path in sources:
        source = read_source(path, estimator=estimator, image_root=image_root)
        found = list(source.images)
        described.append({"path": str(path), "format": source.format, "name": source.name,
                          "photos": len(found)})
        images.extend(found)
        say(f"{path}: {source.format}, {len(found)} photos", stderr=True)
    with progress_bar("building") as bar:
        task = bar.add_task("building", total=len(images))
        summary = build_humans(images, out, config, sources=described, workers=workers,
                               progress=lambda done, total: bar.update(task, completed=done,
                                                                        total=total))
    for problem in summary.unreadable:
        warn("skipped", problem)
    json_path, png_path = write_statistics(out)
    say(summary.describe())
    say(f"wrote {out} (statistics: {json_path.name}, {png_path.name})")


@humans_app.command("stats")
def humans_stats(
    folder: Annotated[Path, typer.Argument(help="A built set, or one release-layout folder.")],
    out: Annotated[Path | None, typer.Option(
        callback=output_folder(), help="Where to write stats.json and stats.png.")] = None,
) -> None:
    """Mask statistics of a set: block sizes, blocks per image, on joints, masked fraction."""
    from inpaintbench.data.humans.stats import write_statistics

    json_path, png_path = write_statistics(folder, out)
    say(f"wrote {json_path} and {png_path}")


captions_app = typer.Typer(no_args_is_help=True,
                           help="Track 2: 5-second 128×128 (or 256×256) clips with subtitles.")
data_app.add_typer(captions_app, name="captions")


@captions_app.command("build")
@on_cluster
def captions_build(
    videos: Annotated[list[Path] | None, typer.Argument(
        help="Videos to cut into clips (any format PyAV reads).")] = None,
    out: Annotated[Path, typer.Option("--out", callback=output_folder(),
                                      help="The set's folder.")] = Path("captions-set"),
    default: Annotated[bool, typer.Option(
        "--default", help="Use the built-in offline sources: the shared real videos, "
                          "Debian's opencv-doc videos, moving-camera clips from photos.")]
    = False,
    photos: Annotated[list[Path] | None, typer.Option(
        "--photo", help="Photographs to make moving-camera clips from (repeatable).")] = None,
    srts: Annotated[list[Path] | None, typer.Option(
        "--srt", help="A video's own SubRip subtitles, burned in at their real times instead "
                      "of drawn ones; goes with the video of the same name (repeatable).")]
    = None,
    seed: Annotated[int, typer.Option(callback=seed_option,
                                      help="Seed of the subtitles and camera motions.")] = 0,
    lossless: Annotated[bool, typer.Option(
        help="Write X and Y without codec error (the caption mask is then exactly X != Y).")]
    = False,
    keep: Annotated[float | None, typer.Option(
        callback=in_range("--keep", 0, 1, low_open=True),
        help="Keep this fraction of clips, those with the most subtitle coverage "
             "(the challenge kept 0.7).")] = None,
    difficulty: Annotated[str | None, typer.Option(
        callback=choice("--difficulty", DIFFICULTIES),
        help="Only easy, medium or hard subtitles (default: a mix).")] = None,
    max_clips: Annotated[int | None, typer.Option(
        callback=positive("--max-clips"), help="At most this many clips per video.")] = None,
    frame_size: Annotated[int, typer.Option(
        "--frame-size", callback=choice("--frame-size", CLIP_SIZES),
        help="The frames' side: 128 as the release, or 256 as the book says.")] = CLIP_SIZE,
    workers: Annotated[int | None, typer.Option(
        callback=workers_option, help="Processes (default: all cores).")] = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Cut videos into challenge clips, burn in subtitles, write X/ Y/ and metadata.json."""
    from inpaintbench.data.captions.build import (
        CaptionsBuildConfig,
        build_captions,
        user_sources,
    )
    from inpaintbench.data.captions.defaults import default_sources
    from inpaintbench.data.captions.stats import write_captions_statistics, write_contact_sheet

    config = CaptionsBuildConfig(seed=seed, lossless=lossless, keep_fraction=keep,
                                 difficulty=difficulty, max_clips_per_video=max_clips,
                                 frame_size=frame_size)
    sources = user_sources(videos or [], photos or [], srts or [])
    if default or not sources:
        found = default_sources()
        say(f"built-in sources: {sum(s.kind == 'video' for s in found)} videos, "
            f"{sum(s.kind == 'photo' for s in found)} photographs", stderr=True)
        sources += found
    with progress_bar("building clips") as bar:
        task = bar.add_task("clips", total=None)
        summary = build_captions(sources, out, config, workers=workers,
                                 progress=lambda done, total: bar.update(task, completed=done,
                                                                          total=total))
    for problem in summary.skipped:
        warn("skipped", problem)
    json_path, png_path = write_captions_statistics(out)
    sheet = write_contact_sheet(out)
    say(summary.describe())
    say(f"wrote {out} ({json_path.name}, {png_path.name}, {sheet.name})")


@captions_app.command("import")
@on_cluster
def captions_import(
    release: Annotated[Path, typer.Argument(
        help="The official ChaLearn track-2 release: X/, Y/ per split folder, file lists.")],
    out: Annotated[Path, typer.Option("--out", callback=output_folder(),
                                      help="The set's folder.")] = Path("captions-set"),
    split: Annotated[str | None, typer.Option(
        callback=choice("--split", _splits),
        help="Put every clip in this split (train, val or test) instead of reading it from "
             "folder names and file lists.")] = None,
    link: Annotated[bool, typer.Option(
        help="Hard-link the clips when the file system allows (else copy them).")] = True,
    masks: Annotated[bool, typer.Option(
        help="Estimate each clip's caption mask (|X - Y| > 0.21, dilated twice).")] = True,
    workers: Annotated[int | None, typer.Option(
        callback=workers_option, help="Processes (default: all cores).")] = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Import the official release as it is: check every clip, link it, write metadata.json."""
    from inpaintbench.data.captions.release import import_release
    from inpaintbench.data.captions.stats import write_captions_statistics, write_contact_sheet

    with progress_bar("importing clips") as bar:
        task = bar.add_task("clips", total=None)
        summary = import_release(release, out, split=split, link=link, masks=masks,
                                 workers=workers,
                                 progress=lambda done, total: bar.update(task, completed=done,
                                                                         total=total))
    for problem in summary.skipped:
        warn("skipped", problem)
    say(summary.describe())
    if masks:
        json_path, png_path = write_captions_statistics(out)
        say(f"wrote {json_path.name} and {png_path.name}")
    if summary.without_truth == 0:
        say(f"wrote {write_contact_sheet(out)}")


@captions_app.command("stats")
def captions_stats(
    folder: Annotated[Path, typer.Argument(help="A set built by `data captions build`.")],
    out: Annotated[Path | None, typer.Option(
        callback=output_folder(), help="Where to write the files.")] = None,
) -> None:
    """Missing-part ratio statistics (book Fig. 3) and a contact sheet of a captions set."""
    from inpaintbench.data.captions.stats import write_captions_statistics, write_contact_sheet

    json_path, png_path = write_captions_statistics(folder, out)
    sheet = write_contact_sheet(folder, out)
    say(f"wrote {json_path}, {png_path} and {sheet}")


from inpaintbench.data.fingerprints.cli import fingerprints_app  # noqa: E402

data_app.add_typer(fingerprints_app, name="fingerprints")
