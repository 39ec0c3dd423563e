"""`fpctl notifications list | read`, and the counts in `account show` and `inbox list`
(issue 14, item 6; docs/notifications.md)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.backends import sql
from tests.cli.test_inbox import ADA, LENA, MIA, SUPPORT, ok
from tests.conftest import Cli, changes_nothing

BILL = ("--as", "bill@acme.test")


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


@pytest.fixture
def told(cli: Cli, shop: Any) -> list[int]:
    """mia's order with lena, delivered; mia then has one notification, ada none."""
    order = ok(cli, "order", "place", "--freelancer", "lena", "--service", "1", *MIA)["id"]
    ok(cli, "order", "skip-requirements", str(order), *LENA)
    ok(cli, "order", "deliver", str(order), *LENA)
    ok(cli, "inbox", "send", "1", "Here it is.", *LENA)
    return [n["id"] for n in ok(cli, "notifications", "list", *MIA)]


def test_list_shows_ones_own_newest_first(cli: Cli, told: list[int]) -> None:
    listed = ok(cli, "notifications", "list", *MIA)

    assert [n["kind"] for n in listed] == ["message", "order.delivered"]
    assert listed[1] == {
        "id": told[1],
        "kind": "order.delivered",
        "subject": "order:1",
        "text": "@lena delivered order 1: Logo design",
        "actor": "@lena",
        "unread": True,
        "created_at": "2026-11-01T10:00:00Z",
        "read_at": None,
    }
    assert [n["kind"] for n in ok(cli, "notifications", "list", *ADA)] == ["message"]


def test_list_streams_in_every_format(cli: Cli, told: list[int]) -> None:
    ndjson = cli("notifications", "list", *MIA, "-o", "ndjson")
    assert ndjson.exit_code == 0 and len(ndjson.stdout.strip().splitlines()) == 2
    csv = cli("notifications", "list", *MIA, "-o", "csv", "--limit", "1")
    assert csv.exit_code == 0
    assert csv.stdout.splitlines()[0] == "id,kind,subject,text,actor,unread,created_at,read_at"
    table = cli("notifications", "list", *MIA)
    assert table.exit_code == 0 and "delivered order 1" in table.stdout


def test_read_one_then_unread_lists_the_rest(cli: Cli, told: list[int]) -> None:
    newest, oldest = told
    read = ok(cli, "notifications", "read", str(oldest), *MIA)
    assert (read["id"], read["unread"], read["read_at"]) == (oldest, False, "2026-11-01T10:00:00Z")

    again = cli("notifications", "read", str(oldest), *MIA, "-o", "json")
    assert again.exit_code == 0 and "already read" in again.stderr
    assert [n["id"] for n in ok(cli, "notifications", "list", "--unread", *MIA)] == [newest]


def test_read_all_marks_every_one_of_ones_own(cli: Cli, told: list[int]) -> None:
    assert ok(cli, "notifications", "read", "--all", *MIA) == {"read": 2}
    assert ok(cli, "notifications", "list", "--unread", *MIA) == []
    assert len(ok(cli, "notifications", "list", "--unread", *ADA)) == 1  # not ada's


def test_read_dry_run_changes_nothing(cli: Cli, told: list[int]) -> None:
    with changes_nothing():
        assert cli("notifications", "read", "--all", "--dry-run", *MIA).exit_code == 0


@pytest.mark.parametrize("args", [(), ("1", "--all")], ids=["neither", "both"])
def test_read_needs_an_id_or_all(cli: Cli, told: list[int], args: tuple[str, ...]) -> None:
    assert cli("notifications", "read", *args, *MIA).exit_code == 2


def test_another_members_notification_is_not_found(cli: Cli, told: list[int]) -> None:
    with changes_nothing():
        refused = cli("notifications", "read", str(told[0]), *BILL, "-o", "json")
    assert refused.exit_code == 3
    assert refused.error["code"] == "not_found"


def test_another_accounts_member_gets_not_found(cli: Cli, told: list[int]) -> None:
    ok(cli, "account", "create", "Beta", "--admin", "bea@beta.test", "--slug", "beta", *SUPPORT)
    refused = cli("notifications", "read", str(told[0]), "--as", "bea@beta.test")
    assert refused.exit_code == 3
    assert ok(cli, "notifications", "list", "--as", "bea@beta.test") == []


