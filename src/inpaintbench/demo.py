"""The main job: the whole challenge, end to end, on data every install can make offline.

For each track, :func:`run_demo`

1. builds a small set with the project's own builders, every sample in the test split:
   humans from the shared real pose annotations (or, without them, from photographs
   posed by BlazePose); captions from the built-in offline videos and photographs;
   fingerprints from our synthetic generator;
2. runs every method that can run here (``inpaintbench methods``) with the runner,
   on every core;
3. scores each prediction folder with the challenge's scorer (humans with WNJD when
   the pose extra is installed; captions with the seconds per clip);
4. ranks them, prints the three leaderboards and writes ``report.html``.

Everything goes under ``out/``: ``sets/<track>/``, ``predictions/<track>/<method>/``,
``scores/<track>/<method>/``, ``leaderboards/<track>.{json,csv}``, ``real/`` (the
fingerprint methods on the real prints), ``demo.json`` (the manifest the report
reads) and ``report.html``. A second run reuses what the first finished.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from inpaintbench.errors import InputError, OptionError
from inpaintbench.io.atomic import write_json_atomic
from inpaintbench.io.outdir import LOCK_NAME, FolderLock, check_output_folder
from inpaintbench.tracks import Track

DEMO_SEED = 2018
TEST_ONLY = (0.0, 0.0, 1.0)  # no method here trains: every sample is scored
# Captions clips and predictions are H.264 as in the challenge, where the release and
# every submission were lossy MP4s. Lossless predictions would leave frames without a
# caption exact, with an infinite PSNR that the challenge's mean over frames keeps.
CAPTIONS_CRF = 18
# The captions speed ranking as the challenge ran it: clips done within a fixed time.
# The budget (start-up, then seconds per clip) is one the best method meets on two
# cores (temporal-fill: about 1 s a 128×128 clip on one core), so speed separates only
# the methods slower than that.
CAPTIONS_BUDGET_START = 10.0
CAPTIONS_BUDGET_PER_CLIP = 2.0


@dataclass(frozen=True)
class DemoSize:
    """How big each track's set is."""

    caption_videos_clips: int  # clips per built-in video
    caption_photos: int  # photographs made into one moving-camera clip each
    fingerprints: int  # pairs


SIZES = {
    "small": DemoSize(caption_videos_clips=1, caption_photos=3, fingerprints=24),
    "medium": DemoSize(caption_videos_clips=3, caption_photos=8, fingerprints=120),
    "large": DemoSize(caption_videos_clips=8, caption_photos=24, fingerprints=600),
}
# The shared real pose samples the humans set is cut from (../shared/data/real/pose).
HUMANS_SOURCES = ("coco", "crowdpose", "ochuman", "aic", "mhp", "mpii/test_mpii.json",
                  "posetrack18/annotations/test_posetrack18_val.json")
REAL_PRINTS = "fingerprint"  # ../shared/data/real/fingerprint/*.jpg
# Two real inputs of the challenge's track-3 test set, and FPD-M-net's restorations of them
CHALLENGE_INPUTS = "fingerprint/challenge/input"
CHALLENGE_RESTORED = "fingerprint/challenge/fpd-m-net"


