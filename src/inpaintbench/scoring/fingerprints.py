"""Track 3 scoring: MSE, PSNR and SSIM of restored fingerprints, greyscale.

As the scoring program participants used (CHALLENGE.md "Track 3 — Scoring"): both
images are converted to luma as PIL's ``convert('L')`` does and divided by 255; the
prediction is resized to the reference's 275×400; MSE; PSNR with data range 1; SSIM
with scikit-image's 2018 defaults — 7×7 uniform window, sample covariance and
**data range 2** (the float default then). ``ssim_dr1`` gives the same SSIM with
data range 1, the value today's tools report. A missing or unreadable prediction
scores MSE = inf, PSNR = 0, SSIM = 0 and still counts in the averages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from inpaintbench import cluster
from inpaintbench.errors import BrokenReferenceError, InputError, OptionError
from inpaintbench.io.media import IMAGE_SUFFIXES, image_size, read_image_luma
from inpaintbench.scoring.common import Progress, list_files, pair_predictions, prefetch
from inpaintbench.scoring.metrics import (
    FINGERPRINT_SSIM,
    FINGERPRINT_SSIM_DR1,
    PSNR_DATA_RANGE,
    mse_batch,
    psnr_from_mse,
    ssim_batch,
)
from inpaintbench.scoring.result import (
    PENALTY,
    TRACK_METRICS,
    Problem,
    ScoreResult,
    mean_over_samples,
)
from inpaintbench.tracks import FINGERPRINT_HEIGHT, FINGERPRINT_WIDTH, Track

# Pillow's default resampling before 7.0 (2020), i.e. what a 2018 ``resize`` did.
PREDICTION_RESAMPLE = Image.Resampling.NEAREST
GROUND_TRUTH_SUFFIX = "_ground-truth"  # release layout: <split>_ground-truth/


def image_scores(reference: np.ndarray, prediction: np.ndarray) -> dict[str, float]:
    """MSE, PSNR, SSIM (data range 2) and SSIM (data range 1) of two ``uint8 (H, W)`` prints."""
    ref, pred = reference[None], prediction[None]
    err = float(mse_batch(ref, pred)[0])
    return {
        "mse": err,
        "psnr": float(psnr_from_mse(err, PSNR_DATA_RANGE)),
        "ssim": float(ssim_batch(ref, pred, FINGERPRINT_SSIM, channels=False)[0]),
        "ssim_dr1": float(ssim_batch(ref, pred, FINGERPRINT_SSIM_DR1, channels=False)[0]),
    }


@dataclass(frozen=True)
class FingerprintsReference:
    """Ground-truth prints: ``<split>_ground-truth/<name>.<ext>`` (or a folder of images)."""

    folder: Path
    images: dict[str, Path]

    @classmethod
    def open(cls, ref_dir: str | Path, split: str | None = None) -> FingerprintsReference:
        ref_dir = Path(ref_dir)
        if not ref_dir.is_dir():
            raise BrokenReferenceError(ref_dir, "reference folder not found")
        if split is not None:
            folder = ref_dir / f"{split}{GROUND_TRUTH_SUFFIX}"
            if not folder.is_dir():
                have = sorted(p.name.removesuffix(GROUND_TRUTH_SUFFIX)
                              for p in ref_dir.glob(f"*{GROUND_TRUTH_SUFFIX}") if p.is_dir())
                raise OptionError("split", f"{ref_dir} has no ground truth for split {split!r}; "
                                  f"it has {', '.join(have) or 'none'}")
        else:
            splits = sorted(p for p in ref_dir.glob(f"*{GROUND_TRUTH_SUFFIX}") if p.is_dir())
            if len(splits) > 1:
                names = ", ".join(p.name.removesuffix(GROUND_TRUTH_SUFFIX) for p in splits)
                raise BrokenReferenceError(ref_dir, f"holds several splits ({names})",
                                           "choose one with --split")
            folder = splits[0] if splits else ref_dir
        images = list_files(folder, IMAGE_SUFFIXES)
        if not images:
            raise BrokenReferenceError(
                folder, "holds no ground-truth image",
                "a fingerprints reference is <split>_ground-truth/<name>.png (the release layout)")
        return cls(folder, images)


def _load(ref_path: Path, pred_path: Path | None):
    """A job decoding the ground truth, then the prediction resized to it, with its size.

    Predictions of any size are resized, as the challenge's scorer did; one over
    :data:`~inpaintbench.io.media.MAX_IMAGE_PIXELS` comes back as the error, found
    from its header and never decoded.
    """
    def job():
        try:
            ref = read_image_luma(ref_path)
        except InputError as exc:
            return exc, None, None
        if pred_path is None:
            return ref, None, None
        size = (ref.shape[1], ref.shape[0])
        try:
            original_size = image_size(pred_path)
            return ref, read_image_luma(pred_path, size, PREDICTION_RESAMPLE), original_size
        except InputError as exc:
            return ref, exc, None
    return job


def _image_result(sample: str, ref: Any, pred: Any, size: tuple[int, int] | None,
                  refs: dict[str, Path], preds: dict[str, Path | None]
                  ) -> tuple[dict[str, Any], list[Problem]]:
    """One loaded image's record and problems; BrokenReferenceError when its truth is."""
    problems: list[Problem] = []
    penalty = {m: PENALTY[m] for m in TRACK_METRICS[Track.FINGERPRINTS]}
    pred_path = preds[sample]
    if isinstance(ref, InputError):
        raise BrokenReferenceError(ref.path, f"ground truth is broken: {ref.rule}")
    if ref.shape != (FINGERPRINT_HEIGHT, FINGERPRINT_WIDTH):
        problems.append(Problem(
            "reference-size", f"ground truth is {ref.shape[1]}×{ref.shape[0]}, the challenge's "
            f"is {FINGERPRINT_WIDTH}×{FINGERPRINT_HEIGHT}; predictions are resized to it",
            sample=sample, path=str(refs[sample])))
    if pred is None:
        return {"name": sample, **penalty, "penalised": True}, problems
    if isinstance(pred, InputError):
        problems.append(Problem("unreadable", f"{pred.rule}; scored with the penalty",
                                sample=sample, path=str(pred_path), penalised=True))
        return {"name": sample, **penalty, "penalised": True}, problems
    if size != (ref.shape[1], ref.shape[0]):
        problems.append(Problem(
            "resized", f"{size[0]}×{size[1]} resized to {ref.shape[1]}×{ref.shape[0]} "
            "(nearest neighbour), as the challenge's scorer did",
            sample=sample, path=str(pred_path)))
    return {"name": sample, **image_scores(ref, pred), "penalised": False}, problems


