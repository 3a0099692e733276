"""Decoding images and videos: every pixel format to the right 8-bit values, sizes from headers.

Every file is made here with Pillow, OpenCV or PyAV (nothing is committed); the
expected values come from the 8-bit truth the file was made from, or from an
independent decoder (OpenCV) where the conversion is Pillow's own (CMYK JPEG).
"""

from __future__ import annotations

import io
import threading
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from PIL import Image, ImageFile

from inpaintbench.errors import InputError, WrongSizeError
from inpaintbench.io import media
from inpaintbench.io.media import (
    MAX_CLIP_PIXELS,
    MAX_IMAGE_PIXELS,
    image_size,
    read_image_luma,
    read_image_rgb,
    read_video,
    write_video,
)
from tests.make_files import write_png

H, W = 24, 32  # small test images, (rows, cols)
JPEG_TOLERANCE = 8  # quality-98 JPEG of a smooth image: a few levels per value
CMYK_FORMULA_TOLERANCE = 2  # OpenCV's (x k) >> 8 against Pillow's x k / 255, rounded


def _smooth_rgb(seed: int = 0) -> np.ndarray:
    """A smooth ``uint8 (H, W, 3)`` picture (JPEG keeps it within a few levels)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:H, 0:W] / max(H, W)
    channels = [127 + 100 * np.sin(2 * np.pi * (a * x + b * y) + c)
                for a, b, c in rng.uniform(0.2, 1.0, (3, 3))]
    return np.clip(np.stack(channels, -1), 0, 255).round().astype(np.uint8)


def _noise(shape: tuple[int, ...], high: int, seed: int, dtype=np.uint8) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, high + 1, shape).astype(dtype)


def _luma(rgb: np.ndarray) -> np.ndarray:
    """PIL's convert('L') of RGB values, the rule :func:`read_image_luma` follows."""
    return np.asarray(Image.fromarray(rgb).convert("L"))


def _grey(values: np.ndarray) -> np.ndarray:
    return np.repeat(values[..., None], 3, axis=2)


def _round16(values: np.ndarray) -> np.ndarray:
    return np.round(values / 257).astype(np.uint8)


# --- every pixel format ------------------------------------------------------------------
# Each maker writes one file and returns the RGB values it must decode to; luma is PIL's
# formula on them (a grey image's luma is its grey value, which the formula gives back).


def _grey16_png(path: Path) -> np.ndarray:
    truth = _noise((H, W), 255, 1)
    Image.fromarray(truth.astype(np.uint16) * 257).save(path.with_suffix(".png"))
    return _grey(truth)


def _grey16_png_full_range(path: Path) -> np.ndarray:
    values = _noise((H, W), 65535, 2, np.uint16)
    Image.fromarray(values).save(path.with_suffix(".png"))
    return _grey(_round16(values))


def _grey16_tiff_big_endian(path: Path) -> np.ndarray:
    values = _noise((H, W), 65535, 3, np.uint16)
    Image.frombytes("I;16B", (W, H), values.astype(">u2").tobytes()).save(
        path.with_suffix(".tif"))
    return _grey(_round16(values))


def _grey16_pgm_mode_i(path: Path) -> np.ndarray:
    values = _noise((H, W), 65535, 4, np.uint16)
    path.with_suffix(".pgm").write_bytes(f"P5 {W} {H} 65535\n".encode()
                                         + values.astype(">u2").tobytes())
    return _grey(_round16(values))


def _rgb16_png(path: Path) -> np.ndarray:
    values = _noise((H, W, 3), 65535, 5, np.uint16)
    assert cv2.imwrite(str(path.with_suffix(".png")), values[..., ::-1])
    return _round16(values)


def _rgb16_png_copy_of_8_bit(path: Path) -> np.ndarray:
    truth = _noise((H, W, 3), 255, 6)
    assert cv2.imwrite(str(path.with_suffix(".png")), truth[..., ::-1].astype(np.uint16) * 257)
    return truth


def _rgba16_png(path: Path) -> np.ndarray:
    values = _noise((H, W, 4), 65535, 7, np.uint16)
    assert cv2.imwrite(str(path.with_suffix(".png")), values[..., [2, 1, 0, 3]])
    return _round16(values[..., :3])


