"""Objects as plain dicts: the stable keys of SPEC §3.4 for every output format."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fpctl.clock import iso
from fpctl.domain.enums import OPEN_INVITATION_STATUSES
from fpctl.domain.payments import card_expiry
from fpctl.store.tables import (
    Account,
    ApprovalRequest,
    AuditRecord,
    Freelancer,
    FreelancerService,
    Invitation,
    Invoice,
    LedgerEntry,
    Member,
    PaymentMethod,
    Policy,
)

if TYPE_CHECKING:
    from fpctl.services.money.billing import Deposit, Summary
    from fpctl.services.team.invitations import NewInvitation

View = dict[str, Any]

MEMBER_COLUMNS = ["id", "email", "name", "role", "status", "account", "created_at"]
INVITATION_COLUMNS = ["id", "email", "role", "status", "invited_by", "expires_at", "token"]
ACCOUNT_COLUMNS = [
    "slug",
    "name",
    "plan",
    "status",
    "tier",
    "points",
    "balance_cents",
    "credits_cents",
    "members",
    "created_at",
]
POLICY_COLUMNS = [
    "id",
    "kind",
    "applies_to",
    "member",
    "over_cents",
    "amount_cents",
    "per",
    "mode",
    "active",
    "created_at",
]
APPROVAL_COLUMNS = [
    "id",
    "kind",
    "subject_id",
    "subject",
    "requested_by",
    "status",
    "amount_cents",
    "expires_at",
]
FREELANCER_COLUMNS = ["id", "username", "name", "pro", "created_at"]
SERVICE_COLUMNS = ["id", "freelancer", "title", "price_cents", "revisions", "created_at"]
PAYMENT_METHOD_COLUMNS = ["id", "kind", "last4", "expiry", "paypal_email", "default", "created_at"]
AUDIT_COLUMNS = ["id", "at", "actor", "action", "target", "account", "reason", "changes"]


def account_view(account: Account, *, members: int | None = None) -> View:
    view = {
        "id": account.id,
        "slug": account.slug,
        "name": account.name,
        "plan": account.plan,
        "status": account.status,
        "tier": account.tier,
        "points": account.points,
        "balance_cents": account.balance_cents,
        "credits_cents": account.credits_cents,
        "company": account.company,
        "website": account.website,
        "industry": account.industry,
        "created_at": iso(account.created_at),
    }
    if members is not None:
        view["members"] = members
    return view


def member_view(member: Member, account_slug: str) -> View:
    return {
        "id": member.id,
        "email": member.email,
        "name": member.name,
        "role": member.role,
        "status": member.status,
        "account": account_slug,
        "created_at": iso(member.created_at),
        "updated_at": iso(member.updated_at),
    }


def invitation_view(
    invitation: Invitation | NewInvitation, account_slug: str, *, show_token: bool
) -> View:
    is_open = invitation.status in OPEN_INVITATION_STATUSES
    return {
        "id": invitation.id,
        "email": invitation.email,
        "role": invitation.role,
        "status": invitation.status,
        "invited_by": invitation.invited_by,
        "account": account_slug,
        "created_at": iso(invitation.created_at),
        "sent_at": iso(invitation.sent_at),
        "expires_at": iso(invitation.expires_at),
        "resent_count": invitation.resent_count,
        "token": invitation.token if (is_open and show_token) else None,
    }


def policy_view(
    policy: Policy, account_slug: str, *, member_email: str | None, active: bool
) -> View:
    return {
        "id": policy.id,
        "kind": policy.kind,
        "applies_to": policy.applies_to,
        "member": member_email,
        "over_cents": policy.over_cents,
        "amount_cents": policy.amount_cents,
        "per": policy.period,
        "mode": policy.mode,
        "active": active,
        "account": account_slug,
        "created_by": policy.created_by,
        "created_at": iso(policy.created_at),
    }


def approval_view(request: ApprovalRequest, account_slug: str, *, subject: str | None) -> View:
    return {
        "id": request.id,
        "kind": request.kind,
        "subject_id": request.subject_id,
        "subject": subject,
        "requested_by": request.requested_by,
        "status": request.status,
        "amount_cents": request.amount_cents,
        "policy_id": request.policy_id,
        "account": account_slug,
        "created_at": iso(request.created_at),
        "expires_at": iso(request.expires_at),
        "decided_at": iso(request.decided_at),
        "decided_by": request.decided_by,
        "reason": request.reason,
    }


def freelancer_view(
    freelancer: Freelancer, *, services: list[FreelancerService] | None = None
) -> View:
    """A catalogue entry; ``services`` (for ``show``) adds the list of their services."""
    view: View = {
        "id": freelancer.id,
        "username": freelancer.username,
        "name": freelancer.name,
        "pro": freelancer.pro,
        "created_at": iso(freelancer.created_at),
    }
    if services is not None:
        view["services"] = [service_view(s, freelancer.username) for s in services]
    return view


def service_view(service: FreelancerService, username: str) -> View:
    return {
        "id": service.id,
        "freelancer": username,
        "title": service.title,
        "price_cents": service.price_cents,
        "revisions": service.revisions,
        "created_at": iso(service.created_at),
    }


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


def audit_view(record: AuditRecord, account_slug: str | None) -> View:
    import json

    return {
        "id": record.id,
        "at": iso(record.at),
        "actor": record.actor,
        "actor_kind": record.actor_kind,
        "agent": record.agent,
        "action": record.action,
        "target": record.target,
        "account": account_slug,
        "reason": record.reason,
        "changes": json.loads(record.changes),
        "prev_hash": record.prev_hash,
        "hash": record.hash,
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
