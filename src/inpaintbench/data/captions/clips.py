"""Cut any video into the challenge's track-2 clips: 5 s, 25 fps, 128×128 RGB (or 256×256).

The book's recipe (book §3.1 "Preprocessing"; CHALLENGE.md "Track 2 — Data"):

1. remove the letter-boxing: :func:`detect_letterbox` finds black bars at the top and
   bottom, and pillar-box bars at the left and right, on frames sampled over the video;
2. normalise the frame rate to 25 fps: output frame ``k`` is the source frame on screen
   at ``k / 25`` s, read from the presentation timestamps, so 10, 29.97, 60 fps and
   variable-rate videos are all resampled the same way (frames repeated or dropped,
   never blended);
3. rescale and take the central square: 128×128 as the release (the dataset's page and
   the starting kit), or 256×256 as the book's organisers' chapter says (``size=256``);
4. split into non-overlapping 5-second clips of 125 frames; a tail shorter than a clip
   is dropped.

Scaling (S = 128 or 256): the book rescales the width to S keeping the aspect ratio,
then crops the central S×S region. That gives S rows only when the content is at least as
tall as it is wide; landscape content (every TV movie) would have fewer than S rows after
it. So the *short* side is scaled to S: the book's rule for portrait and square content,
and for landscape content the full height and its central square (a 16:9 frame keeps its
central 9:9 part). The central square of the content is cropped first, then scaled to
S×S with an antialiased Lanczos filter (FFmpeg's ``crop`` and ``scale``), so no
bar pixel leaks into the frame. Non-square pixels (anamorphic DVD rips) are taken into
account through the stream's sample aspect ratio.

Videos are streamed with PyAV (threaded decoding): only the frames of the clip being
built are held in memory, at S×S, besides the decoder's own few source frames (its
references and threads: about 0.4–1 GB for an 8K H.264 source). Frames up to 8K UHD
(:data:`MAX_SOURCE_SIZE`) are accepted; a header claiming more is refused before any
frame is decoded. The main video stream is used (FFmpeg's pick); rotation
metadata (phone videos) is not applied, nor deinterlacing. A decode error in the middle
of a video stops the cut: the complete clips before it have been yielded, then
:class:`VideoDecodeError` is raised (the clip in progress is dropped).

>>> for clip in cut_clips("movie.mp4", max_clips=2):  # doctest: +SKIP
...     print(clip.index, clip.start, clip.end, clip.frames.shape)
0 0.0 5.0 (125, 128, 128, 3)
1 5.0 10.0 (125, 128, 128, 3)
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from inpaintbench.errors import InputError
from inpaintbench.io.media import decoder_guard
from inpaintbench.tracks import CLIP_FPS, CLIP_FRAMES, CLIP_SIZE

CLIP_SECONDS = CLIP_FRAMES / CLIP_FPS  # 5-second clips (book §3.1)

# --- letterbox detection (luma 0..255) ------------------------------------------
LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114], np.float32)  # ITU-R BT.601 luma
# A bar line is near-black and flat in every sampled frame: black is 16 in TV-range
# video and compression rings near the bar's edge, hence the margins.
BAR_MAX_MEAN = 32.0
BAR_MAX_STD = 10.0
# ... and the content next to it is clearly brighter in at least one sampled frame:
# the mean of its first EDGE_BAND lines exceeds the bar's mean by BAR_EDGE_STEP. A
# dark scene that fades into black has no such step, so it is not cropped away.
BAR_EDGE_STEP = 20.0
BAR_EDGE_BAND = 4
# Bars that would leave less than this fraction of a dimension are a dark scene.
MIN_CONTENT_FRACTION = 0.25
LETTERBOX_SAMPLES = 12  # frames sampled over the whole video for the detection

# --- timing -----------------------------------------------------------------------
# A source frame counts as on screen at time t when its timestamp is at most t plus
# this tolerance: it absorbs float rounding only, so a 29.97 fps frame 0.2 ms after an
# output time is not taken for it (timestamps are the container's, rounded or not).
TIME_TOLERANCE = 1e-6  # seconds
# Frames whose timestamps are sorted again in decoding order: AVI files with packed
# B-frames label frames 1, 2, 3, 5, 4 although the decoder outputs them in order.
REORDER_DEPTH = 8
# FFmpeg's scaler: Lanczos, with accurate rounding and full chroma interpolation.
SCALE_FLAGS = "lanczos+accurate_rnd+full_chroma_int"
RESIZE_REDUCING_GAP = 3.0  # Pillow fallback: box-reduce first when shrinking > 3×, then Lanczos

# --- size ---------------------------------------------------------------------------
# The largest source frame, 8K UHD (by its pixel count, so portrait 4320×7680 too):
# sources are streamed and scaled down frame by frame, so only a few decoded frames
# are held at once; a header claiming more is refused before any frame is decoded.
MAX_SOURCE_SIZE = (7680, 4320)
MAX_SOURCE_PIXELS = MAX_SOURCE_SIZE[0] * MAX_SOURCE_SIZE[1]


@dataclass(frozen=True)
class VideoInfo:
    """What a video's headers say about it (see :func:`probe_video`).

    ``fps`` is the nominal (average) rate, ``duration`` in seconds (0 when unknown),
    ``frame_count`` the container's count or ``duration × fps`` when it has none.
    """

    path: Path
    fps: float
    duration: float
    width: int
    height: int
    frame_count: int
    codec: str
    sample_aspect_ratio: float = 1.0


@dataclass(frozen=True, eq=False)
class Clip:
    """One 5-second challenge clip.

    Attributes
    ----------
    source : str
        The video's path (or, for ``kind="photo-motion"``, the photo's source name).
    index : int
        The clip's number within its source, from 0.
    start, end : float
        Seconds in the source, from its first frame (``end - start`` = 5).
    frames : ndarray, uint8 (125, S, S, 3)
        RGB frames at 25 fps, S = 128 (the release) or 256.
    kind : str
        ``"video"`` (cut from a video) or ``"photo-motion"`` (made from a photograph).
    details : dict
        JSON-ready facts for the metadata: the letterbox box, crop box, source fps,
        size and codec, the source times of the 125 frames; or the motion parameters.

    Clips compare by identity (the fields hold arrays).
    """

    source: str
    index: int
    start: float
    end: float
    frames: np.ndarray
    kind: str = "video"
    details: dict[str, Any] = field(default_factory=dict)


class TooShortVideo(InputError):
    """The video lasts less than one clip (5 s); ``duration`` says how long it is."""

    def __init__(self, path: str | Path, duration: float) -> None:
        self.duration = duration
        super().__init__(
            path,
            f"is {duration:.2f} s long, shorter than one clip ({CLIP_SECONDS:g} s = "
            f"{CLIP_FRAMES} frames at {CLIP_FPS} fps)",
            "use a video of at least 5 s, or make moving-camera clips from a photo "
            "(inpaintbench.data.captions.motion.photo_clip)",
        )


class VideoDecodeError(InputError):
    """Decoding failed in the middle of a video; the clips before it were yielded.

    Attributes
    ----------
    at_seconds : float
        Time (from the first frame) of the last frame decoded before the failure.
    clips_done : int
        Complete clips yielded by this call before the failure.
    """

    def __init__(self, path: str | Path, at_seconds: float, clips_done: int, cause: str) -> None:
        self.at_seconds = at_seconds
        self.clips_done = clips_done
        super().__init__(
            path,
            f"decoding failed after {at_seconds:.2f} s ({cause})",
            f"the {clips_done} complete clip(s) before it were kept; re-encode or "
            "re-download the file to use the rest",
        )


# --- letterbox ---------------------------------------------------------------------


def detect_letterbox(frames: np.ndarray) -> tuple[int, int, int, int]:
    """Find the content box of frames with black bars (letterbox and/or pillarbox).

    A line (row or column) from an edge belongs to a bar when it is near-black (mean
    luma <= :data:`BAR_MAX_MEAN`) and flat (std <= :data:`BAR_MAX_STD`) in *every*
    frame, and the bar is kept only if the content next to it is brighter by
    :data:`BAR_EDGE_STEP` in at least one frame. Bars leaving less than
    :data:`MIN_CONTENT_FRACTION` of the height (width) are rejected: a video that is
    dark everywhere is not cropped. Rows are found first, then columns within them.

    Parameters
    ----------
    frames : ndarray, uint8 (N, H, W, 3) RGB or (N, H, W, 1) luma
        Frames sampled over the video (more frames from different scenes make the
        detection safer on dark scenes).

    Returns
    -------
    (top, bottom, left, right) : tuple of int
        The content box; ``bottom`` and ``right`` are exclusive. ``(0, H, 0, W)``
        when there are no bars.

    Examples
    --------
    >>> frames = np.full((2, 90, 160, 3), 120, np.uint8)
    >>> frames[:, :12] = frames[:, -12:] = 0  # 12-row bars at the top and bottom
    >>> detect_letterbox(frames)
    (12, 78, 0, 160)
    """
    frames = np.asarray(frames)
    if frames.dtype != np.uint8 or frames.ndim != 4 or frames.shape[-1] not in (1, 3) \
            or 0 in frames.shape:
        raise ValueError(f"detect_letterbox needs uint8 (N, H, W, 3) or (N, H, W, 1) frames, "
                         f"got {frames.dtype} {frames.shape}")
    _, height, width, _ = frames.shape
    lumas = [_luma(frame) for frame in frames]
    top, bottom = _bar_lines(np.stack([luma.mean(1) for luma in lumas]),
                             np.stack([luma.std(1) for luma in lumas]))
    rows = slice(top, height - bottom)
    left, right = _bar_lines(np.stack([luma[rows].mean(0) for luma in lumas]),
                             np.stack([luma[rows].std(0) for luma in lumas]))
    return top, height - bottom, left, width - right


def _luma(frame: np.ndarray) -> np.ndarray:
    """``float32 (H, W)`` luma of one ``(H, W, 3)`` or ``(H, W, 1)`` frame."""
    if frame.shape[-1] == 1:
        return frame[..., 0].astype(np.float32)
    return frame.astype(np.float32) @ LUMA_WEIGHTS


def _bar_lines(mean: np.ndarray, std: np.ndarray) -> tuple[int, int]:
    """Bar thickness at the start and at the end of one axis, from per-frame line stats.

    ``mean`` and ``std`` are ``(N, L)``: each line's luma mean and std in each frame.
    """
    length = mean.shape[1]
    dark = ((mean <= BAR_MAX_MEAN) & (std <= BAR_MAX_STD)).all(axis=0)
    if dark.all():
        return 0, 0  # dark everywhere, in every frame: no bars can be told apart
    lead = int(np.argmin(dark))  # the first line that is not a bar line
    trail = int(np.argmin(dark[::-1]))
    if length - lead - trail < MIN_CONTENT_FRACTION * length:
        return 0, 0
    content_end = length - trail
    if lead and not _sharp_edge(mean, slice(0, lead),
                                slice(lead, min(lead + BAR_EDGE_BAND, content_end))):
        lead = 0
    if trail and not _sharp_edge(mean, slice(content_end, length),
                                 slice(max(content_end - BAR_EDGE_BAND, lead), content_end)):
        trail = 0
    return lead, trail


def _sharp_edge(mean: np.ndarray, bar: slice, band: slice) -> bool:
    """Whether the content band is brighter than the bar by a step, in some frame."""
    step = mean[:, band].mean(axis=1) - mean[:, bar].mean(axis=1)
    return bool(step.max() >= BAR_EDGE_STEP)


def _crop_box(box: tuple[int, int, int, int],
              sample_aspect_ratio: float) -> tuple[float, float, float, float]:
    """The source region (left, upper, right, lower) that becomes the square frame.

    The central square (in display units) of the content box: scaling its short side
    to the frame's and cropping the centre, in one step.
    """
    top, bottom, left, right = box
    height, width = bottom - top, right - left
    side = min(height, width * sample_aspect_ratio)  # in rows (display units)
    box_w, box_h = side / sample_aspect_ratio, side
    x0, y0 = left + (width - box_w) / 2, top + (height - box_h) / 2
    return (x0, y0, x0 + box_w, y0 + box_h)


# --- reading -----------------------------------------------------------------------


def _open(path: Path):
    """Open a video with PyAV: ``(container, stream)``, or an :class:`InputError`.

    The frame size is checked against :data:`MAX_SOURCE_SIZE` from the header, and
    FFmpeg refuses to decode frames far above it (:func:`decoder_guard`), also while
    it probes the file and when the size changes mid-stream.
    """
    import av  # imported here: PyAV is slow to import and only videos need it

    if not path.is_file():
        raise InputError(path, "file not found", "check the path")
    guard = decoder_guard(MAX_SOURCE_PIXELS)
    try:
        container = av.open(str(path), options=guard)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise InputError(path, f"not a readable video ({exc})",
                         "the file is corrupt or not a video") from exc
    try:
        name = container.format.name
        if name == "image2" or name.endswith("_pipe"):
            raise InputError(path, "is a still image, not a video",
                             "photos make moving-camera clips: "
                             "inpaintbench.data.captions.motion.photo_clip")
        # FFmpeg's pick of the main video stream: not a cover picture attached to the file
        stream = container.streams.best("video") if container.streams.video else None
        if stream is None:
            raise InputError(path, "holds no video stream", "give a video file")
        width, height = stream.codec_context.width, stream.codec_context.height
        if width * height > MAX_SOURCE_PIXELS:  # 0 when unknown: then the guard alone
            raise InputError(
                path, f"frames are {width}×{height} ({width * height / 1e6:.3g} MP), larger "
                f"than the {MAX_SOURCE_SIZE[0]}×{MAX_SOURCE_SIZE[1]} (8K UHD) a source "
                "video may have", "scale it down first, e.g. ffmpeg -i IN -vf scale=-2:2160 OUT")
    except BaseException:
        container.close()
        raise
    stream.codec_context.options = guard
    stream.thread_type = "AUTO"
    return container, stream


def probe_video(path: str | Path) -> VideoInfo:
    """Read a video's headers: rate, duration, size, frame count, codec.

    Raises
    ------
    InputError
        When the file is missing, corrupt, a still image, or holds no video stream.
    """
    path = Path(path)
    container, stream = _open(path)
    with container:
        return _info(path, container, stream)


def _info(path: Path, container, stream) -> VideoInfo:
    fps = 0.0
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate:
            fps = float(rate)
            break
    if stream.duration and stream.time_base:
        duration = float(stream.duration * stream.time_base)
    elif container.duration:
        duration = container.duration / 1_000_000  # FFmpeg's AV_TIME_BASE
    else:
        duration = 0.0
    frame_count = stream.frames or round(duration * fps)
    sar = stream.codec_context.sample_aspect_ratio
    return VideoInfo(path=path, fps=fps, duration=duration,
                     width=stream.codec_context.width, height=stream.codec_context.height,
                     frame_count=int(frame_count), codec=stream.codec_context.name,
                     sample_aspect_ratio=float(sar) if sar else 1.0)


def _timed_frames(container, stream, step: float) -> Iterator[tuple[float, Any]]:
    """Decoded frames in display order as ``(seconds, frame)``, times strictly increasing.

    The decoder outputs frames in display order, but some containers label them with
    out-of-order timestamps; the timestamps of :data:`REORDER_DEPTH` frames in a row are
    sorted and handed out in that order. A frame without a timestamp gets its
    predecessor's plus ``step``; one whose time does not advance is dropped. A decode
    error is raised after the frames decoded before it have been yielded.
    """
    import av

    times: list[float] = []
    pending: deque = deque()
    last = -math.inf
    error: Exception | None = None

    def release() -> tuple[float, Any] | None:
        nonlocal last
        time, frame = heapq.heappop(times), pending.popleft()
        if time <= last:
            return None
        last = time
        return time, frame

    try:
        for frame in container.decode(stream):
            if frame.pts is not None:
                time = float(frame.pts * (frame.time_base or stream.time_base))
            else:
                time = max([last, *times]) + step if (times or last > -math.inf) else 0.0
            heapq.heappush(times, time)
            pending.append(frame)
            if len(pending) > REORDER_DEPTH:
                item = release()
                if item is not None:
                    yield item
    except (av.FFmpegError, OSError) as exc:
        error = exc
    while pending:
        item = release()
        if item is not None:
            yield item
    if error is not None:
        raise error


def _sample_frames(path: Path, info: VideoInfo) -> tuple[np.ndarray, float]:
    """Luma frames sampled over the video for :func:`detect_letterbox`, and the first
    frame's time (the origin of clip times)."""
    import av

    step = 1 / info.fps if info.fps else 1 / CLIP_FPS
    container, stream = _open(path)
    with container:
        try:
            first = next(_timed_frames(container, stream, step), None)
        except (av.FFmpegError, OSError, ValueError) as exc:
            raise InputError(path, f"not a readable video ({exc})",
                             "the file is corrupt or not a video") from exc
        if first is None:
            raise InputError(path, "holds no decodable frame", "the file is corrupt")
        origin, frame = first
        grey = frame.to_ndarray(format="gray")
        # filled in place: a list then np.stack would hold every sample twice (0.8 GB at 8K)
        samples = np.empty((LETTERBOX_SAMPLES, *grey.shape), np.uint8)
        samples[0], count = grey, 1
        seen = {frame.pts}
        for i in range(LETTERBOX_SAMPLES - 1) if info.duration > 0 else ():
            target = origin + (i + 0.5) * info.duration / (LETTERBOX_SAMPLES - 1)
            try:
                container.seek(int(target / stream.time_base), stream=stream, backward=True)
                frame = next(container.decode(stream), None)
            except (av.FFmpegError, OSError, ValueError):
                break  # not seekable: the frames sampled so far must do
            if frame is None or frame.pts in seen:
                continue
            seen.add(frame.pts)
            array = frame.to_ndarray(format="gray")
            if array.shape == grey.shape:
                samples[count] = array
                count += 1
    return samples[:count, ..., None], origin


