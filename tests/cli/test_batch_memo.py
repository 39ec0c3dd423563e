"""fpctl batch remembers lookups between its lines (services/memo.py): a line that changes
what an earlier line looked up makes the next one look again, so every line still behaves
exactly as it would alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from fpctl.services.memo import ALL, Memo
from tests.cli.test_batch import write
from tests.conftest import Cli, changes_nothing

ADA = "ada@acme.test"
PLACE = "order place --freelancer lena --service 1"


def test_a_member_deactivated_by_a_line_is_refused_on_the_next(
    cli: Cli, shop: dict[str, int], tmp_path: Path
) -> None:
    source = write(
        tmp_path,
        f"""{PLACE} --as mia@acme.test
team deactivate mia@acme.test --as {ADA} --yes
{PLACE} --as mia@acme.test
""",
    )
    with changes_nothing():
        result = cli("batch", source, "-o", "json")

    assert result.stdout == ""
    assert cli("team", "deactivate", "mia@acme.test", "--as", ADA, "--yes").exit_code == 0
    alone = cli(*PLACE.split(), "--as", "mia@acme.test", "-o", "json")
    assert result.exit_code == alone.exit_code == 4
    assert result.error["line"] == 3
    assert result.error["message"] == f"line 3: {alone.error['message']}"


@pytest.mark.parametrize("promoted", [True, False])
def test_a_role_changed_by_a_line_decides_the_next(
    cli: Cli, shop: dict[str, int], tmp_path: Path, promoted: bool
) -> None:
    """mia (a member) sees max's order only once a line made her a billing manager."""
    promotion = f"role set mia@acme.test billing_manager --as {ADA}\n" if promoted else ""
    source = write(
        tmp_path,
        f"{PLACE} --as mia@acme.test\n{PLACE} --as max@acme.test\n{promotion}"
        "order show 2 --as mia@acme.test\n",
    )
    result = cli("batch", source, "-o", "json")

    if promoted:
        assert result.exit_code == 0, result.stderr
        shown = result.json[3]["result"]
        assert (shown["id"], shown["placed_by"]) == (2, "max@acme.test")
    else:
        assert result.exit_code == 3
        assert result.error["line"] == 3


@pytest.mark.parametrize("undone", [False, True])
def test_a_cancellation_requested_by_a_line_holds_the_order_on_the_next(
    cli: Cli, shop: dict[str, int], tmp_path: Path, undone: bool
) -> None:
    """The request holds the delivery on the next line; a request the line undid
    (``--dry-run``) holds nothing, though its own view showed it."""
    source = write(
        tmp_path,
        f"""{PLACE} --as {ADA}
order requirements 1 'A fox' --as {ADA}
order cancel-request 1 --reason 'too slow' --as @lena{" --dry-run" if undone else ""}
order deliver 1 --as @lena
""",
    )
    result = cli("batch", source, "-o", "json")

    if not undone:
        assert result.exit_code == 5, result.stderr
        assert (result.error["code"], result.error["line"]) == ("cancellation_open", 4)
        return
    assert result.exit_code == 0, result.stderr
    requested, delivered = (line["result"] for line in result.json[2:])
    assert requested["cancellation"]["side"] == "seller"
    assert (delivered["status"], delivered["cancellation"]) == ("delivered", None)


# -- what a statement makes the memo forget --------------------------------------------------


def _kept(reads: dict[str, frozenset[str] | None]) -> Memo:
    memo = Memo()
    memo.get("key", reads, lambda: "value")
    return memo


def _still_kept(memo: Memo) -> bool:
    return memo.get("key", {}, lambda: "again") == "value"


@pytest.mark.parametrize(
    ("statement", "forgets"),
    [
        ("SELECT * FROM member", False),
        ("INSERT INTO member (email) VALUES (?)", True),
        ('INSERT INTO "member" (email) VALUES (?)', True),
        ("INSERT INTO audit_record (id) VALUES (?)", False),
        ("UPDATE member SET role=? WHERE member.id = ?", True),
        ("UPDATE account SET points=? WHERE account.id = ?", False),
        ("UPDATE account SET points=?, slug=? WHERE account.id = ?", True),
        ("UPDATE account SET slug = ?", True),  # no WHERE: not read, so forgotten
        ("DELETE FROM orders WHERE id = ?", True),  # a delete may cascade anywhere
        ("ROLLBACK TO SAVEPOINT sa_savepoint_1", True),
        ("SAVEPOINT sa_savepoint_1", False),
        ("RELEASE SAVEPOINT sa_savepoint_1", False),
        ("WITH x AS (SELECT 1) UPDATE member SET role = 'admin'", True),
    ],
)
def test_what_a_statement_forgets(statement: str, forgets: bool) -> None:
    memo = _kept({"member": ALL, "account": frozenset({"slug"})})
    memo.saw(statement)
    assert _still_kept(memo) is not forgets


def test_a_lookup_that_fails_is_not_kept() -> None:
    memo = Memo()

    def fails() -> str:
        raise LookupError("no such member")

    with pytest.raises(LookupError):
        memo.get("key", {"member": ALL}, fails)
    assert memo.get("key", {"member": ALL}, lambda: "found") == "found"
