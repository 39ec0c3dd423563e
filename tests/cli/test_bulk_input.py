"""Bulk invitations: several EMAILs, --from-file FILE or stdin, one result row each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import Cli

ADA = "ada@acme.test"


def rows_of(result: Any) -> list[tuple[Any, ...]]:
    return [(r["email"], r["role"], r["result"], r["status"]) for r in result.json]


def emails_open(cli: Cli) -> list[tuple[str, str]]:
    listed = cli("team", "invitations", "--account", "acme", "--status", "pending", "-o", "json")
    return [(i["email"], i["role"]) for i in listed.json]


def test_several_emails_give_one_row_each(cli: Cli, acme: str) -> None:
    result = cli("team", "invite", "a@x.test", "b@x.test", "--as", ADA, "-o", "json")
    assert result.exit_code == 0, result.stderr
    rows = result.json
    for row in rows:
        assert isinstance(row.pop("token"), str)
    assert rows == [
        {
            "email": "a@x.test",
            "role": "member",
            "result": "invited",
            "id": 1,
            "status": "pending",
            "expires_at": "2026-12-01T10:00:00Z",
            "error": None,
        },
        {
            "email": "b@x.test",
            "role": "member",
            "result": "invited",
            "id": 2,
            "status": "pending",
            "expires_at": "2026-12-01T10:00:00Z",
            "error": None,
        },
    ]


def test_a_csv_file_with_bom_crlf_and_blank_lines(cli: Cli, acme: str, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    text = "Email,Role\r\na@x.test,member\r\n\r\n  B@X.test ,billing_manager\r\nc@x.test,\r\n\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = cli("team", "invite", "--from-file", path, "--as", ADA, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert rows_of(result) == [
        ("a@x.test", "member", "invited", "pending"),
        ("b@x.test", "billing_manager", "invited", "pending"),
        ("c@x.test", "member", "invited", "pending"),  # empty role: the --role default
    ]


def test_one_email_per_line_from_stdin(cli: Cli, acme: str) -> None:
    result = cli(
        "team",
        "invite",
        "--from-file",
        "-",
        "--role",
        "billing_manager",
        "--as",
        ADA,
        "-o",
        "json",
        input="\ufeffa@x.test\n\n b@x.test\n",
    )
    assert result.exit_code == 0, result.stderr
    assert rows_of(result) == [
        ("a@x.test", "billing_manager", "invited", "pending"),
        ("b@x.test", "billing_manager", "invited", "pending"),
    ]


def test_failed_rows_exit_6_and_the_others_are_kept(
    cli: Cli, team: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "people.txt"
    path.write_text("a@x.test\nnot-an-email\nmax@acme.test\nb@x.test\n")
    result = cli("team", "invite", "--from-file", path, "--as", "mia@acme.test", "-o", "json")
    assert result.exit_code == 6
    assert [(r["email"], r["result"], r["error"] and r["error"]["code"]) for r in result.json] == [
        ("a@x.test", "invited", None),
        ("not-an-email", "failed", "invalid_email"),
        ("max@acme.test", "failed", "already_member"),
        ("b@x.test", "invited", None),
    ]
    assert result.json[2]["error"] == {
        "code": "already_member",
        "message": "max@acme.test is already a member of this account",
    }
    assert result.error["code"] == "partial_failure"
    assert emails_open(cli) == [("a@x.test", "member"), ("b@x.test", "member")]


def test_a_member_inviting_billing_managers_in_bulk(cli: Cli, team: dict[str, str]) -> None:
    result = cli(
        "team",
        "invite",
        "a@x.test",
        "b@x.test",
        "--role",
        "billing_manager",
        "--as",
        "mia@acme.test",
        "-o",
        "json",
    )
    assert result.exit_code == 6
    assert [(r["result"], r["error"]["code"]) for r in result.json] == [
        ("failed", "permission_denied"),
        ("failed", "permission_denied"),
    ]


def test_a_rerun_reports_done_rows_unchanged(cli: Cli, acme: str, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email,role\na@x.test,member\nbad@@x,member\nb@x.test,billing_manager\n")
    first = cli("team", "invite", "--from-file", path, "--as", ADA, "-o", "json")
    again = cli("team", "invite", "--from-file", path, "--as", ADA, "-o", "json")
    assert (first.exit_code, again.exit_code) == (6, 6)
    assert [r["result"] for r in again.json] == ["unchanged", "failed", "unchanged"]
    assert [r["id"] for r in again.json] == [r["id"] for r in first.json]
    assert emails_open(cli) == [("a@x.test", "member"), ("b@x.test", "billing_manager")]


def test_atomic_keeps_nothing_when_a_row_fails(cli: Cli, acme: str) -> None:
    result = cli(
        "team",
        "invite",
        "--from-file",
        "-",
        "--atomic",
        "--as",
        ADA,
        "-o",
        "json",
        input="a@x.test\nbad@@x\n",
    )
    assert result.exit_code == 5
    assert result.error["code"] == "atomic_failed"
    assert [(r["email"], r["result"], r["id"], r["token"]) for r in result.json] == [
        ("a@x.test", "rolled_back", None, None),
        ("bad@@x", "failed", None, None),
    ]
    assert emails_open(cli) == []
    audit = cli("audit", "list", "--account", "acme", "--action", "team.invite", "-o", "json")
    assert audit.json == []


def test_atomic_with_no_failure_invites_all(cli: Cli, acme: str) -> None:
    result = cli("team", "invite", "a@x.test", "b@x.test", "--atomic", "--as", ADA, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert emails_open(cli) == [("a@x.test", "member"), ("b@x.test", "member")]


def test_the_same_email_twice_with_different_roles(cli: Cli, acme: str) -> None:
    result = cli(
        "team",
        "invite",
        "--from-file",
        "-",
        "--as",
        ADA,
        "-o",
        "json",
        input="email,role\na@x.test,member\nA@x.test,billing_manager\n",
    )
    assert result.exit_code == 6
    assert [(r["result"], r["error"] and r["error"]["code"]) for r in result.json] == [
        ("invited", None),
        ("failed", "duplicate_row"),
    ]


def test_csv_output_has_a_header_and_one_line_per_row(cli: Cli, acme: str) -> None:
    result = cli("team", "invite", "a@x.test", "bad@@x", "--as", ADA, "-o", "csv")
    assert result.exit_code == 6
    lines = result.stdout.splitlines()
    assert lines[0] == "email,role,result,id,status,expires_at,token,error"
    assert lines[1].startswith("a@x.test,member,invited,1,pending,2026-12-01T10:00:00Z,")
    assert lines[2].startswith("bad@@x,member,failed,,,,,")


def test_a_missing_file_is_a_usage_error(cli: Cli, acme: str, tmp_path: Path) -> None:
    result = cli("team", "invite", "--from-file", tmp_path / "nope.csv", "--as", ADA, "-o", "json")
    assert result.exit_code == 2
    assert result.error["code"] == "invalid_input"


def test_no_email_at_all_is_a_usage_error(cli: Cli, acme: str) -> None:
    result = cli("team", "invite", "--as", ADA, "-o", "json")
    assert result.exit_code == 2
    assert result.error["code"] == "invalid_input"


# -- a big run at a terminal: a count per result, then every failed row ---------------------


def _bulk(count: int) -> str:
    return "".join(f"p{n}@acme.test\n" for n in range(count)) + "not-an-email\n"


def test_a_big_run_shows_counts_then_every_failure(cli: Cli, acme: str) -> None:
    result = cli("team", "invite", "--from-file", "-", "--as", "ada@acme.test", input=_bulk(60))

    assert result.exit_code == 6
    lines = result.stdout.splitlines()
    assert lines[0] == "invited 60 · failed 1"
    assert "not-an-email" in result.stdout
    assert "p59@acme.test" not in result.stdout  # done rows are counted, not listed


def test_all_shows_every_row_and_json_is_unchanged(cli: Cli, acme: str) -> None:
    shown = cli("team", "invite", "--from-file", "-", "--as", "ada@acme.test", "--all",
                "--dry-run", input=_bulk(60))  # fmt: skip
    rows = cli("team", "invite", "--from-file", "-", "--as", "ada@acme.test", "-o", "json",
               input=_bulk(60))  # fmt: skip

    assert "p59@acme.test" in shown.stdout and "invited 60" not in shown.stdout
    assert len(rows.json) == 61 and rows.json[-1]["result"] == "failed"


def test_a_small_run_shows_its_rows(cli: Cli, acme: str) -> None:
    result = cli("team", "invite", "--from-file", "-", "--as", "ada@acme.test", input=_bulk(3))
    assert "p2@acme.test" in result.stdout and "·" not in result.stdout
