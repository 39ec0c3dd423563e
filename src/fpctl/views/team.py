"""The team's views: accounts, members, invitations, policies and approval requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fpctl.clock import iso
from fpctl.domain.enums import OPEN_INVITATION_STATUSES
from fpctl.views import View

if TYPE_CHECKING:
    from fpctl.services.team.invitations import NewInvitation
    from fpctl.store.tables import Account, ApprovalRequest, Invitation, Member, Policy


#: Most important first: at 80 columns those that fit are shown (-o wide: every key).
MEMBER_COLUMNS = ["id", "email", "role", "status", "name", "created_at", "account"]


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


def account_view(
    account: Account, *, members: int | None = None, shows_billing: bool = True
) -> View:
    """An account's keys; its balance and credits null for whoever may not see billing."""
    view = {
        "id": account.id,
        "slug": account.slug,
        "name": account.name,
        "plan": account.plan,
        "status": account.status,
        "tier": account.tier,
        "points": account.points,
        "balance_cents": account.balance_cents if shows_billing else None,
        "credits_cents": account.credits_cents if shows_billing else None,
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
