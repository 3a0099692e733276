"""Every method of every track, by name; learned methods of later issues plug in the same way.

A module registers a factory with :func:`register`; :func:`available` lists what
can run here (a method whose optional package is missing says so instead), and
:func:`create` builds one. The built-in modules are imported lazily, on the first
lookup, so listing methods stays fast.

>>> sorted({m.track.value for m in available()})  # doctest: +SKIP
['captions', 'fingerprints', 'humans']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inpaintbench.errors import OptionError, UnavailableError
from inpaintbench.methods.base import MethodInfo
from inpaintbench.tracks import Track

# Modules whose import registers the built-in methods.
BUILTIN_MODULES = (
    "inpaintbench.methods.humans",
    "inpaintbench.methods.captions",
    "inpaintbench.methods.fingerprints",
)


@dataclass(frozen=True)
class Entry:
    """A registered method: its description, its factory, and why it cannot run (if so)."""

    info: MethodInfo
    factory: Callable[[], Any]
    missing: str | None = None  # e.g. "needs opencv (pip install opencv-contrib-python)"


_REGISTRY: dict[tuple[Track, str], Entry] = {}
_loaded = False


def register(info: MethodInfo, *, missing: str | None = None
             ) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Decorator: register ``factory`` (no arguments → a method object) under ``info``.

    Raises
    ------
    ValueError
        When the track already has a method of that name.
    """
    def decorate(factory: Callable[[], Any]) -> Callable[[], Any]:
        key = (info.track, info.name)
        if key in _REGISTRY and _REGISTRY[key].factory is not factory:
            raise ValueError(f"{info.track.value} already has a method named {info.name!r}")
        _REGISTRY[key] = Entry(info, factory, missing)
        return factory
    return decorate


def _load_builtins() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in BUILTIN_MODULES:
            importlib.import_module(module)


def entries(track: Track | str | None = None) -> list[Entry]:
    """Registered methods (of one track), floor first, then by name."""
    _load_builtins()
    wanted = None if track is None else Track.parse(track)
    order = {"floor": 0, "classical": 1, "learned": 2}
    return sorted((e for (t, _), e in _REGISTRY.items() if wanted in (None, t)),
                  key=lambda e: (e.info.track.number, order[e.info.kind], e.info.name))


def available(track: Track | str | None = None) -> list[MethodInfo]:
    """The methods that can run on this machine."""
    return [e.info for e in entries(track) if e.missing is None]


def create(track: Track | str, name: str) -> Any:
    """Build the method ``name`` of ``track``.

    Raises
    ------
    OptionError
        When there is no such method (the message lists the track's methods).
    UnavailableError
        When the method needs a package that is not installed.
    """
    track = Track.parse(track)
    _load_builtins()
    entry = _REGISTRY.get((track, name))
    if entry is None:
        names = ", ".join(e.info.name for e in entries(track))
        raise OptionError("method", f"no {track.value} method named {name!r}; the track "
                          f"has: {names}")
    if entry.missing:
        raise UnavailableError(f"{track.value} method {name!r} {entry.missing}")
    return entry.factory()
