"""The one place where errors become stderr lines and exit codes (SPEC §3.5).

Commands run inside ``mapped()``: a domain error prints ``error:``/``hint:`` lines (and a
JSON error object with ``-o json``) and exits with its code; anything unexpected is a bug:
one line, exit 1, the traceback only with ``--debug``. Inside ``fpctl batch`` every error
names the batch line it came from (``line``).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import typer

from fpctl.errors import ExitCode, FpctlError


class Located(Protocol):
    """Where a command runs from: a batch line has a ``number``."""

    number: int


def _located(error: Mapping[str, Any], line: Located | int | None) -> dict[str, Any]:
    """A batch line's error starts with ``line N:`` and carries ``line`` in JSON."""
    if line is None:
        return dict(error)
    number = line if isinstance(line, int) else line.number
    return {**error, "message": f"line {number}: {error['message']}", "line": number}


def wants_json(args: list[str], *, default: str | None = None) -> bool:
    """Whether a command line asked for JSON (before its options were parsed); ``default``
    is the format it gets when it names none (else ``FPCTL_OUTPUT``)."""
    fmt = default or os.environ.get("FPCTL_OUTPUT", "table")
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


def report(error: FpctlError, *, as_json: bool, line: Located | int | None = None) -> int:
    from fpctl.render import emit_error

    emit_error(_located(error.as_dict(), line), as_json=as_json)
    return int(error.exit_code)


def report_usage(message: str, *, as_json: bool, line: Located | int | None = None) -> int:
    from fpctl.render import emit_error

    error = {"code": "usage", "message": message, "hint": "run with --help to see the usage"}
    emit_error(_located(error, line), as_json=as_json)
    return int(ExitCode.USAGE)


def report_bug(
    error: BaseException, *, as_json: bool, debug: bool, line: Located | int | None = None
) -> int:
    from fpctl.render import emit_error

    if debug:
        traceback.print_exception(error, file=sys.stderr)
    message = f"internal error: {type(error).__name__}: {error}"
    details = {"code": "internal_error", "message": message}
    if not debug:
        details["hint"] = "run again with --debug for the traceback, and report it"
    emit_error(_located(details, line), as_json=as_json)
    return int(ExitCode.INTERNAL)


INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
PIPE_CLOSED = 141  # 128 + SIGPIPE, as a shell reports `yes | head -1`


def pipe_closed() -> int:
    """The reader of stdout went away (``fpctl … | head -1``): stop quietly, as a Unix tool
    killed by SIGPIPE would. Python would complain when it flushes stdout at exit, so stdout
    now points at /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return PIPE_CLOSED


@contextmanager
def mapped(*, as_json: bool, debug: bool, line: Located | None = None) -> Iterator[None]:
    """Run a command body; turn what it raises into output and an exit code."""
    try:
        yield
    except (typer.TyperException, typer.Exit, typer.Abort):  # Click's own flow
        raise
    except FpctlError as error:
        raise typer.Exit(report(error, as_json=as_json, line=line)) from None
    except KeyboardInterrupt:
        raise typer.Exit(INTERRUPTED) from None
    except BrokenPipeError:
        raise typer.Exit(pipe_closed()) from None
    except OSError as error:
        if error.filename is None:
            raise typer.Exit(report_bug(error, as_json=as_json, debug=debug, line=line)) from None
        raise typer.Exit(report(path_error(error), as_json=as_json, line=line)) from None
    except Exception as error:
        raise typer.Exit(report_bug(error, as_json=as_json, debug=debug, line=line)) from None


def path_error(error: OSError) -> FpctlError:
    """A file or folder the command was given cannot be used (a name too long for the file
    system, a folder where a file was expected, no permission): the input's fault, exit 2,
    not a bug."""
    from fpctl.errors import InvalidInput

    reason = error.strerror or type(error).__name__
    return InvalidInput(
        f"cannot use {error.filename}: {reason}",
        hint="check the path: it must name a file or folder fpctl can use",
        code="unusable_path",
    )
