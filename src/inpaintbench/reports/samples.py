"""The sample images of a report: input, each method's prediction, truth, per track.

Each function returns grids as ``(title, heads, rows)``: ``heads`` names the
columns (``input``, one per method, ``truth``), ``rows`` is ``(label, images)``
with ``uint8`` images.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench.data.metadata import read_captions_metadata
from inpaintbench.io.media import (
    IMAGE_SUFFIXES,
    VIDEO_SUFFIXES,
    read_image_luma,
    read_image_rgb,
    read_video,
)
from inpaintbench.scoring.common import list_files

SAMPLES = 3  # rows per grid
NO_PREDICTION_GREY = 128  # a captions clip a method did not finish within the budget
Grid = tuple[str, list[str], list[tuple[str, list[np.ndarray]]]]


def _pick(names: list[str], count: int) -> list[str]:
    """``count`` names spread over the sorted list (first, middle, last…)."""
    names = sorted(names)
    if len(names) <= count:
        return names
    return [names[round(i * (len(names) - 1) / (count - 1))] for i in range(count)]


def _humans(out: Path, entry: dict[str, Any]) -> Iterator[Grid]:
    data = out / entry["data"]
    methods = entry["methods"]
    names = _pick(list(list_files(data / "Y", IMAGE_SUFFIXES)), SAMPLES)
    rows = []
    for name in names:
        images = [read_image_rgb(list_files(data / "X", IMAGE_SUFFIXES)[name])]
        for method in methods.values():
            images.append(read_image_rgb(out / method["pred"] / f"{name}.png"))
        images.append(read_image_rgb(list_files(data / "Y", IMAGE_SUFFIXES)[name]))
        rows.append((name, images))
    yield "Samples: input (holes in white), each method, original", \
        ["input", *methods, "truth"], rows


def _captions(out: Path, entry: dict[str, Any]) -> Iterator[Grid]:
    data = out / entry["data"]
    methods = entry["methods"]
    clips = (read_captions_metadata((out / entry["metadata"]).parent)["clips"]
             if entry.get("metadata") else {})
    names = list(list_files(data / "Y", VIDEO_SUFFIXES))
    # the clips with the most caption area, so the grid shows what the methods do
    names = sorted(names, key=lambda n: -(clips.get(n, {}).get("coverage") or 0))[:SAMPLES]
    rows = []
    for name in names:
        coverage = clips.get(name, {}).get("per_frame_coverage") or [0]
        t = int(np.argmax(coverage))
        frame = [read_video(data / "X" / f"{name}.mp4", max_frames=t + 1)[-1]]
        for method in methods.values():
            predicted = out / method["pred"] / f"{name}.mp4"
            # a clip left undone (past a time budget) has no prediction: a grey frame
            frame.append(read_video(predicted, max_frames=t + 1)[-1] if predicted.is_file()
                         else np.full_like(frame[0], NO_PREDICTION_GREY))
        frame.append(read_video(data / "Y" / f"{name}.mp4", max_frames=t + 1)[-1])
        rows.append((f"{name} · frame {t}", frame))
    yield ("Samples: the most captioned frame of a clip (grey: no prediction within the "
           "time budget)", ["input", *methods, "truth"], rows)


def _fingerprints(out: Path, entry: dict[str, Any]) -> Iterator[Grid]:
    data = out / entry["data"]
    methods = entry["methods"]
    inputs = list_files(data / entry["inputs"], IMAGE_SUFFIXES)
    truths = list_files(data / entry["truths"], IMAGE_SUFFIXES)
    rows = []
    for name in _pick(list(truths), SAMPLES):
        images = [read_image_rgb(inputs[name])]
        images += [read_image_luma(out / m["pred"] / f"{name}.png") for m in methods.values()]
        images.append(read_image_luma(truths[name]))
        rows.append((name, images))
    yield "Samples: degraded input, each method, ground truth", \
        ["input", *methods, "truth"], rows
    real = entry.get("real")
    if real:
        shown = [m for m in methods if m in real["predictions"]]
        references = real.get("references", {})
        for title, keys, last in (
                ("The same methods on real prints (no ground truth)",
                 [k for k in sorted(real["inputs"]) if k not in references], []),
                ("Real challenge inputs; last, FPD-M-net's restoration (a pseudo-reference)",
                 sorted(references), ["FPD-M-net (3rd)"])):
            rows = []
            for name in keys:
                images = [read_image_rgb(out / real["inputs"][name])]
                images += [read_image_luma(out / real["predictions"][m] / f"{name}.png")
                           for m in shown]
                if last:
                    images.append(read_image_luma(out / references[name]))
                rows.append((name, images))
            if rows:
                yield title, ["input", *shown, *last], rows


def sample_images(out: Path, track: str, entry: dict[str, Any]) -> Iterator[Grid]:
    """The sample grids of one track of a demo (see the module docstring)."""
    yield from {"humans": _humans, "captions": _captions,
                "fingerprints": _fingerprints}[track](out, entry)
