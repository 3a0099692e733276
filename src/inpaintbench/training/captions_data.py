"""Captions training data: clean clips, the builder's captioned copies, fresh subtitles.

Clean clips are the scarce part and subtitles are cheap. A run's data is

- ``data.count`` *training builds* of the project's own builder
  (:func:`~inpaintbench.data.captions.build.build_captions`), seeds ``data.seed``,
  ``data.seed + 1`` …, over the sources of the challenge split's **train** part only
  (:func:`sources_of_split`: every built-in video and photograph whose name hashes to
  ``train``; the ``val`` and ``test`` sources are never trained on). Each build draws
  new subtitles and, for the photographs, new camera motions; its clips are H.264 as
  the release (CRF 18), 128×128;
- one *validation build* over the ``val`` sources, seed ``data.seed + VAL_SEED_OFFSET``;
- at every step, a share ``data.fresh`` of the samples gets subtitles drawn afresh and
  burned onto the clean clip (:func:`~inpaintbench.data.captions.render.burn`), then
  each input frame is JPEG-compressed at a random quality (:data:`FRESH_QUALITY`) as a
  stand-in for the codec's loss (re-encoding H.264 per sample costs ~20 ms a frame
  here); the rest are the builds' captioned clips, H.264 through and through.

The fresh subtitles come from a pool of :data:`EVENT_POOL` subtitle timelines, each
1 s long (the span of the winner's 9 frames 3 apart), drawn from generators seeded by
the config's seed when the data is loaded; a sample pairs a random timeline with a
random clip, place and time, so the pairs never repeat. As for fingerprints, step
``k``'s batch is drawn from ``named_rng(seed, f"batch-{k}")`` alone: a resumed run
sees exactly the batches of one that was not stopped.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inpaintbench.data.common import DATASET_JSON, METADATA_JSON, named_rng
from inpaintbench.errors import InputError
from inpaintbench.io.atomic import read_json, read_json_file
from inpaintbench.tracks import CLIP_FRAMES, CLIP_SIZE

VAL_SEED_OFFSET = 500  # the validation build's seed: data.seed + 500
CLIPS_PER_PHOTO = 4  # every camera motion the builder knows (pan, zoom, parallax, handheld)
VAL_CLIPS_PER_PHOTO = 2
VAL_FRAMES_PER_CLIP = 3  # validation frames per clip, spread over its captioned frames
EVENT_POOL = 768  # subtitle timelines for fresh samples
POOL_SPAN = 25  # frames of a fresh timeline: 1 s, the winner's ±12 frames
FRESH_QUALITY = (70, 95)  # JPEG quality range of a fresh sample's input frames
ON_CAPTION = 0.75  # share of training crops centred on a caption pixel (when there is one)
TRAIN_PREFIX = "train-"
VAL_BUILD = "val"


def sources_of_split(split: str) -> list[Any]:
    """The built-in sources whose name the challenge's 60/20/20 split puts in ``split``."""
    from inpaintbench.data.captions.build import CHALLENGE_SPLIT, split_of
    from inpaintbench.data.captions.defaults import default_sources

    return [s for s in default_sources() if split_of(s.name, CHALLENGE_SPLIT) == split]


def build_dirs(config: Any, root: Path) -> tuple[list[Path], Path]:
    """The training builds' folders and the validation build's, under ``root``."""
    seed = config.data.seed
    return ([root / f"{TRAIN_PREFIX}{seed + i}" for i in range(config.data.count)],
            root / VAL_BUILD)


def prepare_captions_data(config: Any, root: Path, workers: int | None = None,
                          progress: Any = None) -> Path:
    """Build (or finish building) the config's training and validation builds in ``root``.

    Raises
    ------
    InputError
        When the train or val part of the split has no source here.
    """
    from inpaintbench.data.captions.build import CaptionsBuildConfig, build_captions

    trains, val = build_dirs(config, root)
    plans = [(path, config.data.seed + i, "train", CLIPS_PER_PHOTO)
             for i, path in enumerate(trains)]
    plans.append((val, config.data.seed + VAL_SEED_OFFSET, "val", VAL_CLIPS_PER_PHOTO))
    for path, seed, split, per_photo in plans:
        done = path / DATASET_JSON
        if done.is_file() and read_json_file(done).get("complete"):
            continue
        sources = sources_of_split(split)
        if not sources:
            raise InputError(None, f"no built-in video or photo falls in the {split} split "
                                   "here (is ../shared beside the checkout, opencv-doc "
                                   "installed?)", "run ./bootstrap setup")
        recipe = CaptionsBuildConfig(seed=seed, split=(1.0, 0.0, 0.0),
                                     clips_per_photo=per_photo, frame_size=CLIP_SIZE)
        build_captions(sources, path, recipe, workers=workers, progress=progress)
    return root


