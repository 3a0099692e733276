"""Track-2 subtitle synthesis: events, fonts, text, rendering, burning and masks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import features

from inpaintbench.data.captions import fonts as fonts_module
from inpaintbench.data.captions.fonts import default_catalog, discover_fonts, matplotlib_font_dir
from inpaintbench.data.captions.render import (
    burn,
    decode_masks,
    events_footprints,
    mask_area,
    mask_coverage,
    render_event,
)
from inpaintbench.data.captions.subtitles import (
    DIFFICULTY_SPECS,
    MAX_OVERLAY_FRACTION,
    SubtitleEvent,
    SubtitleStyle,
    draw_events,
    events_from_srt,
    layout_event,
)
from inpaintbench.data.captions.text import (
    Corpus,
    break_lines,
    parse_srt,
    read_srt,
    shipped_corpus,
)
from inpaintbench.errors import InputError
from inpaintbench.tracks import CLIP_SIZE

T, H, W = 125, CLIP_SIZE, CLIP_SIZE  # the release's 128×128


def _clean(rng: np.random.Generator, n: int = T, h: int = H, w: int = W) -> np.ndarray:
    return rng.integers(0, 256, (n, h, w, 3), dtype=np.uint8)


@pytest.fixture
def dejavu_only(monkeypatch: pytest.MonkeyPatch):
    """Font discovery sees only matplotlib's bundled DejaVu, as on a bare machine."""
    monkeypatch.setattr(fonts_module, "font_dirs", lambda: (matplotlib_font_dir(),))
    default_catalog.cache_clear()
    yield default_catalog()
    default_catalog.cache_clear()


# --- reproducibility -------------------------------------------------------------------------

def test_same_rng_gives_same_events_and_pixels():
    clean = _clean(np.random.default_rng(3))
    first = draw_events(np.random.default_rng(42))
    second = draw_events(np.random.default_rng(42))
    assert first == second
    a, b = burn(clean, first), burn(clean, second)
    assert np.array_equal(a.frames, b.frames) and np.array_equal(a.mask, b.mask)
    assert a.events_json == b.events_json


def test_different_seeds_differ():
    drawn = [draw_events(np.random.default_rng(seed)) for seed in range(8)]
    texts = {tuple(e.text for e in events) for events in drawn}
    assert len(texts) == len(drawn)


# --- the mask is exactly what changed --------------------------------------------------------

FRAME_KINDS = ("noise", "text_color", "box_color", "white", "black", "split")


def _frames_for(kind: str, events: list[SubtitleEvent], rng: np.random.Generator,
                n: int, h: int, w: int) -> np.ndarray:
    if kind == "noise":
        return _clean(rng, n, h, w)
    colours = {"text_color": events[0].style.text_color, "box_color": events[0].style.box_color,
               "white": (255, 255, 255), "black": (0, 0, 0)}
    if kind in colours:
        return np.broadcast_to(np.array(colours[kind], np.uint8), (n, h, w, 3)).copy()
    frames = _clean(rng, n, h, w)  # split: the lower half the text colour, the upper noise
    frames[:, h // 2:] = events[0].style.text_color
    return frames


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(FRAME_KINDS),
       difficulty=st.sampled_from([None, "easy", "medium", "hard"]),
       shape=st.sampled_from([(T, H, W), (30, 96, 160), (20, 200, 120)]))
def test_mask_is_exactly_where_pixels_changed(seed, kind, difficulty, shape):
    n, h, w = shape
    rng = np.random.default_rng(seed)
    events = draw_events(rng, difficulty=difficulty, n_frames=n, width=w, height=h)
    clean = _frames_for(kind, events, rng, n, h, w)
    before = clean.copy()
    result = burn(clean, events)
    assert np.array_equal(clean, before), "burn must not modify the clean frames"
    assert result.frames.dtype == np.uint8 and result.mask.shape == (n, h, w)
    assert np.array_equal(result.mask, np.any(result.frames != clean, axis=-1))
    assert np.array_equal(decode_masks(result.events_json, n, h, w), result.mask)
    # the nudge moves a pixel by one grey level at most beyond the plain composite
    assert result.mask.any()


