"""services.order_talk: sharing, private notes and team comments on orders (SPEC §1.5)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from fpctl.errors import InvalidInput, NotFound, PermissionDenied
from fpctl.services.orders import checkout, collaboration
from fpctl.services.team import invitations, inviting, members, projects
from fpctl.services.team.inviting import InviteRequest
from fpctl.store.tables import Member, OrderNote

ADA, BILL, MIA, MAX = "ada@acme.test", "bill@acme.test", "mia@acme.test", "max@acme.test"
SUPPORT: dict[str, Any] = {"as_": "support", "reason": "ticket 9", "account": "acme"}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def place(work: Any, project: int | None = None, **actor: Any) -> int:
    request = checkout.OrderRequest(freelancer="lena", service_id=1, project_id=project)
    with work(**actor) as ctx:
        order_id = checkout.place(ctx, request).order.id
    assert order_id is not None
    return order_id


@pytest.fixture
def order(shop: Any, work: Any) -> int:
    """mia's order in her my-project, shared with all members."""
    order_id = place(work, as_=MIA)
    with work(as_=MIA) as ctx:
        collaboration.share(ctx, order_id)
    return order_id


def snapshot(work: Any) -> tuple[list[Any], ...]:
    with work(write=False) as ctx:
        return tuple(
            list(ctx.session.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all())
            for table in ("orders", "order_note", "order_comment", "audit_record")
        )


def audit_rows(work: Any, action: str) -> list[tuple[str, str, dict[str, Any]]]:
    with work(write=False) as ctx:
        rows = ctx.session.execute(
            text("SELECT actor, target, changes FROM audit_record WHERE action = :a ORDER BY id"),
            {"a": action},
        ).all()
    return [(actor, target, json.loads(changes)) for actor, target, changes in rows]


# -- share -----------------------------------------------------------------------------------


def test_share_is_one_way_and_sharing_again_changes_nothing(shop: Any, work: Any) -> None:
    order_id = place(work, as_=MIA)
    with work(as_=MIA) as ctx:
        assert collaboration.share(ctx, order_id)[1] is None
    before = snapshot(work)
    with work(as_=MIA) as ctx:
        order, unchanged = collaboration.share(ctx, order_id)
        changed = unchanged is None

    assert (changed, order.shared) == (False, True)
    assert snapshot(work) == before
    assert audit_rows(work, "order.share") == [
        (MIA, f"order:{order_id}", {"shared": [False, True]})
    ]


@pytest.mark.parametrize("actor", [{"as_": ADA}, {"as_": BILL}, SUPPORT])
def test_the_admin_billing_managers_and_support_share_any_order(
    shop: Any, work: Any, actor: dict[str, Any]
) -> None:
    order_id = place(work, as_=MIA)
    with work(**actor) as ctx:
        assert collaboration.share(ctx, order_id)[1] is None


def test_a_project_owner_shares_an_order_placed_in_their_project(shop: Any, work: Any) -> None:
    with work(as_=MAX) as ctx:
        project = projects.create(ctx, "Secret", private=True).id
        projects.add_member(ctx, project, MIA)  # type: ignore[arg-type]
    order_id = place(work, project, as_=MIA)

    with work(as_=MAX) as ctx:
        assert collaboration.share(ctx, order_id)[1] is None


def test_a_member_who_only_collaborates_cannot_widen_an_orders_audience(
    shop: Any, work: Any
) -> None:
    with work(as_=MAX) as ctx:
        project = projects.create(ctx, "Secret", private=True).id
        projects.add_member(ctx, project, MIA)  # type: ignore[arg-type]
    order_id = place(work, project, as_=MAX)
    before = snapshot(work)

    with pytest.raises(PermissionDenied, match="only its placer") as refused, work(as_=MIA) as ctx:
        collaboration.share(ctx, order_id)
    assert refused.value.code == "not_order_owner"
    assert snapshot(work) == before


@pytest.mark.parametrize(
    ("actor", "error"),
    [({"as_": "@lena"}, PermissionDenied), ({}, InvalidInput)],
    ids=["freelancer", "no actor"],
)
def test_share_needs_a_buyer_side_actor(
    order: int, work: Any, actor: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error), work(**actor) as ctx:
        collaboration.share(ctx, order)


# -- private notes ---------------------------------------------------------------------------


