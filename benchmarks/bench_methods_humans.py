"""Track 1 methods: seconds per image and the challenge's block metrics, ranked.

The test set is challenge-like: person-centred crops of the real pose photos in
``../shared/data/real/pose`` (cut by the dataset builder's own
:func:`~inpaintbench.data.humans.crops.person_crop`), plus scikit-image's
astronaut, chelsea and coffee photographs, each masked by the challenge's block
rules (:func:`~inpaintbench.data.humans.masks.draw_blocks`, biased towards the
annotated joints), the holes filled white as in the release. Every registered
humans method fills every image; the blocks are scored with the scorer's own
:func:`~inpaintbench.scoring.humans.block_scores` (per block, mean per image, then
mean over images). Run:

    python benchmarks/bench_methods_humans.py [--images 24] [--methods telea patchmatch]

It prints, per method, the mean and largest seconds per image (one thread, after a
warm-up image that compiles the numba code) and MSE, PSNR and DSSIM, ranked by the mean
of the three ranks as the challenge ranked; then the speed of our PatchMatch
against OpenCV's Telea (the speed reference: no other exemplar-based inpainter
is installed here), and the biharmonic solve per hole (scikit-image's
``split_into_regions``, which our method uses) against one solve for all holes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np
from scipy.stats import rankdata
from skimage import data
from skimage.restoration import inpaint_biharmonic

from inpaintbench.data.humans.crops import person_crop, shift_person
from inpaintbench.data.humans.masks import apply_blocks, blocks_mask, draw_blocks, mask_rng
from inpaintbench.data.humans.sources import read_source
from inpaintbench.io.media import read_image_rgb
from inpaintbench.methods.registry import available, create
from inpaintbench.scoring.humans import block_scores
from inpaintbench.tracks import Track

POSE_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "pose"
ANNOTATIONS = ("coco/test_coco.json", "mpii/test_mpii.json", "crowdpose/test_crowdpose.json",
               "ochuman/test_ochuman.json", "aic/test_aic.json", "mhp/test_mhp.json")
MIN_SIDE = 150  # crops of about 150–500 px sides, as most of the challenge's
MAX_SIDE = 500  # larger crops are scaled down to this long side
SEED = 2018
SPEED_REFERENCE = "telea"
OURS = "patchmatch"


def _scaled(image: np.ndarray, joints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = MAX_SIDE / max(image.shape[:2])
    if scale >= 1:
        return image, joints
    size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), joints * scale


def person_crops(limit: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(name, crop, joints (J, 2) as x, y)`` of the annotated persons of the real photos."""
    crops = []
    for relative in ANNOTATIONS:
        path = POSE_DIR / relative
        if not path.is_file():
            continue
        for item in read_source(path).images:
            image = read_image_rgb(item.path)
            height, width = image.shape[:2]
            for person in item.persons:
                box = person_crop(person, width, height)
                if box is None or min(box[2] - box[0], box[3] - box[1]) < MIN_SIDE:
                    continue
                local = shift_person(person, box)
                joints = np.array([[j.x, j.y] for j in local.joints], dtype=np.float64)
                crop, joints = _scaled(image[box[1]:box[3], box[0]:box[2]], joints)
                crops.append((f"{item.source}/{item.image_id}/{person.person_id}", crop, joints))
                if len(crops) == limit:
                    return crops
    return crops


def test_set(limit: int) -> list[tuple[str, np.ndarray, list[tuple[int, int, int]]]]:
    """``(name, original, blocks)``: the photos of scikit-image and the person crops."""
    photos = [("skimage/astronaut", data.astronaut(), np.zeros((0, 2))),
              ("skimage/chelsea", data.chelsea(), np.zeros((0, 2))),
              ("skimage/coffee", data.coffee(), np.zeros((0, 2)))]
    samples = []
    for name, image, joints in photos + person_crops(max(limit - len(photos), 0)):
        height, width = image.shape[:2]
        blocks = draw_blocks(width, height, joints, mask_rng(SEED, name))
        samples.append((name, np.ascontiguousarray(image), blocks))
    return samples[:limit]


