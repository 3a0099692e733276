"""The main job: a small example of each track, scored and ranked end to end.

Until the full datasets and methods exist, the demo builds a small example set per
track from media every install has (scikit-image's ``astronaut``, ``coffee`` and
``chelsea`` photographs), runs the untouched input and one or two classical methods
on it, scores every prediction folder with the challenge's scorer and prints one
leaderboard per track. Everything goes under ``out/``:

``sets/<track>/`` (release layout), ``predictions/<track>/<method>/``,
``scores/<track>/<method>/scores.{json,txt}``, ``leaderboards/<track>.{csv,json}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from rich.console import Console
from scipy import ndimage

from inpaintbench.io.atomic import atomic_path, write_text_atomic
from inpaintbench.io.media import read_video, write_video
from inpaintbench.tracks import (
    CLIP_FPS,
    CLIP_FRAMES,
    CLIP_SIZE,
    FINGERPRINT_HEIGHT,
    FINGERPRINT_WIDTH,
    Track,
)

DEMO_SEED = 2018
HOLE_VALUE = 255  # track 1 inputs show the holes in white (CHALLENGE.md, release layout)
# Track 1 block sizes: min(w, h)/20 < s < min(w, h)/3, at most 10 blocks (thesis §2).
BLOCK_MIN_FRACTION, BLOCK_MAX_FRACTION, MAX_BLOCKS = 1 / 20, 1 / 3, 10


def _save_png(path: Path, array: np.ndarray) -> None:
    with atomic_path(path) as tmp:
        Image.fromarray(array).save(tmp, format="PNG")


# --- track 1 ---------------------------------------------------------------------------------

def example_blocks(height: int, width: int, rng: np.random.Generator,
                   n_blocks: int) -> list[list[int]]:
    """Non-overlapping square blocks ``[row, col, size]`` with the thesis's size rule."""
    short = min(height, width)
    lo, hi = int(short * BLOCK_MIN_FRACTION) + 1, int(np.ceil(short * BLOCK_MAX_FRACTION)) - 1
    taken = np.zeros((height, width), bool)
    blocks: list[list[int]] = []
    for _ in range(50 * n_blocks):
        if len(blocks) == n_blocks:
            break
        size = int(rng.integers(lo, hi + 1))
        row, col = int(rng.integers(0, height - size)), int(rng.integers(0, width - size))
        if not taken[row:row + size, col:col + size].any():
            taken[row:row + size, col:col + size] = True
            blocks.append([row, col, size])
    return blocks


def build_humans(out: Path, rng: np.random.Generator) -> Path:
    from skimage import data

    astronaut = data.astronaut()
    crops = {"astronaut_full": astronaut, "astronaut_upper": astronaut[:360, 60:460],
             "astronaut_face": astronaut[20:300, 120:380],
             "astronaut_torso": astronaut[150:512, :300]}
    maskdata = {}
    for name, image in crops.items():
        image = np.ascontiguousarray(image)
        blocks = example_blocks(*image.shape[:2], rng, int(rng.integers(3, 7)))
        holes = image.copy()
        for row, col, size in blocks:
            holes[row:row + size, col:col + size] = HOLE_VALUE
        _save_png(out / "X" / f"{name}.png", holes)
        _save_png(out / "Y" / f"{name}.png", image)
        maskdata[name] = blocks
    write_text_atomic(out / "maskdata.json", json.dumps(maskdata, indent=1))
    return out


def _humans_method(fill: Callable[[np.ndarray, np.ndarray], np.ndarray]):
    def run(data: Path, pred: Path) -> None:
        maskdata = json.loads((data / "maskdata.json").read_text())
        for name, blocks in maskdata.items():
            image = np.asarray(Image.open(data / "X" / f"{name}.png").convert("RGB"))
            mask = np.zeros(image.shape[:2], bool)
            for row, col, size in blocks:
                mask[row:row + size, col:col + size] = True
            _save_png(pred / f"{name}.png", fill(image, mask))
    return run


