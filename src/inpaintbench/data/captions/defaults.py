"""The inputs track 2 can use offline: videos and photographs already on this machine.

:func:`default_sources` lists, in a stable order, what exists among:

1. videos in the shared sample data, ``<shared>/data/real/video`` (``<shared>`` is
   ``$INPAINTBENCH_SHARED`` when set, else the ``shared`` folder beside the checkout);
2. the sample videos of Debian's ``opencv-doc`` (``apt-get install opencv-doc``);
3. photographs for moving-camera clips (:mod:`inpaintbench.data.captions.motion`): the
   photos bundled in scikit-image's wheel (read from its files: nothing is downloaded),
   the real photographs among opencv-doc's samples, and the pose photos of the shared
   sample data.

Each source has a stable, file-name-safe ``name`` for the clips made from it
(``opencv-vtest``, ``skimage-astronaut``, ``pose-coco-000000000785``, ...).

>>> [s.name for s in default_sources() if s.kind == "video"]  # doctest: +SKIP
['shared-people_demo', 'opencv-megamind', 'opencv-tree', 'opencv-vtest']
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inpaintbench.io.media import IMAGE_SUFFIXES, VIDEO_SUFFIXES, read_image_rgb

SHARED_ENV = "INPAINTBENCH_SHARED"  # overrides the shared folder's location
# src/inpaintbench/data/captions/defaults.py → parents[4] is the checkout's root
SHARED_SIBLING = Path(__file__).resolve().parents[4].parent / "shared"
OPENCV_DATA = Path("/usr/share/doc/opencv-doc/examples/data")
_SKIMAGE_SPEC = importlib.util.find_spec("skimage")  # located without importing it
SKIMAGE_DATA = (Path(_SKIMAGE_SPEC.origin).parent / "data"
                if _SKIMAGE_SPEC is not None and _SKIMAGE_SPEC.origin else None)

OPENCV_VIDEO_SUFFIXES = (".avi", ".mp4")
# Megamind_bugy.avi is a damaged re-encode of Megamind.avi: the same frames twice would
# leak between splits.
OPENCV_VIDEO_DUPLICATES = ("Megamind_bugy.avi",)
# Photographs shipped in scikit-image's wheel (skimage/data; the others need pooch and
# the network, or are not photographs). camera is grey: it is read as RGB.
SKIMAGE_PHOTOS = ("astronaut.png", "camera.png", "chelsea.png", "coffee.png",
                  "motorcycle_left.png", "rocket.jpg")
# The real photographs among opencv-doc's samples: not the logos, charts, renders,
# synthetic shapes, text pages, calibration chessboards, the painting (starry_night),
# the deliberately blurred ones, nor the second view of a stereo or flow pair.
OPENCV_PHOTOS = ("aero1.jpg", "aloeL.jpg", "apple.jpg", "baboon.jpg", "basketball1.png",
                 "board.jpg", "box_in_scene.png", "building.jpg", "butterfly.jpg",
                 "chicky_512.png", "ela_original.jpg", "fruits.jpg", "graf1.png", "home.jpg",
                 "leuvenA.jpg", "messi5.jpg", "orange.jpg", "rubberwhale1.png",
                 "smarties.png", "squirrel_cls.jpg", "stuff.jpg")
# Folders of the pose samples that hold consecutive frames of one video, not photos.
POSE_SKIPPED_FOLDERS = ("videos",)


@dataclass(frozen=True)
class DefaultSource:
    """One offline input: a video to cut, or a photo to move a camera over.

    Attributes
    ----------
    name : str
        Stable and file-name-safe (``[a-z0-9_-]``), unique among the default sources.
    kind : str
        ``"video"`` or ``"photo"``.
    path : Path
        The file.
    srt : Path or None
        A SubRip file holding the video's own subtitles, with times from its start:
        its cues, with their real timing, replace the drawn subtitles.
    """

    name: str
    kind: str
    path: Path
    srt: Path | None = None

    def load(self) -> np.ndarray:
        """A photo as ``uint8 (H, W, 3)`` RGB (grey photos expanded).

        Raises
        ------
        ValueError
            For a video source (cut it with :func:`~inpaintbench.data.captions.clips.cut_clips`).
        InputError
            When the file cannot be read.
        """
        if self.kind != "photo":
            raise ValueError(f"{self.name} is a {self.kind}, not a photo: cut it with "
                             "inpaintbench.data.captions.clips.cut_clips")
        return read_image_rgb(self.path)


def shared_dir() -> Path:
    """The shared sample-data folder: ``$INPAINTBENCH_SHARED``, else beside the checkout."""
    env = os.environ.get(SHARED_ENV)
    return Path(env) if env else SHARED_SIBLING


def default_sources() -> list[DefaultSource]:
    """Every offline input that exists here, in a stable order (see the module docstring).

    Missing locations (no shared folder, no opencv-doc) are skipped silently: the list
    holds only files that exist, and may be empty.
    """
    sources: list[DefaultSource] = []
    shared_real = shared_dir() / "data" / "real"
    for path in _files(shared_real / "video", VIDEO_SUFFIXES):
        sources.append(DefaultSource(f"shared-{_slug(path.stem)}", "video", path))
    for path in _files(OPENCV_DATA, OPENCV_VIDEO_SUFFIXES):
        if path.name not in OPENCV_VIDEO_DUPLICATES:
            sources.append(DefaultSource(f"opencv-{_slug(path.stem)}", "video", path))
    for folder, names, prefix in ((SKIMAGE_DATA, SKIMAGE_PHOTOS, "skimage"),
                                  (OPENCV_DATA, OPENCV_PHOTOS, "opencv")):
        for name in names if folder is not None else ():
            path = folder / name
            if path.is_file():
                sources.append(DefaultSource(f"{prefix}-{_slug(path.stem)}", "photo", path))
    pose = shared_real / "pose"
    for path in _files(pose, IMAGE_SUFFIXES, recursive=True):
        relative = path.relative_to(pose)
        if not set(relative.parts[:-1]) & set(POSE_SKIPPED_FOLDERS):
            name = "-".join(_slug(part) for part in relative.with_suffix("").parts)
            sources.append(DefaultSource(f"pose-{name}", "photo", path))
    return _unique(sources)


def _files(folder: Path, suffixes: tuple[str, ...], recursive: bool = False) -> list[Path]:
    """Files of ``folder`` with one of ``suffixes`` (any case), sorted; [] when absent."""
    if not folder.is_dir():
        return []
    paths = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(p for p in paths if p.is_file() and p.suffix.lower() in suffixes)


def _slug(text: str) -> str:
    """Lower case, runs of characters other than ``[a-z0-9_-]`` as one ``_``."""
    return re.sub(r"[^a-z0-9_-]+", "_", text.lower()).strip("_") or "x"


def _unique(sources: list[DefaultSource]) -> list[DefaultSource]:
    """Make names unique by numbering repeats (``-2``, ``-3``, ...), keeping the order."""
    seen: dict[str, int] = {}
    out = []
    for source in sources:
        count = seen.get(source.name, 0) + 1
        seen[source.name] = count
        name = source.name if count == 1 else f"{source.name}-{count}"
        out.append(DefaultSource(name, source.kind, source.path))
    return out
