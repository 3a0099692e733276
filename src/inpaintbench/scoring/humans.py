"""Track 1 scoring: MSE, PSNR and DSSIM on the masked blocks of each image.

The challenge scored the reconstructed blocks only, each block counting the same
within an image and each image the same within the set: per-block values are
averaged per image, then over images (CHALLENGE.md "Track 1 — Metrics"; the
winner's MSE 0.0158 with PSNR 21.87 shows PSNR is a mean of per-block PSNRs).
DSSIM is computed as in track 2 on each block crop; a block under 11 px uses the
starting kit's 3×3 fallback window.

The pose metric WNJD (:mod:`inpaintbench.pose.wnjd`) is the track's secondary
figure: with ``pose=`` an estimator (or ``"auto"``/``"blazepose"``), each image's
WNJD between the original and the reconstruction is stored with its sample,
averaged over images into ``secondary["wnjd"]``, and averaged per joint type into
``tables["wnjd_per_joint"]`` (book Table 7's layout). A missing or unreadable
prediction loses every joint (WNJD 1); an image whose original has no scored joint
is left out of WNJD and listed as a ``no-pose`` problem. Without the optional
``pose`` extra, ``"auto"`` scores the pixel metrics and says WNJD was skipped.

Other per-image metrics plug in through ``extra_metrics``: a callable per image
``(original, reconstruction) -> float`` whose per-image values are stored with
each sample and averaged into a secondary figure of the same name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench import cluster
from inpaintbench.data.humans.joints import Person
from inpaintbench.data.humans.layout import (
    JOINTS_JSON,
    MASKDATA_JSON,
    Block,
    check_blocks_inside,
    read_joints,
    read_maskdata,
)
from inpaintbench.errors import BrokenReferenceError, InputError, WrongSizeError
from inpaintbench.io.media import IMAGE_SUFFIXES, read_image_rgb
from inpaintbench.pose import (
    DEFAULT_ESTIMATOR,
    ESTIMATORS,
    POSE_EXTRA_HINT,
    SCORED_CODES,
    WNJD_PENALTY,
    PoseEstimator,
    PoseExtraMissing,
    load_estimator,
    per_joint_table,
    wnjd,
)
from inpaintbench.pose.wnjd import scored_joints
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

POSE_CHOICES = ("auto", "blazepose", "none")  # the CLI's --pose
POSE_REFERENCES = ("estimator", "annotations")  # where the original's joints come from

ImageMetric = Callable[[np.ndarray, np.ndarray], float]


def block_scores(reference: np.ndarray, prediction: np.ndarray,
                 blocks: list[Block]) -> dict[str, float]:
    """Mean over blocks of the per-block MSE, PSNR and DSSIM of two ``uint8 (H, W, 3)`` images."""
    per_block = [frame_metrics(reference[row:row + size, col:col + size][None],
                               prediction[row:row + size, col:col + size][None], HUMANS_SSIM)
                 for row, col, size in blocks]
    return {m: float(np.mean([b[m][0] for b in per_block])) for m in per_block[0]}


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
        if not folder.is_dir():
            raise BrokenReferenceError(folder, "is not a folder",
                                       "a humans reference holds Y/<name>.png and maskdata.json")
        images = list_files(folder, IMAGE_SUFFIXES)
        if not images:
            raise BrokenReferenceError(folder, "holds no reference image")
        blocks = read_maskdata(mask_path, images, error=BrokenReferenceError)
        return cls(folder, images, {k: blocks[k] for k in images})


def _load(ref_path: Path, pred_path: Path | None):
    """A job decoding the original, then the prediction if it has the original's size.

    The prediction's size is read from its header first: one of another size (or
    over :data:`~inpaintbench.io.media.MAX_IMAGE_PIXELS`) comes back as the error,
    undecoded.
    """
    def job():
        try:
            ref = read_image_rgb(ref_path)
        except InputError as exc:
            return exc, None
        if pred_path is None:
            return ref, None
        try:
            return ref, read_image_rgb(pred_path, expect_size=(ref.shape[1], ref.shape[0]))
        except InputError as exc:
            return ref, exc
    return job


def load_reference_joints(ref_dir: str | Path) -> dict[str, list[Person]]:
    """The annotated people of a reference set, from its ``joints.json``.

    Returns
    -------
    dict
        Image name (file stem) → people, most prominent first.

    Raises
    ------
    BrokenReferenceError
        When the file is missing, not JSON, or not ``{name: {"persons": [...]}}``.
    """
    path = Path(ref_dir) / JOINTS_JSON
    if not path.is_file():
        raise BrokenReferenceError(
            path, "not found", "--pose-reference annotations needs the joints.json the dataset "
            "builder writes; use --pose-reference estimator to pose the originals instead")
    names = list_files(Path(ref_dir) / "Y", IMAGE_SUFFIXES)
    return read_joints(path, names, error=BrokenReferenceError)


def resolve_pose(pose: PoseEstimator | str | None) -> tuple[PoseEstimator | None, str | None]:
    """The estimator ``pose`` names, and a notice when ``"auto"`` finds none installed.

    ``None`` or ``"none"``: no pose metric. ``"auto"``: BlazePose when mediapipe
    imports, else ``(None, notice)``. An estimator name (``"blazepose"``) or an
    object with ``name`` and ``estimate``: that estimator.

    Raises
    ------
    PoseExtraMissing
        When an estimator is named explicitly and its dependency is missing.
    ValueError
        When ``pose`` names no estimator.
    """
    if pose is None or pose == "none":
        return None, None
    if isinstance(pose, str):
        if pose != "auto":
            return load_estimator(pose), None
        try:
            return load_estimator(), None
        except PoseExtraMissing as exc:
            return None, (f"WNJD not computed: the pose extra is not installed ({exc.__cause__}); "
                          f"install it with {POSE_EXTRA_HINT}. The pixel metrics are complete.")
    if not isinstance(pose, PoseEstimator):
        raise ValueError(f"pose must be one of {', '.join(POSE_CHOICES)} or a PoseEstimator, "
                         f"got {pose!r}")
    return pose, None


class _PoseScorer:
    """WNJD per image for one scoring run; the estimator runs on the calling thread."""

    def __init__(self, estimator: PoseEstimator, reference: str, ref_dir: Path,
                 cache: MutableMapping[Any, list[Person]] | None) -> None:
        self.estimator = estimator
        self.annotations = load_reference_joints(ref_dir) if reference == "annotations" else None
        self.cache = {} if cache is None else cache
        self.per_joint: list[dict[str, float]] = []
        self.unposed: list[str] = []

    def original(self, sample: str, image: np.ndarray) -> list[Person]:
        if self.annotations is not None:
            return self.annotations.get(sample, [])
        key = (self.estimator.name, sample)
        if key not in self.cache:
            self.cache[key] = list(self.estimator.estimate(image))
        return self.cache[key]

    def score(self, sample: str, ref: np.ndarray, pred: np.ndarray | None,
              problems: list[Problem]) -> dict[str, Any]:
        """The sample's WNJD fields (none when its original has no scored joint)."""
        height, width = ref.shape[:2]
        original = self.original(sample, ref)
        result = None
        if scored_joints(original, width=width, height=height):  # else: nothing to compare
            reconstruction = [] if pred is None else self.estimator.estimate(pred)
            result = wnjd(original, reconstruction, width=width, height=height)
        if result is None:
            self.unposed.append(sample)
            source = (f"{JOINTS_JSON} gives it no visible scored joint"
                      if self.annotations is not None
                      else f"{self.estimator.name} finds no scored joint on the original")
            problems.append(Problem("no-pose", f"{source}; left out of WNJD (not the method's "
                                    "fault)", sample=sample))
            return {}
        self.per_joint.append(result.per_joint)
        return {"wnjd": result.value, "wnjd_lost": len(result.lost),
                "wnjd_joints": result.per_joint}

    def gather(self, record: dict[str, Any], problems: list[Problem]) -> None:
        """Count a sample a worker scored, as :meth:`score` counts its own."""
        if "wnjd_joints" in record:
            self.per_joint.append(record["wnjd_joints"])
        elif any(p.kind == "no-pose" for p in problems):
            self.unposed.append(record["name"])

    def settings(self) -> dict[str, Any]:
        return {
            "metric": "wnjd",
            "estimator": self.estimator.name,
            "estimator_settings": getattr(self.estimator, "settings", None),
            "reference": (f"annotations ({JOINTS_JSON})" if self.annotations is not None
                          else "the estimator on the original (Y/)"),
            "joints": list(SCORED_CODES),
            "person": "the first (most prominent) of each image",
            "normalisation": "image diagonal ||(w, h)||",
            "lost_joint_penalty": WNJD_PENALTY,
            "penalised_prediction": "every joint of the original lost",
            "images_scored": len(self.per_joint),
            "images_without_pose": len(self.unposed),
        }


