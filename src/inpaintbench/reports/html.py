"""A self-contained HTML report of a demo (or any run laid out like one).

:func:`write_report` reads the manifest ``demo.json`` a demo writes and the files
it names — leaderboards, ``scores.json`` per method, the sets and predictions —
and writes one HTML file with every image embedded (base64 PNG/JPEG), so it can
be mailed or opened anywhere offline. Per track it shows:

- the leaderboard: final position, mean rank, each metric with its rank, the
  secondary figures (WNJD, seconds per clip) and the time per sample;
- triptychs per method: input, prediction, truth, for a few samples;
- humans: the per-joint WNJD chart (book Table 7's joints);
- captions: PSNR per clip against its caption area, by difficulty class, and the
  caption detectors' IoU against the metadata masks;
- fingerprints: the methods on the real prints, beside the synthetic samples.

A small script marks any image the browser could not decode (``img.broken``) and
counts the loaded ones in ``body[data-images-loaded]``, which the browser test reads.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from inpaintbench.data.captions.subtitles import DIFFICULTIES
from inpaintbench.data.metadata import read_captions_metadata
from inpaintbench.io.atomic import read_json, write_text_atomic
from inpaintbench.scoring.leaderboard import METRIC_LABELS

MANIFEST_JSON = "demo.json"
REPORT_HTML = "report.html"
THUMB = 192  # px, the long side of a triptych tile
CAPTIONS_FRAME = 62  # the middle frame of a 125-frame clip
DIFFICULTY_COLOURS = {"easy": "#4c9a2a", "medium": "#e0a100", "hard": "#c0392b",
                      "unknown": "#777777", "none": "#3b6ea8"}

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
th { background: #f3f3f3; } td.name, th.name { text-align: left; }
tr.floor td { color: #777; }
.rank { color: #888; font-size: 0.85em; }
.grid { display: grid; gap: 4px; align-items: center; margin: 0.8em 0; }
.grid .label { font-size: 0.85em; text-align: right; padding-right: 0.5em; }
.grid .head { font-weight: 600; text-align: center; font-size: 0.85em; }
.grid img { width: 100%; height: auto; image-rendering: pixelated; display: block; }
img.broken { outline: 3px solid red; }
.note { color: #555; font-size: 0.9em; }
figure { margin: 1em 0; } figure img { max-width: 100%; }
"""

SCRIPT = """
window.addEventListener('load', function () {
  var loaded = 0;
  document.querySelectorAll('img').forEach(function (img) {
    if (img.complete && img.naturalWidth > 0) { loaded += 1; } else { img.classList.add('broken'); }
  });
  document.body.dataset.imagesLoaded = String(loaded);
});
"""


def _data_uri(image: np.ndarray | Image.Image, fmt: str = "PNG") -> str:
    picture = image if isinstance(image, Image.Image) else Image.fromarray(image)
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt, **({"quality": 88} if fmt == "JPEG" else {}))
    mime = "image/png" if fmt == "PNG" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def _thumb(image: np.ndarray) -> str:
    picture = Image.fromarray(image)
    scale = THUMB / max(picture.size)
    if scale < 1:
        picture = picture.resize((max(1, round(picture.width * scale)),
                                  max(1, round(picture.height * scale))),
                                 Image.Resampling.LANCZOS)
    return _data_uri(picture.convert("RGB"), "JPEG")


