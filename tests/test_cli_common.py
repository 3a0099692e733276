"""The command line's one convention: every failure is one line and a documented exit code."""

from __future__ import annotations

import errno
import io
import re
from pathlib import Path

import pytest
import typer
from rich.console import Console
from rich.progress import MofNCompleteColumn, TextColumn

import inpaintbench.cli_common as cli_common
from inpaintbench.cli_common import (
    DEBUG_VARIABLE,
    EXIT_BAD_INPUT,
    EXIT_BROKEN_REFERENCE,
    EXIT_BUSY,
    EXIT_CODES,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    fail,
    progress_bar,
    run_app,
    say,
)
from inpaintbench.errors import BrokenReferenceError, BusyError, InputError, OptionError

README = Path(__file__).resolve().parents[1] / "README.md"


def _app(error: BaseException | None) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def go(count: int = typer.Option(1)) -> None:
        if error is not None:
            raise error
        say(f"counted {count}")

    @app.command()
    def other() -> None:  # a second command, so that `go` is a subcommand as ours are
        pass

    return app


@pytest.mark.parametrize(("error", "code", "label", "text"), [
    (None, EXIT_OK, None, "counted 1"),
    (InputError("/data/x.png", "is not an image"), EXIT_BAD_INPUT, "error:", "/data/x.png"),
    (BrokenReferenceError("/ref/Y", "not found"), EXIT_BROKEN_REFERENCE, "broken reference:",
     "/ref/Y"),
    (BusyError("/out", "is in use"), EXIT_BUSY, "busy:", "/out"),
    (OptionError("keep_fraction", "must be in (0, 1]"), EXIT_BAD_INPUT, "error:", "--keep:"),
    (KeyboardInterrupt(), EXIT_INTERRUPTED, "stopped:", "resumes"),
    (OSError(errno.ENOSPC, "No space left on device", "/out/a.png"), EXIT_BAD_INPUT, "error:",
     "/out/a.png: No space left on device"),
    (MemoryError(), EXIT_BAD_INPUT, "error:", "out of memory"),
    (ZeroDivisionError("division by zero"), EXIT_INTERNAL, "internal error:", DEBUG_VARIABLE),
])
def test_every_failure_is_one_line_and_an_exit_code(capsys, error, code, label, text):
    got = run_app(_app(error), ["go"], flags={"keep_fraction": "--keep"})
    captured = capsys.readouterr()
    assert got == code
    assert "Traceback" not in captured.out + captured.err
    if label is None:
        assert text in captured.out and not captured.err
    else:
        lines = [line for line in captured.err.splitlines() if line]
        assert len(lines) == 1 and lines[0].startswith(label) and text in lines[0], lines


def test_a_usage_error_names_the_option_on_one_line(capsys):
    assert run_app(_app(None), ["go", "--count", "many"]) == EXIT_BAD_INPUT
    lines = [line for line in capsys.readouterr().err.splitlines() if line]
    assert len(lines) == 1 and "--count" in lines[0] and "integer" in lines[0]


def test_the_debug_variable_shows_the_traceback(monkeypatch):
    monkeypatch.setenv(DEBUG_VARIABLE, "1")
    with pytest.raises(ZeroDivisionError):
        run_app(_app(ZeroDivisionError("x")), ["go"])


def test_markup_and_braces_print_literally(capsys):
    fail("a[/]b [bold]c {task}")
    say("x[/]")
    with progress_bar("label [/] {0} {task.total}") as bar:
        bar.update(bar.add_task("t", total=1), completed=1)
    captured = capsys.readouterr()
    assert "a[/]b [bold]c {task}" in captured.err and "x[/]" in captured.out


def test_the_readme_documents_every_exit_code():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## When something is wrong"):]
    documented = {int(code) for code in re.findall(r"^\| `?(\d+)`? \|", section, re.MULTILINE)}
    assert documented == set(EXIT_CODES)


# --- progress where no terminal draws it -----------------------------------------


def _progress_lines(file, every: float, monkeypatch) -> str:
    monkeypatch.setattr(cli_common, "LOG_EVERY", every)
    with cli_common.LoggedProgress(TextColumn("building pairs"), MofNCompleteColumn(),
                                   console=Console(file=file, width=80),
                                   transient=True) as bar:
        task = bar.add_task("pairs", total=10)
        for done in range(1, 4):
            bar.update(task, completed=done)
    return file.getvalue()


def test_progress_writes_plain_lines_to_a_log_file(monkeypatch):
    text = _progress_lines(io.StringIO(), 0.0, monkeypatch)
    assert [line.split() for line in text.splitlines() if line.strip()] == [
        ["building", "pairs", f"{done}/10"] for done in (1, 2, 3)]
    assert "\x1b" not in text  # no cursor movements in a log


def test_progress_lines_are_spaced_out(monkeypatch):
    assert _progress_lines(io.StringIO(), 3600.0, monkeypatch).strip() == ""
