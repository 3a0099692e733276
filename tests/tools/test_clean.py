"""inpaintbench.tools.clean: captions off any video, streamed, resumable, other streams kept."""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from inpaintbench.errors import InputError, OptionError
from inpaintbench.io.media import read_video
from inpaintbench.tools import clean as cleaning
from inpaintbench.tools.clean import (
    Box,
    CleanOptions,
    _in_order,
    clean_frames,
    clean_paths,
    clean_video,
    detection_size,
    regions,
    work_folder,
)

RATE = 25
TEXT_ROWS = slice(100, 124)  # where the test videos' caption sits (frames 160×256)


def _scene(count: int, height: int = 160, width: int = 256, seed: int = 0) -> np.ndarray:
    """A textured scene panning 2 px a frame: what the caption hides shows in other frames."""
    rng = np.random.default_rng(seed)
    wide = cv2.GaussianBlur(rng.integers(0, 256, (height, width + 2 * count, 3), np.uint8)
                            .astype(np.float32), (0, 0), 3)
    wide = cv2.normalize(wide, None, 30, 220, cv2.NORM_MINMAX).astype(np.uint8)
    return np.stack([wide[:, 2 * t:2 * t + width] for t in range(count)])


def _captioned(clean: np.ndarray, first: int, last: int) -> np.ndarray:
    """White text with a black outline on frames [first, last), at :data:`TEXT_ROWS`."""
    out = clean.copy()
    for frame in out[first:last]:
        for colour, thick in (((0, 0, 0), 4), ((255, 255, 255), 2)):
            cv2.putText(frame, "Hello there", (40, 118), cv2.FONT_HERSHEY_SIMPLEX, 0.7, colour,
                        thick, cv2.LINE_AA)
    return out


def _truth(clean: np.ndarray, captioned: np.ndarray) -> np.ndarray:
    return np.abs(clean.astype(int) - captioned).max(axis=-1) > 0


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(255 ** 2 / np.mean((a.astype(float) - b) ** 2)))


def _write(path: Path, frames: np.ndarray, *, audio: bool = True, pts: list[int] | None = None,
           time_base: Fraction = Fraction(1, RATE)) -> Path:
    """An H.264 video (and an AAC tone) with PyAV, lossless so tests see exact pixels."""
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264rgb", rate=RATE)
        video.width, video.height = frames.shape[2], frames.shape[1]
        video.pix_fmt = "rgb24"
        video.options = {"qp": "0", "x264-params": "bframes=0"}
        video.codec_context.time_base = time_base
        sound = container.add_stream("aac", rate=44100) if audio else None
        for t, array in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(array, format="rgb24")
            frame.pts = t if pts is None else pts[t]
            frame.time_base = time_base
            container.mux(video.encode(frame))
        container.mux(video.encode())
        if sound is not None:
            samples = int(44100 * len(frames) / RATE)
            tone = (0.2 * np.sin(np.arange(samples) * 2 * np.pi * 440 / 44100)).astype(np.float32)
            for start in range(0, samples, 1024):
                chunk = av.AudioFrame.from_ndarray(tone[None, start:start + 1024], format="flt",
                                                   layout="mono")
                chunk.sample_rate, chunk.pts = 44100, start
                container.mux(sound.encode(chunk))
            container.mux(sound.encode())
    return path


def _truth_detector(clean: np.ndarray, captioned: np.ndarray):
    """A stand-in detector that knows the captions of a clip's first frames (seen small)."""
    truth = _truth(clean, captioned)

    def detect(small: np.ndarray) -> np.ndarray:
        t, h, w = small.shape[:3]
        return np.stack([cv2.resize(m.astype(np.uint8), (w, h), interpolation=cv2.INTER_AREA)
                         for m in truth[:t]]).astype(bool)
    return detect


@pytest.fixture(scope="module")
def clip() -> tuple[np.ndarray, np.ndarray]:
    clean = _scene(60)
    return clean, _captioned(clean, 10, 45)


