"""The demo's orders (``fpctl demo seed --orders N``): each follows one of the STORIES
(completed, delivered, in revision, cancelled by agreement, ...), placed by whoever is in
the team at the time, through the same services as every command."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlmodel import Session, col, select

from fpctl.clock import iso
from fpctl.domain.actors import Actor
from fpctl.domain.enums import ActorKind
from fpctl.domain.orders import OrderStatus
from fpctl.errors import RuleViolation
from fpctl.services.context import Context
from fpctl.services.demo_data import CATALOGUE, STORIES, DemoOptions, OrderStory, Person, Step, Team
from fpctl.services.orders import cancellations, checkout, lifecycle
from fpctl.services.orders.checkout import OrderRequest
from fpctl.store.rows import id_of
from fpctl.store.tables import Freelancer, FreelancerService, Order


class Seeding(Protocol):
    """What the order stories need of the seeder: its draws, its clock and its actors."""

    options: DemoOptions
    rng: random.Random
    base: datetime
    session: Session

    def instant(self, days_before: int, *, hour: int | None = None) -> datetime: ...

    def schedule(self, when: datetime, step: Step) -> None: ...

    def ctx(self, team: Team, when: datetime, actor: Actor | None = None) -> Context: ...

    def as_admin(self, team: Team, when: datetime) -> Context: ...

    def as_member(self, team: Team, person: Person, when: datetime) -> Context: ...


#: What the rules may stop a story at: an order placed by a member whom a purchase limit
#: refuses is not there; a held order (waiting for the admin, or rejected when the request
#: expired) goes no further. Any other refusal is a mistake in the plan.
REFUSED_PLACEMENT = "purchase_limit_exceeded"
HELD = (OrderStatus.AWAITING_APPROVAL, OrderStatus.REJECTED)

#: Who places an order for a buyer drawn who is not a member for every day of its story (not
#: yet joined, or deactivated, removed or closed before its last step): the team lead, who
#: joins before the first order and never leaves, else the admin, who is always there.
STAND_INS = ("lead", "admin")

Action = Callable[[Context, int], object]  # a step of a story, on the order's id


def story_steps(story: str) -> list[tuple[int, str, Action]]:
    """What follows the placement in ``story``: (days after the placement, "buyer" or
    "seller", what they do)."""
    steps: list[tuple[int, str, Action]] = []
    if story != "awaiting_requirements":
        steps.append((0, "buyer", _submit_requirements))
    if story in ("completed", "delivered", "auto_completed", "in_revision", "milestones"):
        steps.append((1, "seller", lifecycle.deliver))
    if story in ("completed", "milestones"):
        steps.append((1, "buyer", lifecycle.accept))
    if story == "in_revision":
        steps.append((1, "buyer", lifecycle.ask_revision))
    if story in ("cancelled_by_agreement", "cancellation_open"):
        steps.append((1, "seller", _request_cancellation))
    if story == "cancelled_by_agreement":
        steps.append((1, "buyer", cancellations.accept))
    return steps


def _submit_requirements(ctx: Context, order_id: int) -> object:
    return lifecycle.submit_requirements(ctx, order_id, "See the brief.")


def _request_cancellation(ctx: Context, order_id: int) -> object:
    return cancellations.request(ctx, order_id, "Out of office")


def is_member_throughout(team: Team, buyer: str, first: datetime, last: datetime) -> bool:
    """Whether ``buyer`` is an active member on every day from ``first`` to ``last``:
    joined before that first day, and not deactivated, removed or closed before the day
    after the last one (whole days, so a story never ends hours before its buyer leaves)."""
    if buyer == "admin":  # whoever holds the role at the time: always there
        return True
    first_day = first.replace(hour=0, minute=0, second=0, microsecond=0)
    after_last_day = last.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    joined, left = team.joined.get(buyer), team.left.get(buyer)
    return joined is not None and joined < first_day and (left is None or left >= after_last_day)


class OrderStories:
    def __init__(self, seeder: Seeding) -> None:
        self.seeder = seeder
        # The catalogue never changes once the first order is placed: looked up once.
        self.sellers: dict[str, Actor] = {}
        self.service_ids: dict[str, list[int]] = {}

    def plan_orders(self, team: Team) -> None:
        """The orders, placed between -40 and -1 days by the people who are there at the
        time, each following one of the STORIES (the card is there from -60 days)."""
        if not self.seeder.options.orders:
            return
        buyers = ["admin", "billing", "lead", "removed"] + [
            key for key in team.people if key.startswith("extra")
        ]
        for number in range(self.seeder.options.orders):
            story = STORIES[number % len(STORIES)]
            days_before = max(1, 40 - number * 39 // max(1, self.seeder.options.orders))
            if story in ("delivered", "cancellation_open", "in_revision"):
                days_before = min(days_before, 2)
            buyer = self.seeder.rng.choice(buyers)
            username, service = self.pick_service(story)
            self.plan_order(team, OrderStory(story, buyer, days_before, username, service))

    def pick_service(self, story: str) -> tuple[str, int]:
        username, _, _, services = self.seeder.rng.choice(CATALOGUE)
        index = self.seeder.rng.randrange(len(services))
        if story == "in_revision" and not services[index][2]:
            # a revision needs a service that includes one (every freelancer has one)
            index = next(i for i, (_, _, revisions) in enumerate(services) if revisions)
        return username, index

    def buyer_ctx(self, team: Team, buyer: str, when: datetime) -> Context:
        if buyer == "admin":
            return self.seeder.as_admin(team, when)
        return self.seeder.as_member(team, team.people[buyer], when)

    def seller_ctx(self, team: Team, username: str, when: datetime) -> Context:
        actor = self.sellers.get(username)
        if actor is None:
            freelancer = self.seeder.session.exec(
                select(Freelancer).where(Freelancer.username == username)
            ).one()
            actor = Actor(
                kind=ActorKind.FREELANCER, label=f"@{username}", freelancer_id=freelancer.id
            )
            self.sellers[username] = actor
        return self.seeder.ctx(team, when, actor)

    def plan_order(self, team: Team, plot: OrderStory) -> None:
        """Schedule the placement and the story's later steps: the same day as the
        placement or one day later, an hour apart, always before the base; the buyer is
        someone who is a member for all of it."""
        start = self.seeder.instant(plot.days_before)
        steps = story_steps(plot.story)
        latest = self.seeder.base - timedelta(minutes=1)
        times = [
            min(start + timedelta(days=offset, hours=number), latest)
            for number, (offset, _, _) in enumerate(steps, start=1)
        ]
        buyer = self.buyer_for(team, plot.buyer, start, times[-1] if times else start)
        plot = replace(plot, buyer=buyer)
        placed: dict[str, int] = {}
        self.seeder.schedule(start, lambda t: self.place(team, plot, placed, t))
        for when, (_, side, action) in zip(times, steps, strict=True):
            self.seeder.schedule(when, self.step(team, plot, side, action, placed))

    def buyer_for(self, team: Team, drawn: str, first: datetime, last: datetime) -> str:
        if is_member_throughout(team, drawn, first, last):
            return drawn
        return next(key for key in STAND_INS if is_member_throughout(team, key, first, last))

    def place(self, team: Team, plot: OrderStory, placed: dict[str, int], when: datetime) -> None:
        ctx = self.buyer_ctx(team, plot.buyer, when)
        request = OrderRequest(
            freelancer=plot.username, service_id=self.service_id(plot.username, plot.service)
        )
        if plot.story == "milestones":
            request = OrderRequest(
                freelancer=plot.username,
                milestones=["Research=300", "First draft=500", "Final=400"],
            )
        if plot.story in ("late", "in_progress"):
            request.due = iso(when + timedelta(days=2 if plot.story == "late" else 60))
        try:
            placed["id"] = id_of(checkout.place(ctx, request).order)
        except RuleViolation as refused:
            if refused.code != REFUSED_PLACEMENT:
                raise

    def step(
        self,
        team: Team,
        plot: OrderStory,
        side: str,
        action: Action,
        placed: dict[str, int],
    ) -> Step:
        def run(when: datetime) -> None:
            if "id" not in placed:
                return  # refused by a purchase limit: the story never began
            if side == "buyer":
                ctx = self.buyer_ctx(team, plot.buyer, when)
            else:
                ctx = self.seller_ctx(team, plot.username, when)
            self.act(placed["id"], lambda: action(ctx, placed["id"]))

        return run

    def act(self, order_id: int, step: Callable[[], object]) -> None:
        """Run a story's next step; a held order's story stops where the rules stop it."""
        try:
            step()
        except RuleViolation:
            order = self.seeder.session.get(Order, order_id)
            if order is None or order.status not in HELD:
                raise

    def service_id(self, username: str, index: int) -> int:
        ids = self.service_ids.get(username)
        if ids is None:
            freelancer_id = select(Freelancer.id).where(Freelancer.username == username)
            ids = [
                id_of_row
                for id_of_row in self.seeder.session.exec(
                    select(FreelancerService.id)
                    .where(FreelancerService.freelancer_id == freelancer_id.scalar_subquery())
                    .order_by(col(FreelancerService.id))
                ).all()
                if id_of_row is not None  # a stored row's id
            ]
            self.service_ids[username] = ids
        return ids[index % len(ids)]
