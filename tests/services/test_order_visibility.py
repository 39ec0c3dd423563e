"""Who sees an order (SPEC §1.5): services.orders.visible, and every lookup that goes
through it (hidden orders behave as not found)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import col, select

from fpctl.errors import NotFound, PermissionDenied
from fpctl.services.orders import checkout, collaboration, lifecycle, visibility
from fpctl.services.team import accounts, members, projects
from fpctl.store.tables import AuditRecord, Freelancer, Member, Order

ADA, BILL, MIA, MAX = "ada@acme.test", "bill@acme.test", "mia@acme.test", "max@acme.test"
SUPPORT: dict[str, Any] = {"as_": "support", "reason": "ticket 9", "account": "acme"}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def place(
    work: Any, project: int | None = None, freelancer: str = "lena", service: int = 1, **actor: Any
) -> int:
    request = checkout.OrderRequest(freelancer=freelancer, service_id=service, project_id=project)
    with work(**actor) as ctx:
        order_id = checkout.place(ctx, request).order.id
    assert order_id is not None
    return order_id


def seen(work: Any, **actor: Any) -> set[int]:
    with work(write=False, **actor) as ctx:
        return {order.id for order in visibility.list_orders(ctx)}  # type: ignore[misc]


def finds(work: Any, order_id: int, **actor: Any) -> bool:
    """Whether ``visibility.find`` gives the order to the actor (else it is not found)."""
    with work(write=False, **actor) as ctx:
        try:
            visibility.find(ctx, order_id)
        except NotFound:
            return False
    return True


def new_project(work: Any, owner: str, name: str, *, private: bool = False) -> int:
    with work(as_=owner) as ctx:
        project_id = projects.create(ctx, name, private=private).id
    assert project_id is not None
    return project_id


def my_project(work: Any, email: str) -> int:
    with work(as_=email, write=False) as ctx:
        project_id = projects.personal(ctx.session, ctx.actor.member_id).id
    assert project_id is not None
    return project_id


@dataclass
class Book:
    """The orders of ``book``: who placed them, where."""

    mia_mine: int  # mia, in her my-project
    max_public: int  # max, in his public project
    max_private: int  # max, in his private project (no collaborators)
    bill_mine: int  # bill, in his my-project
    ada_private: int  # ada, in her private project; mia collaborates on it
    public: int
    private: int
    ada_project: int


@pytest.fixture
def book(shop: Any, work: Any) -> Book:
    public = new_project(work, MAX, "Launch")
    private = new_project(work, MAX, "Secret", private=True)
    ada_project = new_project(work, ADA, "Board", private=True)
    with work(as_=ADA) as ctx:
        projects.add_member(ctx, ada_project, MIA)
    return Book(
        mia_mine=place(work, as_=MIA),
        max_public=place(work, public, as_=MAX),
        max_private=place(work, private, as_=MAX),
        bill_mine=place(work, as_=BILL),
        ada_private=place(work, ada_project, as_=ADA),
        public=public,
        private=private,
        ada_project=ada_project,
    )


def everything(book: Book) -> set[int]:
    return {book.mia_mine, book.max_public, book.max_private, book.bill_mine, book.ada_private}


# -- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor",
    [{"as_": ADA}, {"as_": BILL}, SUPPORT, {"account": "acme"}],
    ids=["admin", "billing manager", "support", "no actor"],
)
def test_the_admin_billing_managers_support_and_plain_reads_see_every_order(
    work: Any, book: Book, actor: dict[str, Any]
) -> None:
    assert seen(work, **actor) == everything(book)
    assert finds(work, book.mia_mine, **actor)


def test_a_member_sees_what_they_placed_public_projects_and_private_ones_they_are_in(
    work: Any, book: Book
) -> None:
    assert seen(work, as_=MIA) == {book.mia_mine, book.max_public, book.ada_private}
    assert seen(work, as_=MAX) == {book.max_public, book.max_private}


def test_the_owner_of_a_private_project_sees_its_orders_placed_by_collaborators(
    work: Any, book: Book
) -> None:
    with work(as_=MAX) as ctx:
        projects.add_member(ctx, book.private, MIA)
    by_mia = place(work, book.private, as_=MIA)

    assert by_mia in seen(work, as_=MAX)
    assert by_mia in seen(work, as_=MIA)
    assert book.max_private in seen(work, as_=MIA)  # a collaborator sees the owner's too


def test_a_private_project_shared_with_all_shows_its_orders_to_every_member(
    work: Any, book: Book
) -> None:
    assert book.max_private not in seen(work, as_=MIA)
    with work(as_=MAX) as ctx:
        projects.share(ctx, book.private)

    assert book.max_private in seen(work, as_=MIA)


def test_an_order_in_a_my_project_is_seen_only_by_its_placer_until_shared(
    work: Any, book: Book
) -> None:
    assert not finds(work, book.mia_mine, as_=MAX)
    assert finds(work, book.mia_mine, as_=BILL)
    with work(as_=MIA) as ctx:
        order, unchanged = collaboration.share(ctx, book.mia_mine)
        changed = unchanged is None

    assert changed and order.shared
    assert finds(work, book.mia_mine, as_=MAX)
    assert book.mia_mine in seen(work, as_=MAX)


def test_an_order_support_placed_in_a_members_my_project_is_seen_by_that_member(
    work: Any, book: Book
) -> None:
    """Fixed in services.orders: support places only in a named project, and the owner of
    a my-project is the one the order is for (the placer is support)."""
    for_mia = place(work, my_project(work, MIA), **SUPPORT)

    assert finds(work, for_mia, as_=MIA)
    assert not finds(work, for_mia, as_=MAX)


@pytest.mark.parametrize("how", ["removed", "left"])
def test_when_a_member_goes_their_orders_become_visible_to_all_members(
    work: Any, book: Book, how: str
) -> None:
    for_mia = place(work, my_project(work, MIA), **SUPPORT)
    assert book.mia_mine not in seen(work, as_=MAX)
    if how == "removed":
        with work(as_=ADA) as ctx:
            members.remove(ctx, MIA)
    else:
        with work(as_=MIA) as ctx:
            members.leave(ctx)

    assert {book.mia_mine, for_mia} <= seen(work, as_=MAX)
    assert book.bill_mine not in seen(work, as_=MAX)  # nobody else's
    with work(write=False) as ctx:  # each order's record, in the order's order
        shared = ctx.session.exec(
            select(AuditRecord.target)
            .where(AuditRecord.action == "order.share")
            .order_by(col(AuditRecord.id))
        ).all()
    assert [target.split()[0] for target in shared] == [
        f"order:{book.mia_mine}",
        f"order:{for_mia}",
    ]
    with work(write=False) as ctx:
        assert (
            ctx.session.get(Order, book.mia_mine).account_id
            == ctx.session.exec(  # type: ignore[union-attr]
                select(Member.account_id).where(Member.email == ADA)
            ).one()
        )  # the order stays with the account


def test_a_deactivated_member_sees_nothing(work: Any, book: Book) -> None:
    with work(as_=ADA) as ctx:
        members.deactivate(ctx, MIA)

    with pytest.raises(PermissionDenied, match="deactivated"), work(as_=MIA, write=False) as ctx:
        list(visibility.list_orders(ctx))
    with pytest.raises(PermissionDenied), work(as_=MIA, write=False) as ctx:
        visibility.find(ctx, book.mia_mine)


# -- hidden orders behave as not found ---------------------------------------------------------


@pytest.mark.parametrize(
    "do",
    [
        visibility.find,
        lambda ctx, order_id: lifecycle.submit_requirements(ctx, order_id, "specs"),
        collaboration.share,
        lambda ctx, order_id: collaboration.add_note(ctx, order_id, "mine"),
        collaboration.notes,
        lambda ctx, order_id: collaboration.add_comment(ctx, order_id, "hello"),
        collaboration.comments,
    ],
    ids=["show", "requirements", "share", "note", "notes", "comment", "comments"],
)
def test_a_hidden_order_is_not_found(work: Any, book: Book, do: Any) -> None:
    with pytest.raises(NotFound, match=f"no order {book.bill_mine}"), work(as_=MAX) as ctx:
        do(ctx, book.bill_mine)


@pytest.fixture
def beta_order(work: Any, book: Book) -> int:
    """An order of another account (beta, admin bob@beta.test)."""
    with work() as ctx:
        beta = accounts.create(ctx, name="Beta", admin_email="bob@beta.test", slug="beta")
        bob = ctx.session.exec(select(Member).where(Member.email == "bob@beta.test")).one()
        lena = ctx.session.exec(select(Freelancer).where(Freelancer.username == "lena")).one()
        order = Order(
            account_id=beta.id,  # type: ignore[arg-type]
            freelancer_id=lena.id,  # type: ignore[arg-type]
            title="Beta logo",
            status="in_progress",
            placed_by_id=bob.id,
            placed_by=bob.email,
            project_id=projects.personal(ctx.session, bob.id).id,  # type: ignore[arg-type]
            unit_price_cents=100,
            total_cents=100,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.session.add(order)
        ctx.session.flush()
        assert order.id is not None
        return order.id


@pytest.mark.parametrize("actor", [{"as_": ADA}, {"as_": BILL}, SUPPORT, {"account": "acme"}])
def test_orders_of_another_account_are_not_found(
    work: Any, beta_order: int, actor: dict[str, Any]
) -> None:
    assert not finds(work, beta_order, **actor)
    assert beta_order not in seen(work, **actor)


# -- freelancers -----------------------------------------------------------------------------


def test_a_freelancer_sees_only_the_orders_placed_with_them(work: Any, book: Book) -> None:
    with_otto = place(work, freelancer="otto", service=2, as_=MIA)

    assert seen(work, as_="@lena") == everything(book)
    assert seen(work, as_="@otto") == {with_otto}
    assert finds(work, book.bill_mine, as_="@lena")  # a my-project order too: it is theirs
    assert not finds(work, book.bill_mine, as_="@otto")
    assert not finds(work, with_otto, as_="@lena")


def test_a_freelancer_sees_their_orders_in_every_account_unless_one_is_named(
    work: Any, beta_order: int
) -> None:
    assert beta_order in seen(work, as_="@lena")
    assert beta_order not in seen(work, as_="@lena", account="acme")
