"""Ctrl-C: the command stops at once, says so on one line, leaves no temporary file, resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inpaintbench.cli_common import EXIT_INTERRUPTED


def _start(argv: list[str]) -> subprocess.Popen:
    def own_group() -> None:  # as a terminal's foreground job: SIGINT reaches every process
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.setsid()
    return subprocess.Popen([sys.executable, "-m", "inpaintbench", *argv], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=own_group)


def _wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the command made no progress to interrupt")
        time.sleep(0.2)


def test_ctrl_c_stops_a_parallel_build_which_then_resumes(tmp_path: Path) -> None:
    out = tmp_path / "prints"
    argv = ["data", "fingerprints", "build", "--count", "300", "--out", str(out),
            "--workers", "2"]
    process = _start(argv)
    _wait_for(lambda: len(list((out / ".parts").glob("*.json"))) >= 2, 120)
    interrupted = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert time.monotonic() - interrupted < 10, "the workers went on after Ctrl-C"
    assert process.returncode == EXIT_INTERRUPTED, err
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.strip()] == [
        "stopped: interrupted; the same command resumes where it stopped"]
    assert not [p for p in out.rglob("*") if ".part." in p.name]
    finished = len(list((out / ".parts").glob("*.json")))

    again = subprocess.run([sys.executable, "-m", "inpaintbench", *argv[:4], "3",
                            *argv[5:]], capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "other settings" in again.stderr  # not mixed with 300
    resumed = _start(argv)
    _wait_for(lambda: resumed.poll() is not None or len(list((out / ".parts").glob("*.json")))
              > finished, 120)
    os.killpg(resumed.pid, signal.SIGINT)
    resumed.communicate(timeout=60)
    assert len(list((out / ".parts").glob("*.json"))) > finished  # went on from where it was
