"""Decode images and videos into the package's conventions, or fail naming the file.

Conventions: images ``uint8 (H, W, C)``, videos ``uint8 (T, H, W, C)``, RGB.

Every reader learns the size from the file's header before it decodes a pixel: a
file of another size than the one expected raises :class:`WrongSizeError`, one
larger than the limit raises :class:`InputError`, and neither is decoded. Pillow's
own decompression-bomb warning and error never reach the caller: our limits are
stricter, and a file over them is refused by the same ``InputError``.

Every pixel format maps to 8-bit RGB values: 16-bit samples ``v`` give
``round(v / 257)``, palettes their colours, CMYK and YCbCr Pillow's conversions
(CMYK JPEGs with Adobe's inverted polarity, as Photoshop writes them), and alpha is
dropped, keeping the stored colour values. Modes with no 8-bit meaning (float
``F``, ``LAB``, ``HSV``, 32-bit ``I`` beyond 16 bits) are refused by name.
"""

from __future__ import annotations

import contextlib
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from inpaintbench.errors import InputError, WrongSizeError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v")

# The most pixels an image may have: more than any camera photo we expect (a 45 MP
# full-frame sensor gives 8256×5504), and well under Pillow's bomb threshold
# (``PIL.Image.MAX_IMAGE_PIXELS``, about 89 MP for its warning), so our check speaks
# first and a refused file costs its header only.
MAX_IMAGE_PIXELS = 50_000_000
# The most pixels a clip's frame may have: the tools hold a clip whole in memory, and
# 125 frames of 1080p RGB are already 125 × 1920 × 1080 × 3 B ≈ 778 MB.
MAX_CLIP_PIXELS = 1920 * 1080
# FFmpeg's decoder guard (its ``max_pixels`` option) counts padded buffers, not the
# picture: aligned widths, and H.264's 1088 coded rows for 1080. A guard of exactly
# our limit would refuse legal frames, so the decoder gets this factor of headroom
# and our own check, on the header and on each frame, applies the exact limit.
DECODER_GUARD_HEADROOM = 2

# 16-bit samples to 8 bits: 65535 / 255 = 257, so an 8-bit image saved as 16 bits
# (v = 257 x, what PNG and TIFF writers do) gives back exactly x.
SIXTEEN_BIT_STEP = 257
SIXTEEN_BIT_MAX = 65535
_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I")  # "I": Pillow < 10, PGM
_GREY_MODES = ("L", "LA", "La")  # channel 0 is the grey value, the rest alpha
_COLOUR_MODES = ("RGB", "RGBA", "RGBX", "RGBa")  # channels 0-2 are R, G, B
_CONVERTED_MODES = ("1", "P", "PA", "CMYK", "YCbCr")  # Pillow's convert("RGB") is right
# Pillow reads 16-bit colour PNG and TIFF as 8-bit RGB(A) by keeping each sample's high
# byte (v >> 8, up to 1 below round(v / 257)); these formats are decoded at full depth.
_WIDE_COLOUR_FORMATS = ("PNG", "TIFF")

# What Pillow raises on a file it cannot open or decode.
_IMAGE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
                 struct.error, zlib.error, Image.DecompressionBombError)


# --- sizes -----------------------------------------------------------------------------


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1e6:.3g} MP"


def check_size(path: str | Path, size: tuple[int, int], *,
               expect_size: tuple[int, int] | None = None, max_pixels: int | None = None,
               what: str = "image") -> None:
    """Refuse a size read from a header before anything is decoded.

    Parameters
    ----------
    path : path-like
        The file, named in the error.
    size : (width, height)
        The size the header gives.
    expect_size : (width, height), optional
        The size the file must have.
    max_pixels : int, optional
        The most pixels it may have; no limit when None.
    what : str
        What is measured, in words (``"image"``, ``"video frame"``).

    Raises
    ------
    WrongSizeError
        When ``expect_size`` is given and ``size`` differs (checked first).
    InputError
        When ``size`` has more than ``max_pixels`` pixels.
    """
    width, height = (int(v) for v in size)
    if expect_size is not None and (width, height) != tuple(expect_size):
        raise WrongSizeError(path, (width, height), expect_size, what=what)
    if max_pixels is not None and width * height > max_pixels:
        raise _too_large(path, (width, height), max_pixels, what)


