"""The ``metadata.json`` of a built captions or fingerprints set, read and checked once.

Builders write it; ``data … stats``, the contact sheets, the demo and the report
read it. Every reader goes through :func:`read_captions_metadata` or
:func:`read_fingerprints_metadata`, which check what the readers rely on and
refuse anything else with one :class:`~inpaintbench.errors.InputError` naming the
file, the record and the field, so that a hand-edited or truncated file never
surfaces as a ``KeyError`` deep inside a plot.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from inpaintbench.data.common import METADATA_JSON, SPLITS
from inpaintbench.errors import InputError
from inpaintbench.io.atomic import read_json_file


def _load(root: Path, key: str, builder: str) -> tuple[Path, dict[str, Any]]:
    path = Path(root) / METADATA_JSON
    if not path.is_file():
        raise InputError(path, "not found", f"point at a set built by `inpaintbench data "
                                            f"{builder} build`")
    data = read_json_file(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise InputError(path, f'must be a JSON object with "{key}": {{name: record}}',
                         f"rebuild the set with `inpaintbench data {builder} build`")
    return path, data


class _Record:
    """Checks on one record of a metadata file; each failure names the record and field."""

    def __init__(self, path: Path, name: str, record: Any, what: str) -> None:
        self.path, self.name = path, name
        if not isinstance(record, dict):
            self.fail("", f"must be an object, got {type(record).__name__}")
        self.record = record
        self.what = what

    def fail(self, field: str, rule: str) -> None:
        where = f"{self.name!r}" + (f", {field!r}" if field else "")
        raise InputError(self.path, f"record {where}: {rule}")

    def get(self, field: str) -> Any:
        if field not in self.record:
            self.fail(field, "is missing")
        return self.record[field]

    def text(self, field: str, choices: tuple[str, ...] | None = None) -> str:
        value = self.get(field)
        if not isinstance(value, str) or (choices is not None and value not in choices):
            allowed = f"one of {', '.join(choices)}" if choices else "a string"
            self.fail(field, f"must be {allowed}, got {value!r}")
        return value

    def number(self, value: Any, field: str, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value) or not low <= value <= high:
            self.fail(field, f"must be a number in [{low:g}, {high:g}], got {value!r}")
        return float(value)

    def listing(self, field: str) -> list[Any]:
        value = self.get(field)
        if not isinstance(value, list):
            self.fail(field, f"must be a list, got {type(value).__name__}")
        return value

    def relative_file(self, field: str, root: Path) -> str:
        value = self.text(field)
        target = (root / value).resolve()
        if Path(value).is_absolute() or root.resolve() not in target.parents:
            self.fail(field, f"must be a path inside the set, got {value!r}")
        return value


def read_captions_metadata(root: str | Path) -> dict[str, Any]:
    """A captions set's ``metadata.json``, checked: ``{"clips": {name: record}, …}``.

    The set's ``width`` and ``height`` are its frames' (128 or 256 a side). Each clip
    record needs ``split`` (train, val or test), ``coverage`` (a
    fraction, or null for an imported clip without masks), ``per_frame_coverage``
    (fractions), ``difficulty`` (strings) and ``events`` (objects).

    Raises
    ------
    InputError
        Naming the file, the clip and the field that breaks the format.
    """
    path, data = _load(Path(root), "clips", "captions")
    for key in ("width", "height"):
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(path, f'"{key}" must be the frames\' {key} in pixels, got {value!r}')
    for name, record in data["clips"].items():
        clip = _Record(path, name, record, "clip")
        clip.text("split", SPLITS)
        if clip.get("coverage") is not None:
            clip.number(clip.get("coverage"), "coverage", 0, 1)
        for value in clip.listing("per_frame_coverage"):
            clip.number(value, "per_frame_coverage", 0, 1)
        if not all(isinstance(v, str) for v in clip.listing("difficulty")):
            clip.fail("difficulty", "must be a list of class names")
        if not all(isinstance(e, dict) for e in clip.listing("events")):
            clip.fail("events", "must be a list of subtitle events (objects)")
    return data


def read_fingerprints_metadata(root: str | Path) -> dict[str, Any]:
    """A fingerprints set's ``metadata.json``, checked: ``{"images": {name: record}, …}``.

    Each image record needs ``split``, ``class``, ``input`` and ``ground_truth``
    (paths inside the set), ``ridge_period.mean`` (pixels) and
    ``degradation.steps`` (objects with a ``name``).

    Raises
    ------
    InputError
        Naming the file, the image and the field that breaks the format.
    """
    from inpaintbench.data.fingerprints.build import RELEASE_SPLITS

    root = Path(root)
    path, data = _load(root, "images", "fingerprints")
    for name, record in data["images"].items():
        image = _Record(path, name, record, "image")
        image.text("split", tuple(RELEASE_SPLITS.values()))
        image.text("class")
        image.relative_file("input", root)
        image.relative_file("ground_truth", root)
        period = image.get("ridge_period")
        image.number(period.get("mean") if isinstance(period, dict) else period,
                     "ridge_period", 1, 1000)
        degradation = image.get("degradation")
        steps = degradation.get("steps") if isinstance(degradation, dict) else None
        if not isinstance(steps, list) or not all(
                isinstance(s, dict) and isinstance(s.get("name"), str)
                and isinstance(s.get("params", {}), dict) for s in steps):
            image.fail("degradation", 'must be {"steps": [{"name": ..., "params": {...}}]}')
    return data