def test_nudge_changes_flat_frames_by_one_level_at_most_where_overlay_matches():
    style = SubtitleStyle("DejaVu Sans", "regular", "DejaVuSans.ttf", 30,
                          text_color=(255, 255, 255))
    event = SubtitleEvent("Hello", ("Hello",), 0, 3, style)
    clean = np.full((3, 64, 128, 3), 255, np.uint8)  # white text over white
    result = burn(clean, [event])
    changed = result.frames[result.mask].astype(int)
    assert result.mask.sum() > 50
    assert np.all(np.abs(changed - 255) == 1)
    assert np.array_equal(result.mask, np.any(result.frames != clean, axis=-1))


def test_footprints_decode_without_burning_and_survive_json():
    rng = np.random.default_rng(11)
    events = draw_events(rng, difficulty="medium")
    result = burn(_clean(rng), events)
    planned = json.loads(json.dumps(events_footprints(events, W, H)))
    assert planned == json.loads(json.dumps(result.events_json))
    assert np.array_equal(decode_masks(planned, T, H, W), result.mask)
    assert np.array_equal(mask_area(planned, T, H, W), result.mask.sum(axis=(1, 2)))
    assert np.allclose(mask_coverage(planned, T, H, W), result.coverage)


def test_json_round_trip():
    for seed in range(10):
        for event in draw_events(np.random.default_rng(seed)):
            data = json.loads(json.dumps(event.to_json()))
            assert SubtitleEvent.from_json(data) == event
            assert "/" not in data["style"]["font_file"]  # a file name, never a path
    record = events_footprints(draw_events(np.random.default_rng(1)), W, H)[0]
    assert SubtitleEvent.from_json(record).text == record["text"]  # footprint ignored


def test_burn_rejects_bad_input():
    events = draw_events(np.random.default_rng(0), n_frames=T)
    with pytest.raises(ValueError, match="uint8"):
        burn(np.zeros((T, H, W, 3), np.float32), events)
    with pytest.raises(ValueError, match="clip has"):
        burn(np.zeros((10, H, W, 3), np.uint8), events[-1:])


# --- the book's difficulty classes -----------------------------------------------------------

def _coverage_by_class(n_clips: int = 20) -> dict[str, np.ndarray]:
    out = {}
    for difficulty in DIFFICULTY_SPECS:
        values = []
        for seed in range(n_clips):
            events = draw_events(np.random.default_rng(seed), difficulty=difficulty)
            coverage = mask_coverage(events_footprints(events, W, H), T, H, W)
            values.append(coverage[coverage > 0])
        out[difficulty] = np.concatenate(values)
    return out


def test_difficulty_classes_meet_their_definitions():
    catalog = default_catalog()
    for difficulty, spec in DIFFICULTY_SPECS.items():
        for seed in range(20):
            for event in draw_events(np.random.default_rng(seed), difficulty=difficulty):
                style = event.style
                face = catalog.resolve(style.font_file)
                cap = style.font_size * face.cap_ratio
                assert event.difficulty == difficulty
                assert cap <= spec.cap_height[1] + 1
                if difficulty == "easy":  # small font, transparent background
                    assert style.box == "none"
                elif difficulty == "medium":  # semi-transparent box
                    assert style.box != "none" and 0 < style.box_opacity < 1
                else:  # opaque, (near-)black box
                    assert style.box != "none" and style.box_opacity == 1
                    assert max(style.box_color) <= 25
    coverage = _coverage_by_class()
    means = {k: v.mean() for k, v in coverage.items()}
    assert means["easy"] < means["medium"] < means["hard"]
    assert coverage["easy"].max() < 0.2
    assert 0.3 < coverage["hard"].max() <= MAX_OVERLAY_FRACTION


def test_mix_chooses_difficulty():
    drawn = {draw_events(np.random.default_rng(s), mix={"hard": 1.0})[0].difficulty
             for s in range(5)}
    assert drawn == {"hard"}
    with pytest.raises(ValueError, match="mix"):
        draw_events(np.random.default_rng(0), mix={"extreme": 1.0})


