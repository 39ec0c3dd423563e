"""Invitations (SPEC §1.3): invite one or many, accept, withdraw, resend, supersede, expire.

``invite_many`` is the one code path for a single email and for 10,000 rows from a file:
the rules are checked in sets (one query for the emails already held, one for the open
invitations) and rows are inserted with executemany, so cost stays linear and small.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from fpctl.domain.emails import normalize_email
from fpctl.domain.enums import (
    OPEN_INVITATION_STATUSES,
    ApprovalKind,
    ApprovalStatus,
    InvitationStatus,
    Role,
)
from fpctl.domain.permissions import Action, decide
from fpctl.errors import (
    FpctlError,
    InvalidInput,
    InvitationInvalid,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from fpctl.services import approval_requests, lookups
from fpctl.services.actors import member_actor
from fpctl.services.audit import Entry
from fpctl.services.context import Context
from fpctl.services.team import policies
from fpctl.services.team.members import add_member, ensure_email_free, holder_refusal
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

PENDING_DAYS = 30
APPROVAL_DAYS = 7
_CHUNK = 500


@dataclass
class InviteRequest:
    email: str  # as given
    role: str = Role.MEMBER


@dataclass(slots=True)
class NewInvitation:
    """An invitation this run inserts: the row's fields, without the cost of an ORM object
    per row (a bulk run of 10,000 spent most of its time building those)."""

    id: int
    account_id: int
    email: str
    role: str
    status: str
    token: str
    invited_by_id: int | None
    invited_by: str
    created_at: datetime
    sent_at: datetime | None
    expires_at: datetime
    resent_count: int = 0


@dataclass
class InviteResult:
    email: str
    role: str
    result: str  # invited | awaiting_approval | unchanged | failed
    invitation: Invitation | NewInvitation | None = None
    error: FpctlError | None = None


def target(invitation: Invitation | NewInvitation) -> str:
    return f"invitation:{invitation.id} {invitation.email}"


# -- inviting -----------------------------------------------------------------------------


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


def can_manage(ctx: Context, invitation: Invitation | NewInvitation, action: Action) -> bool:
    """Withdraw/resend: the admin and support any invitation; others their own."""
    decision = decide(ctx.actor, action)
    if not decision.allowed:
        return False
    return not decision.own_only or invitation.invited_by_id == ctx.actor.member_id


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


# -- acting on one invitation --------------------------------------------------------------


def find(ctx: Context, ref: str) -> Invitation:
    """An invitation of this account by id, or the open (else latest) one for an email."""
    account = ctx.the_account
    query = select(Invitation).where(Invitation.account_id == account.id)
    if ref.strip().isdigit():
        invitation = ctx.session.exec(query.where(Invitation.id == int(ref))).first()
    else:
        address = normalize_email(ref)
        candidates = ctx.session.exec(
            query.where(Invitation.email == address).order_by(col(Invitation.id).desc())
        ).all()
        open_ones = [i for i in candidates if i.status in OPEN_INVITATION_STATUSES]
        invitation = next(iter(open_ones or candidates), None)
    if invitation is None:
        raise NotFound(
            f"no invitation {ref!r} in this account", hint="`fpctl team invitations` lists them"
        )
    return invitation


def authorize(ctx: Context, action: Action, ref: str) -> Invitation:
    """The invitation ``action`` (withdraw, resend) acts on, once the actor may: the role,
    then the invitation found in the account, then its inviter or the admin. ``auth can-i``
    asks this."""
    ctx.require(action)
    invitation = find(ctx, ref)
    require_manage(ctx, invitation, action, action.split(".")[1])
    return invitation


def authorize_invite(ctx: Context, role: str) -> Role:
    """The role an invitation would give, once the actor may invite with it (``team invite
    --role``; ``auth can-i team.invite ROLE``)."""
    ctx.require(Action.TEAM_INVITE)
    return _checked_role(ctx, role)


def require_manage(ctx: Context, invitation: Invitation, action: Action, verb: str) -> None:
    ctx.require(action)
    if not can_manage(ctx, invitation, action):
        raise PermissionDenied(
            f"{ctx.actor.label} cannot {verb} invitation {invitation.id}: only its inviter "
            f"({invitation.invited_by}) or the admin can"
        )


def close_approval(
    session: Session, invitation: Invitation, status: ApprovalStatus, now: datetime
) -> Entry | None:
    """Close the pending request holding ``invitation`` back; the audit entry for it."""
    return approval_requests.close_pending(
        session, kind=ApprovalKind.INVITATION, subject_id=invitation.id, status=status, now=now
    )


def withdraw(ctx: Context, ref: str) -> tuple[Invitation, bool]:
    invitation = authorize(ctx, Action.TEAM_WITHDRAW, ref)
    if invitation.status == InvitationStatus.WITHDRAWN:
        return invitation, False
    if invitation.status not in OPEN_INVITATION_STATUSES:
        raise InvitationInvalid(
            f"invitation {invitation.id} is {invitation.status} and can no longer be withdrawn"
        )
    before = invitation.status
    entries = [
        Entry(
            Action.TEAM_WITHDRAW,
            target(invitation),
            invitation.account_id,
            {"status": (before, InvitationStatus.WITHDRAWN)},
        )
    ]
    if before == InvitationStatus.AWAITING_APPROVAL:
        closed = close_approval(ctx.session, invitation, ApprovalStatus.WITHDRAWN, ctx.now)
        entries += [closed] if closed else []
    invitation.status = InvitationStatus.WITHDRAWN
    invitation.closed_at = ctx.now
    ctx.session.add(invitation)
    ctx.record_many(entries)
    return invitation, True


def resend(ctx: Context, ref: str) -> Invitation:
    """Send the same invitation again; its 30-day expiry starts over."""
    invitation = authorize(ctx, Action.TEAM_RESEND, ref)
    if invitation.status == InvitationStatus.AWAITING_APPROVAL:
        raise RuleViolation(
            f"invitation {invitation.id} has not been sent yet: it awaits the admin's approval",
            code="awaiting_approval",
        )
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationInvalid(
            f"invitation {invitation.id} is {invitation.status}: invite the address again instead"
        )
    before = invitation.expires_at
    invitation.sent_at = ctx.now
    invitation.expires_at = ctx.now + timedelta(days=PENDING_DAYS)
    invitation.resent_count += 1
    ctx.session.add(invitation)
    ctx.record(
        action=Action.TEAM_RESEND,
        target=target(invitation),
        account_id=invitation.account_id,
        changes={"expires_at": (before, invitation.expires_at)},
    )
    return invitation


def send_approved(ctx: Context, invitation: Invitation) -> None:
    """The admin approved it: the invitation is sent now, with a full 30 days."""
    invitation.status = InvitationStatus.PENDING
    invitation.sent_at = ctx.now
    invitation.expires_at = ctx.now + timedelta(days=PENDING_DAYS)
    ctx.session.add(invitation)


def accept(ctx: Context, token: str, name: str) -> tuple[Member, Invitation]:
    """The invitee joins: a new active member with the invited role (no actor needed)."""
    from fpctl.domain.text import require_text

    name = require_text(name, "the name")
    invitation = ctx.session.exec(
        select(Invitation).where(Invitation.token == token.strip())
    ).first()
    if invitation is None:
        raise NotFound("no invitation with this token", hint="check the link or ask for a new one")
    if invitation.status == InvitationStatus.AWAITING_APPROVAL:
        raise InvitationInvalid("this invitation is waiting for the admin's approval")
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationInvalid(
            f"this invitation is no longer valid (it was {invitation.status})",
            hint="ask the account's admin for a new invitation",
        )
    account = ctx.session.get(Account, invitation.account_id)
    assert account is not None
    ensure_email_free(ctx, invitation.email, account)
    member = add_member(ctx, account, email=invitation.email, name=name, role=Role(invitation.role))
    invitation.status = InvitationStatus.ACCEPTED
    invitation.closed_at = ctx.now
    invitation.member_id = member.id
    ctx.session.add(invitation)
    ctx.account = account
    ctx.as_actor(member_actor(member)).record(
        action="team.accept",
        target=target(invitation),
        account_id=account.id,
        changes={
            "status": (InvitationStatus.PENDING, InvitationStatus.ACCEPTED),
            "member": (None, member.id),
        },
    )
    return member, invitation


def list_invitations(ctx: Context, *, status: str | None = None) -> list[Invitation]:
    ctx.require(Action.TEAM_READ)
    query = select(Invitation).where(Invitation.account_id == ctx.the_account.id)
    if status:
        query = query.where(Invitation.status == InvitationStatus(status))
    return list(ctx.session.exec(query.order_by(col(Invitation.id))).all())


def token_visible(ctx: Context, invitation: Invitation | NewInvitation) -> bool:
    """Tokens are shown to whoever could send the link: the inviter, the admin, support."""
    actor = ctx.actor
    return actor.sees_everything or actor.is_admin or invitation.invited_by_id == actor.member_id


# -- settling -----------------------------------------------------------------------------


#: Is any open invitation past its expiry? (settle.py asks before taking the write lock.)
DUE_SQL = (
    "SELECT 1 FROM invitation WHERE status IN ('awaiting_approval', 'pending') "
    "AND expires_at <= ? LIMIT 1"
)


def expire_due(ctx: Context) -> int:
    """Open invitations past their expiry become ``expired`` (30 days pending, 7 awaiting)."""
    session, now = ctx.session, ctx.now
    due = session.exec(
        select(Invitation)
        .where(col(Invitation.status).in_(OPEN_INVITATION_STATUSES))
        .where(Invitation.expires_at <= now)
    ).all()
    entries = []
    for invitation in due:
        entries.append(
            Entry(
                "invitation.expire",
                target(invitation),
                invitation.account_id,
                {"status": (invitation.status, InvitationStatus.EXPIRED)},
            )
        )
        if invitation.status == InvitationStatus.AWAITING_APPROVAL:
            closed = close_approval(session, invitation, ApprovalStatus.EXPIRED, now)
            entries += [closed] if closed else []
        invitation.status = InvitationStatus.EXPIRED
        invitation.closed_at = now
        session.add(invitation)
    ctx.record_many(entries)
    return len(due)
