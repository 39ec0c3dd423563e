"""Values TAB completes from the store, each with what it is (zsh and fish show it beside the
value): ``autocompletion=`` of the arguments and options that take them.

Values are scoped to the account the line names (``--account``, else the ``--as`` member's)
and read through ``completion_store`` (stdlib ``sqlite3``; never the ORM, so a TAB press
stays fast). Ids come newest first. Nothing here imports SQLAlchemy, SQLModel or Rich.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer

from fpctl.cli.completion_store import (
    LIMIT,
    account_scope,
    freelancer_actor,
    given,
    like,
    member_actor,
    rows,
)

Described = Iterator[tuple[str, str]]

_STARTS = "LIKE ? ESCAPE '\\'"


def _id_prefix(incomplete: str) -> bool:
    """Whether ``incomplete`` can start an id (empty, or digits)."""
    return incomplete == "" or incomplete.isdigit()


def _money(cents: int | None) -> str:
    from fpctl.domain.money import format_cents

    return format_cents(cents) if cents is not None else ""


def _joined(*parts: object) -> str:
    return " · ".join(str(part) for part in parts if part not in (None, ""))


def complete_accounts(ctx: typer.Context, incomplete: str) -> Described:
    yield from rows(
        ctx,
        f"SELECT slug, name FROM account WHERE slug {_STARTS} ORDER BY slug LIMIT {LIMIT}",
        [like(incomplete)],
    )


def complete_members(ctx: typer.Context, incomplete: str) -> Described:
    """Members who are still there (active or deactivated) of the account on the line."""
    scope, params = account_scope(ctx)
    for email, name, role, status in rows(
        ctx,
        f"SELECT email, name, role, status FROM member WHERE email {_STARTS} "
        f"AND status IN ('active', 'deactivated'){scope} ORDER BY email LIMIT {LIMIT}",
        [like(incomplete), *params],
    ):
        shown = "" if name == email else name  # a member who never gave a name
        yield email, _joined(shown, role, "" if status == "active" else status)


def complete_actors(ctx: typer.Context, incomplete: str) -> Described:
    """``--as``: support, a member's email, or @username for a freelancer."""
    if "support".startswith(incomplete):
        yield "support", "act as support (with --reason and --account)"
    if incomplete.startswith("@"):
        yield from complete_freelancers(ctx, incomplete)
        return
    yield from complete_members(ctx, incomplete)


def complete_freelancers(ctx: typer.Context, incomplete: str) -> Described:
    """Usernames from the catalogue; typed with a leading @, offered with it."""
    at = "@" if incomplete.startswith("@") else ""
    for username, name, pro in rows(
        ctx,
        f"SELECT username, name, pro FROM freelancer WHERE username {_STARTS} "
        f"ORDER BY username LIMIT {LIMIT}",
        [like(incomplete.removeprefix("@"))],
    ):
        yield at + username, _joined(name, "Pro" if pro else "")


def complete_orders(ctx: typer.Context, incomplete: str) -> Described:
    """Order ids, newest first, described by status and title (and account, when the line
    names none); a freelancer (``--as @username``) sees their own orders."""
    if not _id_prefix(incomplete):
        return
    scope, params = account_scope(ctx, "o.account_id")
    freelancer = freelancer_actor(ctx)
    if freelancer:
        scope += " AND o.freelancer_id = (SELECT id FROM freelancer WHERE username = ?)"
        params.append(freelancer)
    for order_id, status, title, slug in rows(
        ctx,
        "SELECT o.id, o.status, o.title, a.slug FROM orders o JOIN account a "
        f"ON a.id = o.account_id WHERE CAST(o.id AS TEXT) {_STARTS}{scope} "
        f"ORDER BY o.id DESC LIMIT {LIMIT}",
        [like(incomplete), *params],
    ):
        yield str(order_id), _joined(status, title, "" if scope else slug)


def _sellers_own(ctx: typer.Context, scope: str, params: list[Any]) -> tuple[str, list[Any]]:
    """``scope`` narrowed to the freelancer ``--as @username`` names (joined as ``f``)."""
    freelancer = freelancer_actor(ctx)
    if freelancer:
        return scope + " AND f.username = ?", [*params, freelancer]
    return scope, params