def _frames_from(path: Path, origin: float, start: float,
                 step: float) -> Iterator[tuple[float, Any]]:
    """``(seconds from origin, frame)`` from the frame on screen at ``start`` on.

    Seeks to the keyframe before ``start`` when it can; decodes from the beginning when
    the seek fails or lands after ``start``.
    """
    import av

    if start > 0:
        container, stream = _open(path)
        with container:
            frames = _timed_frames(container, stream, step)
            try:
                container.seek(int((origin + start) / stream.time_base), stream=stream,
                               backward=True)
                first = next(frames, None)
            except (av.FFmpegError, OSError, ValueError):
                first = None
            if first is not None and first[0] - origin <= start + TIME_TOLERANCE:
                yield first[0] - origin, first[1]
                for time, frame in frames:
                    yield time - origin, frame
                return
    container, stream = _open(path)
    with container:
        for time, frame in _timed_frames(container, stream, step):
            yield time - origin, frame


# --- cutting ------------------------------------------------------------------------


def cut_clips(path: str | Path, *, max_clips: int | None = None, skip: int = 0,
              letterbox: tuple[int, int, int, int] | None = None,
              size: int = CLIP_SIZE) -> Iterator[Clip]:
    """Cut a video into the challenge's clips (see the module docstring for the recipe).

    The file is opened, probed and its letterbox detected when this is called, so a bad
    file fails here; the clips are decoded while iterating.

    Parameters
    ----------
    path : path-like
        Any video FFmpeg reads.
    max_clips : int, optional
        Stop after this many clips.
    skip : int
        Clips already built (resume): clip numbering starts at ``skip`` and decoding
        starts from a seek to ``skip × 5`` s when the file allows it.
    letterbox : (top, bottom, left, right), optional
        The content box to use instead of detecting it.
    size : int
        The clips' side in pixels: 128 (the release) or 256 (the book).

    Yields
    ------
    Clip
        ``frames`` uint8 (125, size, size, 3); ``details`` holds ``letterbox``,
        ``crop_box`` (left, upper, right, lower in source pixels), ``source_fps``,
        ``source_size`` (width, height), ``codec``, ``sample_aspect_ratio`` and
        ``source_times`` (the source time of each of the 125 frames).

    Raises
    ------
    InputError
        When the file is missing, corrupt, a still image, or holds no video stream.
    TooShortVideo
        When the video lasts less than 5 s (from the headers when it is called, or after
        decoding it all when the headers said more).
    VideoDecodeError
        While iterating, when decoding fails in the middle: the complete clips before
        the failure have been yielded.
    """
    if skip < 0 or (max_clips is not None and max_clips < 0):
        raise ValueError(f"skip and max_clips must be >= 0, got {skip} and {max_clips}")
    path = Path(path)
    info = probe_video(path)
    if 0 < info.duration < CLIP_SECONDS - TIME_TOLERANCE:
        raise TooShortVideo(path, info.duration)
    samples, origin = _sample_frames(path, info)
    height, width = samples.shape[1:3]
    if letterbox is None:
        letterbox = detect_letterbox(samples)
    top, bottom, left, right = (int(v) for v in letterbox)
    if not (0 <= top < bottom <= height and 0 <= left < right <= width):
        raise ValueError(f"letterbox {letterbox} is not a box inside {width}×{height} frames")
    return _cut(path, info, (top, bottom, left, right), (width, height), origin,
                skip, max_clips, size)