def test_a_note_is_seen_by_its_author_only(order: int, work: Any) -> None:
    with work(as_=MIA) as ctx:
        collaboration.add_note(ctx, order, "call Lena on Monday")
    with work(as_=MAX) as ctx:
        collaboration.add_note(ctx, order, "max's own")

    for reader, texts in [
        (MIA, ["call Lena on Monday"]),
        (MAX, ["max's own"]),
        (ADA, []),  # the admin sees every order, not every note
        (BILL, []),
    ]:
        with work(as_=reader, write=False) as ctx:
            assert [n.text for n in collaboration.notes(ctx, order)] == texts


def test_supports_notes_are_seen_by_that_agent_only(
    order: int, work: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with work(**SUPPORT) as ctx:
        note = collaboration.add_note(ctx, order, "customer called")
    assert note.author == "support:sam"
    with work(**SUPPORT, write=False) as ctx:
        assert [n.text for n in collaboration.notes(ctx, order)] == ["customer called"]

    monkeypatch.setenv("FPCTL_AGENT", "kim")
    with work(**SUPPORT, write=False) as ctx:
        assert collaboration.notes(ctx, order) == []
    with work(as_=MIA, write=False) as ctx:
        assert collaboration.notes(ctx, order) == []


def test_a_new_seat_with_a_released_email_does_not_inherit_the_old_seats_notes(
    order: int, work: Any
) -> None:
    with work(as_=MAX) as ctx:
        collaboration.add_note(ctx, order, "before I was removed")
    with work(as_=ADA) as ctx:
        members.remove(ctx, MAX)
        invited = inviting.invite_many(ctx, [InviteRequest(email=MAX)])
    token = invited[0].invitation.token  # type: ignore[union-attr]
    with work() as ctx:
        invitations.accept(ctx, token, name="Max again")

    with work(as_=MAX, write=False) as ctx:
        assert collaboration.notes(ctx, order) == []


def test_reading_notes_needs_an_actor_and_never_a_freelancer(order: int, work: Any) -> None:
    with pytest.raises(InvalidInput, match="private") as refused, work(account="acme") as ctx:
        collaboration.notes(ctx, order)
    assert refused.value.code == "notes_private"
    freelancer = pytest.raises(PermissionDenied, match="never shown to the freelancer")
    with freelancer, work(as_="@lena") as ctx:
        collaboration.notes(ctx, order)


def test_a_notes_audit_record_never_holds_its_text(order: int, work: Any) -> None:
    with work(as_=MIA) as ctx:
        note = collaboration.add_note(ctx, order, "the budget is tight")

    assert audit_rows(work, "order.note") == [
        (MIA, f"order:{order} note:{note.id}", {"note": [None, note.id], "length": [None, 19]})
    ]


@pytest.mark.parametrize("body", ["", "   \n", "x" * (collaboration.MAX_TEXT + 1)])
def test_an_empty_or_huge_note_is_refused_and_changes_nothing(
    order: int, work: Any, body: str
) -> None:
    before = snapshot(work)
    with pytest.raises(InvalidInput), work(as_=MIA) as ctx:
        collaboration.add_note(ctx, order, body)
    assert snapshot(work) == before


def test_note_text_is_stored_as_given(order: int, work: Any) -> None:
    body = "  [bold]two[/bold]\nlines  "
    with work(as_=MIA) as ctx:
        collaboration.add_note(ctx, order, body)
    with work(write=False) as ctx:
        assert ctx.session.exec(select(OrderNote.text)).one() == body


# -- comments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "tokens"),
    [
        ("@mia@acme.test please look", ["mia@acme.test"]),
        ("ping @Mia@Acme.test, and @max@acme.test.", ["Mia@Acme.test", "max@acme.test"]),
        ("(@mia@acme.test) @mia@acme.test again", ["mia@acme.test"]),
        ("mail ada@acme.test or x@mia@acme.test", []),  # not at the start of a word
        ("@everyone and @@ and @ alone", []),
    ],
)
def test_mention_tokens(body: str, tokens: list[str]) -> None:
    assert collaboration.mention_tokens(body) == tokens


def test_mentions_keep_active_members_who_see_the_order(shop: Any, work: Any) -> None:
    order_id = place(work, as_=MIA)  # in mia's my-project: max does not see it
    with work(as_=ADA) as ctx:
        members.deactivate(ctx, BILL)
    body = (
        "@ADA@acme.test @max@acme.test @bill@acme.test @zoe@acme.test @bob@beta.test "
        "@not-an@email @ada@acme.test"
    )
    with work(as_=MIA) as ctx:
        comment, mentions = collaboration.add_comment(ctx, order_id, body)

    assert comment.text == body
    assert json.loads(comment.mentions) == mentions.emails == [ADA]
    assert [(i.text, i.why) for i in mentions.ignored] == [
        (MAX, f"cannot see order {order_id}"),
        (BILL, "not an active member of the account"),
        ("zoe@acme.test", "not an active member of the account"),
        ("bob@beta.test", "not an active member of the account"),
        ("not-an@email", "not an email address"),
    ]


