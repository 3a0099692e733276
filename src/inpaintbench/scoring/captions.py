"""Track 2 scoring: MSE, PSNR and DSSIM over whole frames of decaptioned clips.

As the captions starting kit's scorer did (CHALLENGE.md "Track 2 — Scoring"): decode
each MP4 to RGB, take the first 125 frames as float /255, compute per frame the MSE,
the PSNR with data range 1 and DSSIM = (1 − SSIM)/2 with the Gaussian-weighted SSIM
(σ 1.5, 11×11, sample covariance, data range 1, per channel then averaged); average
over the frames of a clip, then over clips.

Clips stream one at a time (decoding on worker threads overlaps the metric
kernel, which itself runs on every core), so memory does not grow with the set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench import cluster
from inpaintbench.errors import BrokenReferenceError, InputError, WrongSizeError
from inpaintbench.io.media import VIDEO_SUFFIXES, read_video
from inpaintbench.scoring.common import (
    TIMING_JSON,
    Progress,
    list_files,
    mean_seconds_per_sample,
    pair_predictions,
    prefetch,
    read_time_budget,
    read_timing,
)
from inpaintbench.scoring.metrics import (
    CAPTIONS_SSIM,
    PSNR_DATA_RANGE,
    SSIMSettings,
    frame_metrics,
)
from inpaintbench.scoring.result import (
    PENALTY,
    TRACK_METRICS,
    Problem,
    ScoreResult,
    mean_over_samples,
)
from inpaintbench.tracks import CLIP_FRAMES, Track


@dataclass(frozen=True)
class CaptionsReference:
    """The clean clips of a captions set: ``Y/<clip>.mp4`` (or a folder of clips)."""

    folder: Path
    clips: dict[str, Path]

    @classmethod
    def open(cls, ref_dir: str | Path) -> CaptionsReference:
        ref_dir = Path(ref_dir)
        if not ref_dir.is_dir():
            raise BrokenReferenceError(ref_dir, "reference folder not found")
        folder = ref_dir / "Y" if (ref_dir / "Y").is_dir() else ref_dir
        clips = list_files(folder, VIDEO_SUFFIXES)
        if not clips:
            raise BrokenReferenceError(
                ref_dir, "holds no reference clip",
                "a captions reference is a folder with Y/<clip>.mp4 (the release layout)")
        return cls(folder, clips)


def _load(ref_path: Path, pred_path: Path | None, frames: int):
    """A job decoding the reference clip, then the prediction if its frames have its size.

    The prediction's frame size is read from its container's header first: one of
    another size (or over :data:`~inpaintbench.io.media.MAX_CLIP_PIXELS`) comes back
    as the error, undecoded.
    """
    def job():
        try:
            ref = read_video(ref_path, max_frames=frames)
        except InputError as exc:
            return exc, None
        if pred_path is None:
            return ref, None
        try:
            return ref, read_video(pred_path, max_frames=frames + 1,
                                   expect_size=(ref.shape[2], ref.shape[1]))
        except InputError as exc:
            return ref, exc
    return job


def score_clip(name: str, ref: np.ndarray, pred: np.ndarray | InputError | None,
               pred_path: Path | None, frames: int,
               settings: SSIMSettings = CAPTIONS_SSIM) -> tuple[dict, list[Problem]]:
    """Score one clip, applying the penalty to what is missing or unreadable."""
    problems: list[Problem] = []
    where = str(pred_path) if pred_path else None
    penalty = {m: PENALTY[m] for m in TRACK_METRICS[Track.CAPTIONS]}
    if pred is None:  # missing: already listed by the pairing
        return {"name": name, **penalty, "frames_scored": 0, "penalised": True}, problems
    if isinstance(pred, WrongSizeError):  # found from its header, never decoded
        problems.append(Problem(
            "wrong-size", f"frames are {pred.size[0]}×{pred.size[1]}, the reference's are "
            f"{pred.expected[0]}×{pred.expected[1]}; scored with the penalty",
            sample=name, path=where, penalised=True))
        return {"name": name, **penalty, "frames_scored": 0, "penalised": True}, problems
    if isinstance(pred, InputError):
        problems.append(Problem("unreadable", f"{pred.rule}; scored with the penalty",
                                sample=name, path=where, penalised=True))
        return {"name": name, **penalty, "frames_scored": 0, "penalised": True}, problems
    if pred.shape[1:] != ref.shape[1:]:
        problems.append(Problem(
            "wrong-size", f"frames are {pred.shape[2]}×{pred.shape[1]}, the reference's are "
            f"{ref.shape[2]}×{ref.shape[1]}; scored with the penalty",
            sample=name, path=where, penalised=True))
        return {"name": name, **penalty, "frames_scored": 0, "penalised": True}, problems
    if len(pred) > frames:
        problems.append(Problem("extra-frames", f"more than {frames} frames; the first {frames} "
                                "are scored, as the challenge did", sample=name, path=where))
        pred = pred[:frames]
    n = min(len(pred), len(ref))
    per_frame = frame_metrics(ref[:n], pred[:n], settings)
    penalised = n < len(ref)
    if penalised:
        problems.append(Problem(
            "frame-count", f"{len(pred)} frames instead of {len(ref)}; the missing frames are "
            "scored with the penalty", sample=name, path=where, penalised=True))
        for metric in per_frame:
            per_frame[metric] = np.concatenate([per_frame[metric],
                                                np.full(len(ref) - n, PENALTY[metric])])
    record = {"name": name, **{m: float(np.mean(v)) for m, v in per_frame.items()},
              "frames_scored": n, "penalised": penalised}
    return record, problems


def _clip_result(clip: str, ref: Any, pred: Any, refs: dict[str, Path],
                 preds: dict[str, Path | None], frames: int, settings: SSIMSettings
                 ) -> tuple[dict[str, Any], list[Problem]]:
    """One loaded clip's record and problems; BrokenReferenceError when its reference is."""
    if isinstance(ref, InputError):
        raise BrokenReferenceError(ref.path, f"reference clip is broken: {ref.rule}")
    if len(ref) < frames:
        raise BrokenReferenceError(refs[clip], f"reference clip holds {len(ref)} frames, the "
                                               f"rule is at least {frames}",
                                   "pass --frames to score shorter clips")
    return score_clip(clip, ref, pred, preds[clip], frames, settings)


