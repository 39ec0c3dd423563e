"""Inviting (SPEC §1.3): one address or a hundred thousand, set-based: every row checked
(email, role, ownership, open invitations, the approval policy), written in bulk with its
audit records; a row refused alone is reported, never raised. The life of an invitation
after it is made is in ``invitations``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from fpctl.domain.emails import normalize_email
from fpctl.domain.enums import (
    ApprovalKind,
    ApprovalStatus,
    InvitationStatus,
    Role,
)
from fpctl.domain.permissions import Action, decide
from fpctl.errors import (
    FpctlError,
    InvalidInput,
    PermissionDenied,
    RuleViolation,
)
from fpctl.services import lookups
from fpctl.services.audit import Entry
from fpctl.services.context import Context
from fpctl.services.team import policies
from fpctl.services.team.invitations import (
    APPROVAL_DAYS,
    PENDING_DAYS,
    NewInvitation,
    can_manage,
    close_approval,
    target,
)
from fpctl.services.team.members import holder_refusal
from fpctl.store.bulk import insert_rows
from fpctl.store.rows import id_of, table_of
from fpctl.store.tables import (
    HELD_EMAIL,
    OPEN_INVITATION,
    Account,
    ApprovalRequest,
    Invitation,
    Member,
)

_CHUNK = 500


@dataclass
class InviteRequest:
    email: str  # as given
    role: str = Role.MEMBER


@dataclass
class InviteResult:
    email: str
    role: str
    result: str  # invited | awaiting_approval | unchanged | failed
    invitation: Invitation | NewInvitation | None = None
    error: FpctlError | None = None


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _holders(session: Session, emails: Sequence[str]) -> dict[str, Member]:
    found: dict[str, Member] = {}
    for chunk in _chunks(emails):
        query = (
            select(Member)
            .where(col(Member.email).in_(chunk))
            .where(text(HELD_EMAIL))  # active, deactivated or closed: uses the partial index
        )
        found.update((m.email, m) for m in session.exec(query))
    return found


def _open_invitations(
    session: Session, account_id: int, emails: Sequence[str]
) -> dict[str, Invitation]:
    found: dict[str, Invitation] = {}
    for chunk in _chunks(emails):
        query = (
            select(Invitation)
            .where(Invitation.account_id == account_id)
            .where(col(Invitation.email).in_(chunk))
            .where(text(OPEN_INVITATION))  # the partial index's own condition
        )
        found.update((i.email, i) for i in session.exec(query))
    return found


def _checked_role(ctx: Context, role: str) -> Role:
    try:
        wanted = Role(role.strip().casefold())
    except ValueError:
        raise InvalidInput(f"{role!r} is not a role: use member or billing_manager") from None
    if wanted is Role.ADMIN:
        raise InvalidInput(
            "the admin role is never invited",
            hint="invite as member, then transfer: fpctl role set EMAIL admin",
            code="invalid_role",
        )
    if wanted is not Role.BILLING_MANAGER:
        return wanted
    decision = decide(ctx.actor, Action.TEAM_INVITE_BILLING_MANAGER)
    if not decision.allowed:
        denied = PermissionDenied(
            f"{ctx.actor.label} cannot invite a billing manager: only the admin can",
        )
        denied.rule = decision.reason  # what `auth can-i team.invite billing_manager` shows
        raise denied
    return wanted


class _Batch:
    """The state of one invite run: what exists, what this run has added so far."""

    def __init__(self, ctx: Context, emails: list[str]) -> None:
        self.ctx = ctx
        self.account: Account = ctx.the_account
        self.holders = _holders(ctx.session, emails)
        self.open: dict[str, Invitation | NewInvitation] = dict(
            _open_invitations(ctx.session, id_of(self.account), emails)
        )
        self.next_id = (ctx.session.exec(select(func.max(Invitation.id))).one() or 0) + 1
        self.new_rows: list[dict[str, Any]] = []
        self.approval_rows: list[dict[str, Any]] = []
        self.entries: list[Entry] = []
        self.superseded: list[tuple[Invitation, int]] = []
        self.inviter = ctx.actor.label
        self.policy = policies.invite_approval_for(ctx, ctx.actor)

    def invite(self, email: str, role: Role) -> InviteResult:
        holder = self.holders.get(email)
        if holder is not None:
            raise holder_refusal(email, holder, self.account.id)
        existing = self.open.get(email)
        if existing is not None:
            if existing.role == role:
                return InviteResult(email, role, "unchanged", existing)
            self._supersede(existing)
        return self._create(email, role)

    def _supersede(self, existing: Invitation | NewInvitation) -> None:
        if not can_manage(self.ctx, existing, Action.TEAM_WITHDRAW):
            raise RuleViolation(
                f"{existing.email} already has an open invitation from {existing.invited_by}",
                hint="only its inviter or the admin can replace it",
                code="already_invited",
            )
        if isinstance(existing, NewInvitation):  # created earlier in this same run
            raise RuleViolation(
                f"{existing.email} appears twice with different roles", code="duplicate_row"
            )
        before = existing.status
        existing.status = InvitationStatus.SUPERSEDED
        existing.closed_at = self.ctx.now
        self.superseded.append((existing, self.next_id))
        if before == InvitationStatus.AWAITING_APPROVAL:
            # Its request must close too, or approving it later would reopen a dead invitation.
            closed = close_approval(
                self.ctx.session, existing, ApprovalStatus.WITHDRAWN, self.ctx.now
            )
            self.entries += [closed] if closed else []
        self.entries.append(
            Entry(
                "team.supersede",
                target(existing),
                self.account.id,
                {"status": (before, existing.status)},
            )
        )

    def _create(self, email: str, role: Role) -> InviteResult:
        ctx = self.ctx
        policy = self.policy
        status = InvitationStatus.AWAITING_APPROVAL if policy else InvitationStatus.PENDING
        days = APPROVAL_DAYS if policy else PENDING_DAYS
        row: dict[str, Any] = {  # column values, for insert_rows
            "id": self.next_id,
            "account_id": self.account.id,
            "email": email,
            "role": role,
            "status": status,
            "token": ctx.make_token(),
            "invited_by_id": ctx.actor.member_id,
            "invited_by": self.inviter,
            "created_at": ctx.now,
            "sent_at": None if policy else ctx.now,
            "expires_at": ctx.now + timedelta(days=days),
            "resent_count": 0,
        }
        self.next_id += 1
        self.new_rows.append(row)
        invitation = NewInvitation(**row)
        self.open[email] = invitation  # later rows of this run see it as open
        self.entries.append(
            Entry(
                Action.TEAM_INVITE,
                target(invitation),
                self.account.id,
                {"email": (None, email), "role": (None, role), "status": (None, status)},
            )
        )
        if policy:
            self.approval_rows.append(
                {
                    "account_id": self.account.id,
                    "kind": ApprovalKind.INVITATION,
                    "subject_id": invitation.id,
                    "policy_id": policy.id,
                    "requested_by_id": ctx.actor.member_id,
                    "requested_by": self.inviter,
                    "status": ApprovalStatus.PENDING,
                    "created_at": ctx.now,
                    "expires_at": ctx.now + timedelta(days=APPROVAL_DAYS),
                }
            )
        return InviteResult(email, role, status if policy else "invited", invitation)

    def write(self) -> None:
        session = self.ctx.session
        session.flush()  # superseded rows close first: one open invitation per email
        connection = session.connection()
        insert_rows(connection, table_of(Invitation), self.new_rows)
        for existing, new_id in self.superseded:
            existing.superseded_by_id = new_id  # now that the new row exists
            session.add(existing)
        insert_rows(connection, table_of(ApprovalRequest), self.approval_rows)
        self.ctx.record_many(self.entries)


def invite_many(ctx: Context, requests: Sequence[InviteRequest]) -> list[InviteResult]:
    """Invite each request; a refused row is reported (``failed``), never raised."""
    ctx.require(Action.TEAM_INVITE)
    lookups.require_pro(ctx.the_account, "invite members")
    emails: list[str | FpctlError] = []
    for request in requests:
        try:
            emails.append(normalize_email(request.email))
        except InvalidInput as error:
            error.code = "invalid_email"
            emails.append(error)
    batch = _Batch(ctx, sorted({e for e in emails if isinstance(e, str)}))
    results = []
    for request, email in zip(requests, emails, strict=True):
        try:
            if isinstance(email, FpctlError):
                raise email
            results.append(batch.invite(email, _checked_role(ctx, request.role)))
        except FpctlError as error:
            shown = email if isinstance(email, str) else request.email
            results.append(InviteResult(shown, request.role, "failed", error=error))
    batch.write()
    return results


def invite(ctx: Context, email: str, role: str = Role.MEMBER) -> InviteResult:
    """Invite one address; a refusal is raised (with its own code and exit status)."""
    [result] = invite_many(ctx, [InviteRequest(email, role)])
    if result.error is not None:
        raise result.error
    return result


def authorize_invite(ctx: Context, role: str) -> Role:
    """The role an invitation would give, once the actor may invite with it (``team invite
    --role``; ``auth can-i team.invite ROLE``)."""
    ctx.require(Action.TEAM_INVITE)
    return _checked_role(ctx, role)