def _cut(path: Path, info: VideoInfo, letterbox: tuple[int, int, int, int],
         size: tuple[int, int], origin: float, skip: int,
         max_clips: int | None, side: int) -> Iterator[Clip]:
    import av

    if max_clips == 0:
        return
    crop = _crop_box(letterbox, info.sample_aspect_ratio)
    details = {"letterbox": list(letterbox), "crop_box": [round(v, 3) for v in crop],
               "source_fps": info.fps, "source_size": list(size), "codec": info.codec,
               "sample_aspect_ratio": info.sample_aspect_ratio}
    step = 1 / info.fps if info.fps else 1 / CLIP_FPS
    first_k = skip * CLIP_FRAMES  # output frame numbers count from the video's start
    stop_k = None if max_clips is None else (skip + max_clips) * CLIP_FRAMES
    frames = np.empty((CLIP_FRAMES, side, side, 3), np.uint8)
    times = np.empty(CLIP_FRAMES)
    k = first_k
    render = _Renderer(crop, size, side)
    rendered: tuple[Any, np.ndarray | None] = (None, None)  # the last frame rendered
    clips_done = 0

    def take(time: float, frame) -> Clip | None:
        """Output frame ``k`` is ``frame`` (shown from ``time``); a Clip when one is full."""
        nonlocal k, rendered, frames, clips_done
        if rendered[0] is not frame:
            rendered = (frame, render(frame))
        frames[k % CLIP_FRAMES], times[k % CLIP_FRAMES] = rendered[1], time
        k += 1
        if k % CLIP_FRAMES:
            return None
        index = k // CLIP_FRAMES - 1
        clip = Clip(source=str(path), index=index, start=index * CLIP_SECONDS,
                    end=(index + 1) * CLIP_SECONDS, frames=frames, kind="video",
                    details={**details, "source_times": [round(float(t), 6) for t in times]})
        frames = np.empty_like(frames)
        clips_done += 1
        return clip

    def running() -> bool:
        return stop_k is None or k < stop_k

    previous: tuple[float, Any] | None = None
    gap = step
    decoded = _frames_from(path, origin, first_k / CLIP_FPS, step)
    try:
        for time, frame in decoded:
            if previous is not None:
                gap = time - previous[0]
                # every output time before this frame shows the previous one
                while running() and k / CLIP_FPS < time - TIME_TOLERANCE:
                    if k < first_k:
                        k += 1  # before the resume point: counted, not rendered
                        continue
                    clip = take(*previous)
                    if clip is not None:
                        yield clip
            if not running():
                return
            previous = (time, frame)
    except (av.FFmpegError, OSError) as exc:
        if previous is not None:  # output times up to the last decoded frame are known
            while running() and first_k <= k and k / CLIP_FPS <= previous[0] + TIME_TOLERANCE:
                clip = take(*previous)
                if clip is not None:
                    yield clip
        raise VideoDecodeError(path, previous[0] if previous else 0.0, clips_done,
                               str(exc)) from exc
    finally:
        decoded.close()  # closes the file now, also when the caller stops early
    if previous is None:
        return
    last_duration = float(previous[1].duration * previous[1].time_base) \
        if previous[1].duration and previous[1].time_base else gap
    end = previous[0] + last_duration
    while running() and k / CLIP_FPS < end - TIME_TOLERANCE:
        if k < first_k:
            k += 1
            continue
        clip = take(*previous)
        if clip is not None:
            yield clip
    if clips_done == 0 and skip == 0:
        raise TooShortVideo(path, end)


