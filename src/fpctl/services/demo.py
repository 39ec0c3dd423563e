"""Demo data (``fpctl demo seed``): a realistic store built through the real services.

Everything is made by the same use cases a person would run (sign-up, invite, accept,
approve, withdraw, leave, ...), so the audit trail is real and verifies. The store is
deterministic: every random choice comes from ``random.Random(seed)``, tokens from a
second generator seeded from the same number, and every instant is an offset *before* the
base time, which is the clock's now truncated to the start of its UTC day. Events of all
accounts run in time order, and what is due is settled before each one, exactly as a
command would; so the expired invitations were expired by the clock, not written as such.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import cast

from sqlalchemy import func
from sqlmodel import col, select

from fpctl.domain.actors import NOBODY, Actor, support
from fpctl.domain.enums import ApprovalKind, Plan, Role
from fpctl.errors import InvalidInput, RuleViolation
from fpctl.services import approvals, lookups, memo, settle, store_clock
from fpctl.services.actors import member_actor
from fpctl.services.context import Context
from fpctl.services.demo_data import (
    CARD_DAYS_BEFORE,
    CATALOGUE,
    CATALOGUE_DAYS_BEFORE,
    FIRST_NAMES,
    LAST_NAMES,
    MIN_MEMBERS,
    CatalogueEntry,
    DemoOptions,
    Person,
    Step,
    Team,
    base_time,
    company,
    demo_slugs,
)
from fpctl.services.demo_dealings import Dealings, temporary_folder
from fpctl.services.demo_held import HELD_ROWS, holding
from fpctl.services.demo_orders import OrderStories, StoryMove
from fpctl.services.money import billing_info, payment_methods
from fpctl.services.network import freelancers
from fpctl.services.operator import agent_name
from fpctl.services.team import accounts, invitations, inviting, members, policies
from fpctl.services.team.inviting import InviteRequest
from fpctl.services.team.policies import PolicySpec
from fpctl.store.tables import (
    Account,
    ApprovalRequest,
    AuditRecord,
    Freelancer,
    FreelancerService,
    Invitation,
    Member,
    Order,
    Policy,
)

#: Told how many of the seed's events have run, and of how many: ``progress(done, total)``.
Progress = Callable[[int, int], None]


class _Seeder:
    def __init__(self, ctx: Context, options: DemoOptions, progress: Progress | None) -> None:
        self.session = ctx.session
        self.base = base_time(ctx.now)
        self.rng = random.Random(options.seed)
        tokens = random.Random(f"fpctl-demo-tokens:{options.seed}")
        self.make_token = lambda: base64.urlsafe_b64encode(tokens.randbytes(18)).decode()
        self.options = options
        self.events: list[tuple[datetime, int, Step]] = []
        self.used_names: set[str] = set()
        self.stories = OrderStories(self)
        self.progress = progress or (lambda _done, _total: None)
        self.admins: dict[int, Member] = {}  # each team's admin, by team index
        self.settled: datetime | None = None  # the instant last settled
        # Whoever runs the seed: every record it writes names them (SPEC §3.2), as the
        # system's records of what it settles do.
        self.operator = ctx.actor.agent or agent_name()

    # -- building blocks -------------------------------------------------------------------

    def at(self, days_before: int, step: Step, *, hour: int | None = None) -> datetime:
        """Schedule ``step`` that many days before the base, in office hours."""
        when = self.instant(days_before, hour=hour)
        self.schedule(when, step)
        return when

    def instant(self, days_before: int, *, hour: int | None = None) -> datetime:
        """An instant in office hours that many days before the base (drawn, not scheduled)."""
        hour = self.rng.randint(8, 17) if hour is None else hour
        day = self.base - timedelta(days=days_before)
        return day.replace(hour=hour, minute=self.rng.randrange(0, 60, 5), second=0, microsecond=0)

    def schedule(self, when: datetime, step: Step) -> None:
        """Run ``step`` at ``when``; steps at the same instant run in the order scheduled."""
        self.events.append((when, len(self.events), step))

    def ctx(self, team: Team, when: datetime, actor: Actor | None = None) -> Context:
        account = self.session.get(Account, team.account_id) if team.account_id else None
        return Context(
            session=self.session,
            actor=replace(actor or NOBODY, agent=self.operator),
            now=when,
            account=account,
            make_token=self.make_token,
        )

    def as_member(self, team: Team, person: Person, when: datetime) -> Context:
        assert person.member_id is not None
        member = self.session.get(Member, person.member_id)
        assert member is not None
        return self.ctx(team, when, member_actor(member))

    def as_admin(self, team: Team, when: datetime) -> Context:
        # Only ``set_role`` changes who the admin is; that step forgets the one held here.
        current = self.admins.get(team.index)
        if current is None:
            current = self.session.exec(
                select(Member)
                .where(Member.account_id == team.account_id)
                .where(Member.role == Role.ADMIN)
            ).one()
            self.admins[team.index] = current
        return self.ctx(team, when, member_actor(current))

    def hand_over(self, team: Team, to: Person, when: datetime) -> None:
        """The admin makes ``to`` the admin (and becomes a member)."""
        members.set_role(self.as_admin(team, when), to.email, Role.ADMIN)
        self.admins.pop(team.index, None)

    def person(self, team: Team) -> Person:
        for _ in range(50):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if f"{first} {last}" not in self.used_names:
                break
        name = f"{first} {last}"
        if name in self.used_names:
            name = f"{first} {last} {len(self.used_names)}"
        self.used_names.add(name)
        local = "".join(
            ch for ch in _ascii(name).casefold().replace(" ", ".") if ch.isalnum() or ch == "."
        )
        return Person(name=name, email=f"{local}@{team.domain}")

    # -- steps -------------------------------------------------------------------------------

    def invite(
        self, team: Team, by: Person | None, who: Person, role: Role, when: datetime
    ) -> None:
        ctx = self.as_admin(team, when) if by is None else self.as_member(team, by, when)
        [result] = inviting.invite_many(ctx, [InviteRequest(who.email, role)])
        if result.error is not None:
            raise result.error
        assert result.invitation is not None
        who.token, who.invitation_id = result.invitation.token, result.invitation.id

    def accept(self, team: Team, who: Person, when: datetime) -> None:
        assert who.token is not None
        member, _ = invitations.accept(self.ctx(team, when), who.token, who.name)
        who.member_id = member.id

    def request_id(self, who: Person) -> int:
        request_id = self.session.exec(
            select(ApprovalRequest.id)
            .where(ApprovalRequest.kind == ApprovalKind.INVITATION)
            .where(ApprovalRequest.subject_id == who.invitation_id)
        ).one()
        assert request_id is not None  # a stored row's id
        return request_id

    def join(self, team: Team, key: str, role: Role, days_before: int) -> None:
        """The admin invites; the invitee accepts one to three days later."""
        who = team.people[key]
        self.at(days_before, lambda t: self.invite(team, None, who, role, t))
        accepted = days_before - self.rng.randint(1, 3)
        team.joined[key] = self.at(accepted, lambda t: self.accept(team, who, t))

    # -- the script of one account ---------------------------------------------------------

    def plan_account(self, index: int) -> Team:
        name, industry, slug = company(index)
        plan = Plan.ADVANCED if index % 3 == 0 else Plan.BASIC
        team = Team(index, name, slug, f"{slug}.test", industry, plan, admin=Person("", ""))
        team.admin = self.person(team)
        created = self.rng.randint(100, 130)
        self.at(created, lambda t: self.create(team, t), hour=9)
        self.at(created, lambda t: self.describe(team, t), hour=11)
        # Advanced renews monthly from the sign-up, paid by the card: it is there from day one.
        card_day = created if plan is Plan.ADVANCED else CARD_DAYS_BEFORE
        self.at(card_day, lambda t: self.add_card(team, t), hour=12)
        self.plan_team(team, created)
        self.plan_invitations(team)
        self.plan_policies(team)
        self.stories.plan_orders(team)
        self.dealings.plan(team)
        return team

    def create(self, team: Team, when: datetime) -> None:
        ctx = self.ctx(team, when)
        account = accounts.create(
            ctx,
            name=team.name,
            admin_email=team.admin.email,
            admin_name=team.admin.name,
            slug=team.slug,
            plan=team.plan,
        )
        team.account_id = account.id
        admin = lookups.current_admin(ctx)
        assert admin is not None  # the account was just created with its admin
        team.admin.member_id = admin.id

    def describe(self, team: Team, when: datetime) -> None:
        accounts.update(
            self.as_admin(team, when),
            company=f"{team.name} Ltd",
            website=f"https://www.{team.domain}",
            industry=team.industry,
        )
        billing_info.set_info(
            self.as_admin(team, when),
            full_name=team.admin.name,
            company=f"{team.name} Ltd",
            address=f"{10 + team.index} Market Street, Springfield",
            country="US",
            tax_id=f"US-{team.index + 1:02d}-{team.account_id:07d}",
        )

    def plan_team(self, team: Team, created: int) -> None:
        people = team.people
        for key in ("lead", "deactivated", "removed", "closed"):
            people[key] = self.person(team)
            self.join(team, key, Role.MEMBER, self.rng.randint(70, created - 5))
        for number in range(self.options.members - MIN_MEMBERS):
            role = Role.BILLING_MANAGER if self.rng.random() < 0.25 else Role.MEMBER
            people[f"extra{number}"] = self.person(team)
            self.join(team, f"extra{number}", role, self.rng.randint(55, created - 5))
        bm = people["billing"] = self.person(team)
        # Invited as a member, then re-invited as billing manager: the first is superseded.
        self.at(52, lambda t: self.invite(team, None, bm, Role.MEMBER, t))
        self.at(51, lambda t: self.invite(team, None, bm, Role.BILLING_MANAGER, t))
        team.joined["billing"] = self.at(50, lambda t: self.accept(team, bm, t))
        team.left["deactivated"] = self.at(
            30, lambda t: members.deactivate(self.as_admin(team, t), people["deactivated"].email)
        )
        team.left["removed"] = self.at(
            25, lambda t: members.remove(self.as_admin(team, t), people["removed"].email)
        )
        team.left["closed"] = self.at(
            22, lambda t: members.leave(self.as_member(team, people["closed"], t))
        )
        if team.index % 3 == 1:  # the founder hands the admin role to the billing manager
            self.at(3, lambda t: self.hand_over(team, bm, t))

    def plan_invitations(self, team: Team) -> None:
        people = team.people
        lead = people["lead"]
        withdrawn, stale = self.person(team), self.person(team)
        self.at(45, lambda t: self.invite(team, None, withdrawn, Role.MEMBER, t))
        self.at(44, lambda t: invitations.withdraw(self.as_admin(team, t), withdrawn.email))
        self.at(40, lambda t: self.invite(team, None, stale, Role.MEMBER, t))  # expires at -10
        # From here on, invitations by members wait for the admin (policy added at -20).
        rejected, approved = self.person(team), self.person(team)
        people["approved"] = approved
        self.at(15, lambda t: self.invite(team, lead, rejected, Role.MEMBER, t))
        self.at(14, lambda t: self.decide(team, rejected, t, approve=False))
        self.at(14, lambda t: self.invite(team, lead, approved, Role.MEMBER, t), hour=18)
        self.at(13, lambda t: self.decide(team, approved, t, approve=True))
        team.joined["approved"] = self.at(12, lambda t: self.accept(team, approved, t))
        lapsed, waiting = self.person(team), self.person(team)
        self.at(12, lambda t: self.invite(team, lead, lapsed, Role.MEMBER, t), hour=18)
        by_bm, by_admin = self.person(team), self.person(team)
        self.at(4, lambda t: self.invite(team, people["billing"], by_bm, Role.MEMBER, t))
        self.at(2, lambda t: self.invite(team, None, by_admin, Role.MEMBER, t))
        self.at(1, lambda t: self.invite(team, lead, waiting, Role.MEMBER, t))

    def decide(self, team: Team, who: Person, when: datetime, *, approve: bool) -> None:
        ctx = self.as_admin(team, when)
        if approve:
            approvals.approve(ctx, self.request_id(who))
        else:
            approvals.reject(ctx, self.request_id(who), "we only add people from the design team")

    def plan_policies(self, team: Team) -> None:
        specs = [PolicySpec("invite-approval", applies_to="members")]
        if team.index % 2 == 0:
            specs.append(PolicySpec("order-approval", over="500"))
        if team.plan is Plan.ADVANCED:
            specs += [
                PolicySpec("order-approval", over="1,000", applies_to="billing-managers"),
                PolicySpec("purchase-limit", amount="2000", per="month", applies_to="members"),
                PolicySpec(
                    "purchase-limit",
                    amount="300",
                    per="order",
                    member=team.people["lead"].email,
                    mode="approval",
                ),
            ]

        def add(spec: PolicySpec) -> Step:
            return lambda t: policies.add(self.as_admin(team, t), spec)

        for offset, spec in enumerate(specs):
            self.at(20 - offset, add(spec))

    # -- orders ------------------------------------------------------------------------------

    def add_card(self, team: Team, when: datetime) -> None:
        expiry = f"12/{(self.base.year + 3) % 100:02d}"
        payment_methods.add(
            self.as_admin(team, when), card="4242 4242 4242 4242", expiry_text=expiry
        )

    def plan_catalogue(self) -> None:
        """Support adds the freelancers and their services, one a minute (no random draw, so
        the accounts are the same as before the catalogue existed)."""
        day = self.base - timedelta(days=CATALOGUE_DAYS_BEFORE)
        for number, entry in enumerate(CATALOGUE):
            when = day.replace(hour=9, minute=number)
            self.events.append((when, len(self.events), partial(self.catalogue, entry)))

    def catalogue(self, entry: CatalogueEntry, when: datetime) -> None:
        username, name, pro, services = entry
        ctx = Context(
            session=self.session, actor=support(self.operator, "demo catalogue"), now=when
        )
        if self.session.exec(select(Freelancer.id).where(Freelancer.username == username)).first():
            return  # already in this store's catalogue: kept as it is
        freelancers.add(ctx, username, name=name, pro=pro)
        for title, price, revisions in services:
            freelancers.add_service(ctx, username, title, price=price, revisions=revisions)

    # -- running ---------------------------------------------------------------------------

    def run(self) -> list[Team]:
        # Rows and lookups kept between steps, as a batch keeps them between its lines.
        with (
            holding(self.session, HELD_ROWS),
            memo.remembering(self.session),
            temporary_folder() as files,  # what the freelancers deliver is read from there
        ):
            self.dealings = Dealings(self, self.stories, Path(files))
            return self._run()

    def _run(self) -> list[Team]:
        self.plan_catalogue()
        teams = [self.plan_account(index) for index in range(self.options.accounts)]
        events = sorted(self.events, key=lambda event: event[:2])
        done = 0
        for (when, is_order_move), run in groupby(events, key=_order_moves_at):
            self.settle_before(when)
            steps = [step for _, _, step in run]
            if is_order_move:  # the orders' moves of one instant, made together
                self.stories.make(when, cast(list[StoryMove], steps))
                for made in range(done + 1, done + len(steps) + 1):
                    self.progress(made, len(events))
                done += len(steps)
            else:
                for step in steps:
                    step(when)
                    done += 1
                    self.progress(done, len(events))
        self.settle(self.base)
        return teams

    def settle_before(self, when: datetime) -> None:
        """Settle before an event at ``when``. Everything a step starts falls due later than
        the step (an expiry, an automatic completion, a renewal), so what was settled before
        the previous event at the same instant still holds: at large sizes many orders share
        an instant, and the probes were a fifth of the time."""
        if when != self.settled:
            self.settle(when)
            self.settled = when

    def settle(self, when: datetime) -> None:
        """What is due by ``when``, as a command would (the probe first: most events find
        nothing due, and the settlers' own queries cost far more)."""
        self.session.flush()
        if settle.anything_due(self.session, when):
            settle.settle_due(self.session, when)


def _order_moves_at(event: tuple[datetime, int, Step]) -> tuple[datetime, bool]:
    """What groups events: their instant, and whether they are order moves (the moves of
    one instant are made together; any other event alone, in its turn)."""
    when, _, step = event
    return when, isinstance(step, StoryMove)


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@dataclass(frozen=True)
class Summary:
    seed: int
    base_time: datetime
    slugs: list[str]
    counts: dict[str, int]


def _check(options: DemoOptions) -> None:
    if options.accounts < 1:
        raise InvalidInput("--accounts must be at least 1")
    if options.members < MIN_MEMBERS:
        raise InvalidInput(
            f"--members must be at least {MIN_MEMBERS}",
            hint="that many people per account show every role and every member status",
        )


def seed(ctx: Context, options: DemoOptions, *, progress: Progress | None = None) -> Summary:
    """Build the demo accounts in the caller's transaction; refuse if they already exist.
    ``progress`` is told of every step (there are thousands for big sizes)."""
    _check(options)
    slugs = demo_slugs(options.accounts)
    taken = ctx.session.exec(select(Account.slug).where(col(Account.slug).in_(slugs))).all()
    if taken:
        raise RuleViolation(
            f"the store already holds the demo accounts ({', '.join(sorted(taken))})",
            hint="seed it again from scratch with --reset --yes, or seed a fresh store: "
            "--db /tmp/demo.db (or FPCTL_DB)",
            code="already_seeded",
        )
    if not ctx.session.exec(select(Account.id).limit(1)).first():
        store_clock.mark_test(ctx.session)  # a demo store: any pinned clock, forever
    audit_before = ctx.session.exec(select(func.count()).select_from(AuditRecord)).one()
    catalogue_before = _catalogue_counts(ctx)
    teams = _Seeder(ctx, options, progress).run()
    catalogue = _catalogue_counts(ctx)
    ids = [team.account_id for team in teams]
    return Summary(
        seed=options.seed,
        base_time=base_time(ctx.now),
        slugs=slugs,
        counts={
            "accounts": len(ids),
            "members": _count(ctx, Member, ids),
            "invitations": _count(ctx, Invitation, ids),
            "policies": _count(ctx, Policy, ids),
            "approval_requests": _count(ctx, ApprovalRequest, ids),
            "orders": _count(ctx, Order, ids),
            "freelancers": catalogue[0] - catalogue_before[0],
            "services": catalogue[1] - catalogue_before[1],
            "audit_records": ctx.session.exec(select(func.count()).select_from(AuditRecord)).one()
            - audit_before,
        },
    )


_Counted = type[Member] | type[Invitation] | type[Policy] | type[ApprovalRequest] | type[Order]


def _count(ctx: Context, table: _Counted, account_ids: list[int | None]) -> int:
    query = select(func.count()).select_from(table).where(col(table.account_id).in_(account_ids))
    return ctx.session.exec(query).one()


def _catalogue_counts(ctx: Context) -> tuple[int, int]:
    count = func.count()
    return (
        ctx.session.exec(select(count).select_from(Freelancer)).one(),
        ctx.session.exec(select(count).select_from(FreelancerService)).one(),
    )
