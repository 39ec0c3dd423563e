"""`fpctl audit list | verify` and what every change writes (SPEC §1.10)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.backends import sql
from tests.conftest import TEMPLATE_AGENT, Cli, changes_nothing

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
        "agent": TEMPLATE_AGENT,  # the operator who ran `account create` (FPCTL_AGENT)
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
    assert {a for a, _ in actions(cli, "--action", "team")} == {"team.invite", "team.accept"}
    assert actions(cli, "--action", "team.inv") == []  # with a dot: one action, exactly
    assert [r["actor"] for r in trail(cli, "--actor", "mia@acme.test")] == ["mia@acme.test"]
    since = actions(cli, "--since", "2026-11-05", "--now", "2026-11-06T00:00:00Z")
    assert since == [
        ("policy.add", "policy:1 invite-approval"),
        ("team.invite", "invitation:4 zed@x.test"),
    ]
    bad = cli("audit", "list", "--account", "acme", "--since", "yesterday", "-o", "json")
    assert (bad.exit_code, bad.error["code"]) == (2, "invalid_input")


# -- finding what an agent looks for (issue 12, item 8) ---------------------------------------


def test_actor_by_kind_by_prefix_or_one(
    cli: Cli, team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for agent in ("sam", "kim"):
        monkeypatch.setenv("FPCTL_AGENT", agent)
        done = cli("team", "invite", f"{agent}@x.test", "--as", "support", "--account", "acme",
                   "--reason", "ticket 7")  # fmt: skip
        assert done.exit_code == 0, done.stderr
    assert [r["actor"] for r in trail(cli, "--actor", "support")] == ["support:sam", "support:kim"]
    assert [r["actor"] for r in trail(cli, "--actor", "support:s*")] == ["support:sam"]
    assert [r["actor"] for r in trail(cli, "--actor", "support:kim")] == ["support:kim"]
    assert [r["actor"] for r in trail(cli, "--actor", "MIA@Acme.test")] == ["mia@acme.test"]
    members = {r["actor"] for r in trail(cli, "--actor", "member")}
    assert members == {ADA, "bill@acme.test", "mia@acme.test", "max@acme.test"}
    assert trail(cli, "--actor", "system") == []


def test_action_by_group(cli: Cli, shop: dict[str, int]) -> None:
    placed = cli("order", "place", "--freelancer", "otto", "--service", "2", "--as", ADA,
                 "-o", "json")  # fmt: skip
    order = placed.json["id"]
    assert cli("order", "note", str(order), "call otto", "--as", ADA).exit_code == 0
    grouped = [a for a, _ in actions(cli, "--action", "order")]
    assert grouped == ["order.place", "order.note"]
    assert [a for a, _ in actions(cli, "--action", "ORDER.*")] == grouped
    assert [a for a, _ in actions(cli, "--action", "order.")] == grouped
    assert [a for a, _ in actions(cli, "--action", "order.note")] == ["order.note"]


def test_target_is_one_object_with_what_hangs_on_it(cli: Cli, shop: dict[str, int]) -> None:
    placed = cli("order", "place", "--freelancer", "otto", "--service", "2", "--as", ADA,
                 "-o", "json")  # fmt: skip
    order = placed.json["id"]
    assert cli("order", "note", str(order), "call otto", "--as", ADA).exit_code == 0
    assert cli("order", "comment", str(order), "hello", "--as", ADA).exit_code == 0
    other = cli("order", "place", "--freelancer", "otto", "--service", "2", "--as", ADA)
    assert other.exit_code == 0, other.stderr
    found = actions(cli, "--target", f"order:{order}")
    assert found == [
        ("order.place", f"order:{order}"),
        ("order.note", f"order:{order} note:1"),
        ("order.comment", f"order:{order} comment:1"),
    ]
    assert actions(cli, "--target", f"ORDER:{order}") == found
    assert actions(cli, "--target", "order:99") == []


def test_target_names_an_account_by_id_or_slug(cli: Cli, acme: str) -> None:
    assert cli("account", "update", "--industry", "Toys", "--as", ADA).exit_code == 0
    by_slug = actions(cli, "--target", "account:acme")
    assert by_slug == [("account.create", "account:1 acme"), ("account.update", "account:1 acme")]
    assert actions(cli, "--target", "account:1") == by_slug


def test_target_finds_the_approval_request_about_it(cli: Cli, team: dict[str, str]) -> None:
    assert cli("policy", "add", "invite-approval", "--as", ADA).exit_code == 0
    cli("team", "invite", "zed@x.test", "--as", "mia@acme.test")
    assert cli("approvals", "approve", "1", "--as", ADA).exit_code == 0
    assert actions(cli, "--target", "invitation:4") == [
        ("team.invite", "invitation:4 zed@x.test"),
        ("approval.approve", "approval:1 invitation:4"),
        ("invitation.send", "invitation:4 zed@x.test"),
    ]
    assert actions(cli, "--target", "invitation:44") == []


@pytest.mark.parametrize("target", ["order", "order:", "27", "order 27", "ordre-27"])
def test_a_target_is_kind_colon_id(cli: Cli, acme: str, target: str) -> None:
    result = cli("audit", "list", "--account", "acme", "--target", target, "-o", "json")
    assert (result.exit_code, result.error["code"]) == (2, "invalid_input")
    assert result.error["message"] == f"{target!r} is not a target: give KIND:ID"
    assert result.stdout == ""


def test_agent_is_the_operator_whoever_it_acted_as(
    cli: Cli, team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    assert cli("team", "invite", "a@x.test", "--as", "mia@acme.test").exit_code == 0
    assert cli("team", "invite", "b@x.test", "--as", "support", "--reason", "t",
               "--account", "acme").exit_code == 0  # fmt: skip
    monkeypatch.setenv("FPCTL_AGENT", "kim")
    assert cli("team", "invite", "c@x.test", "--as", ADA).exit_code == 0
    assert [(r["actor"], r["target"]) for r in trail(cli, "--agent", "sam")] == [
        ("mia@acme.test", "invitation:4 a@x.test"),
        ("support:sam", "invitation:5 b@x.test"),
    ]
    assert [r["target"] for r in trail(cli, "--agent", "kim", "--actor", ADA)] == [
        "invitation:6 c@x.test"
    ]


def test_newest_first_in_a_table_chain_order_for_scripts(cli: Cli, team: dict[str, str]) -> None:
    def ids(*extra: str) -> list[int]:
        result = cli("audit", "list", "--account", "acme", *extra)
        assert result.exit_code == 0, result.stderr
        return [int(line.split("│")[1]) for line in result.stdout.splitlines()
                if line.startswith("│") and line.split("│")[1].strip().isdigit()]  # fmt: skip

    assert ids() == [7, 6, 5, 4, 3, 2, 1]
    assert ids("--reverse") == [1, 2, 3, 4, 5, 6, 7]
    assert ids("--limit", "2") == [7, 6]  # the first page is the latest work
    assert [r["id"] for r in trail(cli)] == [1, 2, 3, 4, 5, 6, 7]
    assert [r["id"] for r in trail(cli, "--reverse")] == [7, 6, 5, 4, 3, 2, 1]
    csv = cli("audit", "list", "--account", "acme", "-o", "csv", "--limit", "2")
    assert [line.split(",")[0] for line in csv.stdout.splitlines()] == ["id", "1", "2"]


def test_changes_read_as_old_to_new_in_a_table(
    cli: Cli, team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    assert cli("role", "set", "max@acme.test", "billing_manager", "--as", ADA).exit_code == 0
    result = cli("audit", "list", "--account", "acme", "--limit", "1")
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == "Audit trail"
    header = [cell.strip() for cell in lines[2].split("┃")[1:-1]]
    assert header == [  # most important first; the account is the context, not a column
        "ID", "AT", "ACTION", "TARGET", "ACTOR", "AGENT", "REASON", "CHANGES",
    ]  # fmt: skip
    row = [cell.strip() for cell in lines[4].split("│")[1:-1]]
    assert (row[2], row[4], row[5]) == ("role.set", ADA, "sam")
    assert row[-1] == "role: member → billing_manager"
    assert "[" not in result.stdout
    created = cli("audit", "list", "--account", "acme", "--reverse", "--limit", "1")
    cells = [line.split("│")[-2].strip() for line in created.stdout.splitlines()
             if line.startswith("│")]  # fmt: skip
    assert cells == [f"admin: — → {ADA}", "name: — → Acme", "plan: — → basic"]
    data = cli("audit", "list", "--account", "acme", "-o", "json", "--reverse", "--limit", "1")
    assert data.json[0]["changes"] == {"role": ["member", "billing_manager"]}


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


# -- every record names the operator and keeps --reason, whatever the actor (SPEC §3.2) -----


def who(record: dict[str, Any]) -> tuple[str, str, str | None, str | None]:
    return (record["action"], record["actor"], record["agent"], record["reason"])


def test_acting_for_a_customer_names_the_agent_and_keeps_the_reason(
    cli: Cli, team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    done = cli("team", "invite", "zed@x.test", "--as", "mia@acme.test", "--reason", "ticket 99")
    assert done.exit_code == 0, done.stderr
    assert who(trail(cli)[-1]) == ("team.invite", "mia@acme.test", "sam", "ticket 99")
    plain = cli("team", "invite", "zoe@x.test", "--as", "mia@acme.test")
    assert plain.exit_code == 0, plain.stderr
    assert who(trail(cli)[-1]) == ("team.invite", "mia@acme.test", "sam", None)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (("team", "leave", "--as", "mia@acme.test", "--yes"), ("team.leave", "mia@acme.test")),
        (
            ("subscription", "switch", "fiverr", "--as", ADA, "--yes"),
            ("subscription.switch", ADA),
        ),
        (("account", "update", "--industry", "Toys", "--as", ADA), ("account.update", ADA)),
        (
            ("role", "set", "max@acme.test", "billing_manager", "--as", ADA),
            ("role.set", ADA),
        ),
    ],
    ids=["team-leave", "subscription-switch", "account-update", "role-set"],
)
def test_a_reason_given_to_a_change_is_kept(
    cli: Cli,
    team: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
    expected: tuple[str, str],
) -> None:
    """`team leave --reason` and `subscription switch --reason` were accepted and dropped."""
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    done = cli(*command, "--reason", "ticket 99")
    assert done.exit_code == 0, done.stderr
    records = [r for r in trail(cli) if r["id"] > 7]  # the team store holds 7 records
    assert records and {who(r) for r in records} >= {(*expected, "sam", "ticket 99")}
    assert {(r["agent"], r["reason"]) for r in records} == {("sam", "ticket 99")}


def test_a_sign_up_and_an_acceptance_without_an_actor_name_the_operator(
    cli: Cli, acme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    created = cli("account", "create", "Beta", "--admin", "bea@beta.test", "--slug", "beta",
                  "--reason", "sales call", "-o", "json")  # fmt: skip
    assert created.exit_code == 0, created.stderr
    invited = cli("team", "invite", "ben@beta.test", "--as", "bea@beta.test", "-o", "json")
    accepted = cli("team", "accept", invited.json["token"], "--name", "Ben", "--reason", "phone")
    assert accepted.exit_code == 0, accepted.stderr
    beta = cli("audit", "list", "--account", "beta", "-o", "json").json
    assert [who(r) for r in beta] == [
        ("account.create", "bea@beta.test", "sam", "sales call"),
        ("team.invite", "bea@beta.test", "sam", None),
        ("team.accept", "ben@beta.test", "sam", "phone"),
    ]


def test_a_freelancer_s_change_names_the_operator(
    cli: Cli, shop: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    placed = cli("order", "place", "--freelancer", "otto", "--service", "2", "--as", ADA,
                 "-o", "json")  # fmt: skip
    assert placed.exit_code == 0, placed.stderr
    skipped = cli("order", "skip-requirements", str(placed.json["id"]), "--as", "@otto",
                  "--reason", "buyer is away")  # fmt: skip
    assert skipped.exit_code == 0, skipped.stderr
    assert who(trail(cli)[-1])[1:] == ("@otto", "sam", "buyer is away")


def test_settlement_names_the_operator_whose_command_settled_it(
    cli: Cli, team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lazy settlement acts as `system` for the operator who ran the command, without that
    command's reason (it explains the command, not the clock); `tick --reason` keeps its."""
    assert cli("team", "invite", "a@x.test", "b@x.test", "--as", ADA).exit_code == 0
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    later = ("--now", "2026-12-02T10:00:00Z")
    assert cli("team", "invite", "c@x.test", "--as", ADA, "--reason", "t1", *later).exit_code == 0
    assert [who(r) for r in trail(cli, *later)[-3:]] == [
        ("invitation.expire", "system", "sam", None),
        ("invitation.expire", "system", "sam", None),
        ("team.invite", ADA, "sam", "t1"),
    ]
    monkeypatch.setenv("FPCTL_AGENT", "kim")
    assert cli("tick", "--reason", "nightly", "--now", "2027-01-02T10:00:00Z").exit_code == 0
    assert who(trail(cli, "--now", "2027-01-02T10:00:00Z")[-1]) == (
        "invitation.expire", "system", "kim", "nightly",
    )  # fmt: skip


