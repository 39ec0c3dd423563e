"""Members and roles at the service layer (SPEC §1.2), on a real SQLite file."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from fpctl.errors import EmailTaken, InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services import audit
from fpctl.services.team import invitations, inviting, members
from fpctl.services.team.inviting import InviteRequest
from tests.conftest import Cli


def roles(work: Any) -> dict[str, tuple[str, str]]:
    with work(account="acme", write=False) as ctx:
        return {m.email: (m.role, m.status) for m in members.list_members(ctx)}


def actions(work: Any) -> list[tuple[str, str, dict[str, Any]]]:
    import json

    with work(write=False) as ctx:
        rows = ctx.session.execute(
            text("SELECT action, target, changes FROM audit_record ORDER BY id")
        ).all()
    return [(a, t, json.loads(c)) for a, t, c in rows]


def test_transfer_demotes_the_previous_admin_in_one_transaction(
    work: Any, team: dict[str, str]
) -> None:
    before = len(actions(work))
    with work(as_="ada@acme.test") as ctx:
        member, unchanged = members.set_role(ctx, "MIA@acme.test", "admin")
        changed = unchanged is None
    assert (member.email, member.role, changed) == ("mia@acme.test", "admin", True)
    assert roles(work) == {
        "ada@acme.test": ("member", "active"),
        "bill@acme.test": ("billing_manager", "active"),
        "mia@acme.test": ("admin", "active"),
        "max@acme.test": ("member", "active"),
    }
    assert actions(work)[before:] == [
        ("role.set", "member:1 ada@acme.test", {"role": ["admin", "member"]}),
        ("role.set", "member:3 mia@acme.test", {"role": ["member", "admin"]}),
    ]


def test_the_admin_cannot_demote_themselves(work: Any, team: dict[str, str]) -> None:
    with work(as_="ada@acme.test") as ctx, pytest.raises(RuleViolation) as refused:
        members.set_role(ctx, "ada@acme.test", "member")
    assert refused.value.code == "admin_required"
    assert roles(work)["ada@acme.test"] == ("admin", "active")


@pytest.mark.parametrize("actor", ["mia@acme.test", "bill@acme.test"])
@pytest.mark.parametrize("role", ["admin", "billing_manager"])
def test_no_self_promotion(work: Any, team: dict[str, str], actor: str, role: str) -> None:
    with work(as_=actor) as ctx, pytest.raises(PermissionDenied):
        members.set_role(ctx, actor, role)
    assert roles(work)["ada@acme.test"] == ("admin", "active")
    assert roles(work)[actor][0] == team[actor]


def test_only_active_members_can_become_admin(work: Any, team: dict[str, str]) -> None:
    with work(as_="ada@acme.test") as ctx:
        members.deactivate(ctx, "mia@acme.test")
    with work(as_="ada@acme.test") as ctx, pytest.raises(RuleViolation) as refused:
        members.set_role(ctx, "mia@acme.test", "admin")
    assert refused.value.code == "member_inactive"
    with work(as_="ada@acme.test") as ctx:
        members.remove(ctx, "max@acme.test")
    with work(as_="ada@acme.test") as ctx, pytest.raises(RuleViolation) as gone:
        members.set_role(ctx, "max@acme.test", "admin")
    assert gone.value.code == "member_gone"
    assert roles(work)["ada@acme.test"] == ("admin", "active")


def test_setting_the_same_role_is_unchanged(work: Any, team: dict[str, str]) -> None:
    before = len(actions(work))
    with work(as_="ada@acme.test") as ctx:
        member, unchanged = members.set_role(ctx, "bill@acme.test", "billing_manager")
        changed = unchanged is None
    assert (member.role, changed) == ("billing_manager", False)
    assert len(actions(work)) == before


def test_role_changes_between_member_and_billing_manager(work: Any, team: dict[str, str]) -> None:
    with work(as_="ada@acme.test") as ctx:
        members.set_role(ctx, "mia@acme.test", "billing_manager")
        members.set_role(ctx, "bill@acme.test", "member")
    assert roles(work)["mia@acme.test"] == ("billing_manager", "active")
    assert roles(work)["bill@acme.test"] == ("member", "active")


@pytest.mark.parametrize("change", [members.deactivate, members.remove])
def test_the_admin_cannot_be_deactivated_or_removed(
    work: Any, team: dict[str, str], change: Any
) -> None:
    with work(as_="ada@acme.test") as ctx, pytest.raises(RuleViolation) as refused:
        change(ctx, "ada@acme.test")
    assert refused.value.code == "admin_required"
    with (
        work(as_="support", account="acme", reason="ticket 7") as ctx,
        pytest.raises(RuleViolation),
    ):
        change(ctx, "ada@acme.test")


@pytest.mark.parametrize("actor", ["bill@acme.test", "mia@acme.test"])
@pytest.mark.parametrize("change", [members.deactivate, members.reactivate, members.remove])
def test_only_the_admin_changes_status(
    work: Any, team: dict[str, str], actor: str, change: Any
) -> None:
    with work(as_=actor) as ctx, pytest.raises(PermissionDenied):
        change(ctx, "max@acme.test")
    assert roles(work)["max@acme.test"] == ("member", "active")


def test_deactivate_reactivate_round_trip(work: Any, team: dict[str, str]) -> None:
    with work(as_="ada@acme.test") as ctx:
        assert members.deactivate(ctx, "max@acme.test")[1] is None
    with work(as_="ada@acme.test") as ctx:
        assert members.deactivate(ctx, "max@acme.test")[1] is not None  # re-run: unchanged
    assert roles(work)["max@acme.test"] == ("member", "deactivated")
    with work(as_="ada@acme.test") as ctx:
        assert members.reactivate(ctx, "max@acme.test")[1] is None
    with work(as_="ada@acme.test") as ctx:
        assert members.reactivate(ctx, "max@acme.test")[1] is not None
    assert roles(work)["max@acme.test"] == ("member", "active")
    assert [a for a, _, _ in actions(work)][-2:] == ["team.deactivate", "team.reactivate"]


def test_a_deactivated_member_can_do_nothing_not_even_read(work: Any, team: dict[str, str]) -> None:
    with work(as_="ada@acme.test") as ctx:
        members.deactivate(ctx, "bill@acme.test")
    with work(as_="bill@acme.test") as ctx, pytest.raises(PermissionDenied):
        members.list_members(ctx)
    with work(as_="bill@acme.test") as ctx, pytest.raises(PermissionDenied):
        inviting.invite_many(ctx, [InviteRequest("new@acme.test")])
    with work(as_="bill@acme.test") as ctx, pytest.raises(PermissionDenied):
        members.leave(ctx)


def test_reactivating_a_removed_member_is_refused(work: Any, team: dict[str, str]) -> None:
    with work(as_="ada@acme.test") as ctx:
        members.remove(ctx, "max@acme.test")
    with work(as_="ada@acme.test") as ctx, pytest.raises(RuleViolation) as refused:
        members.reactivate(ctx, "max@acme.test")
    assert refused.value.code == "member_gone"
    with work(as_="ada@acme.test") as ctx:
        assert members.remove(ctx, "max@acme.test")[1] is not None


def invite_and_accept(work: Any, inviter: str, email: str, name: str = "X") -> None:
    with work(as_=inviter) as ctx:
        [result] = inviting.invite_many(ctx, [InviteRequest(email)])
        assert result.error is None, result.error
        token = result.invitation.token  # type: ignore[union-attr]
    with work() as ctx:
        invitations.accept(ctx, token, name)


def second_account(cli: Cli) -> None:
    made = cli("account", "create", "Beta", "--admin", "bea@beta.test", "--slug", "beta")
    assert made.exit_code == 0, made.stderr


def test_remove_releases_the_email(work: Any, cli: Cli, team: dict[str, str]) -> None:
    second_account(cli)
    with work(as_="bea@beta.test") as ctx:
        [held] = inviting.invite_many(ctx, [InviteRequest("max@acme.test")])
    assert isinstance(held.error, EmailTaken)
    with work(as_="ada@acme.test") as ctx:
        members.remove(ctx, "max@acme.test")
    invite_and_accept(work, "bea@beta.test", "max@acme.test", "Max Again")
    with work(account="beta", write=False) as ctx:
        assert [(m.email, m.status) for m in members.list_members(ctx)] == [
            ("bea@beta.test", "active"),
            ("max@acme.test", "active"),
        ]


def test_leave_closes_and_holds_the_email_forever(
    work: Any, cli: Cli, team: dict[str, str]
) -> None:
    second_account(cli)
    with work(as_="mia@acme.test") as ctx:
        member = members.leave(ctx)
    assert (member.email, member.status) == ("mia@acme.test", "closed")
    for inviter in ("bea@beta.test", "ada@acme.test"):
        with work(as_=inviter) as ctx:
            [result] = inviting.invite_many(ctx, [InviteRequest("Mia@ACME.test")])
        assert result.result == "failed"
        assert isinstance(result.error, EmailTaken)
        assert result.error.code == "email_taken"
    with work(account="beta") as ctx, pytest.raises(EmailTaken):
        from fpctl.services.team import accounts

        accounts.create(ctx, name="Gamma", admin_email="mia@acme.test")


def test_the_admin_cannot_leave(work: Any, team: dict[str, str]) -> None:
    with work(as_="ada@acme.test") as ctx, pytest.raises(PermissionDenied):
        members.leave(ctx)
    with work(as_="support", account="acme", reason="r") as ctx, pytest.raises(PermissionDenied):
        members.leave(ctx)


def test_acting_on_another_accounts_member_is_not_found(
    work: Any, cli: Cli, team: dict[str, str]
) -> None:
    second_account(cli)
    for change in (members.deactivate, members.remove, members.reactivate):
        with work(as_="bea@beta.test") as ctx, pytest.raises(NotFound):
            change(ctx, "mia@acme.test")
    with work(as_="bea@beta.test") as ctx, pytest.raises(NotFound):
        members.set_role(ctx, "mia@acme.test", "admin")
    assert roles(work)["mia@acme.test"] == ("member", "active")


def test_a_change_without_an_actor_is_a_usage_error(work: Any, team: dict[str, str]) -> None:
    with work(account="acme") as ctx, pytest.raises(InvalidInput):
        members.deactivate(ctx, "mia@acme.test")


def drop_the_admin(work: Any, *, status: str = "removed") -> None:
    """Imported data without a usable admin (the services never make this state)."""
    with work() as ctx:
        ctx.session.execute(
            text("UPDATE member SET status = :status WHERE email = 'ada@acme.test'"),
            {"status": status},
        )


@pytest.mark.parametrize("status", ["removed", "deactivated"])
def test_support_appoints_an_admin_when_there_is_none(
    work: Any, team: dict[str, str], status: str
) -> None:
    drop_the_admin(work, status=status)
    with work(as_="support", account="acme", reason="ticket 9") as ctx:
        member, unchanged = members.set_role(ctx, "bill@acme.test", "admin")
        changed = unchanged is None
    assert (member.role, changed) == ("admin", True)
    admins = [e for e, (r, s) in roles(work).items() if r == "admin"]
    assert admins == ["bill@acme.test"]  # the unusable admin seat was demoted too
    with work(write=False) as ctx:
        last = ctx.session.execute(
            text("SELECT action, actor, agent, reason FROM audit_record ORDER BY id DESC")
        ).first()
    assert tuple(last) == ("admin.appoint", f"support:{last[2]}", last[2], "ticket 9")
    with work(write=False) as ctx:
        assert audit.verify(ctx.session)[0] is None


def test_appointing_needs_support_with_a_reason(work: Any, team: dict[str, str]) -> None:
    drop_the_admin(work)
    with work(as_="bill@acme.test") as ctx, pytest.raises(PermissionDenied):
        members.set_role(ctx, "bill@acme.test", "admin")
    with work(as_="support", account="acme") as ctx, pytest.raises(PermissionDenied) as refused:
        members.set_role(ctx, "bill@acme.test", "admin")
    assert refused.value.code == "reason_required"


def test_support_with_a_reason_transfers_like_the_admin(work: Any, team: dict[str, str]) -> None:
    with work(as_="support", account="acme", reason="customer asked") as ctx:
        members.set_role(ctx, "max@acme.test", "admin")
    assert roles(work)["ada@acme.test"] == ("member", "active")
    assert roles(work)["max@acme.test"] == ("admin", "active")
    assert [a for a, _, _ in actions(work)][-2:] == ["role.set", "role.set"]