def _rgb16_tiff(path: Path) -> np.ndarray:
    values = _noise((H, W, 3), 65535, 8, np.uint16)
    assert cv2.imwrite(str(path.with_suffix(".tif")), values[..., ::-1])
    return _round16(values)


def _grey_alpha16_png(path: Path) -> np.ndarray:
    values = _noise((H, W, 2), 65535, 23, np.uint16)  # Pillow: RGBA from "LA;16B"
    write_png(path.with_suffix(".png"), W, H, depth=16, colour_type=4, samples=values)
    return _grey(_round16(values[..., 0]))


def _palette(transparency=None) -> Callable[[Path], np.ndarray]:
    def make(path: Path) -> np.ndarray:
        colours = _noise((16, 3), 255, 9)
        index = _noise((H, W), 15, 10)
        image = Image.fromarray(index, "P")
        image.putpalette(colours.ravel().tolist())
        options = {} if transparency is None else {"transparency": transparency}
        image.save(path.with_suffix(".png"), **options)
        return colours[index]
    return make


def _palette_alpha_tiff(path: Path) -> np.ndarray:
    colours = _noise((16, 3), 255, 11)
    index, alpha = _noise((H, W), 15, 12), _noise((H, W), 255, 13)
    image = Image.fromarray(np.dstack([index, alpha]), "PA")
    image.putpalette(colours.ravel().tolist())
    image.save(path.with_suffix(".tif"))
    return colours[index]


def _rgba_png(path: Path) -> np.ndarray:
    truth, alpha = _noise((H, W, 3), 255, 14), _noise((H, W), 255, 15)
    alpha[:4] = 0  # fully transparent rows keep their stored colours
    Image.fromarray(np.dstack([truth, alpha])).save(path.with_suffix(".png"))
    return truth


def _la_png(path: Path) -> np.ndarray:
    truth, alpha = _noise((H, W), 255, 16), _noise((H, W), 255, 17)
    Image.fromarray(np.dstack([truth, alpha]), "LA").save(path.with_suffix(".png"))
    return _grey(truth)


def _bilevel_png(path: Path) -> np.ndarray:
    bits = _noise((H, W), 1, 18).astype(bool)
    Image.fromarray(bits).save(path.with_suffix(".png"))
    return _grey(np.where(bits, 255, 0).astype(np.uint8))


def _ycbcr_tiff(path: Path) -> np.ndarray:
    stored = np.asarray(Image.fromarray(_noise((H, W, 3), 255, 19)).convert("YCbCr"))
    Image.fromarray(stored, "YCbCr").save(path.with_suffix(".tif"))
    y, cb, cr = (stored[..., i].astype(float) for i in range(3))
    rgb = np.stack([y + 1.402 * (cr - 128),  # JFIF's full-range YCbCr (ITU-T T.871)
                    y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128),
                    y + 1.772 * (cb - 128)], -1)
    return np.clip(rgb.round(), 0, 255).astype(np.uint8)


def _cmyk_values(seed: int) -> np.ndarray:
    cmyk = _noise((H, W, 4), 255, seed)
    cmyk[..., 3] //= 2  # some black, not so much that every colour is lost
    return cmyk


def _cmyk_to_rgb(cmyk: np.ndarray) -> np.ndarray:
    """Naive CMYK → RGB, (255 − C)(255 − K)/255: Pillow's and libjpeg's convention."""
    rgb = (255 - cmyk[..., :3].astype(float)) * (255 - cmyk[..., 3:].astype(float)) / 255
    return rgb.round().astype(np.uint8)


def _cmyk_tiff(path: Path) -> np.ndarray:
    cmyk = _cmyk_values(20)
    Image.fromarray(cmyk, "CMYK").save(path.with_suffix(".tif"))
    return _cmyk_to_rgb(cmyk)