def _image_job(sample: str, refs: dict[str, Path], preds: dict[str, Path | None]
               ) -> tuple[dict[str, Any], list[Problem]]:
    """Load and score one image (a cluster task)."""
    return _image_result(sample, *_load(refs[sample], preds[sample])(), refs, preds)


def score_fingerprints(ref_dir: str | Path, pred_dir: str | Path, *, name: str | None = None,
                       split: str | None = None, progress: Progress | None = None,
                       workers: int | None = None) -> ScoreResult:
    """Score restored fingerprints against their ground truth.

    Parameters
    ----------
    ref_dir : path
        The set (holding ``<split>_ground-truth/``) or a folder of ground-truth images.
    pred_dir : path
        ``<name>.png`` or ``<name>.jpg`` for every ground-truth image.
    split : str, optional
        Which ``<split>_ground-truth`` folder to use when the set holds several.

    Raises
    ------
    BrokenReferenceError
        When the ground truth is missing or unreadable.
    InputError
        When the prediction folder is missing or holds none of the expected names.
    """
    reference = FingerprintsReference.open(ref_dir, split)
    pred_dir = Path(pred_dir)
    pairing = pair_predictions(reference.images, pred_dir, IMAGE_SUFFIXES, "image")
    problems = list(pairing.problems)
    names = list(reference.images)
    metrics = TRACK_METRICS[Track.FINGERPRINTS]
    penalty = {m: PENALTY[m] for m in metrics}
    paths = (reference.images, pairing.predictions)
    address = cluster.current()
    if address:  # load and score each image on the cluster's workers
        results = cluster.map_ordered(_image_job, names, paths, address)
    else:  # decode ahead on threads, score here
        jobs = (_load(reference.images[n], pairing.predictions[n]) for n in names)
        results = (_image_result(sample, *loaded, *paths) for sample, loaded
                   in zip(names, prefetch(jobs, workers), strict=True))
    per_sample = []
    for done, (record, image_problems) in enumerate(results, 1):
        per_sample.append(record)
        problems += image_problems
        if progress:
            progress(done, len(names))
    return ScoreResult(
        track=Track.FINGERPRINTS,
        name=name or pred_dir.resolve().name,
        metrics=mean_over_samples(per_sample, metrics),
        per_sample=per_sample,
        problems=problems,
        settings={
            "greyscale": "PIL convert('L'): L = R*299/1000 + G*587/1000 + B*114/1000, / 255",
            "prediction_resize": f"to the reference size, {PREDICTION_RESAMPLE.name.lower()}",
            "psnr_data_range": PSNR_DATA_RANGE,
            "ssim": FINGERPRINT_SSIM.describe(),
            "ssim_note": "ssim uses data range 2, scikit-image's float default in 2018, as the "
                         "challenge did; ssim_dr1 is the same SSIM with data range 1",
            "ssim_dr1": FINGERPRINT_SSIM_DR1.describe(),
            "aggregation": "mean over images",
            "penalty": penalty,
        },
    )
