"""Cutting videos into track-2 clips: letterbox, 25 fps resampling, clips, errors; sources."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inpaintbench.data.captions import defaults
from inpaintbench.data.captions.clips import (
    CLIP_SECONDS,
    Clip,
    TooShortVideo,
    VideoDecodeError,
    cut_clips,
    detect_letterbox,
    probe_video,
)
from inpaintbench.errors import InputError
from inpaintbench.tracks import CLIP_FPS, CLIP_FRAMES, CLIP_SIZE

OPENCV_DATA = Path("/usr/share/doc/opencv-doc/examples/data")
BASE, STEP = 40, 20  # frame i is coloured by its decimal digits: BASE + STEP × digit


def _colour(i: int) -> tuple[int, int, int]:
    return (BASE + STEP * (i % 10), BASE + STEP * (i // 10 % 10), BASE + STEP * (i // 100 % 10))


def _index(frame: np.ndarray) -> int:
    """The source frame number coded in a frame's colour (read at its centre)."""
    r, g, b = (round((float(v) - BASE) / STEP) for v in frame[96:160, 96:160].mean((0, 1)))
    return r + 10 * g + 100 * b


def _write_indexed(path: Path, times: list[Fraction], time_base: Fraction, *,
                   size: tuple[int, int] = (96, 64), bars: int = 0) -> Path:
    """A lossless H.264 mp4 whose frame i (shown at ``times[i]`` s) has colour ``_colour(i)``,
    with black bars of ``bars`` rows at the top and the bottom."""
    width, height = size
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264rgb", rate=25)
        stream.pix_fmt = "rgb24"
        stream.width, stream.height = width, height
        stream.options = {"qp": "0", "preset": "ultrafast"}
        stream.codec_context.time_base = time_base
        for i, time in enumerate(times):
            array = np.empty((height, width, 3), np.uint8)
            array[:] = _colour(i)
            if bars:
                array[:bars] = array[height - bars:] = 0
            frame = av.VideoFrame.from_ndarray(array, format="rgb24")
            frame.pts, frame.time_base = int(time / time_base), time_base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _cfr(path: Path, n: int, rate: Fraction, **kwargs) -> Path:
    return _write_indexed(path, [i / rate for i in range(n)], 1 / rate, **kwargs)


def _expected(times: list[Fraction], count: int) -> list[int]:
    """For output times k/25, the last source frame shown at or before it."""
    return [max(i for i, t in enumerate(times) if t <= Fraction(k, CLIP_FPS))
            for k in range(count)]


# --- letterbox -------------------------------------------------------------------------


def _textured(rng: np.random.Generator, n: int = 3, h: int = 72, w: int = 128,
              low: int = 60, high: int = 256) -> np.ndarray:
    return rng.integers(low, high, (n, h, w, 3), dtype=np.uint8)


def test_letterbox_top_bottom_left_right_and_none():
    rng = np.random.default_rng(0)
    frames = _textured(rng)
    assert detect_letterbox(frames) == (0, 72, 0, 128)
    boxed = frames.copy()
    boxed[:, :9], boxed[:, -7:] = 16, 0  # TV-range black at the top, 0 at the bottom
    assert detect_letterbox(boxed) == (9, 65, 0, 128)
    pillar = frames.copy()
    pillar[:, :, :20] = pillar[:, :, -21:] = 3
    assert detect_letterbox(pillar) == (0, 72, 20, 107)
    both = boxed.copy()
    both[:, :, :20] = both[:, :, -21:] = 3
    assert detect_letterbox(both) == (9, 65, 20, 107)
    assert detect_letterbox(boxed[..., :1]) == (9, 65, 0, 128)  # luma frames too