def test_detection_size_keeps_aspect_and_small_frames():
    assert detection_size(1920, 1080) == (228, 128)
    assert detection_size(1920, 1080, "classical") == (456, 256)
    assert detection_size(200, 100) == (200, 100)


def test_regions_cover_each_caption_separately():
    mask = np.zeros((3, 200, 300), bool)
    mask[0, 180:190, 20:80] = True
    mask[2, 10:20, 200:280] = True
    found = regions(mask, margin=5)
    assert len(found) == 2
    for rows, cols in found:
        assert mask[:, rows, cols].any()
    assert sum(mask[:, r, c].sum() for r, c in found) == mask.sum()


def test_in_order_undoes_swapped_stamps_without_drift():
    class Frame:
        def __init__(self, pts):
            self.pts = pts
    stamps = [0, 1, 2, 4, 3, 5, 7, 6, 8, None, 10]
    out = [pts for pts, _ in _in_order(iter(Frame(p) for p in stamps))]
    assert out == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]


def test_clean_frames_fills_only_around_the_caption(clip):
    clean, captioned = clip
    detect = _truth_detector(clean, captioned)
    out, mask = clean_frames(captioned, detect=detect, dilate=1)
    truth = _truth(clean, captioned)
    assert mask[truth].mean() > 0.97  # the caption is in the mask
    near = np.stack([cv2.dilate(m, np.ones((5, 5), np.uint8)) for m in mask.astype(np.uint8)])
    assert (out[near == 0] == captioned[near == 0]).all()  # only the seam's 1 px beyond
    assert _psnr(clean, out) > _psnr(clean, captioned) + 10


def test_clean_frames_with_the_classical_detector(clip):
    clean, captioned = clip
    out, mask = clean_frames(captioned, detector="classical")
    truth = _truth(clean, captioned)
    assert mask[truth].mean() > 0.8 and mask[~truth].mean() < 0.02
    assert _psnr(clean, out) > _psnr(clean, captioned) + 6


def test_area_limits_and_force_fills(clip):
    clean, captioned = clip
    detect = _truth_detector(clean, captioned)
    area = np.zeros(captioned.shape[1:3], bool)
    area[:, :100] = True  # the left part of the caption only
    _, limited = clean_frames(captioned, detect=detect, area=area)
    assert limited.any() and not limited[:, :, 100:].any()
    _, forced = clean_frames(captioned, area=area, force=True, dilate=0)
    assert (forced == area).all()


@pytest.fixture()
def video(tmp_path, clip) -> tuple[Path, np.ndarray]:
    clean, captioned = clip
    return _write(tmp_path / "in.mp4", captioned), clean


def test_clean_video_keeps_audio_timestamps_and_fills(tmp_path, video, monkeypatch, clip):
    source, clean = video
    detect = _truth_detector(clean, clip[1])
    monkeypatch.setattr(cleaning, "_detector", lambda name: detect)  # one segment: whole clip
    result = clean_video(source, tmp_path / "out.mp4", CleanOptions(crf=0))
    out = read_video(result.target)
    assert out.shape == clean.shape and result.frames == len(clean)
    assert _psnr(clean, out) > _psnr(clean, clip[1]) + 6  # through yuv420p
    assert result.streams_copied == ["#1 audio aac"] and not result.streams_dropped
    with av.open(str(source)) as a, av.open(str(result.target)) as b:
        assert [s.type for s in b.streams] == ["video", "audio"]
        assert b.streams.audio[0].codec_context.name == "aac"
        assert abs(float(a.streams.audio[0].duration * a.streams.audio[0].time_base)
                   - float(b.streams.audio[0].duration * b.streams.audio[0].time_base)) < 0.05
        assert b.streams.video[0].average_rate == RATE
    assert not work_folder(result.target).exists()


