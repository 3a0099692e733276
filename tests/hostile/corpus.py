"""Hostile input, made at test time: the files a new user with bad data would pass us.

:class:`Corpus` makes each file or folder the first time a case asks for it, under
one session folder, so nothing large is committed and only what the selected
cases need is made. Valid baselines (a small set of each track and predictions
for it) come first; every hostile variant is a copy of one with one thing broken.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from inpaintbench.io.media import write_video
from tests.make_files import png_bytes

# A file name rich would parse as markup, in a folder whose path then reads "sub[/]mit…":
# "[/]" closes no tag, which makes rich raise, and "[bold]" would restyle the text.
MARKUP_NAME = "sub[/]mit [bold]x]"  # a path: the folder "sub[" holds "]mit [bold]x]"
HUMANS_NAMES = ("a", "b.c")  # "b.c": names with dots must build, run and score
CLIP_NAMES = ("c1", "c2")
PRINT_NAMES = ("p0", "p1")
CLIP_FRAMES = 6  # tiny clips: the cases pass --frames 5
CLIP_SIZE = 32
PRINT_SIZE = (48, 64)  # (width, height)
TINY_CONFIG = """seed = 1
[method]
name = "tiny"
track = "fingerprints"
[arch]
name = "cvxtz-unet"
width = 0.125
[data]
val_images = 1
crop = 32
[optim]
batch = 2
[schedule]
steps = 2
validate_every = 2
"""


def _smooth(rng: np.random.Generator, height: int, width: int, channels: int = 3) -> np.ndarray:
    """A smooth random uint8 picture (blocks decode and compress like a photo's)."""
    small = rng.integers(0, 256, (max(2, height // 8), max(2, width // 8), channels))
    big = np.kron(small, np.ones((8, 8, 1)))[:height, :width]
    return big.astype(np.uint8)


class Corpus:
    """Valid baselines and hostile variants under ``root``, each made once, on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: dict[str, Path] = {}
        self.rng = np.random.default_rng(12)

    def _once(self, key: str, make: Callable[[Path], None], *, folder: bool = True) -> Path:
        if key not in self._made:
            path = self.root / key
            if folder:
                path.mkdir(parents=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
            make(path)
            self._made[key] = path
        return self._made[key]

    def s(self, path: Path) -> str:  # argv takes strings
        return str(path)

    # --- files of every kind ---------------------------------------------------------

    def file(self, name: str, content: bytes | str = b"") -> Path:
        """A loose file with this name and content."""
        data = content.encode() if isinstance(content, str) else content
        return self._once(f"files/{name}", lambda p: p.write_bytes(data), folder=False)

    def missing(self, name: str = "nowhere") -> Path:
        return self.root / "missing" / name

    def empty_folder(self) -> Path:
        return self._once("empty", lambda p: None)

    def folder_with(self, name: str, files: dict[str, bytes | str]) -> Path:
        def make(path: Path) -> None:
            for rel, content in files.items():
                target = path / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                if rel.endswith("/"):
                    target.mkdir(exist_ok=True)
                else:
                    target.write_bytes(content.encode() if isinstance(content, str) else content)
        return self._once(f"folders/{name}", make)

    def image(self, kind: str, size: tuple[int, int] = (96, 80)) -> bytes:
        """The bytes of an image file of ``kind``: a valid or a broken one."""
        width, height = size
        if kind == "huge-header":
            return png_bytes(30000, 30000)
        if kind in ("zero", "text", "truncated", "html"):
            valid = self.image("png", size)
            return {"zero": b"", "text": b"hello, not an image\n",
                    "truncated": valid[:len(valid) // 2],
                    "html": b"<html><body>404</body></html>"}[kind]
        picture = _smooth(self.rng, height, width)
        buffer = __import__("io").BytesIO()
        if kind == "png":
            Image.fromarray(picture).save(buffer, "PNG")
        elif kind == "jpg":
            Image.fromarray(picture).save(buffer, "JPEG", quality=95)
        elif kind == "big":  # a real PNG over the pixel limit (1-bit, so small on disk)
            Image.new("1", (12000, 12000)).save(buffer, "PNG")
        else:
            raise ValueError(kind)
        return buffer.getvalue()

    def video(self, kind: str) -> Path:
        """A video file of ``kind``: valid tiny clips, or broken ones."""
        def make(path: Path) -> None:
            if kind in ("zero", "text"):
                path.write_bytes(b"" if kind == "zero" else b"not a video\n")
                return
            frames, size, lossless = CLIP_FRAMES, CLIP_SIZE, True
            if kind == "huge":
                frames, size, lossless = 3, 2048, False
            elif kind == "wrong-size":
                size = CLIP_SIZE + 16
            elif kind == "short":
                frames = 2
            elif kind == "long-source":  # a source video for a build: > 5 s at 25 fps
                frames, size, lossless = 130, 64, False
            clip = np.stack([_smooth(self.rng, size, size) for _ in range(frames)])
            write_video(path, clip, lossless=lossless)
            if kind == "truncated":
                data = path.read_bytes()
                path.write_bytes(data[:len(data) // 3])
        return self._once(f"videos/{kind}.mp4", make, folder=False)

    # --- humans (track 1) ------------------------------------------------------------

    def humans_set(self, variant: str = "valid", maskdata: str | None = None,
                   joints: str | None = None, y: dict[str, bytes] | None = None) -> Path:
        """A release-layout humans folder (X/, Y/, maskdata.json, joints.json)."""
        def make(path: Path) -> None:
            blocks = {"a": [[10, 12, 20], [40, 50, 16]], "b.c": [[5, 5, 30]]}
            for folder in ("X", "Y"):
                (path / folder).mkdir()
            for name in HUMANS_NAMES:
                original = _smooth(self.rng, 80, 96)
                masked = original.copy()
                for row, col, size in blocks[name]:
                    masked[row:row + size, col:col + size] = 255
                Image.fromarray(original).save(path / "Y" / f"{name}.png")
                Image.fromarray(masked).save(path / "X" / f"{name}.png")
            for name, data in (y or {}).items():
                (path / "Y" / name).write_bytes(data)
                (path / "X" / name).write_bytes(data)
            (path / "maskdata.json").write_text(maskdata if maskdata is not None
                                                else json.dumps(blocks))
            person = {"person_id": "p", "joints": [
                {"type": "head_top", "side": None, "x": 40.0, "y": 20.0},
                {"type": "hip", "side": "left", "x": 50.0, "y": 60.0}]}
            (path / "joints.json").write_text(joints if joints is not None else json.dumps(
                {name: {"persons": [person]} for name in HUMANS_NAMES}))
        return self._once(f"humans/sets/{variant}", make)

    def humans_pred(self, variant: str = "valid", files: dict[str, bytes] | None = None,
                    name: str | None = None) -> Path:
        """Predictions for :meth:`humans_set`: the originals with noise, plus ``files``."""
        def make(path: Path) -> None:
            reference = self.humans_set()
            for image in HUMANS_NAMES:
                y = np.asarray(Image.open(reference / "Y" / f"{image}.png")).astype(int)
                noisy = np.clip(y + self.rng.integers(-20, 21, y.shape), 0, 255).astype(np.uint8)
                Image.fromarray(noisy).save(path / f"{image}.png")
            for file, data in (files or {}).items():
                (path / file).write_bytes(data)
        return self._once(f"humans/preds/{variant}/{name or 'submission'}", make)

    def coco_source(self, variant: str = "valid", person_side: int = 160) -> Path:
        """A COCO-like keypoint file and its photo: one person of ``person_side`` px."""
        def make(path: Path) -> None:
            Image.fromarray(_smooth(self.rng, 240, 320)).save(path / "photo.jpg")
            x0, y0, s = 60, 40, person_side
            keypoints = []
            for fx, fy in ((0.5, 0.05), (0.3, 0.3), (0.7, 0.3), (0.35, 0.95), (0.65, 0.95)):
                keypoints += [x0 + fx * s * 0.6, y0 + fy * s, 2]
            names = ["nose", "left_shoulder", "right_shoulder", "left_ankle", "right_ankle"]
            data = {"images": [{"id": 1, "file_name": "photo.jpg", "width": 320, "height": 240}],
                    "annotations": [{"id": 7, "image_id": 1, "category_id": 1,
                                     "num_keypoints": 5, "keypoints": keypoints,
                                     "bbox": [x0, y0, s * 0.6, s]}],
                    "categories": [{"id": 1, "name": "person", "keypoints": names,
                                    "skeleton": []}]}
            (path / "keypoints.json").write_text(json.dumps(data))
        return self._once(f"humans/sources/{variant}", make) / "keypoints.json"

    # --- captions (track 2) ----------------------------------------------------------

    def captions_set(self, variant: str = "valid", y: dict[str, Path] | None = None,
                     x: dict[str, Path] | None = None, without_y: bool = False) -> Path:
        """X/ and Y/ of tiny lossless clips (``--frames 5`` scores them)."""
        def make(path: Path) -> None:
            for folder in ("X", "Y"):
                (path / folder).mkdir()
            for name in CLIP_NAMES:
                clean = np.stack([_smooth(self.rng, CLIP_SIZE, CLIP_SIZE)
                                  for _ in range(CLIP_FRAMES)])
                captioned = clean.copy()
                captioned[:, 22:28, 4:28] = 255
                write_video(path / "Y" / f"{name}.mp4", clean, lossless=True)
                write_video(path / "X" / f"{name}.mp4", captioned, lossless=True)
            for folder, replace in (("Y", y), ("X", x)):
                for file, source in (replace or {}).items():
                    shutil.copyfile(source, path / folder / file)
            if without_y:
                shutil.rmtree(path / "Y")
        return self._once(f"captions/sets/{variant}", make)

    def captions_pred(self, variant: str = "valid", files: dict[str, Path | bytes] | None = None,
                      timing: str | None = None) -> Path:
        """Predictions for :meth:`captions_set`: its clean clips, plus ``files``."""
        def make(path: Path) -> None:
            reference = self.captions_set()
            for name in CLIP_NAMES:
                shutil.copyfile(reference / "Y" / f"{name}.mp4", path / f"{name}.mp4")
            for file, source in (files or {}).items():
                if isinstance(source, bytes):
                    (path / file).write_bytes(source)
                else:
                    shutil.copyfile(source, path / file)
            if timing is not None:
                (path / "timing.json").write_text(timing)
        return self._once(f"captions/preds/{variant}", make)

    def release(self, variant: str = "valid", x: dict[str, Path] | None = None,
                without_y: bool = False) -> Path:
        """An official track-2 release as the challenge shipped it: X/ and Y/ clips."""
        def make(path: Path) -> None:
            from inpaintbench.tracks import CLIP_FRAMES as FRAMES
            from inpaintbench.tracks import CLIP_SIZE as SIZE

            (path / "X").mkdir()
            if variant == "valid":
                clean = np.stack([_smooth(self.rng, SIZE, SIZE)] * FRAMES)
                captioned = clean.copy()
                captioned[:, SIZE - 40:SIZE - 20, 20:SIZE - 20] = 255
                (path / "Y").mkdir()
                write_video(path / "X" / "X00001.mp4", captioned)
                write_video(path / "Y" / "Y00001.mp4", clean)
                return
            shutil.copytree(self.release(), path, dirs_exist_ok=True)
            for file, source in (x or {}).items():
                shutil.copyfile(source, path / "X" / file)
            if without_y:
                shutil.rmtree(path / "Y")
        return self._once(f"captions/releases/{variant}", make)

    def srt(self, name: str, text: str) -> Path:
        """A SubRip file named ``name`` beside the source video's copy ``<stem>.mp4``."""
        def make(path: Path) -> None:
            shutil.copyfile(self.video("long-source"), path / f"{Path(name).stem}.mp4")
            (path / name).write_text(text)
        return self._once(f"srt/{name}", make) / name

    def captions_built(self, variant: str = "valid", metadata: str | None = None) -> Path:
        """A set as `data captions build` leaves it, built once from a tiny video."""
        def make(path: Path) -> None:
            from inpaintbench.data.captions.build import (
                CaptionsBuildConfig,
                build_captions,
                user_sources,
            )

            if variant == "valid":
                path.rmdir()
                build_captions(user_sources([self.video("long-source")]), path,
                               CaptionsBuildConfig(seed=1, split=(0, 0, 1)), workers=1)
                return
            shutil.copytree(self.captions_built(), path, dirs_exist_ok=True)
            if metadata is not None:
                (path / "metadata.json").write_text(metadata)
        return self._once(f"captions/built/{variant}", make)

    # --- fingerprints (track 3) ------------------------------------------------------

    def prints_set(self, variant: str = "valid", truth: dict[str, bytes] | None = None,
                   splits: tuple[str, ...] = ("test",)) -> Path:
        """``<split>_input/`` (RGB JPEG) and ``<split>_ground-truth/`` (grey PNG)."""
        def make(path: Path) -> None:
            width, height = PRINT_SIZE
            for split in splits:
                (path / f"{split}_input").mkdir()
                (path / f"{split}_ground-truth").mkdir()
                for name in PRINT_NAMES:
                    grey = _smooth(self.rng, height, width, 1)[..., 0]
                    Image.fromarray(grey).save(path / f"{split}_ground-truth" / f"{name}.png")
                    Image.fromarray(np.stack([grey] * 3, -1)).save(
                        path / f"{split}_input" / f"{name}.jpg", quality=90)
                for file, data in (truth or {}).items():
                    (path / f"{split}_ground-truth" / file).write_bytes(data)
        return self._once(f"prints/sets/{variant}", make)

    def prints_pred(self, variant: str = "valid", files: dict[str, bytes] | None = None) -> Path:
        """Predictions for :meth:`prints_set`: its ground truth, plus ``files``."""
        def make(path: Path) -> None:
            for name in PRINT_NAMES:
                shutil.copyfile(self.prints_set() / "test_ground-truth" / f"{name}.png",
                                path / f"{name}.png")
            for file, data in (files or {}).items():
                (path / file).write_bytes(data)
        return self._once(f"prints/preds/{variant}", make)

    def prints_truth_16bit(self) -> bytes:
        """The first ground-truth print, saved as a 16-bit grey PNG (same values × 257)."""
        grey = np.asarray(Image.open(self.prints_set() / "test_ground-truth" / "p0.png"))
        buffer = __import__("io").BytesIO()
        Image.fromarray(grey.astype(np.uint16) * 257).save(buffer, "PNG")
        return buffer.getvalue()

    def train_set(self) -> Path:
        """A fingerprints set as the trainer takes it: training/ and validation/ pairs."""
        def make(path: Path) -> None:
            shutil.copytree(self.prints_set("train-splits", splits=("training", "validation")),
                            path, dirs_exist_ok=True)
            (path / "dataset.json").write_text(json.dumps(
                {"kind": "inpaintbench-fingerprints", "config": {"corpus": True},
                 "complete": True}))
        return self._once("prints/train-set", make)

    def train_config(self, name: str = "tiny", text: str | None = None) -> Path:
        """A training config of a tiny network: two steps, validated at the second."""
        body = text if text is not None else TINY_CONFIG
        return self._once(f"configs/{name}.toml", lambda p: p.write_text(body), folder=False)

    def trained_run(self) -> Path:
        """A finished run of :meth:`train_config` on :meth:`train_set`."""
        def make(path: Path) -> None:
            from inpaintbench.training.config import load_config
            from inpaintbench.training.loop import train

            path.rmdir()
            train(load_config(self.train_config()), path, data=self.train_set(), threads=1)
        return self._once("runs/tiny", make)

    # --- scores (leaderboard) --------------------------------------------------------

    def scores(self, name: str, data: dict | str) -> Path:
        """A score file: ``data`` as JSON, or raw text."""
        text = data if isinstance(data, str) else json.dumps(data)
        return self._once(f"scores/{name}.json", lambda p: p.write_text(text), folder=False)
