"""Realism of a built track-3 set, measured: synthetic prints against real ones.

The same measuring code (:mod:`.measure`) runs on a sample of the set's ground
truth, on the matching inputs, on real prints (by default the two in the
shared sample data, ``<shared>/data/real/fingerprint``) and on the challenge's
own test inputs beside a team's restorations of them (by default
``<shared>/data/real/fingerprint/challenge``: ``input/`` and ``fpd-m-net/``,
FPD-M-net's outputs, the nearest thing to the challenge's ground truth we have).

- *Structure*: the ridge period of every 48×48 block on the print, from its
  spectrum, the orientation coherence over each block, and the minutiae per
  10,000 px² of print.
- *Appearance*, ours against the challenge's: the share of the print that is
  ridge and the width of the print's faded border, on the ground truth (theirs:
  the restorations); the ground's level, spread, grain and light lines outside
  the print, and the ridge–valley contrast over it, on the inputs (measured
  where the ground truth, or the restoration, has print).

``stats.json`` holds the summaries, the class and degradation counts of the
whole set; ``stats.png`` plots the distributions side by side;
``contact_sheet.png`` shows synthetic ground truth above its input, next to the
real prints and the challenge's inputs beside their restorations.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from inpaintbench.data.common import STATS_JSON, STATS_PNG, save_figure
from inpaintbench.data.fingerprints.measure import (
    block_measures,
    border_width,
    foreground,
    ground_measures,
    minutiae,
    print_contrast,
    ridge_fraction,
)
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
# Two inputs of the challenge's test set and the 3rd-placed team's (FPD-M-net's)
# restorations of them, by the same names: the shared sample data's only view of
# the challenge's own images.
CHALLENGE_SUBDIR = REAL_SUBDIR / "challenge"
CHALLENGE_INPUTS = "input"
CHALLENGE_RESTORATIONS = "fpd-m-net"
PERIOD_BINS = np.arange(5.0, 16.01, 0.5)  # px
COHERENCE_BINS = np.linspace(0.0, 1.0, 26)
# What the challenge's two test pairs measure (measure.py, on the files named
# above; the restorations stand in for the ground truth): ridge fraction 0.346 and
# 0.362, border width 17.5 and 17.3 px, ground level 0.866 and 0.846, input contrast
# 0.352 and 0.123. The ranges a synthetic set's *means* should fall in, allowing
# for the restorations' own blur and for two samples being few:
CHALLENGE_RIDGE_FRACTION = (0.30, 0.40)
CHALLENGE_GROUND_LEVEL = (0.78, 0.92)
APPEARANCE = ("ridge_fraction", "border_width", "ground_level", "ground_std", "ground_grain",
              "ground_light_lines", "input_ridge", "input_valley", "input_contrast", "input_std")


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


def default_challenge_dir() -> Path:
    """``<shared>/data/real/fingerprint/challenge`` (see :func:`default_real_dir`)."""
    shared = Path(os.environ[SHARED_ENV]) if os.environ.get(SHARED_ENV) else SHARED_SIBLING
    return shared / CHALLENGE_SUBDIR


def challenge_pairs(folder: str | Path | None = None) -> dict[str, tuple[Path, Path]]:
    """The challenge's inputs and their restorations by stem: ``{stem: (input, restoration)}``.

    ``folder`` (default :func:`default_challenge_dir`) holds ``input/`` and
    ``fpd-m-net/``, the restorations under the inputs' names; an input without
    a restoration is left out. An explicit folder that is missing or holds no
    pair is an error; the default folder may be absent.
    """
    explicit = folder is not None
    folder = Path(folder) if explicit else default_challenge_dir()
    inputs, restorations = folder / CHALLENGE_INPUTS, folder / CHALLENGE_RESTORATIONS
    if not inputs.is_dir() or not restorations.is_dir():
        if explicit:
            raise InputError(folder, f"challenge folder needs {CHALLENGE_INPUTS}/ and "
                                     f"{CHALLENGE_RESTORATIONS}/ subfolders")
        return {}
    found = {}
    for path in sorted(inputs.iterdir()):
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
            twins = [restorations / (path.stem + suffix) for suffix in IMAGE_SUFFIXES]
            twin = next((t for t in twins if t.is_file()), None)
            if twin is not None:
                found[path.stem] = (path, twin)
    if explicit and not found:
        raise InputError(folder, "holds no input with a restoration of the same name",
                         f"put <name>.jpg in {CHALLENGE_INPUTS}/ and {CHALLENGE_RESTORATIONS}/")
    return found


def appearance(truth: np.ndarray, given: np.ndarray) -> dict[str, float]:
    """The appearance figures of one pair: ``uint8`` or ``[0, 1]`` greyscale ground truth
    (or restoration) and input, aligned; the print is the ground truth's foreground."""
    truth = np.asarray(truth, np.float32) / (255 if truth.dtype == np.uint8 else 1)
    given = np.asarray(given, np.float32) / (255 if given.dtype == np.uint8 else 1)
    mask = foreground(truth)
    ground = ground_measures(given, mask)
    contrast = print_contrast(given, truth, mask)
    return {"ridge_fraction": ridge_fraction(truth, mask),
            "border_width": border_width(truth, mask),
            "ground_level": ground["level"], "ground_std": ground["std"],
            "ground_grain": ground["grain"], "ground_light_lines": ground["light_lines"],
            "input_ridge": contrast["ridge"], "input_valley": contrast["valley"],
            "input_contrast": contrast["contrast"], "input_std": contrast["std"]}


