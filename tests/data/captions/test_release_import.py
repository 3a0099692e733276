"""Importing the official track-2 release layout as it is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.ndimage import binary_dilation

from inpaintbench.data.captions.build import DATASET_JSON, METADATA_JSON
from inpaintbench.data.captions.release import (
    check_clip,
    estimated_mask,
    find_release,
    import_release,
)
from inpaintbench.data.captions.render import decode_masks
from inpaintbench.errors import InputError
from inpaintbench.io.media import write_video
from inpaintbench.scoring.captions import CaptionsReference
from inpaintbench.tracks import CLIP_FRAMES, CLIP_SIZE

BOX = (slice(100, 115), slice(20, 108))  # rows, cols of a caption box in a 128×128 frame
BOX_FRAMES = slice(30, 90)


def _pair(seed: int, frames: int = CLIP_FRAMES, size: int = CLIP_SIZE
          ) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    base = rng.integers(40, 160, (1, size, size, 3))
    clean = np.clip(base + np.arange(frames)[:, None, None, None] // 4, 0, 255).astype(np.uint8)
    captioned = clean.copy()
    captioned[BOX_FRAMES, BOX[0], BOX[1]] = 250
    return captioned, clean


def _write_pair(folder: Path, number: int, **kwargs) -> None:
    captioned, clean = _pair(number, **kwargs)
    write_video(folder / "X" / f"X{number:04d}.mp4", captioned, lossless=True)
    write_video(folder / "Y" / f"Y{number:04d}.mp4", clean, lossless=True)


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """Two training archives, a development set with three bad clips (one of the book's
    256×256, in a release of the 128×128 clips), a test set without Y."""
    root = tmp_path_factory.mktemp("release")
    _write_pair(root / "train_1", 1)
    _write_pair(root / "train_2", 2)
    _write_pair(root / "dev", 3)
    _write_pair(root / "dev", 4, size=256)
    _write_pair(root / "dev", 5, frames=60)
    (root / "dev" / "X" / "X0006.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 not a video")
    (root / "test" / "X").mkdir(parents=True)
    write_video(root / "test" / "X" / "X0007.mp4", _pair(7)[0], lossless=True)
    return root


def test_find_release_reads_split_folders_and_pairs_by_name(release):
    clips = {c.name: c for c in find_release(release)}
    assert sorted(clips) == [f"X{i:04d}" for i in range(1, 8)]
    assert [clips[f"X{i:04d}"].split for i in range(1, 8)] == ["train", "train"] + ["val"] * 4 \
        + ["test"]
    assert clips["X0001"].y == release / "train_1" / "Y" / "Y0001.mp4"
    assert clips["X0006"].y is None and clips["X0007"].y is None


def test_file_lists_override_the_folders(release, tmp_path):
    root = tmp_path / "listed"
    root.mkdir()
    for archive in ("train_1", "dev"):
        (root / archive).symlink_to(release / archive)
    (root / "test_list.txt").write_text("dev/Y/Y0003.mp4\n", encoding="utf-8")
    clips = {c.name: c.split for c in find_release(root)}
    assert clips["X0003"] == "test" and clips["X0001"] == "train"


def test_release_rules_name_the_file_and_the_rule(release):
    assert check_clip(release / "dev" / "X" / "X0003.mp4") is None
    assert check_clip(release / "dev" / "X" / "X0004.mp4") is None  # a size a release has
    assert "is 256×256; a track-2 clip of this set is 128×128" in check_clip(
        release / "dev" / "X" / "X0004.mp4", CLIP_SIZE)
    assert "a track-2 clip holds 125" in check_clip(release / "dev" / "X" / "X0005.mp4")
    assert "not a readable video" in check_clip(release / "dev" / "X" / "X0006.mp4")


def test_import_links_the_files_and_estimates_the_masks(release, tmp_path):
    out = tmp_path / "imported"
    summary = import_release(release, out, workers=2)
    assert summary.clips == {"train": 2, "val": 1, "test": 1}
    assert summary.without_truth == 1
    assert len(summary.skipped) == 3
    assert any("X0004.mp4: is 256×256" in s for s in summary.skipped)
    source = release / "train_1" / "X" / "X0001.mp4"
    placed = out / "train" / "X" / "X0001.mp4"
    assert placed.read_bytes() == source.read_bytes()
    assert placed.stat().st_ino == source.stat().st_ino  # hard-linked, not re-encoded
    assert (out / "train" / "Y" / "X0001.mp4").read_bytes() == \
        (release / "train_1" / "Y" / "Y0001.mp4").read_bytes()
    assert not (out / "test" / "Y").exists()
    assert sorted(CaptionsReference.open(out / "train").clips) == ["X0001", "X0002"]

    metadata = json.loads((out / METADATA_JSON).read_text())
    assert (metadata["width"], metadata["height"]) == (CLIP_SIZE, CLIP_SIZE)
    clip = metadata["clips"]["X0001"]
    mask = decode_masks(clip["events"], CLIP_FRAMES, CLIP_SIZE, CLIP_SIZE)
    box = np.zeros((CLIP_SIZE, CLIP_SIZE), bool)
    box[BOX] = True
    expected = binary_dilation(box, np.ones((3, 3), bool), iterations=2)
    assert np.array_equal(mask[BOX_FRAMES], np.broadcast_to(expected, mask[BOX_FRAMES].shape))
    assert not mask[:BOX_FRAMES.start].any() and not mask[BOX_FRAMES.stop:].any()
    assert len(clip["events"]) == 1  # the frames with one mask make one record
    assert clip["coverage"] == pytest.approx(expected.mean() * 60 / CLIP_FRAMES, abs=1e-5)
    assert json.loads((out / DATASET_JSON).read_text())["complete"]

    again = import_release(release, out, workers=1)
    assert again.resumed == 7 and again.clips == summary.clips


def test_estimated_mask_ignores_codec_noise():
    captioned, clean = _pair(9)
    noisy = np.clip(clean.astype(int) + 40, 0, 255).astype(np.uint8)  # 0.16 < 0.21
    assert not estimated_mask(noisy, clean).any()
    assert estimated_mask(captioned, clean)[BOX_FRAMES].any(axis=(1, 2)).all()


def test_a_folder_that_is_no_release_is_refused(tmp_path):
    with pytest.raises(InputError, match="holds no X/ folder"):
        find_release(tmp_path)
    (tmp_path / "extras" / "X").mkdir(parents=True)
    with pytest.raises(InputError, match="not named after a split"):
        find_release(tmp_path)
    assert {c.split for c in find_release(tmp_path, split="val")} == set()


def test_import_from_the_command_line(release, tmp_path):
    out = tmp_path / "cli"
    proc = subprocess.run([sys.executable, "-m", "inpaintbench", "data", "captions", "import",
                           str(release / "train_1"), "--out", str(out), "--no-link"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "1 clips (train 1, val 0, test 0)" in proc.stdout
    assert (out / "stats.png").is_file() and (out / "contact_sheet.png").is_file()
    assert (out / "train" / "X" / "X0001.mp4").stat().st_nlink == 1  # copied


# --- frame size from the header --------------------------------------------------------------


def _watch_decoding(monkeypatch) -> list[str]:
    """From now on, every ``container.decode`` call made through ``av.open``, by file name."""
    import av

    calls: list[str] = []
    real_open = av.open

    class Watched:
        def __init__(self, name, container):
            self._name, self._container = name, container

        def __getattr__(self, attribute):
            return getattr(self._container, attribute)

        def __enter__(self):
            self._container.__enter__()
            return self

        def __exit__(self, *exc):
            return self._container.__exit__(*exc)

        def decode(self, *args, **kwargs):
            calls.append(self._name)
            return self._container.decode(*args, **kwargs)

    monkeypatch.setattr(av, "open", lambda file, *a, **k: Watched(Path(file).name,
                                                                   real_open(file, *a, **k)))
    return calls


def test_a_clip_claiming_a_huge_frame_is_refused_undecoded(tmp_path, monkeypatch):
    # a raw H.264 stream: no frame count in its header, which made the old check decode
    # every frame before it looked at the size
    import av

    path = tmp_path / "huge.h264"
    with av.open(str(path), "w", format="h264") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.pix_fmt, stream.width, stream.height = "yuv420p", 2048, 2048
        frame = av.VideoFrame.from_ndarray(np.zeros((2048, 2048, 3), np.uint8), format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode()]:
            container.mux(packet)
    decoded = _watch_decoding(monkeypatch)
    assert check_clip(path) == "is 2048×2048; a track-2 clip of this set is 128×128 or 256×256"
    assert decoded == []


def test_import_skips_a_huge_clip_by_its_rule(tmp_path):
    root = tmp_path / "release"
    _write_pair(root / "dev", 1)
    write_video(root / "dev" / "X" / "X0002.mp4", np.zeros((3, 2048, 2048, 3), np.uint8))
    write_video(root / "dev" / "Y" / "Y0002.mp4", np.zeros((3, 2048, 2048, 3), np.uint8))
    summary = import_release(root, tmp_path / "out", workers=1)
    assert summary.clips["val"] == 1
    (skipped,) = summary.skipped
    assert "X0002.mp4: is 2048×2048; a track-2 clip of this set is 128×128" in skipped


def test_a_release_of_the_book_size_imports_at_that_size(tmp_path):
    root = tmp_path / "book"
    _write_pair(root / "dev", 1, size=256)
    _write_pair(root / "dev", 2, size=128)  # one size per set: the first clip's
    summary = import_release(root, tmp_path / "out", workers=1)
    assert summary.clips["val"] == 1
    assert "X0002.mp4: is 128×128; a track-2 clip of this set is 256×256" in summary.skipped[0]
    metadata = json.loads((tmp_path / "out" / METADATA_JSON).read_text())
    assert (metadata["width"], metadata["height"]) == (256, 256)


def test_a_release_without_a_clip_of_a_release_size_is_refused(tmp_path):
    root = tmp_path / "odd"
    _write_pair(root / "dev", 1, size=96)
    with pytest.raises(InputError, match="holds no clip of 128×128 or 256×256 frames"):
        import_release(root, tmp_path / "out", workers=1)
