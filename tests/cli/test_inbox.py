"""`fpctl inbox list | show | send`: conversations from the command line (issue 14, item 1;
docs/conversations.md)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli, changes_nothing

ADA = ("--as", "ada@acme.test")
MIA = ("--as", "mia@acme.test")
MAX = ("--as", "max@acme.test")
LENA = ("--as", "@lena")
OTTO = ("--as", "@otto")
BEA = ("--as", "bea@beta.test")
SUPPORT = ("--as", "support", "--reason", "ticket 7", "--account", "acme")


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def ok(cli: Cli, *args: Any) -> Any:
    done = cli(*args, "-o", "json")
    assert done.exit_code == 0, done.stderr
    return done.json


@pytest.fixture
def talk(cli: Cli, shop: Any) -> int:
    """mia's order with lena (opening conversation 1), then a message each way."""
    ok(cli, "order", "place", "--freelancer", "lena", "--service", "1", *MIA)
    ok(cli, "inbox", "send", "1", "Can you start Monday?", *MIA)
    ok(cli, "inbox", "send", "1", "Yes, Monday.", *LENA)
    return 1


# -- inbox send ------------------------------------------------------------------------------


def test_send_to_a_freelancer_opens_the_conversation_and_prints_the_message(
    cli: Cli, shop: Any
) -> None:
    sent = cli("inbox", "send", "@otto", "Are you free?", *MAX, "-o", "json")

    assert sent.exit_code == 0, sent.stderr
    assert sent.json == {
        "id": 1,
        "conversation_id": 1,
        "account": "acme",
        "freelancer": "otto",
        "side": "buyer",
        "author": "max@acme.test",
        "text": "Are you free?",
        "new": None,
        "created_at": "2026-11-01T10:00:00Z",
    }
    assert sent.stderr == "opened conversation 1 with @otto\n"
    [record] = ok(cli, "audit", "list", "--action", "message.send", "--account", "acme")
    assert (record["actor"], record["target"], record["changes"]) == (
        "max@acme.test",
        "conversation:1 message:1",
        {"side": [None, "buyer"], "text": [None, "Are you free?"], "conversation": [None, 1]},
    )


def test_the_freelancer_answers_by_id(cli: Cli, talk: int) -> None:
    sent = cli("inbox", "send", str(talk), "Done!", *LENA, "-o", "json")

    assert sent.exit_code == 0, sent.stderr
    assert (sent.json["side"], sent.json["author"], sent.stderr) == ("freelancer", "@lena", "")


def test_a_freelancer_cannot_write_first(cli: Cli, shop: Any) -> None:
    with changes_nothing():
        refused = cli("inbox", "send", "@lena", "Hire me", *LENA, "-o", "json")
    assert refused.exit_code == 4
    assert refused.error["code"] == "freelancer_cannot_open"


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty_message"), (" \n ", "empty_message"), ("x" * 10_001, "message_too_long")],
    ids=["empty", "blank", "too long"],
)
def test_an_empty_or_too_long_message_is_exit_2(cli: Cli, shop: Any, text: str, code: str) -> None:
    with changes_nothing():
        refused = cli("inbox", "send", "@lena", text, *MIA, "-o", "json")
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.error["code"] == code


def test_send_needs_an_actor(cli: Cli, shop: Any) -> None:
    refused = cli("inbox", "send", "@lena", "hi", "--account", "acme")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: this command changes the store")


def test_support_sends_for_the_account(cli: Cli, shop: Any) -> None:
    sent = ok(cli, "inbox", "send", "@lena", "Support here", *SUPPORT)
    assert sent["author"] == "support:sam"


def test_dry_run_sends_nothing(cli: Cli, shop: Any) -> None:
    with changes_nothing():
        done = cli("inbox", "send", "@lena", "draft", *MIA, "--dry-run")
    assert done.exit_code == 0, done.stderr


# -- inbox list ------------------------------------------------------------------------------


def test_list_shows_each_readers_unread_count(cli: Cli, talk: int) -> None:
    rows = ok(cli, "inbox", "list", *MIA)

    assert rows == [
        {
            "id": 1,
            "account": "acme",
            "freelancer": "lena",
            "freelancer_name": "Lena Pro",
            "opened_by": "order:1",
            "messages": 2,
            "unread": 1,
            "last_message_id": 2,
            "last_author": "@lena",
            "last_message_at": "2026-11-01T10:00:00Z",
            "preview": "Yes, Monday.",
            "created_at": "2026-11-01T10:00:00Z",
        }
    ]
    assert [r["unread"] for r in ok(cli, "inbox", "list", *MAX)] == [2]
    assert [r["unread"] for r in ok(cli, "inbox", "list", *LENA)] == [1]
    assert [r["unread"] for r in ok(cli, "inbox", "list", "--account", "acme")] == [None]


def test_list_unread_and_every_format(cli: Cli, talk: int) -> None:
    ok(cli, "inbox", "show", "1", *MIA)
    assert ok(cli, "inbox", "list", "--unread", *MIA) == []
    for fmt in ("ndjson", "csv", "tsv", "markdown", "wide"):
        done = cli("inbox", "list", *MAX, "-o", fmt)
        assert done.exit_code == 0, (fmt, done.stderr)
        assert "Yes, Monday." in done.stdout
    table = cli("inbox", "list", *MAX)
    assert table.exit_code == 0
    assert "lena" in table.stdout and "Yes, Monday." in table.stdout


def test_a_freelancer_sees_their_own_conversations_in_every_account(cli: Cli, talk: int) -> None:
    ok(cli, "account", "create", "Beta", "--admin", "bea@beta.test", "--slug", "beta")
    ok(cli, "inbox", "send", "@lena", "From beta", *BEA)

    assert [(r["id"], r["account"]) for r in ok(cli, "inbox", "list", *LENA)] == [
        (2, "beta"),
        (1, "acme"),
    ]
    assert ok(cli, "inbox", "list", *OTTO) == []
    assert [r["id"] for r in ok(cli, "inbox", "list", *BEA)] == [2]


