"""`fpctl audit list | verify` and what every change writes (SPEC §1.10)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.backends import sql
from tests.conftest import Cli, changes_nothing

ADA = "ada@acme.test"


def trail(cli: Cli, *extra: str) -> list[dict[str, Any]]:
    result = cli("audit", "list", "--account", "acme", "-o", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return result.json


def actions(cli: Cli, *extra: str) -> list[tuple[str, str]]:
    return [(r["action"], r["target"]) for r in trail(cli, *extra)]


def test_an_audit_record_has_the_stable_keys(cli: Cli, acme: str) -> None:
    records = trail(cli)
    assert len(records) == 1
    record = records[0]
    assert isinstance(record.pop("hash"), str)
    assert record == {
        "id": 1,
        "at": "2026-11-01T10:00:00Z",
        "actor": ADA,
        "actor_kind": "member",
        "agent": None,
        "action": "account.create",
        "target": "account:1 acme",
        "account": "acme",
        "reason": None,
        "changes": {"admin": [None, ADA], "name": [None, "Acme"], "plan": [None, "basic"]},
        "prev_hash": "0" * 64,
    }


def test_one_record_per_changed_object(cli: Cli, team: dict[str, str]) -> None:
    start = len(trail(cli))
    cli("team", "invite", "zed@x.test", "--as", "mia@acme.test")
    cli("team", "invite", "zed@x.test", "--role", "billing_manager", "--as", ADA)
    assert actions(cli)[start:] == [
        ("team.invite", "invitation:4 zed@x.test"),
        ("team.supersede", "invitation:4 zed@x.test"),
        ("team.invite", "invitation:5 zed@x.test"),
    ]


def test_approving_records_the_request_and_the_invitation(cli: Cli, team: dict[str, str]) -> None:
    assert cli("policy", "add", "invite-approval", "--as", ADA).exit_code == 0
    cli("team", "invite", "zed@x.test", "--as", "mia@acme.test")
    start = len(trail(cli))
    assert cli("approvals", "approve", "1", "--as", ADA).exit_code == 0
    assert actions(cli)[start:] == [
        ("approval.approve", "approval:1 invitation:4"),
        ("invitation.send", "invitation:4 zed@x.test"),
    ]


def test_rejecting_records_the_request_and_the_invitation(cli: Cli, team: dict[str, str]) -> None:
    assert cli("policy", "add", "invite-approval", "--as", ADA).exit_code == 0
    cli("team", "invite", "zed@x.test", "--as", "mia@acme.test")
    start = len(trail(cli))
    assert cli("approvals", "reject", "1", "--as", ADA, "--reason", "no").exit_code == 0
    assert actions(cli)[start:] == [
        ("approval.reject", "approval:1 invitation:4"),
        ("invitation.reject", "invitation:4 zed@x.test"),
    ]


def test_a_refused_command_writes_nothing(cli: Cli, team: dict[str, str]) -> None:
    before = trail(cli)
    refused = cli(
        "team", "invite", "zed@x.test", "--role", "billing_manager", "--as", "mia@acme.test"
    )
    assert refused.exit_code == 4
    assert cli("policy", "add", "invite-approval", "--as", "bill@acme.test").exit_code == 4
    assert trail(cli) == before


def test_a_dry_run_writes_nothing(cli: Cli, acme: str) -> None:
    before = trail(cli)
    assert cli("team", "invite", "zed@x.test", "--as", ADA, "--dry-run").exit_code == 0
    assert cli("policy", "add", "invite-approval", "--as", ADA, "--dry-run").exit_code == 0
    assert trail(cli) == before


def test_filters(cli: Cli, team: dict[str, str]) -> None:
    cli("policy", "add", "invite-approval", "--as", ADA, "--now", "2026-11-05T00:00:00Z")
    cli("team", "invite", "zed@x.test", "--as", ADA, "--now", "2026-11-06T00:00:00Z")
    exact = actions(cli, "--action", "policy.add")
    assert exact == [("policy.add", "policy:1 invite-approval")]
    assert {a for a, _ in actions(cli, "--action", "team.*")} == {"team.invite", "team.accept"}
    assert actions(cli, "--action", "team") == []  # not a prefix without . or *
    assert [r["actor"] for r in trail(cli, "--actor", "mia@acme.test")] == ["mia@acme.test"]
    since = actions(cli, "--since", "2026-11-05", "--now", "2026-11-06T00:00:00Z")
    assert since == [
        ("policy.add", "policy:1 invite-approval"),
        ("team.invite", "invitation:4 zed@x.test"),
    ]
    bad = cli("audit", "list", "--account", "acme", "--since", "yesterday", "-o", "json")
    assert (bad.exit_code, bad.error["code"]) == (2, "invalid_input")


def test_support_records_its_agent_and_reason(
    cli: Cli, acme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    result = cli(
        "team",
        "invite",
        "zed@x.test",
        "--as",
        "support",
        "--account",
        "acme",
        "--reason",
        "ticket 42",
    )
    assert result.exit_code == 0, result.stderr
    record = trail(cli, "--actor", "support:sam")[0]
    assert (record["actor"], record["actor_kind"], record["agent"], record["reason"]) == (
        "support:sam",
        "support",
        "sam",
        "ticket 42",
    )


def test_support_without_a_reason_is_refused(cli: Cli, acme: str) -> None:
    result = cli("team", "invite", "z@x.test", "--as", "support", "--account", "acme", "-o", "json")
    assert (result.exit_code, result.error["code"]) == (4, "reason_required")


@pytest.mark.parametrize("reason", ["   ", "\u200b", "\t\u200e\u202e", "\x1b\x07"])
def test_a_reason_needs_visible_text(cli: Cli, acme: str, reason: str) -> None:
    support = ("--as", "support", "--account", "acme", "--reason", reason)
    with changes_nothing():
        result = cli("team", "invite", "z@x.test", *support, "-o", "json")
    assert (result.exit_code, result.error["code"]) == (4, "reason_required")
    assert result.error["message"].endswith("this one has no visible text")


def test_a_reason_is_a_sentence_not_a_document(cli: Cli, acme: str) -> None:
    support = ("--as", "support", "--account", "acme", "--reason", "x" * 501)
    with changes_nothing():
        result = cli("team", "invite", "z@x.test", *support, "-o", "json")
    assert (result.exit_code, result.error["message"]) == (
        2,
        "the reason is longer than 500 characters",
    )
    kept = cli("team", "invite", "z@x.test", "--as", "support", "--account", "acme",
               "--reason", "x" * 500)  # fmt: skip
    assert kept.exit_code == 0, kept.stderr


@pytest.mark.parametrize("actor", ["bill@acme.test", "mia@acme.test"])
def test_only_the_admin_reads_the_audit(cli: Cli, team: dict[str, str], actor: str) -> None:
    result = cli("audit", "list", "--as", actor, "-o", "json")
    assert result.exit_code == 4
    assert result.stdout == ""  # no half-written JSON array
    assert result.error == {
        "code": "permission_denied",
        "message": f"{actor} cannot read the audit trail: only the admin and support can",
    }
    assert cli("audit", "list", "--as", ADA, "-o", "json").exit_code == 0


def test_verify_an_intact_chain(cli: Cli, team: dict[str, str]) -> None:
    records = trail(cli)
    result = cli("audit", "verify", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json == {"ok": True, "records": len(records), "head": records[-1]["hash"]}
    assert [r["prev_hash"] for r in records[1:]] == [r["hash"] for r in records[:-1]]


def test_verify_an_empty_store(cli: Cli) -> None:
    result = cli("audit", "verify", "-o", "json")
    assert result.json == {"ok": True, "records": 0, "head": "0" * 64}


# -- anchors: proving later that nothing was cut from the end ---------------------------------


def _anchor(cli: Cli) -> str:
    result = cli("audit", "verify", "--head")
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def test_the_anchor_is_the_count_and_the_head(cli: Cli, acme: str) -> None:
    verified = cli("audit", "verify", "-o", "json").json
    anchor = f"{verified['records']}:{verified['head']}"
    assert _anchor(cli) == anchor
    assert cli("audit", "verify", "--head", "-o", "json").json == {
        "records": verified["records"],
        "head": verified["head"],
        "anchor": anchor,
    }


def test_a_trail_that_grew_still_extends_its_anchor(cli: Cli, acme: str) -> None:
    anchor = _anchor(cli)
    assert cli("team", "invite", "zoe@acme.test", "--as", "ada@acme.test").exit_code == 0
    assert cli("audit", "verify", "--expect", anchor).exit_code == 0


def test_a_cut_tail_no_longer_extends_the_anchor(cli: Cli, acme: str, backend: str) -> None:
    assert cli("team", "invite", "zoe@acme.test", "--as", "ada@acme.test").exit_code == 0
    anchor = _anchor(cli)
    sql(
        "DROP TRIGGER audit_record_no_delete"
        + (" ON audit_record" if backend == "postgres" else "")
    )
    sql("DELETE FROM audit_record WHERE id > 1")  # the chain that is left verifies

    result = cli("audit", "verify", "--expect", anchor, "-o", "json")

    assert (result.exit_code, result.error["code"]) == (5, "audit_cut")
    assert result.error["message"].endswith("record 2 is gone")
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("anchor", "exit_code"),
    [("1:" + "0" * 64, 5), ("99:" + "0" * 64, 5), ("1:xyz", 2), ("abc", 2)],
    ids=["another-hash", "beyond-the-end", "not-hex", "no-count"],
)
def test_an_anchor_the_trail_does_not_hold_fails(
    cli: Cli, acme: str, anchor: str, exit_code: int
) -> None:
    result = cli("audit", "verify", "--expect", anchor, "-o", "json")
    assert result.exit_code == exit_code, result.stderr
