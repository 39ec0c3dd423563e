"""`fpctl network save | list | lists | list-create | list-add | list-show | list-share`, and
views recorded by `freelancer show --as EMAIL` (SPEC §1.6, §2, §3.1, §3.5)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.backends import sql
from tests.conftest import NOW, Cli, Outcome

ADA = ("--as", "ada@acme.test")
MIA = ("--as", "mia@acme.test")
MAX = ("--as", "max@acme.test")
LENA = ("--as", "@lena")
BO = ("--as", "bo@beta.test")
SUPPORT = ("--as", "support", "--reason", "ticket 9", "--account", "acme")
SUPPORT_NO_ACCOUNT = ("--as", "support", "--reason", "ticket 9")

LIST_KEYS = {"id", "name", "owner", "account", "items", "shared_with", "read_only", "created_at"}
ITEM_KEYS = {"list_id", "username", "service_id", "service", "added_by", "added_at"}
NETWORK_KEYS = {
    "username",
    "name",
    "pro",
    "saved",
    "saved_by",
    "saved_at",
    "hired_orders",
    "spent_cents",
    "last_viewed_at",
    "rating",
    "reviews",
    "conversation",
}
TABLES = (
    "saved_freelancer",
    "freelancer_view",
    "network_list",
    "network_list_item",
    "network_list_share",
    "audit_record",
)


pytestmark = pytest.mark.usefixtures("shop")


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def net(cli: Cli, *args: str) -> Outcome:
    return cli("network", *args, "-o", "json")


def ok(result: Outcome) -> Any:
    assert result.exit_code == 0, result.stderr
    return result.json


def snapshot() -> dict[str, Any]:
    return {table: sql(f"SELECT * FROM {table}") for table in TABLES}


def refused(exit_code: int, result_of: Any) -> Outcome:
    """Running ``result_of()`` fails with ``exit_code`` and changes nothing."""
    before = snapshot()
    result = result_of()
    assert result.exit_code == exit_code, result.stderr
    assert snapshot() == before
    return result


def audit(cli: Cli, account: str = "acme") -> list[tuple[str, str]]:
    records = ok(cli("audit", "list", "--account", account, "-o", "json"))
    return [(r["action"], r["actor"]) for r in records if r["action"].startswith("network.")]


def new_list(cli: Cli, name: str = "Designers", actor: tuple[str, ...] = MIA) -> int:
    return int(ok(net(cli, "list-create", name, *actor))["id"])


def beta(cli: Cli) -> None:
    created = cli("account", "create", "Beta", "--admin", "bo@beta.test", "--slug", "beta")
    assert created.exit_code == 0, created.stderr


def complete_order(cli: Cli) -> None:
    """mia's order with lena (100.00) placed, delivered and accepted."""
    placed = ok(cli("order", "place", "--freelancer", "lena", "--service", "1", *MIA, "-o", "json"))
    order_id = str(placed["id"])
    for args in (("requirements", order_id, "a logo", *MIA), ("deliver", order_id, *LENA)):
        ok(cli("order", *args, "-o", "json"))
    ok(cli("order", "accept", order_id, *MIA, "-o", "json"))


# -- saved, hired, viewed ----------------------------------------------------------------------


def test_save_records_the_saver_once(cli: Cli) -> None:
    saved = ok(net(cli, "save", "@lena", *MIA))
    assert saved == {
        "account": "acme",
        "username": "lena",
        "name": "Lena Pro",
        "saved_by": "mia@acme.test",
        "saved_at": NOW,
    }
    again = net(cli, "save", "lena", *MAX, "--now", "2026-11-02T10:00:00Z")
    assert ok(again) == saved
    assert "already saved" in again.stderr
    assert audit(cli) == [("network.save", "mia@acme.test")]
    [row] = ok(net(cli, "list", *MAX))
    assert set(row) == NETWORK_KEYS
    assert row["saved"] is True and row["saved_by"] == "mia@acme.test"
    assert row["hired_orders"] == 0 and row["rating"] is None


def test_hired_freelancers_come_from_completed_orders(cli: Cli) -> None:
    complete_order(cli)
    ok(cli("order", "review", "1", "--rating", "4", *MIA, "-o", "json"))
    rows = ok(net(cli, "list", *MAX))
    assert [(r["username"], r["saved"], r["hired_orders"], r["spent_cents"]) for r in rows] == [
        ("lena", False, 1, 10000)
    ]
    assert rows[0]["rating"] == 4.0 and rows[0]["reviews"] == 1
    assert ok(net(cli, "list", "--saved", *MAX)) == []
    assert [r["username"] for r in ok(net(cli, "list", "--hired", *MAX))] == ["lena"]


