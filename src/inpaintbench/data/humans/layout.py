"""The track-1 release layout's two JSON files, read and checked in one place.

``maskdata.json`` maps each image name to its blocks, ``[[row, col, size], …]``
(row first: ``img[row:row + size, col:col + size]``; CHALLENGE.md "Track 1 —
Data"). ``joints.json`` is our own addition beside it, written by the builder:
``{name: {"persons": [Person.to_json(), …], …}}``. The scorer, the runner, the
statistics and the release reader all read them through these functions, so one
file is accepted or refused the same way by every command.

A key names an image by its file stem (``photos_a.b_1`` for ``Y/photos_a.b_1.png``);
a key written with the image's suffix (``"img_001.png"``) also matches. A name may
hold dots: keys are never cut at the last dot.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from inpaintbench.errors import InputError
from inpaintbench.io.atomic import read_json_file

MASKDATA_JSON = "maskdata.json"
JOINTS_JSON = "joints.json"
IMAGE_KEY_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
# The smallest block the challenge's metrics can score: the starting kit's SSIM
# fell back to a 3×3 window on small images (scoring.metrics.SMALL_IMAGE_WIN_SIZE).
MIN_BLOCK_SIZE = 3

Block = tuple[int, int, int]  # (row, col, size)


def _integer(value: Any) -> int | None:
    """``value`` as an int when it is one (2 or 2.0), else None (bool, 2.5, NaN, str)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def parse_blocks(path: Path, key: str, value: Any,
                 error: type[InputError] = InputError) -> list[Block]:
    """One entry's blocks, checked: a list of ``[row, col, size]`` integers, row, col ≥ 0.

    Raises ``error`` naming the file, the entry and the block that breaks a rule.
    """
    if not isinstance(value, list):
        raise error(path, f"entry {key!r} must be a list of [row, col, size] blocks, "
                          f"got {type(value).__name__}")
    blocks = []
    for number, item in enumerate(value):
        numbers = [_integer(v) for v in item] if isinstance(item, list) else []
        if len(numbers) != 3 or any(v is None for v in numbers):
            raise error(path, f"entry {key!r}, block {number}: {item!r} is not "
                              "[row, col, size] with three integers")
        row, col, size = numbers
        if row < 0 or col < 0 or size < MIN_BLOCK_SIZE:
            raise error(path, f"entry {key!r}, block {number}: {item!r} needs row ≥ 0, "
                              f"col ≥ 0 and size ≥ {MIN_BLOCK_SIZE}")
        blocks.append((row, col, size))
    return blocks


def check_blocks_inside(path: Path, key: str, blocks: Iterable[Block], width: int,
                        height: int, error: type[InputError] = InputError) -> None:
    """Refuse a block that does not lie inside its ``width`` × ``height`` image."""
    for number, (row, col, size) in enumerate(blocks):
        if row + size > height or col + size > width:
            raise error(path, f"entry {key!r}, block {number}: [row {row}, col {col}, size "
                              f"{size}] reaches outside the {width}×{height} image")


def match_keys(path: Path, keys: Iterable[str], names: Iterable[str],
               error: type[InputError] = InputError) -> dict[str, str]:
    """Map each key of a layout file to the image name it stands for.

    A key is an image's name, or its file name (a name plus an image suffix).
    Keys matching no image are left out (the caller decides whether that is
    wrong); two keys for one image are refused.
    """
    wanted = set(names)
    matched: dict[str, str] = {}
    for key in keys:
        name = key
        if name not in wanted:
            stem, dot, suffix = key.rpartition(".")
            if dot and f".{suffix.lower()}" in IMAGE_KEY_SUFFIXES and stem in wanted:
                name = stem
        if name in wanted:
            if name in matched.values():
                raise error(path, f"two entries name the image {name!r}")
            matched[key] = name
    return matched


def read_maskdata(path: str | Path, names: Iterable[str] | None = None, *,
                  error: type[InputError] = InputError) -> dict[str, list[Block]]:
    """Read ``maskdata.json``: every entry's blocks, checked, by image name.

    Parameters
    ----------
    path : path
    names : iterable of str, optional
        The images the file must describe (the stems of ``Y/`` or ``X/``): every
        one needs an entry, and every entry an image.
    error : InputError subclass
        What to raise: :class:`~inpaintbench.errors.BrokenReferenceError` when the
        file belongs to a reference being scored.

    Raises
    ------
    error
        Naming the file and the rule broken: not JSON, not an object, an entry
        that is not a list of integer ``[row, col, size]`` blocks (NaN, inf,
        null, strings, booleans, negative or too small values are refused), or
        entries and images that disagree.
    """
    path = Path(path)
    raw = read_json_file(path, error)
    if not isinstance(raw, dict):
        raise error(path, f"must map image names to lists of [row, col, size] blocks, "
                          f"got a JSON {type(raw).__name__}")
    blocks = {key: parse_blocks(path, key, value, error) for key, value in raw.items()}
    if names is None:
        return blocks
    names = list(names)
    matched = match_keys(path, blocks, names, error)
    unknown = sorted(set(blocks) - set(matched))
    unmasked = sorted(set(names) - set(matched.values()))
    if unmasked or unknown:
        detail = (f"{len(unmasked)} image(s) without an entry (e.g. {unmasked[:3]})" if unmasked
                  else f"{len(unknown)} entr(y/ies) without an image (e.g. {unknown[:3]})")
        raise error(path, f"{MASKDATA_JSON} and the images disagree: {detail}")
    return {matched[key]: value for key, value in blocks.items()}


def read_joints(path: str | Path, names: Iterable[str], *,
                error: type[InputError] = InputError) -> dict[str, list[Any]]:
    """Read ``joints.json``: the people of each image, by image name.

    Every entry must be ``{"persons": [person, …]}`` with person records that
    :meth:`~inpaintbench.data.humans.joints.Person.from_json` reads; an entry that
    names no image is refused. Images without an entry have no people.

    Returns
    -------
    dict
        Image name → list of :class:`~inpaintbench.data.humans.joints.Person`.
    """
    from inpaintbench.data.humans.joints import Person

    path = Path(path)
    raw = read_json_file(path, error)
    if not isinstance(raw, dict):
        raise error(path, 'must map image names to {"persons": [...]}, got a JSON '
                          f"{type(raw).__name__}")
    names = list(names)
    matched = match_keys(path, raw, names, error)
    people: dict[str, list[Any]] = {}
    for key, entry in raw.items():
        if key not in matched:
            raise error(path, f"entry {key!r} names no image")
        records = entry.get("persons") if isinstance(entry, Mapping) else None
        if not isinstance(records, list):
            raise error(path, f'entry {key!r} must be {{"persons": [...]}}')
        persons = []
        for number, record in enumerate(records):
            try:
                persons.append(Person.from_json(record))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise error(path, f"entry {key!r}: persons[{number}] is not a person record "
                                  f"({type(exc).__name__}: {exc})") from None
        people[matched[key]] = persons
    return people
