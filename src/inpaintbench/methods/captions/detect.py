"""Blind caption detection: where subtitles are burned into a clip, without learning.

A subtitle is a layer pasted over the picture for a while and then taken away. The
detector looks for exactly that: pixels that hold one value for some frames, all
starting and stopping at the same frames, and that draw text. Three steps:

1. **Synchronous constant runs** (:func:`run_peaks`). Every pixel's time line is
   cut into *runs*, stretches of frames over which no channel moves by more than
   a tolerance from one frame to the next; a frame or two that jump away (by
   less than ``glitch_jump``) and come back do not end a run, since H.264 puts
   such glitches on thin strokes over a moving picture now and then, and a
   strict run would break on almost every pixel of a long event. The opaque
   parts of a subtitle (the text fill, its outline, an opaque box) hold still
   while the scene under them moves, and they all start and stop at the event's
   first and last frames, so
   the event is a sharp peak of the histogram of runs over (first frame, end
   frame): hundreds of pixels in one bin, its neighbour bins nearly empty. A
   moving picture also makes runs, at scattered times. A still camera makes long
   runs too, and those that end when a subtitle comes or goes or a person stops
   are peaks as well: step 2 tells them apart. Runs covering the whole clip are
   no peak (timing cannot tell a layer shown throughout from a still picture):
   they take the second path below. The clip is searched with a small tolerance
   (the steps of a fade, a faint box) and a large one (H.264 noise on a still
   overlay).
2. **Text test** (:func:`text_ink`). A peak's pixels (its *ink*), less those
   that look the same just before or after the event (a still part of the
   picture that merely held as long), are grouped into regions (a closing along
   the text direction, connected components). A region is kept when its ink
   draws text lines (:func:`text_lines`): bright thin strokes, found by a
   morphological white top-hat as in classical caption extraction (Lienhart &
   Wernicke, "Localizing and segmenting text in images and videos", IEEE TCSVT
   12(4), 2002), grouped into horizontal lines of plausible height and density;
   with a dark rim (the outline, shadow or box that subtitles carry to be
   legible) or one dominant colour (the text's), or, where H.264's halved chroma
   smeared that colour over a coloured picture, one dominant brightness well
   above the strokes' surround, since "natural scenes like the
   leaves of a tree or grass in a field have textures similar to text" (the
   challenge book, decaptioning chapter). A region with much more text around it
   in time than on it, and not drawn in a couple of flat colours as a box is, is
   the picture a subtitle uncovered, and goes; one covering more than
   :data:`MAX_REGION_FRACTION` of the frame is a still scene.
3. **Footprint and timing** (:func:`footprint`). The kept ink (near the strokes,
   or thick and shaped like a box) is grown by its anti-aliased fringe: the
   pixels next to it that the event changed and that move less than the picture
   around (a pixel part overlay moves by ``1 − a`` of the picture under it). A
   semi-transparent box over a moving picture is not constant, so it is no ink:
   a box is looked for around every block of text lines by *edge snapping*
   (:func:`snap_box`): along each side, the row or column where the picture
   darkens by the same ratio, ``(outside − inside) / outside``, on its whole
   length, the signature of ``X = (1 − a)·Y + a·C`` with a dark ``C``. A drop
   shadow is the text shifted down and darkened (:func:`drop_shadow`). Fades are
   added last: the frames next to the event where its text still stands out of
   its surround.

**Shown throughout** (:func:`still_text`). The pixels still over the whole clip,
near blocks of text lines drawn by them, are put through the same text test,
with the timing's evidence replaced by the picture's: a region is kept when it
lies in the lower half of the frame (where subtitles shown throughout sit, on a
band or not) and the picture around it moves. Text on a still band at the bottom
of a moving picture is found; a still scene, or text in a still part of it, is
not; nor is a subtitle shown throughout at the top of the frame, or a box
reaching above the middle.

A frame's mask is the union of the footprints of the events shown on it. A
125-frame 256×256 clip takes about half a second on one core: four passes of a
compiled kernel over its pixels and a few OpenCV calls per peak.

**Scale.** The thresholds in pixels (line heights, stroke widths, reaches) are
tuned on the book's 256×256 frames (:data:`TUNED_SIZE`). A clip of the release's
128×128 is searched twice: upsampled ×2 (bicubic), at the tuned scale, where a pixel
of the mask brought back is a caption pixel when any of its four is; and as it is.
The mask is the union. At 128 px a small subtitle's strokes are one or two pixels
wide, too thin for the stroke test at their own scale (upsampled: IoU 0.72–0.80 on
easy subtitles after H.264, as it is: 0–0.72), while the codec noise that upsampling
smooths into slow drifts breaks the runs of semi-transparent boxes (medium: 0.37–0.96
upsampled, 0.92–0.98 as it is); the union keeps the better of the two on each
(:mod:`tests.methods.captions.test_caption_detector` measures it).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numba import njit
from scipy import ndimage as ndi

Box = tuple[int, int, int, int]  # (x0, y0, x1, y1), x1 and y1 exclusive

# --- what subtitles look like (broadcast practice; the challenge book §3.1) ------------------
MIN_EVENT_FRAMES = 10  # a subtitle stays about a second (25 frames); fades take a few
MIN_EDGE_FRAMES = 5  # … unless the clip cuts it short
MAX_FADE_FRAMES = 6  # fades in or out last a few frames
MAX_REGION_FRACTION = 0.6  # overlays cover "up to 50 %" of a frame; larger regions are scenes
TUNED_SIZE = 256  # px: the frame height every size in px below is tuned for
LINE_HEIGHT = (6, 80)  # px on a 256-px frame, from the smallest captions to the largest
LINE_ASPECT = 1.5  # a text line is at least this many times as wide as high
LINE_DENSITY = (0.1, 0.7)  # share of a line's box its strokes fill: neither specks nor blobs
LINE_FILL = 0.3  # share of a line's box its joined strokes fill
LINE_JOIN = 9  # px: the closing that joins letters into lines
LINE_MIN_STROKES = 20  # fewer stroke pixels make no line
OUTLINE_REACH = 0.2  # outlines stay within this fraction of the line height of the strokes
SHADOW_REACH = 0.25  # drop shadows fall within this fraction of the line height
# --- how the evidence is weighed (ours) ------------------------------------------------------
REVEAL_RATIO = 3  # a run with this many times more text around it than on it was uncovered …
OVERLAY_PALETTE = 0.5  # … unless this share of it is in two colours (a box and its text)
PALETTE_STEP = 16  # grey levels a colour bin spans when counting an overlay's colours
COLOUR_STEP = 8  # grey levels a colour bin spans when looking for the text's colour
EDGE_FLOOR = 16.0  # below this brightness the darkening ratio of a box edge is noise
FRINGE_JUMP = 4  # grey levels: an anti-aliased edge pixel changes by more than noise
FRINGE_CALM = 0.6  # an edge pixel at least 40 % overlay moves at most this share of the picture …
FRINGE_NOISE = 2.0  # … plus this (grey levels of codec noise, for a still picture)
FRINGE_AROUND = 15  # px: the window over which the picture's motion around is averaged
SAMPLE_FRAMES = 6  # frames of an event (and around it) whose medians decide boxes, shadows
THICK_INK = 2  # px: ink that survives an opening of this radius is a box, not a stray curve …
BOX_FILL = 0.7  # … if it fills this share of its bounding box
BOX_GAP = 3  # px: the radius of the closing that fills a box's holes before that test
AROUND_REACH = 8  # px: how far around a region shown throughout the picture must move …
MOVING_AROUND = 0.5  # … on this share of those pixels, for the region to be a layer over it
STILL_BAND = 0.5  # the bottom share of the frame such a region must lie in: subtitles sit low
# (PLACES in data/captions/subtitles.py: 82 % at the bottom); above, a still sign or a zoom's
# centre passes the test as well (measured on the development set, seed 3)


@dataclass(frozen=True)
class DetectorSettings:
    """The thresholds of :class:`CaptionDetector`, on 8-bit values.

    Attributes
    ----------
    tolerances : tuple of int
        A pixel's run goes on while no channel moves by more than the tolerance
        between consecutive frames. The clip is searched with each: a small one
        keeps the steps of a fade or of a faint box apart, a large one bridges
        H.264 noise on a still overlay.
    glitch, glitch_jump : int
        A run goes on through up to ``glitch`` frames that differ from its last
        held frame by more than the tolerance but by at most ``glitch_jump`` in
        every channel, when the frame after them is back within the tolerance:
        H.264 noise on thin strokes over a moving picture (on the development set,
        half of such glitches are under 22 levels, nine in ten under 60). The cap
        keeps a box apart from the box of the next subtitle a gap of a frame or
        two later, where the picture shows through by more.
    min_run : int
        Shortest run counted, in frames.
    min_pixels : int
        Fewest pixels a peak holds beyond the largest of its 8 neighbour bins.
    tophat_size : int
        Side of the square opening of the white top-hat: strokes thinner than
        this stand out.
    stroke_contrast, stroke_value : int
        A stroke pixel rises this much above the opening (in some channel) and is
        at least this bright.
    min_jump : int
        Ink must differ by more than this from the frames around the event (the
        subtitle came and went there).
    join_width : int
        Horizontal closing that joins a peak's ink into regions, px.
    min_line_strokes : int
        Fewest stroke pixels on text lines for a region to be text.
    min_sibling_strokes : int
        Fewest for a region beside a text region (another word of it).
    rim_ratio : float
        A rim pixel is darker than this fraction of the strokes' median value.
    min_rim : float
        Share of dark pixels around the strokes that makes a region text.
    colour_share, min_colour_pixels : float, int
        Otherwise, the share (and count) of stroke pixels in the dominant colour
        bin (or a neighbouring one) that makes it text.
    value_share, fill_contrast : float, int
        Failing that, the share of stroke pixels in the dominant brightness bin
        (or a neighbouring one), with the strokes' median brightness this much
        above that of the two pixels around them, that makes it text. Measured on
        a development set (seed 3): subtitle strokes over coloured pictures after
        H.264 hold 0.46–0.80 of their pixels there; the still textures that pass
        the timing (leaves, circuit boards) 0.14–0.38, flat highlights as much but
        with a contrast of a few levels.
    box_edge : float
        Least median darkening along a box side.
    shadow_ratio : float
        Most brightness a drop shadow leaves, relative to the unshadowed picture.
    fade_contrast : float
        A frame next to the event belongs to a fade while its text contrast is at
        least this fraction of the event's.
    """

    tolerances: tuple[int, ...] = (6, 14)
    glitch: int = 2
    glitch_jump: int = 40
    min_run: int = 3
    min_pixels: int = 60
    tophat_size: int = 13
    stroke_contrast: int = 50
    min_jump: int = 24
    stroke_value: int = 140
    join_width: int = 7
    min_line_strokes: int = 40
    min_sibling_strokes: int = 8
    rim_ratio: float = 0.5
    min_rim: float = 0.3
    colour_share: float = 0.35
    min_colour_pixels: int = 100
    value_share: float = 0.45
    fill_contrast: int = 30
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


def _square(radius: int) -> np.ndarray:
    """A ``(2r + 1)²`` structuring element."""
    return np.ones((2 * radius + 1, 2 * radius + 1), np.uint8)


def brightest(image: np.ndarray) -> np.ndarray:
    """The largest channel of an RGB image or clip ``(..., 3)`` (HSV's value)."""
    return np.maximum(np.maximum(image[..., 0], image[..., 1]), image[..., 2])


def _spread(first: int, last: int, count: int) -> np.ndarray:
    """Up to ``count`` integers evenly spread over ``first … last``."""
    return np.unique(np.linspace(first, last, count).round().astype(int))


# --- step 1: synchronous constant runs -------------------------------------------------------

@njit(cache=True)
def _close(frames, tolerance, p, a, b):
    """Whether no channel of pixel ``p`` differs by more than ``tolerance`` between frames
    ``a`` and ``b``."""
    for c in range(frames.shape[2]):
        if abs(np.int32(frames[a, p, c]) - np.int32(frames[b, p, c])) > tolerance:
            return False
    return True


@njit(cache=True)
def _run_ends(frames, tolerance, glitch, glitch_jump, t, p, ref):
    """Whether pixel ``p``'s run ends after frame ``t``, and the run's new reference frame.

    ``ref`` is the run's last frame that held (within ``tolerance`` of the one
    before it). The run goes on through frame ``t + 1`` when that frame is close
    to ``ref``, or when one of the frames up to ``ref + 1 + glitch`` is (a codec
    glitch of a frame or two); the last frame ends every run.
    """
    if t == frames.shape[0] - 1:
        return True, t
    if _close(frames, tolerance, p, ref, t + 1):
        return False, t + 1
    if not _close(frames, glitch_jump, p, ref, t + 1):
        return True, t + 1
    for u in range(t + 2, min(ref + 2 + glitch, frames.shape[0])):
        if _close(frames, tolerance, p, ref, u):
            return False, ref
    return True, t + 1


@njit(cache=True)
def _run_histogram(frames, tolerance, glitch, glitch_jump, min_run):
    """``hist[s, e]``: pixels holding still over frames ``s … e − 1`` exactly."""
    n_frames, n_pixels = frames.shape[0], frames.shape[1]
    hist = np.zeros((n_frames + 1, n_frames + 1), np.int32)
    start = np.zeros(n_pixels, np.int32)
    ref = np.zeros(n_pixels, np.int32)
    for t in range(n_frames):
        for p in range(n_pixels):
            ends, ref[p] = _run_ends(frames, tolerance, glitch, glitch_jump, t, p, ref[p])
            if ends:
                length = t + 1 - start[p]
                if min_run <= length < n_frames:
                    hist[start[p], t + 1] += 1
                start[p] = t + 1
    return hist


@njit(cache=True)
def _run_members(frames, tolerance, glitch, glitch_jump, table, n_bins):
    """``members[k, p]``: whether pixel ``p`` has a run in the bin ``table`` numbers ``k``."""
    n_frames, n_pixels = frames.shape[0], frames.shape[1]
    members = np.zeros((n_bins, n_pixels), np.bool_)
    start = np.zeros(n_pixels, np.int32)
    ref = np.zeros(n_pixels, np.int32)
    for t in range(n_frames):
        for p in range(n_pixels):
            ends, ref[p] = _run_ends(frames, tolerance, glitch, glitch_jump, t, p, ref[p])
            if ends:
                k = table[start[p], t + 1]
                if k >= 0:
                    members[k, p] = True
                start[p] = t + 1
    return members


def run_peaks(frames: np.ndarray, tolerance: int, settings: DetectorSettings
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sharp peaks of the histogram of constant runs, their pixels, and the still ones.

    Parameters
    ----------
    frames : numpy.ndarray
        uint8 ``(T, H, W, C)``.
    tolerance : int
        Largest step between consecutive frames within a run.
    settings : DetectorSettings
        ``min_run``, ``min_pixels``, ``glitch`` and ``glitch_jump`` are used.

    Returns
    -------
    spans : numpy.ndarray
        int ``(K, 2)``: each peak's first frame and end frame (exclusive).
    ink : numpy.ndarray
        bool ``(K, H, W)``: the pixels whose run is that span.
    still : numpy.ndarray
        bool ``(H, W)``: the pixels whose run covers the whole clip (never a peak).
    """
    n, h, w, c = frames.shape
    flat = np.ascontiguousarray(frames.reshape(n, h * w, c))
    hist = _run_histogram(flat, tolerance, settings.glitch, settings.glitch_jump,
                          settings.min_run)
    ring = np.ones((3, 3), bool)
    ring[1, 1] = False
    around = ndi.maximum_filter(hist, footprint=ring, mode="constant")
    spans = np.argwhere(hist - around >= settings.min_pixels)
    table = np.full(hist.shape, -1, np.int32)
    table[spans[:, 0], spans[:, 1]] = np.arange(len(spans), dtype=np.int32)
    table[0, n] = len(spans)  # the whole clip, kept apart
    ink = _run_members(flat, tolerance, settings.glitch, settings.glitch_jump, table,
                       len(spans) + 1).reshape(len(spans) + 1, h, w)
    return spans, ink[:-1], ink[-1]


# --- step 2: is it text? ---------------------------------------------------------------------

def bright_strokes(frame: np.ndarray, settings: DetectorSettings) -> np.ndarray:
    """Bright strokes thinner than the top-hat window in one RGB frame, bool ``(H, W)``.

    The white top-hat is taken on each channel and the largest kept, so white text
    stands out of a saturated red as well as of a dark grey.
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (settings.tophat_size,) * 2)
    tophat = brightest(cv2.morphologyEx(frame, cv2.MORPH_TOPHAT, kernel))
    return (tophat >= settings.stroke_contrast) & (brightest(frame) >= settings.stroke_value)


class StrokeCache:
    """:func:`bright_strokes` of the frames of a clip, computed when first asked for."""

    def __init__(self, frames: np.ndarray, settings: DetectorSettings) -> None:
        self.frames, self.settings, self.done = frames, settings, {}

    def __getitem__(self, t: int) -> np.ndarray:
        if t not in self.done:
            self.done[t] = bright_strokes(self.frames[t], self.settings)
        return self.done[t]


def text_lines(strokes: np.ndarray) -> np.ndarray:
    """The stroke pixels that form horizontal text lines, bool ``(H, W)``.

    Strokes are joined along the line by a closing (:data:`LINE_JOIN`); a joined
    component is a line when its height is within :data:`LINE_HEIGHT`, it is at
    least :data:`LINE_ASPECT` times as wide as high, its strokes fill
    :data:`LINE_DENSITY` of its box and the joined component :data:`LINE_FILL`.

    Examples
    --------
    >>> strokes = np.zeros((40, 80), bool)
    >>> strokes[10:20, 10:60:4] = True  # a row of ten 1-px letters
    >>> int(text_lines(strokes).sum()), int(text_lines(strokes.T).sum())
    (130, 0)
    """
    strokes8 = strokes.astype(np.uint8)
    joined = cv2.morphologyEx(strokes8, cv2.MORPH_CLOSE, np.ones((3, LINE_JOIN), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    pixels = np.bincount(labels.ravel(), weights=strokes8.ravel(), minlength=count)
    _, _, width, height, area = stats.T
    box = np.maximum(width * height, 1)
    keep = ((height >= LINE_HEIGHT[0]) & (height <= LINE_HEIGHT[1])
            & (width >= LINE_ASPECT * height) & (pixels >= LINE_MIN_STROKES)
            & (pixels >= LINE_DENSITY[0] * box) & (pixels <= LINE_DENSITY[1] * box)
            & (area >= LINE_FILL * box))
    keep[0] = False
    return keep[labels] & strokes


def _is_text(frame: np.ndarray, lines: np.ndarray, settings: DetectorSettings) -> bool:
    """Whether the line strokes ``lines`` of one region of ``frame`` look like subtitle text.

    Text has a dark rim, or one dominant colour, or (when H.264's halved chroma
    has smeared the colour of thin strokes over a coloured picture) one dominant
    brightness standing well above its surround: the luma of a stroke survives
    the codec where its chroma does not.
    """
    n = np.count_nonzero(lines)
    if n < settings.min_line_strokes:
        return False
    value = brightest(frame)
    mask8 = lines.astype(np.uint8)
    rim = cv2.dilate(mask8, _square(2)) > cv2.dilate(mask8, _square(1))
    fill = np.median(value[lines])
    if rim.any() and np.mean(value[rim] <= settings.rim_ratio * fill) >= settings.min_rim:
        return True
    bins = (frame[lines] // COLOUR_STEP).astype(np.int32)
    levels = 256 // COLOUR_STEP
    codes = (bins[:, 0] * levels + bins[:, 1]) * levels + bins[:, 2]
    mode = np.bincount(codes).argmax()
    mode_bins = np.array([mode // levels ** 2, mode // levels % levels, mode % levels])
    same = np.count_nonzero(np.abs(bins - mode_bins).max(axis=1) <= 1)
    if same >= settings.min_colour_pixels and same >= settings.colour_share * n:
        return True
    if n < settings.min_colour_pixels:
        return False
    levels = value[lines] // COLOUR_STEP
    same = np.count_nonzero(np.abs(levels - np.bincount(levels).argmax()) <= 1)
    ring = cv2.dilate(mask8, _square(2)) > mask8
    return same >= settings.value_share * n \
        and fill - np.median(value[ring]) >= settings.fill_contrast


def _appears(frames: np.ndarray, span: tuple[int, int], jump: int) -> np.ndarray:
    """Where the event's middle frame differs by more than ``jump`` (some channel) from
    a frame next to the event or past its fades, bool ``(H, W)``: what the subtitle
    changed, as opposed to a still part of the picture that merely held as long."""
    start, end = span
    mid = frames[(start + end - 1) // 2].astype(np.int16)
    changed = np.zeros(frames.shape[1:3], bool)
    for t in {start - 1, end, start - 1 - MAX_FADE_FRAMES, end + MAX_FADE_FRAMES}:
        if 0 <= t < len(frames):
            changed |= brightest(np.abs(frames[t] - mid)) > jump
    return changed


def _palette_share(pixels: np.ndarray) -> float:
    """Share of ``pixels`` (``(N, 3)``) in their two commonest colours (bins of
    :data:`PALETTE_STEP` levels): near 1 for an overlay's text, outline and box."""
    if not len(pixels):
        return 0.0
    levels = 256 // PALETTE_STEP
    bins = (pixels // PALETTE_STEP).astype(np.int32)
    counts = np.bincount((bins[:, 0] * levels + bins[:, 1]) * levels + bins[:, 2])
    return float(np.sort(counts)[-2:].sum() / len(pixels))


def _text_regions(frame: np.ndarray, ink: np.ndarray, stroke_ink: np.ndarray,
                  settings: DetectorSettings, veto
                  ) -> tuple[np.ndarray, np.ndarray] | None:
    """The regions of ``ink`` that draw text on ``frame``: their ink and line strokes.

    ``ink`` is grouped into regions (a closing along the text direction,
    connected components); a region small enough, with enough line strokes of
    ``stroke_ink`` that pass :func:`_is_text`, is kept unless ``veto(labels,
    candidates)`` (bool arrays over the labels) rules it out; then the regions
    with a few line strokes beside kept ones (the other words of the subtitle).
    """
    if np.count_nonzero(stroke_ink) < settings.min_line_strokes:
        return None
    joined = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_CLOSE,
                              np.ones((3, settings.join_width), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    lines = text_lines(stroke_ink)
    on_lines = np.bincount(labels[lines], minlength=count)
    small = stats[:, 2] * stats[:, 3] <= MAX_REGION_FRACTION * ink.size
    candidates = (on_lines >= settings.min_line_strokes) & small
    candidates[0] = False
    if not candidates.any():
        return None
    candidates &= ~veto(labels, candidates)
    keep = np.zeros(count, bool)
    for label in np.flatnonzero(candidates):
        keep[label] = _is_text(frame, lines & (labels == label), settings)
    if not keep.any():
        return None
    # the other words of the same subtitle: regions with a few line strokes beside kept ones
    height = int(stats[keep, 3].max())
    near = cv2.dilate(keep[labels].astype(np.uint8), _square(height)).astype(bool)
    beside = np.bincount(labels[near], minlength=count) > 0
    keep |= beside & (on_lines >= settings.min_sibling_strokes) & small
    keep[0] = False
    region = keep[labels]
    return region & ink, region & lines


def text_ink(frames: np.ndarray, strokes: StrokeCache, span: tuple[int, int], ink: np.ndarray,
             settings: DetectorSettings) -> tuple[np.ndarray, np.ndarray] | None:
    """The ink of the regions of one peak that draw text, and their line strokes.

    Parameters
    ----------
    frames : numpy.ndarray
        uint8 ``(T, H, W, 3)``.
    strokes : StrokeCache
        The clip's :func:`bright_strokes`, by frame.
    span : (int, int)
        The peak's first and end frame.
    ink : numpy.ndarray
        bool ``(H, W)``: the peak's pixels.
    settings : DetectorSettings

    Returns
    -------
    (text, lines) or None
        bool ``(H, W)`` each: the kept ink and the stroke pixels on its text
        lines; None when the peak is no subtitle.
    """
    start, end = span
    n = len(frames)
    if end - start < (MIN_EVENT_FRAMES if 0 < start and end < n else MIN_EDGE_FRAMES):
        return None
    mid = (start + end - 1) // 2
    ink = ink & _appears(frames, (start, end), settings.min_jump)

    def uncovered(labels: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        # text on these pixels before and after the event (past any fade), and no overlay
        # colours, means the run is the picture a subtitle uncovered, not a subtitle
        count = len(candidates)
        on_lines = np.bincount(labels[text_lines(strokes[mid] & ink)], minlength=count)
        around = np.zeros(count)
        for t in (start - 1 - MAX_FADE_FRAMES, end + MAX_FADE_FRAMES):
            if 0 <= t < n:
                around = np.maximum(around, np.bincount(labels[text_lines(strokes[t] & ink)],
                                                        minlength=count))
        out = np.zeros(count, bool)
        for label in np.flatnonzero(candidates & (REVEAL_RATIO * on_lines <= around)):
            out[label] = _palette_share(frames[mid][(labels == label) & ink]) < OVERLAY_PALETTE
        return out

    return _text_regions(frames[mid], ink, strokes[mid] & ink, settings, uncovered)


def still_text(frames: np.ndarray, value: np.ndarray, strokes: StrokeCache, still: np.ndarray,
               settings: DetectorSettings) -> tuple[np.ndarray, np.ndarray] | None:
    """The ink of a subtitle shown for the whole clip, and its line strokes, or None.

    Timing cannot tell a layer shown throughout from a still part of the picture,
    so the pixels ``still`` (bool ``(H, W)``) that hold for the whole clip are
    kept only where they draw text (as :func:`text_ink`) and the picture around
    their region moves: at least :data:`MOVING_AROUND` of the pixels within
    :data:`AROUND_REACH` px of it change by more than ``min_jump`` over the clip.
    Text on a still band over a moving picture is found; a still scene, or a
    still sign in a still part of it, is not.

    Parameters
    ----------
    frames : numpy.ndarray
        uint8 ``(T, H, W, 3)``.
    value : numpy.ndarray
        ``(T, H, W)`` brightness of the clip (:func:`brightest`).
    strokes : StrokeCache
    still : numpy.ndarray
        bool ``(H, W)``: the pixels whose run is the whole clip.
    settings : DetectorSettings
    """
    mid = (len(frames) - 1) // 2
    if np.count_nonzero(still) < settings.min_pixels:
        return None
    moving = (value.max(axis=0) - value.min(axis=0)) > settings.min_jump
    # flat parts of a moving picture hold still too, and join the layer's ink into one
    # region: only the ink within a line height of each block of text lines is looked at
    zone = np.zeros_like(still)
    for block in _blocks(line_bands(text_lines(strokes[mid] & still))):
        reach = max(y1 - y0 for _, y0, _, y1 in block)
        x0, y0 = min(b[0] for b in block) - reach, block[0][1] - reach
        x1, y1 = max(b[2] for b in block) + reach, block[-1][3] + reach
        zone[max(y0, 0):y1, max(x0, 0):x1] = True
    still = still & zone

    def still_around(labels: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        out = np.ones(len(candidates), bool)
        top = round((1 - STILL_BAND) * len(labels))
        for label in np.flatnonzero(candidates):
            region = (labels == label).astype(np.uint8)
            if region[:top].any():
                continue  # not all in the bottom band, where subtitles shown throughout sit
            ring = (cv2.dilate(region, _square(AROUND_REACH)) > 0) & (labels == 0)
            out[label] = not ring.any() or moving[ring].mean() < MOVING_AROUND
        return out

    return _text_regions(frames[mid], still, strokes[mid] & still, settings, still_around)


# --- step 3: footprint, boxes, shadows, fades --------------------------------------------

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


def line_bands(lines: np.ndarray) -> list[Box]:
    """The text lines of a mask, top to bottom: the box of each band of rows with strokes."""
    rows = np.flatnonzero(lines.any(axis=1))
    if not len(rows):
        return []
    bands = []
    for band in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1):
        cols = np.flatnonzero(lines[band[0]:band[-1] + 1].any(axis=0))
        bands.append((int(cols[0]), int(band[0]), int(cols[-1]) + 1, int(band[-1]) + 1))
    return bands


def _blocks(bands: list[Box]) -> list[list[Box]]:
    """Group text lines into subtitles: consecutive lines overlapping in x, a line apart."""
    groups = [[bands[0]]] if bands else []
    for band in bands[1:]:
        last = groups[-1][-1]
        gap = band[1] - last[3]
        tall = max(band[3] - band[1], last[3] - last[1])
        if gap <= tall and band[0] < last[2] and last[0] < band[2]:
            groups[-1].append(band)
        else:
            groups.append([band])
    return groups


def snap_box(sample: np.ndarray, block: list[Box], threshold: float) -> np.ndarray:
    """The darkened box behind one block of text lines, bool ``(H, W)``, empty if none.

    The top side is looked for above the first line, the bottom below the last,
    within a line height; then each line's band of rows (split halfway between
    lines) gets its own left and right sides, so that a box per line and one box
    for the block both fit.

    Parameters
    ----------
    sample : numpy.ndarray
        float32 ``(K, H, W)`` brightness of K frames of the event.
    block : list of (x0, y0, x1, y1)
        The block's text lines, top to bottom (see :func:`line_bands`).
    threshold : float
        Least median darkening ``(outside − inside) / outside`` of a side.

    Examples
    --------
    >>> picture = np.full((3, 64, 64), 200, np.float32)
    >>> picture[:, 20:40, 8:56] *= 0.5  # a 50 % black box
    >>> box = snap_box(picture, [(12, 25, 50, 35)], 0.2)
    >>> [int(v) for v in np.argwhere(box).min(0)], [int(v) for v in np.argwhere(box).max(0)]
    ([20, 8], [39, 55])
    """
    _, height, width = sample.shape
    box = np.zeros((height, width), bool)
    reach = min(max(4, max(y1 - y0 for _, y0, _, y1 in block)), LINE_HEIGHT[1])
    (fx0, fy0, fx1, _), (lx0, _, lx1, ly1) = block[0], block[-1]
    top = _best_edge(sample, 0, np.arange(fy0, fy0 - reach - 1, -1), np.arange(fx0, fx1), -1,
                     threshold)
    bottom = _best_edge(sample, 0, np.arange(ly1 - 1, ly1 + reach), np.arange(lx0, lx1), 1,
                        threshold)
    if top is None or bottom is None:
        return box
    cuts = [top, *((a[3] + b[1]) // 2 for a, b in zip(block, block[1:], strict=False)),
            bottom + 1]
    block_x0, block_x1 = min(b[0] for b in block), max(b[2] for b in block)
    for (x0, _, x1, _), r0, r1 in zip(block, cuts, cuts[1:], strict=False):
        rows = np.arange(r0, r1)
        left = _best_edge(sample, 1, np.arange(x0, block_x0 - reach - 1, -1), rows, -1,
                          threshold)
        right = _best_edge(sample, 1, np.arange(x1 - 1, block_x1 + reach), rows, 1, threshold)
        if left is None or right is None:
            return np.zeros_like(box)
        box[r0:r1, left:right + 1] = True
    return box


def _shift(mask: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """``mask`` moved by ``dx`` columns and ``dy`` rows (what leaves the frame is lost)."""
    out = np.zeros_like(mask)
    h, w = mask.shape
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        mask[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out


def drop_shadow(value: np.ndarray, text: np.ndarray, covered: np.ndarray, span: tuple[int, int],
                reach: int, ratio: float) -> np.ndarray | None:
    """The drop shadow of an event's text, bool ``(H, W)``, or None.

    A shadow is the text shifted down (and right or left) and darkened by a
    semi-transparent black: over a moving picture it is not constant, so it is no
    ink. Each shift within ``reach`` is scored by how much darker the shifted text
    (off ``covered``) is on the event's frames than on the frames without it (the
    ratio of the mean brightnesses), relative to the same for the opposite shift,
    where no shadow falls (which cancels a picture that is darker overall while
    the event shows). The darkest shift wins if its score is under ``ratio``.

    Parameters
    ----------
    value : numpy.ndarray
        ``(T, H, W)`` brightness of the clip.
    text, covered : numpy.ndarray
        bool ``(H, W)``: the event's text ink and what it already covers.
    span : (int, int)
        The event's first and end frame.
    reach : int
        Largest shift, px.
    ratio : float
        Most brightness a shadow leaves.
    """
    start, end = span
    n = len(value)
    without = np.r_[0:max(start - MAX_FADE_FRAMES, 0), min(end + MAX_FADE_FRAMES, n):n]
    if len(without) < SAMPLE_FRAMES:
        return None
    dark = value[_spread(start, end - 1, SAMPLE_FRAMES)].mean(axis=0)
    lit = value[without[_spread(0, len(without) - 1, SAMPLE_FRAMES)]].mean(axis=0)

    def darkening(dx: int, dy: int) -> tuple[np.ndarray, float]:
        moved = _shift(text, dx, dy) & ~covered
        if not moved.any():
            return moved, 1.0
        return moved, dark[moved].sum() / max(lit[moved].sum(), 1.0)

    best, best_score = None, ratio
    for dy in range(1, reach + 1):
        for dx in range(-reach // 2, reach + 1):
            moved, score = darkening(dx, dy)
            score /= max(darkening(-dx, -dy)[1], 1e-3)
            if np.count_nonzero(moved) >= LINE_MIN_STROKES and score < best_score:
                best, best_score = moved, score
    return best


def _boxy(thick: np.ndarray) -> np.ndarray:
    """The parts of ``thick`` (uint8 ``(H, W)``) shaped like boxes, their holes closed.

    A component (after a closing of :data:`BOX_GAP` px that fills the holes codec
    noise and the text punch in a box) is a box when it fills :data:`BOX_FILL` of
    its bounding box: a box per line still does, a still patch of the picture seldom.
    """
    closed = cv2.morphologyEx(thick, cv2.MORPH_CLOSE, _square(BOX_GAP))  # noise holes, text
    count, labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    keep = stats[:, 4] >= BOX_FILL * stats[:, 2] * stats[:, 3]
    keep[0] = False
    return keep[labels].astype(np.uint8)


def _calm(sample: np.ndarray, solid: np.ndarray) -> np.ndarray:
    """Where the event's frames move less than the picture around its ink, bool ``(H, W)``.

    A pixel that is part overlay, ``a·C + (1 − a)·Y``, moves ``1 − a`` times as
    much as the picture ``Y``: its spread over the sampled frames ``sample``
    (``(K, H, W)``) is compared with the mean spread of the pixels two to four px
    out of the ink ``solid`` (uint8 ``(H, W)``), within :data:`FRINGE_AROUND` px.
    """
    spread = sample.std(axis=0)
    outer = (cv2.dilate(solid, _square(4)) > cv2.dilate(solid, _square(2))).astype(np.float32)
    size = (FRINGE_AROUND, FRINGE_AROUND)
    around = cv2.boxFilter(spread * outer, -1, size, normalize=False)
    count = cv2.boxFilter(outer, -1, size, normalize=False)
    around = np.where(count > 0, around / np.maximum(count, 1), np.inf)
    return spread <= FRINGE_CALM * around + FRINGE_NOISE


def footprint(frames: np.ndarray, value: np.ndarray, text: np.ndarray, lines: np.ndarray,
              span: tuple[int, int], settings: DetectorSettings) -> np.ndarray:
    """Everything an event covers, bool ``(H, W)``, from its text ink and line strokes.

    The ink is kept near the strokes (their outline) or where it is thick and
    shaped like a box: a thin curve or a patch of the picture that happened to
    hold still as long, touching the text, goes. Then the anti-aliased fringe (one pixel), the boxes
    (:func:`snap_box`) and the drop shadow (:func:`drop_shadow`) are added.
    """
    bands = line_bands(lines)
    height = max(y1 - y0 for _, y0, _, y1 in bands)
    near = cv2.dilate(lines.astype(np.uint8), _square(max(2, round(OUTLINE_REACH * height))))
    ink = text.astype(np.uint8)
    kept = (ink & near) | _boxy(cv2.morphologyEx(ink, cv2.MORPH_OPEN, _square(THICK_INK)))
    solid = cv2.morphologyEx(kept, cv2.MORPH_CLOSE, _square(1))
    sample = value[_spread(span[0], span[1] - 1, SAMPLE_FRAMES)].astype(np.float32)
    fringe = (cv2.dilate(solid, _square(1)) > solid) & _appears(frames, span, FRINGE_JUMP) \
        & _calm(sample, solid)
    covered = (solid > 0) | fringe
    for block in _blocks(bands):
        covered |= snap_box(sample, block, settings.box_edge)
    shadow = drop_shadow(value, text, covered, span, max(2, round(SHADOW_REACH * height)),
                         settings.shadow_ratio)
    if shadow is not None:
        covered |= cv2.dilate(shadow.astype(np.uint8), _square(1)) > 0
    return covered


def fade_span(value: np.ndarray, covered: np.ndarray, fill: np.ndarray, span: tuple[int, int],
              contrast_share: float) -> tuple[int, int]:
    """``span`` grown over the frames of a fade, where the fill still outshines its surround.

    The contrast of a frame is the mean brightness of ``fill`` minus that of the
    rest of ``covered``; the frames next to the event (at most
    :data:`MAX_FADE_FRAMES` on each side) join while theirs is at least
    ``contrast_share`` of the event's.
    """
    start, end = span
    rest = covered & ~fill
    if not fill.any() or not rest.any():
        return start, end

    def contrast(t: int) -> float:
        return float(value[t][fill].mean()) - float(value[t][rest].mean())

    full = contrast((start + end - 1) // 2)
    if full <= 0:
        return start, end
    limit = contrast_share * full
    first, last = start, end
    while first > max(start - MAX_FADE_FRAMES, 0) and contrast(first - 1) >= limit:
        first -= 1
    while last < min(end + MAX_FADE_FRAMES, len(value)) and contrast(last) >= limit:
        last += 1
    return first, last


def check_clip(frames: np.ndarray) -> np.ndarray:
    """``frames`` as an array; ValueError unless it is a uint8 ``(T, H, W, 3)`` clip."""
    frames = np.asarray(frames)
    if frames.dtype != np.uint8 or frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"frames must be uint8 (T, H, W, 3), got {frames.dtype} {frames.shape}")
    return frames


@dataclass(frozen=True)
class CaptionDetector:
    """Blind caption detector for track-2 clips (see the module docstring).

    Parameters
    ----------
    settings : DetectorSettings, optional

    Examples
    --------
    >>> bool(CaptionDetector().detect(np.zeros((20, 64, 64, 3), np.uint8)).any())
    False
    """

    settings: DetectorSettings = DetectorSettings()

    def events(self, frames: np.ndarray) -> list[CaptionEvent]:
        """The subtitle events of a clip, uint8 ``(T, H, W, 3)``, strongest peaks first."""
        frames = check_clip(frames)
        s = self.settings
        value = brightest(frames)
        strokes = StrokeCache(frames, s)
        events = []
        whole = (0, len(frames))
        for tolerance in s.tolerances:
            spans, inks, still = run_peaks(frames, tolerance, s)
            for (start, end), ink in zip(spans, inks, strict=True):
                found = text_ink(frames, strokes, (start, end), ink, s)
                if found is None:
                    continue
                text, lines = found
                covered = footprint(frames, value, text, lines, (start, end), s)
                first, last = fade_span(value, covered, lines, (start, end), s.fade_contrast)
                events.append(CaptionEvent(first, last, covered))
            found = still_text(frames, value, strokes, still, s)
            if found is not None:
                events.append(CaptionEvent(*whole, footprint(frames, value, *found, whole, s)))
        return events

    def detect(self, frames: np.ndarray) -> np.ndarray:
        """The caption mask of a clip, bool ``(T, H, W)``.

        A clip at most half :data:`TUNED_SIZE` high is also searched upsampled by
        the whole factor that brings it nearest that size (see "Scale" above).
        """
        frames = check_clip(frames)
        mask = self._detect(frames)
        factor = TUNED_SIZE // frames.shape[1]
        if factor >= 2:
            t, h, w = frames.shape[:3]
            big = np.stack([cv2.resize(frame, (w * factor, h * factor),
                                       interpolation=cv2.INTER_CUBIC) for frame in frames])
            mask |= self._detect(big).reshape(t, h, factor, w, factor).any(axis=(2, 4))
        return mask

    def _detect(self, frames: np.ndarray) -> np.ndarray:
        mask = np.zeros(frames.shape[:3], bool)
        for event in self.events(frames):
            mask[event.start:event.end] |= event.footprint
        return mask


def detection_scores(pred: np.ndarray, true: np.ndarray) -> dict[str, float]:
    """Pixel-level IoU, precision and recall of a caption mask, pooled over frames.

    Parameters
    ----------
    pred, true : numpy.ndarray
        bool masks of one shape (e.g. ``(T, H, W)``), True on captions.

    Returns
    -------
    dict
        ``iou``, ``precision`` and ``recall`` in [0, 1]; each is 1 when its
        denominator is empty (nothing to find, nothing found: perfect).

    Raises
    ------
    ValueError
        When the masks differ in shape.

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
