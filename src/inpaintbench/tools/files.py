"""What the tools share: the files a command names, where their outputs go, the method asked."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from inpaintbench.errors import InputError, OptionError


def expand(inputs: Sequence[str | Path], suffixes: Sequence[str], what: str) -> list[Path]:
    """The files named: files as given, each folder's files with one of ``suffixes``, sorted.

    InputError for a missing path, or a folder holding no such file.
    """
    found: list[Path] = []
    for path in map(Path, inputs):
        if path.is_dir():
            inside = sorted(p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in suffixes)
            if not inside:
                raise InputError(path, f"holds no {what} file",
                                 f"{what}s end in {', '.join(suffixes[:6])}, …")
            found += inside
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(path, "file not found")
    return found


def into_folder(sources: Sequence[Path], out: Path, suffixes: Sequence[str]) -> bool:
    """Whether the outputs go into folder ``out`` (made here) rather than file ``out``.

    ``out`` is one output file when one input is given and ``out`` ends in one of
    ``suffixes``; otherwise a folder.
    """
    folder = len(sources) > 1 or out.suffix.lower() not in suffixes
    if folder:
        if out.exists() and not out.is_dir():
            raise InputError(out, "is a file; several inputs need an output folder")
        out.mkdir(parents=True, exist_ok=True)
    return folder


def check_method(track: object, method: str) -> None:
    """OptionError unless ``method`` is one of ``track``'s methods available here."""
    from inpaintbench.methods.registry import available
    from inpaintbench.tracks import Track

    track = Track.parse(track) if not isinstance(track, Track) else track
    if method not in {m.name for m in available(track)}:
        raise OptionError("method", f"{method!r} is not a {track.value} method here",
                          f"see inpaintbench methods --track {track.value}")
