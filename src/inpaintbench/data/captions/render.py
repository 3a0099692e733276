"""Burning subtitle events into clips, and their caption masks.

**Rendering.** :func:`render_event` draws an event once, whatever the number of
frames it shows on: Pillow renders coverage maps (8-bit anti-aliased) of the
box, the shadow (the outlined text shifted, optionally Gaussian-blurred), the
outline (``stroke_width``) and the fill, which are stacked back to front with
the "over" operator into one premultiplied layer ``(colour, alpha)``, float32
in [0, 1], over the event's bounding box.

**Burning.** :func:`burn` composites each layer over the frames its event
covers, all at once with NumPy: for a frame of opacity ``o`` (the fades),

    X = Y · (1 − o·α) + o · C        (C premultiplied, values on 0…255)

rounded to uint8; later events go over earlier ones.

**Masks.** An event's *footprint* is where its alpha is above zero; the caption
mask of a frame is the union of the footprints of the events shown on it
(every frame shown has ``o > 0``). The mask is exactly where the captioned and
clean frames differ, ``np.any(X != Y, axis=-1)``: where an overlay is so close
to the pixel under it (the text colour over a flat patch of the same colour, a
faint anti-aliased edge, a fade's first frame) that rounding gives back the
clean value, the pixel is moved by one grey level (±1 on each channel, towards
the overlay; away from it only at the ends of the range). That changes the
picture by at most 1/255 where the overlay should be, and makes the mask a
faithful label of what was touched.

**Storage.** The events' JSON carries each footprint compactly: its bounding
box and ``base64(zlib(np.packbits(footprint)))``. :func:`decode_masks` rebuilds
the clip's mask from that JSON alone, equal to the one :func:`burn` returned.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from inpaintbench.data.captions.fonts import FontCatalog, default_catalog, load_font
from inpaintbench.data.captions.subtitles import Layout, Rect, SubtitleEvent, layout_event

FOOTPRINT_KEY = "footprint"
_MAX = np.float32(255.0)


@dataclass(frozen=True)
class Layer:
    """An event drawn once: a premultiplied RGBA patch at ``bbox``.

    Attributes
    ----------
    bbox : (int, int, int, int)
        ``(x0, y0, x1, y1)`` in the frame, x1/y1 exclusive.
    color : numpy.ndarray
        float32 ``(y1 − y0, x1 − x0, 3)``, premultiplied by ``alpha``, in [0, 1].
    alpha : numpy.ndarray
        float32 ``(y1 − y0, x1 − x0)`` in [0, 1].
    """

    bbox: Rect
    color: np.ndarray
    alpha: np.ndarray

    @property
    def footprint(self) -> np.ndarray:
        """bool ``(h, w)``: where the event touches the frame."""
        return self.alpha > 0


def _coverage(size: tuple[int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", size, 0)
    return image, ImageDraw.Draw(image)


def _over(color: np.ndarray, alpha: np.ndarray, rgb: Sequence[int], cover: np.ndarray) -> None:
    """Put a flat colour with coverage ``cover`` (float32 [0, 1]) over (color, alpha), in place."""
    keep = 1 - cover
    color *= keep[..., None]
    color += cover[..., None] * (np.asarray(rgb, np.float32) / _MAX)
    alpha *= keep
    alpha += cover


def render_event(event: SubtitleEvent, width: int, height: int, *,
                 fonts: FontCatalog | None = None, layout: Layout | None = None) -> Layer:
    """Draw ``event`` for a ``width`` × ``height`` frame, once.

    Parameters
    ----------
    event : SubtitleEvent
    width, height : int
        The frame size.
    fonts : FontCatalog, optional
        Where its font is looked up by file name (default: the installed fonts).
    layout : Layout, optional
        The event's layout when already computed.

    Returns
    -------
    Layer
        The patch over the event's bounding box (clipped to the frame).

    Examples
    --------
    >>> from inpaintbench.data.captions.subtitles import SubtitleStyle
    >>> style = SubtitleStyle("DejaVu Sans", "regular", "DejaVuSans.ttf", 20)
    >>> layer = render_event(SubtitleEvent("Hi", ("Hi",), 0, 5, style), 256, 256)
    >>> layer.alpha.shape == (layer.bbox[3] - layer.bbox[1], layer.bbox[2] - layer.bbox[0])
    True
    """
    catalog = fonts or default_catalog()
    style = event.style
    layout = layout or layout_event(style, event.lines, width, height, fonts=catalog)
    x0, y0, x1, y1 = layout.bbox
    w, h = max(x1 - x0, 0), max(y1 - y0, 0)
    color = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)
    if w == 0 or h == 0:
        return Layer(layout.bbox, color, alpha)
    face = catalog.resolve(style.font_file, style.font_family, style.font_style)
    font = load_font(face.path, style.font_size)
    stroke = style.outline_width

    def text(image_draw: ImageDraw.ImageDraw, dx: int, dy: int, width_: int) -> None:
        for line, (ox, oy) in zip(event.lines, layout.origins, strict=True):
            image_draw.text((ox - x0 + dx, oy - y0 + dy), line, font=font, fill=255,
                            anchor="ls", stroke_width=width_, stroke_fill=255)

    if style.has_box:
        image, draw = _coverage((w, h))
        for bx0, by0, bx1, by1 in layout.boxes:
            draw.rectangle((bx0 - x0, by0 - y0, bx1 - x0 - 1, by1 - y0 - 1), fill=255)
        _over(color, alpha, style.box_color,
              np.asarray(image, np.float32) / _MAX * np.float32(style.box_opacity))
    if style.has_shadow:
        image, draw = _coverage((w, h))
        text(draw, *style.shadow_offset, stroke)
        if style.shadow_blur:
            image = image.filter(ImageFilter.GaussianBlur(style.shadow_blur))
        _over(color, alpha, style.shadow_color,
              np.asarray(image, np.float32) / _MAX * np.float32(style.shadow_opacity))
    if stroke:
        image, draw = _coverage((w, h))
        text(draw, 0, 0, stroke)
        _over(color, alpha, style.outline_color, np.asarray(image, np.float32) / _MAX)
    image, draw = _coverage((w, h))
    text(draw, 0, 0, 0)
    _over(color, alpha, style.text_color, np.asarray(image, np.float32) / _MAX)
    np.clip(color, 0, alpha[..., None], out=color)  # float rounding must not exceed alpha
    return Layer(layout.bbox, color, alpha)


# --- footprints ------------------------------------------------------------------------------

def encode_footprint(footprint: np.ndarray, bbox: Rect) -> dict[str, Any]:
    """``{"bbox": [x0, y0, x1, y1], "pixels": n, "bits": base64(zlib(packbits))}``."""
    footprint = np.asarray(footprint, bool)
    bits = zlib.compress(np.packbits(footprint, axis=None).tobytes(), 9)
    return {"bbox": [int(v) for v in bbox], "pixels": int(footprint.sum()),
            "bits": base64.b64encode(bits).decode("ascii")}


def decode_footprint(record: Mapping[str, Any]) -> tuple[Rect, np.ndarray]:
    """The bounding box and bool footprint :func:`encode_footprint` stored."""
    x0, y0, x1, y1 = (int(v) for v in record["bbox"])
    h, w = max(y1 - y0, 0), max(x1 - x0, 0)
    packed = np.frombuffer(zlib.decompress(base64.b64decode(record["bits"])), np.uint8)
    if packed.size != (h * w + 7) // 8:
        raise ValueError(f"footprint of {packed.size} bytes does not match bbox "
                         f"{[x0, y0, x1, y1]}")
    return (x0, y0, x1, y1), np.unpackbits(packed, count=h * w).reshape(h, w).astype(bool)


def _record(event: SubtitleEvent, layer: Layer) -> dict[str, Any]:
    return {**event.to_json(), FOOTPRINT_KEY: encode_footprint(layer.footprint, layer.bbox)}


def events_footprints(events: Sequence[SubtitleEvent], width: int, height: int, *,
                      fonts: FontCatalog | None = None) -> list[dict[str, Any]]:
    """Each event's JSON with its footprint, without burning anything.

    The same records :attr:`BurnResult.events_json` holds, for planning (the
    masks and their coverage follow from them through :func:`decode_masks`).
    """
    return [_record(e, render_event(e, width, height, fonts=fonts)) for e in events]


def decode_masks(events_json: Sequence[Mapping[str, Any]], n_frames: int, height: int,
                 width: int) -> np.ndarray:
    """The caption mask of a clip, bool ``(n_frames, height, width)``, from events' JSON alone.

    Raises
    ------
    ValueError
        When a record lacks its footprint or falls outside the clip.
    """
    mask = np.zeros((n_frames, height, width), bool)
    for i, record in enumerate(events_json):
        if FOOTPRINT_KEY not in record:
            raise ValueError(f"event {i} has no {FOOTPRINT_KEY!r}: write it with burn() or "
                             "events_footprints()")
        (x0, y0, x1, y1), footprint = decode_footprint(record[FOOTPRINT_KEY])
        start, end = int(record["start"]), int(record["end"])
        if not (0 <= start < end <= n_frames and 0 <= x0 <= x1 <= width
                and 0 <= y0 <= y1 <= height):
            raise ValueError(f"event {i} (frames {start}–{end}, bbox {[x0, y0, x1, y1]}) "
                             f"falls outside a clip of {n_frames} frames of {width}×{height}")
        mask[start:end, y0:y1, x0:x1] |= footprint
    return mask


def mask_area(events_json: Sequence[Mapping[str, Any]], n_frames: int, height: int,
              width: int) -> np.ndarray:
    """Masked pixels per frame, int64 ``(n_frames,)``."""
    return decode_masks(events_json, n_frames, height, width).sum(axis=(1, 2))


def mask_coverage(events_json: Sequence[Mapping[str, Any]], n_frames: int, height: int,
                  width: int) -> np.ndarray:
    """Masked fraction of each frame, float64 ``(n_frames,)`` in [0, 1] (book Fig. 3)."""
    return mask_area(events_json, n_frames, height, width) / float(height * width)


# --- burning ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class BurnResult:
    """A captioned clip and what it needs to be checked.

    Attributes
    ----------
    frames : numpy.ndarray
        uint8 ``(T, H, W, 3)``: the captioned clip (a new array).
    mask : numpy.ndarray
        bool ``(T, H, W)``: True where a caption touched the frame, exactly
        ``np.any(frames != clean, axis=-1)``.
    events_json : list of dict
        Each event's JSON with its ``footprint`` (see :func:`decode_masks`).
    """

    frames: np.ndarray
    mask: np.ndarray
    events_json: list[dict[str, Any]]

    @property
    def coverage(self) -> np.ndarray:
        """Masked fraction per frame, float64 ``(T,)``."""
        return self.mask.mean(axis=(1, 2))


def _nudge(clean: np.ndarray, target: np.ndarray, overlay: np.ndarray) -> np.ndarray:
    """Move uint8 pixels ``clean`` (k, 3) one grey level towards the overlay.

    The direction is that of the exact composite ``target`` (float, 0…255),
    else of the overlay colour (0…1), else towards mid-grey; at the end of the
    range, the other way.
    """
    base = clean.astype(np.int16)
    toward = np.sign((target - base).sum(axis=-1))
    ties = toward == 0
    toward[ties] = np.sign((overlay[ties] * _MAX - base[ties]).sum(axis=-1))
    ties = toward == 0
    toward[ties] = np.where(base[ties].mean(axis=-1) < 128, 1, -1)
    moved = np.clip(base + toward[:, None], 0, 255)
    stuck = np.all(moved == base, axis=-1)
    moved[stuck] = np.clip(base[stuck] - toward[stuck, None], 0, 255)
    return moved.astype(np.uint8)


def _composite(out: np.ndarray, clean: np.ndarray, event: SubtitleEvent, layer: Layer) -> None:
    """Composite ``layer`` over ``out`` on the event's frames, in place (see module doc)."""
    x0, y0, x1, y1 = layer.bbox
    if x1 <= x0 or y1 <= y0:
        return
    window = (slice(event.start, event.end), slice(y0, y1), slice(x0, x1))
    opacity = event.opacities()
    alpha = layer.alpha[..., None]
    paint = layer.color * _MAX
    base = out[window]
    mixed = base.astype(np.float32)
    # the frames at full opacity (an interval: fades only touch the ends) share one
    # weight; the few fading frames are done one by one
    full = np.flatnonzero(opacity == 1)
    lo, hi = (full[0], full[-1] + 1) if full.size else (0, 0)
    mixed[lo:hi] *= 1 - alpha
    mixed[lo:hi] += paint
    for i in (*range(lo), *range(hi, len(opacity))):
        mixed[i] *= 1 - opacity[i] * alpha
        mixed[i] += opacity[i] * paint
    np.rint(mixed, out=mixed)
    np.clip(mixed, 0, 255, out=mixed)
    result = mixed.astype(np.uint8)
    reference = clean[window]
    same = result[..., 0] == reference[..., 0]  # per channel: np.all over a 3-axis is slow
    same &= result[..., 1] == reference[..., 1]
    same &= result[..., 2] == reference[..., 2]
    same &= layer.footprint[None]
    if same.any():
        frame, row, col = np.nonzero(same)
        a = opacity[frame, None] * layer.alpha[row, col][:, None]
        target = base[frame, row, col] * (1 - a) + opacity[frame, None] * paint[row, col]
        overlay = layer.color[row, col] / np.maximum(layer.alpha[row, col], 1e-6)[:, None]
        result[frame, row, col] = _nudge(reference[frame, row, col], target, overlay)
    out[window] = result


