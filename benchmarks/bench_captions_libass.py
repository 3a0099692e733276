"""Track-2 methods on subtitles we did not draw: burned in by FFmpeg's ``subtitles`` filter.

Our own builder draws the captions every method was tuned on; a real release had
another renderer. This benchmark cuts clean clips from real videos with the
project's cutter (at the release's 128×128 by default), writes a SubRip file of
two cues, and burns it in with FFmpeg's ``subtitles`` filter (libass) in a few
styles, each clip encoded H.264 CRF 18 as the release was: ``Y`` the clean clip
through the same encoder, ``X`` with the subtitles. Every captions method then
decaptions ``X``; the table gives each method's PSNR against ``Y`` and its gain over
the untouched input, per style, and the detection IoU against the release's mask
recipe (``|X − Y| > 0.21``, dilated twice), the mask the participants estimated.
Run (needs Debian's ``ffmpeg``, built with libass):

    python benchmarks/bench_captions_libass.py [--videos V …] [--clips 2] [--frame-size 128]
        [--methods identity temporal-fill]

Default videos: the built-in offline ones the challenge's 60/20/20 split puts in
``test`` (opencv-doc's Megamind and vtest): the learned methods trained on the
``train`` part (tree among them), so these are held out from every network.
libass sizes its fonts on a 288-line canvas scaled to the frame, so the styles'
font sizes scale with ``--frame-size`` by themselves.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import torch

from inpaintbench.data.captions.clips import cut_clips
from inpaintbench.data.captions.release import estimated_mask
from inpaintbench.errors import InputError
from inpaintbench.io.media import read_video, write_video
from inpaintbench.methods.captions.detect import detection_scores
from inpaintbench.methods.registry import available, create
from inpaintbench.scoring.metrics import frame_metrics
from inpaintbench.tracks import CLIP_SIZE, CLIP_SIZES, Track
from inpaintbench.training.captions_data import sources_of_split

CRF = 18  # the release's clips were lossy H.264
CUES = ((0.4, 2.3, "I told you we'd be late.\nNow look at them."),
        (2.8, 4.7, "Keep walking. Don't turn around."))
# ASS styles for force_style (colours &HAABBGGRR): libass's own look, not ours.
STYLES = {
    "white-outline": "FontName=DejaVu Sans,FontSize=18,PrimaryColour=&H00FFFFFF,"
                     "OutlineColour=&H00000000,BorderStyle=1,Outline=1.5,Shadow=0",
    "yellow-shadow": "FontName=Liberation Sans,FontSize=20,Bold=1,PrimaryColour=&H0000FFFF,"
                     "BorderStyle=1,Outline=0,Shadow=1.5",
    "opaque-box": "FontName=DejaVu Serif,FontSize=20,PrimaryColour=&H00FFFFFF,"
                  "BackColour=&H00000000,OutlineColour=&H00000000,BorderStyle=3,Outline=2,"
                  "Shadow=0",
    "large-italic": "FontName=DejaVu Sans,FontSize=28,Italic=1,PrimaryColour=&H00F0F0F0,"
                    "OutlineColour=&H00202020,BorderStyle=1,Outline=2,Shadow=1",
}


def srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_srt(path: Path) -> Path:
    path.write_text("".join(f"{i}\n{srt_time(a)} --> {srt_time(b)}\n{text}\n\n"
                            for i, (a, b, text) in enumerate(CUES, 1)), encoding="utf-8")
    return path


def ffmpeg(source: Path, target: Path, filters: str | None = None) -> Path:
    """``source`` re-encoded H.264 CRF 18 yuv420p, through ``filters`` when given."""
    command = ["ffmpeg", "-v", "error", "-y", "-i", str(source)]
    if filters:
        command += ["-vf", filters]
    command += ["-c:v", "libx264", "-crf", str(CRF), "-pix_fmt", "yuv420p", "-an", str(target)]
    subprocess.run(command, check=True)
    return target


def clean_clips(videos: list[Path], per_video: int, size: int, folder: Path) -> list[Path]:
    """Lossless clean clips cut from ``videos`` by the project's cutter."""
    masters = []
    for video in videos:
        try:
            for clip in cut_clips(video, max_clips=per_video, size=size):
                masters.append(write_video(folder / f"{video.stem}_{clip.index}.mp4",
                                           clip.frames, lossless=True))
        except InputError as exc:  # too short, unreadable: said, and left out
            print(f"skipped: {exc}")
    return masters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", nargs="*", type=Path,
                        help="clean videos (default: the built-in offline ones)")
    parser.add_argument("--clips", type=int, default=2, help="clips per video")
    parser.add_argument("--frame-size", type=int, default=CLIP_SIZE, choices=CLIP_SIZES)
    parser.add_argument("--methods", nargs="*", help="captions methods (default: all)")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        parser.exit(1, "needs the ffmpeg command (Debian's ffmpeg has libass)\n")
    cv2.setNumThreads(1)  # one core per method, as the runner gives each worker
    torch.set_num_threads(1)
    videos = args.videos or [s.path for s in sources_of_split("test") if s.kind == "video"]
    names = args.methods or [m.name for m in available(Track.CAPTIONS)]
    methods = {name: create(Track.CAPTIONS, name) for name in names}
    psnr: dict[tuple[str, str], list[float]] = {}
    ious: dict[tuple[str, str], list[float]] = {}
    seconds: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        srt = write_srt(folder / "cues.srt")
        masters = clean_clips(videos, args.clips, args.frame_size, folder)
        print(f"{len(masters)} clean {args.frame_size}×{args.frame_size} clips from "
              f"{len(videos)} videos; {len(STYLES)} libass styles")
        for master in masters:
            clean = read_video(ffmpeg(master, folder / "y.mp4"))
            for style, force in STYLES.items():
                burned = read_video(ffmpeg(master, folder / "x.mp4",
                                           f"subtitles={srt}:force_style='{force}'"))
                truth = estimated_mask(burned, clean)
                for name, method in methods.items():
                    start = time.perf_counter()
                    out = method.decaption(burned)
                    seconds[name].append(time.perf_counter() - start)
                    psnr.setdefault((style, name), []).append(
                        float(np.mean(np.minimum(frame_metrics(clean, out)["psnr"], 100.0))))
                    try:
                        found = method.detect(burned)
                    except AttributeError:  # no detector (the floor, a learned decaptioner)
                        continue
                    ious.setdefault((style, name), []).append(
                        detection_scores(found, truth)["iou"])
            print(f"  {master.stem} done", flush=True)
    print("\nmean PSNR (dB; a frame's PSNR capped at 100) against the clean clip, gain over "
          "the untouched input in brackets; detection IoU against |X - Y| > 0.21 dilated\n")
    print(f"{'method':18s} {'s/clip':>7s} " + " ".join(f"{s:>22s}" for s in STYLES)
          + f" {'all':>16s}")
    for name in names:
        cells = []
        for style in STYLES:
            value = np.mean(psnr[(style, name)])
            gain = value - np.mean(psnr[(style, "identity")]) if "identity" in names else 0.0
            iou = f" IoU {np.mean(ious[(style, name)]):.2f}" if (style, name) in ious else ""
            cells.append(f"{value:6.2f} ({gain:+5.2f}){iou:>8s}")
        overall = np.mean([np.mean(psnr[(s, name)]) for s in STYLES])
        base = np.mean([np.mean(psnr[(s, "identity")]) for s in STYLES]) \
            if "identity" in names else overall
        print(f"{name:18s} {np.mean(seconds[name]):7.2f} " + " ".join(f"{c:>22s}" for c in cells)
              + f" {overall:7.2f} ({overall - base:+5.2f})")


if __name__ == "__main__":
    main()