LOSSLESS = {  # case: (maker, the mode Pillow opens the file in)
    "grey16-png-copy-of-8-bit": (_grey16_png, "I;16"),
    "grey16-png": (_grey16_png_full_range, "I;16"),
    "grey16-tiff-big-endian": (_grey16_tiff_big_endian, "I;16B"),
    "grey16-pgm-mode-I": (_grey16_pgm_mode_i, "I"),
    "rgb16-png": (_rgb16_png, "RGB"),
    "rgb16-png-copy-of-8-bit": (_rgb16_png_copy_of_8_bit, "RGB"),
    "rgba16-png": (_rgba16_png, "RGBA"),
    "rgb16-tiff": (_rgb16_tiff, "RGB"),
    "grey-alpha16-png": (_grey_alpha16_png, "RGBA"),
    "palette": (_palette(), "P"),
    "palette-transparent-index": (_palette(transparency=3), "P"),
    "palette-transparency-bytes": (_palette(transparency=bytes(range(0, 256, 16))), "P"),
    "palette-alpha-PA": (_palette_alpha_tiff, "PA"),
    "rgba": (_rgba_png, "RGBA"),
    "grey-alpha-LA": (_la_png, "LA"),
    "bilevel-1": (_bilevel_png, "1"),
    "cmyk-tiff": (_cmyk_tiff, "CMYK"),
}


def _written(tmp_path: Path, maker: Callable[[Path], np.ndarray]) -> tuple[Path, np.ndarray]:
    expected = maker(tmp_path / "image")
    (path,) = tmp_path.glob("image.*")
    return path, expected


@pytest.mark.parametrize("case", list(LOSSLESS))
def test_lossless_formats_decode_exactly(tmp_path, case):
    maker, mode = LOSSLESS[case]
    path, expected = _written(tmp_path, maker)
    with Image.open(path) as image:
        assert image.mode == mode
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no palette or bomb warning reaches the caller
        rgb, luma = read_image_rgb(path), read_image_luma(path)
    assert rgb.dtype == np.uint8 and rgb.shape == (H, W, 3)
    assert luma.dtype == np.uint8 and luma.shape == (H, W)
    tolerance = 1 if case == "cmyk-tiff" else 0  # rounding of (255 − C)(255 − K)/255
    np.testing.assert_allclose(rgb, expected, atol=tolerance, rtol=0)
    np.testing.assert_allclose(luma, _luma(expected), atol=tolerance, rtol=0)


def test_ycbcr_decodes_with_the_jfif_formula(tmp_path):
    path, expected = _written(tmp_path, _ycbcr_tiff)
    assert Image.open(path).mode == "YCbCr"
    np.testing.assert_allclose(read_image_rgb(path), expected, atol=1, rtol=0)
    np.testing.assert_allclose(read_image_luma(path), _luma(expected), atol=1, rtol=0)


def test_rgb_jpeg_within_jpeg_error(tmp_path):
    truth = _smooth_rgb()
    Image.fromarray(truth).save(tmp_path / "a.jpg", quality=98, subsampling=0)  # 4:4:4
    np.testing.assert_allclose(read_image_rgb(tmp_path / "a.jpg"), truth, atol=JPEG_TOLERANCE,
                               rtol=0)
    np.testing.assert_allclose(read_image_luma(tmp_path / "a.jpg"), _luma(truth),
                               atol=JPEG_TOLERANCE, rtol=0)


def test_adobe_inverted_cmyk_jpeg_matches_opencv_and_the_truth(tmp_path):
    # Pillow writes CMYK JPEGs as Photoshop does: inverted samples and an Adobe APP14
    # marker. The smooth CMYK picture is the inverse of a smooth RGB one, plus black.
    rgb = _smooth_rgb(1)
    black = (np.linspace(0, 120, W)[None, :] * np.ones((H, 1))).round().astype(np.uint8)
    cmyk = np.dstack([255 - rgb, black])
    path = tmp_path / "cmyk.jpg"
    Image.fromarray(cmyk, "CMYK").save(path, quality=98)
    assert b"Adobe" in path.read_bytes()[:200]
    decoded = read_image_rgb(path)
    opencv = cv2.imread(str(path), cv2.IMREAD_COLOR)[..., ::-1]  # a libjpeg reference
    np.testing.assert_allclose(decoded, opencv, atol=CMYK_FORMULA_TOLERANCE, rtol=0)
    np.testing.assert_allclose(decoded, _cmyk_to_rgb(cmyk), atol=JPEG_TOLERANCE, rtol=0)
    np.testing.assert_allclose(read_image_luma(path), _luma(decoded), atol=0, rtol=0)


