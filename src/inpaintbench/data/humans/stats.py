"""Statistics of a built track-1 set: the thesis's Fig. 3, as JSON and PNG.

Fig. 3 of the thesis (seed 003 §2.3.3) shows, per split, histograms of block
sizes, of the number of blocks per image and of blocks covering joints. We add
the masked fraction of each image (the rule "at most 70 %") and the crop sizes.
Works on any folder in the release layout (``X/``, ``Y/``, ``maskdata.json``);
``joints.json`` is used when present.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench.data.common import SPLITS, STATS_JSON, STATS_PNG, save_figure
from inpaintbench.data.humans.layout import (
    JOINTS_JSON,
    MASKDATA_JSON,
    check_blocks_inside,
    read_joints,
    read_maskdata,
)
from inpaintbench.data.humans.masks import block_touches_joint
from inpaintbench.errors import InputError
from inpaintbench.io.atomic import write_json_atomic
from inpaintbench.io.media import IMAGE_SUFFIXES, image_size
from inpaintbench.scoring.common import list_files


def split_statistics(folder: str | Path) -> dict[str, Any]:
    """Per-image figures of one release-layout folder.

    Returns
    -------
    dict
        ``block_sides`` (every block), ``blocks_per_image``,
        ``blocks_on_joints_per_image`` (blocks with a joint inside) and
        ``joint_block_fraction`` (their share of the image's blocks) — both absent
        without ``joints.json`` —, ``masked_fraction`` and ``crop_sizes``.
    """
    folder = Path(folder)
    images = list_files(folder / "Y", IMAGE_SUFFIXES) if (folder / "Y").is_dir() else {}
    if not images:
        raise InputError(folder / "Y", "holds no image", "a humans set holds Y/<name>.png "
                         "beside maskdata.json")
    maskdata = read_maskdata(folder / MASKDATA_JSON, images)
    joints = (read_joints(folder / JOINTS_JSON, images) if (folder / JOINTS_JSON).exists()
              else None)
    names = sorted(images)
    sizes = {name: image_size(images[name]) for name in names}
    sides, per_image, on_joints, fraction = [], [], [], []
    for name in names:
        blocks = maskdata[name]
        width, height = sizes[name]
        check_blocks_inside(folder / MASKDATA_JSON, name, blocks, width, height)
        sides.extend(size for _, _, size in blocks)
        per_image.append(len(blocks))
        fraction.append(sum(size ** 2 for _, _, size in blocks) / (width * height))
        if joints is not None:
            xy = np.array([[j.x, j.y] for person in joints.get(name, [])
                           for j in person.joints]).reshape(-1, 2)
            on_joints.append(sum(block_touches_joint(b, xy) for b in blocks))
    stats: dict[str, Any] = {
        "images": len(names), "block_sides": sides, "blocks_per_image": per_image,
        "masked_fraction": fraction,
        "crop_sizes": [list(sizes[n]) for n in names],
    }
    if joints is not None:
        stats["blocks_on_joints_per_image"] = on_joints
        stats["joint_block_fraction"] = [k / n if n else 0.0
                                         for k, n in zip(on_joints, per_image, strict=True)]
    return stats


def _summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    a = np.asarray(values, dtype=np.float64)
    return {"count": int(a.size), "mean": float(a.mean()), "min": float(a.min()),
            "p10": float(np.percentile(a, 10)), "median": float(np.median(a)),
            "p90": float(np.percentile(a, 90)), "max": float(a.max())}


def dataset_statistics(root: str | Path) -> dict[str, dict[str, Any]]:
    """:func:`split_statistics` for each split folder under ``root`` (or ``root`` itself)."""
    root = Path(root)
    folders = {s: root / s for s in SPLITS if (root / s / MASKDATA_JSON).exists()}
    if not folders and (root / MASKDATA_JSON).exists():
        folders = {root.name: root}
    if not folders:
        raise InputError(root, "holds no maskdata.json, neither itself nor in train/ val/ test/",
                         "point at a set built by `inpaintbench data humans build`")
    return {split: split_statistics(folder) for split, folder in folders.items()}


def write_statistics(root: str | Path, out: str | Path | None = None) -> tuple[Path, Path]:
    """Write ``stats.json`` (summaries and raw per-image values) and ``stats.png``.

    Returns
    -------
    (json_path, png_path)
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    root = Path(root)
    out = Path(out) if out else root
    stats = dataset_statistics(root)
    summary = {
        split: {"images": s["images"],
                **{key: _summary(s[key]) for key in ("block_sides", "blocks_per_image",
                                                     "masked_fraction",
                                                     "blocks_on_joints_per_image",
                                                     "joint_block_fraction") if key in s}}
        for split, s in stats.items()}
    json_path = write_json_atomic(out / STATS_JSON, {"summary": summary, "per_image": stats})

    panels = [("block_sides", "block side (px)", None),
              ("blocks_per_image", "blocks per image", np.arange(0.5, 11.5)),
              ("joint_block_fraction", "fraction of an image's blocks touching a joint",
               np.linspace(0, 1, 11)),
              ("masked_fraction", "masked fraction of the image", np.linspace(0, 0.7, 29))]
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.6), constrained_layout=True)
    for ax, (key, label, bins) in zip(axes, panels, strict=True):
        if bins is None:  # shared edges, so that the splits' histograms compare
            top = max((max(s[key]) for s in stats.values() if s.get(key)), default=1)
            bins = np.linspace(0, top, 30)
        for split, s in stats.items():
            if key in s and s[key]:
                values = np.asarray(s[key], dtype=np.float64)
                ax.hist(values, bins=bins, density=True, histtype="step", linewidth=1.6,
                        label=f"{split} ({s['images']})")
        ax.set_xlabel(label)
        ax.set_ylabel("density")
    axes[0].legend(title="split (images)")
    fig.suptitle("Track 1 mask statistics (cf. thesis Fig. 3)")
    return json_path, save_figure(fig, out / STATS_PNG)
