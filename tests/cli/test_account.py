"""fpctl account: create, list, show, update — formats, exit codes, audit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli

ACME = {
    "id": 1,
    "slug": "acme",
    "name": "Acme",
    "plan": "basic",
    "status": "active",
    "tier": "silver",
    "points": 0,
    "balance_cents": 0,
    "credits_cents": 0,
    "company": None,
    "website": None,
    "industry": None,
    "created_at": "2026-11-01T10:00:00Z",
}


def audit(cli: Cli) -> list[dict[str, Any]]:
    result = cli("audit", "list", "-o", "json")
    assert result.exit_code == 0, result.stderr
    return result.json


def test_create_from_name_with_a_plan(cli: Cli) -> None:
    result = cli(
        "account", "create", "Blue Whale Co.", "--admin", "Wes@Whale.test", "--plan", "advanced",
        "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (result.json["slug"], result.json["plan"], result.json["members"]) == (
        "blue-whale-co",
        "advanced",
        1,
    )
    team = cli("team", "list", "--account", "blue-whale-co", "-o", "json").json
    assert [(m["email"], m["name"], m["role"]) for m in team] == [
        ("wes@whale.test", "wes@whale.test", "admin")
    ]


def test_create_with_slug(cli: Cli, acme: str) -> None:
    shown = cli("account", "show", "acme", "-o", "json").json
    assert {key: shown[key] for key in ACME | {"members": 1}} == ACME | {"members": 1}


def test_slug_taken(cli: Cli, acme: str) -> None:
    result = cli("account", "create", "Acme", "--admin", "zed@zed.test", "-o", "json")
    assert result.exit_code == 5
    assert result.error == {
        "code": "slug_taken",
        "message": "an account with the slug 'acme' already exists",
        "hint": "choose another with --slug",
    }
    assert result.stdout == ""


def test_admin_email_held_elsewhere(cli: Cli, acme: str) -> None:
    result = cli(
        "account", "create", "Other", "--admin", " ADA@acme.test", "--slug", "other", "-o", "json"
    )
    assert result.exit_code == 5
    assert result.error["code"] == "email_taken"
    assert result.stderr.splitlines()[0] == "error: ada@acme.test belongs to another Pro account"
    assert cli("account", "list", "-o", "json").json == [ACME | {"members": 1}]


@pytest.mark.parametrize("email", ["bad", "ada@", "a\u200bda@x.test"])
def test_malformed_admin_email(cli: Cli, email: str) -> None:
    result = cli("account", "create", "Other", "--admin", email, "-o", "json")
    assert result.exit_code == 2
    assert result.error["code"] == "invalid_input"
    assert cli("account", "list", "-o", "json").json == []


def test_list_member_sees_own_nobody_sees_all(cli: Cli, acme: str) -> None:
    cli("account", "create", "Beta", "--admin", "bea@beta.test")
    everything = cli("account", "list", "-o", "json")
    assert [a["slug"] for a in everything.json] == ["acme", "beta"]
    mine = cli("account", "list", "--as", "bea@beta.test", "-o", "json")
    assert [a["slug"] for a in mine.json] == ["beta"]
    hidden = cli("account", "show", "acme", "--as", "bea@beta.test", "-o", "json")
    assert hidden.exit_code == 3
    assert hidden.error["code"] == "not_found"


def test_show_table(cli: Cli, acme: str) -> None:
    result = cli("account", "show", "--account", "acme")
    assert result.exit_code == 0, result.stderr
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "Acme (acme)",
        "id                          1",
        "slug                        acme",
        "name                        Acme",
        "plan                        basic",
        "status                      active",
        "tier                        silver",
        "points                      0",
        "balance                     $0.00",
        "credits                     $0.00",
        "company",
        "website",
        "industry",
        "created at                  2026-11-01T10:00:00Z",
        "members                     1 (1 active, 0 deactivated)",
        "renews at",
        "credits set aside           $0.00",
        "members by role             admin=1, billing_manager=0, member=0",
        "former members              0 (0 removed, 0 closed)",
        "open orders                 0",
        "open cancellation requests  0",
        "open dispute requests       0",
        "open invitations            0",
        "pending approvals           0",
        "projects                    1",
        "unread notifications",
        "recently viewed",
        "",
        "Recent activity",
        "┏━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓",
        "┃ AT                   ┃ ACTION         ┃ TARGET         ┃ ACTOR         ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩",
        "│ 2026-11-01T10:00:00Z │ account.create │ account:1 acme │ ada@acme.test │",
        "└──────────────────────┴────────────────┴────────────────┴───────────────┘",
    ]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "ndjson", "table"])
def test_show_in_every_format(cli: Cli, acme: str, fmt: str) -> None:
    result = cli("account", "show", "acme", "-o", fmt)
    assert result.exit_code == 0, result.stderr
    assert "acme" in result.stdout


def test_show_unknown(cli: Cli) -> None:
    result = cli("account", "show", "nope", "-o", "json")
    assert result.exit_code == 3
    assert result.error["message"] == "no account 'nope'"


def test_update_by_admin_is_audited(cli: Cli, acme: str) -> None:
    result = cli(
        "account", "update", "--company", "Acme Ltd", "--website", "https://acme.test",
        "--as", "ada@acme.test", "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.json == ACME | {"company": "Acme Ltd", "website": "https://acme.test"}
    record = audit(cli)[-1]
    assert {k: record[k] for k in ("actor", "action", "target", "account", "reason")} == {
        "actor": "ada@acme.test",
        "action": "account.update",
        "target": "account:1 acme",
        "account": "acme",
        "reason": None,
    }
    assert record["changes"] == {
        "company": [None, "Acme Ltd"],
        "website": [None, "https://acme.test"],
    }
    again = cli("account", "update", "--company", "Acme Ltd", "--as", "ada@acme.test")
    assert again.exit_code == 0
    assert again.stderr == "account acme already has these details: nothing changed\n"
    assert [r["action"] for r in audit(cli)].count("account.update") == 1


@pytest.mark.parametrize("actor", ["bill@acme.test", "mia@acme.test"])
def test_update_denied_to_others(cli: Cli, team: dict[str, str], actor: str) -> None:
    result = cli("account", "update", "--name", "Hijack", "--as", actor, "-o", "json")
    assert result.exit_code == 4
    assert result.error["code"] == "permission_denied"
    assert cli("account", "show", "acme", "-o", "json").json["name"] == "Acme"


def test_update_by_support_needs_a_reason(
    cli: Cli, acme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    refused = cli("account", "update", "--industry", "Toys", "--as", "support",
                  "--account", "acme", "-o", "json")  # fmt: skip
    assert refused.exit_code == 4
    assert refused.error == {
        "code": "reason_required",
        "message": "support must give a reason for every change",
        "hint": "add --reason TEXT (or set FPCTL_REASON)",
    }
    done = cli("account", "update", "--industry", "Toys", "--as", "support",
               "--account", "acme", "--reason", "ticket 12", "-o", "json")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert done.json["industry"] == "Toys"
    record = audit(cli)[-1]
    assert (record["actor"], record["agent"], record["reason"], record["action"]) == (
        "support:sam",
        "sam",
        "ticket 12",
        "account.update",
    )


def test_every_change_is_audited_and_the_chain_verifies(cli: Cli, team: dict[str, str]) -> None:
    cli("account", "update", "--name", "Acme 2", "--as", "ada@acme.test")
    assert [r["action"] for r in audit(cli)] == [
        "account.create",
        *["team.invite", "team.accept"] * 3,
        "account.update",
    ]
    verified = cli("audit", "verify", "-o", "json")
    assert verified.exit_code == 0
    assert verified.json["ok"] is True
    assert verified.json["records"] == 8


def test_dry_run_changes_nothing(cli: Cli, acme: str) -> None:
    result = cli("account", "update", "--name", "Dry", "--as", "ada@acme.test", "--dry-run",
                 "-o", "json")  # fmt: skip
    assert result.exit_code == 0
    assert result.json["name"] == "Dry"
    assert result.stderr == "dry run: nothing was changed\n"
    assert cli("account", "show", "acme", "-o", "json").json["name"] == "Acme"
    assert [r["action"] for r in audit(cli)] == ["account.create"]


# -- finding the customer (issue 12, item 9) ------------------------------------------------


def _beta(cli: Cli) -> None:
    """A second account: Beta, admin bea@beta.test "Bea Müller", company "Élan Conseil"."""
    created = cli("account", "create", "Beta", "--admin", "bea@beta.test", "--admin-name",
                  "Bea Müller", "--slug", "beta")  # fmt: skip
    assert created.exit_code == 0, created.stderr
    updated = cli("account", "update", "--company", "Élan Conseil", "--as", "bea@beta.test")
    assert updated.exit_code == 0, updated.stderr


def test_show_takes_a_member_s_email(cli: Cli, team: dict[str, str]) -> None:
    _beta(cli)
    assert cli("account", "show", "MIA@acme.test", "-o", "json").json["slug"] == "acme"
    assert cli("account", "show", "bea@beta.test", "-o", "json").json["slug"] == "beta"
    table = cli("account", "show", "mia@acme.test")
    assert table.stdout.splitlines()[0].rstrip() == "Acme (acme)"
    assert cli("team", "deactivate", "max@acme.test", "--as", "ada@acme.test").exit_code == 0
    deactivated = cli("account", "show", "max@acme.test", "-o", "json")
    assert deactivated.json["slug"] == "acme"  # still holds a seat there


def test_show_an_email_with_no_seat_points_to_find(cli: Cli, team: dict[str, str]) -> None:
    removed = cli("team", "remove", "mia@acme.test", "--as", "ada@acme.test", "--yes")
    assert removed.exit_code == 0, removed.stderr
    for email in ("mia@acme.test", "nobody@x.test"):
        result = cli("account", "show", email, "-o", "json")
        assert (result.exit_code, result.stdout) == (3, "")
        assert result.error == {
            "code": "not_found",
            "message": f"no account has a member {email} (active or deactivated)",
            "hint": f"`fpctl account find {email}` also finds former members, names and companies",
        }
    malformed = cli("account", "show", "mia@", "-o", "json")
    assert (malformed.exit_code, malformed.error["code"]) == (2, "invalid_input")


def test_show_an_email_of_another_account_is_not_found_for_a_member(
    cli: Cli, team: dict[str, str]
) -> None:
    _beta(cli)
    hidden = cli("account", "show", "mia@acme.test", "--as", "bea@beta.test", "-o", "json")
    assert (hidden.exit_code, hidden.error["code"]) == (3, "not_found")
    own = cli("account", "show", "bea@beta.test", "--as", "bea@beta.test", "-o", "json")
    assert own.json["slug"] == "beta"


def found(cli: Cli, *args: str) -> list[dict[str, Any]]:
    result = cli("account", "find", *args, "-o", "json")
    assert result.exit_code == 0, result.stderr
    return result.json


def test_find_by_a_member_s_email_or_name(cli: Cli, team: dict[str, str]) -> None:
    _beta(cli)
    assert found(cli, "MIA@") == [
        {
            "slug": "acme",
            "name": "Acme",
            "plan": "basic",
            "status": "active",
            "matched": [
                {
                    "field": "member_email",
                    "value": "mia@acme.test",
                    "member": "mia@acme.test",
                    "member_status": "active",
                }
            ],
        }
    ]
    for text in ("müller", "MÜLLER", "bea   m"):  # any case, on any backend
        (beta,) = found(cli, text)
        assert (beta["slug"], beta["matched"]) == (
            "beta",
            [
                {
                    "field": "member_name",
                    "value": "Bea Müller",
                    "member": "bea@beta.test",
                    "member_status": "active",
                }
            ],
        )


def test_find_by_the_account_s_slug_name_or_company(cli: Cli, team: dict[str, str]) -> None:
    _beta(cli)
    assert [(f["slug"], f["matched"]) for f in found(cli, "ÉLAN")] == [
        ("beta", [{"field": "company", "value": "Élan Conseil"}])
    ]
    (beta,) = found(cli, "bet")
    assert [m["field"] for m in beta["matched"]] == ["slug", "name", "member_email"]
    several = found(cli, "a")  # every account with an "a" somewhere: by slug
    assert [f["slug"] for f in several] == ["acme", "beta"]


def test_find_lists_former_members_with_their_status(cli: Cli, team: dict[str, str]) -> None:
    assert cli("team", "remove", "mia@acme.test", "--as", "ada@acme.test", "--yes").exit_code == 0
    (acme,) = found(cli, "mia@")
    assert acme["matched"][0]["member_status"] == "removed"


def test_find_table_says_what_matched(cli: Cli, team: dict[str, str]) -> None:
    _beta(cli)
    result = cli("account", "find", "müller")
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert [cell.strip() for cell in lines[1].split("┃")[1:-1]] == [
        "SLUG", "NAME", "PLAN", "STATUS", "MATCHED",
    ]  # fmt: skip
    assert [cell.strip() for cell in lines[3].split("│")[1:-1]] == [
        "beta", "Beta", "basic", "active", "member name: Bea Müller (bea@beta.test, active)",
    ]  # fmt: skip


def test_find_a_member_finds_in_their_own_account_only(cli: Cli, team: dict[str, str]) -> None:
    _beta(cli)
    assert [f["slug"] for f in found(cli, "a", "--as", "bea@beta.test")] == ["beta"]
    assert [f["slug"] for f in found(cli, "a", "--account", "acme")] == ["acme"]


def test_find_nothing(cli: Cli, team: dict[str, str]) -> None:
    result = cli("account", "find", "zebra", "-o", "json")
    assert (result.exit_code, result.json) == (0, [])
    assert result.stderr == "no account matches 'zebra'\n"
    for blank in ("", "   "):
        empty = cli("account", "find", blank, "-o", "json")
        assert (empty.exit_code, empty.error["code"]) == (2, "invalid_input")
