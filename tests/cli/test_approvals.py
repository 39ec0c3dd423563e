"""Invitations held back by the invite-approval policy: `fpctl approvals` (SPEC §1.3, §1.4)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli

ADA = "ada@acme.test"


def policy(cli: Cli, applies_to: str = "both") -> None:
    result = cli("policy", "add", "invite-approval", "--applies-to", applies_to, "--as", ADA)
    assert result.exit_code == 0, result.stderr


def invite(cli: Cli, email: str, actor: str, *extra: str) -> dict[str, Any]:
    result = cli("team", "invite", email, "--as", actor, "-o", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return result.json


def invitation(cli: Cli, invitation_id: int, *extra: str) -> dict[str, Any]:
    listed = cli("team", "invitations", "--account", "acme", "-o", "json", *extra)
    return next(i for i in listed.json if i["id"] == invitation_id)


def requests(cli: Cli, *extra: str) -> list[dict[str, Any]]:
    listed = cli("approvals", "list", "--account", "acme", "-o", "json", *extra)
    assert listed.exit_code == 0, listed.stderr
    return listed.json


@pytest.mark.parametrize(
    ("applies_to", "waiting"),
    [
        ("members", {"mia@acme.test"}),
        ("billing-managers", {"bill@acme.test"}),
        ("both", {"mia@acme.test", "bill@acme.test"}),
    ],
)
def test_the_policy_covers_the_roles_it_names(
    cli: Cli, team: dict[str, str], applies_to: str, waiting: set[str]
) -> None:
    policy(cli, applies_to)
    results = {
        actor: invite(cli, f"new-{actor}", actor)["result"]
        for actor in ("mia@acme.test", "bill@acme.test", ADA)
    }
    assert results == {
        actor: "awaiting_approval" if actor in waiting else "invited" for actor in results
    }
    assert {r["requested_by"] for r in requests(cli)} == waiting


def test_a_waiting_invitation_is_listed_as_a_request(cli: Cli, team: dict[str, str]) -> None:
    policy(cli)
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    assert (sent["status"], sent["sent_at"], sent["expires_at"]) == (
        "awaiting_approval",
        None,
        "2026-11-08T10:00:00Z",
    )
    assert requests(cli) == [
        {
            "id": 1,
            "kind": "invitation",
            "subject_id": sent["id"],
            "subject": "zed@x.test",
            "requested_by": "mia@acme.test",
            "status": "pending",
            "amount_cents": None,
            "policy_id": 1,
            "account": "acme",
            "created_at": "2026-11-01T10:00:00Z",
            "expires_at": "2026-11-08T10:00:00Z",
            "decided_at": None,
            "decided_by": None,
            "reason": None,
        }
    ]


def test_members_see_only_their_own_requests(cli: Cli, team: dict[str, str]) -> None:
    policy(cli)
    invite(cli, "zed@x.test", "mia@acme.test")
    mine = cli("approvals", "list", "--as", "mia@acme.test", "-o", "json")
    others = cli("approvals", "list", "--as", "max@acme.test", "-o", "json")
    assert (len(mine.json), others.json) == (1, [])


def test_approve_sends_the_invitation_with_30_days_from_now(cli: Cli, team: dict[str, str]) -> None:
    policy(cli)
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    result = cli(
        "approvals", "approve", "1", "--as", ADA, "--now", "2026-11-03T12:00:00Z", "-o", "json"
    )
    assert result.exit_code == 0, result.stderr
    assert (
        result.json["status"],
        result.json["decided_by"],
        result.json["decided_at"],
    ) == ("approved", ADA, "2026-11-03T12:00:00Z")
    now = invitation(cli, sent["id"], "--now", "2026-11-03T12:00:00Z")
    assert (now["status"], now["sent_at"], now["expires_at"]) == (
        "pending",
        "2026-11-03T12:00:00Z",
        "2026-12-03T12:00:00Z",
    )
    joined = cli("team", "accept", sent["token"], "--name", "Zed", "--now", "2026-11-04T00:00:00Z")
    assert joined.exit_code == 0, joined.stderr


def test_reject_with_a_reason(cli: Cli, team: dict[str, str]) -> None:
    policy(cli)
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    result = cli("approvals", "reject", "1", "--as", ADA, "--reason", "not now", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert (result.json["status"], result.json["reason"]) == ("rejected", "not now")
    assert invitation(cli, sent["id"])["status"] == "rejected"


@pytest.mark.parametrize("verb", ["approve", "reject"])
@pytest.mark.parametrize("actor", ["bill@acme.test", "mia@acme.test", "max@acme.test"])
def test_only_the_admin_decides(cli: Cli, team: dict[str, str], verb: str, actor: str) -> None:
    policy(cli)
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    result = cli("approvals", verb, "1", "--as", actor, "-o", "json")
    assert (result.exit_code, result.error["code"]) == (4, "permission_denied")
    assert invitation(cli, sent["id"])["status"] == "awaiting_approval"


def test_deciding_twice(cli: Cli, team: dict[str, str]) -> None:
    policy(cli)
    invite(cli, "zed@x.test", "mia@acme.test")
    assert cli("approvals", "approve", "1", "--as", ADA).exit_code == 0
    same = cli("approvals", "approve", "1", "--as", ADA, "-o", "json")
    assert (same.exit_code, same.json["status"]) == (0, "approved")
    assert "nothing changed" in same.stderr
    other = cli("approvals", "reject", "1", "--as", ADA, "-o", "json")
    assert other.exit_code == 5
    assert other.error == {
        "code": "request_closed",
        "message": "approval request 1 is already approved",
    }


def test_an_unknown_request_is_not_found(cli: Cli, acme: str) -> None:
    result = cli("approvals", "approve", "9", "--as", ADA, "-o", "json")
    assert (result.exit_code, result.error["code"]) == (3, "not_found")


def test_removing_the_policy_approves_nothing(cli: Cli, team: dict[str, str]) -> None:
    policy(cli)
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    assert cli("policy", "remove", "1", "--as", ADA).exit_code == 0
    assert [r["status"] for r in requests(cli)] == ["pending"]
    assert invitation(cli, sent["id"])["status"] == "awaiting_approval"
    # and new invitations go straight out
    assert invite(cli, "amy@x.test", "mia@acme.test")["result"] == "invited"


def test_an_undecided_request_expires_with_its_invitation(cli: Cli, team: dict[str, str]) -> None:
    policy(cli)
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    before = requests(cli, "--now", "2026-11-08T09:59:59Z")
    assert [r["status"] for r in before] == ["pending"]
    after = requests(cli, "--now", "2026-11-08T10:00:00Z")
    assert [(r["status"], r["decided_at"]) for r in after] == [("expired", "2026-11-08T10:00:00Z")]
    assert invitation(cli, sent["id"])["status"] == "expired"
    late = cli("approvals", "approve", "1", "--as", ADA, "-o", "json")
    assert (late.exit_code, late.error["code"]) == (5, "request_closed")


def test_withdrawing_a_waiting_invitation_closes_its_request(
    cli: Cli, team: dict[str, str]
) -> None:
    policy(cli)
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    assert cli("team", "withdraw", str(sent["id"]), "--as", "mia@acme.test").exit_code == 0
    assert [r["status"] for r in requests(cli)] == ["withdrawn"]
    late = cli("approvals", "approve", "1", "--as", ADA, "-o", "json")
    assert (late.exit_code, late.error["code"]) == (5, "request_closed")


def test_superseding_a_waiting_invitation_closes_its_request(
    cli: Cli, team: dict[str, str]
) -> None:
    policy(cli)
    sent = invite(cli, "zed@x.test", "mia@acme.test")
    newer = invite(cli, "zed@x.test", ADA, "--role", "billing_manager")
    assert [r["status"] for r in requests(cli)] == ["withdrawn"]
    late = cli("approvals", "approve", "1", "--as", ADA, "-o", "json")
    assert (late.exit_code, late.error["code"]) == (5, "request_closed")
    assert invitation(cli, sent["id"])["status"] == "superseded"
    assert invitation(cli, newer["id"])["status"] == "pending"


def test_the_approvals_table(cli: Cli, team: dict[str, str]) -> None:
    policy(cli)
    invite(cli, "zed@x.test", "mia@acme.test")
    result = cli("approvals", "list", "--as", ADA)
    assert result.exit_code == 0, result.stderr
    assert "zed@x.test" in result.stdout
    assert "invitation" in result.stdout
