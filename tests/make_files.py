"""Files the tests write byte by byte, shared by every test folder (``tests.make_files``)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np


def png_bytes(width: int, height: int, depth: int = 8, colour_type: int = 2,
              samples: np.ndarray | None = None) -> bytes:
    """A PNG of any depth and colour type, or only a header that claims a size.

    ``samples`` are the unfiltered ``(height, width, channels)`` values; without
    them the file holds no image data, so a 30000×30000 claim fits in 57 bytes.
    """
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    body = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0))
    if samples is not None:
        rows = samples.astype(">u2" if depth == 16 else np.uint8).reshape(height, -1)
        raw = b"".join(b"\x00" + row.tobytes() for row in rows)  # filter type 0 per row
        body += chunk(b"IDAT", zlib.compress(raw))
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


def write_png(path: Path, width: int, height: int, **options) -> Path:
    """:func:`png_bytes` written to ``path``."""
    path.write_bytes(png_bytes(width, height, **options))
    return path