def test_segments_resume_after_an_interruption(tmp_path, monkeypatch):
    clean = _scene(70, 64, 96, seed=3)
    source = _write(tmp_path / "long.mp4", _captioned(clean, 5, 60)[:, :, :, :], audio=False)
    monkeypatch.setattr(cleaning, "SEGMENT_SECONDS", 1.0)  # 25-frame segments: 3 of them
    monkeypatch.setattr(cleaning, "_detector", lambda name: lambda f: np.zeros(f.shape[:3], bool))
    target = tmp_path / "out" / "long.mp4"
    real_write = cleaning._SegmentWriter.write
    written = []

    def flaky(self, path, frames, pts):
        if len(written) == 2:
            raise KeyboardInterrupt
        written.append(path.name)
        real_write(self, path, frames, pts)

    monkeypatch.setattr(cleaning._SegmentWriter, "write", flaky)
    with pytest.raises(KeyboardInterrupt):
        clean_video(source, target)
    assert not target.exists()
    finished = {p.name: p.read_bytes() for p in work_folder(target).glob("seg-*")}
    assert sorted(finished) == written
    monkeypatch.setattr(cleaning._SegmentWriter, "write", lambda self, path, *args: (
        pytest.fail(f"{path.name} made again") if path.name in finished
        else real_write(self, path, *args)))
    resumed = clean_video(source, target)
    assert resumed.resumed_segments == 2 and resumed.frames == 70
    monkeypatch.setattr(cleaning._SegmentWriter, "write", real_write)
    fresh = clean_video(source, tmp_path / "fresh.mp4")
    # x264 under load may differ by a level or two between runs: the frames must match
    out, again = read_video(target).astype(int), read_video(fresh.target)
    assert out.shape == again.shape and np.abs(out - again).mean() < 0.5
    with av.open(str(target)) as container:
        stamps = [f.pts for f in container.decode(video=0)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 70


def test_other_options_restart_instead_of_resuming(tmp_path, monkeypatch):
    clean = _scene(30, 64, 96)
    source = _write(tmp_path / "v.mp4", clean, audio=False)
    monkeypatch.setattr(cleaning, "_detector", lambda name: lambda f: np.zeros(f.shape[:3], bool))
    target = tmp_path / "v-out.mp4"
    work = work_folder(target)
    work.mkdir()
    (work / "job.json").write_text('{"digest": "another run"}')
    (work / "seg-00000.mp4").write_bytes(b"stale")
    result = clean_video(source, target, CleanOptions(crf=10))
    fresh = clean_video(source, tmp_path / "fresh.mp4", CleanOptions(crf=10))
    assert result.resumed_segments == 0  # the stale segment was not taken
    assert np.abs(read_video(target).astype(int) - read_video(fresh.target)).mean() < 0.5


def test_variable_frame_rate_stamps_are_kept(tmp_path, monkeypatch):
    clean = _scene(20, 64, 96)
    pts = [0, 1, 2, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 24, 30, 31, 32, 40, 41]
    source = _write(tmp_path / "vfr.mp4", clean, audio=False, pts=pts)
    monkeypatch.setattr(cleaning, "_detector", lambda name: lambda f: np.zeros(f.shape[:3], bool))
    target = clean_video(source, tmp_path / "vfr-out.mp4").target

    def seconds(path):
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            return [round(float(f.pts * stream.time_base), 4) for f in container.decode(stream)]
    assert seconds(target) == seconds(source)


def test_start_and_end_trim_video_and_audio(tmp_path, video, monkeypatch):
    source, clean = video
    monkeypatch.setattr(cleaning, "_detector", lambda name: lambda f: np.zeros(f.shape[:3], bool))
    result = clean_video(source, tmp_path / "part.mkv", CleanOptions(start=0.4, end=1.6))
    assert result.frames == 30  # frames 10 … 39 at 25 fps
    out, whole = read_video(result.target).astype(int), read_video(source)
    error = {shift: np.abs(out - whole[10 + shift:40 + shift]).mean() for shift in (-1, 0, 1)}
    assert error[0] < 8 and error[0] < min(error[-1], error[1]) - 1  # the right frames
    with av.open(str(result.target)) as container:
        audio = container.streams.audio[0]
        packets = [p for p in container.demux(audio) if p.size]
        assert abs(float(packets[0].pts * audio.time_base)) < 0.05
        assert float(packets[-1].pts * audio.time_base) < 1.25


def test_preview_is_side_by_side(tmp_path, video, monkeypatch):
    source, _ = video
    monkeypatch.setattr(cleaning, "_detector", lambda name: lambda f: np.zeros(f.shape[:3], bool))
    result = clean_video(source, tmp_path / "p.mp4", CleanOptions(preview=True))
    preview = read_video(result.preview)
    assert preview.shape == (60, 160, 512, 3)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg command")
def test_rotated_video_is_written_upright(tmp_path, video, monkeypatch):
    source, clean = video
    rotated = tmp_path / "rotated.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(source), "-c", "copy",
                    "-metadata:s:v", "rotate=90", str(rotated)], check=True)
    monkeypatch.setattr(cleaning, "_detector", lambda name: lambda f: np.zeros(f.shape[:3], bool))
    result = clean_video(rotated, tmp_path / "upright.mp4")
    assert result.size == (160, 256)  # width × height: turned a quarter
    out = read_video(result.target)
    # as ffmpeg's autorotation shows it (checked against `ffmpeg -i rotated.mp4 frame.png`)
    assert np.abs(out[0].astype(int) - np.rot90(read_video(source)[0], 1)).mean() < 8


