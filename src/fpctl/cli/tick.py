"""fpctl tick: settle everything due as of now (safe from cron, twice, or concurrently)."""

from __future__ import annotations

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command


def tick(run: Invocation) -> None:
    """Settle everything due now: expiries, auto-accepts, auto-completes, renewals.

    Its audit records act as `system`, name the operator (FPCTL_AGENT, else the login name)
    and keep --reason when one is given.
    """
    from fpctl.clock import iso
    from fpctl.services import settle

    now = run.clock()
    with run.transaction(write=True) as session:  # its own, or the batch's
        settled = settle.settle_due(session, now, reason=run.reason)
    rows = [
        {"action": action, "settled": count, "now": iso(now)} for action, count in settled.items()
    ]
    run.emit(rows, table_columns=["action", "settled"])


def register(app: typer.Typer) -> None:
    command(
        app,
        "tick",
        writes=True,
        examples=(
            "fpctl tick",
            'fpctl tick --reason "nightly cron" -o json',
            "fpctl tick --now 2026-12-01T10:00:00Z",
        ),
    )(tick)
