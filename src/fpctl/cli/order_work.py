"""fpctl order milestone … and fpctl order hours …: milestones accepted one by one, hours
logged on hourly orders and charged weekly (SPEC §1.5). Registered on the `order` group."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import COUNT
from fpctl.cli.options import command, group
from fpctl.cli.order_base import OrderId, app, change

if TYPE_CHECKING:
    from fpctl.services.context import Context
    from fpctl.services.orders.hour_reports import Answered

milestone_app = group("milestone", "Milestones of an order: list them, accept the delivered one.")
hours_app = group(
    "hours", "Hourly orders: log hours, the weekly reports and their answers, the weekly limit."
)
Week = Annotated[str, typer.Option(metavar="YYYY-Www", help="The ISO week, e.g. 2026-W48.")]
app.add_typer(milestone_app)
app.add_typer(hours_app)


@command(
    milestone_app,
    "accept",
    writes=True,
    examples=("fpctl order milestone accept 31 --as ada@acme.test",),
)
def milestone_accept(run: Invocation, order_id: OrderId) -> None:
    """Accept the delivered milestone (buyer side): the next one is charged and started,
    or the order completes after the last."""
    from fpctl.services.orders import milestones

    change(run, lambda ctx: milestones.milestone_accept(ctx, order_id))


@command(
    milestone_app,
    "list",
    lists=True,
    examples=("fpctl order milestone list 31",),
)
def milestone_list(run: Invocation, order_id: OrderId) -> None:
    """List the order's milestones in order, with their status and when each was charged,
    delivered and accepted."""
    from fpctl.services.orders import milestones
    from fpctl.views.orders import milestone_view

    with run.work(write=False) as ctx:
        run.emit(
            [milestone_view(m) for m in milestones.milestones(ctx, order_id)],
            title=f"Milestones of order {order_id}",
        )


@command(
    hours_app,
    "log",
    writes=True,
    examples=('fpctl order hours log 32 --week 2026-W48 --hours 7.5 --description "API tests"',),
)
def hours_log(
    run: Invocation,
    order_id: OrderId,
    week: Annotated[
        str, typer.Option(metavar="YYYY-Www", help="The ISO week (this one or an earlier one).")
    ],
    hours: Annotated[str, typer.Option(metavar="H", help="Hours, e.g. 7.5 (two decimals).")],
    description: Annotated[str, typer.Option(metavar="TEXT", help="What the hours were for.")],
) -> None:
    """Log hours for a week (the order's freelancer). When the week ends its hours form a
    report for the buyer to approve or dispute (5 days, then approved by the clock); an
    approved week is charged within the weekly limit."""
    from fpctl.services.orders import hourly
    from fpctl.views.orders import logged_view

    with run.work(write=True) as ctx:
        row = hourly.log_hours(ctx, order_id, week=week, hours=hours, description=description)
        view = logged_view(hourly.logged(ctx, row))
    run.emit(view)


@command(
    hours_app,
    "list",
    lists=True,
    examples=(
        "fpctl order hours list 32",
        "fpctl order hours list 32 -o csv",
    ),
)
def hours_list(run: Invocation, order_id: OrderId) -> None:
    """The weekly reports: one row per ISO week with its hours, status (open until the
    week ends, then pending, approved, disputed, charged, waived or void), amount, the
    end of the buyer's window (answer_by) and the invoice."""
    from fpctl.services.orders import hourly
    from fpctl.views.orders import WEEK_COLUMNS, week_view

    with run.work(write=False) as ctx:
        run.emit(
            [week_view(report) for report in hourly.weeks(ctx, order_id)],
            table_columns=WEEK_COLUMNS,
            title=f"Hours on order {order_id}",
        )


@command(
    hours_app,
    "limit",
    writes=True,
    examples=(
        "fpctl order hours limit 32 --hours 30 --as ada@acme.test",
        "fpctl order hours limit 32 --none --as ada@acme.test",
    ),
)
def hours_limit(
    run: Invocation,
    order_id: OrderId,
    hours: Annotated[
        int | None,
        typer.Option(metavar="H", parser=COUNT, help="The new weekly limit (1 to 168 hours)."),
    ] = None,
    none: Annotated[bool, typer.Option("--none", help="Remove the weekly limit.")] = False,
) -> None:
    """Change or remove the weekly hour limit (buyer side). Weeks not yet charged are
    charged within the new limit."""
    from fpctl.errors import InvalidInput
    from fpctl.services.orders import hourly

    if (hours is None) == (not none):
        raise InvalidInput("give exactly one of --hours H or --none")
    change(run, lambda ctx: hourly.set_weekly_limit(ctx, order_id, hours))


@command(
    hours_app,
    "approve",
    writes=True,
    examples=(
        "fpctl order hours approve 32 --week 2026-W48 --as ada@acme.test",
        "fpctl order hours approve 32 --week 2026-W48 --as support --reason 'ticket 88'",
    ),
)
def hours_approve(run: Invocation, order_id: OrderId, week: Week) -> None:
    """Approve a week's hour report (buyer side, or support), pending or disputed: every
    hour logged is charged now, within the weekly limit."""
    from fpctl.services.orders import hour_reports

    _answer(run, lambda ctx: hour_reports.approve(ctx, order_id, week))


@command(
    hours_app,
    "dispute",
    writes=True,
    examples=(
        "fpctl order hours dispute 32 --week 2026-W48 --reason late --as ada@acme.test",
        "fpctl order hours dispute 32 --week 2026-W48 --hours 4 --reason '6 h agreed'",
    ),
)
def hours_dispute(
    run: Invocation,
    order_id: OrderId,
    week: Week,
    hours: Annotated[
        str | None,
        typer.Option(metavar="H", help="Dispute only these hours (default: all of them)."),
    ] = None,
) -> None:
    """Dispute a pending week's hour report with --reason TEXT (buyer side): nothing of the
    week is charged until the freelancer concedes or the buyer side approves it."""
    from fpctl.services.orders import hour_reports

    _answer(
        run,
        lambda ctx: hour_reports.dispute(ctx, order_id, week, reason=run.reason or "", hours=hours),
    )


@command(
    hours_app,
    "concede",
    writes=True,
    examples=("fpctl order hours concede 32 --week 2026-W48 --as @lena",),
)
def hours_concede(run: Invocation, order_id: OrderId, week: Week) -> None:
    """Accept the buyer's dispute of a week (the order's freelancer): the undisputed hours
    are charged now, or nothing when every hour was disputed."""
    from fpctl.services.orders import hour_reports

    _answer(run, lambda ctx: hour_reports.concede(ctx, order_id, week))


def _answer(run: Invocation, do: Callable[[Context], Answered]) -> None:
    from fpctl.views.orders import answered_view

    with run.work(write=True) as ctx:
        view = answered_view(do(ctx))
    run.emit(view)
