"""services.network: saved, hired and viewed freelancers, and lists (SPEC §1.6, §2)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from fpctl.clock import iso
from fpctl.errors import InvalidInput, NotFound, PermissionDenied
from fpctl.services.network import connections, freelancers, lists
from fpctl.store.tables import FreelancerView, NetworkListItem
from tests.conftest import Cli

ADA, MIA, MAX = "ada@acme.test", "mia@acme.test", "max@acme.test"
SUPPORT = {"as_": "support", "reason": "ticket 9", "account": "acme"}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def view(work: Any, email: str, username: str, now: str) -> None:
    with work(as_=email, now=now) as ctx:
        connections.record_view(ctx, freelancers.find(ctx, username))


def test_a_view_keeps_only_the_latest_per_member(shop: Any, work: Any) -> None:
    view(work, MIA, "otto", "2026-11-01T10:00:00Z")
    view(work, MIA, "otto", "2026-11-05T10:00:00Z")
    view(work, MAX, "otto", "2026-11-03T10:00:00Z")
    with work(write=False) as ctx:
        rows = ctx.session.exec(select(FreelancerView).order_by(FreelancerView.member_id)).all()
        assert len(rows) == 2
    with work(as_=MAX, write=False) as ctx:
        assert [iso(r.last_viewed_at) for r in connections.network(ctx)] == ["2026-11-03T10:00:00Z"]
    with work(write=False, **SUPPORT) as ctx:  # support sees the account's latest view
        assert [iso(r.last_viewed_at) for r in connections.network(ctx)] == ["2026-11-05T10:00:00Z"]


def test_changes_need_an_actor(shop: Any, work: Any) -> None:
    with work(account="acme") as ctx, pytest.raises(InvalidInput):
        connections.save(ctx, "lena")


def test_saving_is_idempotent(shop: Any, work: Any) -> None:
    with work(as_=MIA) as ctx:
        _, _, first = connections.save(ctx, "lena")
    with work(as_=ADA) as ctx:
        saved, _, again = connections.save(ctx, "@LENA")
    assert (first, again, saved.saved_by) == (None, "@lena is already saved: nothing changed", MIA)


def test_the_same_freelancer_and_their_service_are_two_items(shop: Any, work: Any) -> None:
    with work(as_=MIA) as ctx:
        list_id = lists.list_create(ctx, "Logos").lst.id
        assert list_id is not None
        assert lists.list_add(ctx, list_id, "lena")[1] is None
        assert lists.list_add(ctx, list_id, "1")[1] is None
        assert lists.list_add(ctx, list_id, " 1 ")[1] is not None
        items = ctx.session.exec(select(NetworkListItem).order_by(col(NetworkListItem.id))).all()
        assert [(i.freelancer_id, i.service_id) for i in items] == [(1, None), (1, 1)]


def test_only_the_owner_shares_with_another_account(shop: Any, work: Any, cli: Cli) -> None:
    assert (
        cli("account", "create", "Beta", "--admin", "bo@beta.test", "--slug", "beta").exit_code == 0
    )
    with work(as_=MIA) as ctx:
        list_id = lists.list_create(ctx, "Logos").lst.id
        assert list_id is not None
        lists.list_share(ctx, list_id, member=ADA)
    with work(as_=ADA) as ctx:  # the admin sees it once shared, but does not own it
        assert lists.list_share(ctx, list_id, member=MAX)[1] is None
        with pytest.raises(PermissionDenied):
            lists.list_share(ctx, list_id, account="beta")
    with work(as_="bo@beta.test") as ctx, pytest.raises(NotFound):
        lists.find_list(ctx, list_id)
