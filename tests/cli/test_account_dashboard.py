"""`fpctl account show`: the account dashboard (counts that need attention, recent activity),
and who sees which figures."""

from __future__ import annotations

from typing import Any

import pytest

from tests.backends import sql
from tests.conftest import Cli, Outcome

ADA = ("--as", "ada@acme.test")
BILL = ("--as", "bill@acme.test")
MIA = ("--as", "mia@acme.test")
MAX = ("--as", "max@acme.test")
LENA = ("--as", "@lena")
SUPPORT = ("--as", "support", "--reason", "ticket 4", "--account", "acme")

ACCOUNT_KEYS = {
    "id", "slug", "name", "plan", "status", "tier", "points", "balance_cents", "credits_cents",
    "company", "website", "industry", "created_at", "members",
}  # fmt: skip
DASHBOARD_KEYS = ACCOUNT_KEYS | {
    "renews_at", "credits_set_aside_cents", "members_by_role", "members_by_status",
    "former_members", "open_orders", "open_cancellation_requests", "open_invitations",
    "pending_approvals", "recent_activity", "projects", "recently_viewed",
    "unread_notifications", "open_dispute_requests",
}  # fmt: skip
AUDIT_KEYS = {
    "id", "at", "actor", "actor_kind", "agent", "action", "target", "account", "reason",
    "changes", "prev_hash", "hash",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def ok(result: Outcome) -> Any:
    assert result.exit_code == 0, result.stderr
    return result.json if result.stdout.strip() else None


def dashboard(cli: Cli, *args: str) -> dict[str, Any]:
    return ok(cli("account", "show", *args, "-o", "json"))


def place(cli: Cli, actor: tuple[str, ...], service: str = "1") -> int:
    freelancer = "lena" if service == "1" else "otto"
    placed = cli("order", "place", "--freelancer", freelancer, "--service", service, *actor,
                 "-o", "json")  # fmt: skip
    return int(ok(placed)["id"])


@pytest.fixture
def busy(cli: Cli, shop: dict[str, int]) -> dict[str, int]:
    """acme with something waiting everywhere:

    - orders: mia's (with an open cancellation request by lena), max's, and ada's cancelled
      one (closed: not counted);
    - invitations: zoe@ pending (by ada), yan@ awaiting approval (by mia, under an
      invite-approval policy), which makes one pending approval request (mia's);
    - max deactivated.
    """
    mia_order = place(cli, MIA)
    max_order = place(cli, MAX, service="2")
    ada_order = place(cli, ADA, service="2")
    ok(cli("order", "cancel", str(ada_order), *ADA, "--yes", "-o", "json"))
    ok(cli("order", "cancel-request", str(mia_order), "--reason", "busy", *LENA, "-o", "json"))
    ok(cli("team", "invite", "zoe@acme.test", *ADA, "-o", "json"))
    ok(cli("policy", "add", "invite-approval", *ADA, "-o", "json"))
    invited = ok(cli("team", "invite", "yan@acme.test", *MIA, "-o", "json"))
    assert invited["status"] == "awaiting_approval"
    ok(cli("team", "deactivate", "max@acme.test", *ADA, "--yes", "-o", "json"))
    return {"mia_order": mia_order, "max_order": max_order, "ada_order": ada_order}


def test_every_key_of_a_known_store(cli: Cli, busy: dict[str, int]) -> None:
    view = dashboard(cli, *ADA)
    assert set(view) == DASHBOARD_KEYS
    assert {key: view[key] for key in ("slug", "plan", "status", "tier", "points")} == {
        "slug": "acme",
        "plan": "basic",
        "status": "active",
        "tier": "silver",
        "points": 0,
    }
    assert view["members"] == 4  # active and deactivated hold a seat
    assert view["members_by_role"] == {"admin": 1, "billing_manager": 1, "member": 2}
    assert view["members_by_status"] == {"active": 3, "deactivated": 1, "removed": 0, "closed": 0}
    assert view["former_members"] == 0
    assert (view["renews_at"], view["credits_set_aside_cents"]) == (None, 0)
    assert view["open_orders"] == 2  # ada's cancelled order is closed
    assert view["open_cancellation_requests"] == 1
    assert view["open_invitations"] == 2  # zoe pending, yan awaiting approval
    assert view["pending_approvals"] == 1


def test_recent_activity_is_the_five_newest_audit_records(cli: Cli, busy: dict[str, int]) -> None:
    activity = dashboard(cli, *ADA)["recent_activity"]
    trail = ok(cli("audit", "list", "--account", "acme", "-o", "json"))
    assert activity == list(reversed(trail))[:5]  # whole audit views, newest first
    assert set(activity[0]) == AUDIT_KEYS
    assert [(entry["actor"], entry["action"]) for entry in activity] == [
        ("ada@acme.test", "team.deactivate"),
        ("mia@acme.test", "team.invite"),
        ("ada@acme.test", "policy.add"),
        ("ada@acme.test", "team.invite"),
        ("@lena", "order.cancel_request"),
    ]


def test_renewal_on_advanced(cli: Cli, shop: dict[str, int]) -> None:
    sql(  # the plan cycle is another command's state
        "UPDATE account SET plan = 'advanced', plan_started_at = '2026-11-01 10:00:00.000000', "
        "plan_renews_at = '2026-12-01 10:00:00.000000'",
    )
    view = dashboard(cli, *ADA)
    assert (view["plan"], view["renews_at"]) == ("advanced", "2026-12-01T10:00:00Z")


def test_credits_set_aside_on_a_switched_account(cli: Cli, shop: dict[str, int]) -> None:
    sql(  # so is a switch
        "UPDATE account SET status = 'switched', credits_set_aside_cents = 2550, "
        "switched_at = '2026-10-30 10:00:00.000000'",
    )
    view = dashboard(cli, *ADA)
    assert (view["status"], view["credits_set_aside_cents"], view["credits_cents"]) == (
        "switched",
        2550,
        0,
    )
    assert view["renews_at"] is None


def test_the_admin_support_and_no_actor_see_the_same(cli: Cli, busy: dict[str, int]) -> None:
    admin = dashboard(cli, *ADA)
    # but notifications are each member's own: support and no actor have none
    assert admin.pop("unread_notifications") == 1  # yan's invitation awaits her approval
    for view in (dashboard(cli, *SUPPORT), dashboard(cli, "acme")):
        assert view.pop("unread_notifications") is None
        assert view == admin


def test_a_member_sees_counts_of_what_they_may_see(cli: Cli, busy: dict[str, int]) -> None:
    admin = dashboard(cli, *ADA)
    mine = dashboard(cli, *MIA)
    assert set(mine) == DASHBOARD_KEYS
    same = ("members", "members_by_role", "members_by_status", "former_members",
            "open_invitations", "points")  # fmt: skip
    assert {key: mine[key] for key in same} == {key: admin[key] for key in same}
    assert mine["open_orders"] == 1  # only her own: max's order is in his my-project
    assert mine["open_cancellation_requests"] == 1  # on her order
    assert mine["pending_approvals"] == 1  # her own request
    assert mine["recent_activity"] is None  # members cannot read the audit trail
    assert mine["unread_notifications"] == 1  # lena's cancellation request, on her order
    assert ok(cli("order", "list", *MIA, "-o", "json"))[0]["id"] == busy["mia_order"]


def test_the_billing_manager_sees_every_order_but_not_the_trail(
    cli: Cli, busy: dict[str, int]
) -> None:
    view = dashboard(cli, *BILL)
    assert (view["open_orders"], view["open_cancellation_requests"]) == (2, 1)
    assert view["pending_approvals"] == 0  # requests of others are the admin's to decide
    assert view["recent_activity"] is None
    assert cli("audit", "list", *BILL, "-o", "json").exit_code == 4  # the rule it follows


def test_a_member_sees_no_one_elses_cancellations(cli: Cli, shop: dict[str, int]) -> None:
    mia_order = place(cli, MIA)
    ok(cli("order", "cancel-request", str(mia_order), "--reason", "busy", *LENA, "-o", "json"))
    theirs = dashboard(cli, *MAX)
    assert (theirs["open_orders"], theirs["open_cancellation_requests"]) == (0, 0)


def test_another_accounts_slug_is_not_found_for_a_member(cli: Cli, busy: dict[str, int]) -> None:
    ok(cli("account", "create", "Beta", "--admin", "bea@beta.test", "-o", "json"))
    hidden = cli("account", "show", "beta", *MIA, "-o", "json")
    assert hidden.exit_code == 3
    assert hidden.error["code"] == "not_found"
    assert hidden.stdout == ""
    theirs = dashboard(cli, "beta")["recent_activity"]
    assert [(entry["account"], entry["action"]) for entry in theirs] == [("beta", "account.create")]
    assert all(entry["account"] == "acme" for entry in dashboard(cli, "acme")["recent_activity"])


def test_a_deactivated_member_sees_nothing(cli: Cli, busy: dict[str, int]) -> None:
    refused = cli("account", "show", *MAX, "-o", "json")
    assert refused.exit_code == 4
    assert refused.stdout == ""


def test_table_shows_plan_rewards_counts_and_activity(cli: Cli, busy: dict[str, int]) -> None:
    result = cli("account", "show", *ADA)
    assert result.exit_code == 0, result.stderr
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert lines[0] == "Acme (acme)"
    for expected in (
        "plan basic",
        "tier silver",
        "points 0",
        "renews at",
        "credits set aside $0.00",
        "members 4 (3 active, 1 deactivated)",
        "members by role admin=1, billing_manager=1, member=2",
        "former members 0 (0 removed, 0 closed)",
        "open orders 2",
        "open cancellation requests 1",
        "open dispute requests 0",
        "open invitations 2",
        "pending approvals 1",
        "Recent activity",  # a section of its own, after the fields
    ):
        assert expected in lines
    after = lines[lines.index("Recent activity") + 1 :]
    activity = [[c.strip() for c in line.split("│")[1:-1]] for line in after if line[0] == "│"]
    assert len(activity) == 5
    assert (activity[0][1], activity[0][3]) == ("team.deactivate", "ada@acme.test")
    assert "hash" not in result.stdout  # tables show the activity compactly


def test_the_member_counts_add_up(cli: Cli, busy: dict[str, int]) -> None:
    """Issue 12, item 13: "members 8" sat beside "members by status" adding up to 10."""
    ok(cli("team", "remove", "mia@acme.test", *ADA, "--yes", "-o", "json"))
    ok(cli("team", "reactivate", "max@acme.test", *ADA, "-o", "json"))
    ok(cli("team", "leave", "--as", "max@acme.test", "--yes", "-o", "json"))
    view = dashboard(cli, *ADA)
    by_status = view["members_by_status"]
    assert by_status == {"active": 2, "deactivated": 0, "removed": 1, "closed": 1}
    assert view["members"] == sum(view["members_by_role"].values()) == 2
    assert view["members"] + view["former_members"] == sum(by_status.values()) == 4
    listed = ok(cli("account", "list", "-o", "json"))
    assert listed[0]["members"] == view["members"]  # the same count in the list
    table = cli("account", "show", *ADA)
    lines = [" ".join(line.split()) for line in table.stdout.splitlines()]
    counts = [line for line in lines if "members" in line]
    assert counts == [
        "members 2 (2 active, 0 deactivated)",
        "members by role admin=1, billing_manager=1, member=0",
        "former members 2 (1 removed, 1 closed)",
    ]


def test_a_members_table_has_no_activity_line(cli: Cli, busy: dict[str, int]) -> None:
    result = cli("account", "show", *MIA)
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[-1] == "recent activity"


# -- issue 14: projects, viewed freelancers, and money only for who sees billing ----------------


def test_a_member_sees_no_balance_or_credits(cli: Cli, busy: dict[str, int]) -> None:
    ok(cli("billing", "deposit", "1000", *ADA, "-o", "json"))  # and 50.00 back from a cancel
    mine = dashboard(cli, *MIA)
    assert set(mine) == DASHBOARD_KEYS  # the keys stay, null
    money = ("balance_cents", "credits_cents", "credits_set_aside_cents")
    assert [mine[key] for key in money] == [None, None, None]
    assert [dashboard(cli, *BILL)[key] for key in money] == [105000, 0, 0]
    assert [dashboard(cli, *SUPPORT)[key] for key in money] == [105000, 0, 0]
    lines = [" ".join(line.split()) for line in cli("account", "show", *MIA).stdout.splitlines()]
    assert not [line for line in lines if line.startswith(("balance", "credits"))]
    assert "balance $1,050.00" in [
        " ".join(line.split()) for line in cli("account", "show", *BILL).stdout.splitlines()
    ]
    [listed] = ok(cli("account", "list", *MIA, "-o", "json"))
    assert (listed["balance_cents"], listed["credits_cents"]) == (None, None)
    [billed] = ok(cli("account", "list", *BILL, "-o", "json"))
    assert billed["balance_cents"] == 105000


def test_projects_and_recently_viewed(cli: Cli, busy: dict[str, int]) -> None:
    ok(cli("project", "create", "Secret", "--private", *ADA, "-o", "json"))
    old = ok(cli("project", "create", "Old", *ADA, "-o", "json"))["id"]
    ok(cli("project", "archive", str(old), *ADA, "-o", "json"))
    ok(cli("freelancer", "show", "otto", *MIA, "--now", "2026-11-01T11:00:00Z", "-o", "json"))
    ok(cli("freelancer", "show", "lena", *MIA, "--now", "2026-11-01T12:00:00Z", "-o", "json"))
    mine = dashboard(cli, *MIA)
    assert mine["projects"] == 1  # her my-project: not ada's Secret, not the archived one
    assert mine["recently_viewed"] == [
        {"username": "lena", "name": "Lena Pro", "pro": True, "viewed_at": "2026-11-01T12:00:00Z"},
        {"username": "otto", "name": "Otto", "pro": False, "viewed_at": "2026-11-01T11:00:00Z"},
    ]
    admin = dashboard(cli, *ADA)
    assert (admin["projects"], admin["recently_viewed"]) == (5, [])  # 4 my-projects, Secret
    table = [" ".join(line.split()) for line in cli("account", "show", *MIA).stdout.splitlines()]
    assert "projects 1" in table and "Recently viewed" in table


def test_open_disputes_are_counted_on_the_orders_one_sees(cli: Cli, shop: dict[str, int]) -> None:
    mia_order = place(cli, MIA)
    ok(cli("order", "skip-requirements", str(mia_order), *LENA, "-o", "json"))
    asked = ("order", "dispute", str(mia_order), "--refund", "10", "--reason", "late")
    ok(cli(*asked, *LENA, "-o", "json"))

    assert dashboard(cli, *MIA)["open_dispute_requests"] == 1
    assert dashboard(cli, *MAX)["open_dispute_requests"] == 0  # not an order max sees
    ok(cli("order", "dispute-decline", str(mia_order), *MIA, "-o", "json"))
    assert dashboard(cli, *MIA)["open_dispute_requests"] == 0
