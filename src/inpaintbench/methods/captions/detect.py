"""Blind caption detection: where subtitles are burned into a clip, without learning.

A subtitle is a layer pasted over the picture for a while and then taken away. The
detector looks for exactly that: pixels that hold one value for some frames and
change when the subtitle comes and goes, all at the same frames, and that draw
text. It works in three steps.

1. **Synchronous constant runs.** Every pixel's time line is cut into *runs*,
   stretches of frames over which it stays within ``tolerance`` of the frame
   before (every channel). The opaque parts of a subtitle (the text fill, its
   outline, an opaque box) hold still while the scene under them moves, and they
   all start and stop at the event's first and last frames; so the event shows up
   as a sharp peak of the histogram of runs over (first frame, end frame), several
   hundred pixels in one bin while the bins around it are nearly empty. A moving
   background also makes runs, but at scattered times: its bins are spread out.
   A still camera makes long runs too; those that end when a subtitle appears or
   leaves, or a person stops moving, are peaks as well, and step 2 tells them
   apart. Only runs that start or end inside the clip count (nothing tells a
   layer shown for the whole clip from a still picture by timing).
2. **Text test.** The pixels of a peak (its *ink*) are grouped into regions
   (closing along the text direction, connected components). A region is kept
   when its ink draws text lines: bright thin strokes (a morphological white
   top-hat, as in classical caption extraction, e.g. Lienhart & Wernicke, *IEEE
   TCSVT* 12(4), 2002) grouped into horizontal lines of plausible height and
   density, with either a dark rim (the outline, shadow or box that subtitles
   carry for legibility) or one dominant colour (the text colour), since
   "natural scenes like the leaves of a tree or grass in a field have textures
   similar to text" (the challenge book, decaptioning chapter). Regions covering
   more than :data:`MAX_REGION_FRACTION` of the frame are scenes, not subtitles.
3. **Footprint and timing.** The kept ink is closed and grown by the
   anti-aliasing fringe. A semi-transparent box over a moving scene is not
   constant, so it is not ink: around every block of text lines a box is looked
   for by *edge snapping*: along each side, the row (or column) where the picture
   darkens by the same ratio on its whole length, ``(outside − inside) /
   outside``, the signature of ``X = (1 − a)·Y + a·C`` with a dark ``C``, taken
   as the median over the event's frames. Fades are then added: frames just
   before and after the run where the text still stands out of its surround.

The mask of a frame is the union of the footprints of the events shown on it. The
whole clip costs two passes of a compiled kernel over its pixels plus a few
OpenCV calls per peak: well under a second for a 125-frame 256×256 clip.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numba import njit
from scipy import ndimage as ndi

# --- what subtitles look like (broadcast practice; the challenge book §3.1) ------------------
MIN_EVENT_FRAMES = 10  # a subtitle stays about a second (25 frames); fades take a few
MIN_EDGE_FRAMES = 5  # … but the clip may cut it short
MAX_REGION_FRACTION = 0.6  # overlays cover "up to 50 %" of a frame; larger regions are scenes
MAX_FADE_FRAMES = 6  # fades in or out last a few frames
LINE_HEIGHT = (6, 80)  # px on a 256-px frame: small captions to the large "hard" ones
REVEAL_RATIO = 3  # a run with this many times more text around it than on it was uncovered
BOX_FRAMES = 6
SHADOW_REACH = 0.25  # shadows fall within this fraction of the line height
OUTLINE_REACH = 0.2  # outlines stay within this fraction of the line height of the strokes
THICK_INK = 2  # px: ink this thick (an opening's radius) is a box, kept far from strokes  # frames of an event whose medians decide a box's sides


@dataclass(frozen=True)
class DetectorSettings:
    """The thresholds of :class:`CaptionDetector`, on 8-bit values.

    Attributes
    ----------
    tolerances : tuple of int
        A pixel's run goes on while no channel moves by more than the tolerance
        between consecutive frames. The clip is searched with each: a small one
        keeps the steps of a fade or of a faint box apart, a large one covers
        H.264 noise on a static overlay.
    min_run : int
        Shortest run counted, in frames.
    min_pixels : int
        Fewest pixels a peak holds beyond the largest of its 8 neighbour bins.
    sharpness : float
        A peak holds at least this many times the largest of its 8 neighbour bins.
    tophat_size : int
        Side of the square opening of the white top-hat: strokes thinner than
        this stand out.
    stroke_contrast, stroke_value : int
        A stroke pixel rises this much above its opening and is at least this bright.
    join_width : int
        Horizontal closing that joins letters into words and lines, px.
    min_line_strokes : int
        Fewest stroke pixels on text lines for a region to be text.
    min_sibling_strokes : int
        Fewest for a region next to a text region (another word of it).
    rim_ratio : float
        A rim pixel is darker than this fraction of the strokes' median value.
    min_rim : float
        Share of dark pixels around the strokes that makes a region text.
    colour_share, min_colour_pixels : float, int
        Otherwise, the share (and count) of stroke pixels within one colour bin of
        the dominant colour that makes it text.
    box_edge : float
        Least relative darkening along a box side.
    shadow_ratio : float
        Most brightness a drop shadow leaves, as a fraction of the picture's.
    fade_contrast : float
        A frame next to the event belongs to a fade while its text contrast is at
        least this fraction of the event's.
    """

    tolerances: tuple[int, ...] = (6, 14)
    min_run: int = 3
    min_pixels: int = 60
    spread: int = 2
    sharpness: float = 1.5
    tophat_size: int = 13
    stroke_contrast: int = 50
    stroke_value: int = 140
    join_width: int = 7
    min_line_strokes: int = 40
    min_sibling_strokes: int = 8
    rim_ratio: float = 0.5
    min_rim: float = 0.3
    colour_share: float = 0.35
    min_colour_pixels: int = 100
    box_edge: float = 0.2
    shadow_ratio: float = 0.8
    fade_contrast: float = 0.15


@dataclass(frozen=True)
class CaptionEvent:
    """A subtitle found in a clip.

    Attributes
    ----------
    start, end : int
        First frame shown and first frame no longer shown (fades included).
    footprint : numpy.ndarray
        bool ``(H, W)``: where it covers the frame.
    """

    start: int
    end: int
    footprint: np.ndarray


# --- step 1: synchronous constant runs -----------------------------------------------------

@njit(cache=True)
def _run_ends(frames, tolerance, t, p):
    """Whether pixel ``p``'s run ends after frame ``t`` (the last frame ends every run)."""
    if t == frames.shape[0] - 1:
        return True
    for c in range(frames.shape[2]):
        if abs(np.int32(frames[t + 1, p, c]) - np.int32(frames[t, p, c])) > tolerance:
            return True
    return False


