"""Track 1 scoring: MSE, PSNR and DSSIM on the masked blocks of each image.

The challenge scored the reconstructed blocks only, each block counting the same
within an image and each image the same within the set: per-block values are
averaged per image, then over images (CHALLENGE.md "Track 1 — Metrics"; the
winner's MSE 0.0158 with PSNR 21.87 shows PSNR is a mean of per-block PSNRs).
DSSIM is computed as in track 2 on each block crop; a block under 11 px uses the
starting kit's 3×3 fallback window.

The pose metric WNJD plugs in through ``extra_metrics``: a callable per image
``(original, reconstruction) -> float`` whose per-image values are stored with
each sample and averaged into a secondary figure of the same name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inpaintbench.errors import BrokenReferenceError, InputError
from inpaintbench.io.media import IMAGE_SUFFIXES, read_image_rgb
from inpaintbench.scoring.common import Progress, list_files, pair_predictions, prefetch
from inpaintbench.scoring.metrics import (
    HUMANS_SSIM,
    PSNR_DATA_RANGE,
    SMALL_IMAGE_WIN_SIZE,
    frame_metrics,
)
from inpaintbench.scoring.result import (
    PENALTY,
    TRACK_METRICS,
    Problem,
    ScoreResult,
    mean_over_samples,
)
from inpaintbench.tracks import Track

MASKDATA_JSON = "maskdata.json"  # release layout: {name: [[row, col, size], ...]}

Block = tuple[int, int, int]  # (row, col, size): img[row:row + size, col:col + size]
ImageMetric = Callable[[np.ndarray, np.ndarray], float]


def block_scores(reference: np.ndarray, prediction: np.ndarray,
                 blocks: list[Block]) -> dict[str, float]:
    """Mean over blocks of the per-block MSE, PSNR and DSSIM of two ``uint8 (H, W, 3)`` images."""
    per_block = [frame_metrics(reference[row:row + size, col:col + size][None],
                               prediction[row:row + size, col:col + size][None], HUMANS_SSIM)
                 for row, col, size in blocks]
    return {m: float(np.mean([b[m][0] for b in per_block])) for m in per_block[0]}


def _parse_blocks(path: Path, key: str, value) -> list[Block]:
    try:
        blocks = [tuple(int(v) for v in b) for b in value]
    except (TypeError, ValueError) as exc:
        raise BrokenReferenceError(path,
                                   f"entry {key!r} is not a list of [row, col, size]") from exc
    if any(len(b) != 3 for b in blocks):
        raise BrokenReferenceError(path, f"entry {key!r}: every block is [row, col, size]")
    return blocks  # type: ignore[return-value]


@dataclass(frozen=True)
class HumansReference:
    """Originals and masks: ``Y/<name>.png`` and ``maskdata.json`` (release layout)."""

    folder: Path
    images: dict[str, Path]
    blocks: dict[str, list[Block]]

    @classmethod
    def open(cls, ref_dir: str | Path) -> HumansReference:
        ref_dir = Path(ref_dir)
        folder, mask_path = ref_dir / "Y", ref_dir / MASKDATA_JSON
        for required in (folder, mask_path):
            if not required.exists():
                raise BrokenReferenceError(
                    required, "not found",
                    "a humans reference holds Y/<name>.png and maskdata.json (the release layout)")
        try:
            raw = json.loads(mask_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BrokenReferenceError(mask_path, f"not valid JSON ({exc})") from exc
        if not isinstance(raw, dict):
            raise BrokenReferenceError(mask_path, "must map image names to lists of blocks")
        blocks = {Path(k).stem: _parse_blocks(mask_path, k, v) for k, v in raw.items()}
        images = list_files(folder, IMAGE_SUFFIXES)
        unmasked = sorted(set(images) - set(blocks))
        orphans = sorted(set(blocks) - set(images))
        if unmasked or orphans:
            detail = (f"{len(unmasked)} image(s) without mask (e.g. {unmasked[:3]})" if unmasked
                      else f"{len(orphans)} mask(s) without image (e.g. {orphans[:3]})")
            raise BrokenReferenceError(mask_path, f"maskdata.json and Y/ disagree: {detail}")
        if not images:
            raise BrokenReferenceError(folder, "holds no reference image")
        return cls(folder, images, {k: blocks[k] for k in images})


def _check_blocks(path: Path, shape: tuple[int, ...], blocks: list[Block]) -> None:
    height, width = shape[:2]
    for row, col, size in blocks:
        if size < SMALL_IMAGE_WIN_SIZE or row < 0 or col < 0 or row + size > height \
                or col + size > width:
            raise BrokenReferenceError(
                path, f"block [row {row}, col {col}, size {size}] must lie inside the "
                f"{width}×{height} image and be at least {SMALL_IMAGE_WIN_SIZE} px")


def _load(ref_path: Path, pred_path: Path | None):
    def job():
        try:
            ref = read_image_rgb(ref_path)
        except InputError as exc:
            return exc, None
        if pred_path is None:
            return ref, None
        try:
            return ref, read_image_rgb(pred_path)
        except InputError as exc:
            return ref, exc
    return job


def score_humans(ref_dir: str | Path, pred_dir: str | Path, *, name: str | None = None,
                 extra_metrics: Mapping[str, ImageMetric] | None = None,
                 progress: Progress | None = None, workers: int | None = None) -> ScoreResult:
    """Score inpainted images on their masked blocks.

    Parameters
    ----------
    ref_dir : path
        The set: ``Y/<name>.png`` and ``maskdata.json``.
    pred_dir : path
        ``<name>.png`` full images for every reference image (only blocks are scored).
    extra_metrics : mapping name → callable, optional
        Per-image metrics on (original, reconstruction), e.g. the pose metric WNJD.

    Raises
    ------
    BrokenReferenceError
        When ``Y/`` or ``maskdata.json`` is missing, unreadable or inconsistent.
    InputError
        When the prediction folder is missing or holds none of the expected names.
    """
    reference = HumansReference.open(ref_dir)
    pred_dir = Path(pred_dir)
    extra_metrics = dict(extra_metrics or {})
    pairing = pair_predictions(reference.images, pred_dir, IMAGE_SUFFIXES, "image")
    problems = list(pairing.problems)
    names = list(reference.images)
    metrics = TRACK_METRICS[Track.HUMANS]
    penalty = {m: PENALTY[m] for m in metrics}
    jobs = (_load(reference.images[n], pairing.predictions[n]) for n in names)
    per_sample = []
    loaded = zip(names, prefetch(jobs, workers), strict=True)
    for done, (sample, (ref, pred)) in enumerate(loaded, 1):
        if isinstance(ref, InputError):
            raise BrokenReferenceError(ref.path, f"reference image is broken: {ref.rule}")
        blocks = reference.blocks[sample]
        _check_blocks(reference.images[sample], ref.shape, blocks)
        pred_path = pairing.predictions[sample]
        record = {"name": sample, "blocks": len(blocks)}
        if isinstance(pred, InputError):
            problems.append(Problem("unreadable", f"{pred.rule}; scored with the penalty",
                                    sample=sample, path=str(pred_path), penalised=True))
            pred = None
        elif pred is not None and pred.shape != ref.shape:
            problems.append(Problem(
                "wrong-size", f"image is {pred.shape[1]}×{pred.shape[0]}, the original is "
                f"{ref.shape[1]}×{ref.shape[0]}; scored with the penalty",
                sample=sample, path=str(pred_path), penalised=True))
            pred = None
        if not blocks:
            problems.append(Problem("no-blocks", "maskdata.json lists no block; not scored",
                                    sample=sample, path=str(reference.images[sample])))
        elif pred is None:
            per_sample.append({**record, **penalty, "penalised": True})
        else:
            record.update(block_scores(ref, pred, blocks))
            for metric_name, metric in extra_metrics.items():
                record[metric_name] = float(metric(ref, pred))
            per_sample.append({**record, "penalised": False})
        if progress:
            progress(done, len(names))
    secondary = {}
    for metric_name in extra_metrics:
        values = [s[metric_name] for s in per_sample if metric_name in s]
        if values:
            secondary[metric_name] = float(np.mean(values))
    return ScoreResult(
        track=Track.HUMANS,
        name=name or pred_dir.resolve().name,
        metrics=mean_over_samples(per_sample, metrics),
        per_sample=per_sample,
        problems=problems,
        settings={
            "region": "masked blocks only (maskdata.json [row, col, size])",
            "psnr_data_range": PSNR_DATA_RANGE,
            "ssim": HUMANS_SSIM.describe(),
            "small_block_window": f"{SMALL_IMAGE_WIN_SIZE}x{SMALL_IMAGE_WIN_SIZE} below 11 px",
            "aggregation": "per block, mean over an image's blocks, then mean over images",
            "penalty": penalty,
            "pose_metric": sorted(extra_metrics) or "not computed (added by the pose extra)",
        },
        secondary=secondary,
    )
