"""`fpctl order share | note | notes | comment | comments`, and who sees an order from the
command line (SPEC §1.5, §2, §3)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import NOW, Cli

ADA = ("--as", "ada@acme.test")
BILL = ("--as", "bill@acme.test")
MIA = ("--as", "mia@acme.test")
MAX = ("--as", "max@acme.test")
LENA = ("--as", "@lena")
OTTO = ("--as", "@otto")
SUPPORT = ("--as", "support", "--reason", "ticket 7", "--account", "acme")


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def order(cli: Cli, *args: Any) -> Any:
    return cli("order", *args, "-o", "json")


def place(cli: Cli, actor: tuple[str, ...], *extra: str, service: int = 1) -> int:
    freelancer = "lena" if service == 1 else "otto"
    made = order(cli, "place", "--freelancer", freelancer, "--service", service, *extra, *actor)
    assert made.exit_code == 0, made.stderr
    return made.json["id"]


def ids(cli: Cli, *actor: str) -> list[int]:
    listed = order(cli, "list", *actor)
    assert listed.exit_code == 0, listed.stderr
    return [row["id"] for row in listed.json]


def talk_audit(cli: Cli) -> list[dict[str, Any]]:
    keys = ("actor", "action", "target", "changes")
    return [
        {k: r[k] for k in keys}
        for r in cli("audit", "list", "--account", "acme", "-o", "json").json
        if r["action"] in ("order.share", "order.note", "order.comment")
    ]


@pytest.fixture
def mine(cli: Cli, shop: Any) -> int:
    """mia's order in her my-project (only mia, ada and bill see it)."""
    return place(cli, MIA)


# -- order share ---------------------------------------------------------------------------------


def test_share_prints_the_order_shared_and_max_then_sees_it(cli: Cli, mine: int) -> None:
    assert order(cli, "show", mine, *MAX).exit_code == 3
    shared = order(cli, "share", mine, *MIA)

    assert shared.exit_code == 0, shared.stderr
    assert (shared.json["id"], shared.json["shared"]) == (mine, True)
    assert order(cli, "show", mine, *MAX).exit_code == 0
    assert talk_audit(cli) == [
        {
            "actor": "mia@acme.test",
            "action": "order.share",
            "target": f"order:{mine}",
            "changes": {"shared": [False, True]},
        }
    ]


def test_sharing_a_shared_order_is_unchanged_with_a_note(cli: Cli, mine: int) -> None:
    assert order(cli, "share", mine, *MIA).exit_code == 0
    again = order(cli, "share", mine, *ADA)

    assert again.exit_code == 0
    assert again.json["shared"] is True
    assert f"order {mine} is already shared with all members: unchanged" in again.stderr
    assert len(talk_audit(cli)) == 1


def test_share_dry_run_changes_nothing(cli: Cli, mine: int) -> None:
    tried = order(cli, "share", mine, *MIA, "--dry-run")

    assert tried.exit_code == 0
    assert tried.json["shared"] is True
    assert "dry run: nothing was changed" in tried.stderr
    assert order(cli, "show", mine, *MAX).exit_code == 3
    assert talk_audit(cli) == []


@pytest.mark.parametrize(
    ("actor", "code", "says"),
    [
        (LENA, 4, "@lena cannot share orders"),
        ((), 2, "needs an actor"),
        (MAX, 3, "no order 1"),
    ],
    ids=["freelancer", "no actor", "hidden"],
)
def test_share_refusals(cli: Cli, mine: int, actor: tuple[str, ...], code: int, says: str) -> None:
    refused = order(cli, "share", mine, *actor, "--account", "acme")

    assert refused.exit_code == code
    assert says in refused.error["message"]
    assert order(cli, "show", mine, *MAX).exit_code == 3


def test_a_non_placer_who_sees_the_order_cannot_share_it(cli: Cli, shop: Any) -> None:
    project = cli("project", "create", "Secret", "--private", *MAX, "-o", "json").json["id"]
    assert cli("project", "add-member", project, "mia@acme.test", *MAX).exit_code == 0
    theirs = place(cli, MAX, "--project", str(project))

    refused = order(cli, "share", theirs, *MIA)
    assert refused.exit_code == 4
    assert refused.error["code"] == "not_order_owner"


# -- order note / notes ----------------------------------------------------------------------


def test_note_prints_the_note_and_only_its_author_lists_it(cli: Cli, mine: int) -> None:
    made = order(cli, "note", mine, "call Lena", *MIA)

    assert made.exit_code == 0, made.stderr
    assert made.json == {
        "id": 1,
        "order_id": mine,
        "author": "mia@acme.test",
        "text": "call Lena",
        "created_at": NOW,
    }
    assert order(cli, "notes", mine, *MIA).json == [made.json]
    assert order(cli, "notes", mine, *ADA).json == []
    assert talk_audit(cli) == [
        {
            "actor": "mia@acme.test",
            "action": "order.note",
            "target": f"order:{mine} note:1",
            "changes": {"note": [None, 1], "length": [None, 9]},
        }
    ]