def _image_result(sample: str, ref: Any, pred: Any, reference: HumansReference,
                  preds: dict[str, Path | None], extra_metrics: dict[str, Any],
                  pose_scorer: _PoseScorer | None
                  ) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One loaded image's record (None when it has no block) and problems."""
    problems: list[Problem] = []
    penalty = {m: PENALTY[m] for m in TRACK_METRICS[Track.HUMANS]}
    if isinstance(ref, InputError):
        raise BrokenReferenceError(ref.path, f"reference image is broken: {ref.rule}")
    blocks = reference.blocks[sample]
    check_blocks_inside(reference.folder.parent / MASKDATA_JSON, sample, blocks,
                        ref.shape[1], ref.shape[0], error=BrokenReferenceError)
    pred_path = preds[sample]
    record: dict[str, Any] = {"name": sample, "blocks": len(blocks)}
    if isinstance(pred, WrongSizeError):  # found from its header, never decoded
        problems.append(Problem(
            "wrong-size", f"image is {pred.size[0]}×{pred.size[1]}, the original is "
            f"{pred.expected[0]}×{pred.expected[1]}; scored with the penalty",
            sample=sample, path=str(pred_path), penalised=True))
        pred = None
    elif isinstance(pred, InputError):
        problems.append(Problem("unreadable", f"{pred.rule}; scored with the penalty",
                                sample=sample, path=str(pred_path), penalised=True))
        pred = None
    if not blocks:
        problems.append(Problem("no-blocks", "maskdata.json lists no block; not scored",
                                sample=sample, path=str(reference.images[sample])))
        return None, problems
    if pred is None:
        if pose_scorer is not None:
            record.update(pose_scorer.score(sample, ref, None, problems))
        return {**record, **penalty, "penalised": True}, problems
    record.update(block_scores(ref, pred, blocks))
    for metric_name, metric in extra_metrics.items():
        record[metric_name] = float(metric(ref, pred))
    if pose_scorer is not None:
        record.update(pose_scorer.score(sample, ref, pred, problems))
    return {**record, "penalised": False}, problems