def test_without_fpctl_agent_the_login_name(
    cli: Cli, acme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "lena.ops")
    assert cli("team", "invite", "zed@x.test", "--as", ADA).exit_code == 0
    assert who(trail(cli)[-1]) == ("team.invite", ADA, "lena.ops", None)


def test_without_any_login_name_unknown(
    cli: Cli, acme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    def no_login() -> str:
        raise OSError("No username set in the environment")

    monkeypatch.setattr(getpass, "getuser", no_login)
    assert cli("team", "invite", "zed@x.test", "--as", ADA).exit_code == 0
    assert who(trail(cli)[-1]) == ("team.invite", ADA, "unknown", None)


def test_a_member_s_reason_is_bounded_like_other_reasons(cli: Cli, acme: str) -> None:
    with changes_nothing():
        result = cli("team", "invite", "z@x.test", "--as", ADA, "--reason", "x" * 2001,
                     "-o", "json")  # fmt: skip
    assert (result.exit_code, result.error["message"]) == (
        2,
        "the reason is longer than 2,000 characters",
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


def test_an_anchor_with_a_huge_count_is_a_usage_error(cli: Cli, acme: str) -> None:
    result = cli("audit", "verify", "--expect", "9" * 5000 + ":" + "a" * 64, "-o", "json")
    assert (result.exit_code, result.error["code"]) == (2, "invalid_input")
