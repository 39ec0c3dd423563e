"""The words of the domain. Values are the CLI spellings and are stored as such."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    BILLING_MANAGER = "billing_manager"
    MEMBER = "member"


class MemberStatus(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    REMOVED = "removed"
    CLOSED = "closed"


class InvitationStatus(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


OPEN_INVITATION_STATUSES = (InvitationStatus.AWAITING_APPROVAL, InvitationStatus.PENDING)


class Plan(StrEnum):
    BASIC = "basic"
    ADVANCED = "advanced"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    SWITCHED = "switched"


class Tier(StrEnum):
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"


class PolicyKind(StrEnum):
    INVITE_APPROVAL = "invite-approval"
    ORDER_APPROVAL = "order-approval"
    PURCHASE_LIMIT = "purchase-limit"


class AppliesTo(StrEnum):
    MEMBERS = "members"
    BILLING_MANAGERS = "billing-managers"
    BOTH = "both"

    def covers(self, role: Role) -> bool:
        if role is Role.ADMIN:
            return False  # the admin is never subject to policies
        if self is AppliesTo.BOTH:
            return True
        wanted = Role.MEMBER if self is AppliesTo.MEMBERS else Role.BILLING_MANAGER
        return role is wanted


class LimitPeriod(StrEnum):
    ORDER = "order"
    MONTH = "month"


class LimitMode(StrEnum):
    REFUSE = "refuse"
    APPROVAL = "approval"


class ProjectStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"  # keeps its orders; takes no new order and no new member


class ApprovalKind(StrEnum):
    INVITATION = "invitation"
    ORDER = "order"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class ActorKind(StrEnum):
    MEMBER = "member"
    FREELANCER = "freelancer"
    SUPPORT = "support"
    SYSTEM = "system"
    NOBODY = "nobody"


class OfferStatus(StrEnum):
    """A custom offer's status (``domain.offers`` has the rules; the CLI's ``--status``
    choices need only this, so ``fpctl --help`` does not import the rules)."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
