"""fpctl demo seed: a deterministic, realistic store for first runs, CI and benchmarks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fpctl.cli.invocation import Invocation, refuse_in_batch
from fpctl.cli.numbers import whole_number
from fpctl.cli.options import command, group
from fpctl.cli.progress import ProgressBar

if TYPE_CHECKING:
    from fpctl.services.demo import DemoOptions, Summary

app = group("demo", "Demo data.")

#: Orders per account: 100,000 is the issue's big store; more would take hours, not minutes.
MAX_ORDERS = 100_000


@command(
    app,
    "seed",
    writes=True,
    examples=(
        "fpctl demo seed",
        "fpctl demo seed --accounts 3 --orders 20 --seed 7",
        "fpctl demo seed --reset --yes",
    ),
)
def seed(
    run: Invocation,
    accounts: Annotated[
        int,
        typer.Option(
            metavar="N",
            parser=whole_number(1, 1_000),
            help="How many accounts, 1 to 1,000 (the first is Advanced).",
        ),
    ] = 3,
    members: Annotated[
        int,
        typer.Option(
            metavar="N",
            parser=whole_number(7, 1_000),
            help="People who joined each account, the admin included: 7 to 1,000.",
        ),
    ] = 10,
    orders: Annotated[
        int,
        typer.Option(
            metavar="N",
            parser=whole_number(0, MAX_ORDERS),
            help="Orders per account, in every status: 0 to 100,000 (from 1, seven more come "
            "from offers, deliveries with files, hour reports and disputes).",
        ),
    ] = 10,
    seed: Annotated[
        int, typer.Option(metavar="N", help="Same seed and same day: the same store.")
    ] = 1,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset",
            help="Replace a demo store with a freshly seeded one, its audit trail included "
            "(destructive: --yes). Refused unless the store holds nothing but the demo.",
        ),
    ] = False,
) -> None:
    """Fill the store with demo accounts, members, invitations, policies, freelancers and orders.

    Everything is made through the same rules as real commands, so the audit trail is real.
    Events are placed before the start of the clock's UTC day (pin it with --now for a
    byte-identical store). Refused (exit 5) when the demo accounts already exist.

    --reset seeds again on a store that holds nothing but the demo (built by demo seed from
    empty; only demo accounts and the demo catalogue). The demo accounts cannot be deleted
    one by one: the audit trail is append-only and seals every ledger and points row. So
    the whole store, its audit trail included, is replaced by one seeded afresh and checked
    first, as `db restore` replaces it; any other store is refused (exit 5). A store with
    no account is simply seeded. At a terminal, a progress bar shows on stderr."""
    from fpctl.services import demo

    options = demo.DemoOptions(accounts=accounts, members=members, seed=seed, orders=orders)
    summary = _reset(run, options) if reset else _seed(run, options)
    _show(run, summary)


def _seed(run: Invocation, options: DemoOptions) -> Summary:
    from fpctl.services import demo

    with ProgressBar(run, "seeding the demo") as bar, run.work(write=True) as ctx:
        return demo.seed(ctx, options, progress=_told(bar))


def _reset(run: Invocation, options: DemoOptions) -> Summary:
    from fpctl.services import demo_reset

    refuse_in_batch(run, "demo seed --reset")
    store = run.store()
    held = demo_reset.holdings(store)  # refuse before asking, not after
    if held.empty:
        run.note("demo seed --reset: the store holds no account yet; seeding it")
        return _seed(run, options)
    accounts = f"{len(held.accounts)} demo account" + ("s" if len(held.accounts) != 1 else "")
    what = f"({accounts}, {held.audit_records:,} audit records)"
    run.confirm(f"replace {store.location.shown} {what} with a new demo store?")
    with ProgressBar(run, "seeding the demo") as bar:
        summary = demo_reset.reset(
            store, options, now=run.now, dry_run=run.dry_run, progress=_told(bar)
        )
    if run.dry_run:
        run.note("dry run: the new demo store passed its checks; nothing was replaced")
    else:
        run.note(f"replaced the store {what} with a new demo store")
    return summary


def _told(bar: ProgressBar) -> Callable[[int, int], None]:
    return lambda done, total: bar.advance(done, total=total)


def _show(run: Invocation, summary: Summary) -> None:
    from fpctl.clock import iso

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
