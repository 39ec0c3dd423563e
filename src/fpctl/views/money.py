"""Money views: payment methods, invoices, the ledger, deposits, billing and its information."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fpctl.clock import iso
from fpctl.domain.payments import card_expiry
from fpctl.store.tables import Invoice, LedgerEntry, PaymentMethod, RewardEntry
from fpctl.views import View

if TYPE_CHECKING:
    from fpctl.services.money.billing import Deposit, Summary
    from fpctl.services.money.redemptions import Redemption
    from fpctl.services.money.rewards import Standing
    from fpctl.services.money.subscriptions import Subscription


PAYMENT_METHOD_COLUMNS = ["id", "kind", "last4", "expiry", "paypal_email", "default", "created_at"]


def payment_method_view(method: PaymentMethod, account_slug: str) -> View:
    """A card shows only its last 4 digits and expiry; a PayPal method its e-mail."""
    return {
        "id": method.id,
        "kind": method.kind,
        "last4": method.last4,
        "expiry": card_expiry(method.exp_month, method.exp_year),
        "paypal_email": method.paypal_email,
        "default": method.is_default,
        "account": account_slug,
        "created_at": iso(method.created_at),
    }


INVOICE_COLUMNS = [
    "id",
    "number",
    "kind",
    "purpose",
    "order_id",
    "description",
    "amount_cents",
    "payment_method",
    "issued_at",
]


LEDGER_COLUMNS = [
    "id",
    "at",
    "kind",
    "description",
    "order_id",
    "invoice_id",
    "credits_cents",
    "balance_cents",
    "method_cents",
    "balance_after_cents",
]


def invoice_number(invoice_id: int | None) -> str:
    return f"INV-{invoice_id or 0:06d}"


def invoice_view(invoice: Invoice, account_slug: str) -> View:
    """An invoice as issued: ``billed_to`` is the snapshot of the billing details."""
    import json

    return {
        "id": invoice.id,
        "number": invoice_number(invoice.id),
        "kind": invoice.kind,
        "purpose": invoice.purpose,
        "order_id": invoice.order_id,
        "description": invoice.description,
        "amount_cents": invoice.amount_cents,
        "credits_cents": invoice.credits_cents,
        "balance_cents": invoice.balance_cents,
        "method_cents": invoice.method_cents,
        "payment_method": invoice.payment_method,
        "billed_to": json.loads(invoice.billed_to),
        "account": account_slug,
        "issued_at": iso(invoice.issued_at),
    }


def ledger_entry_view(entry: LedgerEntry, account_slug: str) -> View:
    """Signed changes of credits and balance, what the method paid, and the amounts after."""
    return {
        "id": entry.id,
        "at": iso(entry.at),
        "kind": entry.kind,
        "description": entry.description,
        "order_id": entry.order_id,
        "invoice_id": entry.invoice_id,
        "credits_cents": entry.credits_cents,
        "balance_cents": entry.balance_cents,
        "method_cents": entry.method_cents,
        "credits_after_cents": entry.credits_after_cents,
        "balance_after_cents": entry.balance_after_cents,
        "account": account_slug,
    }


def deposit_view(deposit: Deposit) -> View:
    return {
        "account": deposit.account,
        "amount_cents": deposit.amount_cents,
        "balance_cents": deposit.balance_cents,
        "invoice_id": deposit.invoice_id,
        "payment_method": deposit.payment_method,
        "at": iso(deposit.at),
    }


def billing_view(summary: Summary) -> View:
    """``billing show``: the account's money at a glance."""
    return {
        "account": summary.account,
        "balance_cents": summary.balance_cents,
        "credits_cents": summary.credits_cents,
        "default_payment_method": summary.default_payment_method,
        "invoices": summary.invoices,
        "billing_info": dict(summary.billing_info),
    }


def billing_info_view(account_slug: str, info: dict[str, str | None]) -> View:
    """``billing info show | set``: what the next invoice will be made out to."""
    return {"account": account_slug, **info}


def redemption_view(redemption: Redemption) -> View:
    """A redemption as `rewards redeem` prints it."""
    return {
        "account": redemption.account,
        "points": redemption.points,
        "reward": redemption.reward,
        "value_cents": redemption.value_cents,
        "points_after": redemption.points_after,
        "credits_cents": redemption.credits_cents,
        "charity": redemption.charity,
        "at": iso(redemption.at),
    }


REWARD_ENTRY_COLUMNS = [
    "id",
    "at",
    "kind",
    "points",
    "points_after",
    "tier",
    "order_id",
    "description",
]


def reward_entry_view(entry: RewardEntry) -> View:
    """One line of the rewards history (`rewards history`)."""
    return {
        "id": entry.id,
        "at": iso(entry.at),
        "kind": entry.kind,
        "points": entry.points,
        "points_after": entry.points_after,
        "tier": entry.tier,
        "order_id": entry.order_id,
        "reward": entry.reward,
        "charity": entry.charity,
        "value_cents": entry.value_cents,
        "by": entry.by,
        "description": entry.description,
    }


def subscription_view(subscription: Subscription) -> View:
    """The stable keys: money in cents, instants in ISO-8601; the change's own keys only
    after a change (``refund_cents`` after a cancel or a switch, ``invoice_id`` after a
    charge)."""
    shown: View = {
        "account": subscription.account,
        "plan": subscription.plan,
        "status": subscription.status,
        "started_at": iso(subscription.started_at),
        "renews_at": iso(subscription.renews_at),
        "price_cents": subscription.price_cents,
        "switched_at": iso(subscription.switched_at),
        "credits_set_aside_cents": subscription.credits_set_aside_cents,
    }
    if subscription.refund_cents is not None:
        shown["refund_cents"] = subscription.refund_cents
        shown["credit_invoice_id"] = subscription.credit_invoice_id
    if subscription.invoice_id is not None:
        shown["invoice_id"] = subscription.invoice_id
    if subscription.deactivated or subscription.invitations_withdrawn:
        shown["deactivated"] = list(subscription.deactivated)
        shown["invitations_withdrawn"] = subscription.invitations_withdrawn
    return shown


def rewards_view(standing: Standing) -> View:
    """``rewards show``: tier, points, spend over the window and what the next tier needs."""
    account, upcoming = standing.account, standing.next_tier
    return {
        "account": account.slug,
        "tier": account.tier,
        "points": account.points,
        "spend_365d_cents": standing.spend_cents,
        "next_tier": None if upcoming is None else upcoming[0].value,
        "to_next_tier_cents": None if upcoming is None else upcoming[1],
        "points_value_cents": account.points,  # 100 points = 1.00 USD
    }
