"""``inpaintbench clean`` on whole videos: speed at 360p, 720p, 1080p; quality on libass captions.

Speed: held-out real video (opencv-doc's vtest, 768×576 at 10 fps, the challenge's
split puts it in ``test``) scaled to 640×360, 1280×720 and 1920×1080, subtitles
burned in by FFmpeg's ``subtitles`` filter (libass), cleaned end to end by
:func:`inpaintbench.tools.clean.clean_video` — decode, detect, fill, encode, audio
copied — with both cores. Printed as frames per second and as a ratio to real time
(the video's own frame rate); the issue's goal is ≥ 25 fps at 640×360.

Quality: the held-out videos (vtest, Megamind) at their native sizes with subtitles
burned in each of the libass styles of ``bench_captions_libass.py``; PSNR of every
frame against the same video encoded without subtitles, before and after cleaning,
for each detector.

Run (needs Debian's ``ffmpeg``, built with libass):

    python benchmarks/bench_clean.py [--seconds 20] [--detectors classical learned]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from bench_captions_libass import STYLES, srt_time

from inpaintbench.io.media import read_video
from inpaintbench.tools.clean import DETECTORS, CleanOptions, clean_video
from inpaintbench.training.captions_data import sources_of_split

SIZES = ((640, 360), (1280, 720), (1920, 1080))
TARGET_FPS = 25.0  # at 640×360, on 2 cores (the issue)
CRF = 18
LINES = ("I told you we'd be late.", "Now look at them, all of them.",
         "Keep walking. Don't turn around.", "Where did you leave the car?",
         "We should have taken the train.", "Nobody saw anything, right?")


def write_srt(path: Path, seconds: float) -> Path:
    """A cue every 2.5 s (2 s on screen), cycling through :data:`LINES`."""
    cues, start, index = [], 0.3, 0
    while start + 2.0 < seconds:
        cues.append(f"{index + 1}\n{srt_time(start)} --> {srt_time(start + 2.0)}\n"
                    f"{LINES[index % len(LINES)]}\n")
        start, index = start + 2.5, index + 1
    path.write_text("\n".join(cues), encoding="utf-8")
    return path


def encode(source: Path, target: Path, seconds: float, filters: list[str]) -> Path:
    """``source``'s first ``seconds`` through ``filters``, H.264 CRF 18, with an AAC tone."""
    command = ["ffmpeg", "-v", "error", "-y", "-i", str(source), "-f", "lavfi", "-i",
               "sine=frequency=440:sample_rate=44100", "-t", str(seconds)]
    if filters:
        command += ["-vf", ",".join(filters)]
    command += ["-c:v", "libx264", "-crf", str(CRF), "-pix_fmt", "yuv420p", "-c:a", "aac",
                "-shortest", str(target)]
    subprocess.run(command, check=True)
    return target


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Mean over frames of each frame's PSNR (8-bit, all channels)."""
    errors = ((a.astype(np.float32) - b) ** 2).reshape(len(a), -1).mean(axis=1)
    return float(np.mean(10 * np.log10(255.0 ** 2 / np.maximum(errors, 1e-10))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="of each video")
    parser.add_argument("--detectors", nargs="*", default=list(DETECTORS), choices=DETECTORS)
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        parser.exit(1, "needs the ffmpeg command (Debian's ffmpeg has libass)\n")
    videos = {s.path.stem: s.path for s in sources_of_split("test") if s.kind == "video"}
    style = next(iter(STYLES.values()))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        srt = write_srt(folder / "cues.srt", args.seconds)
        print(f"Speed: vtest scaled, {args.seconds:.0f} s, libass subtitles, 2 cores")
        print(f"{'size':>10s} {'detector':>10s} {'frames':>7s} {'fps':>7s} {'× real time':>12s}")
        for width, height in SIZES:
            burned = encode(videos["vtest"], folder / f"x{height}.mp4", args.seconds,
                            [f"scale={width}:{height}",
                             f"subtitles={srt}:force_style='{style}'"])
            for detector in args.detectors:
                result = clean_video(burned, folder / f"o{height}.mp4",
                                     CleanOptions(detector=detector))
                rate = 10.0  # vtest's frame rate
                verdict = ("" if (width, height) != SIZES[0] else
                           f"  goal ≥ {TARGET_FPS:.0f} fps: "
                           f"{'yes' if result.fps >= TARGET_FPS else 'NO'}")
                print(f"{width}×{height:<5d} {detector:>10s} {result.frames:7d} "
                      f"{result.fps:7.1f} {result.fps / rate:11.1f}×{verdict}", flush=True)
        print("\nQuality: held-out videos at native size, PSNR (dB) against the clean "
              "encode, before → after")
        print(f"{'video':>10s} {'style':>14s} {'input':>7s} "
              + " ".join(f"{d:>10s}" for d in args.detectors))
        gains: dict[str, list[float]] = {d: [] for d in args.detectors}
        for name, video in videos.items():
            clean = read_video(encode(video, folder / "y.mp4", args.seconds, []), None,
                               max_pixels=None)
            for label, force in STYLES.items():
                burned_path = encode(video, folder / "x.mp4", args.seconds,
                                     [f"subtitles={srt}:force_style='{force}'"])
                before = psnr(clean, read_video(burned_path, max_pixels=None))
                row = []
                for detector in args.detectors:
                    result = clean_video(burned_path, folder / "o.mp4",
                                         CleanOptions(detector=detector))
                    after = psnr(clean, read_video(result.target, max_pixels=None))
                    gains[detector].append(after - before)
                    row.append(f"{after:10.2f}")
                print(f"{name:>10s} {label:>14s} {before:7.2f} " + " ".join(row), flush=True)
        print("mean gain: " + ", ".join(f"{d} {np.mean(g):+.2f} dB" for d, g in gains.items()))


if __name__ == "__main__":
    main()