def burn(frames: np.ndarray, events: Sequence[SubtitleEvent], *,
         fonts: FontCatalog | None = None) -> BurnResult:
    """Burn subtitle events into a clip.

    Parameters
    ----------
    frames : numpy.ndarray
        uint8 ``(T, H, W, 3)``: the clean clip; not modified.
    events : sequence of SubtitleEvent
        Composited in order (later over earlier), each over frames
        ``start … end − 1``, which must lie in the clip.
    fonts : FontCatalog, optional
        Where the events' fonts are looked up (default: the installed fonts).

    Returns
    -------
    BurnResult
        The captioned frames, the caption mask (exactly ``any(X != Y)``) and
        the events' JSON with their footprints.

    Raises
    ------
    ValueError
        When ``frames`` is not uint8 ``(T, H, W, 3)`` or an event falls outside it.

    Examples
    --------
    >>> from inpaintbench.data.captions.subtitles import draw_events
    >>> clean = np.full((25, 64, 64, 3), 90, np.uint8)
    >>> events = draw_events(np.random.default_rng(1), n_frames=25, width=64, height=64)
    >>> result = burn(clean, events)
    >>> bool((result.mask == np.any(result.frames != clean, axis=-1)).all())
    True
    """
    frames = np.asarray(frames)
    if frames.dtype != np.uint8 or frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"frames must be uint8 (T, H, W, 3), got {frames.dtype} "
                         f"{frames.shape}")
    n_frames, height, width = frames.shape[:3]
    out = frames.copy()
    mask = np.zeros((n_frames, height, width), bool)
    records = []
    for i, event in enumerate(events):
        if event.end > n_frames:
            raise ValueError(f"event {i} shows on frames {event.start}–{event.end - 1}; "
                             f"the clip has {n_frames}")
        layer = render_event(event, width, height, fonts=fonts)
        _composite(out, frames, event, layer)
        x0, y0, x1, y1 = layer.bbox
        mask[event.start:event.end, y0:y1, x0:x1] |= layer.footprint
        records.append(_record(event, layer))
    return BurnResult(out, mask, records)
