"""services.notifications and notification_reads: who is told what, who is not, and reading
one's own (issue 14, item 6; docs/notifications.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from fpctl.clock import parse_instant
from fpctl.errors import InvalidInput, NotFound, PermissionDenied
from fpctl.services import approvals, notification_reads, notifications
from fpctl.services.context import Context
from fpctl.services.conversations import messages
from fpctl.services.orders import (
    cancellations,
    checkout,
    collaboration,
    disputes,
    lifecycle,
    offers,
)
from fpctl.services.orders.offers import OfferSpec
from fpctl.services.team import inviting, members, policies, projects
from fpctl.services.team.policies import PolicySpec

ADA, BILL, MIA, MAX = "ada@acme.test", "bill@acme.test", "mia@acme.test", "max@acme.test"
SUPPORT: dict[str, Any] = {"as_": "support", "reason": "ticket 9", "account": "acme"}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def told(work: Any, kind: str | None = None) -> list[tuple[str, str, str]]:
    """(email, kind, subject) of every notification, in the order written."""
    where = "WHERE n.kind = :kind" if kind else ""
    with work(write=False) as ctx:
        rows = ctx.session.execute(
            text(
                "SELECT m.email, n.kind, n.subject FROM notification n "
                f"JOIN member m ON m.id = n.member_id {where} ORDER BY n.id"
            ),
            {"kind": kind} if kind else {},
        ).all()
    return [tuple(row) for row in rows]


def place(work: Any, as_: str = MIA, project_id: int | None = None, **actor: Any) -> int:
    request = checkout.OrderRequest(freelancer="lena", service_id=1, project_id=project_id)
    with work(as_=as_, **actor) as ctx:
        order_id = checkout.place(ctx, request).order.id
    assert order_id is not None
    return order_id


def deliver(work: Any, order_id: int) -> None:
    with work(as_="@lena", account="acme") as ctx:
        lifecycle.skip_requirements(ctx, order_id)
    with work(as_="@lena", account="acme") as ctx:
        lifecycle.deliver(ctx, order_id)


def shared_project(work: Any, *collaborators: str) -> int:
    """A private project of max's with the collaborators."""
    with work(as_=MAX) as ctx:
        project_id = projects.create(ctx, "Launch", private=True).id
    assert project_id is not None
    for email in collaborators:
        with work(as_=MAX) as ctx:
            projects.add_member(ctx, project_id, email)
    return project_id


# -- who is told ---------------------------------------------------------------------------


def test_an_invitation_held_for_approval_asks_the_admin(team: Any, work: Any) -> None:
    with work(as_=ADA) as ctx:
        policies.add(ctx, PolicySpec(kind="invite-approval"))
    with work(as_=MIA) as ctx:
        result = inviting.invite(ctx, "zed@x.test")

    assert told(work) == [
        (ADA, notifications.INVITATION_APPROVAL, f"invitation:{result.invitation.id}")
    ]


def test_an_invitation_needing_no_approval_tells_nobody(team: Any, work: Any) -> None:
    with work(as_=MIA) as ctx:
        inviting.invite(ctx, "zed@x.test")

    assert told(work) == []


def test_a_bulk_invitation_asks_once_per_invitation_in_one_go(team: Any, work: Any) -> None:
    with work(as_=ADA) as ctx:
        policies.add(ctx, PolicySpec(kind="invite-approval"))
    with work(as_=MIA) as ctx:
        inviting.invite_many(ctx, [inviting.InviteRequest(f"p{n}@x.test") for n in range(3)])

    assert [row[:2] for row in told(work)] == [(ADA, "invitation.approval")] * 3


def test_an_order_held_for_approval_asks_the_admin(shop: Any, work: Any) -> None:
    with work(as_=ADA) as ctx:
        policies.add(ctx, PolicySpec(kind="order-approval", over="10"))
    order = place(work, MIA)

    assert told(work) == [(ADA, notifications.ORDER_APPROVAL, f"order:{order}")]


def test_a_new_order_tells_the_projects_owner_and_collaborators_not_the_placer(
    shop: Any, work: Any
) -> None:
    project = shared_project(work, MIA, BILL)
    order = place(work, MIA, project)

    assert sorted(told(work)) == [
        (BILL, notifications.ORDER_PLACED, f"order:{order}"),
        (MAX, notifications.ORDER_PLACED, f"order:{order}"),
    ]


def test_an_order_in_ones_own_project_tells_nobody(shop: Any, work: Any) -> None:
    place(work, MIA)  # mia's "my project"

    assert told(work) == []