# -- inbox show ------------------------------------------------------------------------------


def test_show_prints_the_thread_and_marks_it_read(cli: Cli, talk: int) -> None:
    first = ok(cli, "inbox", "show", "1", *MAX)

    assert [(m["author"], m["text"], m["new"]) for m in first] == [
        ("mia@acme.test", "Can you start Monday?", True),
        ("@lena", "Yes, Monday.", True),
    ]
    assert [m["new"] for m in ok(cli, "inbox", "show", "1", *MAX)] == [False, False]
    assert [r["unread"] for r in ok(cli, "inbox", "list", *MAX)] == [0]
    assert [m["text"] for m in ok(cli, "inbox", "show", "1", "--unread", *LENA)] == [
        "Can you start Monday?"
    ]
    assert ok(cli, "inbox", "show", "1", "--unread", *LENA) == []


def test_show_marks_read_only_what_it_showed(cli: Cli, talk: int) -> None:
    ok(cli, "inbox", "show", "1", "--limit", "1", *MAX)
    assert [r["unread"] for r in ok(cli, "inbox", "list", *MAX)] == [1]


def test_show_with_no_actor_or_as_support_marks_nothing(cli: Cli, talk: int) -> None:
    with changes_nothing():
        assert len(ok(cli, "inbox", "show", "1", "--account", "acme")) == 2
        assert len(ok(cli, "inbox", "show", "1")) == 2  # an operator, by id
        assert [m["new"] for m in ok(cli, "inbox", "show", "1", *SUPPORT)] == [None, None]


def test_show_renders_hostile_text_literally(cli: Cli, shop: Any) -> None:
    hostile = "[bold]hi[/] \x1b[2J\x1b]52;c;cHduZWQ=\x07 \u202eevil"
    ok(cli, "inbox", "send", "@lena", hostile, *MIA)

    table = cli("inbox", "show", "1", *MIA)
    assert table.exit_code == 0, table.stderr
    assert "[bold]hi[/]" in table.stdout
    assert "\x1b" not in table.stdout and "\u202e" not in table.stdout
    assert ok(cli, "inbox", "show", "1", *MIA)[0]["text"] == hostile


# -- visibility ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("show", "1"), ("send", "1", "let me in")],
    ids=["show", "send"],
)
def test_another_freelancer_or_account_gets_not_found(
    cli: Cli, talk: int, args: tuple[str, ...]
) -> None:
    ok(cli, "account", "create", "Beta", "--admin", "bea@beta.test", "--slug", "beta")
    for actor in (OTTO, BEA):
        with changes_nothing():
            refused = cli("inbox", *args, *actor, "-o", "json")
        assert refused.exit_code == 3, (actor, refused.stderr)
        assert refused.error["message"] == "no conversation 1"


def test_the_freelancer_never_sees_team_comments(cli: Cli, talk: int) -> None:
    ok(cli, "order", "comment", "1", "Team only: the budget is tight", *MIA)

    assert cli("order", "comments", "1", *LENA).exit_code == 4
    shown = cli("inbox", "show", "1", *LENA, "-o", "json")
    assert "budget" not in shown.stdout
    assert "budget" not in cli("inbox", "list", *LENA, "-o", "json").stdout


def test_a_removed_members_conversation_stays_with_the_team(cli: Cli, talk: int) -> None:
    ok(cli, "inbox", "send", "1", "Max writing", *MAX)
    assert cli("team", "remove", "max@acme.test", *ADA, "--yes").exit_code == 0

    assert ok(cli, "inbox", "list", *MIA)[0]["last_author"] == "max@acme.test"
    assert cli("inbox", "list", *MAX).exit_code == 4  # a removed seat does nothing


def test_after_a_switch_the_admin_reads_and_nobody_writes(cli: Cli, talk: int) -> None:
    ok(cli, "order", "cancel", "1", *MIA)
    assert cli("subscription", "switch", "fiverr", *ADA, "--yes").exit_code == 0

    assert len(ok(cli, "inbox", "show", "1", *ADA)) == 2
    assert len(ok(cli, "inbox", "show", "1", *LENA)) == 2
    refused = cli("inbox", "send", "1", "still there?", *ADA, "-o", "json")
    assert (refused.exit_code, refused.error["code"]) == (5, "account_switched")
    assert cli("inbox", "list", *MIA).exit_code == 4  # deactivated by the switch


def test_can_i_send_agrees_with_the_command(cli: Cli, talk: int) -> None:
    assert cli("auth", "can-i", "message.send", "1", *LENA).exit_code == 0
    assert cli("auth", "can-i", "message.send", "1", *OTTO).exit_code == 3
    assert cli("auth", "can-i", "message.send", "@lena", *LENA).exit_code == 4


def test_the_order_and_the_network_name_the_conversation(cli: Cli, talk: int) -> None:
    """Seed 004: the order page leads to its conversation; seed 001: the network card
    leads to past conversations (``conversation``: the id `inbox show` takes)."""
    assert ok(cli, "order", "show", "1", *MIA)["conversation"] == talk
    ok(cli, "network", "save", "lena", *MIA)
    ok(cli, "network", "save", "otto", *MIA)
    cards = {card["username"]: card for card in ok(cli, "network", "list", *MIA)}
    assert cards["lena"]["conversation"] == talk
    assert cards["otto"]["conversation"] is None  # no order, no message yet
    assert ok(cli, "inbox", "show", str(talk), *MIA)[-1]["text"] == "Yes, Monday."
