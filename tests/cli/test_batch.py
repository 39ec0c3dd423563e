"""fpctl batch: one command per line, all in one transaction (SPEC §3.1)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, Cli, changes_nothing, store_state

ADA = "ada@acme.test"


def write(tmp_path: Path, text: str, name: str = "batch.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def documents(stdout: str) -> list[Any]:
    """The JSON documents printed one after another (each line's own output)."""
    decoder = json.JSONDecoder()
    found, index = [], 0
    while index < len(stdout):
        if stdout[index].isspace():
            index += 1
            continue
        document, index = decoder.raw_decode(stdout, index)
        found.append(document)
    return found


def state(cli: Cli) -> dict[str, Any]:
    """Every row of the store: what a refusal (or a rolled-back run) must leave alone."""
    return store_state()


def test_lines_with_and_without_fpctl_quotes_comments_and_blanks(
    cli: Cli, acme: str, tmp_path: Path
) -> None:
    source = write(
        tmp_path,
        f"""# invite two people
fpctl team invite bob@acme.test --as {ADA} -o json

  team invite 'carl@acme.test' --role billing_manager --as "{ADA}" -o json   # a comment
    # an indented comment
account update --name "Acme #1 Corp" --company O\\'Neil\\ Ltd --as {ADA} -o json
""",
    )
    result = cli("batch", source)

    assert result.exit_code == 0, result.stderr
    bob, carl, account = documents(result.stdout)
    assert (bob["email"], bob["role"], bob["result"]) == ("bob@acme.test", "member", "invited")
    assert (carl["email"], carl["role"]) == ("carl@acme.test", "billing_manager")
    assert (account["name"], account["company"]) == ("Acme #1 Corp", "O'Neil Ltd")
    assert result.stderr.strip().splitlines()[-1] == "batch: 3 commands done"
    invited = cli("team", "invitations", "--account", "acme", "-o", "json").json
    assert [i["email"] for i in invited] == ["bob@acme.test", "carl@acme.test"]
    assert cli("audit", "verify").exit_code == 0


def test_stdin(cli: Cli, acme: str) -> None:
    result = cli("batch", "-", "-o", "json", input=f"team invite bob@acme.test --as {ADA}\n")

    assert result.exit_code == 0, result.stderr
    [line] = result.json
    assert (line["line"], line["command"]) == (1, f"team invite bob@acme.test --as {ADA}")
    assert line["result"]["email"] == "bob@acme.test"
    invited = cli("team", "invitations", "--account", "acme", "-o", "json").json
    assert [i["email"] for i in invited] == ["bob@acme.test"]


def test_the_first_failure_rolls_everything_back_and_names_its_line(
    cli: Cli, team: dict[str, str], tmp_path: Path
) -> None:
    before = state(cli)
    source = write(
        tmp_path,
        f"""team invite bob@acme.test --as {ADA}
role set mia@acme.test billing_manager --as {ADA}
team deactivate zed@acme.test --as {ADA}
team invite never@acme.test --as {ADA}
""",
    )
    result = cli("batch", source, "-q")

    assert result.exit_code == 3  # the failing command's own exit code (not found)
    assert "error: line 3: no member zed@acme.test in this account" in result.stderr
    assert result.stdout == ""  # lines 1-2 were rolled back: their output (a token) is not shown
    assert "commands done" not in result.stderr
    assert state(cli) == before


def test_json_error_names_the_line(cli: Cli, team: dict[str, str], tmp_path: Path) -> None:
    before = state(cli)
    source = write(
        tmp_path,
        f"team invite bob@acme.test --as {ADA}\n\n# a comment\n"
        "role set max@acme.test admin --as mia@acme.test\n",
    )
    result = cli("batch", source, "-o", "json")

    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.error["code"] == "permission_denied"
    assert result.error["message"].startswith("line 4: ")
    assert result.error["line"] == 4
    assert state(cli) == before


def test_a_lines_own_format_when_the_batch_prints_for_people(
    cli: Cli, team: dict[str, str], tmp_path: Path
) -> None:
    source = write(
        tmp_path,
        """team list --role billing_manager -o csv
team invite bob@acme.test -o json
""",
    )
    result = cli("batch", source, "--as", ADA, "--account", "acme", "-q")

    assert result.exit_code == 0, result.stderr
    csv_part, json_part = result.stdout.split("{", 1)
    assert csv_part.splitlines()[1].startswith("2,bill@acme.test,")
    assert json.loads("{" + json_part)["email"] == "bob@acme.test"


def test_ndjson_is_one_object_a_line(cli: Cli, team: dict[str, str], tmp_path: Path) -> None:
    source = write(tmp_path, "team invite bob@acme.test\nteam list --role billing_manager\n")
    result = cli("batch", source, "--as", ADA, "-o", "ndjson")

    assert result.exit_code == 0, result.stderr
    invited, listed = [json.loads(text) for text in result.stdout.splitlines()]
    assert (invited["line"], invited["result"]["email"]) == (1, "bob@acme.test")
    assert (listed["command"], len(listed["result"])) == ("team list --role billing_manager", 1)


def test_a_read_sees_an_earlier_write(cli: Cli, team: dict[str, str], tmp_path: Path) -> None:
    source = write(
        tmp_path,
        f"""team invite bob@acme.test --as {ADA}
team invitations --account acme --status pending
role set mia@acme.test billing_manager --as {ADA}
team list --role billing_manager --account acme
""",
    )
    result = cli("batch", source, "-o", "json")

    assert result.exit_code == 0, result.stderr
    _, invitations, _, billing = [line["result"] for line in result.json]
    assert [i["email"] for i in invitations] == ["bob@acme.test"]
    assert sorted(m["email"] for m in billing) == ["bill@acme.test", "mia@acme.test"]


def test_dry_run_runs_everything_then_rolls_back(
    cli: Cli, team: dict[str, str], tmp_path: Path
) -> None:
    before = state(cli)
    source = write(
        tmp_path,
        f"""team invite bob@acme.test --as {ADA} -o json
team invitations --account acme --status pending -o json
""",
    )
    result = cli("batch", source, "--dry-run")

    assert result.exit_code == 0, result.stderr
    invited, listed = documents(result.stdout)
    assert invited["email"] == "bob@acme.test"
    assert [i["email"] for i in listed] == ["bob@acme.test"]
    assert "dry run: nothing was changed" in result.stderr
    assert state(cli) == before


def test_a_lines_own_dry_run_undoes_only_that_line(
    cli: Cli, team: dict[str, str], tmp_path: Path
) -> None:
    source = write(
        tmp_path,
        f"""team invite bob@acme.test --as {ADA}
team invite carl@acme.test --as {ADA} --dry-run
team invite dora@acme.test --as {ADA}
""",
    )
    result = cli("batch", source)

    assert result.exit_code == 0, result.stderr
    invited = cli("team", "invitations", "--account", "acme", "--status", "pending", "-o", "json")
    assert [i["email"] for i in invited.json] == ["bob@acme.test", "dora@acme.test"]
    assert cli("audit", "verify").exit_code == 0  # the chain skips the undone line's record


def test_batch_options_are_defaults_for_every_line(
    cli: Cli, team: dict[str, str], tmp_path: Path
) -> None:
    later = "2026-11-05T08:00:00Z"
    source = write(
        tmp_path,
        """team invite bob@acme.test
team invite carl@acme.test --as mia@acme.test --now 2026-11-06T08:00:00Z
team list --role billing_manager -o csv
""",
    )
    result = cli("batch", source, "--as", ADA, "--account", "acme", "-o", "json", "--now", later)

    assert result.exit_code == 0, result.stderr
    bob, carl, billing = [line["result"] for line in result.json]  # one JSON document
    assert (bob["invited_by"], bob["created_at"]) == (ADA, later)
    assert (carl["invited_by"], carl["created_at"]) == ("mia@acme.test", "2026-11-06T08:00:00Z")
    assert [m["email"] for m in billing] == ["bill@acme.test"]
    assert os.environ["FPCTL_NOW"] == NOW  # the environment is left alone
    assert "FPCTL_AS" not in os.environ
    assert "FPCTL_OUTPUT" not in os.environ


def test_batch_yes_confirms_for_every_line(cli: Cli, team: dict[str, str], tmp_path: Path) -> None:
    source = write(tmp_path, f"team remove mia@acme.test --as {ADA}\n")

    refused = cli("batch", source)
    assert refused.exit_code == 2
    assert "line 1: " in refused.stderr

    done = cli("batch", source, "--yes")
    assert done.exit_code == 0, done.stderr
    listed = cli("team", "list", "--account", "acme", "--status", "removed", "-o", "json").json
    assert [m["email"] for m in listed] == ["mia@acme.test"]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("fpctl batch other.txt", "cannot run another batch"),
        ("team list --account acme --db other.db", "cannot name a store"),
        ("team list --account acme --db=other.db", "cannot name a store"),
        ("team list 'unclosed", "cannot split the line"),
        ("fpctl", "no command"),
    ],
)
def test_lines_refused_before_anything_runs(
    cli: Cli, acme: str, tmp_path: Path, line: str, words: str
) -> None:
    before = state(cli)
    source = write(tmp_path, f"team invite bob@acme.test --as {ADA}\n# two\n{line}\n")
    result = cli("batch", source, "-o", "json")

    assert result.exit_code == 2
    assert result.stdout == ""  # checked before the first line ran
    assert result.error["message"].startswith("line 3: ")
    assert words in result.error["message"]
    assert state(cli) == before