def test_the_rating_is_the_accounts_average_to_one_decimal(cli: Cli) -> None:
    for order_id, rating in (("1", "4"), ("2", "5"), ("3", "5")):
        complete_order(cli)
        ok(cli("order", "review", order_id, "--rating", rating, *MIA, "-o", "json"))
    [row] = ok(net(cli, "list", *MAX))
    assert (row["rating"], row["reviews"], row["hired_orders"]) == (4.7, 3, 3)


def test_freelancer_show_records_the_members_view(cli: Cli) -> None:
    assert cli("freelancer", "show", "otto", *MIA, "-o", "json").exit_code == 0
    later = "2026-11-03T10:00:00Z"
    assert cli("freelancer", "show", "otto", *MIA, "--now", later, "-o", "json").exit_code == 0
    assert sql("SELECT count(*) FROM freelancer_view") == [(1,)]
    [row] = ok(net(cli, "list", "--viewed", *MIA))
    assert (row["username"], row["last_viewed_at"], row["saved"]) == ("otto", later, False)
    assert ok(net(cli, "list", *MAX)) == []  # views are the viewer's own
    assert audit(cli) == []  # a view is not a change of the account


def test_only_members_views_are_recorded(cli: Cli) -> None:
    for actor in ((), LENA, SUPPORT):
        assert cli("freelancer", "show", "otto", *actor, "-o", "json").exit_code == 0
    assert sql("SELECT count(*) FROM freelancer_view") == [(0,)]


def test_network_list_filters_are_exclusive(cli: Cli) -> None:
    assert net(cli, "list", "--saved", "--hired", *MIA).exit_code == 2


# -- lists ---------------------------------------------------------------------------------------


def test_create_add_and_show_a_list(cli: Cli) -> None:
    created = ok(net(cli, "list-create", "Designers", *MIA))
    assert created == {
        "id": 1,
        "name": "Designers",
        "owner": "mia@acme.test",
        "account": "acme",
        "items": 0,
        "shared_with": [],
        "read_only": False,
        "created_at": NOW,
    }
    assert ok(net(cli, "list-add", "1", "@lena", *MIA))["items"] == 1
    assert ok(net(cli, "list-add", "1", "2", *MIA))["items"] == 2
    again = net(cli, "list-add", "1", "lena", *MIA)
    assert ok(again)["items"] == 2 and "already on list 1" in again.stderr
    items = ok(net(cli, "list-show", "1", *MIA))
    assert all(set(item) == ITEM_KEYS for item in items)
    assert [(i["username"], i["service_id"], i["service"]) for i in items] == [
        ("lena", None, None),
        ("otto", 2, "Blog post"),
    ]
    assert audit(cli) == [
        ("network.list_create", "mia@acme.test"),
        ("network.list_add", "mia@acme.test"),
        ("network.list_add", "mia@acme.test"),
    ]


def test_a_list_name_is_the_owners_own(cli: Cli) -> None:
    new_list(cli)
    result = refused(5, lambda: net(cli, "list-create", "designers", *MIA))
    assert result.error["code"] == "list_exists"
    assert new_list(cli, actor=MAX) == 2


def test_a_private_list_is_seen_once_shared(cli: Cli) -> None:
    list_id = new_list(cli)
    assert ok(net(cli, "lists", *MAX)) == []
    refused(3, lambda: net(cli, "list-show", str(list_id), *MAX))
    refused(3, lambda: net(cli, "list-add", str(list_id), "lena", *MAX))
    shared = ok(net(cli, "list-share", str(list_id), "--member", "max@acme.test", *MIA))
    assert shared["shared_with"] == ["max@acme.test"]
    assert [row["id"] for row in ok(net(cli, "lists", *MAX))] == [list_id]
    assert ok(net(cli, "list-add", str(list_id), "otto", *MAX))["items"] == 1
    again = net(cli, "list-share", str(list_id), "--member", "max@acme.test", *MIA)
    assert ok(again)["shared_with"] == ["max@acme.test"] and "already" in again.stderr
    assert ("network.list_share", "mia@acme.test") in audit(cli)


