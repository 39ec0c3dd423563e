"""services.freelancers: the catalogue support keeps (SPEC §1.5, §2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from fpctl.domain.text import normalize_username
from fpctl.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services.network import freelancers
from fpctl.store.tables import AuditRecord, Freelancer, FreelancerService

SUPPORT = {"as_": "support", "reason": "ticket 7"}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def add(work: Any, username: str, **values: Any) -> Freelancer:
    with work(**SUPPORT) as ctx:
        return freelancers.add(ctx, username, **values)


def add_service(work: Any, username: str, title: str, **values: Any) -> FreelancerService:
    with work(**SUPPORT) as ctx:
        return freelancers.add_service(ctx, username, title, **values)[1]


def records(work: Any) -> list[tuple[Any, ...]]:
    with work(write=False) as ctx:
        found = ctx.session.exec(select(AuditRecord).order_by(AuditRecord.id)).all()
        return [
            (r.action, r.target, r.account_id, r.actor, r.reason, json.loads(r.changes))
            for r in found
        ]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("bob", "bob"),
        ("@Bob", "bob"),
        ("  JANE.Doe-99_x ", "jane.doe-99_x"),
        ("ab", "ab"),
        ("a" * 30, "a" * 30),
    ],
)
def test_usernames_are_lowercased_and_lose_their_at(typed: str, stored: str) -> None:
    assert normalize_username(typed) == stored


@pytest.mark.parametrize("typed", ["a", "@a", "a" * 31, "bob smith", "bob!", "bøb", "@", "", "b@b"])
def test_malformed_usernames_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalize_username(typed)
    assert refused.value.code == "invalid_username"


def test_support_adds_a_freelancer_with_an_audit_record(work: Any, engine: Any) -> None:
    freelancer = add(work, "@Bob", name="Bob Builder", pro=True)

    assert (freelancer.id, freelancer.username, freelancer.name, freelancer.pro) == (
        1,
        "bob",
        "Bob Builder",
        True,
    )
    assert records(work) == [
        (
            "freelancer.add",
            "freelancer:1 @bob",
            None,
            "support:sam",
            "ticket 7",
            {"username": [None, "bob"], "name": [None, "Bob Builder"], "pro": [None, True]},
        )
    ]


def test_the_name_defaults_to_the_username(work: Any, engine: Any) -> None:
    freelancer = add(work, "carol")
    assert (freelancer.name, freelancer.pro) == ("carol", False)


def test_an_empty_name_is_refused(work: Any, engine: Any) -> None:
    with pytest.raises(InvalidInput):
        add(work, "carol", name="   ")


def test_a_taken_username_is_refused_in_any_case(work: Any, engine: Any) -> None:
    add(work, "bob")
    with pytest.raises(RuleViolation) as refused:
        add(work, "@BOB")
    assert refused.value.code == "username_taken"
    assert len(records(work)) == 1


@pytest.mark.parametrize("actor", ["ada@acme.test", "bill@acme.test", "mia@acme.test"])
def test_only_support_adds_to_the_catalogue(work: Any, team: Any, actor: str) -> None:
    with work(as_=actor) as ctx, pytest.raises(PermissionDenied):
        freelancers.add(ctx, "bob")
    add(work, "bob")
    with work(as_=actor) as ctx, pytest.raises(PermissionDenied):
        freelancers.add_service(ctx, "bob", "Logo", price="100")


def test_a_freelancer_cannot_add_to_the_catalogue(work: Any, engine: Any) -> None:
    add(work, "bob")
    with work(as_="@bob") as ctx, pytest.raises(PermissionDenied):
        freelancers.add(ctx, "carol")
    with work(as_="@bob") as ctx, pytest.raises(PermissionDenied):
        freelancers.add_service(ctx, "bob", "Logo", price="100")


def test_no_actor_is_a_usage_error_and_support_needs_a_reason(work: Any, engine: Any) -> None:
    with work() as ctx, pytest.raises(InvalidInput):
        freelancers.add(ctx, "bob")
    with work(as_="support") as ctx, pytest.raises(PermissionDenied) as refused:
        freelancers.add(ctx, "bob")
    assert refused.value.code == "reason_required"


def test_support_adds_a_service_with_an_audit_record(work: Any, engine: Any) -> None:
    add(work, "bob")
    service = add_service(work, "@BOB", " Logo design ", price="$1,250.50", revisions=2)

    assert (service.id, service.freelancer_id, service.title) == (1, 1, "Logo design")
    assert (service.price_cents, service.revisions) == (125050, 2)
    assert records(work)[1][:3] == ("freelancer.service_add", "service:1 @bob", None)
    assert records(work)[1][3:5] == ("support:sam", "ticket 7")
    assert records(work)[1][5] == {
        "title": [None, "Logo design"],
        "price_cents": [None, 125050],
        "revisions": [None, 2],
    }


def test_revisions_default_to_none_included(work: Any, engine: Any) -> None:
    add(work, "bob")
    assert add_service(work, "bob", "Logo", price="100").revisions == 0


@pytest.mark.parametrize("price", ["-5", "0", "1.005", "abc", "1e3", "20000000"])
def test_bad_prices_are_usage_errors(work: Any, engine: Any, price: str) -> None:
    add(work, "bob")
    with pytest.raises(InvalidInput):
        add_service(work, "bob", "Logo", price=price)
    assert len(records(work)) == 1


@pytest.mark.parametrize("revisions", [-1, 101])
def test_revisions_out_of_range_are_usage_errors(work: Any, engine: Any, revisions: int) -> None:
    add(work, "bob")
    with pytest.raises(InvalidInput):
        add_service(work, "bob", "Logo", price="100", revisions=revisions)


def test_an_empty_title_is_refused(work: Any, engine: Any) -> None:
    add(work, "bob")
    with pytest.raises(InvalidInput):
        add_service(work, "bob", "  ", price="100")


def test_a_service_for_an_unknown_freelancer_is_not_found(work: Any, engine: Any) -> None:
    with pytest.raises(NotFound) as missing:
        add_service(work, "nobody", "Logo", price="100")
    assert missing.value.message == "no freelancer @nobody"


def test_list_is_by_username_and_filters_on_pro(work: Any, engine: Any) -> None:
    add(work, "zed", pro=True)
    add(work, "amy")
    add(work, "kim", pro=True)
    with work(write=False) as ctx:
        assert [f.username for f in freelancers.list_freelancers(ctx)] == ["amy", "kim", "zed"]
        assert [f.username for f in freelancers.list_freelancers(ctx, pro=True)] == ["kim", "zed"]
        assert [f.username for f in freelancers.list_freelancers(ctx, pro=False)] == ["amy"]


def test_find_and_services_of(work: Any, engine: Any) -> None:
    add(work, "bob")
    add(work, "amy")
    add_service(work, "bob", "Logo", price="100")
    add_service(work, "amy", "Copy", price="50")
    add_service(work, "bob", "Banner", price="70", revisions=1)
    with work(write=False) as ctx:
        bob = freelancers.find(ctx, "@Bob")
        assert [(s.title, s.price_cents) for s in freelancers.services_of(ctx, bob)] == [
            ("Logo", 10000),
            ("Banner", 7000),
        ]
        with pytest.raises(NotFound):
            freelancers.find(ctx, "carol")
