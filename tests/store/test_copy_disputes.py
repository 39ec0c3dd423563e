"""The dispute manager's table (issue 14) goes with `db copy` and `db backup`, and `db check`
passes on both — and finds a dispute request whose closing time contradicts its status."""

from __future__ import annotations

from pathlib import Path

from tests.backends import sql
from tests.conftest import Cli, store_state

ME = ("--as", "mia@acme.test")
LENA = ("--as", "@lena")


def _order_with_disputes(cli: Cli) -> None:
    assert cli("order", "place", "--freelancer", "lena", "--service", "1", *ME).exit_code == 0
    assert cli("order", "requirements", "1", "brief", *ME).exit_code == 0
    for line in (
        ("order", "dispute", "1", "--refund", "10", "--reason", "late", *ME),
        ("order", "dispute-accept", "1", *LENA),
        ("order", "dispute", "1", "--more-time", "--due", "2026-12-24", "--reason", "x", *LENA),
    ):
        done = cli(*line)
        assert done.exit_code == 0, done.stderr


def test_dispute_requests_are_carried(
    cli: Cli, shop: dict[str, int], isolated_env: Path, tmp_path: Path
) -> None:
    _order_with_disputes(cli)
    source = store_state(isolated_env)
    assert len(source["order_dispute"]) == 2

    copied, backup = tmp_path / "copy.db", tmp_path / "backup.db"
    assert cli("db", "copy", "--to", str(copied)).exit_code == 0
    assert cli("db", "backup", str(backup)).exit_code == 0
    for target in (copied, backup):
        assert store_state(target)["order_dispute"] == source["order_dispute"]
        assert cli("db", "check", "--db", str(target)).exit_code == 0


def test_db_check_finds_a_closed_request_without_a_closing_time(
    cli: Cli, shop: dict[str, int]
) -> None:
    _order_with_disputes(cli)
    sql("UPDATE order_dispute SET closed_at = NULL WHERE status = 'accepted'")
    checked = cli("db", "check", "-o", "json")
    assert checked.exit_code != 0
    assert "dispute request" in checked.stdout + checked.stderr
