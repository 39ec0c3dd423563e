"""The demo's orders (``fpctl demo seed --orders N``): each follows one of the STORIES
(completed, delivered, in revision, cancelled by agreement, ...), placed by whoever is in
the team at the time, through the same services as every command."""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Protocol

from sqlmodel import Session, col, select

from fpctl.clock import iso
from fpctl.domain.actors import Actor
from fpctl.domain.enums import ActorKind
from fpctl.errors import RuleViolation
from fpctl.services.context import Context
from fpctl.services.demo_data import CATALOGUE, STORIES, DemoOptions, OrderStory, Person, Step, Team
from fpctl.services.orders import cancellations, checkout, lifecycle
from fpctl.services.orders.checkout import OrderRequest
from fpctl.store.rows import id_of
from fpctl.store.tables import Freelancer, FreelancerService


class Seeding(Protocol):
    """What the order stories need of the seeder: its draws, its clock and its actors."""

    options: DemoOptions
    rng: random.Random
    base: datetime
    session: Session
    events: list[tuple[datetime, int, Step]]

    def at(self, days_before: int, step: Step, *, hour: int | None = None) -> datetime: ...

    def ctx(self, team: Team, when: datetime, actor: Actor | None = None) -> Context: ...

    def as_admin(self, team: Team, when: datetime) -> Context: ...

    def as_member(self, team: Team, person: Person, when: datetime) -> Context: ...


class OrderStories:
    def __init__(self, seeder: Seeding) -> None:
        self.seeder = seeder

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
            if buyer == "removed" and days_before <= 25:
                buyer = "lead"  # removed at -25: nobody orders for them after that
            if buyer == "billing" and days_before >= 50:
                buyer = "admin"
            username, service = self.pick_service()
            self.plan_order(team, OrderStory(story, buyer, days_before, username, service))

    def pick_service(self) -> tuple[str, int]:
        username, _, _, services = self.seeder.rng.choice(CATALOGUE)
        return username, self.seeder.rng.randrange(len(services))

    def buyer_ctx(self, team: Team, buyer: str, when: datetime) -> Context:
        if buyer == "admin":
            return self.seeder.as_admin(team, when)
        return self.seeder.as_member(team, team.people[buyer], when)

    def seller_ctx(self, team: Team, username: str, when: datetime) -> Context:
        freelancer = self.seeder.session.exec(
            select(Freelancer).where(Freelancer.username == username)
        ).one()
        actor = Actor(kind=ActorKind.FREELANCER, label=f"@{username}", freelancer_id=freelancer.id)
        return self.seeder.ctx(team, when, actor)

    def plan_order(self, team: Team, plot: OrderStory) -> None:
        story, buyer, days_before, username = (
            plot.story,
            plot.buyer,
            plot.days_before,
            plot.username,
        )
        placed: dict[str, int] = {}

        def buyer_does(step: Callable[[Context, int], object]) -> Step:
            return lambda t: self.act(
                placed, lambda: step(self.buyer_ctx(team, buyer, t), placed["id"])
            )

        def seller_does(step: Callable[[Context, int], object]) -> Step:
            return lambda t: self.act(
                placed, lambda: step(self.seller_ctx(team, username, t), placed["id"])
            )

        def place(when: datetime) -> None:
            service_id = self.service_id(username, plot.service)
            ctx = self.buyer_ctx(team, buyer, when)
            request = OrderRequest(freelancer=username, service_id=service_id)
            if story == "milestones":
                request = OrderRequest(
                    freelancer=username,
                    milestones=["Research=300", "First draft=500", "Final=400"],
                )
            if story in ("late", "in_progress"):
                request.due = iso(when + timedelta(days=2 if story == "late" else 60))
            with suppress(RuleViolation):  # refused by a purchase limit: that happens too
                placed["id"] = id_of(checkout.place(ctx, request).order)

        requirements = buyer_does(
            lambda ctx, order_id: lifecycle.submit_requirements(ctx, order_id, "See the brief.")
        )
        deliver = seller_does(lifecycle.deliver)
        steps: list[tuple[int, Step]] = [(0, place)]  # (days after the placement, step)
        if story != "awaiting_requirements":
            steps.append((0, requirements))
        if story in ("completed", "delivered", "auto_completed", "in_revision", "milestones"):
            steps.append((1, deliver))
        if story in ("completed", "milestones"):
            steps.append((1, buyer_does(lifecycle.accept)))
        if story == "in_revision":
            steps.append((1, buyer_does(lifecycle.ask_revision)))
        if story in ("cancelled_by_agreement", "cancellation_open"):
            steps.append(
                (
                    1,
                    seller_does(
                        lambda ctx, order_id: cancellations.request(ctx, order_id, "Out of office")
                    ),
                )
            )
        if story == "cancelled_by_agreement":
            steps.append((1, buyer_does(cancellations.accept)))
        start = self.seeder.at(days_before, steps[0][1])
        for number, (offset, step) in enumerate(steps[1:], start=1):
            # later steps follow the placement in order: same minute, an hour apart
            when = start + timedelta(days=offset, hours=number)
            self.seeder.events.append(
                (min(when, self.seeder.base - timedelta(minutes=1)), len(self.seeder.events), step)
            )

    def act(self, placed: dict[str, int], step: Callable[[], object]) -> None:
        """Run a story's next step, unless the order was refused or is held (those stories
        stop where the rules stopped them)."""
        if "id" not in placed:
            return
        with suppress(RuleViolation):
            step()

    def service_id(self, username: str, index: int) -> int:
        freelancer_id = select(Freelancer.id).where(Freelancer.username == username)
        ids = self.seeder.session.exec(
            select(FreelancerService.id)
            .where(FreelancerService.freelancer_id == freelancer_id.scalar_subquery())
            .order_by(col(FreelancerService.id))
        ).all()
        service_id = ids[index % len(ids)]
        assert service_id is not None  # a stored row's id
        return service_id