def test_errors_name_the_file_and_the_rule(tmp_path, video):
    source, _ = video
    with pytest.raises(InputError, match="file not found"):
        clean_video(tmp_path / "missing.mp4", tmp_path / "o.mp4")
    (tmp_path / "text.mp4").write_text("not a video")
    with pytest.raises(InputError, match="text.mp4: not a readable video"):
        clean_video(tmp_path / "text.mp4", tmp_path / "o.mp4")
    with pytest.raises(OptionError, match="reaches past"):
        clean_video(source, tmp_path / "o.mp4", CleanOptions(boxes=(Box(200, 0, 100, 10),)))
    with pytest.raises(OptionError, match="avi"):
        clean_video(source, tmp_path / "o.avi")
    with pytest.raises(OptionError, match="needs an area"):
        CleanOptions(force=True)
    with pytest.raises(OptionError, match="x,y,w,h"):
        Box.parse("1,2")
    assert not list(tmp_path.glob(".*parts"))


def test_clean_paths_writes_a_folder_of_videos(tmp_path, video, monkeypatch):
    source, _ = video
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(source, folder / "a.mp4")
    shutil.copy(source, folder / "b.mov")
    (folder / "notes.txt").write_text("not a video")
    monkeypatch.setattr(cleaning, "_detector", lambda name: lambda f: np.zeros(f.shape[:3], bool))
    results = clean_paths([folder], tmp_path / "out")
    assert sorted(r.target.name for r in results) == ["a.mp4", "b.mov"]
    assert all(r.target.stat().st_size > 0 for r in results)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg command")
def test_subtitle_streams_are_copied_or_dropped_with_a_name(tmp_path, video, monkeypatch):
    source, _ = video
    srt = tmp_path / "s.srt"
    srt.write_text("1\n00:00:00,100 --> 00:00:01,500\nHello\n", encoding="utf-8")
    with_subs = tmp_path / "subs.mkv"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(source), "-i", str(srt), "-map",
                    "0", "-map", "1", "-c", "copy", "-c:s", "srt", str(with_subs)], check=True)
    monkeypatch.setattr(cleaning, "_detector", lambda name: lambda f: np.zeros(f.shape[:3], bool))
    kept = clean_video(with_subs, tmp_path / "out.mkv")
    assert kept.streams_copied == ["#1 audio aac", "#2 subtitle srt"]
    with av.open(str(kept.target)) as container:
        assert [s.type for s in container.streams] == ["video", "audio", "subtitle"]
    dropped = clean_video(with_subs, tmp_path / "out.mp4")
    assert dropped.streams_dropped == ["#2 subtitle srt"]
