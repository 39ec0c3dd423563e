"""Entry point. ``--version`` is answered before Typer is even imported."""

from __future__ import annotations

import sys

from fpctl import __version__

TYPE_CHECKING = False  # `typing` itself would be half of `--version`'s time
if TYPE_CHECKING:
    from typing import Any


def run(args: list[str], command: Any | None = None, *, line: Any | None = None) -> int:
    """Run one command line and return its exit code.

    Command bodies map their own errors (``cli.errors.mapped``); what is left here is what
    Click raises while parsing, and anything that escapes before a command runs. ``command``
    is a Click command already built; ``line`` is the ``BatchLine`` a command of ``fpctl
    batch`` runs as (handed to it as Click's ``ctx.obj``).
    """
    import typer

    from fpctl.cli import errors
    from fpctl.cli.app import get_command
    from fpctl.errors import FpctlError

    default_output = line.defaults.get("output") if line is not None else None
    as_json = errors.wants_json(args, default=default_output)
    try:
        refuse_unreadable(args)
        root = command if command is not None else get_command(args)
        result = root.main(args, prog_name="fpctl", standalone_mode=False, obj=line)
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        return errors.report_usage("aborted", as_json=as_json, line=line)
    except typer.TyperException as error:  # Click's usage errors (Typer vendors Click)
        message = error.format_message() if hasattr(error, "format_message") else str(error)
        message = one_line(message)
        if type(error).__name__ == "NoArgsIsHelpError":  # `fpctl team`: the group's help
            print(message)
            return 0
        return errors.report_usage(message, as_json=as_json, line=line)
    except FpctlError as error:
        return errors.report(error, as_json=as_json, line=line)
    except KeyboardInterrupt:
        return errors.INTERRUPTED
    except BrokenPipeError:
        return errors.pipe_closed()
    except Exception as error:
        debug = errors.wants_debug(args)
        return errors.report_bug(error, as_json=as_json, debug=debug, line=line)
    return result if isinstance(result, int) else 0


def one_line(message: str) -> str:
    """Click's message for a missing choice, ``Missing argument 'SHELL'. Choose
    from:\n\tbash,\n\tzsh,\n\tfish``, on one line: ``... Choose from bash, zsh or fish.``"""
    head, found, choices = message.partition(". Choose from:")
    if not found:
        return message
    names = [name.strip() for name in choices.split(",") if name.strip()]
    listed = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)
    return f"{head}: choose {listed}."


#: The environment variables fpctl reads as text (SPEC §3.2, §3.3).
TEXT_VARIABLES = (
    "FPCTL_AS",
    "FPCTL_REASON",
    "FPCTL_ACCOUNT",
    "FPCTL_AGENT",
    "FPCTL_NOW",
    "FPCTL_OUTPUT",
    "FPCTL_DB",
    "FPCTL_DATABASE_URL",
)


def refuse_unreadable(args: list[str]) -> None:
    """A usage error (exit 2) for text no store keeps, before anything runs: a NUL
    (PostgreSQL refuses it; a path cannot hold one) or bytes that are not UTF-8 (a name
    pasted in another encoding reaches Python as lone surrogates, which nothing can write).
    Found deep in a store, either was an internal error (exit 1)."""
    import os

    from fpctl.errors import InvalidInput

    given = [(f"argument {number}", arg) for number, arg in enumerate(args, start=1)]
    given += [(name, os.environ[name]) for name in TEXT_VARIABLES if name in os.environ]
    for where, text in given:
        if "\x00" in text:
            raise InvalidInput(f"{where} holds a NUL character", code="usage")
        try:
            text.encode()
        except UnicodeEncodeError:
            shown = ascii(text if len(text) <= 60 else text[:60] + "...")
            raise InvalidInput(f"{where} is not UTF-8 text: {shown}", code="usage") from None


def main(argv: list[str] | None = None) -> None:
    # `_signal` is the C module `signal` wraps: the same call without importing `enum`
    # (`import signal` alone is a third of `python -c pass`).
    if TYPE_CHECKING:
        import signal as _signal
    else:
        import _signal

    # A reader that stops early (`fpctl … | head -1`) ends fpctl as it ends any Unix tool:
    # killed by SIGPIPE, status 141, silently. Python ignores SIGPIPE and may then lose the
    # rest of a large write without an error; output is written after a change commits.
    _signal.signal(_signal.SIGPIPE, _signal.SIG_DFL)
    args = sys.argv[1:] if argv is None else list(argv)
    if args in (["--version"], ["-V"]):
        print(f"fpctl {__version__}")
        sys.exit(0)
    from fpctl.cli import gc_pause

    gc_pause.pause()  # until the command opens its store (gc_pause says why)
    sys.exit(run(args))
