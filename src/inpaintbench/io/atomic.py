"""Write files so that a reader never sees half of one: temporary name, then rename."""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inpaintbench.errors import InputError


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    The temporary file keeps ``path``'s suffix so that writers choosing a format by
    extension (PIL, PyAV) still work. On error the temporary file is removed and
    ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}",
                               dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def to_jsonable(value: Any) -> Any:
    """Replace non-finite floats by the strings ``"inf"``, ``"-inf"``, ``"nan"``.

    Strict JSON has no infinity; the challenge's penalty (MSE = inf) needs one.
    :func:`from_jsonable` reverses this.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # numpy scalar
        return to_jsonable(value.item())
    return value


_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan,
               "Infinity": math.inf, "-Infinity": -math.inf, "NaN": math.nan}


def from_jsonable(value: Any) -> Any:
    """Inverse of :func:`to_jsonable`: turn ``"inf"`` etc. back into floats."""
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    if isinstance(value, dict):
        return {k: from_jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_jsonable(v) for v in value]
    return value


def write_json_atomic(path: str | Path, data: Any, *, indent: int | None = 2) -> Path:
    """Write ``data`` as strict JSON (non-finite floats as strings), atomically.

    ``indent=None`` writes one compact line, for large per-sample files.
    """
    separators = (",", ":") if indent is None else None
    text = json.dumps(to_jsonable(data), indent=indent, separators=separators,
                      allow_nan=False) + "\n"
    return write_text_atomic(path, text)


def parse_int(text: str) -> int | float:
    """JSON integers as Python ints, but a number too long for a float becomes one (±inf).

    Python reads a 400-digit integer exactly, and every later ``float()`` or
    ``math.isfinite`` of it raises OverflowError; as a float it is simply ``inf``,
    which the readers' range checks refuse with a message.
    """
    return int(text) if len(text) < 19 else float(text)


def read_json(path: str | Path) -> Any:
    """Read JSON written by :func:`write_json_atomic` (non-finite strings become floats)."""
    return from_jsonable(json.loads(Path(path).read_text(encoding="utf-8"), parse_int=parse_int))


def read_json_file(path: str | Path, error: type[InputError] | None = None) -> Any:
    """Strict JSON of ``path``: NaN and Infinity literals are refused, as JSON says.

    Raises ``error`` (:class:`~inpaintbench.errors.InputError` by default) naming
    the file when it is missing, unreadable or not JSON. For files a user hands us;
    :func:`read_json` reads back what :func:`write_json_atomic` wrote.
    """
    from inpaintbench.errors import InputError as default_error  # errors imports nothing of ours

    error = error or default_error
    path = Path(path)

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not valid JSON")

    if not path.is_file():
        raise error(path, "not found" if not path.exists() else "is not a file")
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse,
                          parse_int=parse_int)
    except UnicodeDecodeError as exc:
        raise error(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except ValueError as exc:  # JSONDecodeError and the refused constants
        raise error(path, f"is not valid JSON ({exc})") from None
    except OSError as exc:
        raise error(path, f"cannot be read ({exc.strerror})") from None
