"""fpctl policy: invite-approval, order-approval and purchase-limit policies (admin)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from fpctl.cli.completion import complete_members, complete_policies
from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import ID
from fpctl.cli.options import command, group
from fpctl.domain.enums import AppliesTo, LimitMode, LimitPeriod, PolicyKind

if TYPE_CHECKING:
    from fpctl.services.context import Context
    from fpctl.store.tables import Policy

app = group("policy", "Approval and purchase-limit policies.")


@command(
    app,
    "add",
    writes=True,
    examples=(
        "fpctl policy add invite-approval --applies-to members",
        "fpctl policy add order-approval --over 500",
        "fpctl policy add purchase-limit --amount 2000 --per month --mode approval",
    ),
)
def add(
    run: Invocation,
    kind: Annotated[
        PolicyKind,
        typer.Argument(metavar="KIND", help="invite-approval, order-approval or purchase-limit."),
    ],
    applies_to: Annotated[
        AppliesTo | None, typer.Option(help="Whose actions it covers (default: both).")
    ] = None,
    over: Annotated[
        str | None,
        typer.Option(
            metavar="AMOUNT", help="order-approval: orders strictly over this total need approval."
        ),
    ] = None,
    amount: Annotated[
        str | None, typer.Option(metavar="AMOUNT", help="purchase-limit: the limit.")
    ] = None,
    per: Annotated[
        LimitPeriod | None, typer.Option(help="purchase-limit: per order or per calendar month.")
    ] = None,
    member: Annotated[
        str | None,
        typer.Option(
            metavar="EMAIL",
            help="purchase-limit: for one member (instead of --applies-to).",
            autocompletion=complete_members,
        ),
    ] = None,
    mode: Annotated[
        LimitMode | None,
        typer.Option(help="purchase-limit: refuse orders over it, or send them for approval."),
    ] = None,
) -> None:
    """Add a policy. An identical policy already in force is reported unchanged."""
    from fpctl.services.team import policies
    from fpctl.services.team.policies import PolicySpec

    spec = PolicySpec(
        kind=kind,
        applies_to=applies_to,
        over=over,
        amount=amount,
        per=per,
        member=member,
        mode=mode,
    )
    with run.work(write=True) as ctx:
        policy, unchanged = policies.add(ctx, spec)
        view = _view(ctx, policy)
    run.emit_change(
        view,
        unchanged=unchanged,
    )


def _view(ctx: Context, policy: Policy) -> dict[str, Any]:
    from fpctl.services.team import policies
    from fpctl.views.team import policy_view

    emails = policies.member_emails(ctx, [policy])
    return policy_view(
        policy,
        ctx.the_account.slug,
        member_email=None if policy.member_id is None else emails.get(policy.member_id),
        active=policies.is_active(policy, ctx.the_account),
    )


@command(
    app,
    "list",
    lists=True,
    examples=("fpctl policy list --as ada@acme.test",),
)
def list_(run: Invocation) -> None:
    """List the account's policies (Advanced-only ones show inactive on Basic)."""
    from fpctl.services.team import policies
    from fpctl.views.team import POLICY_COLUMNS, policy_view

    with run.work(write=False) as ctx:
        found = policies.list_policies(ctx)
        emails = policies.member_emails(ctx, found)
        account = ctx.the_account
        slug = account.slug  # read now: the session closes with the block
        rows = [
            policy_view(
                p,
                account.slug,
                member_email=None if p.member_id is None else emails.get(p.member_id),
                active=policies.is_active(p, account),
            )
            for p in found
        ]
    run.emit(
        rows,
        table_columns=POLICY_COLUMNS,
        title=f"Policies of {slug}",
    )


@command(
    app,
    "remove",
    writes=True,
    examples=("fpctl policy remove 2 --as ada@acme.test",),
)
def remove(
    run: Invocation,
    policy_id: Annotated[
        int, typer.Argument(metavar="ID", parser=ID, autocompletion=complete_policies)
    ],
) -> None:
    """Remove a policy. Requests already waiting keep it: removing approves nothing."""
    from fpctl.services.team import policies

    with run.work(write=True) as ctx:
        policy = policies.remove(ctx, policy_id)
        view = _view(ctx, policy)
    run.emit(view)