class _Renderer:
    """Decoded frames as the clip's ``uint8 (side, side, 3)`` RGB frames.

    The crop and the scaling run in FFmpeg's filters (``crop``, then ``scale`` with
    Lanczos, accurate rounding and full chroma interpolation, to RGB): several times
    faster than converting whole frames to RGB and resizing them with Pillow, and
    within 44 dB PSNR of Pillow's Lanczos on vtest.avi. The crop box is rounded to
    whole pixels (to the chroma grid for subsampled formats); when the stream changes
    size, the box is scaled with it. Formats the filters refuse go through Pillow.
    """

    def __init__(self, crop: tuple[float, float, float, float], size: tuple[int, int],
                 side: int) -> None:
        self.crop, self.size, self.side = crop, size, side
        self._key: tuple | None = None
        self._graph = None

    def _box(self, width: int, height: int) -> tuple[float, float, float, float]:
        sx, sy = width / self.size[0], height / self.size[1]
        return (self.crop[0] * sx, self.crop[1] * sy, self.crop[2] * sx, self.crop[3] * sy)

    def _build(self, frame):
        import av

        x0, y0, x1, y1 = self._box(frame.width, frame.height)
        x, y = max(0, round(x0)), max(0, round(y0))
        w = max(1, min(round(x1), frame.width) - x)
        h = max(1, min(round(y1), frame.height) - y)
        graph = av.filter.Graph()
        chain = [graph.add_buffer(width=frame.width, height=frame.height, format=frame.format,
                                  time_base=frame.time_base or Fraction(1, 1000)),
                 graph.add("crop", f"{w}:{h}:{x}:{y}"),
                 graph.add("scale", f"{self.side}:{self.side}:flags={SCALE_FLAGS}"),
                 graph.add("format", "rgb24"),
                 graph.add("buffersink")]
        for a, b in zip(chain, chain[1:], strict=False):
            a.link_to(b)
        graph.configure()
        return graph

    def __call__(self, frame) -> np.ndarray:
        import av

        key = (frame.width, frame.height, frame.format.name)
        if key != self._key:
            self._key = key
            try:
                self._graph = self._build(frame)
            except (av.FFmpegError, ValueError):
                self._graph = None
        if self._graph is None:
            return np.asarray(frame.to_image().resize(
                (self.side, self.side), Image.Resampling.LANCZOS,
                box=self._box(frame.width, frame.height), reducing_gap=RESIZE_REDUCING_GAP))
        self._graph.push(frame)
        return self._graph.pull().to_ndarray()