@pytest.mark.parametrize("mode, ext", [("F", "tif"), ("LAB", "tif")])
def test_modes_without_8_bit_meaning_are_refused_by_name(tmp_path, mode, ext):
    path = tmp_path / f"odd.{ext}"
    Image.new(mode, (W, H)).save(path)
    assert Image.open(path).mode == mode
    for read in (read_image_rgb, read_image_luma):
        with pytest.raises(InputError, match=rf"odd.{ext}: pixel mode '{mode}'"):
            read(path)


def test_hsv_is_refused_by_name(tmp_path, monkeypatch):
    path = tmp_path / "hsv.png"
    Image.new("RGB", (W, H)).save(path)  # no format writes HSV: Pillow is made to open it so
    opened = Image.open
    monkeypatch.setattr(Image, "open", lambda p: opened(p).convert("HSV"))
    with pytest.raises(InputError, match="hsv.png: pixel mode 'HSV'"):
        read_image_rgb(path)


def test_32_bit_integers_beyond_16_bits_are_refused(tmp_path):
    path = tmp_path / "deep.tif"
    Image.fromarray(np.full((H, W), 70_000, np.int32)).save(path)
    assert Image.open(path).mode == "I"
    with pytest.raises(InputError, match="deep.tif: pixel mode 'I' holds values outside"):
        read_image_rgb(path)


# --- sizes from the header -----------------------------------------------------------------


@pytest.fixture()
def no_decoding(monkeypatch):
    """Fail the test if Pillow decodes any pixel."""
    def load(self):
        raise AssertionError(f"{self.filename} was decoded")
    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


@pytest.mark.parametrize("width, height", [(30000, 30000), (10000, 9000)])
def test_huge_header_is_refused_without_decoding_or_pillow_warnings(tmp_path, no_decoding,
                                                                    width, height):
    # 30000×30000 is past Pillow's bomb error, 10000×9000 between its warning and its error
    path = write_png(tmp_path / "bomb.png", width, height)
    assert path.stat().st_size < 60
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for read in (read_image_rgb, read_image_luma):
            with pytest.raises(InputError, match=rf"bomb.png: image is {width}×{height} "
                                                 rf"\(\d+ MP\), more than the 50 MP") as info:
                read(path)
            assert type(info.value) is InputError
        with pytest.raises(WrongSizeError, match=rf"bomb.png: image is {width}×{height}, "
                                                 r"expected 64×64") as info:
            read_image_rgb(path, expect_size=(64, 64))
        assert info.value.size == (width, height) and info.value.expected == (64, 64)
        assert image_size(path) == (width, height)


def test_limit_and_expected_size_apply_to_real_images(tmp_path, no_decoding):
    path = tmp_path / "a.png"
    Image.new("RGB", (100, 80)).save(path)
    with pytest.raises(InputError, match="image is 100×80"):
        read_image_rgb(path, max_pixels=100 * 80 - 1)
    with pytest.raises(WrongSizeError, match="image is 100×80, expected 80×100"):
        read_image_luma(path, expect_size=(80, 100))


def test_the_default_limit_is_below_pillows_own():
    assert MAX_IMAGE_PIXELS < Image.MAX_IMAGE_PIXELS  # so ours is the check that speaks
    assert MAX_CLIP_PIXELS == 1920 * 1080


def test_size_within_the_limit_decodes(tmp_path):
    path = tmp_path / "a.png"
    Image.new("RGB", (100, 80), (1, 2, 3)).save(path)
    rgb = read_image_rgb(path, expect_size=(100, 80), max_pixels=100 * 80)
    assert rgb.shape == (80, 100, 3) and (rgb == (1, 2, 3)).all()
    assert read_image_luma(path, (50, 40), expect_size=(100, 80)).shape == (40, 50)


