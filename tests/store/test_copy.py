"""fpctl db copy --to: a whole store into another, verified, in one transaction."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli, store_state


def copy(cli: Cli, target: Path, *extra: str) -> object:
    return cli("db", "copy", "--to", str(target), *extra, "-o", "json")


def test_a_store_is_copied_whole_and_verified(
    cli: Cli, shop: dict[str, int], isolated_env: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    result = copy(cli, target)

    assert result.exit_code == 0, result.stderr
    copied = result.json
    assert copied["target"] == f"sqlite:///{target}"
    assert copied["replaced"] is False
    source, moved = store_state(isolated_env), store_state(target)
    assert moved == source  # every row of every table, ids included
    assert copied["rows"] == sum(
        len(rows) for name, rows in source.items() if name != "alembic_version"
    )
    assert copied["tables"]["member"] == len(source["member"])
    verified = cli("audit", "verify", "--db", str(target), "-o", "json").json
    assert verified["head"] == copied["audit_head"]
    assert cli("db", "check", "--db", str(target)).exit_code == 0


def test_a_target_with_data_is_refused_unless_replace(
    cli: Cli, shop: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    assert copy(cli, target).exit_code == 0
    cli("team", "invite", "late@acme.test", "--as", "ada@acme.test")
    before = store_state(target)

    refused = copy(cli, target)
    assert (refused.exit_code, refused.error["code"]) == (5, "target_not_empty")
    assert refused.stdout == ""
    unconfirmed = copy(cli, target, "--replace")
    assert (unconfirmed.exit_code, unconfirmed.error["code"]) == (2, "confirmation_required")
    assert store_state(target) == before

    replaced = copy(cli, target, "--replace", "--yes")
    assert replaced.exit_code == 0, replaced.stderr
    assert replaced.json["replaced"] is True
    invited = cli("team", "invitations", "--account", "acme", "--db", str(target), "-o", "json")
    assert "late@acme.test" in [i["email"] for i in invited.json]
    assert cli("audit", "verify", "--db", str(target)).exit_code == 0


def test_a_dry_run_copies_and_checks_then_keeps_nothing(
    cli: Cli, shop: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    result = copy(cli, target, "--dry-run")

    assert result.exit_code == 0, result.stderr
    assert result.json["rows"] > 0
    assert store_state(target)["member"] == []


def test_copying_a_store_onto_itself_is_refused(
    cli: Cli, shop: dict[str, int], isolated_env: Path
) -> None:
    before = store_state(isolated_env)
    result = copy(cli, isolated_env)

    assert result.exit_code == 5
    assert store_state(isolated_env) == before


def test_conversations_messages_and_read_marks_are_carried(
    cli: Cli, shop: dict[str, int], isolated_env: Path, tmp_path: Path
) -> None:
    """The conversation tables (issue 14) go with a copy and a backup, and `db check`
    passes on both."""
    me = ("--as", "mia@acme.test")
    assert cli("order", "place", "--freelancer", "lena", "--service", "1", *me).exit_code == 0
    assert cli("inbox", "send", "1", "hello", *me).exit_code == 0
    assert cli("inbox", "send", "1", "hi back", "--as", "@lena").exit_code == 0
    assert cli("inbox", "show", "1", *me).exit_code == 0
    source = store_state(isolated_env)
    tables = ("conversation", "conversation_message", "conversation_read")
    assert [len(source[t]) for t in tables] == [1, 2, 1]

    copied, backup = tmp_path / "copy.db", tmp_path / "backup.db"
    assert cli("db", "copy", "--to", str(copied)).exit_code == 0
    assert cli("db", "backup", str(backup)).exit_code == 0
    for target in (copied, backup):
        moved = store_state(target)
        assert [moved[t] for t in tables] == [source[t] for t in tables]
        assert cli("db", "check", "--db", str(target)).exit_code == 0


def test_notifications_and_their_read_marks_are_carried(
    cli: Cli, shop: dict[str, int], isolated_env: Path, tmp_path: Path
) -> None:
    """The notification table (issue 14) goes with a copy and a backup, read marks included,
    and `db check` passes on both."""
    assert cli("inbox", "send", "@lena", "hello", "--as", "mia@acme.test").exit_code == 0
    assert cli("notifications", "read", "--all", "--as", "ada@acme.test").exit_code == 0
    source = store_state(isolated_env)
    assert len(source["notification"]) == 3  # ada (read), bill and max; not mia, the writer

    copied, backup = tmp_path / "copy.db", tmp_path / "backup.db"
    assert cli("db", "copy", "--to", str(copied)).exit_code == 0
    assert cli("db", "backup", str(backup)).exit_code == 0
    for target in (copied, backup):
        assert store_state(target)["notification"] == source["notification"]
        assert cli("db", "check", "--db", str(target)).exit_code == 0


def test_hour_reports_are_carried(
    cli: Cli, shop: dict[str, int], isolated_env: Path, tmp_path: Path
) -> None:
    """The weekly hour reports (issue 14) go with a copy and a backup, and `db check`
    passes on both."""
    ada, lena = ("--as", "ada@acme.test"), ("--as", "@lena")
    terms = ("--hourly", "--rate", "40", "--weekly-limit", "20", "--estimate", "10")
    assert cli("order", "place", "--freelancer", "lena", *terms, *ada).exit_code == 0
    assert cli("order", "skip-requirements", "1", *lena).exit_code == 0
    week = ("--week", "2026-W44")
    logged = cli("order", "hours", "log", "1", *week, "--hours", "3", "--description", "x", *lena)
    assert logged.exit_code == 0, logged.stderr
    ended = ("--now", "2026-11-02T00:00:00Z")
    disputed = cli("order", "hours", "dispute", "1", *week, "--reason", "no", *ada, *ended)
    assert disputed.exit_code == 0, disputed.stderr
    source = store_state(isolated_env)
    assert len(source["order_hour_report"]) == 1

    copied, backup = tmp_path / "copy.db", tmp_path / "backup.db"
    assert cli("db", "copy", "--to", str(copied)).exit_code == 0
    assert cli("db", "backup", str(backup)).exit_code == 0
    for target in (copied, backup):
        assert store_state(target)["order_hour_report"] == source["order_hour_report"]
        assert cli("db", "check", "--db", str(target)).exit_code == 0