def _too_large(path: str | Path, size: tuple[int, int], max_pixels: int,
               what: str = "image") -> InputError:
    width, height = size
    article = "an" if what[:1] in "aeiou" else "a"
    return InputError(path, f"{what} is {width}×{height} ({_megapixels(width * height)}), "
                            f"more than the {_megapixels(max_pixels)} {article} {what} may have",
                      "scale it down")


def decoder_guard(max_pixels: int | None) -> dict[str, str]:
    """FFmpeg options that make a decoder refuse frames far above ``max_pixels``.

    Pass them to ``av.open(..., options=...)`` (the frames FFmpeg decodes to probe the
    streams) and to ``stream.codec_context.options`` (the frames decoded after). The
    guard has :data:`DECODER_GUARD_HEADROOM`; the exact limit is :func:`check_size`'s.
    """
    if max_pixels is None:
        return {}
    return {"max_pixels": str(int(max_pixels) * DECODER_GUARD_HEADROOM)}


# --- Pillow's bomb check, per thread -----------------------------------------------------


class _OverLimit(Exception):
    """Pillow was about to decode a part larger than the caller's limit."""

    def __init__(self, size: tuple[int, int]) -> None:
        super().__init__(size)
        self.size = (int(size[0]), int(size[1]))


_PIL_LIMIT = threading.local()  # .active: our readers run; .max_pixels: their limit


def _install_pil_limit() -> None:
    """Route Pillow's decompression-bomb check through :data:`_PIL_LIMIT` in our readers.

    Pillow checks every size it reads (``Image.open``, and plugins for frames, tiles and
    icons) against its global ``MAX_IMAGE_PIXELS``, with a warning and then an error.
    While one of our readers runs on a thread, that thread's check is ours instead:
    none while the header is read (so the claimed size reaches :func:`check_size`,
    whose limit is lower), the reader's limit while it decodes. Other threads and
    other callers keep Pillow's check as it is; :func:`warnings.catch_warnings` would
    have been process-wide, and the scorers decode on threads.
    """
    original = getattr(Image, "_decompression_bomb_check", None)
    if original is None or getattr(original, "_inpaintbench", False):
        return

    def check(size, *args: Any, **kwargs: Any) -> None:
        if not getattr(_PIL_LIMIT, "active", False):
            return original(size, *args, **kwargs)
        limit = _PIL_LIMIT.max_pixels
        if limit is not None and max(1, size[0]) * max(1, size[1]) > limit:
            raise _OverLimit(size)
        return None

    check._inpaintbench = True  # type: ignore[attr-defined]
    Image._decompression_bomb_check = check


_install_pil_limit()


@contextlib.contextmanager
def _pil_limit(max_pixels: int | None) -> Iterator[None]:
    """Within the block, this thread's Pillow size checks use ``max_pixels`` (None: off)."""
    saved = (getattr(_PIL_LIMIT, "active", False), getattr(_PIL_LIMIT, "max_pixels", None))
    _PIL_LIMIT.active, _PIL_LIMIT.max_pixels = True, max_pixels
    try:
        yield
    finally:
        _PIL_LIMIT.active, _PIL_LIMIT.max_pixels = saved


def _open_header(path: Path) -> Image.Image:
    """Open an image lazily: mode and size from its header, no pixel decoded."""
    if path.is_dir():
        raise InputError(path, "is a folder, not an image file")
    if not path.is_file():
        raise InputError(path, "file not found")
    try:
        with _pil_limit(None):
            return Image.open(path)
    except _IMAGE_ERRORS as exc:
        raise InputError(path, f"not a readable image ({exc})") from exc


def image_size(path: str | Path) -> tuple[int, int]:
    """An image's ``(width, height)``, read from its header only (nothing decoded).

    Raises
    ------
    InputError
        When the file is missing or not an image.
    """
    path = Path(path)
    with _open_header(path) as image:
        return image.size


# --- decoding ----------------------------------------------------------------------------


