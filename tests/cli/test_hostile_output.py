"""Hostile text in the store never reaches a terminal as control sequences, in any output
format (issue 11, defect 1): tables drop control and bidi characters, CSV and TSV show each
as a visible \\uXXXX escape (on stdout and in exported files), JSON escapes them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.backends import sql_many
from tests.conftest import Cli

ADA = ("--as", "ada@acme.test")
FORMATS = ["table", "json", "ndjson", "csv", "tsv"]

#: What a terminal would act on: C0 controls but tab and newline (CR included), DEL, C1
#: (\x9b is a CSI on many terminals) and the bidi controls.
INTERPRETED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)

CORPUS = [
    "T\x1b]0;PWNED\x07\x1b[2J\x1b]52;c;cHduZWQ=\x07",  # retitle, clear, write the clipboard
    "\x1b]8;;http://evil.test\x1b\\click\x1b]8;;\x1b\\",  # an OSC 8 hidden link
    "\x1bP1$r0m\x1b\\",  # DCS
    "\x9b2J\x9d0;title\x9c",  # C1 CSI, OSC, ST
    "bob\u202eknil.exe",  # right-to-left override
    "\u2066isolate\u2069 \u061c arabic mark \u200e\u200f",
    "over\rwrite",  # CR puts the cursor back at the start of the line
    "bell\x07 backspace\x08 delete\x7f",
    "\x1b[31mred\x1b[0m",
    '=HYPERLINK("http://evil.test")',  # a spreadsheet formula
    "[bold]markup[/bold] [link=http://evil.test]x[/link]",
]


def plant_members(names: list[str]) -> None:
    """Members whose names came in from elsewhere (an import, another client)."""
    sql_many(
        "INSERT INTO member (account_id, email, name, role, status, created_at, updated_at)"
        " VALUES (1, ?, ?, 'member', 'active', '2026-11-01 10:00:00', '2026-11-01 10:00:00')",
        [(f"h{number}@acme.test", name) for number, name in enumerate(names)],
    )


@pytest.mark.parametrize("output", FORMATS)
def test_no_format_passes_a_control_sequence_through(cli: Cli, acme: str, output: str) -> None:
    plant_members(CORPUS)

    result = cli("team", "list", "--account", "acme", "-o", output)

    assert result.exit_code == 0, result.stderr
    assert INTERPRETED.findall(result.stdout) == []


@pytest.mark.parametrize("output", ["csv", "tsv"])
def test_delimited_cells_show_each_control_as_an_escape(cli: Cli, acme: str, output: str) -> None:
    plant_members(["T\x1b]0;PWNED\x07", "bob\u202ecod", "=1+1"])

    listed = cli("team", "list", "--account", "acme", "-o", output).stdout

    assert "T\\u001b]0;PWNED\\u0007" in listed
    assert "bob\\u202ecod" in listed
    assert "'=1+1" in listed  # formulas stay neutralized


def test_the_audit_trail_as_csv_is_safe(cli: Cli, acme: str) -> None:
    hostile = ("--as", "support", "--reason", CORPUS[0], "--account", "acme")
    assert cli("team", "invite", "zoe@acme.test", *hostile).exit_code == 0

    trail = cli("audit", "list", "--account", "acme", "-o", "csv")

    assert trail.exit_code == 0, trail.stderr
    assert "PWNED" in trail.stdout
    assert INTERPRETED.findall(trail.stdout) == []


def test_exported_invoices_csv_is_safe(cli: Cli, shop: Any, tmp_path: Path) -> None:
    company = CORPUS[0] + CORPUS[3]
    assert cli("billing", "info", "set", "--company", company, *ADA).exit_code == 0
    placed = cli("order", "place", "--freelancer", "lena", "--service", "1", *ADA)
    assert placed.exit_code == 0, placed.stderr

    exported = cli("billing", "invoices", "--export", str(tmp_path / "out"), *ADA)

    assert exported.exit_code == 0, exported.stderr
    index = (tmp_path / "out" / "invoices.csv").read_text(encoding="utf-8")
    assert "PWNED" in index
    assert INTERPRETED.findall(index.replace("\r\n", "\n")) == []


def test_a_refused_list_prints_nothing_on_stdout(cli: Cli, acme: str) -> None:
    """The query is refused before the JSON array opens: no lone `[` for a script."""
    result = cli("order", "list", "--placed-by", "bad", *ADA, "-o", "json")
    assert (result.exit_code, result.stdout) == (2, "")
