"""The training loop: any registered network, any config; checkpoints, exact resume, validation.

:func:`train` knows nothing of any one network: it builds the config's
architecture, has the track's task (:mod:`.tasks`) draw step ``k``'s batch from a
generator seeded by ``(seed, k)``, and sets the learning rate
as a function of ``k``. The only state besides the weights is the optimiser's and
torch's random generator (dropout), all in the checkpoint; so a run stopped at
any checkpoint and resumed ends with the same weights as one that was not
(on the CPU, with the same number of threads).

Validation scores held-out data (fingerprints: whole prints of other fingers than
training's; captions: whole frames of the ``val`` sources) with the challenge's own
metric code, every ``schedule.validate_every`` steps; the best weights by the task's
primary metric (PSNR; IoU for a mask network) are kept for export. ``log.csv`` has
a row per validation, ``curves.png`` plots it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from inpaintbench.errors import InputError, OptionError
from inpaintbench.io.atomic import atomic_path, write_text_atomic
from inpaintbench.io.outdir import LOCK_NAME, FolderLock, check_output_folder
from inpaintbench.training.checkpoint import (
    CHECKPOINT,
    hardware,
    load_checkpoint,
    save_checkpoint,
)
from inpaintbench.training.config import TrainConfig, config_from_dict, dump_config
from inpaintbench.training.data import DATA_DIR
from inpaintbench.training.tasks import make_task, prepare

CONFIG_FILE = "config.toml"
LOG_CSV = "log.csv"
CURVES_PNG = "curves.png"
LOG_COLUMNS = ("step", "loss", "lr", "steps_per_s")  # then val_<metric>…, seconds
RUN_FILES = frozenset({CHECKPOINT, CONFIG_FILE, LOG_CSV, CURVES_PNG, DATA_DIR, LOCK_NAME})
STEP_DECAY = 0.1  # "step" schedule: ×0.1 at 60 % and again at 85 % of the steps

# (step, total, loss, steps per second) → None, after every step
Progress = Callable[[int, int, float, float], None]


def learning_rate(config: TrainConfig, step: int) -> float:
    """The learning rate of step ``step`` (0-based): warm-up, then the named schedule.

    >>> from inpaintbench.training.config import load_config_text
    >>> c = load_config_text('[method]\\nname = "x"\\ntrack = "3"\\n[arch]\\nname = "cvxtz-unet"'
    ...                      '\\n[schedule]\\nsteps = 100\\nname = "cosine"')
    >>> learning_rate(c, 0), round(learning_rate(c, 50), 6), learning_rate(c, 100)
    (0.001, 0.0005, 0.0)
    """
    base, schedule = config.optim.lr, config.schedule
    if step < schedule.warmup:
        return base * (step + 1) / schedule.warmup
    progress = min(1.0, (step - schedule.warmup) / max(1, schedule.steps - schedule.warmup))
    if schedule.name == "cosine":
        return base * 0.5 * (1 + math.cos(math.pi * progress))
    if schedule.name == "step":
        return base * STEP_DECAY ** ((progress >= 0.6) + (progress >= 0.85))
    return base


def make_optimizer(config: TrainConfig, parameters) -> torch.optim.Optimizer:
    if config.optim.name == "sgd":
        return torch.optim.SGD(parameters, lr=config.optim.lr, momentum=config.optim.momentum,
                               nesterov=True, weight_decay=config.optim.weight_decay)
    return torch.optim.Adam(parameters, lr=config.optim.lr,
                            weight_decay=config.optim.weight_decay)


@dataclass
class TrainResult:
    run_dir: Path
    steps: int
    seconds: float
    best: dict[str, Any] | None
    stopped: str  # "done" (every step), "budget" (time) or "steps" (max_steps)

    def describe(self) -> str:
        best = self.best or {}
        metrics = best.get("metrics", {})
        figures = (f"; best at step {best['step']}: " + ", ".join(
            f"{name.upper()} {value:.4g}" for name, value in metrics.items())
            if metrics else "")
        why = {"done": "done", "budget": "stopped at the time budget (--resume goes on)",
               "steps": "stopped at --max-steps"}[self.stopped]
        return (f"{self.steps} steps in {self.seconds / 60:.1f} min ({why}){figures}; "
                f"run in {self.run_dir}")


def _check_run_dir(run_dir: Path, config: TrainConfig, resume: bool) -> dict[str, Any] | None:
    """The checkpoint to resume from, or None for a new run; refuse a folder that is not ours."""
    checkpoint_path = run_dir / CHECKPOINT
    if checkpoint_path.exists():
        if not resume:
            raise InputError(run_dir, "holds a training run", "pass --resume to go on with it, "
                             "or choose another --out")
        checkpoint = load_checkpoint(checkpoint_path)
        previous = config_from_dict(checkpoint["config"], str(checkpoint_path))
        if previous != config:
            raise InputError(checkpoint_path, "was trained with another config",
                             "resume with the config it was started with, or choose another "
                             "--out")
        return checkpoint
    foreign = sorted(p.name for p in run_dir.iterdir() if p.name not in RUN_FILES) \
        if run_dir.is_dir() else []
    if foreign:
        raise InputError(run_dir, f"holds files that are not a training run's "
                                  f"({', '.join(foreign[:3])})", "choose a new or empty --out")
    return None


def _write_log(run_dir: Path, rows: list[dict[str, Any]], plotted: tuple[str, str]) -> None:
    buffer = io.StringIO()
    columns = [*LOG_COLUMNS, *(k for k in rows[0] if k.startswith("val_")), "seconds"]
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomic(run_dir / LOG_CSV, buffer.getvalue())
    _plot(run_dir, rows, plotted)


def _plot(run_dir: Path, rows: list[dict[str, Any]], plotted: tuple[str, str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = [r["step"] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.4), constrained_layout=True)
    axes[0].plot(steps, [r["loss"] for r in rows])
    axes[0].set_yscale("log")
    axes[0].set_ylabel("training loss (mean since last row)")
    for ax, metric in zip(axes[1:], plotted, strict=True):
        ax.plot(steps, [r[f"val_{metric}"] for r in rows])
        ax.set_ylabel(f"validation {metric.upper()}")
    for ax in axes:
        ax.set_xlabel("step")
    with atomic_path(run_dir / CURVES_PNG) as tmp:
        fig.savefig(tmp, dpi=80)
    plt.close(fig)


@dataclass
class _Run:
    """One call's training state: what the checkpoint saves and the loop advances."""

    config: TrainConfig
    run_dir: Path
    model: torch.nn.Module
    optimizer: torch.optim.Optimizer
    device: torch.device
    record: dict[str, Any]  # data, hardware, device: written into every checkpoint
    step: int = 0
    seconds: float = 0.0  # training time of the calls before this one
    best: dict[str, Any] | None = None
    rows: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    started: float = dataclasses.field(default_factory=time.monotonic)

    def resume_from(self, checkpoint: dict[str, Any]) -> None:
        self.model.load_state_dict(checkpoint["model"])
        self.optimizer.load_state_dict(checkpoint["optimizer"])
        torch.set_rng_state(checkpoint["torch_rng"])
        self.step, self.seconds = checkpoint["step"], checkpoint["seconds"]
        self.best, self.rows = checkpoint["best"], checkpoint["log"]

    def elapsed(self) -> float:
        return self.seconds + time.monotonic() - self.started

    def train_step(self, task: Any, loss_fn: Any) -> float:
        """One optimiser step on step ``self.step``'s batch; the loss."""
        for group in self.optimizer.param_groups:
            group["lr"] = learning_rate(self.config, self.step)
        self.model.train()
        loss = task.loss(self.model, self.step, loss_fn, self.device)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        value = float(loss.detach())
        if not math.isfinite(value):
            raise InputError(self.run_dir, f"the loss became {value} at step {self.step}",
                             "lower optim.lr in the config")
        self.step += 1
        return value

    def validate_and_log(self, task: Any, losses: list[float], rate: float) -> None:
        """Score the validation set, keep the best weights, rewrite log.csv and curves."""
        metrics = task.validate(self.model, self.device)
        self.rows.append({"step": self.step, "loss": float(np.mean(losses)),
                          "lr": learning_rate(self.config, self.step - 1),
                          "steps_per_s": round(rate, 4),
                          **{f"val_{k}": v for k, v in metrics.items()},
                          "seconds": round(self.elapsed(), 1)})
        if self.best is None or metrics[task.primary] > self.best["metrics"][task.primary]:
            self.best = {"step": self.step, "metrics": metrics,
                         "model": {k: v.detach().clone().cpu()
                                   for k, v in self.model.state_dict().items()}}
        _write_log(self.run_dir, self.rows, task.plotted)

    def save(self) -> None:
        save_checkpoint(self.run_dir / CHECKPOINT, {
            "config": self.config.to_dict(), "step": self.step,
            "model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
            "torch_rng": torch.get_rng_state(), "seconds": self.elapsed(), "best": self.best,
            "log": self.rows, "threads": torch.get_num_threads(), **self.record})