def complete_conversations(ctx: typer.Context, incomplete: str) -> Described:
    """Conversation ids, latest activity first, described by freelancer and account; a
    freelancer (``--as @username``) sees their own."""
    if not _id_prefix(incomplete):
        return
    scope, params = _sellers_own(ctx, *account_scope(ctx, "c.account_id"))
    for conversation_id, username, slug in rows(
        ctx,
        "SELECT c.id, f.username, a.slug FROM conversation c "
        "JOIN account a ON a.id = c.account_id JOIN freelancer f ON f.id = c.freelancer_id "
        f"WHERE CAST(c.id AS TEXT) {_STARTS}{scope} "
        f"ORDER BY c.last_activity_at DESC, c.id DESC LIMIT {LIMIT}",
        [like(incomplete), *params],
    ):
        yield str(conversation_id), _joined(f"@{username}", slug)


def complete_recipients(ctx: typer.Context, incomplete: str) -> Described:
    """``inbox send``: a conversation id, or @username for a first message."""
    if incomplete.startswith("@"):
        yield from complete_freelancers(ctx, incomplete)
        return
    yield from complete_conversations(ctx, incomplete)


def complete_offers(ctx: typer.Context, incomplete: str) -> Described:
    """Offer ids, newest first, described by status, title and freelancer (and account,
    when the line names none); a freelancer (``--as @username``) sees their own offers."""
    if not _id_prefix(incomplete):
        return
    scope, params = _sellers_own(ctx, *account_scope(ctx, "o.account_id"))
    for offer_id, status, title, username, slug in rows(
        ctx,
        "SELECT o.id, o.status, o.title, f.username, a.slug FROM offer o "
        "JOIN account a ON a.id = o.account_id JOIN freelancer f ON f.id = o.freelancer_id "
        f"WHERE CAST(o.id AS TEXT) {_STARTS}{scope} ORDER BY o.id DESC LIMIT {LIMIT}",
        [like(incomplete), *params],
    ):
        yield str(offer_id), _joined(status, title, f"@{username}", "" if scope else slug)


def complete_approvals(ctx: typer.Context, incomplete: str) -> Described:
    """Pending approval requests (the only ones to approve or reject)."""
    if not _id_prefix(incomplete):
        return
    scope, params = account_scope(ctx)
    for request_id, kind, subject, by, cents in rows(
        ctx,
        "SELECT id, kind, subject_id, requested_by, amount_cents FROM approvalrequest "
        f"WHERE status = 'pending' AND CAST(id AS TEXT) {_STARTS}{scope} "
        f"ORDER BY id DESC LIMIT {LIMIT}",
        [like(incomplete), *params],
    ):
        yield str(request_id), _joined(f"{kind} {subject}", f"by {by}", _money(cents))


def complete_invitations(ctx: typer.Context, incomplete: str) -> Described:
    """Open invitations by id (or by email, once a letter is typed): pending ones for
    ``team resend``, awaiting approval too for ``team withdraw``."""
    statuses = "('pending')" if ctx.info_name == "resend" else "('pending', 'awaiting_approval')"
    scope, params = account_scope(ctx)
    by_id = _id_prefix(incomplete)
    column = "CAST(id AS TEXT)" if by_id else "email"
    for invitation_id, email, role, status in rows(
        ctx,
        f"SELECT id, email, role, status FROM invitation WHERE status IN {statuses} "
        f"AND {column} {_STARTS}{scope} ORDER BY {'id DESC' if by_id else 'email'} "
        f"LIMIT {LIMIT}",
        [like(incomplete), *params],
    ):
        if by_id:
            yield str(invitation_id), _joined(status, email, role)
        else:
            yield email, _joined(status, f"invitation {invitation_id}", role)


def complete_projects(ctx: typer.Context, incomplete: str) -> Described:
    if not _id_prefix(incomplete):
        return
    scope, params = account_scope(ctx)
    for project_id, name, kind, owner in rows(
        ctx,
        f"SELECT id, name, kind, owner FROM project WHERE CAST(id AS TEXT) {_STARTS}{scope} "
        f"ORDER BY id DESC LIMIT {LIMIT}",
        [like(incomplete), *params],
    ):
        yield str(project_id), _joined(name, kind, owner)


def complete_lists(ctx: typer.Context, incomplete: str) -> Described:
    """Network lists by id, named: the account's own and those shared with it."""
    if not _id_prefix(incomplete):
        return
    scope, params = account_scope(ctx)
    if scope:
        owned = scope.removeprefix(" AND ")
        shared = account_scope(ctx, "s.account_id")[0].removeprefix(" AND ")
        scope = f" AND ({owned} OR id IN "
        scope += f"(SELECT s.list_id FROM network_list_share s WHERE {shared}))"
        params = params * 2
    for list_id, name, owner in rows(
        ctx,
        f"SELECT id, name, owner FROM network_list WHERE CAST(id AS TEXT) {_STARTS}{scope} "
        f"ORDER BY id DESC LIMIT {LIMIT}",
        [like(incomplete), *params],
    ):
        yield str(list_id), _joined(name, owner)


