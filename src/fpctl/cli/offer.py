"""fpctl offer: custom offers from freelancers, accepted into orders (issue 14).

Every change prints the offer as it now is (``offer show``'s object); an accepted offer
names its order (``order``), placed through the same checkout as ``order place``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fpctl.cli.completion import (
    complete_freelancers,
    complete_members,
    complete_offers,
    complete_projects,
)
from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import COUNT, ID
from fpctl.cli.options import command, group
from fpctl.cli.terms import Estimate, Hourly, Milestones, Rate, WeeklyLimit
from fpctl.domain.enums import OfferStatus

if TYPE_CHECKING:
    from fpctl.services.context import Context
    from fpctl.store.tables import Offer

app = group("offer", "Custom offers: freelancers send them, members accept them as orders.")

OfferId = Annotated[
    int,
    typer.Argument(metavar="ID", parser=ID, help="The offer's id.", autocompletion=complete_offers),
]


def offer_view(ctx: Context, offer: Offer) -> dict[str, Any]:
    from fpctl.views.offers import OfferViews

    return OfferViews(ctx.session, ctx.now).row(offer)


def _change(run: Invocation, do: Callable[[Context], Offer]) -> None:
    with run.work(write=True) as ctx:
        view = offer_view(ctx, do(ctx))
    run.emit(view)


@command(
    app,
    "send",
    writes=True,
    examples=(
        "fpctl offer send --account acme --amount 900 --days 7 --as @lena.design",
        'fpctl offer send --member mia@acme.test --milestone "A=300" --milestone "B=60"',
        "fpctl offer send --account acme --hourly --rate 60 --estimate 20 --as @kofi",
    ),
)
def send(
    run: Invocation,
    member: Annotated[
        str | None,
        typer.Option(
            metavar="EMAIL",
            help="Address it to one member (else any member of --account may accept it).",
            autocompletion=complete_members,
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help='The order\'s title (default "Custom offer").'),
    ] = None,
    description: Annotated[
        str | None, typer.Option(metavar="TEXT", help="What the offer covers.")
    ] = None,
    amount: Annotated[str | None, typer.Option(metavar="AMOUNT", help="A fixed price.")] = None,
    milestone: Milestones = None,
    hourly: Hourly = False,
    rate: Rate = None,
    weekly_limit: WeeklyLimit = None,
    estimate: Estimate = None,
    days: Annotated[
        int | None,
        typer.Option(metavar="N", parser=COUNT, help="Delivery time in days (optional if hourly)."),
    ] = None,
    revisions: Annotated[int, typer.Option(metavar="N", min=0, help="Revisions included.")] = 0,
    expires_in: Annotated[
        int | None,
        typer.Option(metavar="DAYS", parser=COUNT, help="Days it stays open (default 14)."),
    ] = None,
) -> None:
    """Send a custom offer (the freelancer, --as @USERNAME) to --account SLUG, or to one
    member with --member EMAIL: a fixed --amount, 2 to 5 --milestone, or --hourly terms."""
    from fpctl.services.orders import offers

    spec = offers.OfferSpec(
        member=member,
        title=title,
        description=description,
        amount=amount,
        milestones=list(milestone or []),
        hourly=hourly,
        rate=rate,
        weekly_limit=weekly_limit,
        estimate=estimate,
        days=days,
        revisions=revisions,
        expires_in=expires_in,
    )
    _change(run, lambda ctx: offers.send(ctx, spec))


@command(
    app,
    "list",
    lists=True,
    examples=(
        "fpctl offer list --as mia@acme.test",
        "fpctl offer list --status pending --as @lena.design -o json",
    ),
)
def list_(
    run: Invocation,
    status: Annotated[OfferStatus | None, typer.Option(help="Only this status.")] = None,
    freelancer: Annotated[
        str | None,
        typer.Option(
            metavar="USERNAME",
            help="Only this freelancer's offers.",
            autocompletion=complete_freelancers,
        ),
    ] = None,
) -> None:
    """List the offers you see, oldest first: a freelancer their own, the admin and billing
    managers all of the account's, a member those to the account and to them."""
    from fpctl.services.orders import offers
    from fpctl.views.offers import OFFER_COLUMNS, OfferViews

    with run.work(write=False) as ctx:
        views = OfferViews(ctx.session, ctx.now)
        found = offers.list_offers(
            ctx, status=status.value if status else None, freelancer=freelancer
        )
        run.emit(found.map(views.row), table_columns=OFFER_COLUMNS, title="Offers")


@command(app, "show", examples=("fpctl offer show 4", "fpctl offer show 4 -o json"))
def show(run: Invocation, offer_id: OfferId) -> None:
    """Show one offer: its terms, its status, and the order it became."""
    from fpctl.services.orders import offers

    with run.work(write=False) as ctx:
        view = offer_view(ctx, offers.find(ctx, offer_id))
    run.emit(view)


@command(
    app,
    "accept",
    writes=True,
    examples=(
        "fpctl offer accept 4 --as mia@acme.test",
        "fpctl offer accept 4 --project 7 --as mia@acme.test",
    ),
)
def accept(
    run: Invocation,
    offer_id: OfferId,
    project: Annotated[
        int | None,
        typer.Option(
            metavar="ID",
            parser=ID,
            help="The order's project (default: your my-project).",
            autocompletion=complete_projects,
        ),
    ] = None,
) -> None:
    """Accept an offer: its order is placed as by `order place` (policies first, then
    payment); an offer addressed to one member is accepted by that member only."""
    from fpctl.services.orders import offer_answers

    with run.work(write=True) as ctx:
        offer, placed = offer_answers.accept(ctx, offer_id, project_id=project)
        view = offer_view(ctx, offer)
    if placed.approval is not None:
        run.note(
            f"order {placed.order.id} waits for the admin's approval "
            f"(request {placed.approval.id}); nothing was charged"
        )
    else:
        run.note(f"order {placed.order.id} placed: {placed.order.status}")
    run.emit(view)


@command(
    app,
    "decline",
    writes=True,
    examples=('fpctl offer decline 4 --reason "over budget" --as mia@acme.test',),
)
def decline(run: Invocation, offer_id: OfferId) -> None:
    """Decline an offer (the member it is addressed to, the admin or support; any member
    for an offer to the account); --reason is kept with it."""
    from fpctl.services.orders import offer_answers

    _change(run, lambda ctx: offer_answers.decline(ctx, offer_id, run.reason))


@command(
    app,
    "withdraw",
    writes=True,
    examples=("fpctl offer withdraw 4 --as @lena.design",),
)
def withdraw(run: Invocation, offer_id: OfferId) -> None:
    """Withdraw your pending offer (the freelancer who sent it)."""
    from fpctl.services.orders import offer_answers

    _change(run, lambda ctx: offer_answers.withdraw(ctx, offer_id))