# --- layout ----------------------------------------------------------------------------------

@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), shape=st.sampled_from([(H, W), (144, 256), (256, 128)]))
def test_every_event_lies_inside_the_frame(seed, shape):
    h, w = shape
    events = draw_events(np.random.default_rng(seed), n_frames=T, width=w, height=h)
    catalog = default_catalog()
    for event in events:
        layout = layout_event(event.style, event.lines, w, h)
        assert layout.fits
        x0, y0, x1, y1 = layout.bbox
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
        margin_x = event.style.margin[0]
        for ink in layout.ink:  # no line wider than the frame minus its margins
            assert margin_x <= ink[0] and ink[2] <= w - margin_x
        assert (x1 - x0) * (y1 - y0) <= MAX_OVERLAY_FRACTION * w * h
        assert 1 <= len(event.lines) <= 2 and " ".join(event.lines) == event.text
        assert 0 <= event.start < event.end <= T
        layer = render_event(event, w, h, fonts=catalog)
        assert layer.alpha.shape == (y1 - y0, x1 - x0) and layer.footprint.any()
        assert np.all(layer.color <= layer.alpha[..., None] + 1e-6)


def test_timing_looks_like_subtitles():
    lengths, counts, continuing = [], [], 0
    for seed in range(40):  # hard clips have no second, simultaneous subtitle
        events = draw_events(np.random.default_rng(seed), difficulty="hard")
        counts.append(len(events))
        continuing += events[0].start == 0
        lengths += [e.n_frames for e in events if 0 < e.start and e.end < T]
        for a, b in zip(events, events[1:], strict=False):
            assert a.end <= b.start  # one track: one subtitle at a time
    assert 25 <= min(lengths) and max(lengths) <= 100  # 1–4 s at 25 fps
    assert 2 <= np.mean(counts) <= 5 and continuing > 0


# --- line breaking ---------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.text("abcdefghij", min_size=1, max_size=12), min_size=1, max_size=14),
       max_width=st.integers(5, 60))
def test_line_breaking_never_exceeds_width_and_is_balanced(words, max_width):
    text = " ".join(words)
    lines = break_lines(text, len, max_width)
    if lines is None:  # then no split into two lines fits
        splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
        assert len(text) > max_width
        assert all(max(len(a), len(b)) > max_width for a, b in splits)
        return
    assert " ".join(lines) == text and 1 <= len(lines) <= 2
    assert all(len(line) <= max_width for line in lines)
    if len(lines) == 2:
        best = min(max(len(" ".join(words[:i])), len(" ".join(words[i:])))
                   for i in range(1, len(words)))
        assert max(map(len, lines)) == best and len(text) > max_width


def test_line_breaking_keeps_punctuation_with_words():
    assert break_lines("Où étais-tu hier soir ?", len, 19) == ["Où étais-tu", "hier soir ?"]
    assert break_lines("- Tu viens ? - J'arrive.", len, 12) == ["- Tu viens ?", "- J'arrive."]


def test_shrinks_font_when_a_word_cannot_fit():
    corpus = Corpus.from_strings(["Incomprehensibilities"])
    events = draw_events(np.random.default_rng(0), difficulty="hard", corpus=corpus)
    catalog = default_catalog()
    for event in events:
        cap = event.style.font_size * catalog.resolve(event.style.font_file).cap_ratio
        assert cap < DIFFICULTY_SPECS["hard"].cap_height[1]
        assert layout_event(event.style, event.lines, W, H).fits


# --- fonts and scripts -----------------------------------------------------------------------

def _cmap(path: Path) -> set[int]:
    with TTFont(str(path), lazy=True) as font:
        return set(font.getBestCmap())


def test_corpus_is_large_varied_and_multilingual():
    corpus = shipped_corpus()
    assert len(corpus) >= 400 and len(corpus.of_language("en")) >= 250
    assert {"en", "fr", "es", "de", "el", "ru", "ar", "he", "hi"} <= set(corpus.languages)
    assert len({s.text for s in corpus.sentences}) > 0.97 * len(corpus)


