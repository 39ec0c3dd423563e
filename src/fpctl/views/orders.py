"""Orders as plain dicts (SPEC §3.4): the stable keys every output format shows.

``OrderViews`` looks names up once per command (freelancers, accounts, open cancellation
requests), so listing 100,000 orders costs no query per row.
"""

from __future__ import annotations

import json
import shlex
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import column, table, text
from sqlmodel import Session, col, select

from fpctl.clock import iso
from fpctl.domain.orders import OrderKind, flags, format_hours, seconds_left
from fpctl.services import memo
from fpctl.services.orders.visibility import Request, open_cancellation, open_dispute
from fpctl.store.rows import id_of
from fpctl.store.tables import (
    Account,
    Order,
    OrderCancellation,
    OrderDispute,
    OrderMilestone,
)
from fpctl.views import View

if TYPE_CHECKING:  # services and rows whose results or types only come here
    from fpctl.services.orders.hour_reports import Answered
    from fpctl.services.orders.hourly import Logged, WeekReport
    from fpctl.services.orders.next_plan import Step
    from fpctl.store.tables import OrderComment, OrderNote  # notes and comments: types only

#: A table's columns, most important first: at 80 columns those that fit are shown.
ORDER_COLUMNS = [
    "id",
    "status",
    "title",
    "total_cents",
    "freelancer",
    "placed_by",
    "paid_cents",
    "flags",
    "kind",
    "cancellation",
    "dispute",
    "due_at",
    "project",
]


_USERNAME: memo.Reads = {"freelancer": frozenset({"id", "username"})}
#: The freelancer's name as SQLAlchemy Core reads it: no network table class to build.
_FREELANCER = table("freelancer", column("id"), column("username"))
#: An order page's links, as plain SQL: built once, nothing to compile for each order (a
#: batch shows thousands).
_LINKS = text(
    "SELECT (SELECT id FROM conversation WHERE account_id = :account"
    " AND freelancer_id = :freelancer), (SELECT id FROM offer WHERE order_id = :order)"
)
_NETWORK_TABLES = "fpctl.store.tables.network"


def for_table(view: View) -> View:
    """A list row for people: the open request as "seller asks · 23h10m left" (a dispute
    as "buyer: refund · 23h10m left")."""
    shown = dict(view)
    for key in ("cancellation", "dispute"):
        request = view.get(key)
        if request is not None:
            asks = request.get("kind", "asks")  # a dispute says what it asks for
            shown[key] = f"{request['side']} {asks} · {request['time_left']} left"
    return shown


