"""Fonts for burned-in subtitles: found at run time, checked glyph by glyph.

The challenge burned its subtitles "by applying several variations in fonts and
text style (size, color, italic/bold …)" (seed 001 §3.1). We draw the fonts from
whatever is installed, so no single path is hard-coded:

- the folders searched are matplotlib's bundled fonts first (``mpl-data/fonts/ttf``,
  always present since matplotlib is a dependency: DejaVu Sans, Serif and Sans Mono
  in four styles each, so a bare machine still has three families), then the
  folders named in ``$INPAINTBENCH_FONT_DIRS`` (``os.pathsep``-separated), then the
  usual system folders (``/usr/share/fonts``, ``~/.fonts`` …);
- a font is kept when its family is a text family that subtitles use
  (:data:`SUBTITLE_FAMILIES`: DejaVu, Liberation, Noto Sans/Serif and their
  script companions, Free*, Ubuntu, Roboto, Arial …) and its weight is regular or
  bold; its style (``regular``, ``bold``, ``italic``, ``bold-italic``) comes from
  the OS/2 table. Symbol, maths and display fonts are left out;
- a face is found once per (family, style): the first folder wins, so the
  matplotlib copy of DejaVu is the one used wherever it exists.

Whether a face can draw a text is read from its character map (fontTools
``getBestCmap``): every character of the text must be in it, otherwise FreeType
would draw the ``.notdef`` box. Collections (``.ttc``) are skipped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path

from PIL import ImageFont

STYLES = ("regular", "bold", "italic", "bold-italic")
FONT_SUFFIXES = (".ttf", ".otf")
FONT_DIRS_ENV = "INPAINTBENCH_FONT_DIRS"
SYSTEM_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "~/Library/Fonts",
    "C:/Windows/Fonts",
)

# Families that broadcast and fan subtitles are set in, plus the Noto companions
# that carry the non-Latin scripts. Whole-name regular expressions.
SUBTITLE_FAMILIES = (
    r"DejaVu Sans( Condensed| Mono)?",
    r"DejaVu Serif( Condensed)?",
    r"Liberation (Sans( Narrow)?|Serif|Mono)",
    r"Noto (Sans|Serif)( Mono| Display)?",
    r"Noto (Sans|Serif) (Arabic|Hebrew|Devanagari|Bengali|Tamil|Telugu|Kannada|Malayalam"
    r"|Gujarati|Gurmukhi|Sinhala|Thai|Lao|Khmer|Myanmar|Armenian|Georgian|Ethiopic)",
    r"Noto (Naskh|Kufi) Arabic",
    r"Noto Rashi Hebrew",
    r"Free(Sans|Serif|Mono)",
    r"Ubuntu( Condensed| Mono)?",
    r"Roboto( Condensed| Slab| Mono)?",
    r"Open Sans|Lato|Cantarell|Fira Sans|Source (Sans|Serif) (Pro|3)",
    r"Arimo|Tinos|Cousine|Carlito|Caladea|Droid (Sans|Serif)( Mono)?",
    r"Arial|Helvetica|Verdana|Tahoma|Georgia|Times New Roman|Trebuchet MS|Courier New",
)
# OS/2 usWeightClass bands kept: regular (Book/Regular/Medium-ish) and bold.
REGULAR_WEIGHTS = (350, 500)
BOLD_WEIGHTS = (600, 800)
# Cap height / em when a font has no "H" to measure (typical of Latin faces).
DEFAULT_CAP_RATIO = 0.7
_CAP_PROBE_SIZE = 200  # px: the size at which the cap height of "H" is measured


@cache
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or ())


@lru_cache(maxsize=256)
def load_font(path: str | Path, size: int) -> ImageFont.FreeTypeFont:
    """The Pillow font at ``size`` px (em), cached: layout and drawing reuse it."""
    return ImageFont.truetype(str(path), int(size))


@dataclass(frozen=True)
class FontFace:
    """One installed font file: a family in one style.

    Attributes
    ----------
    family : str
        Family name as the font states it (e.g. ``"DejaVu Sans Condensed"``).
    style : str
        One of :data:`STYLES`.
    path : Path
        The file.
    """

    family: str
    style: str
    path: Path

    @property
    def file(self) -> str:
        """The file name: what an event records (never the absolute path)."""
        return self.path.name

    @property
    def cmap(self) -> frozenset[int]:
        """Code points the font maps to a glyph (fontTools ``getBestCmap``)."""
        return _cmap(str(self.path))

    def covers(self, text: str) -> bool:
        """Whether every character of ``text`` has a glyph (no ``.notdef`` box)."""
        return set(map(ord, text)) <= self.cmap

    @cached_property
    def cap_ratio(self) -> float:
        """Cap height over em size, measured on "H"; :data:`DEFAULT_CAP_RATIO` without one."""
        if ord("H") not in self.cmap:
            return DEFAULT_CAP_RATIO
        top = load_font(self.path, _CAP_PROBE_SIZE).getbbox("H", anchor="ls")[1]
        return -top / _CAP_PROBE_SIZE if top < 0 else DEFAULT_CAP_RATIO


@dataclass(frozen=True)
class FontCatalog:
    """The faces that subtitles may use, with coverage queries.

    Build one with :func:`discover_fonts`, or take the cached one of this
    machine from :func:`default_catalog`.
    """

    faces: tuple[FontFace, ...]
    _covering: dict[str, tuple[FontFace, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.faces:
            raise ValueError("a font catalogue needs at least one face")

    @property
    def families(self) -> tuple[str, ...]:
        """Family names, sorted."""
        return tuple(sorted({face.family for face in self.faces}))

    def by_file(self, name: str) -> FontFace | None:
        """The face whose file is called ``name``, or None."""
        return next((face for face in self.faces if face.file == name), None)

    def find(self, family: str, style: str) -> FontFace | None:
        """The face of ``family`` in ``style``, or None."""
        return next((f for f in self.faces if f.family == family and f.style == style), None)

    def covering(self, text: str) -> tuple[FontFace, ...]:
        """The faces that have a glyph for every character of ``text`` (cached)."""
        if text not in self._covering:
            chars = set(map(ord, text))
            self._covering[text] = tuple(f for f in self.faces if chars <= f.cmap)
        return self._covering[text]

    def resolve(self, file: str, family: str = "", style: str = "") -> FontFace:
        """The face an event names: by file name, else by family and style.

        Raises
        ------
        LookupError
            When neither is installed: the event cannot be drawn identically here.
        """
        face = self.by_file(file) or self.find(family, style)
        if face is None:
            raise LookupError(
                f"font {file!r} ({family} {style}) is not installed here; install it "
                f"or add its folder to ${FONT_DIRS_ENV} to redraw this event")
        return face


def matplotlib_font_dir() -> Path:
    """matplotlib's bundled TrueType folder (DejaVu), present wherever matplotlib is."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def font_dirs() -> tuple[Path, ...]:
    """The folders searched, in order: matplotlib's, ``$INPAINTBENCH_FONT_DIRS``, the system's."""
    extra = [p for p in os.environ.get(FONT_DIRS_ENV, "").split(os.pathsep) if p]
    dirs = [matplotlib_font_dir(), *map(Path, extra), *(Path(d).expanduser()
                                                         for d in SYSTEM_FONT_DIRS)]
    return tuple(d for d in dirs if d.is_dir())


