"""Building a track-2 set: layout, masks in the metadata, determinism, resume, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from inpaintbench.data.captions.build import (
    DATASET_JSON,
    METADATA_JSON,
    SPLITS,
    CaptionsBuildConfig,
    build_captions,
    user_sources,
)
from inpaintbench.data.captions.render import decode_masks
from inpaintbench.data.captions.stats import write_captions_statistics, write_contact_sheet
from inpaintbench.errors import InputError
from inpaintbench.io.media import read_video, write_video
from inpaintbench.scoring.captions import CaptionsReference
from inpaintbench.tracks import CLIP_FPS, CLIP_FRAMES, CLIP_SIZE


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, list[Path]]:
    folder = tmp_path_factory.mktemp("inputs")
    rng = np.random.default_rng(0)
    photos = []
    for i in range(2):
        y, x = np.mgrid[0:300, 0:420]
        image = np.stack([(x + 60 * i) % 256, (y * 2) % 256, (x + y) % 256], -1).astype(np.uint8)
        image = np.clip(image + rng.integers(0, 30, image.shape), 0, 255).astype(np.uint8)
        photos.append(folder / f"photo{i}.png")
        Image.fromarray(image).save(photos[-1])
    # a 5.4-second 320×240 video at 30 fps: one clip, its tail dropped
    frames = np.stack([np.full((240, 320, 3), (t * 3) % 256, np.uint8) for t in range(162)])
    video = folder / "moving.mp4"
    write_video(video, frames, fps=30)
    short = folder / "short.mp4"
    write_video(short, frames[:30], fps=30)
    broken = folder / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42 this is not a video")
    return {"photos": photos, "videos": [video], "bad": [short, broken]}


CONFIG = CaptionsBuildConfig(seed=1, lossless=True, clips_per_photo=2)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".parts" not in p.parts}


@pytest.fixture(scope="module")
def built(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("captions") / "set"
    sources = user_sources(inputs["videos"] + inputs["bad"], inputs["photos"])
    summary = build_captions(sources, out, CONFIG, workers=2)
    assert sum(summary.clips.values()) == 5
    return out


def test_layout_and_clip_format(built):
    metadata = json.loads((built / METADATA_JSON).read_text())
    assert len(metadata["clips"]) == 5
    for split in SPLITS:
        names = [n for n, c in metadata["clips"].items() if c["split"] == split]
        if not names:
            continue
        reference = CaptionsReference.open(built / split)  # the scorer reads each split as is
        assert sorted(reference.clips) == sorted(names)
        for name in names:
            for kind in ("X", "Y"):
                with av.open(str(built / split / kind / f"{name}.mp4")) as container:
                    stream = container.streams.video[0]
                    assert stream.average_rate == CLIP_FPS
                    assert (stream.width, stream.height) == (CLIP_SIZE, CLIP_SIZE)
                    assert stream.codec_context.name == "h264"
                assert read_video(built / split / kind / f"{name}.mp4").shape == (
                    CLIP_FRAMES, CLIP_SIZE, CLIP_SIZE, 3)


def test_metadata_masks_are_exactly_where_x_differs_from_y(built):
    metadata = json.loads((built / METADATA_JSON).read_text())
    for name, clip in metadata["clips"].items():
        x = read_video(built / clip["split"] / "X" / f"{name}.mp4")
        y = read_video(built / clip["split"] / "Y" / f"{name}.mp4")
        mask = decode_masks(clip["events"], CLIP_FRAMES, CLIP_SIZE, CLIP_SIZE)
        assert (mask == np.any(x != y, axis=-1)).all(), name
        assert mask.mean(axis=(1, 2)) == pytest.approx(clip["per_frame_coverage"], abs=1e-6)
        assert clip["coverage"] == pytest.approx(mask.mean())
        for event in clip["events"]:
            assert {"text", "start", "end", "style", "difficulty", "footprint"} <= set(event)


def test_sources_and_skips_are_recorded(built):
    description = json.loads((built / DATASET_JSON).read_text())
    assert description["complete"]
    skipped = " ".join(description["skipped"])
    assert "short.mp4" in skipped and "5 s" in skipped
    assert "broken.mp4" in skipped
    metadata = json.loads((built / METADATA_JSON).read_text())
    video_clip = metadata["clips"]["video-moving_0000"]
    assert video_clip["start"] == 0.0 and video_clip["end"] == pytest.approx(5.0)
    assert {c["motion"] for c in metadata["clips"].values()} == {None, "pan", "zoom"}


def test_same_seed_same_bytes_and_resume(built, inputs, tmp_path):
    sources = user_sources(inputs["videos"] + inputs["bad"], inputs["photos"])
    out = tmp_path / "again"

    def stop_early(done, total):
        if done >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_captions(sources, out, CONFIG, workers=1, progress=stop_early)
    summary = build_captions(sources, out, CONFIG, workers=1)
    assert summary.resumed >= 1
    assert _files(out) == _files(built)


def test_other_settings_are_refused(built, inputs):
    with pytest.raises(InputError, match="other settings"):
        build_captions(user_sources(inputs["videos"]), built, CaptionsBuildConfig(seed=2))


def test_keep_fraction_keeps_the_most_covered_clips(inputs, tmp_path):
    config = CaptionsBuildConfig(seed=1, keep_fraction=0.6, clips_per_photo=2)
    build_captions(user_sources(inputs["videos"], inputs["photos"]), tmp_path / "kept", config,
                   workers=1)
    everything = json.loads((tmp_path / "kept" / METADATA_JSON).read_text())["clips"]
    assert len(everything) == 3  # 60 % of 5
    plan_all = CaptionsBuildConfig(seed=1, clips_per_photo=2)
    from inpaintbench.data.captions.build import plan_sources

    coverage = sorted((c.coverage for p in plan_sources(
        user_sources(inputs["videos"], inputs["photos"]), plan_all) for c in p.clips),
        reverse=True)
    assert sorted((c["coverage"] for c in everything.values()), reverse=True) == \
        pytest.approx(coverage[:3])


def test_no_usable_source_is_a_clear_error(inputs, tmp_path):
    with pytest.raises(InputError, match="no source yields"):
        build_captions(user_sources(inputs["bad"]), tmp_path / "none", CONFIG)
    with pytest.raises(InputError, match="not found"):
        user_sources([tmp_path / "missing.mp4"])


def test_statistics_and_contact_sheet(built, tmp_path):
    json_path, png_path = write_captions_statistics(built, tmp_path)
    stats = json.loads(json_path.read_text())
    assert stats["summary"]["clips"] == 5
    sheet = write_contact_sheet(built, tmp_path, clips=3)
    with Image.open(sheet) as image:
        assert image.width == 4 * 128 and image.height >= 3 * 256
    with Image.open(png_path) as image:
        assert image.width > 600


SRT = """1
00:00:00,400 --> 00:00:02,000
Where were you last night?

