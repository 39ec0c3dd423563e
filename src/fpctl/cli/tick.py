"""fpctl tick: settle everything due as of now (safe from cron, twice, or concurrently)."""

from __future__ import annotations

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command


def tick(run: Invocation) -> None:
    """Settle everything due now: expiries, auto-accepts, auto-completes, renewals."""
    from fpctl.clock import iso
    from fpctl.services import settle
    from fpctl.store.db import unit_of_work

    now = run.clock()
    with unit_of_work(run.engine(), write=True, dry_run=run.dry_run) as session:
        settled = settle.settle_due(session, now)
    rows = [
        {"action": action, "settled": count, "now": iso(now)} for action, count in settled.items()
    ]
    run.emit(rows, columns=["action", "settled"] if run.output == "table" else None)


def register(app: typer.Typer) -> None:
    command(app, "tick", writes=True)(tick)