def train(config: TrainConfig, run_dir: str | Path, *, data: str | Path | None = None,
          resume: bool = False, max_minutes: float | None = None,
          max_steps: int | None = None, device: str = "cpu", threads: int | None = None,
          workers: int | None = None, progress: Progress | None = None,
          on_status: Callable[[str], None] | None = None) -> TrainResult:
    """Train ``config``'s network in ``run_dir``; resume a run there with ``resume``.

    Parameters
    ----------
    data : path, optional
        A fingerprints set to train on; by default the config's recipe is built in
        ``run_dir/data`` (once, resumable).
    max_minutes : float, optional
        Stop (after a checkpoint) when this much training time has passed in this
        call; by default the config's ``max_minutes``.
    max_steps : int, optional
        Stop after this step (for tests and for a run planned over several calls).
    device : {"cpu", "cuda"}
    threads : int, optional
        torch's intra-op threads (default: every core).

    Raises
    ------
    InputError
        When ``run_dir`` holds something else, a run of another config, or a run
        without ``resume``; when the data is not a fingerprints set.
    """
    from inpaintbench.data.common import DATASET_JSON
    from inpaintbench.io.atomic import read_json_file
    from inpaintbench.nets.registry import build_arch
    from inpaintbench.training.losses import make_loss

    run_dir = Path(run_dir)
    say = on_status or (lambda _message: None)
    if device not in ("cpu", "cuda"):
        raise OptionError("device", f"{device!r} is not cpu or cuda")
    if device == "cuda" and not torch.cuda.is_available():
        raise InputError(None, "--device cuda: no CUDA device is available here",
                         "train with --device cpu")
    check_output_folder(run_dir)
    with FolderLock(run_dir, f"train {config.method.name}"):
        checkpoint = _check_run_dir(run_dir, config, resume)
        write_text_atomic(run_dir / CONFIG_FILE, dump_config(config))
        torch.set_num_threads(threads or os.cpu_count() or 1)
        say("preparing the data")
        root = prepare(config, run_dir, Path(data) if data else None, workers)
        torch.manual_seed(config.seed)
        model = build_arch(config.arch.name, width=config.arch.width, **config.arch.options)
        say("loading the data into memory")
        task = make_task(config, root, model)
        target = torch.device(device)
        model.to(target)
        described = root / DATASET_JSON
        description = read_json_file(described) if described.is_file() else {}
        record = {"data": {"root": str(root), "builder": config.data.builder,
                           "config": description.get("config"), **task.record()},
                  "hardware": hardware(device), "device": device}
        run = _Run(config, run_dir, model, make_optimizer(config, model.parameters()), target,
                   record)
        if checkpoint is not None:
            run.resume_from(checkpoint)
        loss_fn = make_loss(config.loss)
        total, every = config.schedule.steps, config.schedule.validate_every
        budget = 60 * (max_minutes if max_minutes is not None else config.max_minutes)
        run.started = last_save = window_start = time.monotonic()
        losses: list[float] = []
        stopped = "done"
        say(f"training {config.method.name} from step {run.step} of {total}")
        while run.step < total:
            if max_steps is not None and run.step >= max_steps:
                stopped = "steps"
                break
            if time.monotonic() - run.started > budget:
                stopped = "budget"
                break
            losses.append(run.train_step(task, loss_fn))
            rate = len(losses) / max(time.monotonic() - window_start, 1e-9)
            if progress:
                progress(run.step, total, losses[-1], rate)
            validating = run.step % every == 0 or run.step == total
            if validating:
                run.validate_and_log(task, losses, rate)
                losses, window_start = [], time.monotonic()
            if validating or time.monotonic() - last_save > 60 * config.schedule.checkpoint_minutes:
                run.save()
                last_save = time.monotonic()
        run.save()
        return TrainResult(run_dir, run.step, run.elapsed(), run.best, stopped)
