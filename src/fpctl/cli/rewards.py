"""fpctl rewards: the account's tier, points and their history, and redemptions (SPEC §1.9).

Points belong to the account: any active member, support or a read with no actor sees
them. Any active member redeems points for credits; gift cards and donations are for the
admin and billing managers (and support).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command, group

app = group("rewards", "Rewards: tier, points, history and redemptions.")

#: At most 15 digits: more than any account holds, and within what int() reads (a number of
#: thousands of digits was an internal error).
_POINTS = re.compile(r"\d{1,15}|\d{1,3}(,\d{3}){1,4}", re.ASCII)


class Reward(StrEnum):
    CREDITS = "credits"
    GIFT_CARD = "gift-card"
    DONATION = "donation"


def parse_points(text: str) -> int:
    """A positive whole number of points: ``2500`` or ``2,500`` (exit 2 otherwise)."""
    from fpctl.errors import InvalidInput

    cleaned = text.strip()
    if not _POINTS.fullmatch(cleaned) or int(cleaned.replace(",", "")) <= 0:
        raise InvalidInput(
            f"{text!r} is not a number of points",
            hint="a positive whole number, e.g. 2500 or 2,500",
        )
    return int(cleaned.replace(",", ""))


@command(
    app,
    "show",
    examples=("fpctl rewards show --account acme-studio",),
)
def show(run: Invocation) -> None:
    """The account's tier, points, spend over the last 365 days and the next tier."""
    from fpctl.services.money import rewards
    from fpctl.views.money import rewards_view

    with run.work(write=False) as ctx:
        view = rewards_view(rewards.summary(ctx))
    run.emit(view, title=f"Rewards of {view['account']}")


@command(
    app,
    "redeem",
    writes=True,
    examples=(
        "fpctl rewards redeem 1000 --for credits --as ada@acme.test",
        'fpctl rewards redeem 2500 --for donation --charity "Red Cross"',
    ),
)
def redeem(
    run: Invocation,
    points: Annotated[
        str,
        typer.Argument(
            metavar="POINTS", help="How many points: at least 1,000 (100 points = 1.00 USD)."
        ),
    ],
    reward: Annotated[
        Reward,
        typer.Option(
            "--for",
            help="credits (any member), gift-card or donation (multiples of 2,500 points; "
            "admin and billing managers).",
        ),
    ],
    charity: Annotated[
        str | None, typer.Option(metavar="NAME", help="The charity a donation goes to.")
    ] = None,
) -> None:
    """Redeem points for Pro credits, a gift card or a donation."""
    from fpctl.services.money import redemptions
    from fpctl.views.money import redemption_view

    count = parse_points(points)
    redemptions.check_charity(reward.value, charity)  # a usage error before opening the store
    with run.work(write=True) as ctx:
        view = redemption_view(redemptions.redeem(ctx, count, reward.value, charity))
    run.emit(view)


@command(
    app,
    "history",
    lists=True,
    examples=("fpctl rewards history --account acme-studio",),
)
def history(run: Invocation) -> None:
    """Every change of the account's points (earned, clawed back, redeemed), oldest first."""
    from fpctl.services.money import rewards
    from fpctl.views.money import REWARD_ENTRY_COLUMNS, reward_entry_view

    with run.work(write=False) as ctx:
        slug = ctx.the_account.slug
        rows = rewards.history(ctx).map(reward_entry_view)
        run.emit(rows, table_columns=REWARD_ENTRY_COLUMNS, title=f"Rewards history of {slug}")
