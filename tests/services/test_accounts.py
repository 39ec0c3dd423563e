"""Accounts at the service layer (SPEC §1.1)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from fpctl.errors import EmailTaken, InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services.team import accounts, members


def audit_rows(work: Any) -> list[tuple[str, str, str | None, dict[str, Any]]]:
    with work(write=False) as ctx:
        rows = ctx.session.execute(
            text("SELECT action, actor, reason, changes FROM audit_record ORDER BY id")
        ).all()
    return [(a, who, r, json.loads(c)) for a, who, r, c in rows]


def test_create_makes_the_account_and_its_admin(work: Any) -> None:
    with work() as ctx:
        account = accounts.create(
            ctx, name="Acme Studio", admin_email=" Ada@Acme.TEST ", admin_name="Ada"
        )
        assert (account.slug, account.plan, account.tier, account.status) == (
            "acme-studio",
            "basic",
            "silver",
            "active",
        )
    with work(account="acme-studio", write=False) as ctx:
        assert [(m.email, m.name, m.role, m.status) for m in members.list_members(ctx)] == [
            ("ada@acme.test", "Ada", "admin", "active")
        ]
    assert audit_rows(work) == [
        (
            "account.create",
            "ada@acme.test",
            None,
            {
                "admin": [None, "ada@acme.test"],
                "name": [None, "Acme Studio"],
                "plan": [None, "basic"],
            },
        )
    ]


def test_create_refuses_a_taken_slug_and_a_held_email(work: Any) -> None:
    with work() as ctx:
        accounts.create(ctx, name="Acme", admin_email="ada@acme.test")
    with work() as ctx, pytest.raises(RuleViolation) as taken:
        accounts.create(ctx, name="ACME", admin_email="zed@acme.test")
    assert taken.value.code == "slug_taken"
    with work() as ctx, pytest.raises(EmailTaken):
        accounts.create(ctx, name="Other", admin_email="ADA@acme.test")
    with work() as ctx, pytest.raises(InvalidInput):
        accounts.create(ctx, name="Other", admin_email="not-an-email")
    with work() as ctx, pytest.raises(InvalidInput):
        accounts.create(ctx, name="   ", admin_email="zed@acme.test")
    assert len(audit_rows(work)) == 1


def test_only_support_or_nobody_creates_accounts(work: Any, acme: str) -> None:
    with work(as_="ada@acme.test") as ctx, pytest.raises(PermissionDenied):
        accounts.create(ctx, name="Mine", admin_email="zed@zed.test")
    with work(as_="support", reason="onboarding") as ctx:
        accounts.create(ctx, name="Theirs", admin_email="zed@zed.test")
    assert audit_rows(work)[-1][:3] == ("account.create", audit_rows(work)[-1][1], "onboarding")
    assert audit_rows(work)[-1][1].startswith("support:")


def test_members_see_only_their_account(work: Any, cli: Any, team: dict[str, str]) -> None:
    cli("account", "create", "Beta", "--admin", "bea@beta.test")
    with work(write=False) as ctx:
        assert [a.slug for a in accounts.list_accounts(ctx)] == ["acme", "beta"]
    with work(as_="mia@acme.test", write=False) as ctx:
        assert [a.slug for a in accounts.list_accounts(ctx)] == ["acme"]
        assert accounts.show(ctx).slug == "acme"
        with pytest.raises(NotFound):
            accounts.show(ctx, "beta")


def test_update(work: Any, team: dict[str, str]) -> None:
    with work(as_="ada@acme.test") as ctx:
        account, unchanged = accounts.update(ctx, company="Acme Ltd", industry=None)
        changed = unchanged is None
    assert (account.company, changed) == ("Acme Ltd", True)
    with work(as_="ada@acme.test") as ctx:
        _, unchanged = accounts.update(ctx, company="Acme Ltd")
        changed = unchanged is None
    assert changed is False
    with work(as_="ada@acme.test") as ctx, pytest.raises(InvalidInput):
        accounts.update(ctx)
    assert [r[0] for r in audit_rows(work)].count("account.update") == 1


@pytest.mark.parametrize("actor", ["bill@acme.test", "mia@acme.test"])
def test_update_is_for_the_admin(work: Any, team: dict[str, str], actor: str) -> None:
    with work(as_=actor) as ctx, pytest.raises(PermissionDenied):
        accounts.update(ctx, name="Hijacked")
    with work(account="acme", write=False) as ctx:
        assert ctx.the_account.name == "Acme"
