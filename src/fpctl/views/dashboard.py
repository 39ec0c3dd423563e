"""The account dashboard (``account show``): the account's keys and its figures."""

from __future__ import annotations

from fpctl.clock import iso
from fpctl.domain.enums import MemberStatus, Plan
from fpctl.services.dashboard import Dashboard
from fpctl.views import View
from fpctl.views.audit import audit_view
from fpctl.views.team import account_view

#: The compact columns of the activity list in tables (JSON keeps whole audit views).
ACTIVITY_COLUMNS = ("at", "action", "target", "actor")  # most important first
#: Members who hold a seat (``members``), and those who no longer do (``former_members``).
SEATED = (MemberStatus.ACTIVE.value, MemberStatus.DEACTIVATED.value)
FORMER = (MemberStatus.REMOVED.value, MemberStatus.CLOSED.value)
#: Null for whoever may not see billing: tables leave their lines out.
BILLING_KEYS = ("balance_cents", "credits_cents", "credits_set_aside_cents")


def dashboard_view(dashboard: Dashboard) -> View:
    """``account view`` keys plus the dashboard's figures; ``recent_activity`` holds whole
    audit views, newest first, or None.

    ``balance_cents``, ``credits_cents`` and ``credits_set_aside_cents`` are null for
    whoever may not see billing (members): the keys stay, so every reader gets one shape.

    ``members`` counts the seats (active and deactivated members), as ``account list``
    does, and so does ``members_by_role``; ``members_by_status`` counts everyone who ever
    joined, so ``former_members`` (removed and closed) is what it adds to ``members``."""
    account = dashboard.account
    billing = dashboard.shows_billing
    details = account_view(account, members=dashboard.seats, shows_billing=billing)
    activity = dashboard.recent_activity
    by_status = dashboard.members_by_status
    return details | {
        "renews_at": iso(account.plan_renews_at) if account.plan == Plan.ADVANCED else None,
        "credits_set_aside_cents": account.credits_set_aside_cents if billing else None,
        "members_by_role": dashboard.members_by_role,
        "members_by_status": by_status,
        "former_members": sum(by_status.get(status, 0) for status in FORMER),
        "open_orders": dashboard.open_orders,
        "open_cancellation_requests": dashboard.open_cancellation_requests,
        "open_dispute_requests": dashboard.open_dispute_requests,
        "open_invitations": dashboard.open_invitations,
        "pending_approvals": dashboard.pending_approvals,
        "projects": dashboard.projects,
        "unread_notifications": dashboard.unread_notifications,
        "recently_viewed": [
            {
                "username": seen.username,
                "name": seen.name,
                "pro": seen.pro,
                "viewed_at": iso(seen.viewed_at),
            }
            for seen in dashboard.recently_viewed
        ],
        "recent_activity": None
        if activity is None
        else [audit_view(record, account.slug) for record in activity],
    }


def for_people(view: View) -> View:
    """For tables: the member counts say what they count, so they add up on the page
    (``members 8 (7 active, 1 deactivated)``, ``former members 2 (1 removed, 1 closed)``),
    the activity is compact, and money a member may not see has no line at all."""
    by_status = view["members_by_status"]
    seats = _counted(view["members"], by_status, SEATED)
    former = _counted(view["former_members"], by_status, FORMER)
    shown: View = {}
    for key, value in compact_activity(view).items():
        if key == "members":
            shown[key] = seats
        elif key == "members_by_status":
            shown["former_members"] = former
        elif key != "former_members" and not (key in BILLING_KEYS and value is None):
            shown[key] = value
    return shown


def _counted(total: int, by_status: dict[str, int], statuses: tuple[str, ...]) -> str:
    parts = ", ".join(f"{by_status.get(status, 0)} {status}" for status in statuses)
    return f"{total} ({parts})"


def compact_activity(view: View) -> View:
    """For tables: each activity line only says when, who, what and on what."""
    activity = view.get("recent_activity")
    if activity is None:
        return view
    rows = [{key: entry[key] for key in ACTIVITY_COLUMNS} for entry in activity]
    return view | {"recent_activity": rows}
