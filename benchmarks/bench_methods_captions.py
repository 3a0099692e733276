"""Track-2 methods compared: seconds per clip, MSE, PSNR, DSSIM, and detection IoU by class.

Builds a small captions set with the project's builder from the built-in offline
sources (or reuses the one ``--data`` names), runs every registered captions
method on each clip of it, one process and one OpenCV thread as the runner gives
each worker, and scores the output against the clean clip with the challenge's
per-frame metrics (:func:`inpaintbench.scoring.metrics.frame_metrics`, averaged
over frames, then clips, as the scorer does). Methods that find the captions
themselves also have their masks compared with the metadata's exact ones: the
IoU, pooled over the pixels of each clip, averaged over the clips of each
difficulty class, and their false positives: the share of pixels flagged on the
frames that show no caption, pooled over the set (``FP‰``, per mille). Run:

    python benchmarks/bench_methods_captions.py [--data SET] [--photos 6] [--max-clips 3] [--seed 0]
        [--frame-size 128]

``--data`` names a set to reuse, or where to build one and keep it.

The set is built lossy (H.264 CRF 18, as the challenge's release), yet a frame
before a clip's first subtitle is encoded the same in X and Y, and a method that
leaves it alone returns it exactly: the scorer's PSNR of that frame, and so of
the clip, is infinite. The table's PSNR is therefore the mean over the frames not
returned exactly, and the number of those is shown apart (``exact``). The table
is ranked as the challenge ranked: by the mean of the ranks on MSE, PSNR, DSSIM.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from inpaintbench.data.captions.build import METADATA_JSON, CaptionsBuildConfig, build_captions
from inpaintbench.data.captions.defaults import default_sources
from inpaintbench.data.captions.render import decode_masks
from inpaintbench.data.captions.subtitles import DIFFICULTIES
from inpaintbench.io.atomic import read_json
from inpaintbench.io.media import read_video
from inpaintbench.methods.captions.detect import detection_scores
from inpaintbench.methods.registry import available, create
from inpaintbench.scoring.metrics import frame_metrics
from inpaintbench.tracks import CLIP_SIZE, CLIP_SIZES, Track

METRICS = ("mse", "psnr", "dssim")
HIGHER_IS_BETTER = {"mse": False, "psnr": True, "dssim": False}


def build_set(out: Path, photos: int, max_clips: int, seed: int, frame_size: int) -> None:
    """A lossy captions set from the built-in sources: every video, ``photos`` photographs."""
    found = default_sources()
    videos = [s for s in found if s.kind == "video"]
    chosen = videos + [s for s in found if s.kind == "photo"][:photos]
    config = CaptionsBuildConfig(seed=seed, max_clips_per_video=max_clips,
                                 split=(1.0, 0.0, 0.0), frame_size=frame_size)
    build_captions(chosen, out, config)


def clips(data: Path):
    """Each clip of the set: name, difficulty, captioned and clean frames, caption mask."""
    metadata = read_json(data / METADATA_JSON)
    for name, clip in sorted(metadata["clips"].items()):
        folder = data / clip["split"]
        captioned = read_video(folder / "X" / f"{name}.mp4")
        clean = read_video(folder / "Y" / f"{name}.mp4")
        mask = decode_masks(clip["events"], len(captioned), *captioned.shape[1:3])
        yield name, clip["difficulty"][0], captioned, clean, mask


@dataclass
class Evaluation:
    """Per-clip figures of every method over some clips."""

    names: list[str]
    scores: dict[str, dict[str, list[float]]]
    ious: dict[str, dict[str, list[float]]]
    flagged: dict[str, list[int]]  # pixels flagged, pixels seen, on uncaptioned frames
    classes: dict[str, int]
    frames: int = 0

    def means(self) -> dict[str, dict[str, float]]:
        return {name: {m: float(np.nanmean(v)) for m, v in s.items()}
                for name, s in self.scores.items()}

    def ranks(self) -> dict[str, float]:
        """The challenge's ranking: the mean of the ranks on MSE, PSNR and DSSIM."""
        means, ranks = self.means(), {name: 0.0 for name in self.names}
        for metric in METRICS:
            order = sorted(self.names, key=lambda n: means[n][metric],
                           reverse=HIGHER_IS_BETTER[metric])
            for rank, name in enumerate(order, 1):
                ranks[name] += rank / len(METRICS)
        return ranks