def _appearance_summary(per_image: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Mean, 10th and 90th percentile of each appearance figure over the images."""
    out: dict[str, Any] = {"images": len(per_image)}
    for key in APPEARANCE:
        values = np.array([v[key] for v in per_image.values()], float)
        values = values[np.isfinite(values)]
        out[key] = ({"mean": float(values.mean()), "p10": float(np.percentile(values, 10)),
                     "p90": float(np.percentile(values, 90))} if values.size else None)
    return out


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
                           challenge: str | Path | None = None,
                           sample: int = SAMPLE_IMAGES) -> dict[str, Any]:
    """Structure and appearance of a sample of the set, of real prints and of the
    challenge's test pairs; the set's counts.

    Parameters
    ----------
    root : path
        A set built by :func:`~inpaintbench.data.fingerprints.build.build_fingerprints`.
    real : path, optional
        A folder of real prints (default: the shared sample data, when present).
    challenge : path, optional
        A folder of the challenge's inputs and restorations (:func:`challenge_pairs`;
        default: the shared sample data's, when present).
    sample : int
        How many of the set's images are measured.
    """
    return _collect(Path(root), real, sample, challenge)[0]


Arrays = dict[str, tuple[np.ndarray, np.ndarray]]  # group → (block periods, block coherence)


def _collect(root: Path, real: str | Path | None, sample: int,
             challenge: str | Path | None = None) -> tuple[dict[str, Any], Arrays]:
    images = _metadata(root)["images"]
    chosen = _sample(list(images), sample)
    truth = {n: read_image_luma(root / images[n]["ground_truth"]) for n in chosen}
    inputs = {n: read_image_luma(root / images[n]["input"]) for n in chosen}
    real_images = {n: read_image_luma(p) for n, p in real_prints(real).items()}
    pairs = challenge_pairs(challenge)
    restored = {n: read_image_luma(r) for n, (_, r) in pairs.items()}
    # resized to the restoration's size, should a team have written another
    given = {n: read_image_luma(i, size=restored[n].shape[::-1], resample=Image.Resampling.BILINEAR)
             for n, (i, _) in pairs.items()}
    groups: dict[str, Any] = {}
    arrays: Arrays = {}
    # an input is measured where its ground truth has print: its own ground would
    # otherwise count as print wherever it is textured
    truth_masks = {n: foreground(image) for n, image in truth.items()}
    restored_masks = {n: foreground(image) for n, image in restored.items()}
    for group, group_images, masks in (("synthetic_ground_truth", truth, truth_masks),
                                       ("synthetic_input", inputs, truth_masks),
                                       ("real", real_images, None),
                                       ("challenge_restoration", restored, restored_masks),
                                       ("challenge_input", given, restored_masks)):
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
    synthetic_look = {n: appearance(truth[n], inputs[n]) for n in chosen}
    challenge_look = {n: appearance(restored[n], given[n]) for n in pairs}
    return {"images": len(images), "measured": chosen,
            "real_folder": str(Path(real) if real else default_real_dir()),
            "challenge_folder": str(Path(challenge) if challenge else default_challenge_dir()),
            "appearance": {
                "synthetic": {**_appearance_summary(synthetic_look), "per_image": synthetic_look},
                "challenge": {**_appearance_summary(challenge_look), "per_image": challenge_look},
                "challenge_ranges": {"ridge_fraction": list(CHALLENGE_RIDGE_FRACTION),
                                     "ground_level": list(CHALLENGE_GROUND_LEVEL)}},
            "splits": dict(sorted(splits.items())),
            "classes": {c: classes.get(c, 0) for c in CLASSES},
            "degradations": {k: steps[k] / len(images) for k in sorted(steps)},
            "backgrounds": dict(sorted(grounds.items())),
            "metadata_period_mean": float(np.mean([r["ridge_period"]["mean"]
                                                   for r in images.values()])),
            "groups": groups}, arrays


# The appearance panels of stats.png: figure, axis label, histogram bins.
APPEARANCE_PANELS = (
    ("ridge_fraction", "ridge share of the print (ground truth; challenge: restorations)",
     np.linspace(0.2, 0.6, 21)),
    ("border_width", "border width, px: ridge contrast 10 → 90 % across the outline",
     np.linspace(5, 30, 26)),
    ("ground_level", "input: mean luminance of the ground outside the print",
     np.linspace(0.3, 1.0, 29)),
    ("input_contrast", "input: valley − ridge luminance over the print",
     np.linspace(0.0, 0.6, 25)))


def _appearance_panels(axes, stats: dict[str, Any]) -> None:
    """Synthetic histograms with the challenge's pairs as dashed lines, one figure per axis."""
    synthetic = stats["appearance"]["synthetic"]["per_image"]
    challenge = stats["appearance"]["challenge"]["per_image"]
    for ax, (key, label, bins) in zip(axes, APPEARANCE_PANELS, strict=True):
        values = [v[key] for v in synthetic.values() if np.isfinite(v[key])]
        ax.hist(values, bins=bins, color="tab:blue", alpha=0.6,
                label=f"synthetic: mean {np.mean(values):.3g}" if values else "synthetic")
        for name, record in challenge.items():
            if np.isfinite(record[key]):
                ax.axvline(record[key], color="tab:red", linestyle="--")
                ax.annotate(f"{name} {record[key]:.3g}", (record[key], 0), rotation=90,
                            fontsize=8, xytext=(2, 4), textcoords="offset points")
        ax.set_xlabel(label, fontsize=9)
        ax.set_ylabel("images")
        ax.legend(fontsize=8, title="dashed: challenge", title_fontsize=8)


def write_fingerprint_statistics(root: str | Path, out: str | Path | None = None, *,
                                 real: str | Path | None = None,
                                 challenge: str | Path | None = None,
                                 sample: int = SAMPLE_IMAGES) -> tuple[Path, Path]:
    """Write ``stats.json`` and ``stats.png``: period, coherence, minutiae and appearance,
    synthetic vs real prints and the challenge's test pairs (:func:`fingerprint_statistics`)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    root = Path(root)
    out = Path(out) if out else root
    stats, arrays = _collect(root, real, sample, challenge)
    json_path = write_json_atomic(out / STATS_JSON, stats)
    fig, grid = plt.subplots(2, 4, figsize=(19, 8), constrained_layout=True)
    axes = grid[0]
    _appearance_panels(grid[1], stats)
    styles = {"synthetic_ground_truth": ("synthetic ground truth", "tab:blue"),
              "synthetic_input": ("synthetic input", "tab:orange"),
              "real": ("real prints", "black"),
              "challenge_restoration": ("challenge restorations", "tab:red")}
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
                 f"measured) vs {stats['groups']['real']['images']} real prints and "
                 f"{stats['groups']['challenge_input']['images']} challenge test pairs")
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
                        real: str | Path | None = None, challenge: str | Path | None = None,
                        prints: int = SHEET_PRINTS) -> Path:
    """A PNG: synthetic ground truth (top row) above its input, then the real prints,
    then the challenge's test inputs each beside its restoration (a side-by-side of
    ours and theirs).

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
    pairs = challenge_pairs(challenge)
    if pairs:
        rows.append(("challenge test inputs beside FPD-M-net's restorations",
                     [load(p) for pair in pairs.values() for p in pair],
                     [f"{name} {what}" for name in pairs for what in ("input", "restored")]))
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

