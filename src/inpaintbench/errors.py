"""Errors that name the file (or option), the rule it breaks, and what to do about it.

Every error the package raises on purpose derives from :class:`InpaintBenchError`;
the command line turns each into one line and an exit code (see ``EXIT_CODES`` in
:mod:`inpaintbench.cli_common`), never a traceback.
"""

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


class WrongSizeError(InputError):
    """An image or video is not the size it must be; found from its header, before decoding.

    Attributes
    ----------
    size, expected : (width, height)
    """

    def __init__(self, path: str | Path, size: tuple[int, int], expected: tuple[int, int],
                 what: str = "image") -> None:
        self.size, self.expected = tuple(size), tuple(expected)
        super().__init__(path, f"{what} is {size[0]}×{size[1]}, expected "
                               f"{expected[0]}×{expected[1]}")


class OptionError(InpaintBenchError, ValueError):
    """An option's value breaks a rule.

    Parameters
    ----------
    option : str
        The parameter's name as the library takes it (``"keep_fraction"``) or the
        command line's flag (``"--keep"``); the command line prints the flag.
    rule : str
    hint : str, optional
    """

    def __init__(self, option: str, rule: str, hint: str = "") -> None:
        self.option, self.rule, self.hint = option, rule, hint
        message = f"{option}: {rule}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class BusyError(InputError):
    """Another running command writes into the same output folder (its lock is held)."""


class UnavailableError(InpaintBenchError, RuntimeError):
    """What was asked for needs an optional package that is not installed here."""
