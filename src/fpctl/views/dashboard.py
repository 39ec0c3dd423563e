"""The account dashboard (``account show``): the account's keys and its figures."""

from __future__ import annotations

from fpctl.clock import iso
from fpctl.domain.enums import Plan
from fpctl.services.dashboard import Dashboard
from fpctl.views import View
from fpctl.views.audit import audit_view
from fpctl.views.team import account_view

#: The compact columns of the activity list in tables (JSON keeps whole audit views).
ACTIVITY_COLUMNS = ("at", "actor", "action", "target")


def dashboard_view(dashboard: Dashboard) -> View:
    """``account view`` keys (``members``: the seat count) plus the dashboard's figures;
    ``recent_activity`` holds whole audit views, newest first, or None."""
    account = dashboard.account
    details = account_view(account, members=dashboard.seats)
    activity = dashboard.recent_activity
    return details | {
        "renews_at": iso(account.plan_renews_at) if account.plan == Plan.ADVANCED else None,
        "credits_set_aside_cents": account.credits_set_aside_cents,
        "members_by_role": dashboard.members_by_role,
        "members_by_status": dashboard.members_by_status,
        "open_orders": dashboard.open_orders,
        "open_cancellation_requests": dashboard.open_cancellation_requests,
        "open_invitations": dashboard.open_invitations,
        "pending_approvals": dashboard.pending_approvals,
        "recent_activity": None
        if activity is None
        else [audit_view(record, account.slug) for record in activity],
    }


def compact_activity(view: View) -> View:
    """For tables: each activity line only says when, who, what and on what."""
    activity = view.get("recent_activity")
    if activity is None:
        return view
    rows = [{key: entry[key] for key in ACTIVITY_COLUMNS} for entry in activity]
    return view | {"recent_activity": rows}