@pytest.mark.parametrize(
    ("actor", "code"),
    [((), 2), (SUPPORT, 4), (LENA, 4)],
    ids=["nobody", "support", "freelancer"],
)
def test_only_a_member_reads_notifications(
    cli: Cli, told: list[int], actor: tuple[str, ...], code: int
) -> None:
    assert cli("notifications", "list", *actor).exit_code == code
    assert cli("notifications", "read", "--all", *actor).exit_code == code


def test_a_deactivated_member_reads_nothing(cli: Cli, told: list[int]) -> None:
    ok(cli, "team", "deactivate", "mia@acme.test", *ADA, "--yes")
    assert cli("notifications", "list", *MIA).exit_code == 4


def test_hostile_text_is_shown_literally(cli: Cli, shop: Any) -> None:
    hostile = "[bold]hi[/] \x1b[2J\x1b]52;c;cHduZWQ=\x07 \u202eevil"
    ok(cli, "inbox", "send", "@lena", hostile, *MIA)

    table = cli("notifications", "list", *ADA)
    assert table.exit_code == 0, table.stderr
    assert "[bold]hi[/]" in table.stdout
    assert "\x1b" not in table.stdout and "\u202e" not in table.stdout
    stored = ok(cli, "notifications", "list", *ADA)[0]["text"]
    assert stored == f"mia@acme.test wrote in conversation 1: {hostile}"


def test_account_show_and_the_inbox_count_the_unread(cli: Cli, told: list[int]) -> None:
    assert ok(cli, "account", "show", *MIA)["unread_notifications"] == 2
    assert ok(cli, "account", "show", *SUPPORT)["unread_notifications"] is None
    inbox = cli("inbox", "list", *MIA)
    assert inbox.exit_code == 0 and "2 unread notifications" in inbox.stdout

    ok(cli, "notifications", "read", "--all", *MIA)
    assert ok(cli, "account", "show", *MIA)["unread_notifications"] == 0
    assert "unread notification" not in cli("inbox", "list", *MIA).stdout


def test_the_member_who_asked_hears_the_answer(cli: Cli, shop: Any) -> None:
    ok(cli, "policy", "add", "order-approval", "--over", "10", *ADA)
    order = ok(cli, "order", "place", "--freelancer", "lena", "--service", "1", *MIA)["id"]
    ok(cli, "approvals", "reject", "1", "--reason", "not this month", *ADA)

    [decided] = ok(cli, "notifications", "list", "--unread", *MIA)
    assert (decided["kind"], decided["subject"], decided["text"]) == (
        "approval.decided",
        f"approval:1 order:{order}",
        f"ada@acme.test rejected your order {order} (approval request 1)",
    )


def test_a_batch_tells_no_one_deactivated_midway(cli: Cli, shop: Any, tmp_path: Any) -> None:
    for _ in range(2):  # two orders of mia's, started
        order = ok(cli, "order", "place", "--freelancer", "lena", "--service", "1", *MIA)["id"]
        ok(cli, "order", "skip-requirements", str(order), *LENA)
    lines = tmp_path / "lines.txt"
    lines.write_text(
        "order deliver 1 --as @lena\n"
        "team deactivate mia@acme.test --as ada@acme.test\n"
        "order deliver 2 --as @lena\n"
    )
    done = cli("batch", str(lines), "-o", "json")
    assert done.exit_code == 0, done.stderr

    told = sql("SELECT subject FROM notification WHERE kind = 'order.delivered' ORDER BY id")
    assert [row[0] for row in told] == ["order:1"]  # not of order 2: mia was deactivated


def test_a_batch_asks_whoever_is_admin_at_each_line(cli: Cli, shop: Any, tmp_path: Any) -> None:
    ok(cli, "policy", "add", "order-approval", "--over", "10", *ADA)
    lines = tmp_path / "lines.txt"
    place = "order place --freelancer lena --service 1 --as mia@acme.test"
    lines.write_text(f"{place}\nrole set bill@acme.test admin --as ada@acme.test --yes\n{place}\n")
    done = cli("batch", str(lines), "-o", "json")
    assert done.exit_code == 0, done.stderr

    asked = sql(
        "SELECT m.email, n.subject FROM notification n JOIN member m ON m.id = n.member_id "
        "WHERE n.kind = 'order.approval' ORDER BY n.id"
    )
    assert [tuple(row) for row in asked] == [
        ("ada@acme.test", "order:1"),
        ("bill@acme.test", "order:2"),  # the admin once the role was handed over
    ]
    talks = sql("SELECT count(*) FROM conversation")
    assert talks[0][0] == 1  # one conversation with lena, opened by the first order
