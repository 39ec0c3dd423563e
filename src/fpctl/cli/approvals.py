"""fpctl approvals: invitations and orders waiting for the admin's decision."""

from __future__ import annotations

from typing import Annotated

import typer

from fpctl.cli.completion import complete_approvals
from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import ID
from fpctl.cli.options import command, group
from fpctl.domain.enums import ApprovalStatus

app = group("approvals", "Requests waiting for approval.")

RequestId = Annotated[
    int,
    typer.Argument(
        metavar="ID", parser=ID, help="The request's own id.", autocompletion=complete_approvals
    ),
]


@command(
    app,
    "list",
    lists=True,
    examples=(
        "fpctl approvals list --as elena.berg@northwind-traders.test",
        "fpctl approvals list --status pending -o json",
    ),
)
def list_(
    run: Invocation,
    status: Annotated[ApprovalStatus | None, typer.Option(help="Only this status.")] = None,
) -> None:
    """List approval requests (members see their own)."""
    from fpctl.services import approvals
    from fpctl.views.team import APPROVAL_COLUMNS, approval_view

    with run.work(write=False) as ctx:
        slug = ctx.the_account.slug
        rows = approvals.list_requests(ctx, status=status).map(
            lambda r: approval_view(r, slug, subject=approvals.describe(ctx.session, r))
        )
        run.emit(rows, table_columns=APPROVAL_COLUMNS, title=f"Approval requests of {slug}")


def _decide(run: Invocation, request_id: int, reason: str | None, approve: bool) -> None:
    from fpctl.services import approvals
    from fpctl.views.team import approval_view

    decide = approvals.approve if approve else approvals.reject
    with run.work(write=True) as ctx:
        request, unchanged = decide(ctx, request_id, reason)
        view = approval_view(
            request, ctx.the_account.slug, subject=approvals.describe(ctx.session, request)
        )
    run.emit_change(
        view,
        unchanged=unchanged,
    )


@command(
    app,
    "approve",
    writes=True,
    examples=("fpctl approvals approve 3 --as elena.berg@northwind-traders.test",),
)
def approve(run: Invocation, request_id: RequestId) -> None:
    """Approve a request (admin): the invitation is sent, the order goes ahead."""
    _decide(run, request_id, run.reason, approve=True)


@command(
    app,
    "reject",
    writes=True,
    examples=("fpctl approvals reject 3 --as elena.berg@northwind-traders.test",),
)
def reject(run: Invocation, request_id: RequestId) -> None:
    """Reject a request (admin); --reason is recorded. Rejected orders are never charged."""
    _decide(run, request_id, run.reason, approve=False)
