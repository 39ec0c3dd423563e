"""The demo's orders (``fpctl demo seed --orders N``): each follows one of the STORIES
(completed, delivered, in revision, cancelled by agreement, ...), placed by whoever is in
the team at the time, through the same services as every command."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlmodel import Session, col, select

from fpctl.clock import iso
from fpctl.domain.actors import Actor
from fpctl.domain.enums import ActorKind
from fpctl.domain.orders import OrderStatus
from fpctl.errors import FpctlError, RuleViolation
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

PLACE = "place"

#: A story's steps after its placement, by name, in the order the steps of one instant are
#: made (a story never has a step before the one it follows), with who takes each.
SIDES = {
    "requirements": "buyer",
    "deliver": "seller",
    "accept": "buyer",
    "revision": "buyer",
    "cancel-request": "seller",
    "cancel-accept": "buyer",
}


def story_steps(story: str) -> list[tuple[int, str]]:
    """What follows the placement in ``story``: (days after the placement, step name)."""
    steps: list[tuple[int, str]] = []
    if story != "awaiting_requirements":
        steps.append((0, "requirements"))
    if story in ("completed", "delivered", "auto_completed", "in_revision", "milestones"):
        steps.append((1, "deliver"))
    if story in ("completed", "milestones"):
        steps.append((1, "accept"))
    if story == "in_revision":
        steps.append((1, "revision"))
    if story in ("cancelled_by_agreement", "cancellation_open"):
        steps.append((1, "cancel-request"))
    if story == "cancelled_by_agreement":
        steps.append((1, "cancel-accept"))
    return steps


Outcomes = list[Any]  # each step's order, or why it was refused


def _make(name: str, steps: list[tuple[Context, int]]) -> Outcomes:
    """Make the steps called ``name`` of one instant: set-based where the service is."""
    if name == "requirements":
        return lifecycle.submit_requirements_many(
            [(ctx, order_id, "See the brief.") for ctx, order_id in steps]
        )
    if name == "deliver":
        return lifecycle.deliver_many(steps)
    if name == "accept":
        return lifecycle.accept_many(steps)
    one = _ONE_AT_A_TIME[name]
    outcomes: Outcomes = []
    for ctx, order_id in steps:
        try:
            outcomes.append(one(ctx, order_id))
        except RuleViolation as refused:
            outcomes.append(refused)
    return outcomes


def _request_cancellation(ctx: Context, order_id: int) -> object:
    return cancellations.request(ctx, order_id, "Out of office")


#: The steps made one by one (few: a revision, the cancellations).
_ONE_AT_A_TIME: dict[str, Callable[[Context, int], object]] = {
    "revision": lifecycle.ask_revision,
    "cancel-request": _request_cancellation,
    "cancel-accept": cancellations.accept,
}


@dataclass
class StoryMove:
    """The placement or one later step of an order's story: the seeder makes the moves of
    one instant together (``OrderStories.make``)."""

    stories: OrderStories
    team: Team
    plot: OrderStory
    placed: dict[str, int]  # the order's id once placed
    name: str  # PLACE or a step of SIDES

    def __call__(self, when: datetime) -> None:
        self.stories.make(when, [self])


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
            for number, (offset, _) in enumerate(steps, start=1)
        ]
        buyer = self.buyer_for(team, plot.buyer, start, times[-1] if times else start)
        plot = replace(plot, buyer=buyer)
        placed: dict[str, int] = {}
        self.seeder.schedule(start, StoryMove(self, team, plot, placed, PLACE))
        for when, (_, name) in zip(times, steps, strict=True):
            self.seeder.schedule(when, StoryMove(self, team, plot, placed, name))

    def buyer_for(self, team: Team, drawn: str, first: datetime, last: datetime) -> str:
        if is_member_throughout(team, drawn, first, last):
            return drawn
        return next(key for key in STAND_INS if is_member_throughout(team, key, first, last))

    def make(self, when: datetime, moves: list[StoryMove]) -> None:
        """The order moves of one instant: the placements together, then each kind of step
        together (in SIDES' order), through the services' set-based paths."""
        self.place_all(when, [move for move in moves if move.name == PLACE])
        for name in SIDES:
            # A placement a purchase limit refused has no story after it.
            steps = [move for move in moves if move.name == name and "id" in move.placed]
            if steps:
                contexts = [(self.ctx_for(move, when), move.placed["id"]) for move in steps]
                self.check(contexts, _make(name, contexts))

    def place_all(self, when: datetime, moves: list[StoryMove]) -> None:
        requests = [
            (self.buyer_ctx(move.team, move.plot.buyer, when), self.request(move.plot, when))
            for move in moves
        ]
        for move, outcome in zip(moves, checkout.place_many(requests), strict=True):
            if isinstance(outcome, checkout.Placed):
                move.placed["id"] = id_of(outcome.order)
            elif outcome.code != REFUSED_PLACEMENT:
                raise outcome

    def request(self, plot: OrderStory, when: datetime) -> OrderRequest:
        if plot.story == "milestones":
            return OrderRequest(
                freelancer=plot.username,
                milestones=["Research=300", "First draft=500", "Final=400"],
            )
        request = OrderRequest(
            freelancer=plot.username, service_id=self.service_id(plot.username, plot.service)
        )
        if plot.story in ("late", "in_progress"):
            request.due = iso(when + timedelta(days=2 if plot.story == "late" else 60))
        return request

    def ctx_for(self, move: StoryMove, when: datetime) -> Context:
        if SIDES[move.name] == "buyer":
            return self.buyer_ctx(move.team, move.plot.buyer, when)
        return self.seller_ctx(move.team, move.plot.username, when)

    def check(self, steps: list[tuple[Context, int]], outcomes: Outcomes) -> None:
        """A held order's story stops where the rules stop it; any other refusal is a
        mistake in the plan."""
        for (_, order_id), outcome in zip(steps, outcomes, strict=True):
            if isinstance(outcome, FpctlError):
                order = self.seeder.session.get(Order, order_id)
                if not isinstance(outcome, RuleViolation) or order is None:
                    raise outcome
                if order.status not in HELD:
                    raise outcome

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