def test_unknown_command_on_a_line(cli: Cli, acme: str, tmp_path: Path) -> None:
    before = state(cli)
    source = write(tmp_path, f"team invite bob@acme.test --as {ADA}\nteam frobnicate\n")
    result = cli("batch", source)

    assert result.exit_code == 2
    assert "error: line 2: " in result.stderr
    assert "frobnicate" in result.stderr
    assert state(cli) == before


def test_store_admin_commands_refused_inside(cli: Cli, acme: str, tmp_path: Path) -> None:
    source = write(tmp_path, f"team invite bob@acme.test --as {ADA}\ndb upgrade\n")
    result = cli("batch", source, "-o", "json")

    assert result.exit_code == 2
    assert result.error["code"] == "not_in_batch"
    assert result.error["line"] == 2
    assert cli("team", "invitations", "--account", "acme", "-o", "json").json == []


def test_tick_joins_the_batch(cli: Cli, acme: str, tmp_path: Path) -> None:
    source = write(
        tmp_path,
        f"""team invite bob@acme.test --as {ADA}
tick --now 2026-12-02T00:00:00Z -o json
team invitations --account acme --status expired -o json
""",
    )
    result = cli("batch", source, "-q")

    assert result.exit_code == 0, result.stderr
    ticked, expired = documents(result.stdout[result.stdout.index("[") :])
    assert {"action": "invitation.expire", "settled": 1} in [
        {k: r[k] for k in ("action", "settled")} for r in ticked
    ]
    assert [i["email"] for i in expired] == ["bob@acme.test"]