def complete_services(ctx: typer.Context, incomplete: str) -> Described:
    """Service ids, of the ``--freelancer`` on the line when there is one."""
    if not _id_prefix(incomplete):
        return
    freelancer = given(ctx, "freelancer")
    scope, params = "", []
    if isinstance(freelancer, str) and freelancer.strip("@"):
        scope, params = " AND f.username = ?", [freelancer.strip().lstrip("@").casefold()]
    for service_id, title, cents, username in rows(
        ctx,
        "SELECT s.id, s.title, s.price_cents, f.username FROM freelancer_service s "
        f"JOIN freelancer f ON f.id = s.freelancer_id WHERE CAST(s.id AS TEXT) {_STARTS}"
        f"{scope} ORDER BY s.id LIMIT {LIMIT}",
        [like(incomplete), *params],
    ):
        yield str(service_id), _joined(title, _money(cents), f"@{username}")


def complete_list_targets(ctx: typer.Context, incomplete: str) -> Described:
    """``network list-add``: a freelancer, or a service by id once a digit is typed."""
    if incomplete[:1].isdigit():
        yield from complete_services(ctx, incomplete)
    else:
        yield from complete_freelancers(ctx, incomplete)


def complete_policies(ctx: typer.Context, incomplete: str) -> Described:
    """Policies in force."""
    if not _id_prefix(incomplete):
        return
    scope, params = account_scope(ctx)
    for policy_id, kind, applies_to, over, amount, period in rows(
        ctx,
        "SELECT id, kind, applies_to, over_cents, amount_cents, period FROM policy "
        f"WHERE removed_at IS NULL AND CAST(id AS TEXT) {_STARTS}{scope} "
        f"ORDER BY id LIMIT {LIMIT}",
        [like(incomplete), *params],
    ):
        limit = f"over {_money(over)}" if over is not None else _money(amount)
        yield str(policy_id), _joined(kind, applies_to, limit, f"per {period}" if period else "")


def complete_payment_methods(ctx: typer.Context, incomplete: str) -> Described:
    """Payment methods not removed."""
    if not _id_prefix(incomplete):
        return
    scope, params = account_scope(ctx)
    for method_id, kind, last4, paypal, default in rows(
        ctx,
        "SELECT id, kind, last4, paypal_email, is_default FROM payment_method "
        f"WHERE removed_at IS NULL AND CAST(id AS TEXT) {_STARTS}{scope} "
        f"ORDER BY id LIMIT {LIMIT}",
        [like(incomplete), *params],
    ):
        what = f"card *{last4}" if last4 else (paypal or kind)
        yield str(method_id), _joined(what, "default" if default else "")


def complete_invoices(ctx: typer.Context, incomplete: str) -> Described:
    if not _id_prefix(incomplete):
        return
    scope, params = account_scope(ctx)
    for invoice_id, description, cents in rows(
        ctx,
        "SELECT id, description, amount_cents FROM invoice "
        f"WHERE CAST(id AS TEXT) {_STARTS}{scope} ORDER BY id DESC LIMIT {LIMIT}",
        [like(incomplete), *params],
    ):
        yield str(invoice_id), _joined(description, _money(cents))


def complete_order_statuses(incomplete: str) -> list[str]:
    from fpctl.domain.orders import OrderStatus

    return [status.value for status in OrderStatus if status.value.startswith(incomplete)]


def complete_notifications(ctx: typer.Context, incomplete: str) -> Described:
    """The ``--as`` member's unread notifications, newest first, described by their text."""
    member = member_actor(ctx)
    if not member or not _id_prefix(incomplete):
        return
    for notification_id, kind, text in rows(
        ctx,
        "SELECT n.id, n.kind, n.text FROM notification n JOIN member m ON m.id = n.member_id "
        f"WHERE CAST(n.id AS TEXT) {_STARTS} AND m.email = ? AND m.status = 'active' "
        f"AND n.read_at IS NULL ORDER BY n.id DESC LIMIT {LIMIT}",
        [like(incomplete), member],
    ):
        yield str(notification_id), _joined(kind, text)