def test_notes_table_and_csv(cli: Cli, mine: int) -> None:
    assert order(cli, "note", mine, "=1+1 [red]x[/red]", *MIA).exit_code == 0

    table = cli("order", "notes", mine, *MIA)
    assert table.exit_code == 0
    assert "[red]x[/red]" in table.stdout
    csv = cli("order", "notes", mine, *MIA, "-o", "csv")
    assert csv.stdout.splitlines()[0] == "id,order_id,author,text,created_at"
    assert "'=1+1" in csv.stdout


def test_reading_notes_without_an_actor_is_a_usage_error(cli: Cli, mine: int) -> None:
    refused = order(cli, "notes", mine, "--account", "acme")

    assert refused.exit_code == 2
    assert refused.error["code"] == "notes_private"
    assert "notes are private" in refused.error["message"]
    assert "--as" in refused.error["hint"]


def test_support_notes_are_support_agents_own(cli: Cli, mine: int) -> None:
    made = order(cli, "note", mine, "customer called", *SUPPORT)

    assert made.exit_code == 0, made.stderr
    assert made.json["author"] == "support:sam"
    assert [n["text"] for n in order(cli, "notes", mine, *SUPPORT).json] == ["customer called"]
    assert order(cli, "notes", mine, *MIA).json == []


def test_note_dry_run_changes_nothing(cli: Cli, mine: int) -> None:
    tried = order(cli, "note", mine, "draft", *MIA, "--dry-run")

    assert tried.exit_code == 0
    assert tried.json["text"] == "draft"
    assert order(cli, "notes", mine, *MIA).json == []
    assert talk_audit(cli) == []


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("note", 1, "x", *LENA), 4),
        (("notes", 1, *LENA), 4),
        (("note", 1, "x", *MAX), 3),  # hidden from max
        (("notes", 1, *MAX), 3),
        (("note", 99, "x", *MIA), 3),
        (("note", 1, "  ", *MIA), 2),
        (("note", 1, "x"), 2),  # no actor
    ],
)
def test_note_refusals(cli: Cli, mine: int, args: tuple[Any, ...], code: int) -> None:
    refused = order(cli, *args)

    assert refused.exit_code == code, refused.stderr
    assert talk_audit(cli) == []


def test_the_freelancer_is_told_notes_and_comments_are_never_theirs(cli: Cli, mine: int) -> None:
    for args in (("note", mine, "x"), ("notes", mine), ("comment", mine, "x"), ("comments", mine)):
        refused = order(cli, *args, *LENA)
        assert refused.exit_code == 4
        assert "never shown to the freelancer" in refused.error["message"]


# -- order comment / comments ------------------------------------------------------------------


def test_comment_prints_the_comment_with_its_mentions(cli: Cli, mine: int) -> None:
    made = order(cli, "comment", mine, "@ada@acme.test please look", *MIA)

    assert made.exit_code == 0, made.stderr
    assert made.json == {
        "id": 1,
        "order_id": mine,
        "author": "mia@acme.test",
        "text": "@ada@acme.test please look",
        "reply_to": None,
        "mentions": ["ada@acme.test"],
        "depth": 0,
        "created_at": NOW,
    }
    assert made.stderr == ""
    assert talk_audit(cli)[-1] == {
        "actor": "mia@acme.test",
        "action": "order.comment",
        "target": f"order:{mine} comment:1",
        "changes": {
            "text": [None, "@ada@acme.test please look"],
            "reply_to": [None, None],
            "mentions": [None, ["ada@acme.test"]],
        },
    }


def test_ignored_mentions_are_noted_and_the_text_kept(cli: Cli, mine: int) -> None:
    made = order(cli, "comment", mine, "@max@acme.test @zoe@acme.test hi", *MIA)

    assert made.exit_code == 0
    assert made.json["mentions"] == []
    assert made.json["text"] == "@max@acme.test @zoe@acme.test hi"
    assert (
        "not mentioned (the text is kept): @max@acme.test (cannot see order 1); "
        "@zoe@acme.test (not an active member of the account)"
    ) in made.stderr


def test_comments_list_threads_replies_after_their_parent(cli: Cli, mine: int) -> None:
    assert order(cli, "share", mine, *MIA).exit_code == 0
    assert order(cli, "comment", mine, "first", *MIA).exit_code == 0
    assert order(cli, "comment", mine, "second", *MAX).exit_code == 0
    reply = order(cli, "comment", mine, "re first", "--reply-to", "1", *BILL)
    assert (reply.exit_code, reply.json["reply_to"], reply.json["depth"]) == (0, 1, 1)

    for reader in (MAX, ADA, SUPPORT, ("--account", "acme")):
        listed = order(cli, "comments", mine, *reader)
        assert listed.exit_code == 0, listed.stderr
        assert [(c["id"], c["reply_to"], c["text"]) for c in listed.json] == [
            (1, None, "first"),
            (3, 1, "re first"),
            (2, None, "second"),
        ]
    table = cli("order", "comments", mine, *MIA)
    assert table.exit_code == 0
    assert "re first" in table.stdout


