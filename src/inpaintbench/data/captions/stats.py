"""Statistics of a built track-2 set: the missing-part ratio (book Fig. 3), a contact sheet.

The book (seed 001 §3.2, Fig. 3) shows the distribution of the missing part —
the fraction of a frame the overlay covers — over the video dataset. We plot it
per clip (mean over frames) and per frame, by difficulty class, from
``metadata.json`` alone, and write a contact sheet of sample frames with the
captioned frame above the clean one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench.data.common import STATS_JSON, STATS_PNG, save_figure
from inpaintbench.data.metadata import read_captions_metadata
from inpaintbench.io.atomic import atomic_path, write_json_atomic
from inpaintbench.io.media import read_video

CONTACT_SHEET_PNG = "contact_sheet.png"
CLASSES = ("easy", "medium", "hard")
UNKNOWN = "unknown"  # imported release clips: the class is not published


def _metadata(root: Path) -> dict[str, Any]:
    return read_captions_metadata(root)


def _class_of(clip: dict[str, Any]) -> str:
    classes = clip.get("difficulty") or [UNKNOWN]
    return max(classes, key=lambda c: CLASSES.index(c) if c in CLASSES else -1)


def _classes(clips: dict[str, Any]) -> tuple[str, ...]:
    """The difficulty classes to report: the book's three, and ``unknown`` when present."""
    return CLASSES + ((UNKNOWN,) if any(_class_of(c) == UNKNOWN for c in clips.values())
                      else ())


def captions_statistics(root: str | Path) -> dict[str, Any]:
    """Per-clip and per-frame missing-part ratios of a built set, by split and class."""
    clips = {name: c for name, c in _metadata(Path(root))["clips"].items()
             if c["coverage"] is not None}  # an imported clip without a mask has none
    per_clip = {name: {"split": c["split"], "class": _class_of(c), "coverage": c["coverage"],
                       "events": len(c["events"])} for name, c in clips.items()}
    frames = np.array([v for c in clips.values() for v in c["per_frame_coverage"]])
    summary: dict[str, Any] = {"clips": len(clips)}
    for key, group in (("split", ("train", "val", "test")), ("class", _classes(clips))):
        summary[f"by_{key}"] = {}
        for value in group:
            values = [c["coverage"] for c in per_clip.values() if c[key] == value]
            if values:
                summary[f"by_{key}"][value] = {"clips": len(values),
                                               "mean_coverage": float(np.mean(values)),
                                               "max_coverage": float(np.max(values))}
    if frames.size:
        summary["frames"] = {"count": int(frames.size), "with_caption": float(np.mean(frames > 0)),
                             "mean": float(frames.mean()), "max": float(frames.max()),
                             "p90": float(np.percentile(frames, 90))}
    return {"summary": summary, "per_clip": per_clip}


def write_captions_statistics(root: str | Path, out: str | Path | None = None
                              ) -> tuple[Path, Path]:
    """Write ``stats.json`` and ``stats.png`` (missing-part ratio histograms)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    root = Path(root)
    out = Path(out) if out else root
    stats = captions_statistics(root)
    json_path = write_json_atomic(out / STATS_JSON, stats)
    clips = {n: c for n, c in _metadata(root)["clips"].items() if c["coverage"] is not None}
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), constrained_layout=True)
    bins = np.linspace(0, 0.6, 31)
    for cls in _classes(clips):
        per_clip = [c["coverage"] for c in clips.values() if _class_of(c) == cls]
        per_frame = [v for c in clips.values() if _class_of(c) == cls
                     for v in c["per_frame_coverage"] if v > 0]
        if per_clip:
            axes[0].hist(per_clip, bins=bins, histtype="step", linewidth=1.6,
                         label=f"{cls} ({len(per_clip)} clips)")
            axes[1].hist(per_frame, bins=bins, histtype="step", linewidth=1.6, label=cls)
    axes[0].set_xlabel("missing-part ratio of a clip (mean over its frames)")
    axes[1].set_xlabel("missing-part ratio of a captioned frame")
    for ax in axes:
        ax.set_ylabel("count")
    if clips:
        axes[0].legend(title="difficulty")
    else:  # an imported test archive, or an import with --no-masks: no mask to measure
        for ax in axes:
            ax.text(0.5, 0.5, "no caption masks in this set", ha="center",
                    transform=ax.transAxes)
    fig.suptitle("Track 2: distribution of the missing part (cf. book Fig. 3)")
    return json_path, save_figure(fig, out / STATS_PNG)


def write_contact_sheet(root: str | Path, out: str | Path | None = None, *, clips: int = 8,
                        frames: tuple[int, ...] = (0, 40, 80, 120)) -> Path:
    """A PNG grid: for a sample of clips, the captioned frames (X) above the clean ones (Y)."""
    from PIL import Image, ImageDraw

    root = Path(root)
    out = Path(out) if out else root
    meta = _metadata(root)["clips"]
    # the clips with the most coverage of each class first, so every class shows
    ordered = sorted(meta.items(), key=lambda kv: (-(kv[1]["coverage"] or 0.0), kv[0]))
    chosen: list[str] = []
    for cls in _classes(meta):
        chosen += [n for n, c in ordered if _class_of(c) == cls][: max(1, clips // 3)]
    chosen += [n for n, _ in ordered if n not in chosen]  # then fill up by coverage
    chosen = chosen[:clips]
    size, label = 128, 14
    sheet = Image.new("RGB", (len(frames) * size, len(chosen) * (2 * size + label)), "white")
    draw = ImageDraw.Draw(sheet)
    for row, name in enumerate(chosen):
        clip = meta[name]
        folder = root / clip["split"]
        top = row * (2 * size + label)
        draw.text((2, top + 1), f"{name} ({_class_of(clip)})", fill="black")
        for kind, offset in (("X", label), ("Y", label + size)):
            if kind == "Y" and not (folder / kind / f"{name}.mp4").exists():
                draw.text((2, top + offset + 2), "no ground truth (test archive)", fill="gray")
                continue
            video = read_video(folder / kind / f"{name}.mp4", max_frames=max(frames) + 1)
            for col, t in enumerate(frames):
                tile = Image.fromarray(video[min(t, len(video) - 1)]).resize((size, size))
                sheet.paste(tile, (col * size, top + offset))
    path = out / CONTACT_SHEET_PNG
    with atomic_path(path) as tmp:
        sheet.save(tmp)
    return path
