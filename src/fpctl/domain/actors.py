"""Who is acting: a member, a freelancer, support, the system (``tick``) or nobody."""

from __future__ import annotations

from dataclasses import dataclass

from fpctl.domain.enums import ActorKind, MemberStatus, Role


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    label: str  # how audit records and messages name the actor
    account_id: int | None = None
    member_id: int | None = None
    role: Role | None = None
    status: MemberStatus | None = None
    freelancer_id: int | None = None
    agent: str | None = None  # the support agent's name
    reason: str | None = None

    @property
    def is_member(self) -> bool:
        return self.kind is ActorKind.MEMBER

    @property
    def is_support(self) -> bool:
        return self.kind is ActorKind.SUPPORT

    @property
    def is_nobody(self) -> bool:
        return self.kind is ActorKind.NOBODY

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def sees_everything(self) -> bool:
        """Read-only views with no actor, or by support, show the whole account."""
        return self.kind in (ActorKind.NOBODY, ActorKind.SUPPORT, ActorKind.SYSTEM)


NOBODY = Actor(kind=ActorKind.NOBODY, label="nobody")
SYSTEM = Actor(kind=ActorKind.SYSTEM, label="system")


def support(agent: str, reason: str | None, account_id: int | None = None) -> Actor:
    return Actor(
        kind=ActorKind.SUPPORT,
        label=f"support:{agent}",
        agent=agent,
        reason=reason,
        account_id=account_id,
    )


def kind_of(spec: str | None) -> ActorKind:
    """Who an ``--as`` value names: nobody (empty), support, a freelancer (``@username``)
    or a member (an email)."""
    spec = (spec or "").strip()
    if not spec:
        return ActorKind.NOBODY
    if spec.casefold() == "support":
        return ActorKind.SUPPORT
    if spec.startswith("@"):
        return ActorKind.FREELANCER
    return ActorKind.MEMBER
