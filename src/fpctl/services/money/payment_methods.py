"""Payment methods (SPEC §1.8): cards and PayPal addresses, shared by the account.

Managed by the admin, billing managers and support (``billing.payment_method``); members
cannot see them. A card number is checked and reduced to its last four digits at once
(``domain.payments``): it is never stored, echoed or audited. The first method added becomes
the default; removing the default makes the oldest remaining method the default. Removed
methods are kept (``removed_at``): invoices will refer to them.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from fpctl.domain.emails import normalize_email
from fpctl.domain.payments import card_expiry, card_last4, parse_expiry
from fpctl.domain.permissions import Action, require
from fpctl.errors import InvalidInput, NotFound
from fpctl.services.context import Context
from fpctl.store.rows import id_of
from fpctl.store.tables import PaymentMethod

PERMISSION = Action.BILLING_PAYMENT_METHOD
CARD, PAYPAL = "card", "paypal"


def describe(method: PaymentMethod) -> str:
    """How audit targets and messages name a method: ``card *4242`` or ``paypal a@b.test``."""
    if method.kind == CARD:
        return f"card *{method.last4}"
    return f"paypal {method.paypal_email}"


def target(method: PaymentMethod) -> str:
    return f"payment_method:{method.id} {describe(method)}"


def _active_of(account_id: int | None) -> SelectOfScalar[PaymentMethod]:
    query = select(PaymentMethod).where(PaymentMethod.account_id == account_id)
    return query.where(col(PaymentMethod.removed_at).is_(None))


def _active(ctx: Context) -> SelectOfScalar[PaymentMethod]:
    query = _active_of(ctx.the_account.id)
    return query.order_by(col(PaymentMethod.created_at), col(PaymentMethod.id))


def default_method(session: Session, account_id: int | None) -> PaymentMethod | None:
    """The account's default method (what charges fall back on), if it has one."""
    query = _active_of(account_id).where(col(PaymentMethod.is_default).is_(True))
    return session.exec(query).first()


def _methods(ctx: Context) -> list[PaymentMethod]:
    return list(ctx.session.exec(_active(ctx)).all())


def _default_id(methods: list[PaymentMethod]) -> int | None:
    return next((m.id for m in methods if m.is_default), None)


def add(
    ctx: Context,
    *,
    card: str | None = None,
    expiry_text: str | None = None,
    paypal: str | None = None,
) -> PaymentMethod:
    """Add a card (``card`` and ``expiry_text``) or a PayPal address (``paypal``)."""
    ctx.require(PERMISSION)
    if (card is None) == (paypal is None):
        raise InvalidInput(
            "give exactly one of --card NUMBER (with --expiry MM/YY) or --paypal EMAIL"
        )
    account_id = id_of(ctx.the_account)
    if card is not None:
        if expiry_text is None:
            raise InvalidInput("--card needs --expiry MM/YY")
        last4 = card_last4(card)
        month, year = parse_expiry(expiry_text, ctx.now)
        method = PaymentMethod(
            account_id=account_id, kind=CARD, last4=last4, exp_month=month, exp_year=year
        )
    else:
        if expiry_text is not None:
            raise InvalidInput("--expiry goes with --card, not --paypal")
        method = PaymentMethod(
            account_id=account_id, kind=PAYPAL, paypal_email=normalize_email(paypal or "")
        )
    existing = _methods(ctx)
    method.is_default = not existing
    method.created_at = ctx.now
    ctx.session.add(method)
    ctx.session.flush()
    changes: dict[str, tuple[Any, Any]] = {"kind": (None, method.kind)}
    if method.kind == CARD:
        changes.update(
            last4=(None, method.last4),
            expiry=(None, card_expiry(method.exp_month, method.exp_year)),
        )
    else:
        changes["paypal_email"] = (None, method.paypal_email)
    if method.is_default:
        changes["default"] = (False, True)
    ctx.record(
        action="billing.payment_method_add",
        target=target(method),
        account_id=account_id,
        changes=changes,
    )
    return method


def find(ctx: Context, method_id: int) -> PaymentMethod:
    """An active method of the account; another account's or a removed one is not found."""
    method = ctx.session.get(PaymentMethod, method_id)
    if method is None or method.account_id != ctx.the_account.id or method.removed_at:
        raise NotFound(
            f"no payment method {method_id} in this account",
            hint="`fpctl billing payment-method list` shows them",
        )
    return method


def authorize(ctx: Context, action: Action, method_id: int) -> PaymentMethod:
    """The payment method ``action`` acts on, once the actor may (``auth can-i``)."""
    ctx.require(action)
    return find(ctx, method_id)


def remove(ctx: Context, method_id: int) -> tuple[PaymentMethod, PaymentMethod | None]:
    """Remove a method; when it was the default, the oldest remaining one becomes the
    default. Returns the removed method and the new default (None when it did not change)."""
    method = authorize(ctx, PERMISSION, method_id)
    successor = None
    if method.is_default:
        successor = next((m for m in _methods(ctx) if m.id != method.id), None)
    changes: dict[str, tuple[Any, Any]] = {"removed_at": (None, ctx.now)}
    if method.is_default:
        changes["default"] = (True, False)
        changes["default_id"] = (method.id, successor.id if successor else None)
    method.removed_at = ctx.now  # kept: invoices will refer to it
    method.is_default = False
    ctx.session.add(method)
    if successor is not None:
        successor.is_default = True
        ctx.session.add(successor)
    ctx.session.flush()
    ctx.record(
        action="billing.payment_method_remove",
        target=target(method),
        account_id=method.account_id,
        changes=changes,
    )
    return method, successor


def make_default(ctx: Context, method_id: int) -> tuple[PaymentMethod, str | None]:
    """Make a method the account's only default; already the default is reported unchanged."""
    method = authorize(ctx, PERMISSION, method_id)
    if method.is_default:
        return method, f"payment method {method_id} is already the default: nothing changed"
    methods = _methods(ctx)
    before = _default_id(methods)
    for other in methods:
        if other.is_default:
            other.is_default = False
            ctx.session.add(other)
    method.is_default = True
    ctx.session.add(method)
    ctx.session.flush()
    ctx.record(
        action="billing.payment_method_default",
        target=target(method),
        account_id=method.account_id,
        changes={"default": (False, True), "default_id": (before, method.id)},
    )
    return method, None


def list_methods(ctx: Context) -> list[PaymentMethod]:
    """The account's methods, oldest first. Members cannot see billing (exit 4); a read
    with no actor (an operator holding the store) may."""
    ctx.require(Action.TEAM_READ)
    if not ctx.actor.is_nobody:
        require(ctx.actor, PERMISSION)
    return _methods(ctx)
