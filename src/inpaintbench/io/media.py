"""Decode images and videos into the package's conventions, or fail naming the file.

Conventions: images ``uint8 (H, W, C)``, videos ``uint8 (T, H, W, C)``, RGB.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from inpaintbench.errors import InputError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v")


def _open_image(path: Path) -> Image.Image:
    if not path.is_file():
        raise InputError(path, "file not found")
    try:
        image = Image.open(path)
        image.load()  # decode now, so truncated files fail here and not later
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InputError(path, f"not a readable image ({exc})") from exc
    return image


def read_image_rgb(path: str | Path) -> np.ndarray:
    """Read an image as ``uint8 (H, W, 3)`` RGB (alpha dropped, grey expanded)."""
    return np.asarray(_open_image(Path(path)).convert("RGB"))


def read_image_luma(path: str | Path, size: tuple[int, int] | None = None,
                    resample: Image.Resampling = Image.Resampling.NEAREST) -> np.ndarray:
    """Read an image as ``uint8 (H, W)`` luma, the way PIL's ``convert('L')`` does.

    Parameters
    ----------
    size : (width, height), optional
        Resize to this size (PIL order) when the image has another size.
    resample : PIL resampling filter
        Used for that resize; nearest by default (Pillow's default before 7.0).
    """
    image = _open_image(Path(path)).convert("L")
    if size is not None and image.size != tuple(size):
        image = image.resize(tuple(size), resample)
    return np.asarray(image)


def write_image(path: str | Path, image: np.ndarray, **save_options) -> Path:
    """Write a ``uint8 (H, W)`` or ``(H, W, 3)`` image atomically; the format follows the suffix.

    PNG is written at Pillow's default compression, so the same array gives the
    same bytes on every run.
    """
    from inpaintbench.io.atomic import atomic_path

    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise ValueError(f"write_image needs uint8 (H, W) or (H, W, 3), got "
                         f"{image.dtype} {image.shape}")
    path = Path(path)
    with atomic_path(path) as tmp:
        Image.fromarray(image).save(tmp, **save_options)
    return path


def read_video(path: str | Path, max_frames: int | None = None) -> np.ndarray:
    """Decode a video to ``uint8 (T, H, W, 3)`` RGB frames (at most ``max_frames``).

    Raises
    ------
    InputError
        When the file is missing, is not a video, has no video stream, or is corrupt.
    """
    import av  # imported here: PyAV is slow to import and only videos need it

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found")
    frames: list[np.ndarray] = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise InputError(path, "holds no video stream")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for frame in container.decode(stream):
                frames.append(frame.to_ndarray(format="rgb24"))
                if max_frames is not None and len(frames) >= max_frames:
                    break
    except InputError:
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise InputError(path, f"not a readable video ({exc})") from exc
    if not frames:
        raise InputError(path, "holds no decodable frame")
    shapes = {f.shape for f in frames}
    if len(shapes) > 1:
        raise InputError(path, f"frame size changes within the video: {sorted(shapes)}")
    return np.stack(frames)


H264_DEFAULT_CRF = 18  # visually lossless x264 quality; the challenge's clips were H.264


def write_video(path: str | Path, frames: np.ndarray, fps: int = 25, *,
                lossless: bool = False, crf: int = H264_DEFAULT_CRF) -> Path:
    """Encode ``uint8 (T, H, W, 3)`` RGB frames as H.264 MP4, atomically.

    ``lossless=True`` encodes with x264's lossless RGB profile (``libx264rgb``,
    qp 0), so decoding gives back exactly ``frames``. Otherwise frames go through
    yuv420p at the given CRF, as in the challenge's release.
    """
    import av

    from inpaintbench.io.atomic import atomic_path

    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f"frames must be uint8 (T, H, W, 3), got {frames.dtype} {frames.shape}")
    height, width = frames.shape[1:3]
    if not lossless and (height % 2 or width % 2):
        raise ValueError(f"yuv420p H.264 needs even frame sizes, got {width}×{height}")
    with atomic_path(path) as tmp, av.open(str(tmp), mode="w", format="mp4") as container:
        if lossless:
            stream = container.add_stream("libx264rgb", rate=fps)
            stream.pix_fmt = "rgb24"
            stream.options = {"qp": "0", "preset": "veryfast"}
        else:
            stream = container.add_stream("libx264", rate=fps)
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": str(crf), "preset": "veryfast"}
        stream.width, stream.height = width, height
        fmt = "rgb24"
        for array in frames:
            frame = av.VideoFrame.from_ndarray(array, format=fmt)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return Path(path)
