"""fpctl role set: change a member's role; making someone admin transfers the role."""

from __future__ import annotations

from typing import Annotated

import typer

from fpctl.cli.completion import complete_members
from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command, group
from fpctl.domain.enums import Role

app = group("role", "Member roles.")


@command(
    app,
    "set",
    writes=True,
    examples=(
        "fpctl role set mia@acme.test billing_manager --as ada@acme.test",
        "fpctl role set bill@acme.test admin --as ada@acme.test",
    ),
)
def set_(
    run: Invocation,
    email: Annotated[
        str, typer.Argument(metavar="EMAIL", help="The member.", autocompletion=complete_members)
    ],
    role: Annotated[Role, typer.Argument(metavar="ROLE", help="admin, billing_manager or member.")],
) -> None:
    """Set a member's role (admin only). ROLE admin transfers the admin role."""
    from fpctl.services.team import members
    from fpctl.views.team import member_view

    with run.work(write=True) as ctx:
        member, unchanged = members.set_role(ctx, email, role)
        view = member_view(member, ctx.the_account.slug)
    run.emit_change(
        view,
        unchanged=unchanged,
    )