def _clip_job(clip: str, refs: dict[str, Path], preds: dict[str, Path | None], frames: int,
              settings: SSIMSettings) -> tuple[dict[str, Any], list[Problem]]:
    """Load and score one clip (a cluster task)."""
    ref, pred = _load(refs[clip], preds[clip], frames)()
    return _clip_result(clip, ref, pred, refs, preds, frames, settings)


def score_captions(ref_dir: str | Path, pred_dir: str | Path, *, name: str | None = None,
                   frames: int = CLIP_FRAMES, settings: SSIMSettings = CAPTIONS_SSIM,
                   progress: Progress | None = None, workers: int | None = None) -> ScoreResult:
    """Score a folder of decaptioned clips against the clean reference clips.

    Parameters
    ----------
    ref_dir : path
        The reference set: ``Y/<clip>.mp4`` (the release layout) or a folder of clips.
    pred_dir : path
        The submission: ``<clip>.mp4`` for every reference clip.
    name : str, optional
        The submission's name; the prediction folder's name by default.
    frames : int
        Frames scored per clip (125 in the challenge); reference clips must hold as many.

    Raises
    ------
    BrokenReferenceError
        When the reference folder, or one of its clips, is missing, unreadable or short.
    InputError
        When the prediction folder is missing or holds no clip of the reference set.
    """
    reference = CaptionsReference.open(ref_dir)
    pred_dir = Path(pred_dir)
    timing = pred_dir / TIMING_JSON
    budget = read_time_budget(timing) if timing.is_file() else None
    # a run under a time budget may finish nothing: then every clip gets the penalty
    pairing = pair_predictions(reference.clips, pred_dir, VIDEO_SUFFIXES, "video",
                               allow_empty=budget is not None)
    problems = list(pairing.problems)
    names = list(reference.clips)
    paths = (reference.clips, pairing.predictions, frames, settings)
    address = cluster.current()
    if address:  # load and score each clip on the cluster's workers
        results = cluster.map_ordered(_clip_job, names, paths, address)
    else:  # decode ahead on threads, score here
        jobs = (_load(reference.clips[n], pairing.predictions[n], frames) for n in names)
        results = (_clip_result(clip, ref, pred, *paths) for clip, (ref, pred)
                   in zip(names, prefetch(jobs, workers), strict=True))
    per_sample = []
    for done, (record, clip_problems) in enumerate(results, 1):
        per_sample.append(record)
        problems += clip_problems
        if progress:
            progress(done, len(names))
    secondary: dict[str, float] = {}
    seconds = mean_seconds_per_sample(pred_dir, names)
    if seconds is not None:
        secondary["seconds_per_clip"] = seconds
    if budget is not None:  # the challenge's speed ranking: clips done within the budget
        done = read_timing(timing)
        secondary["clips_in_budget"] = float(sum(n in done for n in names))
    return ScoreResult(
        track=Track.CAPTIONS,
        name=name or pred_dir.resolve().name,
        metrics=mean_over_samples(per_sample, TRACK_METRICS[Track.CAPTIONS]),
        per_sample=per_sample,
        problems=problems,
        settings={
            "frames_per_clip": frames,
            "decode": "RGB24 via FFmpeg (PyAV), values / 255",
            "psnr_data_range": PSNR_DATA_RANGE,
            "dssim": "(1 - SSIM) / 2, SSIM per RGB channel then averaged",
            "ssim": settings.describe(),
            "aggregation": "per frame, mean over a clip's frames, then mean over clips",
            "penalty": {m: PENALTY[m] for m in TRACK_METRICS[Track.CAPTIONS]},
            **({"time_budget_seconds": budget} if budget is not None else {}),
        },
        secondary=secondary,
    )