def _figure(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return f"data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def _e(text: Any) -> str:
    return html.escape(str(text))


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return _e(value)


# --- leaderboard --------------------------------------------------------------------------

def leaderboard_html(board: dict[str, Any], kinds: dict[str, str],
                     seconds: dict[str, float | None]) -> str:
    """The leaderboard as an HTML table (floor methods greyed), with each method's seconds
    per sample unless the board already ranks them (captions' speed)."""
    columns = board["columns"]
    timed = not any(c.startswith("seconds_per_") for c in columns)
    arrows = {"lower": "↓", "higher": "↑"}
    head = "".join(f"<th>{_e(METRIC_LABELS.get(c, c))} "
                   f"{arrows.get(board['directions'].get(c), '')}</th>" for c in columns)
    rows = []
    for row in board["rows"]:
        cells = []
        for column in columns:
            value = row["values"].get(column)
            rank = row["ranks"].get(column)
            rank_text = f" <span class='rank'>({rank:g})</span>" if rank is not None else ""
            cells.append(f"<td>{_fmt(value)}{rank_text}</td>")
        if timed:
            cells.append(f"<td>{_fmt(seconds.get(row['name']), 3)}</td>")
        kind = kinds.get(row["name"], "")
        rows.append(f"<tr class='{_e(kind)}'><td>{row['position']}</td>"
                    f"<td class='name'>{_e(row['name'])}</td><td>{_e(kind)}</td>"
                    f"<td>{row['mean_rank']:.2f}</td>{''.join(cells)}</tr>")
    return (f"<table class='leaderboard' data-track='{_e(board['track'])}'><thead><tr><th>#</th>"
            f"<th class='name'>method</th><th>kind</th><th>mean rank</th>{head}"
            f"{'<th>s / sample</th>' if timed else ''}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<p class='note'>Rank = mean of the per-metric ranks ({', '.join(board['metrics'])})"
            f"; ties: {_e(board['ties'])}. Seconds per sample on one core, from the run's "
            f"timing.json.</p>")


def triptych_html(rows: Sequence[tuple[str, Sequence[np.ndarray]]],
                  heads: Sequence[str]) -> str:
    """A grid: one row per (label, images), with column heads."""
    columns = len(heads)
    cells = ["<div></div>"] + [f"<div class='head'>{_e(h)}</div>" for h in heads]
    for label, images in rows:
        cells.append(f"<div class='label'>{_e(label)}</div>")
        cells += [f"<img alt='{_e(label)} {_e(h)}' src='{_thumb(im)}'>"
                  for im, h in zip(images, heads, strict=True)]
    return (f"<div class='grid' style='grid-template-columns: 9em repeat({columns}, "
            f"minmax(0, {THUMB}px));'>{''.join(cells)}</div>")


# --- per-track extras ----------------------------------------------------------------------

def wnjd_chart(per_method: dict[str, dict[str, dict[str, Any]]]) -> str | None:
    """Grouped bars of the mean normalised joint distance per joint type and method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    per_method = {m: t for m, t in per_method.items() if t}
    if not per_method:
        return None
    codes = list(next(iter(per_method.values())))
    fig, ax = plt.subplots(figsize=(11, 3.6), constrained_layout=True)
    width = 0.8 / len(per_method)
    for i, (method, table) in enumerate(per_method.items()):
        values = [table[c]["mean"] if table[c]["mean"] is not None else np.nan for c in codes]
        ax.bar(np.arange(len(codes)) + i * width - 0.4 + width / 2, values, width, label=method)
    ax.set_xticks(np.arange(len(codes)), codes)
    ax.set_ylabel("normalised joint distance")
    ax.set_title("WNJD per joint (book Table 7's joints; lower is better)")
    ax.legend(fontsize=8, ncol=min(4, len(per_method)))
    return _figure(fig)


def captions_scatter(per_method: dict[str, list[dict[str, Any]]],
                     clips: dict[str, dict[str, Any]]) -> str | None:
    """PSNR of each clip against its caption area, one panel per method, by difficulty."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from inpaintbench.data.captions.stats import _class_of

    if not per_method or not clips:
        return None
    fig, axes = plt.subplots(1, len(per_method), figsize=(3.2 * len(per_method), 3.2),
                             sharey=True, constrained_layout=True, squeeze=False)
    for ax, (method, samples) in zip(axes[0], per_method.items(), strict=True):
        seen = set()
        for sample in samples:
            clip = clips.get(sample["name"])
            if clip is None or clip.get("coverage") is None:
                continue
            cls = _class_of(clip)
            ax.scatter(clip["coverage"] * 100, sample["psnr"], s=22,
                       color=DIFFICULTY_COLOURS.get(cls, "#000"),
                       label=None if cls in seen else cls)
            seen.add(cls)
        ax.set_title(method, fontsize=10)
        ax.set_xlabel("caption area, % of the clip")
    axes[0][0].set_ylabel("PSNR (dB)")
    axes[0][-1].legend(fontsize=8, title="difficulty", title_fontsize=8)
    return _figure(fig)


def detection_table(detection: dict[str, dict[str, dict[str, float]]]) -> str:
    """Caption detection quality per method and difficulty class."""
    if not detection:
        return ""
    found = {c for per in detection.values() for c in per}
    classes = [c for c in DIFFICULTIES if c in found] + sorted(found - set(DIFFICULTIES))
    head = "".join(f"<th>{_e(c)}</th>" for c in classes)
    rows = "".join(
        f"<tr><td class='name'>{_e(m)}</td>" + "".join(
            f"<td>{_fmt(per.get(c, {}).get('iou'), 3)}</td>" for c in classes) + "</tr>"
        for m, per in detection.items())
    return (f"<table class='detection'><thead><tr><th class='name'>detector of</th>{head}</tr>"
            f"</thead><tbody>{rows}</tbody></table><p class='note'>Pixel IoU of the detected "
            f"caption mask with the metadata's exact mask, pooled over the frames of each "
            f"class.</p>")


def pseudo_reference_table(scores: dict[str, dict[str, float]]) -> str:
    """Each method on the real challenge inputs, scored against FPD-M-net's restorations."""
    if not scores:
        return ""
    rows = "".join(f"<tr><td class='name'>{_e(m)}</td><td>{_fmt(s['mse'], 4)}</td>"
                   f"<td>{_fmt(s['psnr'], 2)}</td><td>{_fmt(s['ssim'], 4)}</td></tr>"
                   for m, s in sorted(scores.items(), key=lambda kv: kv[1]["mse"]))
    return ("<table class='detection'><thead><tr><th class='name'>method</th><th>MSE</th>"
            "<th>PSNR</th><th>SSIM</th></tr></thead><tbody>" + rows + "</tbody></table>"
            "<p class='note'>On the two real inputs of the challenge's test set, against the "
            "3rd-place team's restorations of them: a pseudo-reference (their network's output, "
            "not the ground truth), the nearest we have. SSIM with data range 2, as the "
            "challenge.</p>")


# --- assembling -----------------------------------------------------------------------------

def _section(title: str, body: str, anchor: str) -> str:
    return f"<section id='{_e(anchor)}'><h2>{_e(title)}</h2>{body}</section>"


def _track_section(out: Path, track: str, entry: dict[str, Any]) -> str:
    from inpaintbench.reports.samples import sample_images
    from inpaintbench.scoring.leaderboard import Leaderboard

    board = Leaderboard.from_json(out / entry["leaderboard"]).to_dict()  # names stay names
    methods = entry["methods"]
    kinds = {m: v["kind"] for m, v in methods.items()}
    seconds = {m: v.get("seconds_per_sample") for m, v in methods.items()}
    parts = [leaderboard_html(board, kinds, seconds)]
    if entry.get("notes"):
        parts.append("".join(f"<p class='note'>{_e(n)}</p>" for n in entry["notes"]))
    scores = {m: read_json(out / v["scores"]) for m, v in methods.items()}
    for title, heads, rows in sample_images(out, track, entry):
        parts.append(f"<h3>{_e(title)}</h3>")
        parts.append(triptych_html(rows, heads))
    if track == "humans":
        chart = wnjd_chart({m: s.get("tables", {}).get("wnjd_per_joint") for m, s in
                            scores.items()})
        parts.append(f"<figure><img alt='WNJD per joint' src='{chart}'></figure>" if chart else
                     "<p class='note'>WNJD was not computed (install the pose extra: "
                     "pip install 'inpaintbench[pose]').</p>")
    if track == "fingerprints" and entry.get("real"):
        parts.append(pseudo_reference_table(entry["real"].get("pseudo_scores", {})))
    if track == "captions":
        clips = (read_captions_metadata((out / entry["metadata"]).parent)["clips"]
                 if entry.get("metadata") else {})
        chart = captions_scatter({m: s["per_sample"] for m, s in scores.items()}, clips)
        if chart:
            parts.append(f"<figure><img alt='PSNR against caption area' src='{chart}'>"
                         "</figure>")
        parts.append(detection_table(entry.get("detection", {})))
    return _section(f"Track {entry['number']}: {track}", "".join(parts), track)


def write_report(out: str | Path, path: str | Path | None = None) -> Path:
    """Write the HTML report of the demo in ``out`` (its ``demo.json``); return its path."""
    from inpaintbench.errors import InputError

    out = Path(out)
    manifest_path = out / MANIFEST_JSON
    if not manifest_path.is_file():
        raise InputError(manifest_path, "not found", "run `inpaintbench demo` first")
    manifest = read_json(manifest_path)
    machine = manifest.get("machine", {})
    header = (f"<h1>InpaintBench demo</h1><p class='note'>Built {_e(manifest.get('created'))} "
              f"on {_e(machine.get('description', 'this machine'))}, size "
              f"{_e(manifest.get('size'))}, in {manifest.get('seconds', 0):.0f} s. Scores "
              f"are the challenge's (CHALLENGE.md), computed by <code>inpaintbench score"
              f"</code>.</p>")
    nav = " · ".join(f"<a href='#{_e(t)}'>{_e(t)}</a>" for t in manifest["tracks"])
    sections = "".join(_track_section(out, t, e) for t, e in manifest["tracks"].items())
    document = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                f"<title>InpaintBench demo</title><style>{STYLE}</style>"
                f"<script>{SCRIPT}</script></head><body>{header}<p>{nav}</p>"
                f"{sections}<p class='note'>The raw files are beside this report: sets/, "
                f"predictions/, scores/ and leaderboards/.</p></body></html>")
    target = Path(path) if path else out / REPORT_HTML
    write_text_atomic(target, document)
    return target
