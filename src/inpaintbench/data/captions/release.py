"""Import the official ChaLearn track-2 release as it is, into the layout our tools read.

The release (CHALLENGE.md Track 2) is pairs of H.264 MP4 clips, ``X/<clip>.mp4``
captioned and ``Y/<clip>.mp4`` clean, 125 frames of 128×128 at 25 fps (the book says
256×256; both are accepted, one size per set: the first readable clip's), in one
folder per archive (seven training archives, a development set, a test set) with
file lists per split. :func:`find_release` accepts every arrangement of that:

- a folder holding ``X/`` (and ``Y/``) itself: one split, named by the folder
  (``train``, ``dev``…) or by ``split``;
- a folder of such folders, each named after its split: ``train``, ``training``,
  ``train_3``, ``training2`` → train; ``dev``, ``development``, ``val``,
  ``validation`` → val; ``test``, ``final`` → test;
- file lists (``*.txt`` in the release's root whose name starts with a split's
  name, one clip per line, by file name or path) that assign clips to splits,
  overriding the folders.

A clean clip is paired with its captioned one by the same file name, or by the
name with its leading ``X`` turned into ``Y`` (``X00042.mp4`` and ``Y00042.mp4``).
A test archive without ``Y/`` imports without ground truth.

:func:`import_release` checks each clip against the release's rules (decodable,
at least 125 frames, the set's size, 25 fps; a clip breaking one is skipped with the
rule named), hard-links (or copies) the files unchanged into
``OUT/<split>/X,Y/<clip>.mp4``, and writes the ``metadata.json`` and
``dataset.json`` of a built set. The release has no caption masks we can read, so
each clip's mask is estimated with the participants' recipe (CHALLENGE.md: the
caption mask of a pair is ``|X − Y| > 0.21`` on any channel, dilated twice with a
3×3 kernel) and stored per frame, marked ``estimated``, in the format of the
built sets' events, so mask-based breakdowns work on both.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench.data.captions.build import METADATA_JSON
from inpaintbench.data.common import (
    DATASET_JSON,
    SPLITS,
    Progress,
    building,
    part_path,
    run_parallel,
)
from inpaintbench.errors import InputError
from inpaintbench.io.atomic import atomic_path, read_json, write_json_atomic
from inpaintbench.io.media import decoder_guard, read_video
from inpaintbench.tracks import CLIP_FPS, CLIP_FRAMES, CLIP_SIZES

# The participants' recipe for a pair's caption mask (CHALLENGE.md, Track 2).
MASK_THRESHOLD = 0.21  # on |X − Y| in [0, 1], any channel
MASK_DILATIONS = 2  # 3×3 binary dilations
MASK_RULE = "|X - Y| > 0.21 on any channel, dilated twice with a 3x3 kernel"
RELEASE_FORMAT_VERSION = 1

SPLIT_ALIASES = {"train": "train", "training": "train", "dev": "val", "development": "val",
                 "val": "val", "valid": "val", "validation": "val", "test": "test",
                 "final": "test", "testing": "test"}
_SPLIT_NAME = re.compile(r"^([a-z]+?)[-_ ]?\d*$")  # train, training_3, train2, dev, test-1



def split_of_name(name: str) -> str | None:
    """The split a release folder or file list is named after, or None.

    >>> [split_of_name(n) for n in ("training_3", "dev", "Validation", "test", "extras")]
    ['train', 'val', 'val', 'test', None]
    """
    match = _SPLIT_NAME.match(name.lower())
    return SPLIT_ALIASES.get(match.group(1)) if match else None


@dataclass(frozen=True)
class ReleaseClip:
    """One clip of the release: its split, its captioned file and its clean one (if any)."""

    name: str
    split: str
    x: Path
    y: Path | None


def _clean_partner(x: Path) -> Path | None:
    folder = x.parent.parent / "Y"
    for name in (x.name, "Y" + x.name[1:] if x.name[:1] in "Xx" else None):
        if name and (folder / name).is_file():
            return folder / name
    return None


def _file_lists(root: Path) -> dict[str, str]:
    """Clip stem → split, from the release's file lists (empty when there are none)."""
    assigned: dict[str, str] = {}
    for path in sorted(root.glob("*.txt")):
        split = split_of_name(path.stem.split("_list")[0].split("-list")[0])
        if split is None:
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip():
                stem = Path(line.strip().replace("\\", "/")).stem
                assigned[stem] = split
                if stem[:1] in "Yy":  # a list of clean files names the captioned ones too
                    assigned.setdefault("X" + stem[1:], split)
    return assigned