def test_comments_are_threads_with_replies_after_their_parent(order: int, work: Any) -> None:
    def say(actor: str, body: str, reply_to: int | None = None) -> int:
        with work(as_=actor) as ctx:
            made = collaboration.add_comment(ctx, order, body, reply_to=reply_to)[0]
        assert made.id is not None
        return made.id

    first = say(MIA, "first")
    second = say(MAX, "second")
    to_first = say(ADA, "re first", first)
    to_second = say(MIA, "re second", second)
    deeper = say(MAX, "re re first", to_first)
    later_to_first = say(BILL, "re first, later", first)

    with work(write=False, account="acme") as ctx:
        listed = [(c.id, c.reply_to_id, depth) for c, depth in collaboration.comments(ctx, order)]
    assert listed == [
        (first, None, 0),
        (to_first, first, 1),
        (deeper, to_first, 2),
        (later_to_first, first, 1),
        (second, None, 0),
        (to_second, second, 1),
    ]
    with work(write=False) as ctx:
        assert collaboration.depth_of(ctx, ctx.session.get(collaboration.OrderComment, deeper)) == 2  # type: ignore[arg-type]


def test_a_reply_must_be_to_a_comment_on_the_same_order(order: int, work: Any) -> None:
    other = place(work, as_=MIA)
    with work(as_=MIA) as ctx:
        elsewhere = collaboration.add_comment(ctx, other, "on the other order")[0].id
    before = snapshot(work)

    for missing in (elsewhere, 999):
        not_found = pytest.raises(NotFound, match=f"no comment {missing} on order {order}")
        with not_found, work(as_=MIA) as ctx:
            collaboration.add_comment(ctx, order, "reply", reply_to=missing)
    assert snapshot(work) == before


@pytest.mark.parametrize("reader", [{"as_": MAX}, {"as_": BILL}, SUPPORT, {"account": "acme"}])
def test_comments_are_seen_by_everyone_who_sees_the_order(
    order: int, work: Any, reader: dict[str, Any]
) -> None:
    with work(as_=MIA) as ctx:
        collaboration.add_comment(ctx, order, "team only")
    with work(write=False, **reader) as ctx:
        assert [c.text for c, _ in collaboration.comments(ctx, order)] == ["team only"]


def test_the_freelancer_never_sees_or_writes_comments_or_notes(order: int, work: Any) -> None:
    with work(as_=MIA) as ctx:
        collaboration.add_comment(ctx, order, "lena is slow")
    before = snapshot(work)
    for do in (
        lambda ctx: collaboration.comments(ctx, order),
        lambda ctx: collaboration.add_comment(ctx, order, "hi"),
        lambda ctx: collaboration.add_note(ctx, order, "hi"),
    ):
        refused = pytest.raises(PermissionDenied, match="never shown to the freelancer")
        with refused, work(as_="@lena") as ctx:
            do(ctx)
    assert snapshot(work) == before


def test_a_comments_audit_record_holds_its_text_reply_and_mentions(order: int, work: Any) -> None:
    with work(as_=MIA) as ctx:
        first = collaboration.add_comment(ctx, order, "start")[0]
        reply = collaboration.add_comment(ctx, order, "@max@acme.test see", reply_to=first.id)[0]

    assert audit_rows(work, "order.comment")[-1] == (
        MIA,
        f"order:{order} comment:{reply.id}",
        {
            "text": [None, "@max@acme.test see"],
            "reply_to": [None, first.id],
            "mentions": [None, [MAX]],
        },
    )


def test_a_deactivated_member_can_neither_comment_nor_read(order: int, work: Any) -> None:
    with work(as_=ADA) as ctx:
        members.deactivate(ctx, MAX)
    for do in (
        lambda ctx: collaboration.comments(ctx, order),
        lambda ctx: collaboration.add_comment(ctx, order, "hi"),
        lambda ctx: collaboration.notes(ctx, order),
        lambda ctx: collaboration.add_note(ctx, order, "hi"),
        lambda ctx: collaboration.share(ctx, order),
    ):
        with pytest.raises(PermissionDenied, match="deactivated"), work(as_=MAX) as ctx:
            do(ctx)
    with work(write=False) as ctx:
        status = ctx.session.exec(select(Member.status).where(Member.email == MAX)).one()
    assert status == "deactivated"