def test_a_held_order_in_the_admins_project_tells_the_admin_once(shop: Any, work: Any) -> None:
    with work(as_=ADA) as ctx:
        policies.add(ctx, PolicySpec(kind="order-approval", over="10"))
        project_id = projects.create(ctx, "Brand").id
    order = place(work, MIA, project_id)

    assert told(work) == [(ADA, notifications.ORDER_APPROVAL, f"order:{order}")]


def test_a_deactivated_member_is_not_told(shop: Any, work: Any) -> None:
    project = shared_project(work, MIA, BILL)
    with work(as_=ADA) as ctx:
        members.deactivate(ctx, BILL)
    place(work, MIA, project)

    assert [row[0] for row in told(work)] == [MAX]


def test_orders_placed_together_are_told_in_one_write(shop: Any, work: Any) -> None:
    project = shared_project(work, MIA)
    with work(as_=MIA) as ctx:
        request = checkout.OrderRequest(freelancer="lena", service_id=1, project_id=project)
        placed = checkout.place_many([(ctx, request), (ctx, request)])
    assert all(not isinstance(p, Exception) for p in placed)
    assert [row[:2] for row in told(work)] == [(MAX, "order.placed")] * 2


def test_a_cancellation_request_tells_the_placer(shop: Any, work: Any) -> None:
    order = place(work, MIA)
    with work(as_="@lena", account="acme") as ctx:
        lifecycle.skip_requirements(ctx, order)
    with work(as_="@lena", account="acme") as ctx:
        _, request = cancellations.request(ctx, order, "out of office")

    assert told(work) == [
        (MIA, notifications.CANCEL_REQUEST, f"order:{order} cancellation:{request.id}")
    ]


def test_the_placer_asking_to_cancel_is_not_told_of_it(shop: Any, work: Any) -> None:
    order = place(work, MIA)
    with work(as_=MIA) as ctx:
        cancellations.request(ctx, order, "no longer needed")

    assert told(work) == []


def test_a_dispute_request_tells_the_placer_unless_they_made_it(shop: Any, work: Any) -> None:
    order = place(work, MIA)
    with work(as_="@lena", account="acme") as ctx:
        lifecycle.skip_requirements(ctx, order)
    with work(as_="@lena", account="acme") as ctx:
        _, request = disputes.request(ctx, order, disputes.Proposal(refund="10"), "fonts late")
    with work(as_=MIA) as ctx:
        disputes.decline(ctx, order)
    with work(as_=MIA) as ctx:
        disputes.request(ctx, order, disputes.Proposal(refund="5"), "one banner dropped")

    assert told(work) == [
        (MIA, notifications.DISPUTE_REQUEST, f"order:{order} dispute:{request.id}")
    ]


def test_an_offer_to_the_account_tells_every_active_member(shop: Any, work: Any) -> None:
    with work(as_=ADA) as ctx:
        members.deactivate(ctx, MAX)
    with work(as_="@lena", account="acme") as ctx:
        offer = offers.send(ctx, OfferSpec(amount="120", days=5, title="Logo"))

    assert sorted(row[0] for row in told(work)) == [ADA, BILL, MIA]
    assert {row[1:] for row in told(work)} == {(notifications.OFFER, f"offer:{offer.id}")}


def test_an_offer_to_the_account_tells_its_members_oldest_first(shop: Any, work: Any) -> None:
    # A changed row moves on PostgreSQL's heap: the order told must not follow the heap
    # (notification ids are what `notifications read` completes and scripts keep).
    with work(as_=ADA) as ctx:
        members.deactivate(ctx, BILL)
    with work(as_=ADA) as ctx:
        members.reactivate(ctx, BILL)
    with work(as_="@lena", account="acme") as ctx:
        offers.send(ctx, OfferSpec(amount="120", days=5, title="Logo"))

    assert [row[0] for row in told(work)] == [ADA, BILL, MIA, MAX]


def test_an_offer_to_one_member_tells_only_them(shop: Any, work: Any) -> None:
    with work(as_="@lena", account="acme") as ctx:
        offer = offers.send(ctx, OfferSpec(member=MIA, amount="120", days=5))

    assert told(work) == [(MIA, notifications.OFFER, f"offer:{offer.id}")]


