"""The garbage collector paused while a command imports its modules.

Importing SQLAlchemy, SQLModel and the table classes allocates hundreds of thousands of
objects, none of them garbage: with the collector on, its passes over them cost a one-row
read a quarter or more of its CPU. ``main`` pauses it; the command resumes it as it reaches
its store (``Invocation.location``/``store``) or starts a long loop (``shell``), so what it
then does runs with the collector as always. ``gc.freeze`` keeps the modules' objects out
of every later pass.
"""

from __future__ import annotations

import gc

#: Whether ``pause`` stopped the collector (a list, to set it without ``global``).
_paused = [False]


def pause() -> None:
    """Stop collecting until ``resume`` (a no-op when the collector is already off)."""
    if gc.isenabled():
        gc.disable()
        _paused[0] = True


def resume() -> None:
    """Collect again, if ``pause`` stopped it (else nothing: a test's process, a caller's)."""
    if _paused[0]:
        _paused[0] = False
        gc.freeze()
        gc.enable()
