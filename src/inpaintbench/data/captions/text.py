"""Subtitle text: the shipped corpus, SubRip (``.srt``) files, and line breaking.

**Corpus.** ``corpus/<language>.txt`` (shipped with the package) holds one subtitle
per line, written for this project (no film's subtitles are copied): UTF-8, ``#``
starts a comment, `` | `` forces a line break (a two-speaker exchange
``- Coming? | - In a minute.`` stays on two lines). The file's stem is the
language code. A user's own text can be a folder of such files, one such file,
a ``.srt`` file or a plain list of strings (:func:`as_corpus`).

**SubRip.** :func:`read_srt` reads real files: optional UTF-8 byte-order mark,
CRLF or LF line ends, a cue number (tolerated when missing), a
``HH:MM:SS,mmm --> HH:MM:SS,mmm`` timing line (a ``.`` before the milliseconds
and trailing position hints are accepted), one or more text lines, a blank line.
Formatting tags (``<i>``, ``<b>``, ``<u>``, ``<font …>``) and ASS overrides
(``{\\an8}``, ``{\\i1}``) are stripped; italics and an ``\\an`` position are
noted on the cue. A block that breaks these rules raises
:class:`~inpaintbench.errors.InputError` naming the file and the line.

**Line breaking.** :func:`break_lines` splits a sentence at spaces into at most
``max_lines`` lines whose rendered width (given by a ``measure`` function, in
pixels) stays within a limit, balanced: the longest line is as short as
possible, and among equals the lower lines are the longer ones (the
"pyramid" shape subtitlers prefer).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from inpaintbench.errors import InputError

CORPUS_PACKAGE_DIR = "corpus"
FORCED_BREAK = " | "
COMMENT = "#"
# Scripts whose letters FreeType draws correctly one by one, left to right. Any
# other script (Arabic, Hebrew, Devanagari …) needs shaping and bidi: Pillow's
# Raqm layout (see :func:`needs_shaping`).
SIMPLE_SCRIPTS = frozenset({"LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "GEORGIAN", "COMMON"})

_TIMING = re.compile(
    r"^\s*(\d+):([0-5]?\d):([0-5]?\d)[,.](\d{1,3})\s*-->\s*"
    r"(\d+):([0-5]?\d):([0-5]?\d)[,.](\d{1,3})(?:\s+.*)?$")
_INDEX = re.compile(r"^\s*\d+\s*$")
_TAG = re.compile(r"</?\s*(?:i|b|u|s|font)\b[^>]*>", re.IGNORECASE)
_ITALIC_TAG = re.compile(r"<\s*i\s*>|\{\\i1\}", re.IGNORECASE)
_BOLD_TAG = re.compile(r"<\s*b\s*>|\{\\b1\}", re.IGNORECASE)
_ASS = re.compile(r"\{\\[^}]*\}")
_ASS_ALIGN = re.compile(r"\{[^}]*\\an([1-9])[^}]*\}")
SRT_RULE_HINT = ("each SubRip block is a cue number, a 'HH:MM:SS,mmm --> HH:MM:SS,mmm' "
                 "line, one or more lines of text, then a blank line")


# --- scripts ---------------------------------------------------------------------------------

def script_of(text: str) -> str:
    """The script most letters of ``text`` are written in, from their Unicode names.

    Examples
    --------
    >>> script_of("Where are you?"), script_of("Где ты?"), script_of("123 !")
    ('LATIN', 'CYRILLIC', 'COMMON')
    """
    counts: dict[str, int] = {}
    for char in text:
        if unicodedata.category(char)[0] not in "LM":
            continue
        name = unicodedata.name(char, "")
        script = name.split(" ", 1)[0] if name else "UNKNOWN"
        counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda s: (counts[s], s)) if counts else "COMMON"


def needs_shaping(text: str) -> bool:
    """Whether ``text`` holds letters outside :data:`SIMPLE_SCRIPTS` (Raqm layout needed)."""
    for char in text:
        if unicodedata.category(char)[0] in "LM":
            name = unicodedata.name(char, "UNKNOWN")
            if name.split(" ", 1)[0] not in SIMPLE_SCRIPTS:
                return True
    return False


# --- the corpus ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sentence:
    """One subtitle's text.

    Attributes
    ----------
    text : str
        The text on one line (forced breaks joined by a space).
    language : str
        Language code (the corpus file's stem, ``"und"`` when unknown).
    breaks : tuple of str
        Lines fixed by the writer (`` | `` in the corpus, the line ends of an
        SRT cue); empty when :func:`break_lines` decides.
    italic : bool
        Whether the source sets it in italics (SRT ``<i>``).
    """

    text: str
    language: str = "und"
    breaks: tuple[str, ...] = ()
    italic: bool = False

    @property
    def script(self) -> str:
        return script_of(self.text)


@dataclass(frozen=True)
class Corpus:
    """Sentences to draw subtitles from, grouped by language.

    Examples
    --------
    >>> corpus = Corpus.from_strings(["Hello.", "Not now!"])
    >>> corpus.languages, len(corpus)
    (('und',), 2)
    """

    sentences: tuple[Sentence, ...]
    _by_language: dict[str, tuple[Sentence, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.sentences:
            raise ValueError("a corpus needs at least one sentence")
        for sentence in self.sentences:
            self._by_language.setdefault(sentence.language, ())
            self._by_language[sentence.language] += (sentence,)

    def __len__(self) -> int:
        return len(self.sentences)

    @property
    def languages(self) -> tuple[str, ...]:
        """Language codes, sorted."""
        return tuple(sorted(self._by_language))

    def of_language(self, language: str) -> tuple[Sentence, ...]:
        """The sentences in ``language`` (empty when it has none)."""
        return self._by_language.get(language, ())

    def only(self, *languages: str) -> Corpus:
        """A corpus of the sentences in ``languages``."""
        return Corpus(tuple(s for s in self.sentences if s.language in languages))

    def filter(self, keep: Callable[[Sentence], bool]) -> Corpus | None:
        """The sentences ``keep`` accepts, or None when it accepts none."""
        kept = tuple(s for s in self.sentences if keep(s))
        return Corpus(kept) if kept else None

    @classmethod
    def from_strings(cls, lines: Iterable[str], language: str = "und") -> Corpus:
        """A corpus of plain strings (`` | `` forces a break, as in the corpus files)."""
        return cls(tuple(_sentence(line, language) for line in lines if line.strip()))

    @classmethod
    def from_srt(cls, path: str | Path, language: str = "und") -> Corpus:
        """The cues of a SubRip file, each a sentence keeping its own line breaks."""
        return cls(tuple(Sentence(" ".join(c.lines), language, c.lines, c.italic)
                         for c in read_srt(path)))


def _sentence(line: str, language: str) -> Sentence:
    parts = tuple(" ".join(p.split()) for p in line.split("|") if p.strip())
    return Sentence(" ".join(parts), language, parts if len(parts) > 1 else ())


def read_corpus_file(path: str | Path, language: str | None = None) -> Corpus:
    """Read one corpus text file (format in the module docstring).

    Raises
    ------
    InputError
        When the file is missing, not UTF-8, or holds no sentence.
    """
    path = Path(path)
    text = _read_text(path)
    language = language or path.stem
    lines = [line for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith(COMMENT)]
    if not lines:
        raise InputError(path, "holds no sentence", "write one subtitle per line")
    return Corpus.from_strings(lines, language)


@lru_cache(maxsize=1)
def shipped_corpus() -> Corpus:
    """The corpus shipped with the package: ``corpus/*.txt``, one file per language."""
    folder = resources.files(__package__).joinpath(CORPUS_PACKAGE_DIR)
    sentences: list[Sentence] = []
    for entry in sorted((f for f in folder.iterdir() if f.name.endswith(".txt")),
                        key=lambda f: f.name):
        lines = [line for line in entry.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.lstrip().startswith(COMMENT)]
        sentences.extend(Corpus.from_strings(lines, entry.name.removesuffix(".txt")).sentences)
    return Corpus(tuple(sentences))


def as_corpus(source: Corpus | str | Path | Sequence[str] | None) -> Corpus:
    """A :class:`Corpus` from what a user hands over.

    ``None`` gives the shipped corpus; a folder reads its ``*.txt`` files; a
    ``.srt`` file reads its cues; another file is a corpus text file; a
    sequence of strings is taken as it is.
    """
    if source is None:
        return shipped_corpus()
    if isinstance(source, Corpus):
        return source
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            files = sorted(path.glob("*.txt"))
            if not files:
                raise InputError(path, "holds no corpus file (*.txt)",
                                 "one subtitle per line, the file named by its language")
            return Corpus(tuple(s for f in files for s in read_corpus_file(f).sentences))
        if path.suffix.lower() == ".srt":
            return Corpus.from_srt(path)
        return read_corpus_file(path)
    return Corpus.from_strings(source)


# --- SubRip ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SrtCue:
    """One SubRip cue.

    Attributes
    ----------
    index : int
        The cue number as written (or counted when the file omits it).
    start_s, end_s : float
        When it shows and hides, in seconds from the start of the video.
    lines : tuple of str
        Its text lines, tags stripped.
    italic, bold : bool
        Whether ``<i>`` / ``<b>`` (or ``{\\i1}`` / ``{\\b1}``) appear in it.
    alignment : int or None
        The ASS numpad position ``{\\anN}`` (8 = top centre, 2 = bottom centre).
    line : int
        The file line (1-based) where its block starts.
    """

    index: int
    start_s: float
    end_s: float
    lines: tuple[str, ...]
    italic: bool = False
    bold: bool = False
    alignment: int | None = None
    line: int = 0

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _read_text(path: Path, encoding: str = "utf-8") -> str:
    if not path.is_file():
        raise InputError(path, "file not found")
    try:
        # utf-8-sig strips a byte-order mark; universal newlines turn CRLF into LF
        return path.read_bytes().decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise InputError(path, f"line {line}: not valid {encoding} text",
                         "re-save the file as UTF-8") from exc


def read_srt(path: str | Path, *, encoding: str = "utf-8") -> list[SrtCue]:
    """Read a SubRip file into cues (format in the module docstring).

    Raises
    ------
    InputError
        Naming the file and the line of the first block that breaks the format.
    """
    path = Path(path)
    return parse_srt(_read_text(path, encoding), source=path)


def _seconds(groups: Sequence[str]) -> float:
    hours, minutes, seconds, millis = groups
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + int(millis.ljust(3, "0")) / 1000


def parse_srt(text: str, *, source: str | Path = "<srt>") -> list[SrtCue]:
    """Parse SubRip text (see :func:`read_srt`); ``source`` names it in errors.

    Examples
    --------
    >>> cues = parse_srt("1\\n00:00:01,000 --> 00:00:02,500\\n<i>Hello</i> there\\n")
    >>> cues[0].start_s, cues[0].end_s, cues[0].lines, cues[0].italic
    (1.0, 2.5, ('Hello there',), True)
    """
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cues: list[SrtCue] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        first = i
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        cues.extend(_parse_block(block, first + 1, source, cues))
    if not cues:
        raise InputError(source, "holds no subtitle cue", SRT_RULE_HINT)
    return cues


def _parse_block(block: list[str], line: int, source: str | Path,
                 previous: list[SrtCue]) -> list[SrtCue]:
    if _INDEX.match(block[0]):
        index, timing, body, timing_line = int(block[0]), block[1:2], block[2:], line + 1
    elif _TIMING.match(block[0]):  # some writers leave the number out
        index = previous[-1].index + 1 if previous else 1
        timing, body, timing_line = block[:1], block[1:], line
    else:
        raise InputError(source, f"line {line}: expected a cue number, found {block[0]!r}",
                         SRT_RULE_HINT)
    if not timing:
        raise InputError(source, f"line {line}: cue {index} has no timing line", SRT_RULE_HINT)
    match = _TIMING.match(timing[0])
    if match is None:
        raise InputError(source, f"line {timing_line}: expected "
                         f"'HH:MM:SS,mmm --> HH:MM:SS,mmm', found {timing[0]!r}",
                         SRT_RULE_HINT)
    start, end = _seconds(match.groups()[:4]), _seconds(match.groups()[4:8])
    if end <= start:
        raise InputError(source, f"line {timing_line}: cue {index} ends ({end:.3f} s) "
                         f"before it starts ({start:.3f} s)", "fix its timing")
    if not body:
        raise InputError(source, f"line {line}: cue {index} has no text", SRT_RULE_HINT)
    raw = "\n".join(body)
    align = _ASS_ALIGN.search(raw)
    clean = [" ".join(_ASS.sub("", _TAG.sub("", b)).split()) for b in body]
    clean = [c for c in clean if c]
    if not clean:  # only tags: nothing to show
        return []
    return [SrtCue(index, start, end, tuple(clean), bool(_ITALIC_TAG.search(raw)),
                   bool(_BOLD_TAG.search(raw)), int(align.group(1)) if align else None, line)]


# --- line breaking ---------------------------------------------------------------------------

def break_lines(text: str, measure: Callable[[str], float], max_width: float, *,
                max_lines: int = 2) -> list[str] | None:
    """Split ``text`` at spaces into at most ``max_lines`` balanced lines that fit.

    Parameters
    ----------
    text : str
        The sentence; runs of white space count as one space.
    measure : callable
        ``measure(line) -> width`` in pixels as drawn (e.g. the ink width of
        the line in the chosen font, outline included).
    max_width : float
        The widest a line may be.
    max_lines : int
        At most this many lines.

    Returns
    -------
    list of str or None
        The fewest lines that fit, the longest as short as possible (ties go to
        longer lower lines); None when no split fits (a word wider than
        ``max_width``, or too much text): shrink the font and try again.

    Examples
    --------
    >>> break_lines("I told you not to come back here", len, 20)
    ['I told you not', 'to come back here']
    >>> break_lines("Unbelievable", len, 5) is None
    True
    """
    words = _words(text)
    if not words:
        return [""] if max_lines >= 1 else None
    widths: dict[tuple[int, int], float] = {}

    def width(a: int, b: int) -> float:
        if (a, b) not in widths:
            widths[a, b] = measure(" ".join(words[a:b]))
        return widths[a, b]

    n = len(words)
    for count in range(1, min(max_lines, n) + 1):
        best = _best_split(0, count, n, width, max_width, {})
        if best is not None:
            cuts = [0, *best[1], n]
            return [" ".join(words[a:b]) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    return None


def _words(text: str) -> list[str]:
    """Space-separated tokens, a token of punctuation alone kept with its neighbour:
    closing marks with the word before ("Où es-tu ?"), opening marks and dashes
    with the word after ("- Coming?", "« Oui »")."""
    words: list[str] = []
    pending = ""
    for token in text.split():
        if all(unicodedata.category(c)[0] == "P" for c in token):
            opening = all(unicodedata.category(c) in ("Ps", "Pi", "Pd") for c in token)
            if words and not opening and not pending:
                words[-1] += " " + token
                continue
            pending += token + " "
            continue
        words.append(pending + token)
        pending = ""
    if pending:
        if words:
            words[-1] += " " + pending.rstrip()
        else:
            words.append(pending.rstrip())
    return words


def _best_split(start: int, count: int, n: int, width: Callable[[int, int], float],
                max_width: float, memo: dict) -> tuple[tuple[float, ...], tuple[int, ...]] | None:
    """Best cut positions of words[start:] into ``count`` lines: (score, cuts) or None.

    The score is (longest line, then line widths from the top): compared
    lexicographically, the first favours balance, the rest the pyramid shape.
    """
    key = (start, count)
    if key in memo:
        return memo[key]
    result = None
    if count == 1:
        w = width(start, n)
        result = ((w, w), ()) if w <= max_width else None
    else:
        for cut in range(start + 1, n - count + 2):
            w = width(start, cut)
            if w > max_width:
                break
            rest = _best_split(cut, count - 1, n, width, max_width, memo)
            if rest is None:
                continue
            score = (max(w, rest[0][0]), w, *rest[0][1:])
            if result is None or score < result[0]:
                result = (score, (cut, *rest[1]))
    memo[key] = result
    return result


def sample_index(rng: np.random.Generator, sentences: Sequence[Sentence], *,
                 draws: int = 1) -> int:
    """Index of a sentence drawn uniformly; with ``draws > 1`` the longest of that many
    draws, with ``draws < -1`` the shortest of ``-draws``: a bias towards more or less text."""
    picks = [int(rng.integers(len(sentences))) for _ in range(max(1, abs(draws)))]
    pick = max if draws > 0 else min
    return pick(picks, key=lambda i: len(sentences[i].text))