def run_method(name: str, samples) -> dict[str, float]:
    """Mean seconds per image and mean block metrics of one method over the set."""
    method = create(Track.HUMANS, name)
    _, image, blocks = samples[0]
    height, width = image.shape[:2]
    method.inpaint(apply_blocks(image, blocks), blocks_mask(width, height, blocks))  # warm-up
    seconds, scores = [], []
    for _, image, blocks in samples:
        height, width = image.shape[:2]
        holed, mask = apply_blocks(image, blocks), blocks_mask(width, height, blocks)
        start = time.perf_counter()
        filled = method.inpaint(holed, mask)
        seconds.append(time.perf_counter() - start)
        filled = np.where(mask[..., None], filled, image)  # the runner pastes the known back
        scores.append(block_scores(image, filled, blocks))
    return {"seconds": float(np.mean(seconds)), "slowest": float(np.max(seconds)),
            **{m: float(np.mean([s[m] for s in scores])) for m in ("mse", "psnr", "dssim")}}


def biharmonic_split(samples) -> tuple[float, float]:
    """Seconds per image of scikit-image's biharmonic: one solve, and one per hole."""
    seconds = {False: [], True: []}
    for _, image, blocks in samples:
        height, width = image.shape[:2]
        holed = apply_blocks(image, blocks).astype(np.float64) / 255.0
        mask = blocks_mask(width, height, blocks)
        for split, times in seconds.items():
            start = time.perf_counter()
            inpaint_biharmonic(holed, mask, split_into_regions=split, channel_axis=-1)
            times.append(time.perf_counter() - start)
    return float(np.mean(seconds[False])), float(np.mean(seconds[True]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=24, help="size of the test set")
    parser.add_argument("--methods", nargs="*", help="default: every humans method")
    args = parser.parse_args()
    cv2.setNumThreads(1)  # one core per method, as the runner gives it
    samples = test_set(args.images)
    sides = [min(image.shape[:2]) for _, image, _ in samples]
    masked = [blocks_mask(i.shape[1], i.shape[0], b).mean() for _, i, b in samples]
    print(f"{len(samples)} images, short side {min(sides)}–{max(sides)} px, "
          f"{np.mean([len(b) for _, _, b in samples]):.1f} blocks and "
          f"{100 * np.mean(masked):.1f} % masked on average")
    names = args.methods or [info.name for info in available(Track.HUMANS)]
    results = {name: run_method(name, samples) for name in names}
    ranks = np.mean([rankdata([results[n][m] * sign for n in names])
                     for m, sign in (("mse", 1), ("psnr", -1), ("dssim", 1))], axis=0)
    print(f"\n{'method':<16} {'s/image':>8} {'slowest':>8} {'MSE':>8} {'PSNR':>7} {'DSSIM':>7} "
          f"{'rank':>5}")
    for rank, name in sorted(zip(ranks, names, strict=True)):
        r = results[name]
        print(f"{name:<16} {r['seconds']:8.3f} {r['slowest']:8.3f} {r['mse']:8.4f} "
              f"{r['psnr']:7.2f} {r['dssim']:7.4f} {rank:5.2f}")
    if OURS in results and SPEED_REFERENCE in results:
        ratio = results[OURS]["seconds"] / results[SPEED_REFERENCE]["seconds"]
        print(f"\n{OURS} takes {ratio:.1f}× the time of OpenCV {SPEED_REFERENCE} "
              f"({results[OURS]['seconds']:.3f} vs {results[SPEED_REFERENCE]['seconds']:.3f} s)")
    if "biharmonic" in results:
        whole, split = biharmonic_split(samples)
        print(f"biharmonic: one solve for all holes {whole:.3f} s/image, one per hole "
              f"(split_into_regions, as our method) {split:.3f} s/image "
              f"({whole / split:.1f}× faster)")


if __name__ == "__main__":
    main()