def find_release(root: str | Path, *, split: str | None = None) -> list[ReleaseClip]:
    """Every clip of a release folder, in a stable order (layouts in the module docstring).

    Raises
    ------
    InputError
        When ``root`` is missing, holds no ``X/`` folder of clips, a split folder's
        name is not a split, or two clips share a name.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(root, "release folder not found")
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    if (root / "X").is_dir():
        folders = [(root, split or split_of_name(root.name) or "test")]
    else:
        folders = []
        for sub in sorted(p for p in root.iterdir() if (p / "X").is_dir()):
            named = split_of_name(sub.name)
            if named is None and split is None:
                raise InputError(sub, "is not named after a split (train, dev, val, test…)",
                                 "rename it, or pass --split")
            folders.append((sub, split or named))
    if not folders:
        raise InputError(root, "holds no X/ folder of captioned clips",
                         "a track-2 release is X/<clip>.mp4 and Y/<clip>.mp4, per split")
    listed = _file_lists(root) if split is None else {}
    clips: list[ReleaseClip] = []
    seen: dict[str, Path] = {}
    for folder, folder_split in folders:
        for x in sorted((folder / "X").glob("*.mp4")):
            name = x.stem
            if name in seen:
                raise InputError(x, f"has the same name as {seen[name]}",
                                 "clip names must be unique across the release")
            seen[name] = x
            clips.append(ReleaseClip(name, listed.get(x.stem, folder_split), x,
                                     _clean_partner(x)))
    return clips


def _sizes_text(sizes: tuple[int, ...]) -> str:
    return " or ".join(f"{s}×{s}" for s in sizes)


def clip_side(path: Path) -> int | None:
    """The side of a clip's square frames when it is a size a release has, from its header."""
    import av

    try:
        with av.open(str(path), options=decoder_guard(max(CLIP_SIZES) ** 2)) as container:
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
    except (av.FFmpegError, OSError, ValueError, IndexError):
        return None
    return width if width == height and width in CLIP_SIZES else None


def check_clip(path: Path, side: int | None = None) -> str | None:
    """The first release rule ``path`` breaks, or None: decodable, ``side``×``side`` (128 or
    256 when None), 25 fps, ≥125 frames.

    The size comes from the header, before any frame is decoded; FFmpeg is told to
    refuse frames far larger (:func:`~inpaintbench.io.media.decoder_guard`), also
    while it probes the file.
    """
    import av

    sides = CLIP_SIZES if side is None else (side,)
    guard = decoder_guard(max(sides) ** 2)
    try:
        with av.open(str(path), options=guard) as container:
            if not container.streams.video:
                return "holds no video stream"
            stream = container.streams.video[0]
            size = (stream.codec_context.width, stream.codec_context.height)
            if size[0] != size[1] or size[0] not in sides:
                return (f"is {size[0]}×{size[1]}; a track-2 clip of this set is "
                        f"{_sizes_text(sides)}")
            rate = stream.average_rate or stream.guessed_rate
            stream.codec_context.options = guard
            frames = stream.frames or sum(1 for _ in container.decode(stream))
    except (av.FFmpegError, OSError, ValueError) as exc:
        return f"is not a readable video ({exc})"
    if rate is None or abs(Fraction(rate) - CLIP_FPS) > Fraction(1, 100):
        return f"runs at {float(rate or 0):g} fps; a track-2 clip runs at {CLIP_FPS}"
    if frames < CLIP_FRAMES:
        return f"holds {frames} frames; a track-2 clip holds {CLIP_FRAMES}"
    return None


def estimated_mask(captioned: np.ndarray, clean: np.ndarray) -> np.ndarray:
    """The participants' caption mask of a pair, bool ``(T, H, W)`` (:data:`MASK_RULE`)."""
    from scipy.ndimage import binary_dilation

    diff = np.abs(captioned.astype(np.int16) - clean.astype(np.int16)).max(axis=-1)
    mask = diff > MASK_THRESHOLD * 255
    structure = np.zeros((3, 3, 3), bool)
    structure[1] = True  # 3×3 within each frame, never across frames
    return binary_dilation(mask, structure, iterations=MASK_DILATIONS) if mask.any() else mask


def _mask_records(mask: np.ndarray) -> list[dict[str, Any]]:
    """One event-like record per run of frames with the same mask, footprint cropped to it."""
    from inpaintbench.data.captions.render import FOOTPRINT_KEY, encode_footprint

    records = []
    start = 0
    for t in range(1, len(mask) + 1):
        if t < len(mask) and np.array_equal(mask[t], mask[start]):
            continue
        if mask[start].any():
            rows, cols = np.flatnonzero(mask[start].any(1)), np.flatnonzero(mask[start].any(0))
            y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
            records.append({"start": start, "end": t, "estimated": MASK_RULE,
                            FOOTPRINT_KEY: encode_footprint(mask[start, y0:y1, x0:x1],
                                                            (x0, y0, x1, y1))})
        start = t
    return records


