"""Run checkpoints (everything to resume exactly) and exported weights (what ships).

A run folder holds ``checkpoint.pt``: the model, the optimiser, the step, torch's
random state, the best validation so far and its weights, the seconds spent and
where. It is written atomically every few minutes, so a killed run loses at most
that. ``inpaintbench export`` turns it into the small file that ships in the
package: the best weights in float16, the config, the data recipe, the training
time and hardware, the validation figures and the git commit.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from pathlib import Path
from typing import Any

import torch

from inpaintbench.errors import InputError
from inpaintbench.io.atomic import atomic_path, write_json_atomic

CHECKPOINT = "checkpoint.pt"
RUN_FORMAT = "inpaintbench.run/1"
WEIGHTS_FORMAT = "inpaintbench.weights/1"


def save_checkpoint(path: Path, state: dict[str, Any]) -> Path:
    """Write a run checkpoint atomically (temporary name, then rename)."""
    with atomic_path(path) as tmp:
        torch.save({"format": RUN_FORMAT, **state}, tmp)
    return path


def _load(path: Path, what: str, fmt: str) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(path, "not found" if not path.exists() else "is not a file")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 — torch raises many kinds on a broken file
        first_line = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).split("\n")[0][:120]
        raise InputError(path, f"is not a readable {what} ({type(exc).__name__}: "
                               f"{first_line})", "it may be truncated: export or copy it "
                                                 "again") from None
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise InputError(path, f"is not an InpaintBench {what} (format {fmt})")
    return data


def load_checkpoint(path: Path) -> dict[str, Any]:
    """A run checkpoint written by :func:`save_checkpoint`, or InputError naming the file."""
    return _load(Path(path), "run checkpoint", RUN_FORMAT)


def load_weights_file(path: Path) -> dict[str, Any]:
    """An exported weights file, or InputError naming the file."""
    return _load(Path(path), "weights file", WEIGHTS_FORMAT)


def hardware(device: str) -> str:
    """Where a run trains: the CPU model and cores, or the GPU's name."""
    if device.startswith("cuda") and torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)} (CUDA {torch.version.cuda})"
    from inpaintbench.demo import machine_description

    return machine_description()


def git_commit() -> str | None:
    """The commit of the checkout this package runs from, when it is one."""
    here = Path(__file__).resolve().parent
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                              text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                           capture_output=True, text=True, timeout=5).stdout.strip()
    return done.stdout.strip() + ("+changes" if dirty else "")


def export_weights(run_dir: Path, out: Path) -> dict[str, Any]:
    """Write the shipped file of a run: its best weights in float16 and what made them.

    Raises
    ------
    InputError
        When ``run_dir`` holds no checkpoint, or its checkpoint has no validation yet.
    """
    checkpoint = load_checkpoint(Path(run_dir) / CHECKPOINT)
    best = checkpoint.get("best")
    if not best:
        raise InputError(run_dir, "has no validated weights yet",
                         "train until the first validation (schedule.validate_every)")
    state = {k: (v.half() if v.is_floating_point() else v) for k, v in best["model"].items()}
    record = {
        "format": WEIGHTS_FORMAT,
        "config": checkpoint["config"],
        "state": state,
        "data": checkpoint["data"],
        "training": {"steps": best["step"], "steps_run": checkpoint["step"],
                     "seconds": checkpoint["seconds"], "hardware": checkpoint["hardware"],
                     "device": checkpoint["device"], "torch": str(torch.__version__),
                     "python": platform.python_version(), "threads": checkpoint["threads"]},
        "validation": best["metrics"],
        "commit": git_commit(),
    }
    with atomic_path(out) as tmp:
        torch.save(record, tmp)
    summary = {k: v for k, v in record.items() if k != "state"}
    write_json_atomic(Path(out).with_suffix(".json"), summary)  # readable without torch
    return record


def file_size_mb(path: Path) -> float:
    return os.path.getsize(path) / 2**20
