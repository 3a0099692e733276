"""Realism of a built track-3 set, measured: synthetic prints against real ones.

The same measuring code (:mod:`.measure`) runs on a sample of the set's ground
truth, on the matching inputs, and on real prints (by default the two in the
shared sample data, ``<shared>/data/real/fingerprint``): the ridge period of
every 48×48 block on the print, from its spectrum, the orientation coherence
over each block, and the minutiae per 10,000 px² of print. ``stats.json``
holds the summaries, the class and degradation counts of the whole set;
``stats.png`` plots the distributions side by side; ``contact_sheet.png`` shows
synthetic ground truth above its input, next to the real prints.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from inpaintbench.data.common import STATS_JSON, STATS_PNG, save_figure
from inpaintbench.data.fingerprints.measure import block_measures, foreground, minutiae
from inpaintbench.data.fingerprints.orientation import CLASSES
from inpaintbench.data.metadata import read_fingerprints_metadata
from inpaintbench.errors import InputError
from inpaintbench.io.atomic import atomic_path, write_json_atomic
from inpaintbench.io.media import IMAGE_SUFFIXES, read_image_luma, read_image_rgb
from inpaintbench.tracks import FINGERPRINT_HEIGHT, FINGERPRINT_WIDTH

CONTACT_SHEET_PNG = "contact_sheet.png"
SAMPLE_IMAGES = 100  # images measured per set: ≈ 2,500 blocks, a few seconds
SHEET_PRINTS = 6  # synthetic pairs on the contact sheet
SHEET_SCALE = 0.6  # tiles at 60 % of 275×400
SHEET_LABEL = 28  # px above each row: its title, then each tile's caption
SHARED_ENV = "INPAINTBENCH_SHARED"  # overrides the shared folder's location
# src/inpaintbench/data/fingerprints/stats.py → parents[4] is the checkout's root
SHARED_SIBLING = Path(__file__).resolve().parents[4].parent / "shared"
REAL_SUBDIR = Path("data") / "real" / "fingerprint"
PERIOD_BINS = np.arange(5.0, 16.01, 0.5)  # px
COHERENCE_BINS = np.linspace(0.0, 1.0, 26)


def default_real_dir() -> Path:
    """``<shared>/data/real/fingerprint``: ``$INPAINTBENCH_SHARED`` or ``shared`` beside the
    checkout."""
    shared = Path(os.environ[SHARED_ENV]) if os.environ.get(SHARED_ENV) else SHARED_SIBLING
    return shared / REAL_SUBDIR


def real_prints(folder: str | Path | None = None) -> dict[str, Path]:
    """The real print images of ``folder`` (default :func:`default_real_dir`) by stem.

    An explicit folder that is missing or holds no image is an error; the
    default folder may be absent (then there is nothing to compare with).
    """
    explicit = folder is not None
    folder = Path(folder) if explicit else default_real_dir()
    if not folder.is_dir():
        if explicit:
            raise InputError(folder, "real prints folder not found")
        return {}
    found = {p.stem: p for p in sorted(folder.iterdir())
             if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES}
    if explicit and not found:
        raise InputError(folder, "holds no image", f"give a folder of {', '.join(IMAGE_SUFFIXES)}")
    return found


def _metadata(root: Path) -> dict[str, Any]:
    return read_fingerprints_metadata(root)


def _sample(names: list[str], count: int) -> list[str]:
    """``count`` names spread evenly over the sorted list (all when fewer)."""
    names = sorted(names)
    if len(names) <= count:
        return names
    return [names[i] for i in np.linspace(0, len(names) - 1, count).round().astype(int)]


def _summary(periods: np.ndarray, coherence: np.ndarray) -> dict[str, Any]:
    if periods.size == 0:
        return {"blocks": 0}
    return {"blocks": int(periods.size),
            "period_mean": float(periods.mean()), "period_std": float(periods.std()),
            "period_median": float(np.median(periods)),
            "period_p05": float(np.percentile(periods, 5)),
            "period_p95": float(np.percentile(periods, 95)),
            "coherence_mean": float(coherence.mean()), "coherence_std": float(coherence.std())}


def _measure(images: dict[str, np.ndarray], masks: dict[str, np.ndarray] | None = None
             ) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """Block periods and coherence of ``images`` over their print (``masks``, or found)."""
    periods, coherence, per_image = [], [], {}
    for name, image in images.items():
        mask = foreground(image) if masks is None else masks[name]
        measures = block_measures(image, mask)
        endings, forks = minutiae(image, mask)
        periods.append(measures.periods)
        coherence.append(measures.coherence)
        per_image[name] = {**_summary(measures.periods, measures.coherence),
                           "size": [int(image.shape[1]), int(image.shape[0])],
                           "minutiae": len(endings) + len(forks),
                           "minutiae_per_10k_px": 1e4 * (len(endings) + len(forks))
                           / max(int(mask.sum()), 1)}
    p = np.concatenate(periods) if periods else np.zeros(0)
    c = np.concatenate(coherence) if coherence else np.zeros(0)
    return per_image, p, c


def fingerprint_statistics(root: str | Path, real: str | Path | None = None, *,
                           sample: int = SAMPLE_IMAGES) -> dict[str, Any]:
    """Period and coherence of a sample of the set and of real prints; the set's counts.

    Parameters
    ----------
    root : path
        A set built by :func:`~inpaintbench.data.fingerprints.build.build_fingerprints`.
    real : path, optional
        A folder of real prints (default: the shared sample data, when present).
    sample : int
        How many of the set's images are measured.
    """
    return _collect(Path(root), real, sample)[0]


Arrays = dict[str, tuple[np.ndarray, np.ndarray]]  # group → (block periods, block coherence)


def _collect(root: Path, real: str | Path | None, sample: int) -> tuple[dict[str, Any], Arrays]:
    images = _metadata(root)["images"]
    chosen = _sample(list(images), sample)
    truth = {n: read_image_luma(root / images[n]["ground_truth"]) for n in chosen}
    inputs = {n: read_image_luma(root / images[n]["input"]) for n in chosen}
    real_images = {n: read_image_luma(p) for n, p in real_prints(real).items()}
    groups: dict[str, Any] = {}
    arrays: Arrays = {}
    # an input is measured where its ground truth has print: its own ground would
    # otherwise count as print wherever it is textured
    truth_masks = {n: foreground(image) for n, image in truth.items()}
    for group, group_images, masks in (("synthetic_ground_truth", truth, truth_masks),
                                       ("synthetic_input", inputs, truth_masks),
                                       ("real", real_images, None)):
        per_image, periods, coherence = _measure(group_images, masks)
        arrays[group] = (periods, coherence)
        counts = [v["minutiae"] for v in per_image.values()]
        densities = [v["minutiae_per_10k_px"] for v in per_image.values()]
        groups[group] = {"images": len(group_images), **_summary(periods, coherence),
                         "minutiae_mean": float(np.mean(counts)) if counts else None,
                         "minutiae_per_10k_px": float(np.mean(densities)) if densities else None,
                         "per_image": per_image}
    steps = Counter(s["name"] for record in images.values()
                    for s in record["degradation"]["steps"])
    grounds = Counter(s["params"]["background"]["kind"] for record in images.values()
                      for s in record["degradation"]["steps"] if s["name"] == "overlay"
                      and isinstance(s.get("params", {}).get("background"), dict)
                      and "kind" in s["params"]["background"])
    classes = Counter(record["class"] for record in images.values())
    splits = Counter(record["split"] for record in images.values())
    return {"images": len(images), "measured": chosen,
            "real_folder": str(Path(real) if real else default_real_dir()),
            "splits": dict(sorted(splits.items())),
            "classes": {c: classes.get(c, 0) for c in CLASSES},
            "degradations": {k: steps[k] / len(images) for k in sorted(steps)},
            "backgrounds": dict(sorted(grounds.items())),
            "metadata_period_mean": float(np.mean([r["ridge_period"]["mean"]
                                                   for r in images.values()])),
            "groups": groups}, arrays


def write_fingerprint_statistics(root: str | Path, out: str | Path | None = None, *,
                                 real: str | Path | None = None,
                                 sample: int = SAMPLE_IMAGES) -> tuple[Path, Path]:
    """Write ``stats.json`` and ``stats.png`` (period and coherence, synthetic vs real)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    root = Path(root)
    out = Path(out) if out else root
    stats, arrays = _collect(root, real, sample)
    json_path = write_json_atomic(out / STATS_JSON, stats)
    fig, axes = plt.subplots(1, 4, figsize=(19, 4), constrained_layout=True)
    styles = {"synthetic_ground_truth": ("synthetic ground truth", "tab:blue"),
              "synthetic_input": ("synthetic input", "tab:orange"),
              "real": ("real prints", "black")}
    for group, (label, colour) in styles.items():
        periods, coherence = arrays[group]
        if periods.size == 0:
            continue
        summary = stats["groups"][group]
        axes[0].hist(periods, bins=PERIOD_BINS, density=True, histtype="step", linewidth=1.8,
                     color=colour, label=f"{label}: {summary['period_mean']:.2f} ± "
                                         f"{summary['period_std']:.2f} px")
        axes[1].hist(coherence, bins=COHERENCE_BINS, density=True, histtype="step",
                     linewidth=1.8, color=colour,
                     label=f"{label}: {summary['coherence_mean']:.2f}")
    axes[0].axvspan(8, 11, color="tab:green", alpha=0.12, label="500 dpi band, 8–11 px")
    axes[0].set_xlabel("ridge period of a 48×48 block (spectral peak), px")
    axes[1].set_xlabel("orientation coherence, block mean")
    for ax in axes[:2]:
        ax.set_ylabel("density")
        ax.legend(fontsize=8)
    truth = stats["groups"]["synthetic_ground_truth"]["per_image"].values()
    axes[2].hist([v["minutiae_per_10k_px"] for v in truth], bins=20, color="tab:blue",
                 alpha=0.6, label="synthetic ground truth")
    for name, record in stats["groups"]["real"]["per_image"].items():
        axes[2].axvline(record["minutiae_per_10k_px"], color="black", linestyle="--")
        axes[2].annotate(name, (record["minutiae_per_10k_px"], 0), rotation=90, fontsize=8,
                         xytext=(2, 4), textcoords="offset points")
    axes[2].set_xlabel("minutiae per 10,000 px² of print (dashed: real prints)")
    axes[2].set_ylabel("images")
    counts = stats["classes"]
    axes[3].bar([c.replace("_", " ") for c in counts], list(counts.values()), color="tab:gray")
    axes[3].set_ylabel("images")
    axes[3].set_title("classes", fontsize=10)
    axes[3].tick_params(axis="x", labelsize=8)
    fig.suptitle(f"Track 3: {stats['images']} synthetic pairs ({len(stats['measured'])} "
                 f"measured) vs {stats['groups']['real']['images']} real prints")
    return json_path, save_figure(fig, out / STATS_PNG)


