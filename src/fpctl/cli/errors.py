"""The one place where errors become stderr lines and exit codes (SPEC §3.5).

Commands run inside ``mapped()``: a domain error prints ``error:``/``hint:`` lines (and a
JSON error object with ``-o json``) and exits with its code; anything unexpected is a bug:
one line, exit 1, the traceback only with ``--debug``. Inside ``fpctl batch`` (``at_line``)
every error names the batch line it came from.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import typer

from fpctl.errors import ExitCode, FpctlError

_LINE: ContextVar[int | None] = ContextVar("fpctl_batch_line", default=None)


@contextmanager
def at_line(number: int) -> Iterator[None]:
    """Errors reported in this block start with ``line N:`` (and carry ``line`` in JSON)."""
    token = _LINE.set(number)
    try:
        yield
    finally:
        _LINE.reset(token)


def _located(error: Mapping[str, Any]) -> dict[str, Any]:
    line = _LINE.get()
    if line is None:
        return dict(error)
    return {**error, "message": f"line {line}: {error['message']}", "line": line}


def wants_json(args: list[str]) -> bool:
    """Whether a command line asked for JSON (before its options were parsed)."""
    fmt = os.environ.get("FPCTL_OUTPUT", "table")
    for index, arg in enumerate(args):
        if arg in ("-o", "--output") and index + 1 < len(args):
            fmt = args[index + 1]
        elif arg.startswith("--output="):
            fmt = arg.split("=", 1)[1]
        elif arg.startswith("-o") and len(arg) > 2:
            fmt = arg[2:]
    return fmt == "json"


def wants_debug(args: list[str]) -> bool:
    return "--debug" in args or os.environ.get("FPCTL_DEBUG", "") not in ("", "0", "false")


def report(error: FpctlError, *, as_json: bool) -> int:
    from fpctl.render import emit_error

    emit_error(_located(error.as_dict()), as_json=as_json)
    return int(error.exit_code)


def report_usage(message: str, *, as_json: bool) -> int:
    from fpctl.render import emit_error

    error = {"code": "usage", "message": message, "hint": "run with --help to see the usage"}
    emit_error(_located(error), as_json=as_json)
    return int(ExitCode.USAGE)


def report_bug(error: BaseException, *, as_json: bool, debug: bool) -> int:
    from fpctl.render import emit_error

    if debug:
        traceback.print_exception(error, file=sys.stderr)
    message = f"internal error: {type(error).__name__}: {error}"
    details = {"code": "internal_error", "message": message}
    if not debug:
        details["hint"] = "run again with --debug for the traceback, and report it"
    emit_error(_located(details), as_json=as_json)
    return int(ExitCode.INTERNAL)


@contextmanager
def mapped(*, as_json: bool, debug: bool) -> Iterator[None]:
    """Run a command body; turn what it raises into output and an exit code."""
    try:
        yield
    except (typer.TyperException, typer.Exit, typer.Abort):  # Click's own flow
        raise
    except FpctlError as error:
        raise typer.Exit(report(error, as_json=as_json)) from None
    except (KeyboardInterrupt, BrokenPipeError):
        raise typer.Exit(130) from None
    except Exception as error:
        raise typer.Exit(report_bug(error, as_json=as_json, debug=debug)) from None
