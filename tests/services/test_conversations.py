"""services.conversations: one conversation per account and freelancer, who reads and writes
it, unread marks, and what a switched account keeps (issue 14, item 1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from fpctl.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services.conversations import inbox, messages, threads
from fpctl.services.conversations.messages import MAX_MESSAGE
from fpctl.services.money import marketplace
from fpctl.services.orders import checkout, collaboration
from fpctl.services.team import accounts, members, policies
from fpctl.services.team.policies import PolicySpec
from fpctl.store.tables import Conversation, Order

ADA, BILL, MIA, MAX = "ada@acme.test", "bill@acme.test", "mia@acme.test", "max@acme.test"
LENA, OTTO = "@lena", "@otto"
SUPPORT: dict[str, Any] = {"as_": "support", "reason": "ticket 9", "account": "acme"}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def place(work: Any, as_: str = MIA, freelancer: str = "lena") -> int:
    service = 1 if freelancer == "lena" else 2
    request = checkout.OrderRequest(freelancer=freelancer, service_id=service)
    with work(as_=as_) as ctx:
        order_id = checkout.place(ctx, request).order.id
    assert order_id is not None
    return order_id


def send(work: Any, to: str | int, body: str = "hello", **actor: Any) -> messages.Sent:
    with work(**actor) as ctx:
        return messages.send(ctx, str(to), body)


def conversations(work: Any) -> list[tuple[Any, ...]]:
    with work(write=False) as ctx:
        return list(
            ctx.session.execute(
                text(
                    "SELECT c.id, a.slug, f.username, c.opened_by FROM conversation c "
                    "JOIN account a ON a.id = c.account_id "
                    "JOIN freelancer f ON f.id = c.freelancer_id ORDER BY c.id"
                )
            ).all()
        )


def listed(work: Any, *, unread_only: bool = False, **actor: Any) -> list[dict[str, Any]]:
    with work(write=False, **actor) as ctx:
        return [
            {
                "id": s.conversation.id,
                "account": s.account,
                "freelancer": s.freelancer,
                "messages": s.messages,
                "unread": s.unread,
                "last": s.last.text if s.last else None,
            }
            for s in inbox.inbox(ctx, unread_only=unread_only)
        ]


def read(work: Any, conversation_id: int, *, mark: bool = True, **actor: Any) -> list[Any]:
    """What the actor is shown (text, new), then marked read as ``inbox show`` does."""
    with work(**actor) as ctx:
        thread = inbox.read(ctx, conversation_id)
        shown = [(s.message.text, s.new) for s in thread.messages]
        if mark:
            last = ctx.session.execute(
                text("SELECT max(id) FROM conversation_message WHERE conversation_id = :c"),
                {"c": conversation_id},
            ).scalar()
            inbox.mark_read(ctx, thread.conversation, last)
    return shown


def audit(work: Any, action: str) -> list[tuple[str, str, dict[str, Any]]]:
    with work(write=False) as ctx:
        rows = ctx.session.execute(
            text("SELECT actor, target, changes FROM audit_record WHERE action = :a ORDER BY id"),
            {"a": action},
        ).all()
    return [(actor, target, json.loads(changes)) for actor, target, changes in rows]


def make_beta(work: Any) -> None:
    with work() as ctx:
        accounts.create(ctx, name="Beta", admin_email="bea@beta.test", slug="beta")


# -- opening ---------------------------------------------------------------------------------


def test_the_first_order_with_a_freelancer_opens_the_accounts_conversation(
    shop: Any, work: Any
) -> None:
    first = place(work, MIA)
    place(work, ADA)  # the same freelancer: the same conversation
    otto = place(work, MIA, "otto")

    assert conversations(work) == [
        (1, "acme", "lena", f"order:{first}"),
        (2, "acme", "otto", f"order:{otto}"),
    ]


def test_an_order_held_for_approval_opens_it_too(shop: Any, work: Any) -> None:
    with work(as_=ADA) as ctx:
        policies.add(ctx, PolicySpec(kind="order-approval", over="10"))
    order = place(work, MIA)

    assert conversations(work) == [(1, "acme", "lena", f"order:{order}")]


def test_open_for_returns_the_one_there_is(shop: Any, work: Any) -> None:
    with work() as ctx:
        one = threads.open_for(ctx.session, 1, 1, ctx.now, opened_by="x")
        again = threads.open_for(ctx.session, 1, 1, ctx.now, opened_by="y")
        assert again.id == one.id and again.opened_by == "x"
        assert len(ctx.session.exec(select(Conversation)).all()) == 1


def test_open_for_orders_opens_one_per_pair_not_open_yet(shop: Any, work: Any) -> None:
    """The set-based form checkout uses: the first order of each pair opens it, once."""
    send(work, OTTO, "first", as_=MIA)  # acme and otto: open already
    make_beta(work)
    at = datetime(2026, 11, 2, tzinfo=UTC)
    orders = [  # what checkout hands over: written orders (only these fields are read)
        Order(id=70, account_id=2, freelancer_id=1, created_at=at),  # beta, lena
        Order(id=71, account_id=2, freelancer_id=1, created_at=at),
        Order(id=72, account_id=1, freelancer_id=2, created_at=at),  # acme, otto: open
        Order(id=73, account_id=2, freelancer_id=2, created_at=at),  # beta, otto
    ]
    with work() as ctx:
        threads.open_for_orders(ctx.session, orders)
        threads.open_for_orders(ctx.session, orders)

    assert conversations(work) == [
        (1, "acme", "otto", MIA),
        (2, "beta", "lena", "order:70"),
        (3, "beta", "otto", "order:73"),
    ]


def test_a_members_first_message_opens_it_and_is_audited_with_its_text(
    shop: Any, work: Any
) -> None:
    sent = send(work, LENA, "Are you free in May?", as_=MAX)

    assert (sent.opened, sent.account, sent.freelancer) == (True, "acme", "lena")
    assert conversations(work) == [(1, "acme", "lena", MAX)]
    again = send(work, LENA, "Hello?", as_=MIA)
    assert (again.opened, again.conversation.id) == (False, 1)
    assert audit(work, "message.send") == [
        (
            MAX,
            "conversation:1 message:1",
            {
                "side": [None, "buyer"],
                "text": [None, "Are you free in May?"],
                "conversation": [None, 1],
            },
        ),
        (MIA, "conversation:1 message:2", {"side": [None, "buyer"], "text": [None, "Hello?"]}),
    ]


def test_a_freelancer_cannot_write_to_a_client_first(shop: Any, work: Any) -> None:
    with work(as_=LENA) as ctx, pytest.raises(PermissionDenied) as refused:
        messages.send(ctx, "@lena", "Hire me!")
    assert refused.value.code == "freelancer_cannot_open"
    assert conversations(work) == []


def test_the_freelancer_answers_in_the_conversation_the_client_opened(shop: Any, work: Any) -> None:
    place(work, MIA)
    sent = send(work, 1, "Starting now", as_=LENA)

    assert (sent.message.side, sent.message.author, sent.message.author_id) == (
        "freelancer",
        "@lena",
        None,
    )


# -- who sees a conversation -------------------------------------------------------------------


def test_every_active_member_reads_and_writes_the_accounts_conversations(
    shop: Any, work: Any
) -> None:
    place(work, MIA)  # in mia's my-project: max does not see the order
    send(work, 1, "From max", as_=MAX)

    for member in (ADA, BILL, MIA, MAX):
        assert [row["id"] for row in listed(work, as_=member)] == [1]


def test_another_freelancer_and_another_accounts_member_do_not_find_it(
    shop: Any, work: Any
) -> None:
    place(work, MIA)
    make_beta(work)
    for actor in (OTTO, "bea@beta.test"):
        with work(as_=actor) as ctx, pytest.raises(NotFound):
            messages.send(ctx, "1", "let me in")
        with work(as_=actor, write=False) as ctx, pytest.raises(NotFound):
            inbox.read(ctx, 1)
        assert listed(work, as_=actor) == []


def test_a_freelancer_lists_their_conversations_in_every_account(shop: Any, work: Any) -> None:
    place(work, MIA)
    make_beta(work)
    send(work, LENA, "From beta", as_="bea@beta.test")
    place(work, MIA, "otto")

    assert [(r["id"], r["account"]) for r in listed(work, as_=LENA)] == [(2, "beta"), (1, "acme")]
    assert [r["id"] for r in listed(work, as_=LENA, account="beta")] == [2]
    assert [r["id"] for r in listed(work, account="acme")] == [3, 1]  # no actor: the account's


def test_latest_activity_comes_first(shop: Any, work: Any) -> None:
    place(work, MIA)
    place(work, MIA, "otto")
    send(work, 1, "bump", as_=MIA, now="2026-11-02T10:00:00Z")

    assert [row["id"] for row in listed(work, as_=MIA)] == [1, 2]


def test_a_deactivated_member_reads_nothing(shop: Any, work: Any) -> None:
    place(work, MIA)
    with work(as_=ADA) as ctx:
        members.deactivate(ctx, MAX)
    with work(as_=MAX, write=False) as ctx, pytest.raises(PermissionDenied):
        list(inbox.inbox(ctx))
    with work(as_=MAX) as ctx, pytest.raises(PermissionDenied):
        messages.send(ctx, "1", "still here?")


def test_the_remaining_members_keep_a_removed_members_conversation(shop: Any, work: Any) -> None:
    send(work, LENA, "From max before he left", as_=MAX)
    with work(as_=ADA) as ctx:
        members.remove(ctx, MAX)

    assert listed(work, as_=MIA)[0]["last"] == "From max before he left"
    assert read(work, 1, as_=MIA) == [("From max before he left", True)]


def test_after_a_switch_the_admin_and_the_freelancer_read_but_nobody_writes(
    shop: Any, work: Any
) -> None:
    send(work, LENA, "Before the switch", as_=MIA)
    with work(as_=ADA) as ctx:
        marketplace.switch(ctx, "fiverr")

    assert listed(work, as_=ADA)[0]["last"] == "Before the switch"
    assert read(work, 1, as_=LENA) == [("Before the switch", True)]
    for actor in (ADA, LENA):
        with work(as_=actor) as ctx, pytest.raises(RuleViolation) as refused:
            messages.send(ctx, "1", "after")
        assert refused.value.code == "account_switched"
    with work(as_=MIA, write=False) as ctx, pytest.raises(PermissionDenied):
        list(inbox.inbox(ctx))  # deactivated by the switch


def test_the_freelancer_never_sees_team_comments(shop: Any, work: Any) -> None:
    order = place(work, MIA)
    with work(as_=MIA) as ctx:
        collaboration.add_comment(ctx, order, "Team only: budget is tight")
    send(work, 1, "Hi Lena", as_=MIA)

    assert read(work, 1, as_=LENA) == [("Hi Lena", True)]
    with work(as_=LENA, write=False) as ctx, pytest.raises(PermissionDenied):
        collaboration.comments(ctx, order)


# -- the message itself ----------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   ", "\n\t", "\u200b\u200b"])
def test_an_empty_message_is_refused(shop: Any, work: Any, body: str) -> None:
    with work(as_=MIA) as ctx, pytest.raises(InvalidInput) as refused:
        messages.send(ctx, LENA, body)
    assert refused.value.code == "empty_message"
    assert conversations(work) == []


def test_a_message_over_the_limit_is_refused_and_one_at_it_is_kept(shop: Any, work: Any) -> None:
    with work(as_=MIA) as ctx, pytest.raises(InvalidInput) as refused:
        messages.send(ctx, LENA, "x" * (MAX_MESSAGE + 1))
    assert refused.value.code == "message_too_long"
    assert send(work, LENA, "x" * MAX_MESSAGE, as_=MIA).message.text == "x" * MAX_MESSAGE


def test_hostile_text_is_stored_as_given(shop: Any, work: Any) -> None:
    hostile = "[bold]hi[/] \x1b[2J \u202eevil"
    assert send(work, LENA, hostile, as_=MIA).message.text == hostile


def test_a_change_needs_an_actor_and_support_a_reason(shop: Any, work: Any) -> None:
    with work(account="acme") as ctx, pytest.raises(InvalidInput):
        messages.send(ctx, LENA, "who am I")
    with work(as_="support", account="acme") as ctx, pytest.raises(PermissionDenied):
        messages.send(ctx, LENA, "no reason")
    sent = send(work, LENA, "Support here, for Acme", **SUPPORT)
    assert (sent.message.author, sent.message.side) == ("support:sam", "buyer")


def test_to_must_be_an_id_or_a_username(shop: Any, work: Any) -> None:
    with work(as_=MIA) as ctx, pytest.raises(InvalidInput):
        messages.send(ctx, "lena", "no @")
    with work(as_=MIA) as ctx, pytest.raises(NotFound):
        messages.send(ctx, "@nobody", "who")


# -- unread ------------------------------------------------------------------------------------


def test_unread_counts_are_each_readers_own(shop: Any, work: Any) -> None:
    place(work, MIA)
    send(work, 1, "from mia", as_=MIA)
    send(work, 1, "from lena", as_=LENA)

    unread = {who: listed(work, as_=who)[0]["unread"] for who in (MIA, MAX, LENA)}
    assert unread == {MIA: 1, MAX: 2, LENA: 1}  # never your own messages
    assert listed(work, **SUPPORT)[0]["unread"] is None
    assert listed(work, account="acme")[0]["unread"] is None


def test_reading_marks_read_for_the_reader_only(shop: Any, work: Any) -> None:
    place(work, MIA)
    send(work, 1, "one", as_=LENA)

    assert read(work, 1, as_=MAX) == [("one", True)]
    assert read(work, 1, as_=MAX) == [("one", False)]
    assert listed(work, as_=MAX)[0]["unread"] == 0
    assert listed(work, as_=MIA)[0]["unread"] == 1
    send(work, 1, "two", as_=MIA)
    assert read(work, 1, as_=LENA) == [("one", False), ("two", True)]
    assert listed(work, as_=LENA, unread_only=True) == []
    assert [row["id"] for row in listed(work, as_=MAX, unread_only=True)] == [1]


def test_a_mark_never_moves_back_and_support_leaves_none(shop: Any, work: Any) -> None:
    place(work, MIA)
    send(work, 1, "one", as_=LENA)
    send(work, 1, "two", as_=LENA)
    with work(as_=MIA) as ctx:
        conversation = threads.find(ctx, 1)
        inbox.mark_read(ctx, conversation, 2)
        inbox.mark_read(ctx, conversation, 1)
    assert listed(work, as_=MIA)[0]["unread"] == 0
    assert read(work, 1, **SUPPORT) == [("one", None), ("two", None)]
    with work(write=False) as ctx:
        marks = ctx.session.execute(text("SELECT member_id FROM conversation_read")).all()
    assert [m for (m,) in marks] == [3]  # mia's only


def test_reading_writes_no_audit_record(shop: Any, work: Any) -> None:
    place(work, MIA)
    send(work, 1, "one", as_=LENA)
    with work(write=False) as ctx:
        before = ctx.session.execute(text("SELECT count(*) FROM audit_record")).scalar()
    read(work, 1, as_=MIA)
    read(work, 1, as_=LENA)
    with work(write=False) as ctx:
        assert ctx.session.execute(text("SELECT count(*) FROM audit_record")).scalar() == before
