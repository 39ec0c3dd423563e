"""Long bulk runs commit in chunks: a cut-short run keeps whole chunks and a re-run converges."""

from __future__ import annotations

from pathlib import Path

import pytest

from fpctl.cli import team as team_cli
from tests.conftest import Cli

ADA = "ada@acme.test"


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(team_cli, "CHUNK_ROWS", 3)
    return 3


def _file(tmp_path: Path, emails: list[str]) -> Path:
    path = tmp_path / "people.csv"
    path.write_text("email\n" + "\n".join(emails) + "\n")
    return path


def test_rows_across_chunks_are_all_reported_in_order(
    cli: Cli, acme: str, tmp_path: Path, small_chunks: int
) -> None:
    emails = [f"p{n}@acme.test" for n in range(8)]
    result = cli(
        "team", "invite", "--from-file", _file(tmp_path, emails), "--as", ADA, "-o", "json"
    )

    assert result.exit_code == 0, result.stderr
    assert [(row["email"], row["result"]) for row in result.json] == [
        (email, "invited") for email in emails
    ]
    assert [row["id"] for row in result.json] == list(range(1, 9))
    verify = cli("audit", "verify", "-o", "json")
    assert verify.json["records"] == 1 + 8  # the sign-up, then one per invitation


def test_a_duplicate_in_a_later_chunk_is_unchanged(
    cli: Cli, acme: str, tmp_path: Path, small_chunks: int
) -> None:
    emails = ["a@acme.test", "b@acme.test", "c@acme.test", "d@acme.test", "a@acme.test"]
    result = cli(
        "team", "invite", "--from-file", _file(tmp_path, emails), "--as", ADA, "-o", "json"
    )

    assert [row["result"] for row in result.json] == ["invited"] * 4 + ["unchanged"]
    assert result.json[4]["id"] == result.json[0]["id"]


def test_a_failing_row_in_a_later_chunk_keeps_the_earlier_chunks_and_exits_6(
    cli: Cli, team: dict[str, str], tmp_path: Path, small_chunks: int
) -> None:
    emails = ["a@acme.test", "b@acme.test", "c@acme.test", "d@acme.test", "mia@acme.test"]
    result = cli(
        "team", "invite", "--from-file", _file(tmp_path, emails), "--as", ADA, "-o", "json"
    )

    assert result.exit_code == 6
    assert [row["result"] for row in result.json] == ["invited"] * 4 + ["failed"]
    assert result.json[4]["error"]["code"] == "already_member"
    invitations = cli(
        "team", "invitations", "--account", "acme", "--status", "pending", "-o", "json"
    )
    assert {i["email"] for i in invitations.json} == set(emails[:4])
