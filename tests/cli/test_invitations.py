"""Invitations after they are sent: accept, withdraw, resend, expiry, listing (SPEC §1.3)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli

ADA = "ada@acme.test"


def invite(cli: Cli, email: str, actor: str = ADA, *extra: str) -> dict[str, Any]:
    result = cli("team", "invite", email, "--as", actor, "-o", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return result.json


def status_of(cli: Cli, invitation_id: int, *extra: str) -> str:
    listed = cli("team", "invitations", "--account", "acme", "-o", "json", *extra)
    assert listed.exit_code == 0, listed.stderr
    return next(i["status"] for i in listed.json if i["id"] == invitation_id)


# -- accept ---------------------------------------------------------------------------------


def test_accept_creates_an_active_member_with_the_invited_role(cli: Cli, acme: str) -> None:
    sent = invite(cli, "bea@acme.test", ADA, "--role", "billing_manager")
    result = cli("team", "accept", sent["token"], "--name", "Bea Blue", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json == {
        "id": 2,
        "email": "bea@acme.test",
        "name": "Bea Blue",
        "role": "billing_manager",
        "status": "active",
        "account": "acme",
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-01T10:00:00Z",
    }
    assert status_of(cli, sent["id"]) == "accepted"
    again = cli("team", "accept", sent["token"], "--name", "Bea", "-o", "json")
    assert (again.exit_code, again.error["code"]) == (5, "invitation_invalid")


def test_accept_rechecks_that_the_email_is_free(cli: Cli, acme: str) -> None:
    assert (
        cli("account", "create", "Beta", "--admin", "bob@beta.test", "--slug", "beta").exit_code
        == 0
    )
    here = invite(cli, "zed@x.test", ADA)
    there = invite(cli, "zed@x.test", "bob@beta.test")
    assert cli("team", "accept", there["token"], "--name", "Zed").exit_code == 0
    result = cli("team", "accept", here["token"], "--name", "Zed", "-o", "json")
    assert result.exit_code == 5
    assert result.error["code"] == "email_taken"
    assert status_of(cli, here["id"]) == "pending"  # a refused command changes nothing


def test_an_unknown_token_is_not_found(cli: Cli, acme: str) -> None:
    result = cli("team", "accept", "no-such-token", "--name", "Zed", "-o", "json")
    assert result.exit_code == 3
    assert result.error["code"] == "not_found"


def test_accept_needs_a_name(cli: Cli, acme: str) -> None:
    sent = invite(cli, "zed@x.test")
    result = cli("team", "accept", sent["token"], "-o", "json")
    assert result.exit_code == 2


def _withdrawn(cli: Cli) -> dict[str, Any]:
    sent = invite(cli, "zed@x.test")
    assert cli("team", "withdraw", str(sent["id"]), "--as", ADA).exit_code == 0
    return sent


def _superseded(cli: Cli) -> dict[str, Any]:
    sent = invite(cli, "zed@x.test")
    invite(cli, "zed@x.test", ADA, "--role", "billing_manager")
    return sent


def _expired(cli: Cli) -> dict[str, Any]:
    sent = invite(cli, "zed@x.test")
    assert cli("tick", "--now", "2026-12-01T10:00:00Z").exit_code == 0
    return sent


def _rejected(cli: Cli) -> dict[str, Any]:
    assert cli("policy", "add", "invite-approval", "--as", ADA).exit_code == 0
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    assert cli("approvals", "reject", "1", "--as", ADA, "--reason", "no").exit_code == 0
    return sent


@pytest.mark.parametrize(
    ("make", "status"),
    [
        (_withdrawn, "withdrawn"),
        (_superseded, "superseded"),
        (_expired, "expired"),
        (_rejected, "rejected"),
    ],
)
def test_a_closed_invitation_is_no_longer_valid(
    cli: Cli, team: dict[str, str], make: Any, status: str
) -> None:
    sent = make(cli)
    result = cli(
        "team",
        "accept",
        sent["token"],
        "--name",
        "Zed",
        "--now",
        "2026-12-02T00:00:00Z",
        "-o",
        "json",
    )
    assert result.exit_code == 5
    assert result.error == {
        "code": "invitation_invalid",
        "message": f"this invitation is no longer valid (it was {status})",
        "hint": "ask the account's admin for a new invitation",
    }
    members = cli("team", "list", "--account", "acme", "-o", "json").json
    assert "zed@x.test" not in [m["email"] for m in members]


def test_an_invitation_awaiting_approval_cannot_be_accepted(cli: Cli, team: dict[str, str]) -> None:
    assert cli("policy", "add", "invite-approval", "--as", ADA).exit_code == 0
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    result = cli("team", "accept", sent["token"], "--name", "Zed", "-o", "json")
    assert (result.exit_code, result.error["code"]) == (5, "invitation_invalid")


# -- withdraw -------------------------------------------------------------------------------


def test_the_admin_withdraws_any_invitation(cli: Cli, team: dict[str, str]) -> None:
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    result = cli("team", "withdraw", "ZED@x.test", "--as", ADA, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json == {
        "id": sent["id"],
        "email": "zed@x.test",
        "role": "member",
        "status": "withdrawn",
        "invited_by": "mia@acme.test",
        "account": "acme",
        "created_at": "2026-11-01T10:00:00Z",
        "sent_at": "2026-11-01T10:00:00Z",
        "expires_at": "2026-12-01T10:00:00Z",
        "resent_count": 0,
        "token": None,
    }
    again = cli("team", "withdraw", str(sent["id"]), "--as", ADA, "-o", "json")
    assert (again.exit_code, again.json["status"]) == (0, "withdrawn")
    assert "nothing changed" in again.stderr


def test_an_inviter_withdraws_their_own(cli: Cli, team: dict[str, str]) -> None:
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    result = cli("team", "withdraw", str(sent["id"]), "--as", "mia@acme.test", "-o", "json")
    assert (result.exit_code, result.json["status"]) == (0, "withdrawn")


@pytest.mark.parametrize("actor", ["max@acme.test", "bill@acme.test"])
def test_another_member_cannot_withdraw_it(cli: Cli, team: dict[str, str], actor: str) -> None:
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    result = cli("team", "withdraw", str(sent["id"]), "--as", actor, "-o", "json")
    assert result.exit_code == 4
    assert result.error == {
        "code": "permission_denied",
        "message": f"{actor} cannot withdraw invitation {sent['id']}: only its inviter "
        "(mia@acme.test) or the admin can",
    }
    assert status_of(cli, sent["id"]) == "pending"


def test_withdrawing_an_unknown_invitation_is_not_found(cli: Cli, acme: str) -> None:
    result = cli("team", "withdraw", "42", "--as", ADA, "-o", "json")
    assert (result.exit_code, result.error["code"]) == (3, "not_found")


def test_an_accepted_invitation_cannot_be_withdrawn(cli: Cli, acme: str) -> None:
    sent = invite(cli, "zed@x.test")
    assert cli("team", "accept", sent["token"], "--name", "Zed").exit_code == 0
    result = cli("team", "withdraw", str(sent["id"]), "--as", ADA, "-o", "json")
    assert (result.exit_code, result.error["code"]) == (5, "invitation_invalid")


# -- resend and expiry ----------------------------------------------------------------------


def test_resend_restarts_the_30_day_clock(cli: Cli, acme: str) -> None:
    sent = invite(cli, "zed@x.test")
    result = cli(
        "team", "resend", "zed@x.test", "--as", ADA, "--now", "2026-11-21T10:00:00Z", "-o", "json"
    )
    assert result.exit_code == 0, result.stderr
    view = result.json
    assert (view["sent_at"], view["expires_at"], view["resent_count"]) == (
        "2026-11-21T10:00:00Z",
        "2026-12-21T10:00:00Z",
        1,
    )
    assert view["token"] == sent["token"]  # the same invitation, the same link
    assert status_of(cli, sent["id"], "--now", "2026-12-21T09:59:59Z") == "pending"
    assert status_of(cli, sent["id"], "--now", "2026-12-21T10:00:00Z") == "expired"


def test_another_member_cannot_resend_it(cli: Cli, team: dict[str, str]) -> None:
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    result = cli("team", "resend", str(sent["id"]), "--as", "max@acme.test", "-o", "json")
    assert (result.exit_code, result.error["code"]) == (4, "permission_denied")


def test_an_expired_invitation_cannot_be_resent(cli: Cli, acme: str) -> None:
    sent = invite(cli, "zed@x.test")
    result = cli(
        "team",
        "resend",
        str(sent["id"]),
        "--as",
        ADA,
        "--now",
        "2026-12-01T10:00:00Z",
        "-o",
        "json",
    )
    assert (result.exit_code, result.error["code"]) == (5, "invitation_invalid")


@pytest.mark.parametrize(
    ("now", "status"),
    [
        ("2026-12-01T09:59:00Z", "pending"),  # 29 days 23 h 59 min
        ("2026-12-01T10:00:00Z", "expired"),  # 30 days
    ],
)
def test_a_pending_invitation_expires_30_days_after_it_was_sent(
    cli: Cli, acme: str, now: str, status: str
) -> None:
    sent = invite(cli, "zed@x.test")
    assert status_of(cli, sent["id"], "--now", now) == status


def test_expiry_is_settled_lazily_before_a_change(cli: Cli, acme: str) -> None:
    sent = invite(cli, "zed@x.test")
    again = cli(
        "team", "invite", "zed@x.test", "--as", ADA, "--now", "2026-12-01T10:00:00Z", "-o", "json"
    )
    assert again.exit_code == 0, again.stderr
    assert (again.json["result"], again.json["id"]) == ("invited", sent["id"] + 1)
    assert status_of(cli, sent["id"], "--now", "2026-12-01T10:00:00Z") == "expired"


def test_an_invitation_awaiting_approval_expires_after_7_days(
    cli: Cli, team: dict[str, str]
) -> None:
    assert cli("policy", "add", "invite-approval", "--as", ADA).exit_code == 0
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    assert sent["expires_at"] == "2026-11-08T10:00:00Z"
    assert status_of(cli, sent["id"], "--now", "2026-11-08T09:59:59Z") == "awaiting_approval"
    assert status_of(cli, sent["id"], "--now", "2026-11-08T10:00:00Z") == "expired"


# -- listing --------------------------------------------------------------------------------


def test_tokens_are_shown_to_the_inviter_and_the_admin_only(cli: Cli, team: dict[str, str]) -> None:
    sent = invite(cli, "zed@x.test", "mia@acme.test")

    def token_seen_by(actor: str) -> Any:
        listed = cli("team", "invitations", "--as", actor, "--status", "pending", "-o", "json")
        assert listed.exit_code == 0, listed.stderr
        return listed.json[0]["token"]

    assert token_seen_by("mia@acme.test") == sent["token"]
    assert token_seen_by(ADA) == sent["token"]
    assert token_seen_by("max@acme.test") is None
    assert token_seen_by("bill@acme.test") is None


def test_invitations_json_keys(cli: Cli, acme: str) -> None:
    sent = invite(cli, "zed@x.test")
    listed = cli("team", "invitations", "--account", "acme", "-o", "json")
    assert listed.json == [
        {
            "id": 1,
            "email": "zed@x.test",
            "role": "member",
            "status": "pending",
            "invited_by": ADA,
            "account": "acme",
            "created_at": "2026-11-01T10:00:00Z",
            "sent_at": "2026-11-01T10:00:00Z",
            "expires_at": "2026-12-01T10:00:00Z",
            "resent_count": 0,
            "token": sent["token"],
        }
    ]


def test_invitations_filter_by_status(cli: Cli, acme: str) -> None:
    invite(cli, "a@x.test")
    _withdrawn(cli)
    listed = cli("team", "invitations", "--account", "acme", "--status", "withdrawn", "-o", "json")
    assert [(i["email"], i["status"]) for i in listed.json] == [("zed@x.test", "withdrawn")]
    bad = cli("team", "invitations", "--account", "acme", "--status", "nope", "-o", "json")
    assert bad.exit_code == 2
