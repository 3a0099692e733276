"""What every ``inpaintbench`` command shares: output, exit codes, option checks, error lines.

The commands are thin shells over the library; this module is the shell's one
convention for talking to the user:

* everything printed goes through :func:`say`, :func:`warn` and :func:`fail` as
  plain text, never as rich markup, so a file named ``[bold]x`` or ``a[/]b``
  prints exactly;
* every option is checked at the door by a callback here (a refused option
  leaves nothing behind);
* :func:`run_app` turns every error into one line and an exit code
  (:data:`EXIT_CODES`), and never lets a traceback reach the user.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from inpaintbench.errors import (
    BrokenReferenceError,
    BusyError,
    InpaintBenchError,
    OptionError,
)

console = Console(highlight=False, soft_wrap=True)  # lines carry paths: never wrap
err_console = Console(stderr=True, soft_wrap=True, highlight=False)  # paths: never wrapped

EXIT_OK = 0
EXIT_BAD_INPUT = 2  # a missing or malformed file, a bad option, an unusable --out
EXIT_BROKEN_REFERENCE = 3  # the reference set itself is broken: no score is possible
EXIT_BUSY = 4  # another running command holds the --out folder
EXIT_INTERNAL = 70  # a bug (EX_SOFTWARE): the line says so and how to see the traceback
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT): rerun the same command to resume
EXIT_CODES = {
    EXIT_OK: "done (penalised or skipped samples are listed, and recorded in the outputs)",
    EXIT_BAD_INPUT: "bad input: a missing or malformed file, a bad option, or an --out "
                    "that cannot be written; the line names the file or option and the rule",
    EXIT_BROKEN_REFERENCE: "the reference set is broken (score): no score is possible",
    EXIT_BUSY: "another InpaintBench command is writing into the same --out folder",
    EXIT_INTERNAL: "an internal error: a bug; INPAINTBENCH_DEBUG=1 shows the traceback",
    EXIT_INTERRUPTED: "interrupted; the same command resumes where it stopped",
}
DEBUG_VARIABLE = "INPAINTBENCH_DEBUG"


# --- Printing ---------------------------------------------------------------------


def say(message: str, *, stderr: bool = False) -> None:
    """Print ``message`` literally (no markup)."""
    (err_console if stderr else console).print(Text(message))


def warn(label: str, message: str) -> None:
    """One yellow ``label:`` line on stderr, the message printed literally."""
    err_console.print(Text.assemble((f"{label}:", "yellow"), " ", message))


def fail(message: str, label: str = "error") -> None:
    """One red ``label:`` line on stderr, the message printed literally."""
    err_console.print(Text.assemble((f"{label}:", "bold red"), " ", message))


#: Seconds between the plain progress lines written where stderr is not a terminal.
LOG_EVERY = 30.0


class LoggedProgress(Progress):
    """Rich's progress bar, which also reports where no one sees it drawn.

    On a terminal it is rich's transient bar. Where stderr is a file or a pipe (a job
    in the background, CI, ``nohup``) rich draws nothing until the end; this writes the
    bar's line instead, at most every :data:`LOG_EVERY` seconds, so a log shows how far
    a long job is and when it will end.
    """

    def __init__(self, *columns: Any, **options: Any) -> None:
        super().__init__(*columns, **options)
        self._plain = not self.console.is_terminal
        self._logged_at = time.monotonic()

    def update(self, task_id: Any, **changes: Any) -> None:
        super().update(task_id, **changes)
        now = time.monotonic()
        if self._plain and now - self._logged_at >= LOG_EVERY:
            self._logged_at = now
            with self._lock:
                task = self._tasks[task_id]
            self.console.print(self.make_tasks_table([task]), soft_wrap=True)


def progress_bar(label: str, *, steps: bool = False) -> Progress:
    """A transient progress bar on stderr: ``label``, bar, done/total, time left.

    ``steps=True`` shows each task's changing description after ``label`` instead.
    Where stderr is not a terminal it writes a plain line every :data:`LOG_EVERY` s.
    """
    text = escape(label).replace("{", "{{").replace("}", "}}")  # literal, not a template
    if steps:
        text += " · {task.description}"
    return LoggedProgress(TextColumn(text), BarColumn(), MofNCompleteColumn(),
                          TimeRemainingColumn(), console=err_console, transient=True)


# --- Options, checked at the door -----------------------------------------------


def choice(option: str, choices: Sequence[str] | Callable[[], Sequence[str]]
           ) -> Callable[[Any], Any]:
    """A callback refusing any value of ``option`` outside ``choices`` (None passes).

    ``choices`` may be a function returning them, so that the library module that
    defines them is imported only when the option is used.
    """
    def check(value: Any) -> Any:
        allowed = choices() if callable(choices) else choices
        if value is not None and value not in allowed:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(map(str, allowed))}",
                                     param_hint=option)
        return value
    return check


def positive(option: str) -> Callable[[Any], Any]:
    """A callback refusing a value below 1 (None passes)."""
    return in_range(option, low=1)


def in_range(option: str, low: float | None = None, high: float | None = None, *,
             low_open: bool = False) -> Callable[[Any], Any]:
    """A callback refusing a number outside [low, high] ((low, high] with ``low_open``)."""
    def check(value: Any) -> Any:
        if value is None:
            return value
        below = low is not None and (value <= low if low_open else value < low)
        if below or (high is not None and value > high) or value != value:  # NaN too
            left = "(" if low_open else "["
            span = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}]"
            raise typer.BadParameter(f"{value} is outside {span}", param_hint=option)
        return value
    return check


SEED_MAX = 2**32 - 1  # numpy's SeedSequence takes any int ≥ 0; keep seeds to 32 bits


def seed_option(value: int) -> int:
    """``--seed``: an integer in [0, 2³² − 1]."""
    return in_range("--seed", 0, SEED_MAX)(value)


MAX_WORKERS = 256  # processes: far above any one machine's cores, far below a fork bomb


def workers_option(value: int | None) -> int | None:
    """``--workers``: 1 to :data:`MAX_WORKERS` (default: every core)."""
    return in_range("--workers", 1, MAX_WORKERS)(value)


SCHEDULER_HELP = ("A Dask scheduler (tcp://host:8786): spread the samples over its workers; "
                  "the output folder must be shared by them (default: $DASK_SCHEDULER_ADDRESS, "
                  "else local processes).")
SchedulerOption = Annotated[str | None, typer.Option(
    "--scheduler", envvar="DASK_SCHEDULER_ADDRESS", show_envvar=False, help=SCHEDULER_HELP)]


def on_cluster(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command taking ``scheduler: SchedulerOption`` within that cluster's context.

    Its sample-parallel work (:func:`inpaintbench.data.common.run_parallel`, the
    scorers) then goes to the scheduler's workers (:mod:`inpaintbench.cluster`).
    """
    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from inpaintbench.cluster import scheduler_address, using

        with using(scheduler_address(kwargs.get("scheduler"))):
            return command(*args, **kwargs)
    return run