PoseSpec = tuple[str, str] | None  # (estimator name, pose reference): rebuilt on a worker
_WORKER_SCORERS: dict[tuple[str, str, Path], _PoseScorer] = {}  # one per worker process


def _remote_pose(pose: PoseEstimator | str | None, estimator: PoseEstimator | None,
                 reference: str, cache: MutableMapping[Any, list[Person]] | None
                 ) -> PoseSpec | bool:
    """How a worker makes this run's pose scorer: None (no pose metric), a spec, or False
    (it cannot: an estimator given as an object, or a cache that lives here)."""
    if estimator is None:
        return None
    name = DEFAULT_ESTIMATOR if pose == "auto" else pose
    if cache is not None or not isinstance(name, str) or name not in ESTIMATORS:
        return False
    return name, reference


def _image_job(sample: str, reference: HumansReference, preds: dict[str, Path | None],
               extra_metrics: dict[str, Any], pose: PoseSpec
               ) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Load and score one image (a cluster task), WNJD by this worker's own estimator."""
    scorer = None
    if pose is not None:
        key = (*pose, reference.folder.parent)
        if key not in _WORKER_SCORERS:
            _WORKER_SCORERS[key] = _PoseScorer(load_estimator(pose[0]), pose[1],
                                               reference.folder.parent, None)
        scorer = _WORKER_SCORERS[key]
    ref, pred = _load(reference.images[sample], preds[sample])()
    return _image_result(sample, ref, pred, reference, preds, extra_metrics, scorer)


