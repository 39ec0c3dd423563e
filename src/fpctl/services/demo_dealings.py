"""The demo's dealings between each account and its freelancers (issue 14): freelancer
profiles viewed, a conversation opened before any order and answered, projects (a private
one the admin manages, a public one archived with its orders, a member removed from it),
delivered files (revised, so a name repeats; one order placed by the member who is removed
later), custom offers in every state (accepted into an order, held for approval where a
policy holds it, declined, withdrawn, expired, pending to the account and to one member),
an hourly order's weekly reports (approved, partly disputed, disputed and conceded), and
disputes (more time agreed, a modification left to expire, a partial refund still open).
Notifications follow from these as from every change.

Everything goes through the services, at fixed instants: no draw from the seeder's random
generator, so the rest of the demo is the one it was. Made only when the demo has orders.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from fpctl.errors import RuleViolation
from fpctl.services.context import Context
from fpctl.services.conversations import messages, threads
from fpctl.services.demo_data import Team
from fpctl.services.demo_orders import OrderStories, Seeding
from fpctl.services.network import connections, freelancers
from fpctl.services.orders import (
    checkout,
    disputes,
    hour_reports,
    hourly,
    lifecycle,
    offer_answers,
    offers,
)
from fpctl.services.orders.checkout import OrderRequest
from fpctl.services.orders.disputes import Proposal
from fpctl.services.orders.offers import OfferSpec
from fpctl.services.team import projects
from fpctl.store.rows import id_of

#: A one-pixel transparent PNG: the demo's "cover" file.
COVER_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
BRIEF = b"Brief notes\n\n- two articles a month\n- tone: friendly, plain English\n"

Act = Callable[[datetime], object]

#: Orders each account's dealings add to its story orders: two placed with files, two
#: accepted offers (a purchase limit may refuse one of these), an hourly order whose weeks
#: are reported, and two orders with disputes.
DEALT_ORDERS = 7


class Dealings:
    """Plans each account's dealings; ``files`` is where the delivered files are written
    before a delivery reads them (the demo's own temporary folder)."""

    def __init__(self, seeder: Seeding, stories: OrderStories, files: Path) -> None:
        self.seeder = seeder
        self.stories = stories
        self.files = files
        self.ids: dict[tuple[int, str], int] = {}  # (team, name) -> what was made

    def at(self, days_before: int, hour: int, minute: int, act: Act) -> None:
        day = self.seeder.base - timedelta(days=days_before)
        self.seeder.schedule(day.replace(hour=hour, minute=minute, second=0), act)

    def member(self, team: Team, key: str, when: datetime) -> Context:
        return self.seeder.as_member(team, team.people[key], when)

    def seller(self, team: Team, username: str, when: datetime) -> Context:
        return self.stories.seller_ctx(team, username, when)

    def plan(self, team: Team) -> None:
        if not self.seeder.options.orders:
            return
        self.plan_views_and_talk(team)
        self.plan_projects(team)
        self.plan_files(team)
        self.plan_offers(team)
        self.plan_hour_reports(team)
        self.plan_disputes(team)

    # -- profiles viewed, a conversation before any order ----------------------------------

    def plan_views_and_talk(self, team: Team) -> None:
        def view(key: str, username: str) -> Act:
            def act(when: datetime) -> None:
                ctx = self.member(team, key, when)
                connections.record_view(ctx, freelancers.find(ctx, username))

            return act

        self.at(36, 10, 0, view("lead", "lena.design"))
        self.at(36, 10, 5, view("lead", "kofi_dev"))
        self.at(36, 11, 0, view("billing", "yuki_data"))
        self.at(35, 9, 30, view("lead", "sara-writes"))
        self.at(
            35,
            9,
            40,
            self.say(
                team,
                "lead",
                "@sara-writes",
                "Hello! Are you free for two articles a month from next month?",
            ),
        )
        self.at(35, 14, 0, self.answer(team, "sara-writes", "Yes, from the 10th. Send me a brief."))

    def say(self, team: Team, key: str, to: str, text: str) -> Act:
        return lambda when: messages.send(self.member(team, key, when), to, text)

    def answer(self, team: Team, username: str, text: str) -> Act:
        """The freelancer answers in the account's conversation with them (opened by a
        member's message or by an order: freelancers never open one)."""

        def act(when: datetime) -> None:
            ctx = self.seller(team, username, when)
            assert team.account_id is not None and ctx.actor.freelancer_id is not None
            conversation = threads.open_for(
                ctx.session, team.account_id, ctx.actor.freelancer_id, when, opened_by=""
            )
            messages.send(ctx, str(id_of(conversation)), text)

        return act

    # -- projects --------------------------------------------------------------------------

    def plan_projects(self, team: Team) -> None:
        def create(key: str, name: str, *, private: bool) -> Act:
            def act(when: datetime) -> None:
                ctx = self.member(team, key, when)
                self.ids[(team.index, name)] = id_of(projects.create(ctx, name, private=private))

            return act

        def admin(do: Callable[[Context, int], object], name: str) -> Act:
            return lambda when: do(self.seeder.as_admin(team, when), self.ids[(team.index, name)])

        # A private project the admin is not in, and still manages (issue 14, item 7).
        self.at(34, 9, 0, create("lead", "Rebrand 2027", private=True))
        self.at(34, 9, 10, create("lead", "Content calendar", private=False))
        closed = team.people["closed"].email
        self.at(34, 9, 20, admin(lambda c, p: projects.add_member(c, p, closed), "Rebrand 2027"))
        self.at(24, 9, 0, admin(lambda c, p: projects.remove_member(c, p, closed), "Rebrand 2027"))
        self.at(
            24,
            9,
            5,
            admin(lambda c, p: projects.rename(c, p, "Rebrand 2027 (brand book)"), "Rebrand 2027"),
        )
        self.at(5, 9, 0, admin(projects.archive, "Content calendar"))

    # -- delivered files -------------------------------------------------------------------

    def plan_files(self, team: Team) -> None:
        brief, cover = self.files / "brief-notes.txt", self.files / "cover.png"
        if not brief.exists():
            brief.write_bytes(BRIEF)
            cover.write_bytes(COVER_PNG)

        def place(key: str, username: str, name: str, project: str | None) -> Act:
            def act(when: datetime) -> None:
                ctx = self.member(team, key, when)
                request = OrderRequest(
                    freelancer=username,
                    service_id=self.stories.service_id(username, 0),
                    project_id=self.ids[(team.index, project)] if project else None,
                )
                order = checkout.place(ctx, request).order
                self.ids[(team.index, name)] = id_of(order)
                lifecycle.submit_requirements(ctx, id_of(order), "See the brief.")

            return act

        def seller(username: str, when: datetime) -> Context:
            return self.seller(team, username, when)

        # An order in the project archived later; its delivery revised (cover.png twice).
        self.at(33, 10, 0, place("lead", "sara-writes", "articles", "Content calendar"))
        self.at(
            32,
            10,
            0,
            lambda t: lifecycle.deliver(
                seller("sara-writes", t), self.ids[(team.index, "articles")], files=[brief, cover]
            ),
        )
        self.at(
            32,
            15,
            0,
            lambda t: lifecycle.ask_revision(
                self.member(team, "lead", t), self.ids[(team.index, "articles")], "A bigger cover"
            ),
        )
        self.at(
            31,
            10,
            0,
            lambda t: lifecycle.deliver(
                seller("sara-writes", t), self.ids[(team.index, "articles")], files=[cover]
            ),
        )
        self.at(
            31,
            16,
            0,
            lambda t: lifecycle.accept(
                self.member(team, "lead", t), self.ids[(team.index, "articles")]
            ),
        )
        # The member removed at -25 placed this one: the others download its files then.
        self.at(33, 11, 0, place("removed", "mateo.video", "explainer", None))
        self.at(
            30,
            10,
            0,
            lambda t: lifecycle.deliver(
                seller("mateo.video", t), self.ids[(team.index, "explainer")], files=[brief]
            ),
        )
        self.at(30, 10, 30, self.answer(team, "mateo.video", "Delivered: the script is attached."))

    # -- custom offers ---------------------------------------------------------------------

    def plan_offers(self, team: Team) -> None:
        def send(username: str, name: str, spec: OfferSpec) -> Act:
            def act(when: datetime) -> None:
                ctx = self.seller(team, username, when)
                self.ids[(team.index, name)] = id_of(offers.send(ctx, spec))

            return act

        def answer(key: str | None, name: str, do: Callable[[Context, int], object]) -> Act:
            def act(when: datetime) -> None:
                ctx = (
                    self.seeder.as_admin(team, when)
                    if key is None
                    else self.member(team, key, when)
                )
                do(ctx, self.ids[(team.index, name)])

            return act

        lead, billing = team.people["lead"].email, team.people["billing"].email
        # Lapses unanswered: expired by the clock seven days later.
        self.at(
            42,
            10,
            0,
            send(
                "lena.design",
                "stale",
                OfferSpec(title="Icon set", amount="450", days=10, expires_in=7),
            ),
        )
        # Accepted by the admin: milestones, charged one at a time.
        self.at(
            30,
            11,
            0,
            send(
                "kofi_dev",
                "site",
                OfferSpec(
                    title="Company website",
                    milestones=["Design=900", "Build=1,600"],
                    days=30,
                    revisions=2,
                    description="Two stages: design, then build and launch.",
                ),
            ),
        )
        self.at(29, 10, 0, answer(None, "site", offer_answers.accept))
        # Declined by the member it was addressed to.
        self.at(
            28,
            11,
            0,
            send(
                "mateo.video",
                "teaser",
                OfferSpec(member=lead, title="Teaser video", amount="600", days=7),
            ),
        )
        self.at(
            27,
            9,
            0,
            answer(
                "lead",
                "teaser",
                lambda c, o: offer_answers.decline(c, o, "We will shoot it ourselves"),
            ),
        )
        # Withdrawn by its freelancer: hourly terms (Pro only).
        self.at(
            26,
            11,
            0,
            send(
                "yuki_data",
                "hourly",
                OfferSpec(
                    title="Data support", hourly=True, rate="85", estimate=20, weekly_limit=10
                ),
            ),
        )
        self.at(
            25,
            9,
            0,
            lambda t: offer_answers.withdraw(
                self.seller(team, "yuki_data", t), self.ids[(team.index, "hourly")]
            ),
        )
        # Accepted by the lead: held for approval where a policy holds it (-20 on).
        self.at(
            10,
            11,
            0,
            send(
                "lena.design",
                "logo",
                OfferSpec(member=lead, title="Logo refresh", amount="800", days=14),
            ),
        )
        self.at(9, 10, 0, answer("lead", "logo", _accept_within_limits))
        # Pending: one to the account, one to the billing manager.
        self.at(
            3,
            11,
            0,
            send(
                "sara-writes",
                "series",
                OfferSpec(title="Article series", amount="480", days=30, revisions=1),
            ),
        )
        self.at(
            2,
            11,
            0,
            send(
                "kofi_dev",
                "audit",
                OfferSpec(
                    member=billing, title="Billing integration audit", amount="1,200", days=10
                ),
            ),
        )

    # -- an hourly order's weekly reports --------------------------------------------------

    def plan_hour_reports(self, team: Team) -> None:
        """The admin's hourly order with yuki_data, four weeks logged: one approved, one
        partly disputed (left disputed), one disputed whole and conceded (waived), and the
        last one left to the clock (pending while its 5 days run, approved after)."""
        key = (team.index, "hourly order")

        def place(when: datetime) -> None:
            request = OrderRequest(
                freelancer="yuki_data", hourly=True, rate="60", estimate=40, weekly_limit=20
            )
            order = checkout.place(self.seeder.as_admin(team, when), request).order
            self.ids[key] = id_of(order)
            lifecycle.skip_requirements(self.seller(team, "yuki_data", when), id_of(order))

        def log(week: str, hours: str) -> Act:
            return lambda when: hourly.log_hours(
                self.seller(team, "yuki_data", when),
                self.ids[key],
                week=week,
                hours=hours,
                description="Dashboards and data checks",
            )

        def buyer(do: Callable[..., object], week: str, **more: str) -> Act:
            return lambda when: do(self.seeder.as_admin(team, when), self.ids[key], week, **more)

        def concede(week: str) -> Act:
            return lambda when: hour_reports.concede(
                self.seller(team, "yuki_data", when), self.ids[key], week
            )

        self.at(36, 10, 0, place)
        this_monday = self.seeder.base - timedelta(days=self.seeder.base.weekday())
        for weeks_ago, hours in ((4, "6"), (3, "8"), (2, "4"), (1, "5")):
            monday = this_monday - timedelta(weeks=weeks_ago)
            week = _week(monday)
            self.at_instant(monday + timedelta(days=2, hours=15), log(week, hours))
            answered = monday + timedelta(days=8, hours=10)  # the Tuesday after the week
            if weeks_ago == 4:
                self.at_instant(answered, buyer(hour_reports.approve, week))
            elif weeks_ago == 3:
                reason = "Three hours were a demo we did not ask for"
                self.at_instant(
                    answered, buyer(hour_reports.dispute, week, reason=reason, hours="3")
                )
            elif weeks_ago == 2:
                self.at_instant(answered, buyer(hour_reports.dispute, week, reason="Not agreed"))
                self.at_instant(answered + timedelta(hours=4), concede(week))

    def at_instant(self, when: datetime, act: Act) -> None:
        if when < self.seeder.base:  # the demo happens before its base time
            self.seeder.schedule(when, act)

    # -- disputes --------------------------------------------------------------------------

    def plan_disputes(self, team: Team) -> None:
        """Two orders the admin placed: kofi_dev asks for more time and it is agreed, then
        the admin proposes a partial refund, still open; lena.design's delivery gets a
        modification request nobody answers (expired after 48 hours, the delivery resumed)."""

        def place(name: str, username: str) -> Act:
            def act(when: datetime) -> None:
                ctx = self.seeder.as_admin(team, when)
                service = self.stories.service_id(username, 1)
                order = checkout.place(ctx, OrderRequest(username, service_id=service)).order
                self.ids[(team.index, name)] = id_of(order)
                lifecycle.submit_requirements(ctx, id_of(order), "See the brief.")

            return act

        def propose(name: str, seller: str | None, proposal: Proposal, reason: str) -> Act:
            def act(when: datetime) -> None:
                ctx = (
                    self.seeder.as_admin(team, when)
                    if seller is None
                    else self.seller(team, seller, when)
                )
                disputes.request(ctx, self.ids[(team.index, name)], proposal, reason)

            return act

        def by_admin(name: str, do: Callable[[Context, int], object]) -> Act:
            return lambda when: do(self.seeder.as_admin(team, when), self.ids[(team.index, name)])

        later = (self.seeder.base + timedelta(days=8)).date().isoformat()
        self.at(14, 10, 0, place("api order", "kofi_dev"))
        more_time = Proposal(more_time_due=later)
        self.at(12, 10, 0, propose("api order", "kofi_dev", more_time, "Waiting on the API keys"))
        self.at(11, 10, 0, by_admin("api order", disputes.accept))
        refund = Proposal(refund="200")
        self.at(1, 10, 0, propose("api order", None, refund, "Scope cut: no webhooks"))
        self.at(20, 10, 0, place("logo order", "lena.design"))
        self.at(
            8,
            10,
            0,
            lambda when: lifecycle.deliver(
                self.seller(team, "lena.design", when), self.ids[(team.index, "logo order")]
            ),
        )
        change = Proposal(modification="Use the new colours")
        self.at(7, 10, 0, propose("logo order", None, change, "New brand colours"))


def temporary_folder() -> tempfile.TemporaryDirectory[str]:
    """Where the demo writes the files its freelancers deliver (gone when the seed ends)."""
    return tempfile.TemporaryDirectory(prefix="fpctl-demo-")


def _accept_within_limits(ctx: Context, offer_id: int) -> None:
    """Accept the offer; a purchase limit the member has reached leaves it pending (the
    demo's story orders may have taken the member's month)."""
    try:
        offer_answers.accept(ctx, offer_id)
    except RuleViolation as refused:
        if refused.code != "purchase_limit_exceeded":
            raise


def _week(day: datetime) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
