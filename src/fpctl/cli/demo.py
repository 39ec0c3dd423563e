"""fpctl demo seed: a deterministic, realistic store for first runs, CI and benchmarks."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command, group

app = group("demo", "Demo data.")


@command(app, "seed", writes=True)
def seed(
    run: Invocation,
    accounts: Annotated[
        int, typer.Option(min=1, metavar="N", help="How many accounts (the first is Advanced).")
    ] = 3,
    members: Annotated[
        int,
        typer.Option(
            min=7, metavar="N", help="People who joined each account, the admin included."
        ),
    ] = 10,
    orders: Annotated[
        int, typer.Option(min=0, metavar="N", help="Orders per account, in every status.")
    ] = 10,
    seed: Annotated[
        int, typer.Option(metavar="N", help="Same seed and same day: the same store.")
    ] = 1,
) -> None:
    """Fill the store with demo accounts, members, invitations, policies, freelancers and orders.

    Everything is made through the same rules as real commands, so the audit trail is real.
    Events are placed before the start of the clock's UTC day (pin it with --now for a
    byte-identical store). Refused (exit 5) when the demo accounts already exist."""
    from fpctl.clock import iso
    from fpctl.services import demo

    options = demo.DemoOptions(accounts=accounts, members=members, seed=seed, orders=orders)
    with run.work(write=True) as ctx:
        summary = demo.seed(ctx, options)
    view: dict[str, Any] = {
        "seed": summary.seed,
        "base_time": iso(summary.base_time),
        **summary.counts,
    }
    view["slugs"] = summary.slugs
    run.emit(view, title="Demo store")
    first = summary.slugs[0]
    run.note(
        f"try: fpctl account show {first}   ·   fpctl team list --account {first}"
        f"   ·   fpctl order list --account {first}"
    )
