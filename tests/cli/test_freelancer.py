"""`fpctl freelancer add | list | show`, `freelancer service add` (SPEC §1.5, §2, §3)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import NOW, Cli

SUPPORT = ("--as", "support", "--reason", "ticket 7")


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def add(cli: Cli, *args: str, actor: tuple[str, ...] = SUPPORT) -> Any:
    return cli("freelancer", "add", *args, *actor, "-o", "json")


def add_service(cli: Cli, *args: str, actor: tuple[str, ...] = SUPPORT) -> Any:
    return cli("freelancer", "service", "add", *args, *actor, "-o", "json")


def freelancer(id_: int, username: str, name: str | None = None, pro: bool = False) -> dict:
    return {
        "id": id_,
        "username": username,
        "name": name or username,
        "pro": pro,
        "created_at": NOW,
    }


@pytest.fixture
def catalogue(cli: Cli) -> None:
    """bob (Pro, two services), amy, kim (Pro)."""
    for args in (("@Bob", "--name", "Bob Builder", "--pro"), ("amy",), ("kim", "--pro")):
        assert add(cli, *args).exit_code == 0
    assert (
        add_service(cli, "bob", "Logo design", "--price", "150", "--revisions", "2").exit_code == 0
    )
    assert add_service(cli, "bob", "Banner", "--price", "$1,250.50").exit_code == 0


# -- freelancer add -------------------------------------------------------------------------


def test_support_adds_a_freelancer(cli: Cli) -> None:
    result = add(cli, "@Jane.Doe", "--name", "Jane Doe", "--pro")

    assert result.exit_code == 0, result.stderr
    assert result.json == freelancer(1, "jane.doe", "Jane Doe", pro=True)


def test_the_name_defaults_to_the_username_and_pro_to_no(cli: Cli) -> None:
    assert add(cli, "carol").json == freelancer(1, "carol")


def test_adding_writes_an_audit_record_with_no_account(cli: Cli) -> None:
    add(cli, "bob", "--pro")

    [record] = cli("audit", "list", "-o", "json").json
    assert {
        k: record[k] for k in ("actor", "action", "target", "account", "reason", "changes")
    } == {
        "actor": "support:sam",
        "action": "freelancer.add",
        "target": "freelancer:1 @bob",
        "account": None,
        "reason": "ticket 7",
        "changes": {"username": [None, "bob"], "name": [None, "bob"], "pro": [None, True]},
    }


def test_a_taken_username_is_refused(cli: Cli) -> None:
    add(cli, "bob")
    again = add(cli, "@BOB", "--name", "Other Bob")

    assert again.exit_code == 5
    assert again.stdout == ""
    assert again.error == {
        "code": "username_taken",
        "message": "the username @bob is taken",
        "hint": "`fpctl freelancer show bob` shows that freelancer",
    }
    assert len(cli("audit", "list", "-o", "json").json) == 1


@pytest.mark.parametrize("username", ["b", "x" * 31, "bob smith", "bob!", "bøb"])
def test_a_malformed_username_is_a_usage_error(cli: Cli, username: str) -> None:
    result = add(cli, username)

    assert result.exit_code == 2
    assert result.error["code"] == "invalid_username"
    assert result.stderr.startswith(f"error: {username!r} is not a valid username\n")
    assert cli("freelancer", "list", "-o", "json").json == []


@pytest.mark.parametrize("actor", ["ada@acme.test", "bill@acme.test", "mia@acme.test"])
def test_members_billing_managers_and_the_admin_cannot_add(cli: Cli, team: Any, actor: str) -> None:
    result = add(cli, "bob", actor=("--as", actor))

    assert result.exit_code == 4
    assert result.error == {
        "code": "permission_denied",
        "message": f"{actor} cannot add freelancers to the catalogue: only support can",
    }


def test_no_actor_is_a_usage_error(cli: Cli) -> None:
    result = add(cli, "bob", actor=())

    assert result.exit_code == 2
    assert result.error["code"] == "invalid_input"
    assert result.stderr.startswith("error: this command changes the store, so it needs an actor")


def test_support_needs_a_reason(cli: Cli) -> None:
    result = add(cli, "bob", actor=("--as", "support"))

    assert result.exit_code == 4
    assert result.error["code"] == "reason_required"


def test_a_freelancer_cannot_add_freelancers(cli: Cli) -> None:
    add(cli, "bob")
    assert add(cli, "carol", actor=("--as", "@bob")).exit_code == 4


def test_dry_run_adds_nothing(cli: Cli) -> None:
    result = cli("freelancer", "add", "bob", *SUPPORT, "--dry-run", "-o", "json")

    assert result.exit_code == 0
    assert result.json == freelancer(1, "bob")
    assert result.stderr == "dry run: nothing was changed\n"
    assert cli("freelancer", "list", "-o", "json").json == []


# -- freelancer list / show -----------------------------------------------------------------


def test_anyone_lists_the_catalogue_by_username(cli: Cli, catalogue: None) -> None:
    result = cli("freelancer", "list", "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert result.json == [
        freelancer(2, "amy"),
        freelancer(1, "bob", "Bob Builder", pro=True),
        freelancer(3, "kim", pro=True),
    ]


def test_list_filters_on_pro_and_takes_list_options(cli: Cli, catalogue: None) -> None:
    pro = cli("freelancer", "list", "--pro", "-o", "json")
    first = cli("freelancer", "list", "--limit", "1", "-o", "json")

    assert [f["username"] for f in pro.json] == ["bob", "kim"]
    assert [f["username"] for f in first.json] == ["amy"]


def test_a_member_and_a_freelancer_read_the_same_catalogue(
    cli: Cli, team: Any, catalogue: None
) -> None:
    everyone = cli("freelancer", "list", "-o", "json").json

    assert cli("freelancer", "list", "--as", "mia@acme.test", "-o", "json").json == everyone
    assert cli("freelancer", "list", "--as", "@kim", "-o", "json").json == everyone


def test_list_as_a_table(cli: Cli, catalogue: None) -> None:
    result = cli("freelancer", "list", "--pro")

    assert result.exit_code == 0
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[1].split("┃")[1:-1] == [
        " ID ",
        " USERNAME ",
        " NAME        ",
        " PRO ",
        " CREATED AT           ",
    ]
    assert "│ 1  │ bob      │ Bob Builder │ yes │ 2026-11-01T10:00:00Z │" in lines


def test_show_gives_the_freelancer_and_their_services(cli: Cli, catalogue: None) -> None:
    result = cli("freelancer", "show", "@Bob", "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert result.json == {
        **freelancer(1, "bob", "Bob Builder", pro=True),
        "services": [
            {
                "id": 1,
                "freelancer": "bob",
                "title": "Logo design",
                "price_cents": 15000,
                "revisions": 2,
                "created_at": NOW,
            },
            {
                "id": 2,
                "freelancer": "bob",
                "title": "Banner",
                "price_cents": 125050,
                "revisions": 0,
                "created_at": NOW,
            },
        ],
    }
    assert cli("freelancer", "show", "amy", "-o", "json").json["services"] == []


def test_show_as_a_table_lists_the_services(cli: Cli, catalogue: None) -> None:
    result = cli("freelancer", "show", "bob")

    assert result.exit_code == 0
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == "Bob Builder (@bob)"
    assert "Services" in lines
    assert any("│ Logo design │" in line and "$150.00" in line for line in lines)
    assert any("│ Banner " in line and "$1,250.50" in line for line in lines)


def test_show_an_unknown_freelancer_is_not_found(cli: Cli) -> None:
    result = cli("freelancer", "show", "nobody", "-o", "json")

    assert result.exit_code == 3
    assert result.error == {
        "code": "not_found",
        "message": "no freelancer @nobody",
        "hint": "`fpctl freelancer list` shows them",
    }


# -- freelancer service add -----------------------------------------------------------------


def test_support_adds_a_service(cli: Cli, catalogue: None) -> None:
    result = add_service(cli, "@KIM", "Data cleanup", "--price", "400.5", "--revisions", "1")

    assert result.exit_code == 0, result.stderr
    assert result.json == {
        "id": 3,
        "freelancer": "kim",
        "title": "Data cleanup",
        "price_cents": 40050,
        "revisions": 1,
        "created_at": NOW,
    }
    [record] = cli("audit", "list", "--action", "freelancer.service_add", "-o", "json").json[2:]
    assert (record["target"], record["account"], record["changes"]) == (
        "service:3 @kim",
        None,
        {
            "title": [None, "Data cleanup"],
            "price_cents": [None, 40050],
            "revisions": [None, 1],
        },
    )


@pytest.mark.parametrize("price", ["-5", "0", "12.345", "ten", "10000000.01"])
def test_a_bad_price_is_a_usage_error(cli: Cli, catalogue: None, price: str) -> None:
    result = add_service(cli, "amy", "Copy", "--price", price)

    assert result.exit_code == 2
    assert result.error["code"] == "invalid_input"
    assert cli("freelancer", "show", "amy", "-o", "json").json["services"] == []


def test_negative_revisions_are_a_usage_error(cli: Cli, catalogue: None) -> None:
    result = add_service(cli, "amy", "Copy", "--price", "50", "--revisions", "-1")

    assert result.exit_code == 2
    assert result.error["message"] == (
        "Invalid value for '--revisions': '-1' is not a whole number: use the digits 0-9"
    )


def test_the_price_is_required(cli: Cli, catalogue: None) -> None:
    result = add_service(cli, "amy", "Copy")

    assert result.exit_code == 2
    assert "--price" in result.stderr


def test_a_service_for_an_unknown_freelancer_is_not_found(cli: Cli) -> None:
    result = add_service(cli, "nobody", "Copy", "--price", "50")

    assert result.exit_code == 3
    assert result.error["code"] == "not_found"


@pytest.mark.parametrize("actor", ["ada@acme.test", "bill@acme.test", "mia@acme.test", "@amy"])
def test_only_support_adds_services(cli: Cli, team: Any, catalogue: None, actor: str) -> None:
    result = add_service(cli, "amy", "Copy", "--price", "50", actor=("--as", actor))

    assert result.exit_code == 4
    assert result.error["code"] == "permission_denied"
    assert result.error["message"].endswith("cannot add freelancer services: only support can")


def test_a_service_with_no_actor_is_a_usage_error(cli: Cli, catalogue: None) -> None:
    assert add_service(cli, "amy", "Copy", "--price", "50", actor=()).exit_code == 2


# -- acting as a freelancer -----------------------------------------------------------------


def test_a_freelancer_may_deliver_their_own_orders(cli: Cli, catalogue: None) -> None:
    result = cli("auth", "can-i", "order.deliver", "--as", "@bob", "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert result.json == {
        "action": "order.deliver",
        "actor": "@bob",
        "target": None,
        "allowed": True,
        "reason": "the order's freelancer may deliver orders: their own only",
    }


def test_a_freelancer_may_not_set_roles(cli: Cli, catalogue: None) -> None:
    result = cli("auth", "can-i", "role.set", "--as", "@BOB", "-o", "json")

    assert result.exit_code == 4
    assert result.json == {
        "action": "role.set",
        "actor": "@bob",
        "target": None,
        "allowed": False,
        "reason": "only the admin and support can set roles",
    }


def test_acting_as_an_unknown_freelancer_is_not_found(cli: Cli) -> None:
    result = cli("auth", "can-i", "order.deliver", "--as", "@nobody", "-o", "json")

    assert result.exit_code == 3
    assert result.error["message"] == "no freelancer @nobody"
