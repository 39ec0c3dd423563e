"""fpctl freelancer: the catalogue of freelancers and their services (support keeps it)."""

from __future__ import annotations

from typing import Annotated

import typer

from fpctl.cli.completion import complete_freelancers
from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import COUNT
from fpctl.cli.options import command, group

app = group("freelancer", "The freelancer catalogue: freelancers and their services.")
service_app = group("service", "A freelancer's services.")
app.add_typer(service_app)

Username = Annotated[
    str,
    typer.Argument(
        metavar="USERNAME", help="The freelancer (@ optional).", autocompletion=complete_freelancers
    ),
]


@command(
    app,
    "add",
    writes=True,
    examples=(
        'fpctl freelancer add lena.design --name "Lena Moreau" --pro',
        'fpctl freelancer add sara-writes --as support --reason "new freelancer"',
    ),
)
def add(
    run: Invocation,
    username: Annotated[
        str,
        typer.Argument(
            metavar="USERNAME",
            help="2-30 letters, digits, '_', '.' or '-' (@ optional; lowercased).",
        ),
    ],
    name: Annotated[
        str | None, typer.Option(metavar="NAME", help="Display name (default: the username).")
    ] = None,
    pro: Annotated[bool, typer.Option("--pro", help="The freelancer has the Pro badge.")] = False,
) -> None:
    """Add a freelancer to the catalogue (support, with --reason)."""
    from fpctl.services.network import freelancers
    from fpctl.views.network import freelancer_view

    with run.work(write=True) as ctx:
        freelancer = freelancers.add(ctx, username, name=name, pro=pro)
        view = freelancer_view(freelancer)
    run.emit(view)


@command(
    app,
    "list",
    lists=True,
    examples=(
        "fpctl freelancer list",
        "fpctl freelancer list --pro -o json",
    ),
)
def list_(
    run: Invocation,
    pro: Annotated[
        bool, typer.Option("--pro", help="Only freelancers with the Pro badge.")
    ] = False,
) -> None:
    """List the catalogue's freelancers (anyone may read it)."""
    from fpctl.services.network import freelancers
    from fpctl.views.network import FREELANCER_COLUMNS, freelancer_view

    with run.work(write=False) as ctx:
        rows = freelancers.list_freelancers(ctx, pro=pro or None).map(freelancer_view)
        run.emit(rows, table_columns=FREELANCER_COLUMNS)


@command(
    app,
    "show",
    examples=(
        "fpctl freelancer show lena.design",
        "fpctl freelancer show yuki_data -o json",
    ),
)
def show(run: Invocation, username: Username) -> None:
    """Show one freelancer and their services; with an account (--as EMAIL or --account),
    also the account's reviews of them and its order history with them."""
    from fpctl.domain.actors import kind_of
    from fpctl.domain.enums import ActorKind
    from fpctl.services.network import connections, freelancers
    from fpctl.services.orders import reviews
    from fpctl.views.network import (
        HISTORY_COLUMNS,
        REVIEW_COLUMNS,
        SERVICE_COLUMNS,
        card_view,
        freelancer_view,
    )

    # A member's look is remembered for their network (a write); anyone else only reads.
    by_member = kind_of(run.as_) is ActorKind.MEMBER
    with run.work(write=by_member) as ctx:
        freelancer = freelancers.find(ctx, username)
        connections.record_view(ctx, freelancer)
        view = freelancer_view(freelancer, services=freelancers.services_of(ctx, freelancer))
        card = reviews.card(ctx, freelancer)
        view.update(card_view(card, freelancer.username) if card is not None else {})
    if not run.for_people:
        run.emit(view)
        return
    services = view.pop("services")
    shown = {key: view.pop(key) for key in ("reviews", "orders") if key in view}
    run.emit(view, title=f"{view['name']} (@{view['username']})")
    run.emit(services, columns=SERVICE_COLUMNS, title="Services")
    if shown:
        run.emit(shown["reviews"], columns=REVIEW_COLUMNS, title="Reviews")
        run.emit(shown["orders"], columns=HISTORY_COLUMNS, title="Order history")


@command(
    service_app,
    "add",
    writes=True,
    examples=(
        'fpctl freelancer service add lena.design "Brand book" --price 1200',
        "fpctl freelancer service add yuki_data Dashboards --price 1800 --revisions 2",
    ),
)
def service_add(
    run: Invocation,
    username: Username,
    title: Annotated[str, typer.Argument(metavar="TITLE", help="What the freelancer offers.")],
    price: Annotated[str, typer.Option(metavar="AMOUNT", help="The price, e.g. 150 or $1,250.50.")],
    revisions: Annotated[
        int, typer.Option(metavar="N", parser=COUNT, help="Revisions included (0 or more).")
    ] = 0,
) -> None:
    """Add a service to a freelancer (support, with --reason)."""
    from fpctl.services.network import freelancers
    from fpctl.views.network import service_view

    with run.work(write=True) as ctx:
        freelancer, service = freelancers.add_service(
            ctx, username, title, price=price, revisions=revisions
        )
        view = service_view(service, freelancer.username)
    run.emit(view)
