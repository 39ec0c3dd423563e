"""fpctl order share | note | notes | comment | comments: visibility and collaboration on an
order (SPEC §1.5). Registered on the `order` group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import ID
from fpctl.cli.options import command
from fpctl.cli.order_base import OrderId, app, order_view

if TYPE_CHECKING:
    from fpctl.services.orders.collaboration import Mentions

Text = Annotated[str, typer.Argument(metavar="TEXT", help="The text (stored as given).")]


@command(
    app,
    "share",
    writes=True,
    examples=("fpctl order share 27 --as ada@acme.test",),
)
def share(run: Invocation, order_id: OrderId) -> None:
    """Share the order with every member of the account (one-way: it cannot be unshared)."""
    from fpctl.services.orders import collaboration

    with run.work(write=True) as ctx:
        order, unchanged = collaboration.share(ctx, order_id)
        view = order_view(ctx, order)
    run.emit_change(
        view,
        unchanged=unchanged,
    )


@command(
    app,
    "note",
    writes=True,
    examples=('fpctl order note 27 "Invoice goes to finance" --as ada@acme.test',),
)
def note(run: Invocation, order_id: OrderId, text: Text) -> None:
    """Add a private note to an order: only you will see it (`fpctl order notes ID`)."""
    from fpctl.services.orders import collaboration
    from fpctl.views import orders as order_views

    with run.work(write=True) as ctx:
        view = order_views.note_view(collaboration.add_note(ctx, order_id, text))
    run.emit(view, title="Private note")


@command(
    app,
    "notes",
    lists=True,
    examples=("fpctl order notes 27 --as ada@acme.test",),
)
def notes(run: Invocation, order_id: OrderId) -> None:
    """List your own private notes on an order, oldest first (needs --as: notes are
    private to their author)."""
    from fpctl.services.orders import collaboration
    from fpctl.views import orders as order_views

    with run.work(write=False) as ctx:
        rows = [order_views.note_view(n) for n in collaboration.notes(ctx, order_id)]
    run.emit(
        rows,
        table_columns=order_views.NOTE_COLUMNS,
        title=f"Your notes on order {order_id}",
    )


@command(
    app,
    "comment",
    writes=True,
    examples=(
        'fpctl order comment 27 "Looks great, thanks!" --as ada@acme.test',
        'fpctl order comment 27 "Agreed" --reply-to 3 --as mia@acme.test',
    ),
)
def comment(
    run: Invocation,
    order_id: OrderId,
    text: Text,
    reply_to: Annotated[
        int | None,
        typer.Option(
            metavar="COMMENT", parser=ID, help="Reply to this comment (on the same order)."
        ),
    ] = None,
) -> None:
    """Comment on an order for the team (never shown to the freelancer). `@email` mentions
    an active member who sees the order."""
    from fpctl.services.orders import collaboration
    from fpctl.views import orders as order_views

    with run.work(write=True) as ctx:
        made, mentions = collaboration.add_comment(ctx, order_id, text, reply_to=reply_to)
        view = order_views.comment_view(made, collaboration.depth_of(ctx, made))
    _report_ignored(run, mentions)
    run.emit(view, title="Comment")


def _report_ignored(run: Invocation, mentions: Mentions) -> None:
    if mentions.ignored:
        ignored = "; ".join(f"@{item.text} ({item.why})" for item in mentions.ignored)
        run.note(f"not mentioned (the text is kept): {ignored}")


@command(
    app,
    "comments",
    lists=True,
    examples=(
        "fpctl order comments 27",
        "fpctl order comments 27 -o json",
    ),
)
def comments(run: Invocation, order_id: OrderId) -> None:
    """List the team's comments on an order as threads: top-level comments oldest first,
    each followed by its replies (oldest first at every level; `depth` counts the levels)."""
    from fpctl.services.orders import collaboration
    from fpctl.views import orders as order_views

    with run.work(write=False) as ctx:
        rows = [
            order_views.comment_view(c, depth) for c, depth in collaboration.comments(ctx, order_id)
        ]
    run.emit(
        rows,
        table_columns=order_views.COMMENT_COLUMNS,
        title=f"Comments on order {order_id}",
    )
