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


def test_what_is_due_is_settled_before_the_first_chunk(
    cli: Cli, acme: str, tmp_path: Path, small_chunks: int
) -> None:
    first = cli("team", "invite", "zed@acme.test", "--as", ADA, "-o", "json")
    emails = ["a@acme.test", "b@acme.test", "c@acme.test", "d@acme.test", "zed@acme.test"]
    later = ("--now", "2026-12-02T10:00:00Z")  # zed's 30 days are over
    result = cli(
        "team", "invite", "--from-file", _file(tmp_path, emails), "--as", ADA, "-o", "json", *later
    )

    assert result.exit_code == 0, result.stderr
    assert [row["result"] for row in result.json] == ["invited"] * 5  # in the second chunk
    old = cli("team", "invitations", "--account", "acme", "-o", "json", *later)
    statuses = {(i["id"], i["status"]) for i in old.json if i["email"] == "zed@acme.test"}
    assert statuses == {(first.json["id"], "expired"), (result.json[4]["id"], "pending")}
