"""fpctl subscription: the Advanced plan (subscribe, cancel), and the switch to the regular
marketplace and back (SPEC §1.7)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command, group

app = group("subscription", "The Advanced plan, and the switch to the regular marketplace.")


class PaidPlan(StrEnum):
    ADVANCED = "advanced"


class Target(StrEnum):
    FIVERR = "fiverr"
    BASIC = "basic"
    ADVANCED = "advanced"


def _title(view: dict[str, Any]) -> str:
    return f"Subscription of {view['account']}"


@command(
    app,
    "show",
    examples=("fpctl subscription show --account acme-studio",),
)
def show(run: Invocation) -> None:
    """The account's plan, when it renews, and whether it has switched to the marketplace."""
    from fpctl.services.money import subscriptions
    from fpctl.views.money import subscription_view

    with run.work(write=False) as ctx:
        view = subscription_view(subscriptions.show(ctx))
    run.emit(view, title=_title(view))


@command(
    app,
    "subscribe",
    writes=True,
    examples=("fpctl subscription subscribe advanced --as ada@acme.test",),
)
def subscribe(
    run: Invocation,
    plan: Annotated[
        PaidPlan, typer.Argument(metavar="PLAN", help="The plan to subscribe to: advanced.")
    ],
) -> None:
    """Subscribe to Advanced (129.00 USD a month): the first month is charged now to the
    default payment method, never to credits or the balance."""
    from fpctl.services.money import subscriptions
    from fpctl.views.money import subscription_view

    with run.work(write=True) as ctx:
        view = subscription_view(subscriptions.subscribe(ctx))
    run.emit(view, title=_title(view))


@command(
    app,
    "cancel",
    writes=True,
    examples=("fpctl subscription cancel --yes --as ada@acme.test",),
)
def cancel(run: Invocation) -> None:
    """Cancel Advanced at once; the unused part of the month goes back to the shared balance."""
    from fpctl.services.money import subscriptions
    from fpctl.views.money import subscription_view

    with run.work(write=False) as ctx:  # refuse before asking, not after
        subscriptions.check_cancel(ctx)
    run.confirm("Cancel the Advanced plan now (Advanced-only policies stop applying)?")
    with run.work(write=True) as ctx:
        view = subscription_view(subscriptions.cancel(ctx))
    run.emit(view, title=_title(view))


_QUESTIONS = {
    Target.FIVERR: "Switch the account to the regular marketplace (every other member is "
    "deactivated, credits are set aside, an Advanced plan is cancelled)?",
    Target.BASIC: "Cancel the Advanced plan now (Advanced-only policies stop applying)?",
}


@command(
    app,
    "switch",
    writes=True,
    examples=(
        "fpctl subscription switch fiverr --yes --as ada@acme.test",
        "fpctl subscription switch basic --as ada@acme.test",
    ),
)
def switch(
    run: Invocation,
    target: Annotated[
        Target,
        typer.Argument(
            metavar="TARGET",
            help="fiverr: leave Pro for the regular marketplace; basic or advanced: that "
            "plan (returns a switched account to Pro).",
        ),
    ],
) -> None:
    """Switch to the regular marketplace, back to Pro, or between plans (the admin)."""
    from fpctl.services.money import marketplace
    from fpctl.views.money import subscription_view

    with run.work(write=False) as ctx:  # refuse before asking, not after
        needs_confirming = marketplace.check_switch(ctx, target.value)
    if needs_confirming:
        run.confirm(_QUESTIONS[target])
    with run.work(write=True) as ctx:
        view = subscription_view(marketplace.switch(ctx, target.value))
    run.emit(view, title=_title(view))