def score_humans(ref_dir: str | Path, pred_dir: str | Path, *, name: str | None = None,
                 pose: PoseEstimator | str | None = None, pose_reference: str = "estimator",
                 pose_cache: MutableMapping[Any, list[Person]] | None = None,
                 extra_metrics: Mapping[str, ImageMetric] | None = None,
                 progress: Progress | None = None, workers: int | None = None) -> ScoreResult:
    """Score inpainted images on their masked blocks, and their poses with WNJD.

    Parameters
    ----------
    ref_dir : path
        The set: ``Y/<name>.png`` and ``maskdata.json`` (and ``joints.json`` for
        ``pose_reference="annotations"``).
    pred_dir : path
        ``<name>.png`` full images for every reference image (only blocks are
        scored for MSE, PSNR, DSSIM; the whole image is posed for WNJD).
    pose : PoseEstimator, {"auto", "blazepose", "none"} or None
        The pose estimator of WNJD (see :func:`resolve_pose`); None (the default)
        or ``"none"`` skips WNJD. It runs on the calling thread only.
    pose_reference : {"estimator", "annotations"}
        Where the original's joints come from: the estimator on ``Y/<name>.png``,
        or the set's ``joints.json``.
    pose_cache : mutable mapping, optional
        Keeps the originals' poses, keyed by ``(estimator name, image name)``;
        pass the same dict to score several submissions against one reference set
        without posing its originals again. By default a fresh one per call.
    extra_metrics : mapping name → callable, optional
        Further per-image metrics on (original, reconstruction).

    Raises
    ------
    BrokenReferenceError
        When ``Y/``, ``maskdata.json`` (or the requested ``joints.json``) is
        missing, unreadable or inconsistent.
    InputError
        When the prediction folder is missing or holds none of the expected names.
    PoseExtraMissing
        When ``pose`` names an estimator whose dependency is not installed.
    """
    if pose_reference not in POSE_REFERENCES:
        raise ValueError(f"pose_reference must be one of {', '.join(POSE_REFERENCES)}, "
                         f"got {pose_reference!r}")
    reference = HumansReference.open(ref_dir)
    pred_dir = Path(pred_dir)
    extra_metrics = dict(extra_metrics or {})
    estimator, notice = resolve_pose(pose)
    notices = [notice] if notice else []
    if estimator is not None and "wnjd" in extra_metrics:
        raise ValueError("extra_metrics['wnjd'] clashes with the pose metric; drop one of them")
    pose_scorer = (_PoseScorer(estimator, pose_reference, reference.folder.parent, pose_cache)
                   if estimator is not None else None)
    pairing = pair_predictions(reference.images, pred_dir, IMAGE_SUFFIXES, "image")
    problems = list(pairing.problems)
    names = list(reference.images)
    metrics = TRACK_METRICS[Track.HUMANS]
    penalty = {m: PENALTY[m] for m in metrics}
    pose_spec = _remote_pose(pose, estimator, pose_reference, pose_cache)
    address = cluster.current()
    remote = bool(address) and pose_spec is not False
    if remote:  # load and score each image on the cluster
        results = cluster.map_ordered(_image_job, names, (reference, pairing.predictions,
                                                          extra_metrics, pose_spec), address)
    else:  # decode ahead on threads, score here
        if address:
            notices.append("scored on this machine, not the cluster: the pose estimator "
                           "given cannot be rebuilt by name on the workers, or a pose cache "
                           "was given")
        jobs = (_load(reference.images[n], pairing.predictions[n]) for n in names)
        results = (_image_result(sample, ref, pred, reference, pairing.predictions,
                                 extra_metrics, pose_scorer)
                   for sample, (ref, pred) in zip(names, prefetch(jobs, workers), strict=True))
    per_sample = []
    for done, (record, image_problems) in enumerate(results, 1):
        problems += image_problems
        if record is not None:
            per_sample.append(record)
            if remote and pose_scorer is not None:  # the workers' WNJD, gathered here
                pose_scorer.gather(record, image_problems)
        if progress:
            progress(done, len(names))
    secondary = {}
    for metric_name in [*extra_metrics, *(["wnjd"] if pose_scorer else [])]:
        values = [s[metric_name] for s in per_sample if metric_name in s]
        if values:
            secondary[metric_name] = float(np.mean(values))
    tables: dict[str, Any] = {}
    if pose_scorer is not None:
        if pose_scorer.per_joint:
            tables["wnjd_per_joint"] = per_joint_table(pose_scorer.per_joint)
        else:
            notices.append("WNJD not computed: no original image has a scored joint "
                           "(see the no-pose problems)")
    settings: dict[str, Any] = {
        "region": "masked blocks only (maskdata.json [row, col, size])",
        "psnr_data_range": PSNR_DATA_RANGE,
        "ssim": HUMANS_SSIM.describe(),
        "small_block_window": f"{SMALL_IMAGE_WIN_SIZE}x{SMALL_IMAGE_WIN_SIZE} below 11 px",
        "aggregation": "per block, mean over an image's blocks, then mean over images",
        "penalty": penalty,
        "pose_metric": (pose_scorer.settings() if pose_scorer is not None
                        else notice or "not computed (no pose estimator requested)"),
    }
    if extra_metrics:
        settings["extra_metrics"] = sorted(extra_metrics)
    if notices:
        settings["notices"] = notices
    return ScoreResult(
        track=Track.HUMANS,
        name=name or pred_dir.resolve().name,
        metrics=mean_over_samples(per_sample, metrics),
        per_sample=per_sample,
        problems=problems,
        settings=settings,
        secondary=secondary,
        tables=tables,
    )
