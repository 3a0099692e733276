"""Output folders: checked before the work starts, and held by one writer at a time.

:func:`check_output_folder` answers "can this command write there?" up front, so
that a read-only folder, a file in the way or a parent that cannot be created
fails in the first second, not after minutes of work. :class:`FolderLock` keeps
two commands from writing into one folder at once (two builds with other seeds
would otherwise mix their files under one ``dataset.json``): it holds an
``fcntl`` lock on ``<folder>/.inpaintbench.lock``, which the kernel releases when
the holder exits, however it exits, so a killed build never blocks its resume.
"""

from __future__ import annotations

import errno
import json
import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from inpaintbench.errors import BusyError, InputError

LOCK_NAME = ".inpaintbench.lock"  # hidden: listings of sets and predictions skip it


def _reason(error: OSError) -> str:
    return error.strerror or errno.errorcode.get(error.errno or 0, str(error))


def _probe_write(folder: Path) -> None:
    """Create and remove a file in ``folder``: the one test that also holds for root."""
    fd, name = tempfile.mkstemp(prefix=".inpaintbench-probe.", dir=folder)
    os.close(fd)
    os.unlink(name)


def check_output_folder(path: str | Path, option: str = "--out") -> Path:
    """Check that ``path`` is, or can be made, a folder this process can write into.

    Creates nothing: a missing folder is checked through its nearest existing
    parent.

    Raises
    ------
    InputError
        Naming the path and why it cannot be written: it is a file, it or its
        parent is read-only, or a parent on the way is a file.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(path, f"is a file; {option} must be a folder",
                         f"give {option} a new or existing folder")
    existing = path
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(path, f"cannot be created: {existing} is a file",
                         f"give {option} a path under a folder")
    try:
        _probe_write(existing)
    except OSError as error:
        what = "is not writable" if existing == path else f"cannot be created in {existing}"
        raise InputError(path, f"{what} ({_reason(error)})",
                         f"give {option} a folder you can write to") from None
    return path


class FolderLock:
    """Hold ``folder`` for one command; a second command gets :class:`BusyError` at once.

    Use as a context manager. The folder is created if needed, and removed again
    on release if this lock made it and nothing was written into it, so that a
    command refused before its work leaves nothing behind. The lock file records
    the holder's pid and command, which the refusal names.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp, FolderLock(tmp, "demo"):
    ...     FolderLock(tmp, "other").acquire()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    inpaintbench.errors.BusyError: ...: is in use by another InpaintBench command ...
    """

    def __init__(self, folder: str | Path, command: str) -> None:
        self.folder = Path(folder)
        self.command = command
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None
        self._made: list[Path] = []

    def acquire(self) -> FolderLock:
        import fcntl

        check_output_folder(self.folder)
        missing = [p for p in (self.folder, *self.folder.parents) if not p.exists()]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(self.folder, f"cannot be created ({_reason(error)})") from None
        self._made = missing
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 4096).decode("utf-8", "replace")
                os.close(fd)
                raise BusyError(self.folder, f"is in use by another InpaintBench command "
                                f"({_describe_holder(holder)})",
                                "wait for it to finish, or choose another folder") from None
            # the holder before us may have removed the file between our open and lock
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "command": self.command,
                                 "argv": sys.argv}).encode("utf-8"))
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)  # closing releases the lock
            self._fd = None
        for folder in self._made:  # deepest first: what this lock made, if still empty
            try:
                folder.rmdir()
            except OSError:
                break

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()


def _describe_holder(text: str) -> str:
    try:
        holder = json.loads(text)
        return f"pid {holder['pid']}: {holder['command']}"
    except (ValueError, KeyError, TypeError):
        return "a process that is still running"
