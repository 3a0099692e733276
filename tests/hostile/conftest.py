"""The hostile-input harness: a corpus made once per session, the CLI run in-process."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.corpus import Corpus


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return Corpus(tmp_path_factory.mktemp("hostile-corpus"))


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@pytest.fixture()
def cli(capsys: pytest.CaptureFixture[str]):
    """Run ``inpaintbench ARGV`` in this process, as ``main`` does; return its outcome."""
    from inpaintbench.cli import FLAGS, app
    from inpaintbench.cli_common import run_app

    def invoke(argv: list[str]) -> Outcome:
        capsys.readouterr()
        code = run_app(app, [str(a) for a in argv], flags=FLAGS)
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)
    return invoke


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` unwritable for this process, root included, for the ``with`` block.

    Root ignores permission bits, so as root the folder is made immutable
    (``chattr +i``, which needs CAP_LINUX_IMMUTABLE); the test is skipped where
    neither works.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make a read-only folder as root here: {made.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