def _round_sixteen_bit(values: np.ndarray) -> np.ndarray:
    """``round(v / 257)`` of 16-bit samples, as uint8 (no ties: 257 is odd)."""
    return ((values.astype(np.uint32) + SIXTEEN_BIT_STEP // 2) // SIXTEEN_BIT_STEP
            ).astype(np.uint8)


def _wide_colour(image: Image.Image) -> bool:
    """Whether Pillow would keep only the high byte of this file's 16-bit colour samples."""
    if image.format not in _WIDE_COLOUR_FORMATS or image.mode not in ("RGB", "RGBA"):
        return False
    for tile in image.tile:
        args = tile[3] if len(tile) > 3 else None
        rawmode = args if isinstance(args, str) else (args[0] if args else "")
        if isinstance(rawmode, str) and ";16" in rawmode:
            return True
    return False


def _decode_wide_colour(path: Path, high_bytes: np.ndarray) -> np.ndarray | None:
    """A 16-bit colour PNG or TIFF at full depth, ``uint8 (H, W, 3)``.

    ``high_bytes`` is Pillow's decode of the same file; None (keep Pillow's) unless
    OpenCV's 16-bit samples agree with it on every high byte.
    """
    import cv2  # imported here: only 16-bit colour files need it

    data = np.fromfile(path, np.uint8)  # not imread: it decodes paths in the C locale
    array = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if array is None or array.dtype != np.uint16 or array.ndim != 3 or array.shape[2] < 3:
        return None
    rgb = array[..., 2::-1]  # BGR(A) → RGB, alpha dropped
    if rgb.shape != high_bytes.shape or not np.array_equal(rgb >> 8, high_bytes):
        return None
    return _round_sixteen_bit(rgb)


def _pixels(image: Image.Image, path: Path) -> np.ndarray:
    """A loaded image's values: ``uint8 (H, W)`` for grey modes, ``(H, W, 3)`` RGB otherwise."""
    mode = image.mode
    if mode in ("L", "RGB"):
        return np.asarray(image)
    if mode in _GREY_MODES:
        return np.array(np.asarray(image)[..., 0])
    if mode in _SIXTEEN_BIT_MODES:
        values = np.asarray(image)
        if values.size and (values.min() < 0 or values.max() > SIXTEEN_BIT_MAX):
            raise InputError(path, f"pixel mode {mode!r} holds values outside 0..65535, "
                                   "which have no 8-bit meaning",
                             "save it as 8- or 16-bit greyscale")
        return _round_sixteen_bit(values)
    if mode in _COLOUR_MODES:
        return np.array(np.asarray(image)[..., :3])
    if mode in _CONVERTED_MODES:
        # Alpha is dropped anyway; a palette's transparency would only make Pillow warn.
        image.info.pop("transparency", None)
        converted = image.convert("L" if mode == "1" else "RGB")  # "1" → 0 or 255
        return np.asarray(converted)
    raise InputError(path, f"pixel mode {mode!r} has no 8-bit RGB meaning",
                     "save it as 8- or 16-bit RGB or greyscale (e.g. PNG)")


def _decode(path: Path, expect_size: tuple[int, int] | None,
            max_pixels: int | None) -> np.ndarray:
    """Check the header's size, then decode: ``uint8 (H, W)`` grey or ``(H, W, 3)`` RGB."""
    with _open_header(path) as image:
        try:
            check_size(path, image.size, expect_size=expect_size, max_pixels=max_pixels)
            wide = _wide_colour(image)  # known from the header, before load() forgets it
            with _pil_limit(max_pixels):
                image.load()  # decode now, so truncated files fail here and not later
            pixels = _pixels(image, path)
            if wide:  # Pillow's decode vouched for the file; OpenCV gives the full depth
                full = _decode_wide_colour(path, pixels)
                if full is not None:
                    return full
            return pixels
        except InputError:
            raise
        except _OverLimit as exc:  # a frame, tile or icon inside the file
            raise _too_large(path, exc.size, max_pixels) from exc
        except _IMAGE_ERRORS as exc:
            raise InputError(path, f"not a readable image ({exc})") from exc


def read_image_rgb(path: str | Path, *, expect_size: tuple[int, int] | None = None,
                   max_pixels: int | None = MAX_IMAGE_PIXELS) -> np.ndarray:
    """Read an image as ``uint8 (H, W, 3)`` RGB (alpha dropped, grey expanded).

    The size is read from the header first: nothing is decoded when it is wrong or
    too large. Every pixel format maps to 8-bit values (see the module docstring).

    Parameters
    ----------
    path : path-like
    expect_size : (width, height), optional
        The size the image must have.
    max_pixels : int or None
        The most pixels it may have (:data:`MAX_IMAGE_PIXELS`); None for no limit.

    Raises
    ------
    WrongSizeError
        When ``expect_size`` is given and the header says otherwise.
    InputError
        When the file is missing, not an image, truncated, of a pixel mode with no
        8-bit meaning, or larger than ``max_pixels``.
    """
    pixels = _decode(Path(path), expect_size, max_pixels)
    return np.repeat(pixels[..., None], 3, axis=2) if pixels.ndim == 2 else pixels


def read_image_luma(path: str | Path, size: tuple[int, int] | None = None,
                    resample: Image.Resampling = Image.Resampling.NEAREST, *,
                    expect_size: tuple[int, int] | None = None,
                    max_pixels: int | None = MAX_IMAGE_PIXELS) -> np.ndarray:
    """Read an image as ``uint8 (H, W)`` luma, the way PIL's ``convert('L')`` does.

    Luma is ``L = (19595 R + 38470 G + 7471 B + 2¹⁵) >> 16`` (PIL's integer form of
    ``R·299/1000 + G·587/1000 + B·114/1000``) of the RGB values
    :func:`read_image_rgb` gives; a grey image's luma is its grey value.

    Parameters
    ----------
    size : (width, height), optional
        Resize to this size (PIL order) when the image has another size.
    resample : PIL resampling filter
        Used for that resize; nearest by default (Pillow's default before 7.0).
    expect_size, max_pixels
        As in :func:`read_image_rgb`: checked on the file's own size, from its header.
    """
    pixels = _decode(Path(path), expect_size, max_pixels)
    image = Image.fromarray(pixels)
    if pixels.ndim == 3:
        image = image.convert("L")
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


def read_video(path: str | Path, max_frames: int | None = None, *,
               expect_size: tuple[int, int] | None = None,
               max_pixels: int | None = MAX_CLIP_PIXELS) -> np.ndarray:
    """Decode a video to ``uint8 (T, H, W, 3)`` RGB frames (at most ``max_frames``).

    The frame size is read from the container's header before any frame is decoded
    (and FFmpeg's decoder is told to refuse frames far larger, see
    :func:`decoder_guard`); every decoded frame must have the first one's size.

    Parameters
    ----------
    path : path-like
    max_frames : int, optional
        Stop after this many frames.
    expect_size : (width, height), optional
        The frame size the video must have.
    max_pixels : int or None
        The most pixels a frame may have (:data:`MAX_CLIP_PIXELS`); None for no limit.

    Raises
    ------
    WrongSizeError
        When ``expect_size`` is given and the frames have another size.
    InputError
        When the file is missing, is not a video, has no video stream, is corrupt,
        its frames are larger than ``max_pixels`` or change size.
    """
    import av  # imported here: PyAV is slow to import and only videos need it

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found")
    limits: dict[str, Any] = {"expect_size": expect_size, "max_pixels": max_pixels,
                              "what": "video frame"}
    guard = decoder_guard(max_pixels)
    frames: list[np.ndarray] = []
    try:
        with av.open(str(path), options=guard) as container:
            if not container.streams.video:
                raise InputError(path, "holds no video stream")
            stream = container.streams.video[0]
            header = (stream.codec_context.width, stream.codec_context.height)
            if min(header) > 0:  # 0 when the container does not say: the first frame will
                check_size(path, header, **limits)
            stream.codec_context.options = guard
            stream.thread_type = "AUTO"
            size = None
            for frame in container.decode(stream):
                if size is None:
                    size = (frame.width, frame.height)
                    check_size(path, size, **limits)
                elif (frame.width, frame.height) != size:
                    raise InputError(path, f"frame size changes within the video: "
                                           f"{size[0]}×{size[1]}, then "
                                           f"{frame.width}×{frame.height}")
                frames.append(frame.to_ndarray(format="rgb24"))
                if max_frames is not None and len(frames) >= max_frames:
                    break
    except InputError:
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise InputError(path, f"not a readable video ({exc})") from exc
    if not frames:
        raise InputError(path, "holds no decodable frame")
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
