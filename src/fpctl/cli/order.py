"""fpctl order: place orders and move them through their lifecycle (SPEC §1.5).

Every change prints the order as it now is (``order show``'s object).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fpctl.cli.completion import (
    complete_freelancers,
    complete_members,
    complete_order_statuses,
    complete_projects,
    complete_services,
)
from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import COUNT, ID
from fpctl.cli.options import command
from fpctl.cli.order_base import OrderId, app, change, order_view
from fpctl.cli.terms import Estimate, Hourly, Milestones, Rate, WeeklyLimit


@command(
    app,
    "place",
    writes=True,
    examples=(
        "fpctl order place --freelancer lena.design --service 1 --as ada@acme.test",
        "fpctl order place --freelancer yuki_data --amount 900 --due 2026-12-20",
        "fpctl order place --freelancer kofi_dev --hourly --rate 60 --estimate 20",
    ),
)
def place(
    run: Invocation,
    freelancer: Annotated[
        str,
        typer.Option(
            metavar="USERNAME",
            help="The freelancer (username, with or without @).",
            autocompletion=complete_freelancers,
        ),
    ],
    service: Annotated[
        int | None,
        typer.Option(
            metavar="ID",
            parser=ID,
            help="The freelancer's service to order.",
            autocompletion=complete_services,
        ),
    ] = None,
    amount: Annotated[
        str | None, typer.Option(metavar="AMOUNT", help="A custom amount instead of a service.")
    ] = None,
    quantity: Annotated[
        int, typer.Option(metavar="N", parser=COUNT, help="Multiples of the service.")
    ] = 1,
    project: Annotated[
        int | None,
        typer.Option(
            metavar="ID",
            parser=ID,
            help="The project (default: your my-project).",
            autocompletion=complete_projects,
        ),
    ] = None,
    milestone: Milestones = None,
    hourly: Hourly = False,
    rate: Rate = None,
    weekly_limit: WeeklyLimit = None,
    estimate: Estimate = None,
    due: Annotated[
        str | None, typer.Option(metavar="DATE", help="Due date (ISO-8601, UTC).")
    ] = None,
) -> None:
    """Place an order. Policies are checked first; payment takes credits, then the
    balance, then the default payment method."""
    from fpctl.services.orders import checkout

    request = checkout.OrderRequest(
        freelancer=freelancer,
        service_id=service,
        amount=amount,
        quantity=quantity,
        project_id=project,
        milestones=list(milestone or []),
        hourly=hourly,
        rate=rate,
        weekly_limit=weekly_limit,
        estimate=estimate,
        due=due,
    )
    with run.work(write=True) as ctx:
        placed = checkout.place(ctx, request)
        view = order_view(ctx, placed.order)
    if placed.approval is not None:
        run.note(
            f"order {placed.order.id} waits for the admin's approval "
            f"(request {placed.approval.id}); nothing was charged"
        )
    run.emit(view)


@command(
    app,
    "list",
    lists=True,
    examples=(
        "fpctl order list --status in_progress",
        "fpctl order list --placed-by mia@acme.test -o json",
        "fpctl order list --freelancer lena.design --all",
    ),
)
def list_(
    run: Invocation,
    status: Annotated[
        str | None,
        typer.Option(metavar="S", help="Only this status.", autocompletion=complete_order_statuses),
    ] = None,
    placed_by: Annotated[
        str | None,
        typer.Option(
            metavar="EMAIL",
            help="Only orders this member placed.",
            autocompletion=complete_members,
        ),
    ] = None,
    project: Annotated[
        int | None,
        typer.Option(
            metavar="ID", parser=ID, help="Only this project.", autocompletion=complete_projects
        ),
    ] = None,
    freelancer: Annotated[
        str | None,
        typer.Option(
            metavar="USERNAME",
            help="Only this freelancer's orders.",
            autocompletion=complete_freelancers,
        ),
    ] = None,
) -> None:
    """List the orders you can see (all of the account's for the admin and billing
    managers), oldest first."""
    from fpctl.domain.orders import OrderStatus
    from fpctl.errors import InvalidInput
    from fpctl.services.orders import visibility
    from fpctl.views.orders import ORDER_COLUMNS, OrderViews, for_table

    if status is not None and status not in OrderStatus.__members__.values():
        raise InvalidInput(
            f"{status!r} is not an order status",
            hint="one of: " + ", ".join(s.value for s in OrderStatus),
        )
    with run.work(write=False) as ctx:
        views = OrderViews(ctx.session, ctx.now)
        found = visibility.list_orders(
            ctx, status=status, placed_by=placed_by, project_id=project, freelancer=freelancer
        )
        rows = found.map(views.row)
        if run.for_people:
            rows = rows.map(for_table)
        run.emit(rows, table_columns=ORDER_COLUMNS, title="Orders")


@command(
    app,
    "show",
    examples=(
        "fpctl order show 27",
        "fpctl order show 27 -o json",
    ),
)
def show(run: Invocation, order_id: OrderId) -> None:
    """Show one order: status, flags, payments, milestones, the open cancellation request."""
    from fpctl.services.orders import visibility

    with run.work(write=False) as ctx:
        view = order_view(ctx, visibility.find(ctx, order_id))
    run.emit(view)


@command(
    app,
    "requirements",
    writes=True,
    examples=('fpctl order requirements 27 "Our colours and fonts" --as ada@acme.test',),
)
def requirements(
    run: Invocation,
    order_id: OrderId,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What the freelancer needs.")],
) -> None:
    """Submit the requirements (buyer side): the order starts."""
    from fpctl.services.orders import lifecycle

    change(run, lambda ctx: lifecycle.submit_requirements(ctx, order_id, text))


@command(
    app,
    "skip-requirements",
    writes=True,
    examples=("fpctl order skip-requirements 27 --as ada@acme.test",),
)
def skip_requirements(run: Invocation, order_id: OrderId) -> None:
    """Start without requirements (the order's freelancer)."""
    from fpctl.services.orders import lifecycle

    change(run, lambda ctx: lifecycle.skip_requirements(ctx, order_id))


@command(
    app,
    "deliver",
    writes=True,
    examples=(
        "fpctl order deliver 27 --as @lena.design",
        "fpctl order deliver 27 --file logo.png --file logo.svg --as @lena.design",
    ),
)
def deliver(
    run: Invocation,
    order_id: OrderId,
    file: Annotated[
        list[Path] | None,
        typer.Option(
            "--file",
            metavar="PATH",
            help="A file delivered with it, kept in the store (repeat for more; "
            "25 MiB a file, 100 MiB and 20 files a delivery).",
        ),
    ] = None,
) -> None:
    """Deliver the order, or its current milestone (the order's freelancer), with files."""
    from fpctl.domain.words import counted
    from fpctl.services.orders import lifecycle

    change(run, lambda ctx: lifecycle.deliver(ctx, order_id, file or ()))
    if file:
        run.note(f"{counted(len(file), 'file')} delivered: `fpctl order files {order_id}`")


@command(
    app,
    "accept",
    writes=True,
    examples=("fpctl order accept 27 --as ada@acme.test",),
)
def accept(run: Invocation, order_id: OrderId) -> None:
    """Accept the delivery (buyer side): the order completes."""
    from fpctl.services.orders import lifecycle

    change(run, lambda ctx: lifecycle.accept(ctx, order_id))


@command(
    app,
    "revision",
    writes=True,
    examples=("fpctl order revision 27 --as ada@acme.test",),
)
def revision(
    run: Invocation,
    order_id: OrderId,
) -> None:
    """Ask for a revision of the delivery (when the service includes revisions); say what
    to change with --reason."""
    from fpctl.services.orders import lifecycle

    change(run, lambda ctx: lifecycle.ask_revision(ctx, order_id, run.reason))


@command(
    app,
    "cancel",
    writes=True,
    examples=(
        "fpctl order cancel 27 --yes --as ada@acme.test",
        'fpctl order cancel 27 --yes --as support --reason "ticket 4821"',
    ),
)
def cancel(run: Invocation, order_id: OrderId) -> None:
    """Cancel alone (buyer): before requirements are submitted, or once very late.
    Everything paid is refunded to the balance (credits back to credits)."""
    from fpctl.services.orders import lifecycle

    change(run, lambda ctx: lifecycle.cancel(ctx, order_id))


@command(
    app,
    "cancel-request",
    writes=True,
    examples=(
        "fpctl order cancel-request 27 --as @lena.design",
        "fpctl order cancel-request 27 --as ada@acme.test",
    ),
)
def cancel_request(
    run: Invocation,
    order_id: OrderId,
) -> None:
    """Ask the other side to cancel, with --reason TEXT; unanswered, the request is
    accepted after 48 hours."""
    from fpctl.services.orders import cancellations

    change(run, lambda ctx: cancellations.request(ctx, order_id, run.reason or ""))


@command(
    app,
    "cancel-accept",
    writes=True,
    examples=("fpctl order cancel-accept 27 --as ada@acme.test",),
)
def cancel_accept(run: Invocation, order_id: OrderId) -> None:
    """Accept the other side's cancellation request: the order is cancelled and refunded."""
    from fpctl.services.orders import cancellations

    change(run, lambda ctx: cancellations.accept(ctx, order_id))


@command(
    app,
    "cancel-decline",
    writes=True,
    examples=("fpctl order cancel-decline 27 --as @lena.design",),
)
def cancel_decline(run: Invocation, order_id: OrderId) -> None:
    """Decline the other side's cancellation request: the order goes on as before."""
    from fpctl.services.orders import cancellations

    change(run, lambda ctx: cancellations.decline(ctx, order_id))


@command(
    app,
    "cancel-withdraw",
    writes=True,
    examples=("fpctl order cancel-withdraw 27 --as @lena.design",),
)
def cancel_withdraw(run: Invocation, order_id: OrderId) -> None:
    """Withdraw your own cancellation request: the order goes on as before."""
    from fpctl.services.orders import cancellations

    change(run, lambda ctx: cancellations.withdraw(ctx, order_id))


# Commands kept in their own modules (over order_base), registered on the group when it is built.
from fpctl.cli import (  # noqa: E402, F401
    order_after,
    order_disputes,
    order_files,
    order_talk,
    order_work,
)