@njit(cache=True)
def _run_histogram(frames, tolerance, min_run):
    """``hist[s, e]``: pixels holding still over frames ``s … e − 1`` exactly."""
    n_frames, n_pixels = frames.shape[0], frames.shape[1]
    hist = np.zeros((n_frames + 1, n_frames + 1), np.int32)
    start = np.zeros(n_pixels, np.int32)
    for t in range(n_frames):
        for p in range(n_pixels):
            if _run_ends(frames, tolerance, t, p):
                length = t + 1 - start[p]
                if min_run <= length < n_frames:
                    hist[start[p], t + 1] += 1
                start[p] = t + 1
    return hist


@njit(cache=True)
def _run_members(frames, tolerance, table, n_bins):
    """``members[k, p]``: whether pixel ``p`` has a run in bin ``k`` of ``table``."""
    n_frames, n_pixels = frames.shape[0], frames.shape[1]
    members = np.zeros((n_bins, n_pixels), np.bool_)
    start = np.zeros(n_pixels, np.int32)
    for t in range(n_frames):
        for p in range(n_pixels):
            if _run_ends(frames, tolerance, t, p):
                k = table[start[p], t + 1]
                if k >= 0:
                    members[k, p] = True
                start[p] = t + 1
    return members


def run_peaks(frames: np.ndarray, tolerance: int, settings: DetectorSettings
              ) -> tuple[np.ndarray, np.ndarray]:
    """The sharp peaks of the constant-run histogram and their pixels.

    Parameters
    ----------
    frames : numpy.ndarray
        uint8 ``(T, H, W, C)``.
    tolerance : int
        Largest step between consecutive frames within a run.

    Returns
    -------
    spans : numpy.ndarray
        int ``(K, 2)``: each peak's first frame and end frame (exclusive).
    ink : numpy.ndarray
        bool ``(K, H, W)``: the pixels whose run is that span.
    """
    n, h, w, c = frames.shape
    flat = np.ascontiguousarray(frames.reshape(n, h * w, c))
    hist = _run_histogram(flat, tolerance, settings.min_run)
    ring = np.ones((3, 3), bool)
    ring[1, 1] = False
    around = ndi.maximum_filter(hist, footprint=ring, mode="constant")
    spans = np.argwhere(hist - around >= settings.min_pixels)
    table = np.full(hist.shape, -1, np.int32)
    table[spans[:, 0], spans[:, 1]] = np.arange(len(spans), dtype=np.int32)
    ink = _run_members(flat, tolerance, table, len(spans))
    return spans, ink.reshape(len(spans), h, w)