def _place(source: Path, target: Path, link: bool) -> None:
    """``target`` becomes ``source``'s bytes: a hard link when allowed, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        if link:
            try:
                tmp.unlink()  # the temporary name is free again for the link
                os.link(source, tmp)
                return
            except OSError:  # another file system, or links not allowed
                pass
        shutil.copyfile(source, tmp)


def import_clip(clip: ReleaseClip, out: Path, link: bool, masks: bool,
                side: int) -> dict[str, Any]:
    """Check, place and (optionally) estimate the mask of one clip; its part record."""
    for path in (clip.x, clip.y):
        problem = path and check_clip(path, side)
        if problem:
            return {"name": clip.name, "problem": f"{path}: {problem}"}
    record: dict[str, Any] = {"name": clip.name, "problem": None}
    if masks and clip.y is not None:
        try:
            release_size = (side, side)
            mask = estimated_mask(
                read_video(clip.x, max_frames=CLIP_FRAMES, expect_size=release_size),
                read_video(clip.y, max_frames=CLIP_FRAMES, expect_size=release_size))
        except InputError as exc:  # damaged past the header
            return {"name": clip.name, "problem": str(exc)}
        record["events"] = _mask_records(mask)
        record["per_frame_coverage"] = [round(float(v), 6) for v in mask.mean(axis=(1, 2))]
    folder = out / clip.split
    _place(clip.x, folder / "X" / f"{clip.name}.mp4", link)
    if clip.y is not None:
        _place(clip.y, folder / "Y" / f"{clip.name}.mp4", link)
    return record


def _run(clip: ReleaseClip, out: Path, link: bool, masks: bool, side: int) -> dict[str, Any]:
    record = import_clip(clip, out, link, masks, side)
    write_json_atomic(part_path(out, clip.name), record, indent=None)
    return record


@dataclass
class ImportSummary:
    """What an import produced."""

    out: Path
    clips: dict[str, int]
    without_truth: int
    skipped: list[str]
    resumed: int

    def describe(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.clips.items())
        return (f"{sum(self.clips.values())} clips ({counts}), {self.without_truth} without "
                f"ground truth; {len(self.skipped)} skipped; resumed {self.resumed}")


def import_release(root: str | Path, out: str | Path, *, split: str | None = None,
                   link: bool = True, masks: bool = True, workers: int | None = None,
                   progress: Progress | None = None) -> ImportSummary:
    """Import a track-2 release into ``out`` (see the module docstring); resumable.

    Raises
    ------
    InputError
        When the release cannot be found (see :func:`find_release`), ``out`` holds
        something else, or no clip passes the release's rules.
    """
    root, out = Path(root), Path(out)
    clips = find_release(root, split=split)
    # one size per set: the first clip whose header has a release's size sets it
    side = next((s for s in map(clip_side, (c.x for c in clips)) if s is not None), None)
    if side is None:
        raise InputError(root, f"holds no clip of {_sizes_text(CLIP_SIZES)} frames",
                         f"a track-2 release's clips are {_sizes_text(CLIP_SIZES)}")
    config = {"format_version": RELEASE_FORMAT_VERSION, "release": str(root.resolve()),
              "split": split, "masks": masks}
    with building(out, config, "captions"):
        description: dict[str, Any] = {"kind": "inpaintbench-captions", "imported": True,
                                       "config": config, "complete": False}
        write_json_atomic(out / DATASET_JSON, description)
        parts: dict[str, dict[str, Any]] = {}
        todo = []
        for clip in clips:
            path = part_path(out, clip.name)
            if path.exists():
                parts[clip.name] = read_json(path)
            else:
                todo.append(clip)
        resumed = len(parts)

        def finished(clip: ReleaseClip, part: dict[str, Any]) -> None:
            parts[clip.name] = part
            if progress:
                progress(len(parts), len(clips))

        if progress:
            progress(len(parts), len(clips))
        # forkserver: the clips' headers were read with FFmpeg here, whose locks a fork
        # could copy while held (a worker then hangs)
        run_parallel(todo, _run, (out, link, masks, side), workers or os.cpu_count() or 1,
                     finished, start_method="forkserver")

        skipped = [parts[c.name]["problem"] for c in clips if parts[c.name]["problem"]]
        entries = {}
        for clip in clips:
            part = parts[clip.name]
            if part["problem"]:
                continue
            coverage = part.get("per_frame_coverage")
            entries[clip.name] = {
                "split": clip.split, "source": "chalearn-release", "source_path": str(clip.x),
                "source_kind": "release", "clean_path": str(clip.y) if clip.y else None,
                "motion": None, "start": None, "end": None,
                "coverage": float(np.mean(coverage)) if coverage else None,
                "per_frame_coverage": coverage or [], "difficulty": [],
                "events": part.get("events", [])}
        if not entries:
            raise InputError(root, "holds no clip that passes the release's rules",
                             "; ".join(skipped[:3]))
        metadata = {"frames": CLIP_FRAMES, "fps": CLIP_FPS, "width": side,
                    "height": side, "mask_rule": MASK_RULE if masks else None,
                    "clips": dict(sorted(entries.items()))}
        write_json_atomic(out / METADATA_JSON, metadata, indent=None)
        counts = Counter(c["split"] for c in entries.values())
        without_truth = sum(c["clean_path"] is None for c in entries.values())
        description.update(complete=True, clips={s: counts.get(s, 0) for s in SPLITS},
                           without_truth=without_truth, skipped=skipped)
        write_json_atomic(out / DATASET_JSON, description)
        return ImportSummary(out, description["clips"], without_truth, skipped, resumed)