def test_bulk_invites_do_not_commit_their_chunks_inside(
    cli: Cli, acme: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fpctl.cli import team

    monkeypatch.setattr(team, "CHUNK_ROWS", 2)
    emails = write(tmp_path, "".join(f"p{i}@example.test\n" for i in range(5)), "emails.txt")
    source = write(
        tmp_path,
        f"""team invite --from-file {emails} --as {ADA} -o json
team deactivate zed@acme.test --as {ADA}
""",
    )
    result = cli("batch", source)

    assert result.exit_code == 3
    assert result.stdout == ""
    assert cli("team", "invitations", "--account", "acme", "-o", "json").json == []


def test_one_write_transaction_for_the_whole_batch(
    cli: Cli, acme: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    from fpctl.store import db

    begins: list[str] = []
    hook = "_on_begin_postgres" if backend == "postgres" else "_on_begin"
    original = getattr(db, hook)

    def counting(connection: Any) -> None:
        write = connection.get_execution_options().get("fpctl_write", False)
        begins.append("write" if write else "read")
        original(connection)

    monkeypatch.setattr(db, hook, counting)
    lines = [f"team invite p{i}@example.test --as {ADA}" for i in range(5)]
    lines += ["team invitations --account acme", "audit list --account acme"]
    result = cli("batch", write(tmp_path, "\n".join(lines)))

    assert result.exit_code == 0, result.stderr
    assert begins == ["read", "write"]  # the schema check, then the batch's lock


def test_empty_input(cli: Cli, acme: str, tmp_path: Path) -> None:
    result = cli("batch", write(tmp_path, "\n# nothing here\n   \n"))

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert cli("batch", "-", input="").exit_code == 0


def test_missing_file(cli: Cli, acme: str, tmp_path: Path) -> None:
    result = cli("batch", str(tmp_path / "nope.txt"))

    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_strip_comment_follows_the_shell() -> None:
    from fpctl.cli.batch import strip_comment

    assert strip_comment("a b # c") == "a b "
    assert strip_comment("# all") == ""
    assert strip_comment("a#b") == "a#b"
    assert strip_comment("a '# not' \"# not\" \\# x # yes") == "a '# not' \"# not\" \\# x "


def test_a_line_longer_than_64_kib_is_refused_before_anything_runs(
    cli: Cli, acme: str, tmp_path: Path
) -> None:
    """Splitting a line costs time in the square of its length: a 1 MB line took 20 s."""
    long_line = f"team invite {'a' * 1_000_000}@x.test --as {ADA}"
    script = write(tmp_path, f"team invite ok@x.test --as {ADA}\n{long_line}\n")

    with changes_nothing():
        result = cli("batch", script, "-o", "json")

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.error["message"] == "line 2: the line is longer than 65,536 characters"