def machine_description() -> str:
    """CPU model, core count and OS, in one line."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def _real_data() -> Path | None:
    from inpaintbench.data.captions.defaults import shared_dir

    real = shared_dir() / "data" / "real"
    return real if real.is_dir() else None


# --- sets ------------------------------------------------------------------------------------

def build_humans_set(out: Path, workers: int | None) -> Path:
    """Crops and masks from the real annotated photos (or BlazePose on photographs)."""
    from inpaintbench.data.humans.build import HumansBuildConfig, build_humans
    from inpaintbench.data.humans.sources import read_source

    real = _real_data()
    paths = [real / "pose" / s for s in HUMANS_SOURCES] if real else []
    paths = [p for p in paths if p.exists()]
    estimator = None
    if not paths:
        from inpaintbench.data.captions.defaults import OPENCV_DATA, SKIMAGE_DATA
        from inpaintbench.pose import load_estimator, pose_available

        if not pose_available():
            raise InputError(None, "the humans demo needs the shared real pose samples "
                             "(../shared/data/real/pose) or the pose extra to pose photographs",
                             "pip install 'inpaintbench[pose]'")
        estimator = load_estimator("blazepose")
        folder = out.parent / "humans-photos"
        folder.mkdir(parents=True, exist_ok=True)
        for photo in [SKIMAGE_DATA / "astronaut.png" if SKIMAGE_DATA else None,
                      OPENCV_DATA / "messi5.jpg", OPENCV_DATA / "basketball1.png"]:
            if photo and photo.is_file() and not (folder / photo.name).exists():
                (folder / photo.name).write_bytes(photo.read_bytes())
        paths = [folder]
    images, sources = [], []
    for path in paths:
        source = read_source(path, estimator=estimator)
        images += source.images
        sources.append({"name": source.name, "format": source.format, "path": str(path)})
    build_humans(images, out, HumansBuildConfig(seed=DEMO_SEED, split=TEST_ONLY),
                 sources=sources, workers=workers)
    return out / "test"


def build_captions_set(out: Path, size: DemoSize, workers: int | None) -> Path:
    """Clips from the built-in videos and a few photographs, subtitles burned in."""
    from inpaintbench.data.captions.build import CaptionsBuildConfig, build_captions
    from inpaintbench.data.captions.defaults import default_sources

    found = default_sources()
    sources = [s for s in found if s.kind == "video"]
    sources += [s for s in found if s.kind == "photo"][:size.caption_photos]
    config = CaptionsBuildConfig(seed=DEMO_SEED, split=TEST_ONLY, crf=CAPTIONS_CRF,
                                 clips_per_photo=1,
                                 max_clips_per_video=size.caption_videos_clips)
    build_captions(sources, out, config, workers=workers)
    return out / "test"


def build_fingerprints_set(out: Path, size: DemoSize, workers: int | None) -> Path:
    """Synthetic prints and their degraded inputs."""
    from inpaintbench.data.fingerprints.build import FingerprintsBuildConfig, build_fingerprints

    build_fingerprints(out, FingerprintsBuildConfig(count=size.fingerprints, seed=DEMO_SEED,
                                                    split=TEST_ONLY), workers=workers)
    return out


# --- runs ------------------------------------------------------------------------------------

def _detection(data: Path, metadata: Path, methods: list[str]) -> dict[str, Any]:
    """Caption detection IoU, precision and recall per difficulty class, per detector."""
    import numpy as np

    from inpaintbench.data.captions.render import decode_masks
    from inpaintbench.data.captions.stats import _class_of
    from inpaintbench.data.metadata import read_captions_metadata
    from inpaintbench.io.media import read_video
    from inpaintbench.methods.registry import create
    from inpaintbench.tracks import CLIP_FRAMES

    described = read_captions_metadata(metadata.parent)
    clips, width, height = described["clips"], described["width"], described["height"]
    # methods sharing one detector (equal settings) are measured once, under all their names
    detectors: list[tuple[Any, list[str]]] = []
    for name in methods:
        method = create(Track.CAPTIONS, name)
        if not hasattr(method, "detect"):
            continue
        key = getattr(method, "detector", method)
        for known, names in detectors:
            if known == key:
                names.append(name)
                break
        else:
            detectors.append((key, [name]))
    results: dict[str, Any] = {}
    for detector, names in detectors:
        tallies: dict[str, np.ndarray] = {}
        for clip, record in clips.items():
            found = detector.detect(read_video(data / "X" / f"{clip}.mp4"))
            truth = decode_masks(record["events"], CLIP_FRAMES, width, height)
            tally = tallies.setdefault(_class_of(record), np.zeros(4))
            tally += [(found & truth).sum(), (found | truth).sum(), found.sum(), truth.sum()]
        results[", ".join(names)] = {
            cls: {"iou": float(t[0] / t[1]) if t[1] else 1.0,
                  "precision": float(t[0] / t[2]) if t[2] else 1.0,
                  "recall": float(t[0] / t[3]) if t[3] else 1.0}
            for cls, t in sorted(tallies.items())}
    return results


def _real_prints(out: Path, methods: list[str]) -> dict[str, Any] | None:
    """Every fingerprint method on the real prints, for the report.

    ``inputs``/``predictions``: the two real prints (no ground truth). ``challenge``:
    two real inputs of the challenge's test set with FPD-M-net's (3rd place)
    restorations of them as a pseudo-reference, and each method's mean scores
    against it (the challenge's own metric code).
    """
    import numpy as np

    from inpaintbench.io.media import read_image_luma, read_image_rgb, write_image
    from inpaintbench.methods.registry import create
    from inpaintbench.scoring.fingerprints import image_scores

    real = _real_data()
    prints = sorted((real / REAL_PRINTS).glob("*.jpg")) if real else []
    challenge = sorted((real / CHALLENGE_INPUTS).glob("*.jpg")) if real else []
    challenge = [p for p in challenge if (real / CHALLENGE_RESTORED / p.name).is_file()]
    if not prints and not challenge:
        return None
    folder = out / "real"
    inputs, references = {}, {}
    for key, path in [*((p.stem, p) for p in prints),
                      *((f"challenge_{p.stem}", p) for p in challenge)]:
        target = folder / "inputs" / f"{key}.png"
        if not target.exists():
            write_image(target, read_image_rgb(path))
        inputs[key] = str(target.relative_to(out))
    for path in challenge:
        target = folder / "references" / f"challenge_{path.stem}.png"
        if not target.exists():
            write_image(target, read_image_luma(real / CHALLENGE_RESTORED / path.name))
        references[f"challenge_{path.stem}"] = str(target.relative_to(out))
    predictions, pseudo = {}, {}
    for name in methods:
        method = create(Track.FINGERPRINTS, name)
        scores = []
        for key, path in inputs.items():
            restored = method.restore(read_image_rgb(out / path))
            write_image(folder / name / f"{key}.png", restored)
            if key in references:
                scores.append(image_scores(read_image_luma(out / references[key]), restored))
        predictions[name] = str((folder / name).relative_to(out))
        if scores:
            pseudo[name] = {m: float(np.mean([s[m] for s in scores]))
                            for m in ("mse", "psnr", "ssim")}
    return {"inputs": inputs, "predictions": predictions, "references": references,
            "pseudo_scores": pseudo}


# What a demo folder holds (see the module docstring); anything else is not ours.
DEMO_ENTRIES = frozenset({"sets", "predictions", "scores", "leaderboards", "real", "demo.json",
                          "report.html", LOCK_NAME})


def check_demo_folder(out: Path) -> None:
    """Refuse an ``out`` that holds anything but a demo's own files (a first run's, to reuse)."""
    check_output_folder(out)
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in DEMO_ENTRIES)
        if foreign:
            raise InputError(out, f"holds files that are not a demo's ({', '.join(foreign[:3])}"
                             f"{', …' if len(foreign) > 3 else ''})",
                             "choose a new or empty --out folder")


def run_demo(out: str | Path, *, size: str = "small", workers: int | None = None,
             tracks: tuple[Track, ...] = tuple(Track), console: Console | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    """Build, run, score and rank every track; write ``demo.json`` and ``report.html``.

    ``progress(step, done, total)`` is called as the steps finish. Returns the manifest.
    """
    from inpaintbench.methods.registry import available
    from inpaintbench.methods.run import run_method
    from inpaintbench.reports.html import MANIFEST_JSON, write_report
    from inpaintbench.scoring import score
    from inpaintbench.scoring.leaderboard import (
        leaderboard_from_files,
        leaderboard_table,
        write_leaderboard,
    )

    if size not in SIZES:
        raise OptionError("size", f"{size!r} is not one of {', '.join(SIZES)}")
    out = Path(out)
    console = console or Console()
    started = time.perf_counter()
    chosen = SIZES[size]
    methods = {t: [m.name for m in available(t)] for t in tracks}
    kinds = {t: {m.name: m.kind for m in available(t)} for t in tracks}
    total = sum(2 * len(m) + 1 for m in methods.values())
    done = 0

    def step(label: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(label, done, total)

    check_demo_folder(out)
    with FolderLock(out, "demo"):
        manifest: dict[str, Any] = {
            "created": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "size": size,
            "machine": {"description": machine_description(), "cores": os.cpu_count()},
            "tracks": {}}
        pose_cache: dict[Any, Any] = {}
        for track in tracks:
            if not methods[track]:
                console.print(Text(f"{track.value}: no method can run here; skipped",
                                   style="yellow"))
                continue
            sets = out / "sets" / track.value
            if track is Track.HUMANS:
                data = build_humans_set(sets, workers)
            elif track is Track.CAPTIONS:
                data = build_captions_set(sets, chosen, workers)
            else:
                data = build_fingerprints_set(sets, chosen, workers)
            step(f"{track.value}: set built")
            entry: dict[str, Any] = {"number": track.number, "data": str(data.relative_to(out)),
                                     "methods": {}, "notes": []}
            score_files = []
            budget = None
            if track is Track.CAPTIONS:
                clips = sum(1 for _ in (data / "X").glob("*.mp4"))
                budget = CAPTIONS_BUDGET_START + CAPTIONS_BUDGET_PER_CLIP * clips
                entry["time_budget"] = budget
            for name in methods[track]:
                pred = out / "predictions" / track.value / name
                summary = run_method(track, name, data, pred, workers=workers,
                                     crf=CAPTIONS_CRF if track is Track.CAPTIONS else None,
                                     time_budget=budget)
                step(f"{track.value}: {name} run")
                options: dict[str, Any] = {"name": name}
                if track is Track.HUMANS:
                    options.update(pose="auto", pose_cache=pose_cache)
                result = score(track, data, pred, **options)
                json_path, _ = result.write(out / "scores" / track.value / name)
                score_files.append(json_path)
                step(f"{track.value}: {name} scored")
                entry["methods"][name] = {"kind": kinds[track][name],
                                          "pred": str(pred.relative_to(out)),
                                          "scores": str(json_path.relative_to(out)),
                                          "seconds_per_sample": summary.seconds_per_sample,
                                          "over_budget": list(summary.over_budget)}
                entry["notes"] += [n for n in result.settings.get("notices", [])
                                   if n not in entry["notes"]]
            board = leaderboard_from_files(score_files)
            console.print(leaderboard_table(board))
            board_path, _ = write_leaderboard(board, out / "leaderboards", stem=track.value)
            entry["leaderboard"] = str(board_path.relative_to(out))
            if track is Track.CAPTIONS:
                entry["metadata"] = str((sets / "metadata.json").relative_to(out))
                entry["detection"] = _detection(data, sets / "metadata.json", methods[track])
            if track is Track.FINGERPRINTS:
                from inpaintbench.data.fingerprints.build import split_folders

                entry["inputs"], entry["truths"] = split_folders("test")
                entry["real"] = _real_prints(out, methods[track])
            manifest["tracks"][track.value] = entry
        manifest["seconds"] = time.perf_counter() - started
        write_json_atomic(out / MANIFEST_JSON, manifest)
        report = write_report(out)
        console.print(Text(f"report: {report}\nsets, predictions, scores and leaderboards are "
                           f"under {out}/ (built in {manifest['seconds']:.0f} s)"))
        return manifest