def test_a_reply_to_a_comment_on_another_order_is_not_found(cli: Cli, mine: int) -> None:
    other = place(cli, MIA)
    assert order(cli, "comment", other, "elsewhere", *MIA).exit_code == 0

    refused = order(cli, "comment", mine, "reply", "--reply-to", "1", *MIA)
    assert refused.exit_code == 3
    assert refused.error["message"] == f"no comment 1 on order {mine}"
    assert order(cli, "comments", mine, *MIA).json == []


def test_comment_dry_run_changes_nothing(cli: Cli, mine: int) -> None:
    tried = order(cli, "comment", mine, "draft", *MIA, "--dry-run")

    assert tried.exit_code == 0
    assert tried.json["text"] == "draft"
    assert order(cli, "comments", mine, *MIA).json == []
    assert talk_audit(cli) == []


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("comment", 1, "x", *MAX), 3),
        (("comments", 1, *MAX), 3),
        (("comment", 1, "", *MIA), 2),
        (("comment", 1, "x"), 2),
        (("comment", 1, "x", "--reply-to", "7", *MIA), 3),
    ],
)
def test_comment_refusals(cli: Cli, mine: int, args: tuple[Any, ...], code: int) -> None:
    refused = order(cli, *args)

    assert refused.exit_code == code, refused.stderr
    assert talk_audit(cli) == []


@pytest.mark.parametrize(
    "args",
    [("share", 1), ("note", 1, "x"), ("notes", 1), ("comment", 1, "x"), ("comments", 1)],
    ids=lambda a: a[0],
)
def test_a_deactivated_member_can_do_nothing(cli: Cli, mine: int, args: tuple[Any, ...]) -> None:
    assert cli("team", "deactivate", "mia@acme.test", *ADA).exit_code == 0

    refused = order(cli, *args, *MIA)
    assert refused.exit_code == 4
    assert "deactivated" in refused.error["message"]


# -- who sees what ---------------------------------------------------------------------------------


@pytest.fixture
def book(cli: Cli, shop: Any) -> dict[str, int]:
    """1 mia (my-project), 2 max (public project), 3 max (private project),
    4 bill (my-project), 5 mia with otto (my-project)."""
    public = cli("project", "create", "Launch", *MAX, "-o", "json")
    assert public.exit_code == 0, public.stderr
    private = cli("project", "create", "Secret", "--private", *MAX, "-o", "json")
    return {
        "mia": place(cli, MIA),
        "public": place(cli, MAX, "--project", str(public.json["id"])),
        "private": place(cli, MAX, "--project", str(private.json["id"])),
        "bill": place(cli, BILL),
        "otto": place(cli, MIA, service=2),
    }


def test_order_list_as_a_member_lists_exactly_what_they_see(cli: Cli, book: dict[str, int]) -> None:
    assert ids(cli, *MIA) == [book["mia"], book["public"], book["otto"]]
    assert ids(cli, *MAX) == [book["public"], book["private"]]
    assert ids(cli, *ADA) == ids(cli, *BILL) == ids(cli, "--account", "acme") == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("command", ["show", "accept", "requirements", "note", "comment"])
def test_hidden_orders_are_not_found(cli: Cli, book: dict[str, int], command: str) -> None:
    text = () if command in ("show", "accept") else ("some text",)
    refused = order(cli, command, book["private"], *text, *MIA)

    assert refused.exit_code == 3
    assert refused.error["code"] == "not_found"


@pytest.mark.parametrize(
    "goes",
    [
        ("team", "remove", "mia@acme.test", "--as", "ada@acme.test", "--yes"),
        ("team", "leave", "--as", "mia@acme.test", "--yes"),
    ],
    ids=["removed", "left"],
)
def test_when_a_member_goes_their_orders_become_visible_to_all(
    cli: Cli, book: dict[str, int], goes: tuple[str, ...]
) -> None:
    assert book["mia"] not in ids(cli, *MAX)
    assert cli(*goes).exit_code == 0

    assert ids(cli, *MAX) == [1, 2, 3, 5]  # mia's orders joined; bill's stays his
    shown = order(cli, "show", book["mia"], *MAX)
    assert (shown.exit_code, shown.json["shared"], shown.json["account"]) == (0, True, "acme")


def test_orders_of_another_account_are_not_found(cli: Cli, book: dict[str, int]) -> None:
    made = cli("account", "create", "Beta", "--admin", "bob@beta.test", "--slug", "beta")
    assert made.exit_code == 0, made.stderr

    assert order(cli, "show", book["mia"], "--as", "bob@beta.test").exit_code == 3
    assert order(cli, "show", book["mia"], "--account", "beta").exit_code == 3
    assert ids(cli, "--as", "bob@beta.test") == []


def test_a_freelancer_sees_only_the_orders_placed_with_them(cli: Cli, book: dict[str, int]) -> None:
    assert ids(cli, *LENA) == [1, 2, 3, 4]
    assert ids(cli, *OTTO) == [book["otto"]]
    assert order(cli, "show", book["bill"], *LENA).exit_code == 0
    refused = order(cli, "show", book["mia"], *OTTO)
    assert refused.exit_code == 3
    assert refused.error["message"] == f"no order {book['mia']}"
