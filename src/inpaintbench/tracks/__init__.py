"""The challenge's three tracks: names, numbers and the constants every part shares.

Every number here comes from the challenge (see ``shared/CHALLENGE.md``); the
comment next to it names the source.
"""

from __future__ import annotations

from enum import StrEnum


class Track(StrEnum):
    """A track of the challenge. The CLI accepts the name or the number."""

    HUMANS = "humans"
    CAPTIONS = "captions"
    FINGERPRINTS = "fingerprints"

    @property
    def number(self) -> int:
        return _NUMBERS[self]

    @classmethod
    def parse(cls, value: str | int | Track) -> Track:
        """Return the track named by ``value``: ``"humans"``, ``"1"``, ``1``, ``"track1"``.

        Raises
        ------
        ValueError
            When ``value`` names no track.
        """
        if isinstance(value, Track):
            return value
        text = str(value).strip().lower().removeprefix("track").strip("-_ ")
        for track, number in _NUMBERS.items():
            if text in (track.value, str(number)):
                return track
        names = ", ".join(f"{t.value} ({n})" for t, n in _NUMBERS.items())
        raise ValueError(f"unknown track {value!r}: use one of {names}")


_NUMBERS = {Track.HUMANS: 1, Track.CAPTIONS: 2, Track.FINGERPRINTS: 3}

# --- Track 2, captions (book §3.2; challenge description, Table 1) -----------------
CLIP_FRAMES = 125  # 5-second clips at 25 fps
CLIP_FPS = 25
#: The release's frames are 128×128 RGB (the dataset's page, the starting kit's
#: ``fsize = 128``, three teams' chapters); the book's organisers' chapter says 256×256.
CLIP_SIZE = 128
BOOK_CLIP_SIZE = 256
CLIP_SIZES = (CLIP_SIZE, BOOK_CLIP_SIZE)

# --- Track 3, fingerprints (book §4.1) -------------------------------------------
FINGERPRINT_WIDTH = 275  # images are 275×400 (width × height, PIL order)
FINGERPRINT_HEIGHT = 400