def test_non_latin_lines_only_with_covering_fonts():
    catalog = default_catalog()
    corpus = shipped_corpus()
    checked = set()
    for language in ("el", "ru", "ar", "he", "hi", "fr", "de"):
        if language in ("ar", "he", "hi") and not features.check("raqm"):
            continue
        sub = corpus.only(language)
        if not any(catalog.covering(s.text) for s in sub.sentences):
            continue  # no installed font has this script (e.g. Devanagari on a bare machine)
        for seed in range(4):
            for event in draw_events(np.random.default_rng(seed), corpus=sub):
                face = catalog.resolve(event.style.font_file)
                cmap = _cmap(face.path)
                assert all(ord(c) in cmap for c in event.text), (event.text, face.file)
                checked.add(language)
    assert {"el", "ru", "fr", "de"} <= checked


def test_discovery_finds_several_families_and_styles():
    catalog = default_catalog()
    assert len(catalog.families) >= 3
    for family in ("DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono"):
        for style in ("regular", "bold", "italic", "bold-italic"):
            assert catalog.find(family, style) is not None
    with pytest.raises(LookupError, match="not installed"):
        catalog.resolve("NoSuchFont.ttf", "No Such", "regular")


def test_works_with_only_matplotlib_dejavu(dejavu_only):
    assert dejavu_only.families == ("DejaVu Sans", "DejaVu Sans Mono", "DejaVu Serif")
    mpl = matplotlib_font_dir()
    rng = np.random.default_rng(5)
    for seed in range(6):
        for difficulty in DIFFICULTY_SPECS:
            events = draw_events(np.random.default_rng(seed), difficulty=difficulty)
            assert all((mpl / e.style.font_file).is_file() for e in events)
    events = draw_events(np.random.default_rng(9))
    clean = _clean(rng)
    result = burn(clean, events)
    assert np.array_equal(result.mask, np.any(result.frames != clean, axis=-1))


def test_discover_fonts_names_the_folders_when_empty(tmp_path):
    with pytest.raises(LookupError, match=str(tmp_path)):
        discover_fonts([tmp_path])


# --- fades -----------------------------------------------------------------------------------

def test_fades_change_opacity_over_frames():
    style = SubtitleStyle("DejaVu Sans", "bold", "DejaVuSans-Bold.ttf", 28, box="block",
                          box_opacity=1.0, box_padding=(4, 4))
    event = SubtitleEvent("Fade", ("Fade",), 2, 20, style, fade_in=4, fade_out=3)
    opacity = event.opacities()
    assert opacity[0] == pytest.approx(1 / 5) and opacity[3] == pytest.approx(4 / 5)
    assert np.all(opacity[4:-3] == 1) and opacity[-1] == pytest.approx(1 / 4)
    clean = np.full((24, 96, 160, 3), 200, np.uint8)
    result = burn(clean, [event])
    change = np.abs(result.frames.astype(int) - clean).sum(axis=(1, 2, 3))
    assert change[0] == change[1] == 0 and change[20:].sum() == 0
    assert change[2] < change[3] < change[4] < change[5] < change[6] == change[10]
    assert change[16] > change[17] > change[18] > change[19] > 0
    assert np.all(result.mask[2:20].sum(axis=(1, 2)) == result.mask[10].sum())


# --- SubRip ----------------------------------------------------------------------------------

SRT = ("\ufeff1\r\n00:00:09,000 --> 00:00:10,400\r\nAlready talking.\r\n\r\n"
       "2\r\n00:00:10,520 --> 00:00:12,000\r\n<i>Where were you?</i>\r\n\r\n"
       "3\r\n00:00:12,500 --> 00:00:13,750\r\n{\\an8}<font color=\"#ffff00\">Up here!</font>\r\n"
       "\r\n"
       "00:00:14,800 --> 00:00:16,000\r\n- Did you see it?\r\n- <b>Yes</b>, I did.\r\n\r\n"
       "5\r\n00:00:20,000 --> 00:00:21,000\r\nAfter the clip.")


