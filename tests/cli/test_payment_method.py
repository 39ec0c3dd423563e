"""`fpctl billing payment-method add | list | remove | default` (SPEC §1.8, §2, §3)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.backends import sql
from tests.conftest import NOW, Cli, store_state

ADA = ("--as", "ada@acme.test")
SUPPORT = ("--as", "support", "--reason", "ticket 7", "--account", "acme")
NUMBER = "4242424242424242"
OTHER = "5555555555554444"


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def pm(cli: Cli, *args: str, actor: tuple[str, ...] = ADA) -> Any:
    return cli("billing", "payment-method", *args, *actor, "-o", "json")


def add_card(
    cli: Cli, number: str = NUMBER, expiry: str = "12/27", actor: tuple[str, ...] = ADA
) -> Any:
    return pm(cli, "add", "--card", number, "--expiry", expiry, actor=actor)


def method(id_: int, kind: str = "card", default: bool = False, **values: Any) -> dict:
    view = {
        "id": id_,
        "kind": kind,
        "last4": None,
        "expiry": None,
        "paypal_email": None,
        "default": default,
        "account": "acme",
        "created_at": NOW,
    }
    view.update(values)
    return view


def card(id_: int, last4: str = "4242", expiry: str = "12/27", default: bool = False) -> dict:
    return method(id_, "card", default, last4=last4, expiry=expiry)


def paypal(id_: int, email: str, default: bool = False) -> dict:
    return method(id_, "paypal", default, paypal_email=email)


def listed(cli: Cli) -> list[dict]:
    result = pm(cli, "list")
    assert result.exit_code == 0, result.stderr
    return result.json


def billing_audit(cli: Cli) -> list[dict]:
    keys = ("actor", "action", "target", "account", "reason", "changes")
    return [
        {k: r[k] for k in keys}
        for r in cli("audit", "list", "-o", "json").json
        if r["action"].startswith("billing.")
    ]


@pytest.fixture
def three(cli: Cli, team: Any) -> None:
    """1: card 4242 (default), 2: card 4444 01/28, 3: paypal pay@acme.test."""
    assert add_card(cli).exit_code == 0
    assert add_card(cli, OTHER, "01/28").exit_code == 0
    assert pm(cli, "add", "--paypal", "pay@acme.test").exit_code == 0


# -- add --------------------------------------------------------------------------------------


def test_the_first_card_is_added_as_the_default(cli: Cli, team: Any) -> None:
    result = add_card(cli, "4242 4242 4242 4242")

    assert result.exit_code == 0, result.stderr
    assert result.json == card(1, default=True)
    assert billing_audit(cli) == [
        {
            "actor": "ada@acme.test",
            "action": "billing.payment_method_add",
            "target": "payment_method:1 card *4242",
            "account": "acme",
            "reason": None,
            "changes": {
                "default": [False, True],
                "expiry": [None, "12/27"],
                "kind": [None, "card"],
                "last4": [None, "4242"],
            },
        }
    ]


def test_a_paypal_address_is_normalised_and_later_methods_are_not_default(
    cli: Cli, team: Any
) -> None:
    add_card(cli)
    result = pm(cli, "add", "--paypal", "Pay@ACME.test")

    assert result.exit_code == 0, result.stderr
    assert result.json == paypal(2, "pay@acme.test")
    assert billing_audit(cli)[1]["changes"] == {
        "kind": [None, "paypal"],
        "paypal_email": [None, "pay@acme.test"],
    }


def everything_stored(db: Path, backend: str) -> bytes:
    """The SQLite file's bytes, free pages and the -wal file too; every row on a server."""
    if backend == "postgres":
        return repr(store_state()).encode()
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return b"".join(path.read_bytes() for path in db.parent.glob(db.name + "*"))


def test_the_full_number_is_nowhere_in_the_store_or_the_output(
    cli: Cli, team: Any, isolated_env: Path, backend: str
) -> None:
    outputs = [add_card(cli, "4000 0566 5566 5556", "03/29"), pm(cli, "list")]
    outputs.append(cli("billing", "payment-method", "list", *ADA))  # the table too
    outputs.append(cli("audit", "list", "-o", "json"))
    outputs.append(add_card(cli, "4000 0566 5566 5557"))  # refused: not echoed either

    assert outputs[0].json == card(1, "5556", "03/29", default=True)
    for spelling in ("4000056655665556", "4000 0566 5566 5556", "40000566556655"):
        for outcome in outputs:
            assert spelling not in outcome.stdout + outcome.stderr
    stored = everything_stored(isolated_env, backend)
    for spelling in ("4000056655665556", "4000 0566 5566 5556", "4000056655665557"):
        assert spelling.encode() not in stored
    assert b"5556" in stored  # the last four are kept