def test_other_callers_keep_pillows_check_on_every_thread(tmp_path):
    bomb = write_png(tmp_path / "bomb.png", 30000, 30000)
    errors: list[BaseException] = []

    def ours():
        for _ in range(50):
            try:
                read_image_rgb(bomb)
            except InputError as exc:
                if "30000×30000" in str(exc):
                    continue
            errors.append(AssertionError("our reader did not refuse the bomb by its size"))

    def theirs():
        for _ in range(50):
            try:
                Image.open(bomb)
            except Image.DecompressionBombError:
                continue
            errors.append(AssertionError("Pillow's check was off on another thread"))

    threads = [threading.Thread(target=f) for f in (ours, theirs, ours, theirs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


def test_image_size_reads_the_header(tmp_path):
    Image.new("L", (7, 5)).save(tmp_path / "a.png")
    assert image_size(tmp_path / "a.png") == (7, 5)
    (tmp_path / "b.png").write_text("not an image")
    with pytest.raises(InputError, match="b.png: not a readable image"):
        image_size(tmp_path / "b.png")


# --- broken files ----------------------------------------------------------------------------


def _broken(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "x.png"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        buffer = io.BytesIO()
        Image.fromarray(_noise((64, 64, 3), 255, 21)).save(buffer, "PNG")
        path.write_bytes(buffer.getvalue()[:2000])
    elif kind == "text":
        path.write_text("hello, this is not a PNG")
    elif kind == "folder":
        path.mkdir()
    return path


@pytest.mark.parametrize("kind", ["empty", "truncated", "text", "folder", "missing"])
def test_broken_files_raise_one_input_error_naming_the_file(tmp_path, kind):
    path = _broken(tmp_path, kind)
    for read in (read_image_rgb, read_image_luma, image_size):
        if kind == "truncated" and read is image_size:
            continue  # its header is intact
        with pytest.raises(InputError, match=r"x\.png: ") as info:
            read(path)
        assert info.value.path == path


# --- videos -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_clip(tmp_path_factory) -> Path:
    """3 black frames of 2048×2048 H.264: a few kB that decode to 38 MB of RGB."""
    path = tmp_path_factory.mktemp("video") / "big.mp4"
    return write_video(path, np.zeros((3, 2048, 2048, 3), np.uint8))


def test_video_frame_size_comes_from_the_header(big_clip):
    tracemalloc.start()
    try:
        with pytest.raises(WrongSizeError, match="big.mp4: video frame is 2048×2048, "
                                                 "expected 64×64"):
            read_video(big_clip, expect_size=(64, 64))
        with pytest.raises(InputError, match=r"big.mp4: video frame is 2048×2048 \(4.19 MP\), "
                                             r"more than the 2.07 MP"):
            read_video(big_clip)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2048 * 2048 * 3  # not one RGB frame was made
    assert read_video(big_clip, max_frames=1, max_pixels=None).shape == (1, 2048, 2048, 3)


def test_small_clip_with_its_expected_size_decodes(tmp_path):
    frames = _noise((4, 64, 64, 3), 255, 22)
    path = write_video(tmp_path / "a.mp4", frames, lossless=True)
    np.testing.assert_array_equal(read_video(path, expect_size=(64, 64)), frames)


def _raw_h264(frames: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="h264") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.pix_fmt = "yuv420p"
        stream.height, stream.width = frames.shape[1:3]
        for array in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(array, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def test_frame_size_change_within_a_video_is_refused(tmp_path):
    # two raw H.264 streams back to back: the decoder switches size at the second one
    path = tmp_path / "change.h264"
    path.write_bytes(_raw_h264(np.zeros((3, 64, 64, 3), np.uint8))
                     + _raw_h264(np.zeros((3, 32, 48, 3), np.uint8)))
    with pytest.raises(InputError, match="change.h264: frame size changes within the video: "
                                         "64×64, then 48×32"):
        read_video(path)
    assert read_video(path, max_frames=3).shape == (3, 64, 64, 3)


def test_broken_videos_name_the_file(tmp_path):
    (tmp_path / "a.mp4").write_text("not a video")
    with pytest.raises(InputError, match="a.mp4: not a readable video"):
        read_video(tmp_path / "a.mp4")
    with pytest.raises(InputError, match="b.mp4: file not found"):
        read_video(tmp_path / "b.mp4")


def test_decoder_guard_has_headroom_for_padded_buffers():
    assert media.decoder_guard(None) == {}
    assert int(media.decoder_guard(MAX_CLIP_PIXELS)["max_pixels"]) >= 1920 * 1088
