"""fpctl network: saved, hired and viewed freelancers, and lists of them (SPEC §1.6)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from fpctl.cli.completion import (
    complete_freelancers,
    complete_list_targets,
    complete_lists,
    complete_members,
)
from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import ID
from fpctl.cli.options import command, group

app = group("network", "The freelancer network: saved, hired and viewed freelancers, and lists.")

ListId = Annotated[
    int,
    typer.Argument(metavar="LIST", parser=ID, help="The list's id.", autocompletion=complete_lists),
]

NETWORK_COLUMNS = ["username", "name", "saved", "saved_by", "hired_orders", "spent_cents"]
NETWORK_COLUMNS += ["last_viewed_at", "rating", "reviews"]
LIST_COLUMNS = ["id", "name", "owner", "account", "items", "shared_with", "read_only"]
ITEM_COLUMNS = ["username", "service_id", "service", "added_by", "added_at"]


class Only(StrEnum):
    SAVED = "saved"
    HIRED = "hired"
    VIEWED = "viewed"


def _emit_list(run: Invocation, view: dict[str, object], *, unchanged: str | None = None) -> None:
    run.emit_change(view, unchanged=unchanged, title=f"List {view['id']}: {view['name']}")


@command(
    app,
    "save",
    writes=True,
    examples=("fpctl network save lena.design --as elena.berg@northwind-traders.test",),
)
def save(
    run: Invocation,
    username: Annotated[
        str,
        typer.Argument(
            metavar="USERNAME",
            help="The freelancer (@ optional).",
            autocompletion=complete_freelancers,
        ),
    ],
) -> None:
    """Save a freelancer to the account's network (the saver is recorded)."""
    from fpctl.clock import iso
    from fpctl.services.network import connections

    with run.work(write=True) as ctx:
        saved, freelancer, unchanged = connections.save(ctx, username)
        view = {
            "account": ctx.the_account.slug,
            "username": freelancer.username,
            "name": freelancer.name,
            "saved_by": saved.saved_by,
            "saved_at": iso(saved.saved_at),
        }
    run.emit_change(
        view,
        unchanged=unchanged,
    )


@command(
    app,
    "list",
    lists=True,
    examples=(
        "fpctl network list --saved",
        "fpctl network list --hired -o json",
    ),
)
def list_(
    run: Invocation,
    saved: Annotated[bool, typer.Option("--saved", help="Only saved freelancers.")] = False,
    hired: Annotated[bool, typer.Option("--hired", help="Only hired freelancers.")] = False,
    viewed: Annotated[bool, typer.Option("--viewed", help="Only those you viewed.")] = False,
) -> None:
    """The account's network: freelancers saved, hired (completed orders) or viewed by you,
    with the account's orders, spend and reviews with them."""
    from fpctl.errors import InvalidInput
    from fpctl.services.network import connections
    from fpctl.views.network import connection_view

    chosen = [name for name, on in (("saved", saved), ("hired", hired), ("viewed", viewed)) if on]
    if len(chosen) > 1:
        raise InvalidInput("choose at most one of --saved, --hired and --viewed")
    with run.work(write=False) as ctx:
        found = connections.network(ctx, only=chosen[0] if chosen else None)
        rows = (connection_view(connection) for connection in found)
        title = f"Network of {ctx.the_account.slug}"
        run.emit(rows, table_columns=NETWORK_COLUMNS, title=title)


@command(
    app,
    "lists",
    lists=True,
    examples=("fpctl network lists --as elena.berg@northwind-traders.test",),
)
def lists(run: Invocation) -> None:
    """The lists you see: yours, those shared with you, and (read-only) those another
    account shared with yours."""
    from fpctl.services.network import lists
    from fpctl.views.network import list_view

    with run.work(write=False) as ctx:
        rows = [list_view(found) for found in lists.lists(ctx)]
    run.emit(rows, table_columns=LIST_COLUMNS, title="Lists")


@command(
    app,
    "list-create",
    writes=True,
    examples=('fpctl network list-create "Design shortlist" --as ada@acme.test',),
)
def list_create(
    run: Invocation, name: Annotated[str, typer.Argument(metavar="NAME", help="The list's name.")]
) -> None:
    """Create a list of freelancers and services, owned by you."""
    from fpctl.services.network import lists
    from fpctl.views.network import list_view

    with run.work(write=True) as ctx:
        view = list_view(lists.summary(ctx, lists.list_create(ctx, name)))
    _emit_list(run, view)


@command(
    app,
    "list-show",
    lists=True,
    examples=(
        "fpctl network list-show 1",
        "fpctl network list-show 1 -o json",
    ),
)
def list_show(run: Invocation, list_id: ListId) -> None:
    """The freelancers and services on a list you see."""
    from fpctl.services.network import lists
    from fpctl.views.network import list_item_view

    with run.work(write=False) as ctx:
        rows = lists.items(ctx, list_id).map(lambda found: list_item_view(*found))
        run.emit(rows, table_columns=ITEM_COLUMNS, title=f"List {list_id}")


@command(
    app,
    "list-add",
    writes=True,
    examples=(
        "fpctl network list-add 1 lena.design",
        "fpctl network list-add 1 4",
    ),
)
def list_add(
    run: Invocation,
    list_id: ListId,
    target: Annotated[
        str,
        typer.Argument(
            metavar="USERNAME|SERVICE",
            help="A freelancer, or a service's id.",
            autocompletion=complete_list_targets,
        ),
    ],
) -> None:
    """Add a freelancer or one of their services to a list you see (not a read-only one)."""
    from fpctl.services.network import lists
    from fpctl.views.network import list_view

    with run.work(write=True) as ctx:
        reach, unchanged = lists.list_add(ctx, list_id, target)
        view = list_view(lists.summary(ctx, reach))
    _emit_list(run, view, unchanged=unchanged)


@command(
    app,
    "list-share",
    writes=True,
    examples=("fpctl network list-share 1 --member mia@acme.test --as ada@acme.test",),
)
def list_share(
    run: Invocation,
    list_id: ListId,
    member: Annotated[
        str | None,
        typer.Option(
            metavar="EMAIL",
            help="An active member of the account.",
            autocompletion=complete_members,
        ),
    ] = None,
) -> None:
    """Share a list with a member of its account (--member EMAIL), or read-only with another
    Pro account (--account SLUG: here the account shared with; the list's owner or support
    only). The list names its own account, so support needs no other --account."""
    from fpctl.errors import InvalidInput
    from fpctl.services.network import lists
    from fpctl.views.network import list_view

    other = run.account
    if (member is None) == (other is None):
        raise InvalidInput("give exactly one of --member EMAIL and --account SLUG")
    run.account = None  # --account names the account shared with, not the one worked on
    with run.work(write=True) as ctx:
        reach, unchanged = lists.list_share(ctx, list_id, member=member, account=other)
        view = list_view(lists.summary(ctx, reach))
    _emit_list(run, view, unchanged=unchanged)