@pytest.mark.parametrize(
    ("number", "expiry", "error"),
    [
        ("4242424242424241", "12/27", ("invalid_card", "that is not a valid card number")),
        ("4242", "12/27", ("invalid_card", "that is not a valid card number")),
        ("4242-4242-4242-424x", "12/27", ("invalid_card", "that is not a valid card number")),
        (NUMBER, "13/27", ("invalid_card", "'13/27' is not an expiry date")),
        (NUMBER, "2027-12", ("invalid_card", "'2027-12' is not an expiry date")),
        (NUMBER, "10/26", ("card_expired", "the card expired in 10/26")),
    ],
)
def test_bad_numbers_and_past_expiries_are_usage_errors(
    cli: Cli, team: Any, number: str, expiry: str, error: tuple[str, str]
) -> None:
    result = add_card(cli, number, expiry)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert (result.error["code"], result.error["message"]) == error
    assert listed(cli) == []
    assert billing_audit(cli) == []


def test_a_card_expiring_this_month_is_accepted(cli: Cli, team: Any) -> None:
    assert add_card(cli, expiry="11/26").json == card(1, expiry="11/26", default=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give exactly one of --card NUMBER (with --expiry MM/YY) or --paypal EMAIL"),
        (
            ("--card", NUMBER, "--expiry", "12/27", "--paypal", "p@acme.test"),
            "give exactly one of --card NUMBER (with --expiry MM/YY) or --paypal EMAIL",
        ),
        (("--card", NUMBER), "--card needs --expiry MM/YY"),
        (
            ("--paypal", "p@acme.test", "--expiry", "12/27"),
            "--expiry goes with --card, not --paypal",
        ),
        (("--paypal", "not an email"), "'not an email' is not a valid email address"),
    ],
)
def test_exactly_one_kind_of_method_is_given(
    cli: Cli, team: Any, args: tuple[str, ...], message: str
) -> None:
    result = pm(cli, "add", *args)

    assert result.exit_code == 2
    assert result.error["code"] == "invalid_input"
    assert result.error["message"] == message
    assert NUMBER not in result.stderr
    assert listed(cli) == []


# -- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "label", "reason"),
    [(ADA, "ada@acme.test", None), (("--as", "bill@acme.test"), "bill@acme.test", None),
     (SUPPORT, "support:sam", "ticket 7")],
)  # fmt: skip
def test_the_admin_billing_managers_and_support_manage_methods(
    cli: Cli, team: Any, actor: tuple[str, ...], label: str, reason: str | None
) -> None:
    assert add_card(cli, actor=actor).exit_code == 0
    assert pm(cli, "add", "--paypal", "p@acme.test", actor=actor).exit_code == 0
    assert pm(cli, "default", "2", actor=actor).json == paypal(2, "p@acme.test", default=True)
    assert pm(cli, "remove", "1", actor=actor).json == card(1)
    assert pm(cli, "list", actor=actor).json == [paypal(2, "p@acme.test", default=True)]

    assert [(r["actor"], r["action"], r["reason"]) for r in billing_audit(cli)] == [
        (label, "billing.payment_method_add", reason),
        (label, "billing.payment_method_add", reason),
        (label, "billing.payment_method_default", reason),
        (label, "billing.payment_method_remove", reason),
    ]


@pytest.mark.parametrize(
    "args",
    [
        ("add", "--card", NUMBER, "--expiry", "12/27"),
        ("add", "--paypal", "p@acme.test"),
        ("remove", "1"),
        ("default", "1"),
        ("list",),
    ],
)
def test_members_cannot_manage_or_see_payment_methods(
    cli: Cli, three: None, args: tuple[str, ...]
) -> None:
    result = pm(cli, *args, actor=("--as", "mia@acme.test"))

    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.error == {
        "code": "permission_denied",
        "message": "mia@acme.test cannot manage payment methods: "
        "only the admin, billing managers and support can",
    }
    assert NUMBER not in result.stderr
    assert len(listed(cli)) == 3
    assert len(billing_audit(cli)) == 3


@pytest.mark.parametrize(
    "args", [("add", "--paypal", "p@acme.test"), ("remove", "1"), ("default", "1")]
)
def test_changes_without_an_actor_are_usage_errors(
    cli: Cli, three: None, args: tuple[str, ...]
) -> None:
    result = pm(cli, *args, actor=("--account", "acme"))

    assert result.exit_code == 2
    assert result.error["code"] == "invalid_input"
    assert result.error["message"] == "this command changes the store, so it needs an actor"
    assert len(billing_audit(cli)) == 3


def test_support_needs_a_reason(cli: Cli, team: Any) -> None:
    result = add_card(cli, actor=("--as", "support", "--account", "acme"))

    assert result.exit_code == 4
    assert result.error["code"] == "reason_required"
    assert listed(cli) == []


def test_a_read_with_no_actor_lists_the_accounts_methods(cli: Cli, three: None) -> None:
    assert pm(cli, "list", actor=("--account", "acme")).json == [
        card(1, default=True),
        card(2, "4444", "01/28"),
        paypal(3, "pay@acme.test"),
    ]