def test_a_mention_tells_the_member_mentioned_not_the_author(shop: Any, work: Any) -> None:
    order = place(work, MIA)
    with work(as_=MIA) as ctx:
        comment, _ = collaboration.add_comment(
            ctx, order, f"@{ADA} @{MIA} @{MAX} @nobody@x.test look"
        )

    # max does not see mia's order: the mention does not count, so he is not told
    assert told(work) == [(ADA, notifications.MENTION, f"order:{order} comment:{comment.id}")]


def test_a_delivery_tells_the_placer(shop: Any, work: Any) -> None:
    order = place(work, MIA)
    deliver(work, order)

    assert told(work) == [(MIA, notifications.DELIVERED, f"order:{order}")]


def test_a_delivery_of_an_order_placed_by_support_tells_nobody(shop: Any, work: Any) -> None:
    order = place(work, "support", **{k: v for k, v in SUPPORT.items() if k != "as_"})
    deliver(work, order)

    assert told(work, notifications.DELIVERED) == []


def test_a_message_tells_the_members_who_did_not_write_it(shop: Any, work: Any) -> None:
    with work(as_=ADA) as ctx:
        members.deactivate(ctx, MAX)
    with work(as_=MIA) as ctx:
        sent = messages.send(ctx, "@lena", "hello")
    subject = f"conversation:{sent.conversation.id} message:{sent.message.id}"

    assert sorted(told(work)) == [
        (ADA, notifications.MESSAGE, subject),
        (BILL, notifications.MESSAGE, subject),
    ]


def test_the_freelancers_message_tells_every_active_member(shop: Any, work: Any) -> None:
    with work(as_=MIA) as ctx:
        conversation = messages.send(ctx, "@lena", "hello").conversation.id
    with work(as_="@lena") as ctx:
        messages.send(ctx, str(conversation), "hi")

    assert sorted(row[0] for row in told(work) if row[2].endswith("message:2")) == [
        ADA,
        BILL,
        MAX,
        MIA,
    ]


# -- outcomes: the one who asked hears the answer --------------------------------------------

NOW = parse_instant("2026-11-01T10:00:00Z")


def answered(work: Any) -> list[tuple[str, str, str]]:
    return [
        row
        for row in told(work)
        if row[1] in (notifications.REQUEST_ANSWERED, notifications.APPROVAL_DECIDED)
    ]


def texts(work: Any, kind: str) -> list[str]:
    with work(write=False) as ctx:
        rows = ctx.session.execute(
            text("SELECT text FROM notification WHERE kind = :kind ORDER BY id"), {"kind": kind}
        ).all()
    return [row[0] for row in rows]


@pytest.mark.parametrize("decide", [approvals.approve, approvals.reject])
def test_a_decision_on_a_held_order_tells_its_placer(shop: Any, work: Any, decide: Any) -> None:
    with work(as_=ADA) as ctx:
        policies.add(ctx, PolicySpec(kind="order-approval", over="10"))
    order = place(work, MIA)
    with work(as_=ADA) as ctx:
        request, _ = decide(ctx, 1)

    assert answered(work) == [
        (MIA, notifications.APPROVAL_DECIDED, f"approval:{request.id} order:{order}")
    ]
    assert texts(work, notifications.APPROVAL_DECIDED) == [
        f"{ADA} {request.status} your order {order} (approval request {request.id})"
    ]


def test_an_expired_invitation_request_tells_who_invited(team: Any, work: Any) -> None:
    with work(as_=ADA) as ctx:
        policies.add(ctx, PolicySpec(kind="invite-approval"))
    with work(as_=MIA) as ctx:
        inviting.invite_many(ctx, [inviting.InviteRequest("zed@x.test")])
    with work(write=True) as ctx:
        assert approvals.expire_due(Context.system(ctx.session, NOW + timedelta(days=7))) == 1

    assert [row[:2] for row in answered(work)] == [(MIA, notifications.APPROVAL_DECIDED)]
    assert texts(work, notifications.APPROVAL_DECIDED) == [
        "approval request 1 for your invitation 4 expired: 7 days undecided"  # after the team's 3
    ]


def started(work: Any) -> int:
    order = place(work, MIA)
    with work(as_="@lena", account="acme") as ctx:
        lifecycle.skip_requirements(ctx, order)
    return order


def test_an_answered_cancellation_request_tells_the_member_who_made_it(
    shop: Any, work: Any
) -> None:
    order = started(work)
    with work(as_=MIA) as ctx:
        _, request = cancellations.request(ctx, order, "no longer needed")
    with work(as_="@lena", account="acme") as ctx:
        cancellations.decline(ctx, order)

    assert answered(work) == [
        (MIA, notifications.REQUEST_ANSWERED, f"order:{order} cancellation:{request.id}")
    ]
    assert texts(work, notifications.REQUEST_ANSWERED) == [
        f"@lena declined your cancellation request on order {order}"
    ]