@dataclass
class CaptionClips:
    """Decoded clips of some builds: ``X``, ``Y`` uint8 ``(N, T, H, W, 3)``, masks bool."""

    names: list[str]
    captioned: np.ndarray
    clean: np.ndarray
    masks: np.ndarray
    difficulty: list[str]

    @classmethod
    def load(cls, builds: list[Path], workers: int = 4) -> CaptionClips:
        from inpaintbench.data.captions.render import decode_masks
        from inpaintbench.io.media import read_video

        items = []
        for build in builds:
            metadata = read_json(build / METADATA_JSON)
            for name, clip in sorted(metadata["clips"].items()):
                folder = build / clip["split"]
                if (folder / "X" / f"{name}.mp4").is_file():
                    items.append((build.name, folder, name, clip))
        if not items:
            raise InputError(builds[0] if builds else None, "holds no captions clip")

        def read(item):
            _, folder, name, clip = item
            x = read_video(folder / "X" / f"{name}.mp4", CLIP_FRAMES)
            y = read_video(folder / "Y" / f"{name}.mp4", CLIP_FRAMES)
            if x.shape != y.shape or len(x) != CLIP_FRAMES:
                raise InputError(folder / "X" / f"{name}.mp4",
                                 f"is {x.shape}, its clean clip {y.shape}; a training "
                                 f"clip has {CLIP_FRAMES} frames of both")
            return x, y, decode_masks(clip["events"], CLIP_FRAMES, *x.shape[1:3])

        with ThreadPoolExecutor(workers) as pool:  # FFmpeg decodes without the GIL
            decoded = list(pool.map(read, items))
        difficulty = [max(item[3].get("difficulty") or ["easy"],
                          key=("easy", "medium", "hard").index) for item in items]
        return cls([f"{i[0]}/{i[2]}" for i in items], np.stack([d[0] for d in decoded]),
                   np.stack([d[1] for d in decoded]), np.stack([d[2] for d in decoded]),
                   difficulty)

    def __len__(self) -> int:
        return len(self.names)