# -- list, default, remove --------------------------------------------------------------------


def test_list_shows_the_accounts_methods_oldest_first(cli: Cli, three: None) -> None:
    assert listed(cli) == [
        card(1, default=True),
        card(2, "4444", "01/28"),
        paypal(3, "pay@acme.test"),
    ]


def test_list_as_a_table(cli: Cli, three: None) -> None:
    result = cli("billing", "payment-method", "list", *ADA)

    assert result.exit_code == 0, result.stderr
    assert "Payment methods of acme" in result.stdout
    assert "pay@acme.test" in result.stdout and "01/28" in result.stdout


def test_default_makes_a_method_the_only_default(cli: Cli, three: None) -> None:
    result = pm(cli, "default", "3")

    assert result.exit_code == 0, result.stderr
    assert result.json == paypal(3, "pay@acme.test", default=True)
    assert [m["default"] for m in listed(cli)] == [False, False, True]
    assert billing_audit(cli)[-1] == {
        "actor": "ada@acme.test",
        "action": "billing.payment_method_default",
        "target": "payment_method:3 paypal pay@acme.test",
        "account": "acme",
        "reason": None,
        "changes": {"default": [False, True], "default_id": [1, 3]},
    }


def test_default_on_the_default_changes_nothing(cli: Cli, three: None) -> None:
    result = pm(cli, "default", "1")

    assert result.exit_code == 0, result.stderr
    assert result.json == card(1, default=True)
    assert result.stderr == "payment method 1 is already the default: nothing changed\n"
    assert len(billing_audit(cli)) == 3


def test_removing_a_method_keeps_the_default(cli: Cli, three: None) -> None:
    result = pm(cli, "remove", "2")

    assert result.exit_code == 0, result.stderr
    assert result.json == card(2, "4444", "01/28")
    assert result.stderr == ""
    assert listed(cli) == [card(1, default=True), paypal(3, "pay@acme.test")]
    assert billing_audit(cli)[-1] == {
        "actor": "ada@acme.test",
        "action": "billing.payment_method_remove",
        "target": "payment_method:2 card *4444",
        "account": "acme",
        "reason": None,
        "changes": {"removed_at": [None, NOW]},
    }


def test_removing_the_default_makes_the_oldest_remaining_method_default(
    cli: Cli, three: None
) -> None:
    assert pm(cli, "default", "2").exit_code == 0
    result = pm(cli, "remove", "2")

    assert result.exit_code == 0, result.stderr
    assert result.json == card(2, "4444", "01/28")
    assert result.stderr == "payment method 1 (card *4242) is now the default\n"
    assert listed(cli) == [card(1, default=True), paypal(3, "pay@acme.test")]
    assert billing_audit(cli)[-1]["changes"] == {
        "removed_at": [None, NOW],
        "default": [True, False],
        "default_id": [2, 1],
    }


def test_removing_every_method_leaves_none_and_the_next_one_is_default(
    cli: Cli, three: None
) -> None:
    for method_id in ("1", "2", "3"):
        assert pm(cli, "remove", method_id).exit_code == 0

    assert listed(cli) == []
    assert billing_audit(cli)[3]["changes"]["default_id"] == [1, 2]
    assert add_card(cli).json == card(4, default=True)


def test_the_removed_method_stays_in_the_store(cli: Cli, three: None) -> None:
    pm(cli, "remove", "3")

    rows = sql("SELECT id, is_default, removed_at IS NOT NULL FROM payment_method ORDER BY id")
    assert rows == [(1, 1, 0), (2, 0, 0), (3, 0, 1)]


@pytest.mark.parametrize("command", ["remove", "default"])
def test_unknown_removed_and_other_accounts_ids_are_not_found(
    cli: Cli, three: None, command: str
) -> None:
    cli("account", "create", "Globex", "--admin", "gus@globex.test", "--slug", "globex")
    assert add_card(cli, actor=("--as", "gus@globex.test")).json["id"] == 4
    pm(cli, "remove", "3")

    for method_id in ("3", "4", "99"):
        result = pm(cli, command, method_id)
        assert result.exit_code == 3
        assert result.error == {
            "code": "not_found",
            "message": f"no payment method {method_id} in this account",
            "hint": "`fpctl billing payment-method list --as ada@acme.test` shows them",
        }
    assert [m["id"] for m in pm(cli, "list", actor=("--as", "gus@globex.test")).json] == [4]
    assert len(billing_audit(cli)) == 5


def test_dry_run_adds_nothing(cli: Cli, team: Any) -> None:
    result = cli(
        "billing", "payment-method", "add", "--paypal", "p@acme.test", "--dry-run", *ADA,
        "-o", "json",
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert result.json == paypal(1, "p@acme.test", default=True)
    assert listed(cli) == []