def _read_face(path: Path) -> tuple[str, str] | None:
    """``(family, style)`` from the name and OS/2 tables, or None for a font we skip."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), lazy=True) as font:
            family = font["name"].getDebugName(1) or ""
            os2 = font["OS/2"]
            weight, selection = os2.usWeightClass, os2.fsSelection
    except Exception:  # an unreadable or exotic file is not a subtitle font
        return None
    italic = bool(selection & 0b1 or selection & (1 << 9))
    bold = bool(selection & (1 << 5)) or BOLD_WEIGHTS[0] <= weight <= BOLD_WEIGHTS[1]
    if not bold and not REGULAR_WEIGHTS[0] <= weight <= REGULAR_WEIGHTS[1]:
        return None  # light, thin, black …
    style = ("bold-" if bold else "") + ("italic" if italic else "")
    return family, style.rstrip("-") or "regular"


def discover_fonts(dirs: Iterable[str | Path] | None = None, *,
                   families: Sequence[str] = SUBTITLE_FAMILIES) -> FontCatalog:
    """Find the subtitle faces installed under ``dirs`` (default :func:`font_dirs`).

    Parameters
    ----------
    dirs : iterable of path-like, optional
        Folders searched recursively, in order; the first face found for a
        (family, style) wins.
    families : sequence of str
        Regular expressions; a family must match one in full.

    Returns
    -------
    FontCatalog
        Sorted by family and style, so the same folders give the same catalogue.

    Raises
    ------
    LookupError
        When no usable face is found.

    Examples
    --------
    >>> catalog = discover_fonts([matplotlib_font_dir()])
    >>> catalog.find("DejaVu Sans", "bold").file
    'DejaVuSans-Bold.ttf'
    """
    dirs = font_dirs() if dirs is None else tuple(Path(d) for d in dirs)
    allowed = re.compile("|".join(f"(?:{pattern})" for pattern in families))
    seen: dict[tuple[str, str], FontFace] = {}
    files: set[str] = set()
    for folder in dirs:
        paths = sorted(p for p in Path(folder).rglob("*")
                       if p.suffix.lower() in FONT_SUFFIXES and p.is_file())
        for path in paths:
            if path.name in files:
                continue
            found = _read_face(path)
            if found is None or not allowed.fullmatch(found[0]) or found in seen:
                continue
            seen[found] = FontFace(found[0], found[1], path)
            files.add(path.name)
    if not seen:
        raise LookupError(f"no subtitle font found in {', '.join(map(str, dirs)) or '(none)'}; "
                          f"install DejaVu or set ${FONT_DIRS_ENV}")
    order = {style: i for i, style in enumerate(STYLES)}
    return FontCatalog(tuple(sorted(seen.values(), key=lambda f: (f.family, order[f.style]))))


@lru_cache(maxsize=1)
def default_catalog() -> FontCatalog:
    """The catalogue of this machine (:func:`discover_fonts` over :func:`font_dirs`), cached."""
    return discover_fonts()
