"""Billing information (SPEC §1.8): set, cleared, audited, and snapshotted by invoices."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import col, select

from fpctl.errors import InvalidInput, PermissionDenied
from fpctl.services.money import billing, billing_info, ledger
from fpctl.store.tables import AuditRecord

ADA = {"as_": "ada@acme.test"}
MIA = {"as_": "mia@acme.test"}
OPERATOR = {"account": "acme"}
EMPTY = dict.fromkeys(("full_name", "company", "address", "country", "tax_id"))


def info(work: Any) -> dict[str, str | None]:
    with work(**OPERATOR, write=False) as ctx:
        return billing.billing_info(ctx)


def audited(work: Any) -> list[tuple[str, dict[str, Any]]]:
    with work(write=False) as ctx:
        rows = ctx.session.exec(select(AuditRecord).order_by(col(AuditRecord.id))).all()
        return [(r.action, json.loads(r.changes)) for r in rows if r.action == billing_info.SET]


def set_info(work: Any, actor: dict[str, Any] = ADA, **values: str) -> bool:
    with work(**actor) as ctx:
        _, unchanged = billing_info.set_info(ctx, **values)
        changed = unchanged is None
        return changed


def test_only_the_fields_given_change_trimmed(work: Any, team: Any) -> None:
    assert set_info(work, company="  Acme GmbH ", country="DE") is True
    assert set_info(work, tax_id="DE123456789") is True

    assert info(work) == {**EMPTY, "company": "Acme GmbH", "country": "DE", "tax_id": "DE123456789"}
    assert audited(work) == [
        ("billing.info_set", {"company": [None, "Acme GmbH"], "country": [None, "DE"]}),
        ("billing.info_set", {"tax_id": [None, "DE123456789"]}),
    ]


def test_an_empty_value_clears_a_field(work: Any, team: Any) -> None:
    set_info(work, company="Acme GmbH", country="DE")

    assert set_info(work, company="", country="   ") is True
    assert info(work) == EMPTY
    assert audited(work)[-1][1] == {"company": ["Acme GmbH", None], "country": ["DE", None]}


def test_the_same_values_change_nothing_and_are_not_audited(work: Any, team: Any) -> None:
    set_info(work, company="Acme GmbH")

    assert set_info(work, company="Acme GmbH ", tax_id="") is False
    assert len(audited(work)) == 1


def test_nothing_given_is_a_usage_error(work: Any, team: Any) -> None:
    with work(**ADA) as ctx, pytest.raises(InvalidInput, match="nothing to change"):
        billing_info.set_info(ctx, full_name=None)


def test_text_is_bounded(work: Any, team: Any) -> None:
    with work(**ADA) as ctx, pytest.raises(InvalidInput, match="longer than 200"):
        billing_info.set_info(ctx, company="x" * 201)
    assert set_info(work, address="y" * 500) is True
    assert info(work)["address"] == "y" * 500


def test_members_cannot_set_or_read_it(work: Any, team: Any) -> None:
    with work(**MIA) as ctx, pytest.raises(PermissionDenied, match="set billing information"):
        billing_info.set_info(ctx, company="Mine")
    with work(**MIA, write=False) as ctx, pytest.raises(PermissionDenied):
        billing.billing_info(ctx)
    assert info(work) == EMPTY


def test_the_invoice_snapshot_holds_the_account_and_its_billing_information(
    work: Any, team: Any
) -> None:
    set_info(work, full_name="Ada Lovelace", company="<Acme & Co>", address="1 Main St\nTown")

    with work(**ADA, write=False) as ctx:
        snapshot = json.loads(ledger.billed_to(ctx.the_account))

    assert snapshot == {
        "account": "acme",
        "name": "Acme",
        **EMPTY,
        "full_name": "Ada Lovelace",
        "company": "<Acme & Co>",
        "address": "1 Main St\nTown",
    }
