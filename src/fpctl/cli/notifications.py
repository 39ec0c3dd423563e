"""fpctl notifications list | read: what concerns each member, kept in the store (issue 14;
docs/notifications.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from fpctl.cli.completion import complete_notifications
from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import ID
from fpctl.cli.options import command, group
from fpctl.errors import InvalidInput

app = group(
    "notifications",
    "Your notifications: approvals to give, new orders, mentions, deliveries, messages.",
)


@command(
    app,
    "list",
    lists=True,
    examples=(
        "fpctl notifications list --as ada@acme.test",
        "fpctl notifications list --unread --as mia@acme.test -o json",
    ),
)
def list_(
    run: Invocation,
    unread: Annotated[bool, typer.Option("--unread", help="Only those not read yet.")] = False,
) -> None:
    """List your notifications, newest first (--as EMAIL: each member reads only their
    own). Listing marks nothing read: `fpctl notifications read` does."""
    from fpctl.services import notification_reads
    from fpctl.views.notifications import COLUMNS, notification_view

    with run.work(write=False) as ctx:
        rows = notification_reads.notifications(ctx, unread_only=unread).map(notification_view)
        title = ("Unread notifications" if unread else "Notifications") + f" ({ctx.actor.label})"
        run.emit(rows, table_columns=COLUMNS, title=title)


@command(
    app,
    "read",
    writes=True,
    examples=(
        "fpctl notifications read 12 --as ada@acme.test",
        "fpctl notifications read --all --as ada@acme.test",
    ),
)
def read(
    run: Invocation,
    notification_id: Annotated[
        int | None,
        typer.Argument(
            metavar="[ID]",
            parser=ID,
            help="The notification's id (`fpctl notifications list`).",
            autocompletion=complete_notifications,
        ),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Mark every unread notification of yours read.")
    ] = False,
) -> None:
    """Mark one of your notifications read (ID), or all of them (--all)."""
    if (notification_id is None) == (not every):
        raise InvalidInput(
            "name one notification (ID) or --all, not both" if every else "name a notification",
            hint="fpctl notifications read ID, or fpctl notifications read --all",
        )
    from fpctl.services import notification_reads
    from fpctl.views.notifications import notification_view

    if notification_id is None:
        with run.work(write=True) as ctx:
            count = notification_reads.read_all(ctx)
        run.emit({"read": count})
        return
    with run.work(write=True) as ctx:
        notification, unchanged = notification_reads.read(ctx, notification_id)
        view = notification_view(notification)
    run.emit_change(view, unchanged=unchanged, title="Notification read")