def evaluate(sets: list[Path], methods: dict, quiet: bool = False) -> Evaluation:
    """Run every method on every clip of ``sets``, timing it and scoring it as the scorer does."""
    names = list(methods)
    result = Evaluation(names, {n: {m: [] for m in (*METRICS, "seconds", "exact")}
                                for n in names},
                        {n: {d: [] for d in DIFFICULTIES} for n in names},
                        {n: [0, 0] for n in names}, {d: 0 for d in DIFFICULTIES})
    for data in sets:
        for clip, difficulty, captioned, clean, truth in clips(data):
            result.classes[difficulty] += 1
            result.frames += len(captioned)
            for name, method in methods.items():
                method.decaption(captioned[:8])  # warm-up: compiled kernels, caches
                start = time.perf_counter()
                out = method.decaption(captioned)
                result.scores[name]["seconds"].append(time.perf_counter() - start)
                per_frame = frame_metrics(clean, out)
                exact = ~np.isfinite(per_frame["psnr"])  # MSE 0: the scorer's PSNR is inf
                per_frame["psnr"] = per_frame["psnr"][~exact]
                for metric, values in per_frame.items():
                    result.scores[name][metric].append(float(np.mean(values)) if len(values)
                                                       else np.nan)
                result.scores[name]["exact"].append(int(exact.sum()))
                try:
                    found = method.detect(captioned)
                except AttributeError:  # no detector (the floor, a learned decaptioner)
                    continue
                result.ious[name][difficulty].append(detection_scores(found, truth)["iou"])
                free = ~truth.any(axis=(1, 2))
                result.flagged[name][0] += int(np.count_nonzero(found[free]))
                result.flagged[name][1] += int(found[free].size)
            if not quiet:
                print(f"{sum(result.classes.values()):3d} {clip:28s} {difficulty:6s} done",
                      flush=True)
    return result


def _evaluate_one(sets: list[Path], name: str) -> Evaluation:
    single_threaded()
    return evaluate(sets, {name: create(Track.CAPTIONS, name)}, quiet=True)


def evaluate_parallel(sets: list[Path], names: list[str], jobs: int) -> Evaluation:
    """:func:`evaluate`, one method per task on ``jobs`` processes of one thread each.

    Each method still runs on one core, so its seconds are those of a runner's worker;
    the methods only share the machine's cores between them.
    """
    if jobs <= 1:
        return evaluate(sets, {name: create(Track.CAPTIONS, name) for name in names})
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        parts = list(pool.map(_evaluate_one, [sets] * len(names), names))
    merged = parts[0]
    for part in parts[1:]:
        merged.names += part.names
        merged.scores.update(part.scores)
        merged.ious.update(part.ious)
        merged.flagged.update(part.flagged)
    return merged


def print_table(result: Evaluation, where: str) -> None:
    """The ranked table: seconds per clip, frames per second, metrics, IoU by class, FP‰."""
    means, ranks = result.means(), result.ranks()
    clips_count = sum(result.classes.values())
    per_clip = result.frames / max(clips_count, 1)
    print(f"\n{clips_count} clips ({', '.join(f'{d} {n}' for d, n in result.classes.items())})"
          f" from {where}; one core each (fps: frames per second on one core); PSNR over "
          f"the frames not returned exactly (the scorer gives those inf), their number in "
          f"'exact'\n")
    header = (f"{'rank':>4}  {'method':18s} {'s/clip':>7} {'fps':>7} {'MSE':>9} {'PSNR':>7} "
              f"{'DSSIM':>7} {'exact':>6}")
    print(header + "   IoU " + " ".join(f"{d:>6s}" for d in DIFFICULTIES) + f" {'FP‰':>6s}")
    for name in sorted(result.names, key=lambda n: (ranks[n], n)):
        m = means[name]
        fps = per_clip / m["seconds"] if m["seconds"] > 0 else float("inf")
        row = (f"{ranks[name]:4.1f}  {name:18s} {m['seconds']:7.2f} {fps:7.1f} "
               f"{m['mse']:9.5f} {m['psnr']:7.2f} {m['dssim']:7.4f} "
               f"{sum(result.scores[name]['exact']):6d}")
        found = result.ious[name]
        row += "       " + " ".join(f"{np.mean(found[d]):6.3f}" if found[d] else f"{'—':>6s}"
                                    for d in DIFFICULTIES)
        hits, seen = result.flagged[name]
        row += f" {1000 * hits / seen:6.2f}" if seen else f" {'—':>6s}"
        print(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        help="a built captions set; built there when missing (default: a "
                             "temporary one)")
    parser.add_argument("--photos", type=int, default=6, help="photographs (2 clips each)")
    parser.add_argument("--max-clips", type=int, default=3, help="clips per video at most")
    parser.add_argument("--seed", type=int, default=0, help="seed of the built set")
    parser.add_argument("--methods", nargs="*", help="captions methods (default: all)")
    parser.add_argument("--frame-size", type=int, default=CLIP_SIZE, choices=CLIP_SIZES,
                        help="the clips' side: 128 as the release, 256 as the book")
    args = parser.parse_args()
    single_threaded()
    names = args.methods or [m.name for m in available(Track.CAPTIONS)]
    methods = {name: create(Track.CAPTIONS, name) for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or Path(tmp) / "set"
        if not (data / METADATA_JSON).is_file():
            start = time.perf_counter()
            build_set(data, args.photos, args.max_clips, args.seed, args.frame_size)
            print(f"built {data} in {time.perf_counter() - start:.0f} s")
        print_table(evaluate([data], methods), str(data))


def single_threaded() -> None:
    """One OpenCV and one torch thread: what the runner gives each of its workers."""
    import torch

    cv2.setNumThreads(1)
    torch.set_num_threads(1)


if __name__ == "__main__":
    main()