def _tile(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` fitted into ``size`` (aspect kept) on white."""
    image = image.convert("RGB")
    scale = min(size[0] / image.width, size[1] / image.height)
    fitted = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                          Image.Resampling.LANCZOS)
    tile = Image.new("RGB", size, "white")
    tile.paste(fitted, ((size[0] - fitted.width) // 2, (size[1] - fitted.height) // 2))
    return tile


def write_contact_sheet(root: str | Path, out: str | Path | None = None, *,
                        real: str | Path | None = None, prints: int = SHEET_PRINTS) -> Path:
    """A PNG: synthetic ground truth (top row) above its input (middle), real prints below.

    One print of each class first (as far as the set has them), then others.
    """
    root = Path(root)
    out = Path(out) if out else root
    images = _metadata(root)["images"]
    by_class: dict[str, list[str]] = {}
    for name in sorted(images):
        by_class.setdefault(images[name]["class"], []).append(name)
    chosen = [names[0] for c in CLASSES if (names := by_class.get(c))]
    chosen += [n for n in _sample(list(images), prints) if n not in chosen]
    chosen = chosen[:prints]
    size = (round(FINGERPRINT_WIDTH * SHEET_SCALE), round(FINGERPRINT_HEIGHT * SHEET_SCALE))
    reals = real_prints(real)
    def load(path: Path) -> Image.Image:  # decoded through our size and format checks
        return Image.fromarray(read_image_rgb(path))

    rows = [("synthetic ground truth", [load(root / images[n]["ground_truth"]) for n in chosen],
             [images[n]["class"] for n in chosen]),
            ("synthetic input", [load(root / images[n]["input"]) for n in chosen], chosen)]
    if reals:
        rows.append(("real prints (shared sample data)", [load(p) for p in reals.values()],
                     list(reals)))
    width = size[0] * max(len(r[1]) for r in rows)
    sheet = Image.new("RGB", (width, len(rows) * (size[1] + SHEET_LABEL)), "white")
    draw = ImageDraw.Draw(sheet)
    for row, (title, tiles, captions) in enumerate(rows):
        top = row * (size[1] + SHEET_LABEL)
        draw.text((3, top + 1), title, fill="black")
        for col, (image, caption) in enumerate(zip(tiles, captions, strict=True)):
            sheet.paste(_tile(image, size), (col * size[0], top + SHEET_LABEL))
            draw.text((col * size[0] + 3, top + SHEET_LABEL // 2), caption, fill="dimgray")
    path = out / CONTACT_SHEET_PNG
    with atomic_path(path) as tmp:
        sheet.save(tmp)
    return path