def output_folder(option: str = "--out") -> Callable[[Any], Any]:
    """A callback checking that the folder can be written before any work starts."""
    def check(value: Path | None) -> Path | None:
        if value is None:
            return value
        from inpaintbench.io.outdir import check_output_folder

        check_output_folder(value, option)
        return value
    return check


# --- Running the app --------------------------------------------------------------


def _usage_line(error: Any) -> str:
    message = error.format_message()
    ctx = getattr(error, "ctx", None)
    where = f"{ctx.command_path}: " if ctx is not None else ""
    hint = f" (see {ctx.command_path} --help)" if ctx is not None else ""
    return f"{where}{' '.join(message.split())}{hint}"


def run_app(app: typer.Typer, argv: Sequence[str] | None = None,
            prog_name: str = "inpaintbench",
            flags: dict[str, str] | None = None) -> int:
    """Run ``app`` on ``argv``; return its exit code, having printed any error as one line.

    ``flags`` maps library keyword names to the command line's flags, so that an
    :class:`OptionError` raised deep in the library names the flag the user typed.
    """
    from typer import exceptions as typer_errors
    from typer._click import exceptions as click_errors

    flags = flags or {}
    try:
        code = app(args=list(sys.argv[1:] if argv is None else argv), prog_name=prog_name,
                   standalone_mode=False)
    except click_errors.NoArgsIsHelpError as error:
        say(error.format_message(), stderr=True)
        return EXIT_BAD_INPUT
    except click_errors.ClickException as error:
        fail(_usage_line(error))
        return EXIT_BAD_INPUT
    except typer_errors.Abort:
        fail("interrupted; the same command resumes where it stopped", label="stopped")
        return EXIT_INTERRUPTED
    except BusyError as error:
        fail(str(error), label="busy")
        return EXIT_BUSY
    except BrokenReferenceError as error:
        fail(str(error), label="broken reference")
        return EXIT_BROKEN_REFERENCE
    except OptionError as error:
        flag = flags.get(error.option, error.option)
        if not flag.startswith("-"):
            flag = "--" + flag.replace("_", "-")
        fail(f"{flag}: {error.rule}" + (f" ({error.hint})" if error.hint else ""))
        return EXIT_BAD_INPUT
    except InpaintBenchError as error:
        fail(str(error))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        fail("interrupted; the same command resumes where it stopped", label="stopped")
        return EXIT_INTERRUPTED
    except MemoryError:
        fail("out of memory; give a smaller input, or fewer --workers")
        return EXIT_BAD_INPUT
    except OSError as error:
        if error.errno == errno.EPIPE:  # `inpaintbench … | head`: the reader left
            return EXIT_OK
        if os.environ.get(DEBUG_VARIABLE):
            raise
        where = f"{error.filename}: " if error.filename else ""
        fail(f"{where}{error.strerror or error}")
        return EXIT_BAD_INPUT
    except Exception as error:
        if os.environ.get(DEBUG_VARIABLE):
            raise
        fail(f"{type(error).__name__}: {error} — this is a bug in InpaintBench; rerun with "
             f"{DEBUG_VARIABLE}=1 to see where, and report it", label="internal error")
        return EXIT_INTERNAL
    if code == EXIT_INTERRUPTED:
        fail("interrupted; the same command resumes where it stopped", label="stopped")
    return code if isinstance(code, int) else EXIT_OK