def window(centre: int, frames: int, stride: int, length: int = CLIP_FRAMES) -> np.ndarray:
    """Indices of ``frames`` frames ``stride`` apart around ``centre``, mirrored at the ends.

    >>> window(0, 5, 3).tolist(), window(124, 3, 3).tolist()
    ([6, 3, 0, 3, 6], [121, 124, 121])
    """
    offsets = stride * (np.arange(frames) - frames // 2)
    index = np.abs(centre + offsets)
    last = length - 1
    return np.where(index > last, 2 * last - index, index)


def _jpeg(frame: np.ndarray, quality: int) -> np.ndarray:
    import cv2

    ok, data = cv2.imencode(".jpg", frame[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1] if ok else frame


def _draw_pool(seed: int, count: int, size: int) -> list[Any]:
    from inpaintbench.data.captions.subtitles import draw_events

    return [draw_events(named_rng(seed, f"fresh-events-{i}"), n_frames=POOL_SPAN,
                        width=size, height=size) for i in range(count)]


@dataclass
class CaptionSampler:
    """Training batches and the fixed validation set of a captions run.

    ``frames`` and ``stride`` are the network's (``in_frames``, ``frame_stride``).
    """

    clips: CaptionClips
    val: CaptionClips
    frames: int
    stride: int
    fresh: float
    events: list[Any]

    @classmethod
    def load(cls, config: Any, root: Path, frames: int, stride: int,
             pool: int = EVENT_POOL) -> CaptionSampler:
        trains, val = build_dirs(config, root)
        with ThreadPoolExecutor(2) as executor:
            events = executor.submit(_draw_pool, config.seed, pool if config.data.fresh > 0
                                     else 0, CLIP_SIZE)
            clips, val_clips = CaptionClips.load(trains), CaptionClips.load([val])
            return cls(clips, val_clips, frames, stride, config.data.fresh, events.result())

    def _fresh(self, rng: np.random.Generator, index: int, centre: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fresh subtitles on clip ``index`` around ``centre``: inputs, centre truth, mask."""
        from inpaintbench.data.captions.render import burn

        events = self.events[int(rng.integers(len(self.events)))]
        span = window(centre, POOL_SPAN, 1)
        result = burn(self.clips.clean[index, span], events)
        middle = POOL_SPAN // 2
        picks = middle + self.stride * (np.arange(self.frames) - self.frames // 2)
        picks = np.clip(picks, 0, POOL_SPAN - 1)
        quality = int(rng.integers(FRESH_QUALITY[0], FRESH_QUALITY[1] + 1))
        inputs = np.stack([_jpeg(result.frames[p], quality) for p in picks])
        return inputs, self.clips.clean[index, centre], result.mask[middle]

    def batch(self, seed: int, step: int, size: int, crop: int, augment: tuple[str, ...]
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Step ``step``'s batch: inputs ``float32 (B, frames, 3, c, c)``, the clean centre
        frames ``(B, 3, c, c)`` and their caption masks ``(B, 1, c, c)``."""
        rng = named_rng(seed, f"batch-{step}")
        height, width = self.clips.clean.shape[2:4]
        crop = min(crop, height, width)
        xs, ys, ms = [], [], []
        for _ in range(size):
            index = int(rng.integers(len(self.clips)))
            centre = int(rng.integers(CLIP_FRAMES))
            if self.events and rng.random() < self.fresh:
                x, y, m = self._fresh(rng, index, centre)
            else:
                x = self.clips.captioned[index, window(centre, self.frames, self.stride)]
                y, m = self.clips.clean[index, centre], self.clips.masks[index, centre]
            top, left = _crop_corner(rng, m, crop)
            rows, cols = slice(top, top + crop), slice(left, left + crop)
            x, y, m = x[:, rows, cols], y[rows, cols], m[rows, cols]
            if "flip" in augment and rng.random() < 0.5:
                x, y, m = x[:, :, ::-1], y[:, ::-1], m[:, ::-1]
            xs.append(x)
            ys.append(y)
            ms.append(m)
        x = np.stack(xs).transpose(0, 1, 4, 2, 3).astype(np.float32) / 255
        y = np.stack(ys).transpose(0, 3, 1, 2).astype(np.float32) / 255
        m = np.stack(ms)[:, None].astype(np.float32)
        return np.ascontiguousarray(x), np.ascontiguousarray(y), np.ascontiguousarray(m)

    def validation(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
        """The fixed validation frames: inputs, clean frames, masks, difficulty classes.

        ``VAL_FRAMES_PER_CLIP`` captioned frames per validation clip, evenly spread over
        the frames that show a caption, whole (128×128), from the validation build.
        """
        xs, ys, ms, classes = [], [], [], []
        for index in range(len(self.val)):
            shown = np.flatnonzero(self.val.masks[index].any(axis=(1, 2)))
            if not len(shown):
                continue
            picks = shown[np.linspace(0, len(shown) - 1, VAL_FRAMES_PER_CLIP).round()
                          .astype(int)]
            for centre in picks:
                xs.append(self.val.captioned[index, window(centre, self.frames, self.stride)])
                ys.append(self.val.clean[index, centre])
                ms.append(self.val.masks[index, centre])
                classes.append(self.val.difficulty[index])
        return np.stack(xs), np.stack(ys), np.stack(ms), classes


def _crop_corner(rng: np.random.Generator, mask: np.ndarray, crop: int) -> tuple[int, int]:
    """A crop's top-left corner: on a caption pixel with probability :data:`ON_CAPTION`."""
    height, width = mask.shape
    ys, xs = np.nonzero(mask)
    if len(ys) and rng.random() < ON_CAPTION:
        pick = int(rng.integers(len(ys)))
        top = int(np.clip(ys[pick] - rng.integers(crop), 0, height - crop))
        left = int(np.clip(xs[pick] - rng.integers(crop), 0, width - crop))
        return top, left
    return int(rng.integers(height - crop + 1)), int(rng.integers(width - crop + 1))
