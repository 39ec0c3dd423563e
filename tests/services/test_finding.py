"""services.team.finding: which account a support agent means (issue 12, item 9)."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from fpctl.errors import InvalidInput, NotFound, PermissionDenied
from fpctl.services.team import finding
from tests.backends import sql


def matches(work: Any, text: str, **opened: Any) -> dict[str, list[tuple[str, str]]]:
    with work(write=False, **opened) as ctx:
        return {
            f.account.slug: [(m.field, m.value) for m in f.matched] for f in finding.find(ctx, text)
        }


def test_names_match_whatever_their_case_or_unicode_form(work: Any, team: Any) -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë Straße")
    sql("UPDATE member SET name = ? WHERE email = ?", decomposed, "max@acme.test")
    for text in ("zoë", "ZOË", "strasse", "STRASSE", "zoe\u0308"):
        assert matches(work, text) == {"acme": [("member_name", decomposed)]}, text


def test_an_email_matches_in_part_and_in_any_case(work: Any, team: Any) -> None:
    assert matches(work, "BILL@ACME") == {"acme": [("member_email", "bill@acme.test")]}
    assert matches(work, "@acme.test")["acme"] == [
        ("member_email", email)
        for email in ("ada@acme.test", "bill@acme.test", "mia@acme.test", "max@acme.test")
    ]


def test_a_member_finds_only_in_their_own_account(work: Any, team: Any) -> None:
    assert matches(work, "acme", as_="mia@acme.test")["acme"][:2] == [
        ("slug", "acme"),
        ("name", "Acme"),
    ]
    sql("UPDATE member SET status = 'deactivated' WHERE email = ?", "mia@acme.test")
    with work(as_="mia@acme.test", write=False) as ctx, pytest.raises(PermissionDenied):
        finding.find(ctx, "acme")  # a deactivated member can read nothing


@pytest.mark.parametrize("text", ["", "  \t", "x" * 201])
def test_the_text_to_find(work: Any, acme: Any, text: str) -> None:
    with work(write=False) as ctx, pytest.raises(InvalidInput):
        finding.find(ctx, text)


def test_account_of_member_takes_only_a_seat(work: Any, team: Any) -> None:
    with work(write=False) as ctx:
        assert finding.account_of_member(ctx, " Mia@ACME.test ").slug == "acme"
    sql("UPDATE member SET status = 'closed' WHERE email = ?", "mia@acme.test")
    with work(write=False) as ctx, pytest.raises(NotFound) as closed:
        finding.account_of_member(ctx, "mia@acme.test")
    assert closed.value.hint == (
        "`fpctl account find mia@acme.test` also finds former members, names and companies"
    )