2
00:00:02,000 --> 00:00:07,500
<i>Nowhere you would know.</i>
"""


def test_a_videos_srt_gives_its_cues_at_their_real_times(inputs, tmp_path):
    srt = tmp_path / "moving.srt"
    srt.write_text(SRT, encoding="utf-8")
    sources = user_sources(inputs["videos"], srts=[srt])
    assert sources[0].srt == srt
    out = tmp_path / "set"
    build_captions(sources, out, CONFIG, workers=1)
    ((name, clip),) = json.loads((out / METADATA_JSON).read_text())["clips"].items()
    events = clip["events"]
    assert [e["text"] for e in events] == ["Where were you last night?",
                                           "Nowhere you would know."]
    # 0.4 s → frame 10, 2.0 s → frame 50, and the second cue runs past the clip's end
    assert [(e["start"], e["end"]) for e in events] == [(10, 50), (50, CLIP_FRAMES)]
    assert events[1]["source"] == "srt:moving.srt#2"
    mask = decode_masks(events, CLIP_FRAMES, CLIP_SIZE, CLIP_SIZE)
    assert not mask[:10].any() and mask[10:].any(axis=(1, 2)).all()
    x = read_video(out / clip["split"] / "X" / f"{name}.mp4")
    y = read_video(out / clip["split"] / "Y" / f"{name}.mp4")
    assert np.array_equal(x != y, np.repeat(mask[..., None], 3, -1) & (x != y))
    assert np.array_equal(x[:10], y[:10])


def test_an_srt_must_match_one_video(inputs, tmp_path):
    other = tmp_path / "other.srt"
    other.write_text(SRT, encoding="utf-8")
    with pytest.raises(InputError, match="matches 0 of the videos"):
        user_sources(inputs["videos"] + inputs["bad"][:1], srts=[other])
    broken = tmp_path / "moving.srt"
    broken.write_text("1\n00:00:01 --> nonsense\nHello\n", encoding="utf-8")
    with pytest.raises(InputError, match="moving.srt"):
        user_sources(inputs["videos"], srts=[broken])