# --- step 2: is it text? --------------------------------------------------------------------

def bright_strokes(frame: np.ndarray, settings: DetectorSettings) -> np.ndarray:
    """Bright strokes thinner than the top-hat window in one frame, bool ``(H, W)``.

    The white top-hat is taken on each channel and the largest kept, so white text
    stands out of a saturated red as well as of a dark grey.
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (settings.tophat_size,) * 2)
    tophat = cv2.morphologyEx(frame, cv2.MORPH_TOPHAT, kernel).max(axis=-1)
    return (tophat >= settings.stroke_contrast) & (frame.max(axis=-1) >= settings.stroke_value)


class _Strokes:
    """:func:`bright_strokes` of the frames of a clip, computed when first asked for."""

    def __init__(self, frames: np.ndarray, settings: DetectorSettings) -> None:
        self.frames, self.settings, self.done = frames, settings, {}

    def __getitem__(self, t: int) -> np.ndarray:
        if t not in self.done:
            self.done[t] = bright_strokes(self.frames[t], self.settings)
        return self.done[t]


def text_lines(strokes: np.ndarray, join_width: int = 9) -> np.ndarray:
    """Stroke pixels that form horizontal text lines, bool ``(H, W)``.

    Strokes are joined along the line by a closing; a joined component is a line
    when its height is in :data:`LINE_HEIGHT`, it is at least 1.5 times as wide as
    high, and strokes fill 10–70 % of its box (letters are neither specks nor blobs).
    """
    strokes8 = strokes.astype(np.uint8)
    joined = cv2.morphologyEx(strokes8, cv2.MORPH_CLOSE, np.ones((3, join_width), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    pixels = np.bincount(labels.ravel(), weights=strokes8.ravel(), minlength=count)
    _, _, width, height, area = stats.T
    box = np.maximum(width * height, 1)
    keep = ((height >= LINE_HEIGHT[0]) & (height <= LINE_HEIGHT[1]) & (width >= 1.5 * height)
            & (pixels >= 20) & (pixels >= 0.1 * box) & (pixels <= 0.7 * box) & (area >= 0.4 * box))
    keep[0] = False
    return keep[labels] & strokes


def _ring(mask: np.ndarray, inner: int, outer: int) -> np.ndarray:
    """Pixels between ``inner`` and ``outer`` px (Chebyshev) from ``mask``."""
    mask8 = mask.astype(np.uint8)
    far = cv2.dilate(mask8, np.ones((2 * outer + 1,) * 2, np.uint8))
    near = cv2.dilate(mask8, np.ones((2 * inner + 1,) * 2, np.uint8))
    return (far > near)


def _is_text(frame: np.ndarray, value: np.ndarray, lines: np.ndarray,
             settings: DetectorSettings) -> bool:
    """Whether the line strokes ``lines`` of one region look like subtitle text."""
    n = np.count_nonzero(lines)
    if n < settings.min_line_strokes:
        return False
    level = np.median(value[lines])
    rim = _ring(lines, 1, 2)
    if rim.any() and np.mean(value[rim] <= settings.rim_ratio * level) >= settings.min_rim:
        return True
    bins = frame[lines] // 8  # 32 levels a channel; neighbouring bins count as one colour
    codes = (bins[:, 0].astype(np.int32) << 10) | (bins[:, 1].astype(np.int32) << 5) | bins[:, 2]
    mode = np.bincount(codes).argmax()
    mode_bins = np.array([mode >> 10, (mode >> 5) & 31, mode & 31])
    same = np.count_nonzero(np.abs(bins.astype(np.int32) - mode_bins).max(axis=1) <= 1)
    return same >= settings.min_colour_pixels and same >= settings.colour_share * n


def _text_ink(frames: np.ndarray, value: np.ndarray, strokes: _Strokes, span, ink: np.ndarray,
              settings: DetectorSettings) -> tuple[np.ndarray, np.ndarray] | None:
    """The ink of the regions of one peak that draw text and their line strokes, or None."""
    start, end = span
    n = len(frames)
    if end - start < (MIN_EVENT_FRAMES if 0 < start and end < n else MIN_EDGE_FRAMES):
        return None
    mid = (start + end - 1) // 2
    stroke_ink = strokes[mid] & ink
    if np.count_nonzero(stroke_ink) < settings.min_line_strokes:
        return None
    joined = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_CLOSE,
                              np.ones((3, settings.join_width), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    lines = text_lines(stroke_ink)
    on_lines = np.bincount(labels[lines], minlength=count)
    # text on these pixels before and after the event (past any fade): then the run is the
    # picture a subtitle uncovered, not a subtitle
    around = np.zeros(count)
    for t in (start - 1 - MAX_FADE_FRAMES, end + MAX_FADE_FRAMES):
        if 0 <= t < n:
            seen = np.bincount(labels[text_lines(strokes[t] & ink)], minlength=count)
            around = np.maximum(around, seen)
    small = stats[:, 2] * stats[:, 3] <= MAX_REGION_FRACTION * ink.size
    candidates = (on_lines >= settings.min_line_strokes) & small & (REVEAL_RATIO * on_lines > around)
    keep = np.zeros(count, bool)
    for label in np.flatnonzero(candidates):
        if label:
            region = labels == label
            keep[label] = _is_text(frames[mid], value[mid], lines & region, settings)
    if not keep.any():
        return None
    # the other words of the same subtitle: regions with a few line strokes beside kept ones
    x, y, w, h = (stats[:, i] for i in range(4))
    near = cv2.dilate(keep[labels].astype(np.uint8),
                      np.ones((2 * int(h[keep].max()) + 1,) * 2, np.uint8)).astype(bool)
    touching = np.bincount(labels[near], minlength=count) > 0
    keep |= touching & (on_lines >= settings.min_sibling_strokes) & small
    keep[0] = False
    region = keep[labels]
    return region & ink, region & lines


# --- step 3: footprint, boxes, fades ---------------------------------------------------------

EDGE_FLOOR = 16.0  # the darkening ratio is noise where the outside is darker than this


def _best_edge(sample: np.ndarray, axis: int, candidates: np.ndarray, along: np.ndarray,
               step: int, threshold: float) -> int | None:
    """The candidate row (axis 0) or column (axis 1) where a darkened box begins.

    A candidate ``c`` is the box's outermost line, ``c + step`` the first line
    outside. Its strength is the median over ``along`` of the relative darkening
    ``(outside − inside) / outside``, then the median over the frames of
    ``sample`` (``(K, H, W)``); the strongest candidate wins if it reaches
    ``threshold``.
    """
    limit = sample.shape[1 + axis]
    candidates = candidates[(candidates + step >= 0) & (candidates + step < limit)]
    if not len(candidates) or not len(along):
        return None
    if axis == 0:
        inside = sample[:, candidates[:, None], along[None, :]]
        outside = sample[:, candidates[:, None] + step, along[None, :]]
    else:
        inside = sample[:, along[None, :], candidates[:, None]]
        outside = sample[:, along[None, :], candidates[:, None] + step]
    ratio = (outside - inside) / np.maximum(outside, EDGE_FLOOR)
    strength = np.median(np.median(ratio, axis=2), axis=0)
    best = int(np.argmax(strength))
    return int(candidates[best]) if strength[best] >= threshold else None


def _line_bands(text: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The text lines of a block, top to bottom: ``(x0, y0, x1, y1)`` of each band of rows."""
    rows = np.flatnonzero(text.any(axis=1))
    bands = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    out = []
    for band in bands:
        cols = np.flatnonzero(text[band[0]:band[-1] + 1].any(axis=0))
        out.append((int(cols[0]), int(band[0]), int(cols[-1]) + 1, int(band[-1]) + 1))
    return out


