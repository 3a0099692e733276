"""The blind caption detector: it finds burned-in subtitles and leaves clean clips alone."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from skimage import data

from inpaintbench.data.captions.render import burn
from inpaintbench.data.captions.subtitles import draw_events
from inpaintbench.io.media import read_video, write_video
from inpaintbench.methods.captions.detect import (
    CaptionDetector,
    check_clip,
    detection_scores,
    line_bands,
    snap_box,
    text_lines,
)

# IoU measured on these clips when the thresholds were set: easy seeds 0 and 3 gave
# 0.80 and 0.81, hard seeds 1 and 3 gave 0.94 and 0.93 (lossless); the thresholds keep
# a margin for platform differences, and still fail on a detector that finds only the
# text of a boxed subtitle (IoU ≈ 0.3) or dilates it carelessly.
EASY_IOU, HARD_IOU = 0.7, 0.85
CLEAN_FALSE_POSITIVES = 0.002  # share of a clean clip's pixels the detector may flag
# Plain white easy text (no outline, no shadow) after H.264, seeds 0 and 3: IoU 0.47 and
# 0.34 when set; the detector before codec-glitch runs and the brightness test gave 0.14
# and 0.10 (its runs broke on the strokes' codec noise, its colour test on smeared chroma).
PLAIN_LOSSY_IOU = 0.25
# IoU measured on these clips when the thresholds were set: whole-clip subtitles at the
# bottom of a pan gave 0.999 and 1.00 (hard, seeds 1 and 3), 0.994 (medium, seed 0) and
# 0.90 (easy, seed 2); a detector without the whole-clip path gives 0 on all. (Hard boxes
# reaching above the middle of the frame, seeds 2 and 4, are not found: see STILL_BAND.)
WHOLE_BOXED_IOU, WHOLE_EASY_IOU = 0.85, 0.7


def _pan(n: int = 125, step: int = 2) -> np.ndarray:
    """A camera panning right over a real photograph, ``step`` px a frame, 256×256 (the
    book's size, at which the detector's thresholds were set)."""
    photo = data.coffee()  # 400×600, shipped with scikit-image
    return np.stack([photo[40:296, 20 + step * t:276 + step * t] for t in range(n)])


@pytest.fixture(scope="module")
def clean() -> np.ndarray:
    return _pan()


def _sized(clean: np.ndarray) -> dict[str, int]:
    return {"n_frames": len(clean), "width": clean.shape[2], "height": clean.shape[1]}


def _captioned(clean: np.ndarray, difficulty: str, seed: int):
    events = draw_events(np.random.default_rng(seed), difficulty=difficulty, **_sized(clean))
    return burn(clean, events)


@pytest.mark.parametrize(("difficulty", "seeds", "least"),
                         [("easy", (0, 3), EASY_IOU), ("hard", (1, 3), HARD_IOU)])
def test_detector_finds_subtitles(clean, difficulty, seeds, least):
    detector = CaptionDetector()
    ious = []
    for seed in seeds:
        clip = _captioned(clean, difficulty, seed)
        ious.append(detection_scores(detector.detect(clip.frames), clip.mask)["iou"])
    assert min(ious) >= least, ious


def test_detector_survives_h264(clean, tmp_path):
    clip = _captioned(clean, "hard", 1)
    lossy = read_video(write_video(tmp_path / "clip.mp4", clip.frames))  # CRF 18, yuv420p
    assert not np.array_equal(lossy, clip.frames)
    assert detection_scores(CaptionDetector().detect(lossy), clip.mask)["iou"] >= HARD_IOU


@pytest.mark.parametrize("seed", [0, 3])
def test_detector_finds_plain_text_after_h264(clean, tmp_path, seed):
    events = draw_events(np.random.default_rng(seed), difficulty="easy", **_sized(clean))
    plain = [dataclasses.replace(e, style=dataclasses.replace(
        e.style, outline_width=0, shadow_opacity=0.0, text_color=(255, 255, 255)))
        for e in events]
    clip = burn(clean, plain)
    lossy = read_video(write_video(tmp_path / "clip.mp4", clip.frames))
    iou = detection_scores(CaptionDetector().detect(lossy), clip.mask)["iou"]
    assert iou >= PLAIN_LOSSY_IOU, iou


def test_events_follow_the_subtitles_timing(clean):
    clip = _captioned(clean, "hard", 3)
    truth = sorted((e["start"], e["end"]) for e in clip.events_json)
    found = sorted((e.start, e.end) for e in CaptionDetector().events(clip.frames))
    assert len(found) >= len(truth)
    for start, end in truth:  # every subtitle has an event within a fade of its frames
        assert any(abs(s - start) <= 6 and abs(e - end) <= 6 for s, e in found), (truth, found)


def test_clean_clips_stay_clean(clean):
    detector = CaptionDetector()
    still = np.repeat(data.astronaut()[None, 100:356, 100:356], 60, axis=0)
    noisy = np.random.default_rng(0).integers(0, 256, (40, 128, 128, 3), dtype=np.uint8)
    for clip in (clean, still, noisy):
        assert detector.detect(clip).mean() <= CLEAN_FALSE_POSITIVES


def test_detector_is_deterministic(clean):
    clip = _captioned(clean[:60], "easy", 0)
    first = CaptionDetector().detect(clip.frames)
    assert first.dtype == bool and first.shape == clip.frames.shape[:3]
    assert np.array_equal(first, CaptionDetector().detect(clip.frames))


def test_text_lines_keep_rows_of_letters_and_drop_blobs():
    strokes = np.zeros((64, 128), bool)
    strokes[10:22, 8:100:5] = True  # a line of 1-px letters
    strokes[35:60, 20:45] = True  # a solid blob
    lines = text_lines(strokes)
    assert lines[10:22].sum() == strokes[10:22].sum()
    assert not lines[30:].any()
    assert line_bands(lines) == [(8, 10, 99, 22)]


def test_snap_box_finds_a_semi_transparent_box_over_texture():
    rng = np.random.default_rng(1)
    picture = rng.uniform(60, 250, (6, 96, 160)).astype(np.float32)
    picture[:, 50:80, 20:140] *= 0.45  # a 55 % opaque black box
    box = snap_box(picture, [(30, 57, 130, 73)], threshold=0.2)
    rows, cols = np.flatnonzero(box.any(axis=1)), np.flatnonzero(box.any(axis=0))
    assert (rows[0], rows[-1], cols[0], cols[-1]) == (50, 79, 20, 139)
    assert not snap_box(rng.uniform(60, 250, (6, 96, 160)).astype(np.float32),
                        [(30, 57, 130, 73)], threshold=0.2).any()


def test_detection_scores():
    true = np.zeros((3, 8, 8), bool)
    true[:, 2:6, 2:6] = True
    assert detection_scores(true, true) == {"iou": 1.0, "precision": 1.0, "recall": 1.0}
    empty = np.zeros_like(true)
    assert detection_scores(empty, empty)["iou"] == 1.0
    assert detection_scores(empty, true) == {"iou": 0.0, "precision": 1.0, "recall": 0.0}
    half = true.copy()
    half[:, 2:4] = False
    assert detection_scores(half, true) == {"iou": 0.5, "precision": 1.0, "recall": 0.5}
    with pytest.raises(ValueError, match="shape"):
        detection_scores(true[:2], true)


def test_check_clip_refuses_what_is_not_a_clip():
    with pytest.raises(ValueError, match="uint8"):
        check_clip(np.zeros((4, 8, 8, 3), np.float32))
    with pytest.raises(ValueError, match="uint8"):
        check_clip(np.zeros((8, 8, 3), np.uint8))


# --- the second path: a subtitle shown for the whole clip, over a moving picture ---

def _whole_clip(clean: np.ndarray, difficulty: str, seed: int):
    """One subtitle of ``difficulty`` at the bottom, shown on every frame of ``clean``."""
    event = draw_events(np.random.default_rng(seed), difficulty=difficulty,
                        **_sized(clean))[0]
    style = dataclasses.replace(event.style, position="bottom")
    event = dataclasses.replace(event, start=0, end=len(clean), fade_in=0, fade_out=0,
                                style=style)
    return burn(clean, [event])


@pytest.mark.parametrize(("difficulty", "seed", "least"),
                         [("hard", 1, WHOLE_BOXED_IOU), ("hard", 3, WHOLE_BOXED_IOU),
                          ("medium", 0, WHOLE_BOXED_IOU), ("easy", 2, WHOLE_EASY_IOU)])
def test_whole_clip_subtitle_is_found(clean, difficulty, seed, least):
    clip = _whole_clip(clean, difficulty, seed)
    assert clip.mask.all(axis=0).any()  # shown on every frame
    iou = detection_scores(CaptionDetector().detect(clip.frames), clip.mask)["iou"]
    assert iou >= least, iou


def test_still_picture_with_text_is_left_alone():
    """Text painted into a still picture is part of the picture: nothing around moves."""
    still = np.repeat(data.astronaut()[None, 100:356, 100:356], 60, axis=0)
    clip = _whole_clip(still, "hard", 0)  # burned into every frame of a still clip
    assert CaptionDetector().detect(clip.frames).mean() <= CLEAN_FALSE_POSITIVES


def test_still_band_of_a_moving_picture_without_text_is_left_alone(clean):
    """A letterbox band holds still for the whole clip, but draws no text."""
    clip = clean.copy()
    clip[:, 200:] = 0
    assert CaptionDetector().detect(clip).mean() <= CLEAN_FALSE_POSITIVES


# --- the release's 128×128 clips ---------------------------------------------------

# IoU after H.264 (CRF 18) on the pan at 128×128 when the two-scale search was set:
# easy seeds 0 and 3 gave 0.72 and 0.84 (searched only as they are: 0 and 0.64), medium
# seeds 1 and 2 gave 0.96 and 0.98 (searched only upsampled: 0.37 and 0.47), hard seeds 0
# and 1 gave 0.90 and 0.87.
RELEASE_IOU = {"easy": 0.65, "medium": 0.85, "hard": 0.8}


@pytest.fixture(scope="module")
def clean_release(clean) -> np.ndarray:
    """The pan at the release's 128×128 (area-averaged, as a scaler would)."""
    import cv2

    return np.stack([cv2.resize(f, (128, 128), interpolation=cv2.INTER_AREA) for f in clean])


@pytest.mark.parametrize(("difficulty", "seeds"),
                         [("easy", (0, 3)), ("medium", (1, 2)), ("hard", (0, 1))])
def test_detector_finds_subtitles_at_the_release_size(clean_release, tmp_path, difficulty,
                                                      seeds):
    for seed in seeds:
        clip = _captioned(clean_release, difficulty, seed)
        lossy = read_video(write_video(tmp_path / f"{seed}.mp4", clip.frames))
        iou = detection_scores(CaptionDetector().detect(lossy), clip.mask)["iou"]
        assert iou >= RELEASE_IOU[difficulty], (seed, iou)


def test_clean_release_clips_stay_clean(clean_release, tmp_path):
    lossy = read_video(write_video(tmp_path / "clean.mp4", clean_release))
    assert CaptionDetector().detect(lossy).mean() <= CLEAN_FALSE_POSITIVES
