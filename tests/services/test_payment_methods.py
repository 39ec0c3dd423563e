"""services.payment_methods: cards and PayPal addresses of the account (SPEC §1.8, §2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import col, select

from fpctl.errors import InvalidInput, NotFound, PermissionDenied
from fpctl.services.money import payment_methods
from fpctl.store.tables import AuditRecord, PaymentMethod

ADA = {"as_": "ada@acme.test"}
CARD = "4242 4242 4242 4242"
OTHER_CARD = "5555-5555-5555-4444"


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def add(work: Any, actor: dict[str, Any] = ADA, **values: Any) -> PaymentMethod:
    with work(**actor) as ctx:
        return payment_methods.add(ctx, **values)


def card(
    work: Any, number: str = CARD, expiry: str = "12/27", actor: dict[str, Any] = ADA
) -> PaymentMethod:
    return add(work, actor, card=number, expiry_text=expiry)


def state(work: Any) -> list[tuple[Any, ...]]:
    """Every row, removed ones included: (id, kind, last4, exp, paypal, default, removed)."""
    with work(write=False) as ctx:
        rows = ctx.session.exec(select(PaymentMethod).order_by(PaymentMethod.id)).all()
        return [
            (
                r.id,
                r.kind,
                r.last4,
                r.exp_month,
                r.exp_year,
                r.paypal_email,
                r.is_default,
                r.removed_at is not None,
            )
            for r in rows
        ]


def records(work: Any) -> list[tuple[Any, ...]]:
    with work(write=False) as ctx:
        found = ctx.session.exec(
            select(AuditRecord)
            .where(AuditRecord.action.startswith("billing."))  # type: ignore[attr-defined]
            .order_by(col(AuditRecord.id))
        ).all()
        return [(r.action, r.target, r.actor, r.reason, json.loads(r.changes)) for r in found]


def test_a_card_keeps_only_its_last_four_digits_and_expiry(work: Any, team: Any) -> None:
    method = card(work)

    assert (method.id, method.kind, method.last4, method.exp_month, method.exp_year) == (
        1,
        "card",
        "4242",
        12,
        2027,
    )
    assert state(work) == [(1, "card", "4242", 12, 2027, None, True, False)]
    assert records(work) == [
        (
            "billing.payment_method_add",
            "payment_method:1 card *4242",
            "ada@acme.test",
            None,
            {
                "kind": [None, "card"],
                "last4": [None, "4242"],
                "expiry": [None, "12/27"],
                "default": [False, True],
            },
        )
    ]


def test_a_paypal_email_is_normalised_and_only_the_first_method_is_default(
    work: Any, team: Any
) -> None:
    card(work)
    add(work, paypal="  Pay@ACME.test ")

    assert state(work) == [
        (1, "card", "4242", 12, 2027, None, True, False),
        (2, "paypal", None, None, None, "pay@acme.test", False, False),
    ]
    assert records(work)[1] == (
        "billing.payment_method_add",
        "payment_method:2 paypal pay@acme.test",
        "ada@acme.test",
        None,
        {"kind": [None, "paypal"], "paypal_email": [None, "pay@acme.test"]},
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "give exactly one of --card NUMBER (with --expiry MM/YY) or --paypal EMAIL"),
        (
            {"card": CARD, "expiry_text": "12/27", "paypal": "p@acme.test"},
            "give exactly one of --card NUMBER (with --expiry MM/YY) or --paypal EMAIL",
        ),
        ({"card": CARD}, "--card needs --expiry MM/YY"),
        (
            {"paypal": "p@acme.test", "expiry_text": "12/27"},
            "--expiry goes with --card, not --paypal",
        ),
    ],
)
def test_exactly_one_kind_is_given(
    work: Any, team: Any, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        add(work, **values)
    assert refused.value.message == message
    assert state(work) == []


@pytest.mark.parametrize(
    ("number", "expiry", "code"),
    [
        ("4242 4242 4242 4241", "12/27", "invalid_card"),
        ("4242", "12/27", "invalid_card"),
        ("4242-4242-4242-424x", "12/27", "invalid_card"),
        (CARD, "13/27", "invalid_card"),
        (CARD, "1227", "invalid_card"),
        (CARD, "10/26", "card_expired"),
    ],
)
def test_bad_cards_and_past_expiries_are_refused(
    work: Any, team: Any, number: str, expiry: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        card(work, number, expiry)
    assert refused.value.code == code
    assert number.replace(" ", "") not in refused.value.message
    assert state(work) == [] and records(work) == []


def test_a_card_expiring_this_month_is_accepted(work: Any, team: Any) -> None:
    assert card(work, expiry="11/26").exp_month == 11


@pytest.mark.parametrize(
    ("actor", "label", "reason"),
    [
        ({"as_": "bill@acme.test"}, "bill@acme.test", None),
        ({"as_": "support", "account": "acme", "reason": "ticket 9"}, "support:sam", "ticket 9"),
    ],
)
def test_billing_managers_and_support_manage_methods(
    work: Any, team: Any, actor: dict, label: str, reason: Any
) -> None:
    card(work, actor=actor)
    add(work, actor, paypal="p@acme.test")
    with work(**actor) as ctx:
        payment_methods.make_default(ctx, 2)
    with work(**actor) as ctx:
        payment_methods.remove(ctx, 2)
    with work(**actor, write=False) as ctx:
        assert [(m.id, m.is_default) for m in payment_methods.list_methods(ctx)] == [(1, True)]

    assert [(r[0], r[2], r[3]) for r in records(work)] == [
        ("billing.payment_method_add", label, reason),
        ("billing.payment_method_add", label, reason),
        ("billing.payment_method_default", label, reason),
        ("billing.payment_method_remove", label, reason),
    ]


def test_support_needs_a_reason(work: Any, team: Any) -> None:
    with pytest.raises(PermissionDenied) as refused:
        card(work, actor={"as_": "support", "account": "acme"})
    assert refused.value.code == "reason_required"


def test_members_cannot_manage_or_see_methods(work: Any, team: Any) -> None:
    card(work)
    mia = {"as_": "mia@acme.test"}
    with pytest.raises(PermissionDenied):
        add(work, mia, paypal="p@acme.test")
    for step in (
        lambda ctx: payment_methods.remove(ctx, 1),
        lambda ctx: payment_methods.make_default(ctx, 1),
        payment_methods.list_methods,
    ):
        with pytest.raises(PermissionDenied), work(**mia) as ctx:
            step(ctx)
    assert len(state(work)) == 1


def test_nobody_may_not_change_but_may_list(work: Any, team: Any) -> None:
    card(work)
    with pytest.raises(InvalidInput), work(account="acme") as ctx:
        payment_methods.add(ctx, paypal="p@acme.test")
    with work(account="acme", write=False) as ctx:
        assert [m.id for m in payment_methods.list_methods(ctx)] == [1]


def test_default_makes_one_method_the_only_default(work: Any, team: Any) -> None:
    card(work)
    card(work, OTHER_CARD, "01/28")
    add(work, paypal="p@acme.test")

    with work(**ADA) as ctx:
        method, unchanged = payment_methods.make_default(ctx, 3)
        changed = unchanged is None
    assert (method.id, changed) == (3, True)
    assert [row[6] for row in state(work)] == [False, False, True]
    assert records(work)[-1] == (
        "billing.payment_method_default",
        "payment_method:3 paypal p@acme.test",
        "ada@acme.test",
        None,
        {"default": [False, True], "default_id": [1, 3]},
    )

    with work(**ADA) as ctx:
        assert payment_methods.make_default(ctx, 3)[1] is not None  # already: nothing recorded
    assert len(records(work)) == 4


def test_removing_the_default_makes_the_oldest_remaining_one_default(work: Any, team: Any) -> None:
    card(work)  # 1, default
    card(work, OTHER_CARD, "01/28")  # 2
    add(work, paypal="p@acme.test")  # 3
    with work(**ADA) as ctx:
        payment_methods.make_default(ctx, 3)

    with work(**ADA) as ctx:
        removed, successor = payment_methods.remove(ctx, 3)
        assert (removed.id, successor and successor.id) == (3, 1)
    assert [(row[0], row[6], row[7]) for row in state(work)] == [
        (1, True, False),
        (2, False, False),
        (3, False, True),
    ]
    assert records(work)[-1] == (
        "billing.payment_method_remove",
        "payment_method:3 paypal p@acme.test",
        "ada@acme.test",
        None,
        {
            "removed_at": [None, "2026-11-01T10:00:00Z"],
            "default": [True, False],
            "default_id": [3, 1],
        },
    )


def test_removing_another_method_leaves_the_default_and_the_last_leaves_none(
    work: Any, team: Any
) -> None:
    card(work)
    add(work, paypal="p@acme.test")

    with work(**ADA) as ctx:
        assert payment_methods.remove(ctx, 2)[1] is None
    assert records(work)[-1][4] == {"removed_at": [None, "2026-11-01T10:00:00Z"]}
    with work(**ADA) as ctx:
        assert payment_methods.remove(ctx, 1)[1] is None
    assert records(work)[-1][4]["default_id"] == [1, None]
    assert [(row[6], row[7]) for row in state(work)] == [(False, True), (False, True)]

    assert card(work, OTHER_CARD).is_default  # the next one added is the default again


def test_unknown_removed_and_other_accounts_methods_are_not_found(work: Any, team: Any) -> None:
    card(work)
    with work(**ADA) as ctx:
        payment_methods.remove(ctx, 1)
    with work("support", reason="setup") as ctx:
        from fpctl.services.team import accounts

        accounts.create(ctx, name="Globex", admin_email="gus@globex.test", slug="globex")
    card(work, actor={"as_": "gus@globex.test"})  # 2, globex's

    for method_id in (1, 2, 99):
        for step in (payment_methods.remove, payment_methods.make_default):
            with pytest.raises(NotFound) as missing, work(**ADA) as ctx:
                step(ctx, method_id)
            assert missing.value.message == f"no payment method {method_id} in this account"
    with work(**ADA, write=False) as ctx:
        assert payment_methods.list_methods(ctx) == []