def _mean_fill(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each hole takes the mean colour of a 4-px ring of known pixels around it."""
    out = image.copy()
    labels, n = ndimage.label(mask)
    for region in range(1, n + 1):
        hole = labels == region
        ring = ndimage.binary_dilation(hole, iterations=4) & ~mask
        out[hole] = image[ring].mean(axis=0).round().astype(np.uint8)
    return out


def _biharmonic(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    from skimage.restoration import inpaint_biharmonic

    filled = inpaint_biharmonic(image, mask, channel_axis=-1)
    return (np.clip(filled, 0, 1) * 255).round().astype(np.uint8)


# --- track 2 ---------------------------------------------------------------------------------

def _pan_clip(photo: np.ndarray, start: tuple[int, int], stop: tuple[int, int]) -> np.ndarray:
    """A 125-frame 256×256 clip of a camera panning linearly across a photograph."""
    t = np.linspace(0.0, 1.0, CLIP_FRAMES)
    rows = np.round(start[0] + t * (stop[0] - start[0])).astype(int)
    cols = np.round(start[1] + t * (stop[1] - start[1])).astype(int)
    return np.stack([photo[r:r + CLIP_SIZE, c:c + CLIP_SIZE]
                     for r, c in zip(rows, cols, strict=True)])


def _burn_subtitle(frames: np.ndarray, text: str, first: int, last: int, box: bool) -> None:
    font = ImageFont.load_default(size=18)
    for index in range(first, last):
        image = Image.fromarray(frames[index])
        draw = ImageDraw.Draw(image, "RGBA")
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font, stroke_width=2)
        x, y = (CLIP_SIZE - (right - left)) // 2, CLIP_SIZE - 40
        if box:
            draw.rectangle((x - 6, y - 4, x + right - left + 6, y + bottom - top + 6),
                           fill=(0, 0, 0, 160))
        draw.text((x, y), text, font=font, fill=(255, 255, 255), stroke_width=2,
                  stroke_fill=(0, 0, 0))
        frames[index] = np.asarray(image)


def build_captions(out: Path, rng: np.random.Generator) -> Path:
    from skimage import data

    photos = {"astronaut_pan": (data.astronaut(), (0, 0), (200, 256)),
              "coffee_pan": (data.coffee(), (144, 0), (0, 344))}
    lines = ["Where did you put the keys?", "We leave at dawn.", "I never said that.",
             "Look behind you!"]
    for name, (photo, start, stop) in photos.items():
        clean = _pan_clip(photo, start, stop)
        captioned = clean.copy()
        split = int(rng.integers(50, 75))
        _burn_subtitle(captioned, lines[int(rng.integers(len(lines)))], 5, split, box=False)
        _burn_subtitle(captioned, lines[int(rng.integers(len(lines)))], split + 3, 120, box=True)
        write_video(out / "Y" / f"{name}.mp4", clean, CLIP_FPS)
        write_video(out / "X" / f"{name}.mp4", captioned, CLIP_FPS)
    return out


def _captions_method(process: Callable[[np.ndarray], np.ndarray]):
    def run(data: Path, pred: Path) -> None:
        for clip in sorted((data / "X").glob("*.mp4")):
            write_video(pred / clip.name, process(read_video(clip)), CLIP_FPS)
    return run


TEMPORAL_MEDIAN_FRAMES = 9


def _temporal_median(frames: np.ndarray) -> np.ndarray:
    """Per-pixel median over a sliding window of frames (classical blind text removal)."""
    return ndimage.median_filter(frames, size=(TEMPORAL_MEDIAN_FRAMES, 1, 1, 1), mode="nearest")


# --- track 3 ---------------------------------------------------------------------------------

def _example_print(rng: np.random.Generator) -> np.ndarray:
    """A whorl-like ridge pattern (dark ridges on white) — a stand-in until the generator."""
    h, w = FINGERPRINT_HEIGHT, FINGERPRINT_WIDTH
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    cy, cx = h * rng.uniform(0.4, 0.55), w * rng.uniform(0.4, 0.6)
    period = rng.uniform(8.0, 10.0)  # 500-dpi ridge periods are about 8–11 px
    radius = np.hypot((x - cx) / rng.uniform(0.8, 1.0), (y - cy))
    phase = 2 * np.pi * radius / period + 0.8 * np.sin(np.arctan2(y - cy, x - cx) * 2)
    ridges = 0.5 + 0.5 * np.cos(phase)
    silhouette = ((x - w / 2) / (0.45 * w)) ** 2 + ((y - h / 2) / (0.47 * h)) ** 2 < 1
    return (255 * (1 - ridges * silhouette)).round().astype(np.uint8)


def _degrade(print_: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    grey = ndimage.gaussian_filter(print_.astype(np.float64), rng.uniform(0.8, 1.6))
    grey = 128 + (grey - 128) * rng.uniform(0.4, 0.8)
    background = ndimage.gaussian_filter(rng.normal(0, 25, grey.shape), 3)
    grey = np.minimum(grey, 200 + background)
    for _ in range(int(rng.integers(3, 8))):  # light scratches crossing the print
        image = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8))
        ImageDraw.Draw(image).line([tuple(rng.uniform(0, 400, 2)), tuple(rng.uniform(0, 400, 2))],
                                   fill=235, width=int(rng.integers(1, 4)))
        grey = np.asarray(image).astype(np.float64)
    tint = np.array([1.0, rng.uniform(0.9, 1.0), rng.uniform(0.8, 0.95)])
    return np.clip(grey[..., None] * tint, 0, 255).astype(np.uint8)


def build_fingerprints(out: Path, rng: np.random.Generator, count: int = 6) -> Path:
    for index in range(count):
        truth = _example_print(rng)
        _save_png(out / "test_ground-truth" / f"print_{index:03d}.png", truth)
        with atomic_path(out / "test_input" / f"print_{index:03d}.jpg") as tmp:
            Image.fromarray(_degrade(truth, rng)).save(tmp, format="JPEG", quality=90)
    return out


def _fingerprints_method(restore: Callable[[np.ndarray], np.ndarray]):
    def run(data: Path, pred: Path) -> None:
        for path in sorted((data / "test_input").glob("*.jpg")):
            grey = np.asarray(Image.open(path).convert("L"))
            _save_png(pred / f"{path.stem}.png", restore(grey))
    return run


LOCAL_NORMALISATION_SIGMA = 8.0  # a little under one ridge period squared: local contrast


def _local_normalisation(grey: np.ndarray) -> np.ndarray:
    """Classical print enhancement: remove the local mean, divide by the local deviation."""
    g = grey.astype(np.float64)
    mean = ndimage.gaussian_filter(g, LOCAL_NORMALISATION_SIGMA)
    std = np.sqrt(ndimage.gaussian_filter((g - mean) ** 2, LOCAL_NORMALISATION_SIGMA)) + 4
    return np.clip(255 * (0.5 + 0.25 * (g - mean) / std) + 40, 0, 255).astype(np.uint8)


# --- the job ---------------------------------------------------------------------------------

BUILDERS = {Track.HUMANS: build_humans, Track.CAPTIONS: build_captions,
            Track.FINGERPRINTS: build_fingerprints}
METHODS = {
    Track.HUMANS: {"input": _humans_method(lambda image, mask: image),
                   "mean-fill": _humans_method(_mean_fill),
                   "biharmonic": _humans_method(_biharmonic)},
    Track.CAPTIONS: {"input": _captions_method(lambda frames: frames),
                     "temporal-median": _captions_method(_temporal_median)},
    Track.FINGERPRINTS: {"input": _fingerprints_method(lambda grey: grey),
                         "local-normalisation": _fingerprints_method(_local_normalisation)},
}


def run_demo(out: str | Path, *, console: Console | None = None,
             progress: Callable[[int, int], None] | None = None) -> dict[Track, Path]:
    """Build, run, score and rank the example of every track; return the leaderboard files."""
    from inpaintbench.scoring import score
    from inpaintbench.scoring.leaderboard import (
        leaderboard_from_files,
        leaderboard_table,
        write_leaderboard,
    )

    out = Path(out)
    console = console or Console()
    total = sum(len(m) for m in METHODS.values()) + len(BUILDERS)
    done = 0
    boards = {}
    for track, builder in BUILDERS.items():
        data = builder(out / "sets" / track.value, np.random.default_rng(DEMO_SEED))
        done += 1
        score_files = []
        for method, run in METHODS[track].items():
            pred = out / "predictions" / track.value / method
            run(data, pred)
            result = score(track, data, pred, name=method)
            json_path, _ = result.write(out / "scores" / track.value / method)
            score_files.append(json_path)
            done += 1
            if progress:
                progress(done, total)
        board = leaderboard_from_files(score_files)
        console.print(leaderboard_table(board))
        boards[track], _ = write_leaderboard(board, out / "leaderboards", stem=track.value)
    console.print(f"sets, predictions, scores and leaderboards are under {out}/")
    return boards
