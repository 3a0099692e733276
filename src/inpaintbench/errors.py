"""Errors that name the file, the rule it breaks, and what to do about it."""

from __future__ import annotations

from pathlib import Path


class InpaintBenchError(Exception):
    """Base class of every error the package raises on purpose."""


class InputError(InpaintBenchError, ValueError):
    """A file or folder given by the user breaks a rule.

    Parameters
    ----------
    path : path-like or None
        The offending file or folder.
    rule : str
        The rule it breaks, in words (e.g. "a captions clip holds 125 frames").
    hint : str, optional
        What the user can do about it.
    """

    def __init__(self, path: str | Path | None, rule: str, hint: str = "") -> None:
        self.path = None if path is None else Path(path)
        self.rule = rule
        self.hint = hint
        where = f"{self.path}: " if self.path is not None else ""
        message = f"{where}{rule}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class BrokenReferenceError(InputError):
    """The reference (ground truth) data itself is broken: scoring cannot go on."""