def test_a_withdrawn_request_and_the_freelancers_own_tell_nobody(shop: Any, work: Any) -> None:
    order = started(work)
    with work(as_=MIA) as ctx:
        cancellations.request(ctx, order, "no longer needed")
    with work(as_=MIA) as ctx:
        cancellations.withdraw(ctx, order)
    with work(as_="@lena", account="acme") as ctx:
        cancellations.request(ctx, order, "out of office")
    with work(as_=MIA) as ctx:
        cancellations.accept(ctx, order)

    assert answered(work) == []


def test_a_dispute_settled_by_the_clock_tells_the_member_who_made_it(shop: Any, work: Any) -> None:
    order = started(work)
    with work(as_=MIA) as ctx:
        _, request = disputes.request(ctx, order, disputes.Proposal(refund="5"), "late")
    with work(write=True) as ctx:
        assert disputes.expire_due(Context.system(ctx.session, NOW + timedelta(hours=48))) == 1

    assert answered(work) == [
        (MIA, notifications.REQUEST_ANSWERED, f"order:{order} dispute:{request.id}")
    ]
    assert texts(work, notifications.REQUEST_ANSWERED) == [
        f"your dispute request on order {order} went unanswered for 48 hours: expired"
    ]


def test_a_refused_change_tells_nobody(shop: Any, work: Any) -> None:
    with pytest.raises(InvalidInput), work(as_=MIA) as ctx:
        messages.send(ctx, "@lena", "   ")

    assert told(work) == []


def test_the_notification_quotes_one_line_cut_short() -> None:
    assert notifications.quote("a\nb") == "a…"
    assert notifications.quote("x" * 100) == "x" * 79 + "…"
    assert notifications.quote("  short  ") == "short"


# -- reading one's own ---------------------------------------------------------------------


def _mia_told_twice(work: Any) -> list[int]:
    for words in ("hello", "again"):
        with work(as_=ADA) as ctx:
            messages.send(ctx, "@lena", words)
    with work(write=False, as_=MIA) as ctx:
        return [n.id for n in notification_reads.notifications(ctx) if n.id is not None]


def test_a_member_lists_their_own_newest_first(shop: Any, work: Any) -> None:
    ids = _mia_told_twice(work)

    assert ids == sorted(ids, reverse=True) and len(ids) == 2
    with work(write=False, as_=BILL) as ctx:
        assert {n.id for n in notification_reads.notifications(ctx)}.isdisjoint(ids)


def test_reading_one_marks_it_and_again_changes_nothing(shop: Any, work: Any) -> None:
    newest, oldest = _mia_told_twice(work)
    with work(as_=MIA) as ctx:
        notification, unchanged = notification_reads.read(ctx, oldest)
        assert notification.read_at is not None and unchanged is None
    with work(as_=MIA) as ctx:
        assert notification_reads.read(ctx, oldest)[1] == f"notification {oldest} was already read"
        unread = [n.id for n in notification_reads.notifications(ctx, unread_only=True)]
        assert unread == [newest]
        assert notification_reads.unread_count(ctx) == 1


def test_reading_all_marks_only_ones_own(shop: Any, work: Any) -> None:
    _mia_told_twice(work)
    with work(as_=MIA) as ctx:
        assert notification_reads.read_all(ctx) == 2
    with work(as_=MIA) as ctx:
        assert notification_reads.read_all(ctx) == 0
        assert notification_reads.unread_count(ctx) == 0
    with work(write=False, as_=BILL) as ctx:
        assert notification_reads.unread_count(ctx) == 2


def test_another_members_notification_is_not_found(shop: Any, work: Any) -> None:
    newest, _ = _mia_told_twice(work)
    with pytest.raises(NotFound), work(as_=BILL) as ctx:
        notification_reads.read(ctx, newest)
    with pytest.raises(NotFound), work(as_=MIA) as ctx:
        notification_reads.read(ctx, 999)


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        ({}, InvalidInput),
        (SUPPORT, PermissionDenied),
        ({"as_": "@lena"}, PermissionDenied),
    ],
)
def test_only_a_member_has_notifications(
    shop: Any, work: Any, actor: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error), work(write=False, **actor) as ctx:
        notification_reads.notifications(ctx)
    with work(write=False, **actor) as ctx:
        assert notification_reads.unread_count(ctx) is None