def test_letterbox_keeps_dark_scenes():
    rng = np.random.default_rng(1)
    night = (_textured(rng, low=0, high=40) // 2).astype(np.uint8)  # dark everywhere
    assert detect_letterbox(night) == (0, 72, 0, 128)
    # black sky fading into a dim street: dark and flat at the top in every frame, but
    # no step between "bar" and content, so nothing is cropped
    fade = np.zeros((3, 72, 128, 3), np.uint8)
    fade[:] = np.linspace(0, 70, 72).astype(np.uint8)[None, :, None, None]
    assert detect_letterbox(fade) == (0, 72, 0, 128)


def test_letterbox_found_when_some_sampled_scenes_are_dark():
    rng = np.random.default_rng(2)
    frames = _textured(rng, n=4)
    frames[1:3] //= 8  # two dark scenes among the samples
    frames[:, :10] = frames[:, -10:] = 0
    assert detect_letterbox(frames) == (10, 62, 0, 128)
    frames[3, :2] = 200  # a bar must be dark in every frame: here its first rows are not
    assert detect_letterbox(frames)[0] == 0


@settings(max_examples=40, deadline=None)
@given(top=st.integers(0, 15), bottom=st.integers(0, 15), left=st.integers(0, 20),
       right=st.integers(0, 20), black=st.integers(0, 24), seed=st.integers(0, 2**16))
def test_letterbox_property(top, bottom, left, right, black, seed):
    rng = np.random.default_rng(seed)
    frames = _textured(rng, n=2, h=64, w=96)
    noise = rng.integers(0, 4, frames.shape, dtype=np.uint8)  # compression noise in bars
    bar = np.full(frames.shape, black, np.uint8) + noise
    inside = np.zeros(frames.shape[1:3], bool)
    inside[top:64 - bottom, left:96 - right] = True
    frames = np.where(inside[None, :, :, None], frames, bar)
    assert detect_letterbox(frames) == (top, 64 - bottom, left, 96 - right)


def test_letterbox_rejects_bad_input():
    with pytest.raises(ValueError, match="uint8"):
        detect_letterbox(np.zeros((2, 8, 8, 3), np.float32))
    with pytest.raises(ValueError, match=r"\(N, H, W, 3\)"):
        detect_letterbox(np.zeros((8, 8, 3), np.uint8))


# --- resampling and clips ----------------------------------------------------------------


@pytest.mark.parametrize(("rate", "n"), [(Fraction(10), 130), (Fraction(30), 160),
                                         (Fraction(50), 265), (Fraction(30000, 1001), 160)])
def test_resampling_picks_the_frame_on_screen(tmp_path, rate, n):
    times = [i / rate for i in range(n)]
    path = _cfr(tmp_path / "indexed.mp4", n, rate)
    clips = list(cut_clips(path))
    count = int(n / rate * CLIP_FPS) // CLIP_FRAMES  # complete clips; the tail is dropped
    assert len(clips) == count >= 1
    expected = _expected(times, count * CLIP_FRAMES)
    got = [_index(frame) for clip in clips for frame in clip.frames]
    assert got == expected
    source_times = [t for clip in clips for t in clip.details["source_times"]]
    assert np.allclose(source_times, [float(times[i]) for i in expected], atol=1e-6)
    assert clips[0].details["source_fps"] == pytest.approx(float(rate), rel=0.01)  # mp4: average


def test_resampling_variable_frame_rate(tmp_path):
    rng = np.random.default_rng(3)
    gaps = rng.integers(10, 90, 110)  # milliseconds: 11 to 111 fps, about 5.5 s in all
    times = [Fraction(int(t), 1000) for t in np.concatenate([[0], np.cumsum(gaps)])]
    path = _write_indexed(tmp_path / "vfr.mp4", times, Fraction(1, 1000))
    (clip,) = cut_clips(path)
    assert [_index(frame) for frame in clip.frames] == _expected(times, CLIP_FRAMES)


def test_clips_shape_times_tail_and_resume(tmp_path):
    path = _cfr(tmp_path / "ten.mp4", 130, Fraction(10))  # 13 s: two clips, 3 s dropped
    clips = list(cut_clips(path))
    assert [type(c) for c in clips] == [Clip, Clip]
    for i, clip in enumerate(clips):
        assert clip.frames.shape == (CLIP_FRAMES, CLIP_SIZE, CLIP_SIZE, 3)
        assert clip.frames.dtype == np.uint8
        assert (clip.index, clip.kind, clip.source) == (i, "video", str(path))
        assert (clip.start, clip.end) == (i * CLIP_SECONDS, (i + 1) * CLIP_SECONDS)
    assert clips[0].end <= clips[1].start  # not overlapping
    (first,) = cut_clips(path, max_clips=1)
    assert np.array_equal(first.frames, clips[0].frames)
    (resumed,) = cut_clips(path, skip=1)  # seeks to 5 s
    assert resumed.index == 1
    assert np.array_equal(resumed.frames, clips[1].frames)
    assert list(cut_clips(path, skip=2)) == []  # nothing left: not an error


def test_exactly_one_clip_long(tmp_path):
    (clip,) = cut_clips(_cfr(tmp_path / "five.mp4", 125, Fraction(25)))
    assert [_index(frame) for frame in clip.frames] == list(range(CLIP_FRAMES))


def test_clips_crop_the_letterbox(tmp_path):
    path = _cfr(tmp_path / "boxed.mp4", 130, Fraction(25), size=(128, 96), bars=12)
    (clip,) = cut_clips(path)
    assert clip.details["letterbox"] == [12, 84, 0, 128]
    assert clip.details["crop_box"] == [28.0, 12.0, 100.0, 84.0]  # central 72×72 square
    colour = np.array(_colour(60))  # no bar pixel leaks into the frame's borders
    assert np.abs(clip.frames[60].astype(int) - colour).max() <= 2


def test_crop_box_is_the_central_display_square():
    from inpaintbench.data.captions.clips import _crop_box

    assert _crop_box((12, 84, 0, 128), 1.0) == (28.0, 12.0, 100.0, 84.0)  # landscape
    assert _crop_box((0, 200, 0, 100), 1.0) == (0.0, 50.0, 100.0, 150.0)  # portrait
    # anamorphic NTSC DVD (720×480, pixels 32/27 wide): the square is 405 pixels wide
    assert _crop_box((0, 480, 0, 720), 32 / 27) == pytest.approx((157.5, 0, 562.5, 480))


def test_probe_video(tmp_path):
    info = probe_video(_cfr(tmp_path / "p.mp4", 50, Fraction(25)))
    assert (info.width, info.height, info.codec) == (96, 64, "h264")
    assert info.fps == pytest.approx(25)
    assert info.duration == pytest.approx(2.0, abs=0.05)
    assert info.frame_count == 50


# --- errors --------------------------------------------------------------------------------


def test_missing_non_video_and_still_image(tmp_path):
    with pytest.raises(InputError, match="missing.mp4: file not found"):
        cut_clips(tmp_path / "missing.mp4")
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    with pytest.raises(InputError, match="notes.mp4: not a readable video"):
        cut_clips(text)
    still = tmp_path / "photo.png"
    from PIL import Image

    Image.new("RGB", (32, 32)).save(still)
    with pytest.raises(InputError, match="photo.png: is a still image"):
        probe_video(still)


def test_too_short_video(tmp_path):
    path = _cfr(tmp_path / "short.mp4", 50, Fraction(25))  # 2 s
    with pytest.raises(TooShortVideo, match=r"short.mp4: is 2.00 s long.*5 s") as info:
        cut_clips(path)
    assert isinstance(info.value, InputError)
    assert info.value.duration == pytest.approx(2.0)


def test_decode_error_keeps_the_clips_before_it(tmp_path):
    rng = np.random.default_rng(4)
    frames = rng.integers(0, 256, (300, 64, 64, 3), dtype=np.uint8)  # 12 s of noise
    from inpaintbench.io.media import write_video

    path = write_video(tmp_path / "broken.mp4", frames, fps=25)
    data = bytearray(path.read_bytes())
    middle = int(len(data) * 0.75)  # inside the frame data, around frame 225
    data[middle:middle + 4000] = rng.integers(0, 256, 4000, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    clips = []
    with pytest.raises(VideoDecodeError, match="broken.mp4: decoding failed after") as info:
        for clip in cut_clips(path):
            clips.append(clip)
    assert len(clips) == info.value.clips_done >= 1
    assert info.value.at_seconds >= CLIP_SECONDS * len(clips)
    assert all(c.frames.shape == (CLIP_FRAMES, CLIP_SIZE, CLIP_SIZE, 3) for c in clips)


def test_bad_arguments(tmp_path):
    path = _cfr(tmp_path / "a.mp4", 130, Fraction(25))
    with pytest.raises(ValueError, match="skip"):
        cut_clips(path, skip=-1)
    with pytest.raises(ValueError, match="letterbox"):
        cut_clips(path, letterbox=(10, 5, 0, 96))


# --- real videos -----------------------------------------------------------------------------


def _opencv(name: str) -> Path:
    path = OPENCV_DATA / name
    if not path.is_file():
        pytest.skip(f"{path} not found (apt-get install opencv-doc)")
    return path


def test_real_opencv_video():
    path = _opencv("vtest.avi")  # 79.5 s at 10 fps, 768×576, no bars
    info = probe_video(path)
    assert (info.fps, info.width, info.height) == (10.0, 768, 576)
    clips = list(cut_clips(path, max_clips=2, skip=3))
    assert [c.index for c in clips] == [3, 4]
    assert clips[0].details["letterbox"] == [0, 576, 0, 768]
    assert clips[0].frames.std() > 10  # a real picture, not a blank frame
    times = np.array(clips[0].details["source_times"])
    assert times[0] == pytest.approx(15.0) and np.all(np.diff(times) >= 0)


def test_real_avi_with_unordered_timestamps():
    # Megamind.avi labels its frames 1, 2, 3, 5, 4, ... (packed B-frames)
    (clip,) = cut_clips(_opencv("Megamind.avi"), max_clips=1)
    times = np.array(clip.details["source_times"])
    assert np.all(np.diff(times) >= 0) and times[-1] == pytest.approx(4.96, abs=0.05)


def test_real_damaged_avi_gives_complete_clips():
    # Megamind_bugy.avi is a damaged copy of Megamind.avi; FFmpeg conceals its errors,
    # so it cuts like a clean 9-second video: one complete clip, the tail dropped
    clips = list(cut_clips(_opencv("Megamind_bugy.avi")))
    assert len(clips) == 1 and clips[0].frames.shape == (CLIP_FRAMES, CLIP_SIZE, CLIP_SIZE, 3)


def test_real_too_short_video(real_data):
    with pytest.raises(TooShortVideo, match=r"people_demo.mp4: is 1.00 s long"):
        cut_clips(real_data / "video" / "people_demo.mp4")


# --- default sources ---------------------------------------------------------------------


def test_default_sources_exist_and_are_named_stably():
    sources = defaults.default_sources()
    names = [s.name for s in sources]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9_-]+", n) for n in names)
    assert all(s.path.is_file() and s.kind in ("video", "photo") for s in sources)
    assert defaults.default_sources() == sources
    photos = [s for s in sources if s.kind == "photo"]
    assert any(s.name == "skimage-astronaut" for s in photos)  # in scikit-image's wheel
    camera = next(s for s in photos if s.name == "skimage-camera").load()  # grey → RGB
    assert camera.dtype == np.uint8 and camera.ndim == 3 and camera.shape[2] == 3


def test_default_sources_without_shared_or_opencv(tmp_path, monkeypatch):
    monkeypatch.delenv(defaults.SHARED_ENV, raising=False)
    monkeypatch.setattr(defaults, "SHARED_SIBLING", tmp_path / "no-shared")
    monkeypatch.setattr(defaults, "OPENCV_DATA", tmp_path / "no-opencv")
    sources = defaults.default_sources()
    assert {s.name.split("-")[0] for s in sources} == {"skimage"}
    with pytest.raises(ValueError, match="not a photo"):
        defaults.DefaultSource("v", "video", tmp_path / "v.mp4").load()


def test_default_sources_from_env_shared(tmp_path, monkeypatch):
    video = tmp_path / "data" / "real" / "video"
    video.mkdir(parents=True)
    _cfr(video / "My Clip.mp4", 10, Fraction(25))
    photo = tmp_path / "data" / "real" / "pose" / "set" / "videos" / "f.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"")  # frames of a video: skipped
    (photo.parent.parent / "a.jpg").write_bytes(b"")
    monkeypatch.setenv(defaults.SHARED_ENV, str(tmp_path))
    monkeypatch.setattr(defaults, "OPENCV_DATA", tmp_path / "no-opencv")
    names = [s.name for s in defaults.default_sources()]
    assert names[0] == "shared-my_clip"
    assert "pose-set-a" in names and not any("videos" in n for n in names)


# --- frame size from the header --------------------------------------------------------------


def test_source_over_8k_is_refused_from_its_header(tmp_path, monkeypatch):
    from inpaintbench.data.captions import clips
    from inpaintbench.io.media import write_video

    assert clips.MAX_SOURCE_SIZE == (7680, 4320)
    over = write_video(tmp_path / "over.mp4", np.zeros((1, 4336, 7696, 3), np.uint8))  # 8 kB
    at = write_video(tmp_path / "at.mp4", np.zeros((1, 4320, 7680, 3), np.uint8))

    def no_decoding(*args, **kwargs):
        raise AssertionError("a frame was decoded")

    monkeypatch.setattr(clips, "_timed_frames", no_decoding)
    for call in (probe_video, cut_clips):
        with pytest.raises(InputError, match=r"over.mp4: frames are 7696×4336 \(33.4 MP\), "
                                             r"larger than the 7680×4320 \(8K UHD\)"):
            call(over)
    info = probe_video(at)  # 8K itself is a legal source
    assert (info.width, info.height) == (7680, 4320)
