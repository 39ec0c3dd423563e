"""Output through the real commands: formats, limits, hostile text, errors (SPEC §3.4, §3.5)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.backends import sql_many
from tests.conftest import Cli

ADA = "ada@acme.test"
HOSTILE = (
    "Bob [/] [bold]x[/bold] \x1b[2J\x1b]8;;http://evil.test\x1b\\link\x1b]8;;\x1b\\\x9b\u202e!"
)
SHOWN = "Bob [/] [bold]x[/bold] [2J]8;;http://evil.test\\link]8;;\\!"


def add_members(db: Path, count: int, *, name: str = "Person") -> None:
    """Many members at once (the invite/accept path is tested elsewhere)."""
    sql_many(
        "INSERT INTO member (account_id, email, name, role, status, created_at, updated_at)"
        " VALUES (1, ?, ?, 'member', 'active', '2026-11-01 10:00:00', '2026-11-01 10:00:00')",
        [(f"p{i:03d}@acme.test", name) for i in range(count)],
    )


def table_rows(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("│")]


def test_list_shows_50_rows_and_says_how_many_more(cli: Cli, acme: str, isolated_env: Path) -> None:
    add_members(isolated_env, 59)  # 60 with the admin
    result = cli("team", "list", "--account", "acme")
    assert result.exit_code == 0
    assert len(table_rows(result.stdout)) == 50
    assert result.stderr == (
        "10 more rows not shown (use --all, --limit N, or -o json/csv for everything)\n"
    )
    limited = cli("team", "list", "--account", "acme", "--limit", "5")
    assert len(table_rows(limited.stdout)) == 5
    assert limited.stderr.startswith("55 more rows not shown")
    everything = cli("team", "list", "--account", "acme", "--all")
    assert len(table_rows(everything.stdout)) == 60
    assert everything.stderr == ""
    quiet = cli("team", "list", "--account", "acme", "-q")
    assert quiet.stderr == ""


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "tsv"])
def test_machine_formats_are_complete(cli: Cli, acme: str, isolated_env: Path, fmt: str) -> None:
    add_members(isolated_env, 59)
    result = cli("team", "list", "--account", "acme", "-o", fmt)
    assert result.exit_code == 0
    assert result.stderr == ""
    if fmt == "json":
        assert len(result.json) == 60
    elif fmt == "ndjson":
        assert len(result.stdout.splitlines()) == 60
    else:
        assert len(result.stdout.splitlines()) == 61
    limited = cli("team", "list", "--account", "acme", "-o", fmt, "--limit", "3")
    assert len(limited.stdout.splitlines()) == {"json": 5, "ndjson": 3}.get(fmt, 4)


ADA_ROW = {
    "id": 1,
    "email": ADA,
    "name": "Ada Admin",
    "role": "admin",
    "status": "active",
    "account": "acme",
    "created_at": "2026-11-01T10:00:00Z",
    "updated_at": "2026-11-01T10:00:00Z",
}


def test_team_list_in_every_format(cli: Cli, acme: str) -> None:
    def out(fmt: str) -> str:
        result = cli("team", "list", "--account", "acme", "-o", fmt)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    assert json.loads(out("json")) == [ADA_ROW]
    assert [json.loads(line) for line in out("ndjson").splitlines()] == [ADA_ROW]
    header = ",".join(ADA_ROW)
    assert out("csv").splitlines() == [header, ",".join(str(v) for v in ADA_ROW.values())]
    assert out("tsv").splitlines() == [
        header.replace(",", "\t"),
        "\t".join(str(v) for v in ADA_ROW.values()),
    ]
    assert [line.rstrip() for line in out("table").splitlines()] == [
        "Members of acme",
        "┏━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ ID ┃ EMAIL         ┃ ROLE  ┃ STATUS ┃ NAME      ┃ CREATED AT           ┃",
        "┡━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ 1  │ ada@acme.test │ admin │ active │ Ada Admin │ 2026-11-01T10:00:00Z │",
        "└────┴───────────────┴───────┴────────┴───────────┴──────────────────────┘",
    ]


def test_output_from_the_environment(cli: Cli, acme: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_OUTPUT", "json")
    assert cli("team", "list", "--account", "acme").json == [ADA_ROW]


def test_unknown_format_is_a_usage_error(cli: Cli, team: dict[str, str]) -> None:
    result = cli("team", "list", "--account", "acme", "-o", "yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == "error: 'yaml' is not an output format"


def test_unknown_format_on_a_change_changes_nothing(cli: Cli, team: dict[str, str]) -> None:
    result = cli("team", "deactivate", "max@acme.test", "--as", ADA, "-o", "yaml")
    assert result.exit_code == 2
    listed = cli("team", "list", "--account", "acme", "--status", "deactivated", "-o", "json")
    assert listed.json == []


def test_hostile_names_render_literally_and_safely(cli: Cli, acme: str) -> None:
    invited = cli("team", "invite", "eve@acme.test", "--as", ADA, "-o", "json")
    joined = cli("team", "accept", invited.json["token"], "--name", HOSTILE, "-o", "json")
    assert joined.exit_code == 0, joined.stderr
    assert joined.json["name"] == HOSTILE  # stored as given
    shown = cli("team", "list", "--account", "acme")
    assert shown.exit_code == 0, shown.stderr
    assert f"│ {SHOWN} │" in shown.stdout
    for control in ("\x1b", "\x9b", "\u202e"):
        assert control not in shown.stdout
        assert control not in shown.stderr
    audit = cli("audit", "list")
    assert audit.exit_code == 0, audit.stderr
    assert "\x1b" not in audit.stdout


def test_hostile_account_name_in_object_view_and_title(cli: Cli) -> None:
    made = cli("account", "create", HOSTILE, "--admin", ADA, "--slug", "evil")
    assert made.exit_code == 0, made.stderr
    shown = cli("account", "show", "evil")
    assert shown.exit_code == 0, shown.stderr
    lines = [line.rstrip() for line in shown.stdout.splitlines()]
    assert lines[0] == f"{SHOWN} (evil)"
    assert [line.removeprefix("name").strip() for line in lines if line.startswith("name ")] == [
        SHOWN
    ]
    for control in ("\x1b", "\x9b", "\u202e"):
        assert control not in shown.stdout
    as_json = cli("account", "show", "evil", "-o", "json")
    assert as_json.json["name"] == HOSTILE
    assert "\x9b" not in as_json.stdout


def test_formula_cells_are_neutralised_in_csv(cli: Cli, acme: str) -> None:
    cli("account", "update", "--company", '=HYPERLINK("http://evil.test","x")',
        "--industry", "+1", "--website", "@x", "--name", "-2", "--as", ADA)  # fmt: skip
    result = cli("account", "show", "acme", "-o", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["name"], r["company"], r["website"], r["industry"]) for r in rows] == [
        ("'-2", '\'=HYPERLINK("http://evil.test","x")', "'@x", "'+1")
    ]
    assert cli("account", "show", "acme", "-o", "json").json["company"] == (
        '=HYPERLINK("http://evil.test","x")'
    )


def test_error_messages_are_sanitised(cli: Cli, acme: str) -> None:
    result = cli("account", "show", "no\x1b[2Jpe\u202e", "-o", "json")
    assert result.exit_code == 3
    first = result.stderr.splitlines()[0]
    assert "\x1b" not in result.stderr.replace("\\x1b", "")
    assert "\u202e" not in result.stderr
    assert first.startswith("error: no account ")
    assert result.error["code"] == "not_found"


def test_tables_do_not_fold_when_piped_without_columns(
    cli: Cli, acme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS")
    long_email = "someone.with.a.rather.long.address@a-long-company-domain.example.test"
    invited = cli("team", "invite", long_email, "--as", ADA, "-o", "json")
    cli("team", "accept", invited.json["token"], "--name", "Someone With A Long Name")
    rows = table_rows(cli("team", "list", "--account", "acme").stdout)
    assert len(rows) == 2
    assert long_email in rows[1]
    assert "2026-11-01T10:00:00Z" in rows[1]


def test_errors_go_to_stderr_with_a_json_object(cli: Cli, acme: str) -> None:
    result = cli("team", "deactivate", "nobody@acme.test", "--as", ADA, "-o", "json")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: no member nobody@acme.test in this account",
        "hint: `fpctl team list --as ada@acme.test` shows the members",
        '{"error":{"code":"not_found","message":"no member nobody@acme.test in this account",'
        '"hint":"`fpctl team list --as ada@acme.test` shows the members"}}',
    ]
    plain = cli("team", "deactivate", "nobody@acme.test", "--as", ADA)
    assert plain.stderr.splitlines() == [
        "error: no member nobody@acme.test in this account",
        "hint: `fpctl team list --as ada@acme.test` shows the members",
    ]


# -- wide, markdown and --redact (SPEC §3.3) --------------------------------------------------


def _header(table: str) -> list[str]:
    line = next(line for line in table.splitlines() if "ID" in line)
    return [cell.strip() for cell in line.strip("┃│ ").replace("┃", "│").split("│")]


def test_wide_shows_every_column_the_table_leaves_out(
    cli: Cli, shop: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # one line per row, to read the header
    assert (
        cli("order", "place", "--freelancer", "lena", "--service", "1", "--as", ADA).exit_code == 0
    )

    table = _header(cli("order", "list", "--account", "acme").stdout)
    wide = _header(cli("order", "list", "--account", "acme", "-o", "wide").stdout)
    keys = cli("order", "list", "--account", "acme", "-o", "json").json[0].keys()

    assert set(table) < set(wide)
    assert len(wide) == len(keys)


def test_markdown_is_a_table_to_paste(cli: Cli, acme: str) -> None:
    result = cli("team", "list", "--account", "acme", "-o", "markdown")

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| ID | EMAIL |") and lines[1].startswith("|---|")
    assert lines[2].startswith("| 1 | ada@acme.test |")


def test_redact_hides_tokens_and_masks_emails_in_every_format(cli: Cli, acme: str) -> None:
    invited = cli("team", "invite", "zoe@acme.test", "--as", ADA, "--redact", "-o", "json")

    assert invited.exit_code == 0, invited.stderr
    assert (invited.json["email"], invited.json["token"]) == ("z***@acme…", "[redacted]")
    listed = cli("team", "invitations", "--account", "acme", "--redact", "-o", "csv").stdout
    assert "zoe@acme.test" not in listed and "z***@acme…" in listed
    shown = cli("team", "list", "--account", "acme", "--redact").stdout
    assert "ada@acme.test" not in shown and "a***@acme…" in shown


def test_a_batch_passes_redact_to_every_line(cli: Cli, acme: str) -> None:
    result = cli(
        "batch", "-", "--as", ADA, "--redact", "-o", "json", input="team invite z@x.test\n"
    )

    assert result.exit_code == 0, result.stderr
    assert result.json[0]["result"]["token"] == "[redacted]"
