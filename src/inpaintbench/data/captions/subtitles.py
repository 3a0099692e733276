"""Subtitle events for track 2: their look, their timing, where they fall.

The book describes the challenge's overlays (seed 001 §3.1–3.2, CHALLENGE.md
"Track 2"): subtitles "hard printed … with several variations in fonts and text
style (size, color, italic/bold, background box transparent/opaque)", covering
"up to 50 % of frames", in three kinds of samples:

- **easy**: small font, transparent background (no box);
- **medium**: bigger font, semi-transparent box, more text;
- **hard**: black opaque box, up to half the frame.

The book gives no numbers beyond these; :data:`DIFFICULTY_SPECS` states ours
(sizes are cap heights, the height of a capital letter, on the challenge's
256×256 frames and scaled with the frame height):

=========  ==============  ===============================  ============================
class      cap height      background                       text
=========  ==============  ===============================  ============================
easy       9–15 px         none; outline and/or shadow      one line of the corpus
medium     14–24 px        35–75 % opaque, dark colours,    the longest of three draws;
                           a box per line or one box        30 % with the next line too
hard       20–40 px        opaque, black (90 %; else near   the longest of two draws;
                           black), one box, per line, or    15 % with the next line too
                           a full-width band
=========  ==============  ===============================  ============================

Every event also fits in the frame with a margin, at most
:data:`MAX_LINES` lines broken by rendered width (the font shrinks when the
text cannot fit), and the whole layer stays under :data:`MAX_OVERLAY_FRACTION`
of the frame.

What varies across all classes, as in broadcast subtitles: the family (the
installed ones, see :mod:`.fonts`; sans-serif favoured), bold and italic, the
colour (white mostly, then yellows, cyan, green, light grey …), the outline
(Pillow ``stroke_width``) and drop shadow (offset, sometimes blurred), the
position (bottom centre mostly; top centre, left/right aligned, mid-frame) and
the timing: a clip holds several events of 1–4 s separated by gaps, the first
possibly continuing from before the clip and the last running past its end,
sometimes with fades of a few frames. One clip keeps one look (one subtitle
track), its events differing in text and sometimes italics; the corpus is
written as conversations, so an event often says the line after the previous
one. With a small probability a second, simultaneous subtitle appears at the
other edge.

All randomness comes from the ``numpy.random.Generator`` passed in: the same
generator state, corpus and installed fonts give the same events.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import features

from inpaintbench.data.captions.fonts import (
    STYLES,
    FontCatalog,
    FontFace,
    default_catalog,
    load_font,
)
from inpaintbench.data.captions.text import (
    Corpus,
    Sentence,
    SrtCue,
    as_corpus,
    break_lines,
    needs_shaping,
    read_srt,
    sample_index,
)
from inpaintbench.errors import InputError
from inpaintbench.tracks import BOOK_CLIP_SIZE, CLIP_FPS, CLIP_FRAMES, CLIP_SIZE

RGB = tuple[int, int, int]
Rect = tuple[int, int, int, int]  # (x0, y0, x1, y1), x1 and y1 exclusive

# --- the book (seed 001 §3.1–3.2; CHALLENGE.md Track 2) ------------------------------
DIFFICULTIES = ("easy", "medium", "hard")
MAX_OVERLAY_FRACTION = 0.5  # "up to 50 % of frames to replace"
REFERENCE_HEIGHT = BOOK_CLIP_SIZE  # sizes below are stated for 256×256 frames, scaled with it
# --- ours: what broadcast subtitles do -----------------------------------------------
MAX_LINES = 2  # subtitling norms: one or two lines
MAX_SRT_LINES = 3  # a user's cue may carry three
DEFAULT_MIX = {"easy": 1 / 3, "medium": 1 / 3, "hard": 1 / 3}
BOX_MODES = ("none", "line", "block", "band")  # band: a full-width strip behind the block
POSITIONS = ("bottom", "top", "middle")
ALIGNS = ("center", "left", "right")
EVENT_SECONDS = (1.0, 4.0)  # how long a subtitle stays
GAP_SECONDS = (0.2, 1.5)  # the pause between two
SHORT_GAP_PROBABILITY = 0.3  # back-to-back subtitles, a few frames apart
SHORT_GAP_FRAMES = (1, 4)
LEAD_IN_SECONDS = 3.0  # the first event may have started this long before the clip
MIN_VISIBLE_FRAMES = 3  # a cut-off event shorter than this is dropped
FADE_PROBABILITY = 0.3  # a clip's events fade in and out …
FADE_FRAMES = (2, 6)  # … over this many frames
EVENT_ITALIC_PROBABILITY = 0.1  # one event in italics (a voice off, a song)
FOLLOW_PROBABILITY = 0.6  # the next event says the corpus's next line (a conversation)
CLIP_ITALIC_PROBABILITY = 0.1  # a whole track in italics
BOLD_PROBABILITY = 0.25
ENGLISH_SHARE = 0.65  # of the clips, when the corpus has English; other languages share the rest
MIN_CAP_HEIGHT = 6.0  # px at 256: the smallest a long text may shrink to
CLASS_SHRINK_FLOOR = 0.6  # … and a drawn one to this share of its class's smallest size
SHRINK = 0.9  # font size factor per try when a text does not fit
KEEP_BREAKS_SHRINK = 0.7  # a writer's line breaks are kept down to this share of the size
MAX_TEXT_TRIES = 40
MARGIN_X = (0.03, 0.08)  # × width, each side
MARGIN_Y = (0.03, 0.12)  # × height, from the edge the block sits on
LINE_SPACING = (1.0, 1.15)  # × (ascent + descent)
SHADOW_BLUR_SUPPORT = 3.0  # a blurred shadow reaches this many radii

TEXT_COLORS: tuple[tuple[RGB, float], ...] = (
    ((255, 255, 255), 0.55), ((255, 255, 0), 0.12), ((255, 230, 110), 0.07),
    ((0, 255, 255), 0.05), ((120, 255, 120), 0.04), ((0, 220, 0), 0.02),
    ((205, 205, 205), 0.07), ((255, 170, 60), 0.03), ((150, 200, 255), 0.03),
    ((255, 150, 220), 0.02))
EDGE_COLORS: tuple[tuple[RGB, float], ...] = (
    ((0, 0, 0), 0.85), ((40, 40, 40), 0.08), ((20, 20, 80), 0.07))
PLACES: tuple[tuple[tuple[str, str], float], ...] = (
    (("bottom", "center"), 0.75), (("top", "center"), 0.1), (("middle", "center"), 0.04),
    (("bottom", "left"), 0.04), (("bottom", "right"), 0.03), (("top", "left"), 0.02),
    (("top", "right"), 0.02))
# ASS numpad alignment ({\anN} in a SubRip cue) → (position, align)
ASS_PLACES = {1: ("bottom", "left"), 2: ("bottom", "center"), 3: ("bottom", "right"),
              4: ("middle", "left"), 5: ("middle", "center"), 6: ("middle", "right"),
              7: ("top", "left"), 8: ("top", "center"), 9: ("top", "right")}


@dataclass(frozen=True)
class DifficultySpec:
    """How the events of one difficulty class are drawn (see the module table).

    Attributes
    ----------
    cap_height : (float, float)
        Cap height range in px at a 256-px-high frame, drawn uniformly.
    boxes : ((str, float), ...)
        Box modes (:data:`BOX_MODES`) and their weights.
    box_opacity : (float, float)
        Box opacity range.
    box_colors : ((RGB, float), ...)
        Box colours and weights.
    padding : (float, float)
        Box padding range, as a fraction of the cap height.
    edges : ((str, float), ...)
        ``"outline"``, ``"shadow"``, ``"both"`` or ``"none"`` and their weights.
    text_draws : int
        Sentences drawn per event, the longest kept (more text with more draws).
    join : float
        Probability that an event joins two sentences.
    extra : float
        Probability that a clip has a second, simultaneous subtitle.
    """

    cap_height: tuple[float, float]
    boxes: tuple[tuple[str, float], ...]
    box_opacity: tuple[float, float]
    box_colors: tuple[tuple[RGB, float], ...]
    padding: tuple[float, float]
    edges: tuple[tuple[str, float], ...]
    text_draws: int
    join: float
    extra: float


DIFFICULTY_SPECS: dict[str, DifficultySpec] = {
    # "small font, transparent background"
    "easy": DifficultySpec(
        cap_height=(9.0, 15.0), boxes=(("none", 1.0),), box_opacity=(0.0, 0.0),
        box_colors=(((0, 0, 0), 1.0),), padding=(0.0, 0.0),
        edges=(("outline", 0.45), ("shadow", 0.2), ("both", 0.2), ("none", 0.15)),
        text_draws=1, join=0.0, extra=0.1),
    # "bigger font, semi-transparent box, more text"
    "medium": DifficultySpec(
        cap_height=(14.0, 24.0), boxes=(("line", 0.55), ("block", 0.45)),
        box_opacity=(0.35, 0.75),
        box_colors=(((0, 0, 0), 0.8), ((40, 40, 40), 0.1), ((10, 20, 70), 0.05),
                    ((60, 20, 20), 0.05)),
        padding=(0.15, 0.5),
        edges=(("outline", 0.3), ("shadow", 0.15), ("both", 0.05), ("none", 0.5)),
        text_draws=3, join=0.3, extra=0.05),
    # "black opaque box, up to half the frame"
    "hard": DifficultySpec(
        cap_height=(20.0, 40.0), boxes=(("block", 0.6), ("line", 0.25), ("band", 0.15)),
        box_opacity=(1.0, 1.0),
        box_colors=(((0, 0, 0), 0.9), ((25, 25, 25), 0.05), ((10, 15, 50), 0.05)),
        padding=(0.25, 0.8),
        edges=(("none", 0.8), ("outline", 0.15), ("shadow", 0.05)),
        text_draws=2, join=0.15, extra=0.0),
}


def _check_rgb(name: str, value: Sequence[int]) -> None:
    if len(value) != 3 or any(not 0 <= int(c) <= 255 for c in value):
        raise ValueError(f"{name} must be three integers in 0..255, got {value!r}")


@dataclass(frozen=True)
class SubtitleStyle:
    """How an event is drawn. Sizes in px of the frame it was drawn for.

    Attributes
    ----------
    font_family, font_style, font_file : str
        The face: family, one of ``regular``/``bold``/``italic``/``bold-italic``,
        and its file name (looked up among the installed fonts, never a path).
    font_size : int
        Em size in px.
    text_color : RGB
    outline_width : int
        Pillow ``stroke_width`` in px; 0 for none.
    outline_color : RGB
    shadow_offset : (int, int)
        Drop shadow offset (dx, dy) in px.
    shadow_blur : float
        Gaussian blur radius of the shadow in px; 0 for a hard shadow.
    shadow_color : RGB
    shadow_opacity : float
        0 for no shadow.
    box : str
        ``none``, ``line`` (a box per line), ``block`` (one box) or ``band``
        (a full-width strip).
    box_color : RGB
    box_opacity : float
        1 for opaque.
    box_padding : (int, int)
        Horizontal and vertical padding in px around the text.
    position : str
        ``bottom``, ``top`` or ``middle``.
    align : str
        ``center``, ``left`` or ``right``.
    margin : (int, int)
        Distance kept from the left/right and from the top/bottom edges, px.
    line_spacing : float
        Baseline distance over the font's ascent + descent.
    """

    font_family: str
    font_style: str
    font_file: str
    font_size: int
    text_color: RGB = (255, 255, 255)
    outline_width: int = 0
    outline_color: RGB = (0, 0, 0)
    shadow_offset: tuple[int, int] = (0, 0)
    shadow_blur: float = 0.0
    shadow_color: RGB = (0, 0, 0)
    shadow_opacity: float = 0.0
    box: str = "none"
    box_color: RGB = (0, 0, 0)
    box_opacity: float = 0.0
    box_padding: tuple[int, int] = (0, 0)
    position: str = "bottom"
    align: str = "center"
    margin: tuple[int, int] = (8, 12)
    line_spacing: float = 1.0

    def __post_init__(self) -> None:
        if self.font_style not in STYLES:
            raise ValueError(f"font_style must be one of {STYLES}, got {self.font_style!r}")
        if self.font_size < 1 or self.outline_width < 0 or self.shadow_blur < 0:
            raise ValueError("font_size must be >= 1, outline_width and shadow_blur >= 0")
        for name in ("text_color", "outline_color", "shadow_color", "box_color"):
            _check_rgb(name, getattr(self, name))
        for name in ("shadow_opacity", "box_opacity"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        for name, allowed in (("box", BOX_MODES), ("position", POSITIONS), ("align", ALIGNS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {getattr(self, name)!r}")
        if min(*self.margin, *self.box_padding) < 0 or self.line_spacing <= 0:
            raise ValueError("margin and box_padding must be >= 0, line_spacing > 0")

    @property
    def has_box(self) -> bool:
        return self.box != "none" and self.box_opacity > 0

    @property
    def has_shadow(self) -> bool:
        return self.shadow_opacity > 0 and (self.shadow_offset != (0, 0) or self.shadow_blur > 0)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SubtitleStyle:
        """The style :meth:`to_json` wrote; unknown keys are ignored."""
        names = {f.name for f in fields(cls)}
        missing = {"font_family", "font_style", "font_file", "font_size"} - set(data)
        if missing:
            raise ValueError(f"subtitle style lacks {sorted(missing)}")
        return cls(**{k: tuple(v) if isinstance(v, list) else v
                      for k, v in data.items() if k in names})


@dataclass(frozen=True)
class SubtitleEvent:
    """One subtitle shown over frames ``start`` (inclusive) to ``end`` (exclusive).

    Attributes
    ----------
    text : str
        The subtitle's text on one line.
    lines : tuple of str
        How it is broken into lines on screen.
    start, end : int
        First frame shown and first frame no longer shown.
    style : SubtitleStyle
    fade_in, fade_out : int
        Frames over which it fades in at ``start`` and out before ``end``.
    difficulty : str
        ``easy``, ``medium``, ``hard``, or ``""`` when not drawn by class.
    language : str
        Language code of the text (``"und"`` when unknown).
    source : str
        Where the text came from: ``corpus`` or ``srt:<file name>#<cue>``.
    """

    text: str
    lines: tuple[str, ...]
    start: int
    end: int
    style: SubtitleStyle
    fade_in: int = 0
    fade_out: int = 0
    difficulty: str = ""
    language: str = "und"
    source: str = "corpus"

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"an event needs 0 <= start < end, got {self.start}, {self.end}")
        if self.fade_in < 0 or self.fade_out < 0:
            raise ValueError("fade_in and fade_out must be >= 0")
        if self.difficulty not in ("", *DIFFICULTIES):
            raise ValueError(f"difficulty must be one of {DIFFICULTIES}, "
                             f"got {self.difficulty!r}")
        if not self.lines:
            raise ValueError("an event needs at least one line")

    @property
    def n_frames(self) -> int:
        return self.end - self.start

    def opacities(self) -> np.ndarray:
        """Opacity per frame shown: float32 ``(end − start,)`` in (0, 1].

        A fade in over ``f`` frames rises as ``1/(f+1), 2/(f+1) …``; a fade out
        falls alike, so every frame shown is at least partly visible.

        Examples
        --------
        >>> style = SubtitleStyle("DejaVu Sans", "regular", "DejaVuSans.ttf", 20)
        >>> SubtitleEvent("Hi", ("Hi",), 0, 5, style, fade_in=2).opacities() * 3
        array([1., 2., 3., 3., 3.], dtype=float32)
        """
        t = np.arange(self.n_frames, dtype=np.float32)
        alpha = np.ones(self.n_frames, dtype=np.float32)
        if self.fade_in:
            alpha = np.minimum(alpha, (t + 1) / np.float32(self.fade_in + 1))
        if self.fade_out:
            alpha = np.minimum(alpha, (self.n_frames - t) / np.float32(self.fade_out + 1))
        return alpha

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; the style nested under ``"style"``."""
        return {"text": self.text, "lines": list(self.lines), "start": self.start,
                "end": self.end, "fade_in": self.fade_in, "fade_out": self.fade_out,
                "difficulty": self.difficulty, "language": self.language,
                "source": self.source, "style": self.style.to_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SubtitleEvent:
        """The event :meth:`to_json` wrote; extra keys (``footprint`` …) are ignored."""
        missing = {"text", "lines", "start", "end", "style"} - set(data)
        if missing:
            raise ValueError(f"subtitle event lacks {sorted(missing)}")
        return cls(text=data["text"], lines=tuple(data["lines"]), start=int(data["start"]),
                   end=int(data["end"]), style=SubtitleStyle.from_json(data["style"]),
                   fade_in=int(data.get("fade_in", 0)), fade_out=int(data.get("fade_out", 0)),
                   difficulty=data.get("difficulty", ""), language=data.get("language", "und"),
                   source=data.get("source", "corpus"))


# --- layout ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """Where an event's pieces fall in a frame (px; x right, y down).

    Attributes
    ----------
    origins : tuple of (int, int)
        Each line's origin for Pillow's ``anchor="ls"`` (left end of the baseline).
    ink : tuple of Rect
        Each line's ink box, outline included.
    boxes : tuple of Rect
        The background rectangles (none without a box).
    shadow : Rect or None
        Where the shadow may fall, blur included.
    bbox : Rect
        Everything the event may touch, clipped to the frame.
    fits : bool
        Whether it lies within the frame's margins and covers at most
        :data:`MAX_OVERLAY_FRACTION` of the frame.
    """

    origins: tuple[tuple[int, int], ...]
    ink: tuple[Rect, ...]
    boxes: tuple[Rect, ...]
    shadow: Rect | None
    bbox: Rect
    fits: bool


def _union(rects: Sequence[Rect]) -> Rect:
    return (min(r[0] for r in rects), min(r[1] for r in rects),
            max(r[2] for r in rects), max(r[3] for r in rects))


def _shift(rect: Rect, dx: int, dy: int) -> Rect:
    return (rect[0] + dx, rect[1] + dy, rect[2] + dx, rect[3] + dy)


def _grow(rect: Rect, gx: int, gy: int) -> Rect:
    return (rect[0] - gx, rect[1] - gy, rect[2] + gx, rect[3] + gy)


def shadow_reach(style: SubtitleStyle) -> int:
    """How far a blurred shadow spreads beyond the shifted text, px."""
    return math.ceil(SHADOW_BLUR_SUPPORT * style.shadow_blur) + 1 if style.shadow_blur else 0


def layout_event(style: SubtitleStyle, lines: Sequence[str], width: int, height: int, *,
                 fonts: FontCatalog | None = None) -> Layout:
    """Place the lines of an event in a ``width`` × ``height`` frame.

    Lines are stacked ``line_spacing × (ascent + descent)`` apart and aligned
    on their ink (centred, or flush left/right); boxes span each line's
    ascent to descent plus the padding; the whole (boxes, text, shadow) sits
    against the bottom or top margin, or mid-frame, and against the side
    margin when flush.
    """
    face = (fonts or default_catalog()).resolve(style.font_file, style.font_family,
                                                style.font_style)
    font = load_font(face.path, style.font_size)
    ascent, descent = font.getmetrics()
    step = round((ascent + descent) * style.line_spacing)
    stroke = style.outline_width
    origins, ink, rows = [], [], []
    for i, line in enumerate(lines):
        left, top, right, bottom = font.getbbox(line, anchor="ls", stroke_width=stroke)
        x = {"center": -round((left + right) / 2), "left": -left, "right": -right}[style.align]
        y = ascent + i * step
        origins.append((x, y))
        ink.append((x + left, y + top, x + right, y + bottom))
        rows.append(_union([ink[-1], (x + left, y - ascent, x + right, y + descent)]))
    pad_x, pad_y = style.box_padding
    boxes: list[Rect] = []
    if style.has_box:
        boxes = [_grow(r, pad_x, pad_y) for r in rows]
        if style.box != "line":
            boxes = [_union(boxes)]
    shadow = None
    if style.has_shadow:
        reach = shadow_reach(style)
        shadow = _grow(_shift(_union(ink), *style.shadow_offset), reach, reach)
    outer = _union([*ink, *boxes, *([shadow] if shadow else [])])
    margin_x, margin_y = style.margin
    dx = {"center": width // 2, "left": margin_x - outer[0],
          "right": width - margin_x - outer[2]}[style.align]
    dy = {"bottom": height - margin_y - outer[3], "top": margin_y - outer[1],
          "middle": round(height / 2 - (outer[1] + outer[3]) / 2)}[style.position]
    origins = [(x + dx, y + dy) for x, y in origins]
    ink = [_shift(r, dx, dy) for r in ink]
    boxes = [_shift(r, dx, dy) for r in boxes]
    shadow = _shift(shadow, dx, dy) if shadow else None
    content = _union([*ink, *boxes, *([shadow] if shadow else [])])
    if style.box == "band" and boxes:
        boxes = [(0, boxes[0][1], width, boxes[0][3])]
    outer = _union([content, *boxes])
    bbox = (max(outer[0], 0), max(outer[1], 0), min(outer[2], width), min(outer[3], height))
    area = (outer[2] - outer[0]) * (outer[3] - outer[1])
    fits = (margin_x <= content[0] and content[2] <= width - margin_x
            and margin_y <= outer[1] and outer[3] <= height - margin_y
            and area <= MAX_OVERLAY_FRACTION * width * height)
    return Layout(tuple(origins), tuple(ink), tuple(boxes), shadow, bbox, fits)


# --- drawing events --------------------------------------------------------------------------

def _choice(rng: np.random.Generator, options: Sequence[tuple[Any, float]]) -> Any:
    weights = np.array([w for _, w in options], dtype=float)
    return options[int(rng.choice(len(options), p=weights / weights.sum()))][0]


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(*bounds)) if bounds[1] > bounds[0] else float(bounds[0])


@dataclass(frozen=True)
class Look:
    """The look one clip's subtitle track keeps; sizes relative to the cap height.

    Drawn by :func:`draw_look`; :func:`style_for` turns it into a
    :class:`SubtitleStyle` for a given face and size.
    """

    difficulty: str
    cap_height: float  # px in the target frame
    bold: bool
    italic: bool
    text_color: RGB
    outline: float  # outline width / cap height; 0 for none
    outline_color: RGB
    shadow: tuple[float, float]  # shadow offset / cap height; (0, 0) for none
    shadow_blur: float  # blur radius / cap height
    shadow_color: RGB
    shadow_opacity: float
    box: str
    box_color: RGB
    box_opacity: float
    padding: tuple[float, float]  # / cap height
    position: str
    align: str
    margin: tuple[int, int]
    line_spacing: float
    fade: int  # frames; 0 for none


def draw_look(rng: np.random.Generator, difficulty: str, width: int, height: int) -> Look:
    """Draw the look of one clip's subtitles for a difficulty class."""
    spec = DIFFICULTY_SPECS[difficulty]
    scale = height / REFERENCE_HEIGHT
    edge = _choice(rng, spec.edges)
    outline = _uniform(rng, (0.07, 0.14)) if edge in ("outline", "both") else 0.0
    shadow, blur, shadow_opacity = (0.0, 0.0), 0.0, 0.0
    if edge in ("shadow", "both"):
        shadow = (_uniform(rng, (0.0, 0.15)), _uniform(rng, (0.06, 0.16)))
        blur = _uniform(rng, (0.04, 0.12)) if rng.random() < 0.5 else 0.0
        shadow_opacity = _uniform(rng, (0.6, 1.0))
    box = _choice(rng, spec.boxes)
    position, align = _choice(rng, PLACES)
    pad = _uniform(rng, spec.padding)
    return Look(
        difficulty=difficulty, cap_height=_uniform(rng, spec.cap_height) * scale,
        bold=bool(rng.random() < BOLD_PROBABILITY),
        italic=bool(rng.random() < CLIP_ITALIC_PROBABILITY),
        text_color=_choice(rng, TEXT_COLORS), outline=outline,
        outline_color=_choice(rng, EDGE_COLORS), shadow=shadow, shadow_blur=blur,
        shadow_color=(0, 0, 0), shadow_opacity=shadow_opacity, box=box,
        box_color=_choice(rng, spec.box_colors), box_opacity=_uniform(rng, spec.box_opacity),
        padding=(pad * _uniform(rng, (1.0, 1.6)), pad), position=position, align=align,
        margin=(round(_uniform(rng, MARGIN_X) * width), round(_uniform(rng, MARGIN_Y) * height)),
        line_spacing=_uniform(rng, LINE_SPACING),
        fade=int(rng.integers(FADE_FRAMES[0], FADE_FRAMES[1] + 1))
        if rng.random() < FADE_PROBABILITY else 0)


def style_for(look: Look, face: FontFace, size: int) -> SubtitleStyle:
    """The style of an event in ``face`` at ``size`` px (em) with the clip's look."""
    cap = size * face.cap_ratio
    outline = max(1, round(look.outline * cap)) if look.outline else 0
    shadow = (round(look.shadow[0] * cap), max(1, round(look.shadow[1] * cap))) \
        if look.shadow_opacity else (0, 0)
    return SubtitleStyle(
        font_family=face.family, font_style=face.style, font_file=face.file, font_size=size,
        text_color=look.text_color, outline_width=outline, outline_color=look.outline_color,
        shadow_offset=shadow, shadow_blur=round(look.shadow_blur * cap, 2),
        shadow_color=look.shadow_color, shadow_opacity=round(look.shadow_opacity, 3),
        box=look.box, box_color=look.box_color, box_opacity=round(look.box_opacity, 3),
        box_padding=(round(look.padding[0] * cap), round(look.padding[1] * cap)),
        position=look.position, align=look.align, margin=look.margin,
        line_spacing=round(look.line_spacing, 3))


def draw_timeline(rng: np.random.Generator, n_frames: int, *, fps: float = CLIP_FPS,
                  fade: int = 0) -> list[tuple[int, int, int, int]]:
    """When subtitles show in a clip: ``(start, end, fade_in, fade_out)`` frames, in order.

    Events last :data:`EVENT_SECONDS`, separated by :data:`GAP_SECONDS` (or a few
    frames, :data:`SHORT_GAP_PROBABILITY`); the timeline starts up to
    :data:`LEAD_IN_SECONDS` before the clip, so the first event may already be
    showing at frame 0 (then it has no fade in), and the last may run past the
    end (no fade out). At least one event is returned.
    """
    t = -_uniform(rng, (0.0, LEAD_IN_SECONDS)) * fps
    spans = []
    while t < n_frames:
        start = round(t)
        end = max(start + 1, round(t + _uniform(rng, EVENT_SECONDS) * fps))
        if rng.random() < SHORT_GAP_PROBABILITY:
            gap = int(rng.integers(SHORT_GAP_FRAMES[0], SHORT_GAP_FRAMES[1] + 1))
        else:
            gap = round(_uniform(rng, GAP_SECONDS) * fps)
        first, last = max(start, 0), min(end, n_frames)
        if last - first >= min(MIN_VISIBLE_FRAMES, n_frames):
            shown = last - first
            spans.append((first, last, min(fade, shown // 2) if start >= 0 else 0,
                          min(fade, shown // 2) if end <= n_frames else 0))
        t = end + gap
    if not spans:  # a very short clip fell in a gap
        spans.append((0, n_frames, 0, 0))
    return spans


def _family_weight(family: str) -> float:
    """Subtitles are mostly set in sans-serif faces."""
    if "Mono" in family:
        return 0.5
    if any(word in family for word in ("Serif", "Times", "Georgia", "Tinos", "Caladea")):
        return 1.0
    return 2.0


def _style_name(bold: bool, italic: bool) -> str:
    return ("bold-" if bold else "") + "italic" if italic else ("bold" if bold else "regular")


def pick_face(rng: np.random.Generator, catalog: FontCatalog, text: str, *,
              family: str | None, bold: bool, italic: bool) -> FontFace | None:
    """A face that covers every character of ``text``: ``family`` when it can,
    else one drawn (sans-serif favoured); the wanted style, else the nearest."""
    faces = catalog.covering(text)
    if not faces:
        return None
    families = sorted({f.family for f in faces})
    if family not in families:
        family = _choice(rng, [(f, _family_weight(f)) for f in families])
    own = {f.style: f for f in faces if f.family == family}
    wanted = _style_name(bold, italic)
    for style in (wanted, _style_name(False, italic), _style_name(bold, False), "regular"):
        if style in own:
            return own[style]
    return next(iter(own.values()))


def _fit(look: Look, sentence: Sentence, face: FontFace, width: int, height: int,
         catalog: FontCatalog, max_lines: int, min_cap: float
         ) -> tuple[SubtitleStyle, tuple[str, ...]] | None:
    """The largest size up to the look's at which the sentence fits, with its lines.

    The writer's own line breaks are kept if the font need not shrink by more
    than :data:`KEEP_BREAKS_SHRINK`; otherwise the text is broken anew.
    """
    size = max(1, round(look.cap_height / face.cap_ratio))
    min_size = max(1, math.floor(min_cap / face.cap_ratio))
    breaks = sentence.breaks
    if breaks and len(breaks) <= max_lines:
        def keep(measure, room):
            return list(breaks) if all(measure(b) <= room for b in breaks) else None

        floor = max(min_size, math.floor(size * KEEP_BREAKS_SHRINK))
        fitted = _fit_sizes(look, face, keep, size, floor, width, height, catalog)
        if fitted is not None:
            return fitted

    def rebreak(measure, room):
        return break_lines(sentence.text, measure, room, max_lines=max_lines)

    return _fit_sizes(look, face, rebreak, size, min_size, width, height, catalog)


def _fit_sizes(look: Look, face: FontFace, lines_for, size: int, min_size: int, width: int,
               height: int, catalog: FontCatalog
               ) -> tuple[SubtitleStyle, tuple[str, ...]] | None:
    """Try ``size`` and smaller (by :data:`SHRINK`) down to ``min_size``."""
    while True:
        style = style_for(look, face, size)
        font = load_font(face.path, size)
        stroke = style.outline_width

        def measure(line: str, font=font, stroke=stroke) -> int:
            left, _, right, _ = font.getbbox(line, anchor="ls", stroke_width=stroke)
            return right - left

        room = (width - 2 * style.margin[0] - 2 * style.box_padding[0]
                - abs(style.shadow_offset[0]) - 2 * shadow_reach(style))
        lines = lines_for(measure, room) if room > 0 else None
        if lines is not None and layout_event(style, lines, width, height, fonts=catalog).fits:
            return style, tuple(lines)
        if size <= min_size:
            return None
        size = max(min_size, min(size - 1, math.floor(size * SHRINK)))


def _usable(sentence: Sentence, catalog: FontCatalog) -> bool:
    if needs_shaping(sentence.text) and not features.check("raqm"):
        return False  # without Raqm, Arabic or Devanagari would come out unshaped
    return bool(catalog.covering(sentence.text))


# (corpus, catalogue) → usable sentences; the entries hold both, so their ids stay theirs
_USABLE: dict[tuple[int, int], tuple[Corpus, FontCatalog, Corpus | None]] = {}
_USABLE_SIZE = 32


def usable_corpus(corpus: Corpus, catalog: FontCatalog) -> Corpus | None:
    """The sentences of ``corpus`` that some face of ``catalog`` can draw (cached)."""
    key = (id(corpus), id(catalog))
    if key not in _USABLE:
        if len(_USABLE) >= _USABLE_SIZE:  # corpora built per call must not pile up
            _USABLE.clear()
        _USABLE[key] = (corpus, catalog, corpus.filter(lambda s: _usable(s, catalog)))
    return _USABLE[key][2]


def _pick_language(rng: np.random.Generator, corpus: Corpus) -> str:
    languages = corpus.languages
    if "en" in languages and len(languages) > 1:
        rest = (1 - ENGLISH_SHARE) / (len(languages) - 1)
        return _choice(rng, [(x, ENGLISH_SHARE if x == "en" else rest) for x in languages])
    return languages[int(rng.integers(len(languages)))]


def _pick_difficulty(rng: np.random.Generator, mix: Mapping[str, float] | None) -> str:
    mix = DEFAULT_MIX if mix is None else mix
    unknown = set(mix) - set(DIFFICULTIES)
    if unknown or not mix or any(w < 0 for w in mix.values()) or sum(mix.values()) <= 0:
        raise ValueError(f"mix must weigh {DIFFICULTIES} with non-negative weights, got {mix}")
    return _choice(rng, [(d, float(mix.get(d, 0.0))) for d in DIFFICULTIES])


def _joined(rng: np.random.Generator, first: Sentence, second: Sentence) -> Sentence:
    """Two sentences in one event: a two-speaker exchange, or one after the other."""
    if rng.random() < 0.5:
        lines = (f"- {first.text}", f"- {second.text}")
        return Sentence(" ".join(lines), first.language, lines)
    return Sentence(f"{first.text} {second.text}", first.language)


def _draw_event(rng: np.random.Generator, look: Look, pool: Sequence[Sentence],
                catalog: FontCatalog, family: str | None, span: tuple[int, int, int, int],
                width: int, height: int, *, draws: int, join: float,
                after: int | None = None) -> tuple[SubtitleEvent, int]:
    """One event of the track and the pool index of its (last) sentence.

    The corpus is written as conversations, so with :data:`FOLLOW_PROBABILITY`
    the event says the line that follows ``after``, and a joined event takes
    the next line too.
    """
    start, end, fade_in, fade_out = span
    lowest = DIFFICULTY_SPECS[look.difficulty].cap_height[0] * CLASS_SHRINK_FLOOR
    min_cap = max(MIN_CAP_HEIGHT, lowest) * height / REFERENCE_HEIGHT
    for attempt in range(MAX_TEXT_TRIES):
        if attempt == 0 and after is not None and rng.random() < FOLLOW_PROBABILITY:
            index = (after + 1) % len(pool)
        else:
            index = sample_index(rng, pool, draws=draws)
        sentence = pool[index]
        if join and not sentence.breaks and rng.random() < join:
            following = pool[(index + 1) % len(pool)]
            if not following.breaks:
                sentence = _joined(rng, sentence, following)
                index = (index + 1) % len(pool)
        italic = look.italic or sentence.italic or bool(rng.random() < EVENT_ITALIC_PROBABILITY)
        face = pick_face(rng, catalog, sentence.text, family=family, bold=look.bold,
                         italic=italic)
        if face is None:
            continue
        fitted = _fit(look, sentence, face, width, height, catalog, MAX_LINES, min_cap)
        if fitted is not None:
            style, lines = fitted
            return SubtitleEvent(sentence.text, lines, start, end, style, fade_in, fade_out,
                                 look.difficulty, sentence.language), index
    raise RuntimeError(f"no sentence of the corpus fits a {width}×{height} frame after "
                       f"{MAX_TEXT_TRIES} tries; give shorter sentences or a larger frame")


def _check_clip(n_frames: int, width: int, height: int) -> None:
    if n_frames < 1 or width < 16 or height < 16:
        raise ValueError(f"need n_frames >= 1 and frames of at least 16×16, "
                         f"got {n_frames} frames of {width}×{height}")


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def draw_events(rng: np.random.Generator, *, difficulty: str | None = None,
                n_frames: int = CLIP_FRAMES, width: int = CLIP_SIZE, height: int = CLIP_SIZE,
                corpus: Corpus | str | Path | Sequence[str] | None = None,
                fonts: FontCatalog | None = None, mix: Mapping[str, float] | None = None,
                fps: float = CLIP_FPS) -> list[SubtitleEvent]:
    """Draw the subtitle events of one clip.

    Parameters
    ----------
    rng : numpy.random.Generator
        The only source of randomness.
    difficulty : {"easy", "medium", "hard"} or None
        The class (module table); None draws one from ``mix``.
    n_frames, width, height : int
        The clip's size (125 frames of 256×256 in the challenge).
    corpus : Corpus, path, sequence of str or None
        Where the text comes from (see :func:`.text.as_corpus`); None: the
        shipped corpus. A sentence is used only with a face covering it.
    fonts : FontCatalog or None
        The faces to draw from; None: those installed (:func:`.fonts.default_catalog`).
    mix : mapping or None
        Weights of the classes when ``difficulty`` is None (default equal).
    fps : float
        Frame rate, for the durations in seconds.

    Returns
    -------
    list of SubtitleEvent
        Sorted by start frame; at least one.

    Examples
    --------
    >>> events = draw_events(np.random.default_rng(0), difficulty="hard")
    >>> events[0].difficulty, events[0].style.box_opacity
    ('hard', 1.0)
    """
    _check_clip(n_frames, width, height)
    if difficulty is None:
        difficulty = _pick_difficulty(rng, mix)
    elif difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {DIFFICULTIES} or None, got {difficulty!r}")
    catalog = fonts or default_catalog()
    usable = usable_corpus(as_corpus(corpus), catalog)
    if usable is None:
        raise ValueError(f"no sentence of the corpus can be drawn with the installed fonts "
                         f"({', '.join(catalog.families)})")
    spec = DIFFICULTY_SPECS[difficulty]
    pool = usable.of_language(_pick_language(rng, usable))
    look = draw_look(rng, difficulty, width, height)
    events: list[SubtitleEvent] = []
    family, index = None, None
    for span in draw_timeline(rng, n_frames, fps=fps, fade=look.fade):
        event, index = _draw_event(rng, look, pool, catalog, family, span, width, height,
                                   draws=spec.text_draws, join=spec.join, after=index)
        family = event.style.font_family  # the track keeps its family when it can
        events.append(event)
    if rng.random() < spec.extra:
        extra = _draw_extra(rng, look, pool, catalog, family, events, n_frames, width, height,
                            fps)
        if extra is not None:
            events.append(extra)
            events.sort(key=lambda e: (e.start, e.end))
    return events


def _draw_extra(rng: np.random.Generator, look: Look, pool: Sequence[Sentence],
                catalog: FontCatalog, family: str | None, events: Sequence[SubtitleEvent],
                n_frames: int, width: int, height: int, fps: float) -> SubtitleEvent | None:
    """A short second subtitle at the other edge (a sign, a second speaker), or None
    when it would overlap another or push the frame over :data:`MAX_OVERLAY_FRACTION`."""
    other = replace(look, position="top" if look.position != "top" else "bottom",
                    align="center")
    length = min(n_frames, round(_uniform(rng, EVENT_SECONDS) * fps))
    start = int(rng.integers(0, n_frames - length + 1))
    try:
        extra, _ = _draw_event(rng, other, pool, catalog, family,
                               (start, start + length, 0, 0), width, height, draws=-3, join=0.0)
    except RuntimeError:
        return None
    mine = layout_event(extra.style, extra.lines, width, height, fonts=catalog).bbox
    area = (mine[2] - mine[0]) * (mine[3] - mine[1])
    for event in events:
        if event.start < extra.end and extra.start < event.end:
            theirs = layout_event(event.style, event.lines, width, height, fonts=catalog).bbox
            area += (theirs[2] - theirs[0]) * (theirs[3] - theirs[1])
            if _overlaps(mine, theirs) or area > MAX_OVERLAY_FRACTION * width * height:
                return None
    return extra


def events_from_srt(srt: str | Path | Sequence[SrtCue], clip_start_s: float,
                    clip_end_s: float, *, rng: np.random.Generator,
                    difficulty: str | None = None, mix: Mapping[str, float] | None = None,
                    fps: float = CLIP_FPS, width: int = CLIP_SIZE, height: int = CLIP_SIZE,
                    fonts: FontCatalog | None = None, language: str = "und"
                    ) -> list[SubtitleEvent]:
    """The cues of a SubRip file shown in a clip, with their real timing.

    Frame ``t`` of the clip shows time ``clip_start_s + t / fps``; a cue shows on
    the frames whose time falls in ``[start, end)``, so a cue running into or out
    of the clip is cut at its edge. The look is drawn as in :func:`draw_events`
    (``rng``, ``difficulty``, ``mix``); each cue keeps its own line breaks when
    they fit (re-broken into at most :data:`MAX_SRT_LINES` lines otherwise), its
    italics and its ``{\\anN}`` position.

    Raises
    ------
    InputError
        When a cue cannot be drawn: no installed face covers its characters, or
        it cannot fit in the frame.
    """
    n_frames = round((clip_end_s - clip_start_s) * fps)
    _check_clip(n_frames, width, height)
    name = "<cues>"
    if isinstance(srt, str | Path):
        name, srt = Path(srt).name, read_srt(srt)
    if difficulty is None:
        difficulty = _pick_difficulty(rng, mix)
    elif difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {DIFFICULTIES} or None, got {difficulty!r}")
    catalog = fonts or default_catalog()
    look = draw_look(rng, difficulty, width, height)
    min_cap = MIN_CAP_HEIGHT * height / REFERENCE_HEIGHT
    events: list[SubtitleEvent] = []
    family = None
    eps = 1e-6  # times like 10.52 s are not exact in binary
    for cue in srt:
        start = math.ceil((cue.start_s - clip_start_s) * fps - eps)
        end = math.ceil((cue.end_s - clip_start_s) * fps - eps)
        first, last = max(start, 0), min(end, n_frames)
        if last <= first:
            continue
        where = f"cue {cue.index}" + (f" (line {cue.line})" if cue.line else "")
        sentence = Sentence(cue.text, language, cue.lines if len(cue.lines) > 1 else (),
                            cue.italic)
        if needs_shaping(sentence.text) and not features.check("raqm"):
            raise InputError(name, f"{where}: its script needs Pillow built with Raqm")
        face = pick_face(rng, catalog, sentence.text, family=family,
                         bold=look.bold or cue.bold, italic=look.italic or cue.italic)
        if face is None:
            missing = sorted({c for c in sentence.text if not any(
                f.covers(c) for f in catalog.faces)})
            raise InputError(name, f"{where}: no installed font has {''.join(missing)!r}",
                             "install a font covering them (e.g. Noto)")
        cue_look = look
        if cue.alignment in ASS_PLACES:
            position, align = ASS_PLACES[cue.alignment]
            cue_look = replace(look, position=position, align=align)
        fitted = _fit(cue_look, sentence, face, width, height, catalog, MAX_SRT_LINES, min_cap)
        if fitted is None:
            raise InputError(name, f"{where}: does not fit a {width}×{height} frame",
                             "shorten the cue")
        style, lines = fitted
        family = style.font_family
        fade = min(look.fade, (last - first) // 2)
        events.append(SubtitleEvent(sentence.text, lines, first, last, style,
                                    fade if start >= 0 else 0, fade if end <= n_frames else 0,
                                    difficulty, language, f"srt:{name}#{cue.index}"))
    return events
