"""Hints that run as written: a command a hint suggests gets the context of the command that
failed (its --account, --as and --db), so `fpctl team list` after a failed
`fpctl team remove … --as ada@acme.test` reads `fpctl team list --as ada@acme.test`.

A hint with a placeholder (EMAIL, ID, FILE, …) is a template for a person to fill in and is
left as it is."""

from __future__ import annotations

import re
import shlex
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpctl.cli.invocation import Invocation

_QUOTED = re.compile(r"`(fpctl [^`]+)`")
_WHOLE = re.compile(r"^fpctl [^,;()]+$")
_PLACEHOLDER = re.compile(r"\b[A-Z][A-Z-]{1,}\b|\|")
#: Commands that work on no account: nothing to add.
_STORE_WIDE = ("fpctl account list", "fpctl account find", "fpctl auth", "fpctl db", "fpctl demo")


def in_context(hint: str | None, run: Invocation) -> str | None:
    """``hint`` with the failed command's context added to each runnable command in it."""
    if not hint:
        return hint
    context = _context(run)
    if not context:
        return hint
    if _WHOLE.match(hint):
        return _with(hint, context)
    return _QUOTED.sub(lambda found: f"`{_with(found.group(1), context)}`", hint)


def _context(run: Invocation) -> list[str]:
    import os

    words: list[str] = []
    if run.batch is None and run.db and run.db != os.environ.get("FPCTL_DB"):
        words += ["--db", run.db]  # given on the line, not by the environment
    if run.account:
        words += ["--account", run.account]
    elif run.as_ and run.as_ != "support":
        words += ["--as", run.as_]
    return words


def _with(command: str, context: list[str]) -> str:
    if _PLACEHOLDER.search(command.removeprefix("fpctl ")) or command.startswith(_STORE_WIDE):
        return command
    words = shlex.split(command)
    added: list[str] = []
    for option, value in zip(context[::2], context[1::2], strict=True):
        if option not in words:
            added += [option, value]
    return shlex.join(words + added) if added else command