def test_srt_parsing_handles_bom_crlf_tags_and_missing_numbers(tmp_path):
    path = tmp_path / "film.srt"
    path.write_bytes(SRT.encode("utf-8"))
    cues = read_srt(path)
    assert [c.index for c in cues] == [1, 2, 3, 4, 5]
    assert cues[0].lines == ("Already talking.",) and cues[0].start_s == 9.0
    assert cues[1].italic and not cues[0].italic and cues[1].lines == ("Where were you?",)
    assert cues[2].lines == ("Up here!",) and cues[2].alignment == 8
    assert cues[3].lines == ("- Did you see it?", "- Yes, I did.") and cues[3].bold
    assert cues[3].end_s == 16.0 and cues[3].line == 13


@pytest.mark.parametrize(("text", "line", "message"), [
    ("1\n00:00:01,000 --> 00:00:02,000\nFine.\n\n2\n00:00:03,000 -> 00:00:04,000\nBad.\n",
     6, "expected 'HH:MM:SS,mmm"),
    ("1\n00:00:05,000 --> 00:00:04,000\nBackwards.\n", 2, "ends"),
    ("Hello there\n00:00:01,000 --> 00:00:02,000\n", 1, "expected a cue number"),
    ("1\n00:00:01,000 --> 00:00:02,000\n\n", 1, "has no text"),
])
def test_srt_bad_blocks_name_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "broken.srt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        read_srt(path)
    assert "broken.srt" in str(caught.value) and f"line {line}:" in str(caught.value)


def test_srt_rejects_non_utf8(tmp_path):
    path = tmp_path / "latin1.srt"
    path.write_bytes("1\n00:00:01,000 --> 00:00:02,000\nCafé\n".encode("latin-1"))
    with pytest.raises(InputError, match="line 3: not valid utf-8"):
        read_srt(path)


def test_events_from_srt_keep_real_timing(tmp_path):
    path = tmp_path / "film.srt"
    path.write_bytes(SRT.encode("utf-8"))
    events = events_from_srt(path, 10.0, 15.0, rng=np.random.default_rng(0),
                             difficulty="medium")
    spans = [(e.text, e.start, e.end) for e in events]
    assert spans == [("Already talking.", 0, 10), ("Where were you?", 13, 50),
                     ("Up here!", 63, 94), ("- Did you see it? - Yes, I did.", 120, 125)]
    assert events[0].fade_in == 0 and events[-1].fade_out == 0  # cut by the clip
    assert "italic" in events[1].style.font_style and events[2].style.position == "top"
    assert events[3].lines == ("- Did you see it?", "- Yes, I did.")
    assert events[1].source == "srt:film.srt#2"
    result = burn(_clean(np.random.default_rng(1)), events)
    assert np.array_equal(result.mask, np.any(result.frames != _clean(np.random.default_rng(1)),
                                              axis=-1))


def test_corpus_from_srt_and_strings():
    cues = parse_srt("1\n00:00:01,000 --> 00:00:02,000\nOne line\nand another\n")
    assert cues[0].lines == ("One line", "and another")
    corpus = Corpus.from_strings(["- Ready? | - No.", "Plain text."], language="en")
    assert corpus.sentences[0].breaks == ("- Ready?", "- No.")
    events = draw_events(np.random.default_rng(2), corpus=["Only this line."])
    assert {e.text for e in events} <= {"Only this line.", "Only this line. Only this line.",
                                        "- Only this line. - Only this line."}


def test_sizes_scale_with_the_frame():
    """The book's 256×256 frames get the release's subtitles at twice the size, same layout."""
    for seed in range(5):
        small = draw_events(np.random.default_rng(seed), width=128, height=128)
        large = draw_events(np.random.default_rng(seed), width=256, height=256)
        assert [e.lines for e in small] == [e.lines for e in large]
        for a, b in zip(small, large, strict=True):
            # equal up to rounding to whole pixels (font sizes, then paddings of cap heights)
            assert b.style.font_size == pytest.approx(2 * a.style.font_size, rel=0.1, abs=1)
            assert (*b.style.margin, *b.style.box_padding) == pytest.approx(
                (*(2 * v for v in a.style.margin), *(2 * v for v in a.style.box_padding)),
                rel=0.15, abs=2)