def _left(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m"


def cancellation_view(request: OrderCancellation | OrderDispute, now: datetime) -> View:
    seconds = seconds_left(request.expires_at, now)
    return {
        "id": request.id,
        "requested_by": request.requested_by,
        "side": request.side,
        "reason": request.reason,
        "requested_at": iso(request.created_at),
        "expires_at": iso(request.expires_at),
        "seconds_left": seconds,
        "time_left": _left(seconds),
    }


def dispute_view(request: OrderDispute, now: datetime) -> View:
    """An open dispute request: what is proposed (the other kinds' keys are null)."""
    return {
        **cancellation_view(request, now),
        "kind": request.kind,
        "due_at": iso(request.due_at),
        "modification": request.modification,
        "amount_cents": request.amount_cents,
    }


class OrderViews:
    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self._usernames: dict[int, str] = {}
        self._slugs: dict[int, str] = {}
        self._open: dict[type, dict[int, Any]] = {}  # open requests, by table and order

    def _username(self, freelancer_id: int) -> str:
        if freelancer_id not in self._usernames:
            kept = memo.of(self.session)
            if kept is None:
                self._usernames[freelancer_id] = self._look_username(freelancer_id)
            else:  # a batch: once, again after a line renames a freelancer
                key = ("freelancer username", freelancer_id)
                name = kept.get(key, _USERNAME, lambda: self._look_username(freelancer_id))
                self._usernames[freelancer_id] = name
        return self._usernames[freelancer_id]

    def _look_username(self, freelancer_id: int) -> str:
        if _NETWORK_TABLES in sys.modules:  # a Freelancer may sit in the session, renamed
            from fpctl.store.tables import Freelancer

            freelancer = self.session.get(Freelancer, freelancer_id)
            return freelancer.username if freelancer else "?"
        # No Freelancer class is built, so the session holds none: the row's name is the
        # store's, and `order show` need not build the network's seven tables to read it.
        found = self.session.execute(
            select(_FREELANCER.c.username).where(_FREELANCER.c.id == freelancer_id)
        ).scalar()
        return found if found is not None else "?"

    def _slug(self, account_id: int) -> str:
        if account_id not in self._slugs:
            account = self.session.get(Account, account_id)
            self._slugs[account_id] = account.slug if account else "?"
        return self._slugs[account_id]

    def _open_request(self, table: type[Request], order_id: int) -> Request | None:
        if table not in self._open:  # open requests are few: load them all once
            rows = self.session.exec(select(table).where(table.status == "open")).all()
            self._open[table] = {row.order_id: row for row in rows}
        found: Request | None = self._open[table].get(order_id)
        return found

    def row(self, order: Order, *, single: bool = False) -> View:
        """One order; ``single`` looks its own open request up instead of loading all."""
        if single:
            request = open_cancellation(self.session, order)
            dispute = open_dispute(self.session, order)
        else:
            request = self._open_request(OrderCancellation, id_of(order))
            dispute = self._open_request(OrderDispute, id_of(order))
        return {
            "id": order.id,
            "status": order.status,
            "kind": order.kind,
            "title": order.title,
            "freelancer": self._username(order.freelancer_id),
            "placed_by": order.placed_by,
            "project": order.project_id,
            "quantity": order.quantity,
            "unit_price_cents": order.unit_price_cents,
            "total_cents": order.total_cents,
            "paid_cents": order.paid_cents,
            "refunded_cents": order.refunded_cents,
            "flags": flags(order.status, order.due_at, self.now),
            "cancellation": cancellation_view(request, self.now) if request else None,
            "dispute": dispute_view(dispute, self.now) if dispute else None,
            "due_at": iso(order.due_at),
            "delivered_at": iso(order.delivered_at),
            "auto_completes_at": iso(order.auto_complete_at),
            "completed_at": iso(order.completed_at),
            "closed_at": iso(order.closed_at),
            "revisions_included": order.revisions_included,
            "revisions_used": order.revisions_used,
            "shared": order.shared,
            "account": self._slug(order.account_id),
            "created_at": iso(order.created_at),
        }

    def full(self, order: Order, *, show_requirements: bool = True) -> View:
        """``order show``: the row plus milestones, hourly terms and requirements."""
        view = self.row(order, single=True)
        view["requirements"] = order.requirements if show_requirements else None
        view["milestones"] = (
            [
                milestone_view(m)
                for m in self.session.exec(
                    select(OrderMilestone)
                    .where(OrderMilestone.order_id == order.id)
                    .order_by(col(OrderMilestone.position))
                )
            ]
            if order.kind == OrderKind.MILESTONES  # only checkout writes them, for this kind
            else []
        )
        view["hourly"] = (
            {
                "rate_cents": order.hourly_rate_cents,
                "weekly_limit_hours": order.weekly_limit_hours,
                "estimate_hours": order.estimate_hours,
            }
            if order.kind == "hourly"
            else None
        )
        view["conversation"], view["offer"] = self._links(order)
        return view

    def _links(self, order: Order) -> tuple[int | None, int | None]:
        """Where the order page leads, in one query: the account's conversation with the
        order's freelancer (seed 004: an order opens one; ``fpctl inbox show ID``) and the
        custom offer whose acceptance placed the order (``fpctl offer show ID``)."""
        ids = {"account": order.account_id, "freelancer": order.freelancer_id, "order": order.id}
        talk, offered = self.session.execute(_LINKS, ids).one()
        return talk, offered


def milestone_view(milestone: OrderMilestone) -> View:
    if milestone.accepted_at:
        status = "accepted"
    elif milestone.delivered_at:
        status = "delivered"
    elif milestone.charged_at:
        status = "in_progress"
    else:
        status = "not_started"
    return {
        "position": milestone.position,
        "title": milestone.title,
        "amount_cents": milestone.amount_cents,
        "status": status,
        "charged_at": iso(milestone.charged_at),
        "delivered_at": iso(milestone.delivered_at),
        "accepted_at": iso(milestone.accepted_at),
    }


# -- notes and comments (never shown to the freelancer) ----------------------------------

NOTE_COLUMNS = ["id", "order_id", "author", "text", "created_at"]
COMMENT_COLUMNS = ["id", "reply_to", "author", "text", "mentions", "created_at"]


def note_view(note: OrderNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "order_id": note.order_id,
        "author": note.author,
        "text": note.text,
        "created_at": iso(note.created_at),
    }


def comment_view(comment: OrderComment, depth: int = 0) -> dict[str, Any]:
    return {
        "id": comment.id,
        "order_id": comment.order_id,
        "author": comment.author,
        "text": comment.text,
        "reply_to": comment.reply_to_id,
        "mentions": json.loads(comment.mentions),
        "depth": depth,
        "created_at": iso(comment.created_at),
    }


# -- hours of hourly orders ----------------------------------------------------------------

WEEK_COLUMNS = ["week", "hours", "status", "amount_cents", "answer_by", "entries", "invoice_id"]


def logged_view(logged: Logged) -> View:
    """An entry as ``order hours log`` prints it, with its week's total so far."""
    row = logged.row
    return {
        "id": row.id,
        "order_id": row.order_id,
        "week": row.week,
        "hours": format_hours(row.hundredths),
        "description": row.description,
        "logged_at": iso(row.logged_at),
        "week_hours": format_hours(logged.week_total),
        "weekly_limit_hours": logged.order.weekly_limit_hours,
        "week_ends_at": iso(row.week_ends_at),
        "answer_by": iso(logged.answer_by) if logged.answer_by else None,
        "status": logged.status,
    }


def week_view(report: WeekReport) -> View:
    """One line of ``order hours list``: the week's hours and its report."""
    charged, rows, answer = report.charged, report.rows, report.report
    disputed = report.disputed
    return {
        "order_id": report.order.id,
        "week": report.week,
        "hours": format_hours(report.hundredths),
        "entries": len(rows),
        "status": report.status,
        "amount_cents": report.amount_cents,
        "charged_cents": sum(r.charged_cents or 0 for r in charged) if charged else None,
        "invoice_id": charged[0].invoice_id if charged else None,
        "week_ends_at": iso(rows[0].week_ends_at),
        "answer_by": iso(answer.answer_by) if answer is not None else None,
        "disputed_hours": format_hours(disputed) if disputed is not None else None,
        "reason": answer.reason if answer is not None else None,
        "answered_by": answer.answered_by if answer is not None else None,
        "resolved_by": answer.resolved_by if answer is not None else None,
        "charged_at": iso(charged[0].charged_at) if charged else None,
    }


def answered_view(answered: Answered) -> View:
    """A week's report after ``order hours approve|dispute|concede``."""
    report = answered.report
    disputed = report.disputed_hundredths
    billable = report.billable_hundredths
    return {
        "order_id": answered.order.id,
        "week": report.week,
        "status": report.status,
        "hours": format_hours(answered.logged),
        "disputed_hours": format_hours(disputed) if disputed is not None else None,
        "billable_hours": format_hours(billable) if billable is not None else None,
        "reason": report.reason,
        "charged": answered.charged,
        "paid_cents": answered.order.paid_cents,
        "answered_by": report.answered_by,
        "answered_at": iso(report.answered_at) if report.answered_at else None,
        "resolved_by": report.resolved_by,
        "resolved_at": iso(report.resolved_at) if report.resolved_at else None,
    }


# -- what can happen next (``order next``) -------------------------------------------------

NEXT_COLUMNS = ["action", "who", "by", "command", "note"]


def step_view(step: Step) -> View:
    return {
        "action": step.action,
        "who": step.who,
        "by": iso(step.by),
        "command": shlex.join(["fpctl", *step.argv]) if step.argv else None,
        "note": step.note,
    }