def test_sharing_with_another_account_is_read_only_there(cli: Cli) -> None:
    beta(cli)
    list_id = new_list(cli)
    ok(net(cli, "list-add", str(list_id), "lena", *MIA))
    ok(net(cli, "list-share", str(list_id), "--member", "max@acme.test", *MIA))
    refused(4, lambda: net(cli, "list-share", str(list_id), "--account", "beta", *MAX))
    shared = ok(net(cli, "list-share", str(list_id), "--account", "beta", *MIA))
    assert shared["shared_with"] == ["max@acme.test", "beta"]
    [seen] = ok(net(cli, "lists", *BO))
    assert (seen["id"], seen["account"], seen["read_only"], seen["shared_with"]) == (
        list_id,
        "acme",
        True,
        [],
    )
    assert [i["username"] for i in ok(net(cli, "list-show", str(list_id), *BO))] == ["lena"]
    result = refused(4, lambda: net(cli, "list-add", str(list_id), "otto", *BO))
    assert result.error["code"] == "read_only"
    refused(4, lambda: net(cli, "list-share", str(list_id), "--account", "acme", *BO))


def test_sharing_with_an_account_needs_one_that_exists_and_is_another(cli: Cli) -> None:
    list_id = str(new_list(cli))
    refused(3, lambda: net(cli, "list-share", list_id, "--account", "nope", *MIA))
    result = refused(5, lambda: net(cli, "list-share", list_id, "--account", "acme", *MIA))
    assert result.error["code"] == "same_account"


@pytest.mark.parametrize(
    "args", [(), ("--member", "max@acme.test", "--account", "beta")], ids=["neither", "both"]
)
def test_list_share_takes_one_target(cli: Cli, args: tuple[str, ...]) -> None:
    list_id = str(new_list(cli))
    refused(2, lambda: net(cli, "list-share", list_id, *args, *MIA))


def test_freelancers_and_deactivated_members_can_do_nothing(cli: Cli) -> None:
    list_id = str(new_list(cli))
    for args in (("save", "otto"), ("list-create", "Mine"), ("list-add", list_id, "otto")):
        refused(4, lambda args=args: net(cli, *args, "--account", "acme", *LENA))
    refused(4, lambda: net(cli, "lists", "--account", "acme", *LENA))
    assert cli("team", "deactivate", "mia@acme.test", *ADA, "--yes").exit_code == 0
    for args in (("save", "otto"), ("list-add", list_id, "otto"), ("lists",)):
        refused(4, lambda args=args: net(cli, *args, *MIA))


def test_support_acts_with_a_reason(cli: Cli) -> None:
    beta(cli)
    list_id = str(new_list(cli))
    refused(4, lambda: net(cli, "save", "otto", "--as", "support", "--account", "acme"))
    assert ok(net(cli, "save", "otto", *SUPPORT))["saved_by"] == "support:sam"
    assert [row["id"] for row in ok(net(cli, "lists", *SUPPORT))] == [int(list_id)]
    assert ok(net(cli, "list-add", list_id, "1", *SUPPORT))["items"] == 1
    shared = ok(net(cli, "list-share", list_id, "--account", "beta", *SUPPORT_NO_ACCOUNT))
    assert shared["shared_with"] == ["beta"]
    assert ("network.list_share", "support:sam") in audit(cli)


def test_unknown_things_are_not_found(cli: Cli) -> None:
    list_id = str(new_list(cli))
    refused(3, lambda: net(cli, "save", "nobody", *MIA))
    refused(3, lambda: net(cli, "list-add", "99", "lena", *MIA))
    refused(3, lambda: net(cli, "list-add", list_id, "nobody", *MIA))
    refused(3, lambda: net(cli, "list-add", list_id, "99", *MIA))
    refused(3, lambda: net(cli, "list-share", list_id, "--member", "zed@acme.test", *MIA))
    refused(3, lambda: net(cli, "list-show", "99", *MIA))


def test_another_accounts_private_list_is_not_found(cli: Cli) -> None:
    beta(cli)
    list_id = str(new_list(cli))
    assert ok(net(cli, "lists", *BO)) == []
    refused(3, lambda: net(cli, "list-show", list_id, *BO))
    refused(3, lambda: net(cli, "list-add", list_id, "otto", *BO))
    refused(3, lambda: net(cli, "list-share", list_id, "--member", "bo@beta.test", *BO))