def snap_boxes(sample: np.ndarray, bands: list[tuple[int, int, int, int]],
               threshold: float) -> np.ndarray:
    """The darkened box behind one block of text lines, bool ``(H, W)`` (empty if none).

    The top side is looked for above the first line, the bottom below the last,
    each within a line height; then each line's band of rows (split halfway between
    lines) gets its own left and right sides, so a box per line and one box for the
    block both fit.

    Parameters
    ----------
    sample : numpy.ndarray
        float32 ``(K, H, W)`` brightness of K frames of the event.
    bands : list of (x0, y0, x1, y1)
        The block's text lines, top to bottom (see :func:`_line_bands`).
    threshold : float
        Least median darkening ``(outside − inside) / outside`` of a side.
    """
    _, height, width = sample.shape
    box = np.zeros((height, width), bool)
    reach = min(max(4, max(y1 - y0 for _, y0, _, y1 in bands)), LINE_HEIGHT[1])
    (fx0, fy0, fx1, _), (lx0, _, lx1, ly1) = bands[0], bands[-1]
    top = _best_edge(sample, 0, np.arange(fy0, fy0 - reach - 1, -1), np.arange(fx0, fx1), -1,
                     threshold)
    bottom = _best_edge(sample, 0, np.arange(ly1 - 1, ly1 + reach), np.arange(lx0, lx1), 1,
                        threshold)
    if top is None or bottom is None:
        return box
    cuts = [top] + [(a[3] + b[1]) // 2 for a, b in zip(bands, bands[1:], strict=False)] + [bottom + 1]
    block_x0 = min(b[0] for b in bands)
    block_x1 = max(b[2] for b in bands)
    for (x0, _, x1, _), r0, r1 in zip(bands, cuts, cuts[1:], strict=False):
        rows = np.arange(r0, r1)
        left = _best_edge(sample, 1, np.arange(x0, block_x0 - reach - 1, -1), rows, -1, threshold)
        right = _best_edge(sample, 1, np.arange(x1 - 1, block_x1 + reach), rows, 1, threshold)
        if left is None or right is None:
            return np.zeros_like(box)
        box[r0:r1, left:right + 1] = True
    return box


def _blocks(bands: list[tuple[int, int, int, int]]) -> list[list[tuple[int, int, int, int]]]:
    """Group text lines into subtitles: consecutive lines overlapping in x, a line apart."""
    groups = [[bands[0]]] if bands else []
    for band in bands[1:]:
        last = groups[-1][-1]
        gap = band[1] - last[3]
        if gap <= max(band[3] - band[1], last[3] - last[1]) and band[0] < last[2] and last[0] < band[2]:
            groups[-1].append(band)
        else:
            groups.append([band])
    return groups


def _boxes(value: np.ndarray, lines: np.ndarray, span, settings: DetectorSettings) -> np.ndarray:
    """Boxes snapped around each block of text lines of an event, bool ``(H, W)``."""
    start, end = span
    picks = np.unique(np.linspace(start, end - 1, BOX_FRAMES).round().astype(int))
    sample = value[picks].astype(np.float32)
    boxes = np.zeros(lines.shape, bool)
    for block in _blocks(_line_bands(lines)):
        boxes |= snap_boxes(sample, block, settings.box_edge)
    return boxes


def _shift(mask: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """``mask`` moved by ``dx`` columns and ``dy`` rows (what leaves the frame is lost)."""
    out = np.zeros_like(mask)
    h, w = mask.shape
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        mask[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out


def _shadow(value: np.ndarray, text: np.ndarray, footprint: np.ndarray, span, reach: int,
            settings: DetectorSettings) -> np.ndarray | None:
    """The drop shadow of an event's text, bool ``(H, W)``, or None.

    A shadow is the text shifted down (and right or left), darkened by a
    semi-transparent black: over a moving picture it is not constant, so it is not
    ink. Each shift within ``reach`` is scored by how much darker the shifted text
    (outside the footprint) is on the event's frames than on the frames without
    it, as the ratio of the two mean brightnesses, over the same ratio for the
    opposite shift (up, where no shadow falls: this cancels a picture that is
    darker overall while the event shows); the darkest shift wins if the ratio is
    under ``settings.shadow_ratio``.
    """
    start, end = span
    n = len(value)
    outside = np.r_[0:max(start - MAX_FADE_FRAMES, 0), min(end + MAX_FADE_FRAMES, n):n]
    if len(outside) < BOX_FRAMES:
        return None
    on = value[np.unique(np.linspace(start, end - 1, BOX_FRAMES).round().astype(int))]
    off = value[outside[np.unique(np.linspace(0, len(outside) - 1, BOX_FRAMES).round().astype(int))]]
    lit, dark = off.mean(axis=0), on.mean(axis=0)

    def darkening(dx: int, dy: int) -> tuple[np.ndarray, float]:
        moved = _shift(text, dx, dy) & ~footprint
        if np.count_nonzero(moved) < settings.min_line_strokes:
            return moved, 1.0
        return moved, dark[moved].sum() / max(lit[moved].sum(), 1.0)

    best, best_ratio = None, settings.shadow_ratio
    for dy in range(1, reach + 1):
        for dx in range(-reach // 2, reach + 1):
            moved, ratio = darkening(dx, dy)
            _, control = darkening(-dx, -dy)
            if ratio < best_ratio * control:
                best, best_ratio = moved, ratio / control
    return best


def _footprint(value: np.ndarray, text: np.ndarray, lines: np.ndarray, span,
               settings: DetectorSettings) -> np.ndarray:
    """Everything an event covers, bool ``(H, W)``, from its text ink and line strokes.

    The ink is kept near the strokes (the outline around them) or where it is
    thick (an opaque box): a thin curve of the picture that happened to hold
    still as long, touching the text, goes. Then the anti-aliased fringe (one
    pixel), the boxes (:func:`snap_boxes`) and the drop shadow (:func:`_shadow`)
    are added.
    """
    height = max(b[3] - b[1] for b in _line_bands(lines))
    square = (lambda r: np.ones((2 * r + 1, 2 * r + 1), np.uint8))
    near = cv2.dilate(lines.astype(np.uint8), square(max(2, round(OUTLINE_REACH * height))))
    ink = text.astype(np.uint8)
    kept = ink
    footprint = cv2.dilate(cv2.morphologyEx(kept, cv2.MORPH_CLOSE, square(1)), square(1)) > 0
    boxes = _boxes(value, lines, span, settings)
    shadow = _shadow(value, text, footprint | boxes, span,
                     max(2, round(SHADOW_REACH * height)), settings)
    footprint |= boxes
    if shadow is not None:
        footprint |= cv2.dilate(shadow.astype(np.uint8), square(1)) > 0
    return footprint


def _fade_span(value: np.ndarray, footprint: np.ndarray, fill: np.ndarray, span,
               settings: DetectorSettings) -> tuple[int, int]:
    """Grow ``span`` over the frames of a fade, where the fill still outshines its rim."""
    start, end = span
    rim = footprint & ~fill
    if not fill.any() or not rim.any():
        return start, end

    def contrast(t: int) -> float:
        return float(value[t][fill].mean()) - float(value[t][rim].mean())

    full = contrast((start + end - 1) // 2)
    if full <= 0:
        return start, end
    limit = settings.fade_contrast * full
    first, last = start, end
    while first > max(start - MAX_FADE_FRAMES, 0) and contrast(first - 1) >= limit:
        first -= 1
    while last < min(end + MAX_FADE_FRAMES, len(value)) and contrast(last) >= limit:
        last += 1
    return first, last


@dataclass(frozen=True)
class CaptionDetector:
    """Blind caption detector for track-2 clips (see the module docstring).

    Parameters
    ----------
    settings : DetectorSettings, optional

    Examples
    --------
    >>> clip = np.zeros((20, 64, 64, 3), np.uint8)
    >>> CaptionDetector().detect(clip).shape
    (20, 64, 64)
    """

    settings: DetectorSettings = DetectorSettings()

    def events(self, frames: np.ndarray) -> list[CaptionEvent]:
        """The subtitle events of a clip, uint8 ``(T, H, W, 3)``, in order of their peaks."""
        frames = check_clip(frames)
        s = self.settings
        value = frames.max(axis=-1)
        strokes = _Strokes(frames, s)
        events = []
        peaks = [run_peaks(frames, tolerance, s) for tolerance in s.tolerances]
        for span, ink in ((p, i) for spans, inks in peaks for p, i in zip(spans, inks, strict=True)):
            found = _text_ink(frames, value, strokes, span, ink, s)
            if found is None:
                continue
            text, lines = found
            footprint = _footprint(value, text, lines, span, s)
            first, last = _fade_span(value, footprint, lines, span, s)
            events.append(CaptionEvent(first, last, footprint))
        return events

    def detect(self, frames: np.ndarray) -> np.ndarray:
        """The caption mask of a clip, bool ``(T, H, W)``."""
        frames = check_clip(frames)
        mask = np.zeros(frames.shape[:3], bool)
        for event in self.events(frames):
            mask[event.start:event.end] |= event.footprint
        return mask


def check_clip(frames: np.ndarray) -> np.ndarray:
    """``frames`` as an array, or ValueError unless it is a uint8 ``(T, H, W, 3)`` clip."""
    frames = np.asarray(frames)
    if frames.dtype != np.uint8 or frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"frames must be uint8 (T, H, W, 3), got {frames.dtype} {frames.shape}")
    return frames


def detection_scores(pred: np.ndarray, true: np.ndarray) -> dict[str, float]:
    """Pixel-level IoU, precision and recall of a caption mask, pooled over frames.

    Parameters
    ----------
    pred, true : numpy.ndarray
        bool masks of the same shape (e.g. ``(T, H, W)``), True on captions.

    Returns
    -------
    dict
        ``iou``, ``precision``, ``recall`` in [0, 1]; each is 1 when its
        denominator is empty (nothing to find and nothing found is perfect).

    Examples
    --------
    >>> true = np.zeros((2, 4, 4), bool); true[:, 1:3, 1:3] = True
    >>> pred = np.zeros_like(true); pred[:, 1:3, 1:4] = True
    >>> {k: round(v, 3) for k, v in detection_scores(pred, true).items()}
    {'iou': 0.667, 'precision': 0.667, 'recall': 1.0}
    """
    pred, true = np.asarray(pred, bool), np.asarray(true, bool)
    if pred.shape != true.shape:
        raise ValueError(f"masks differ in shape: {pred.shape} and {true.shape}")
    inter = np.count_nonzero(pred & true)
    n_pred, n_true = np.count_nonzero(pred), np.count_nonzero(true)
    union = n_pred + n_true - inter
    return {"iou": inter / union if union else 1.0,
            "precision": inter / n_pred if n_pred else 1.0,
            "recall": inter / n_true if n_true else 1.0}
