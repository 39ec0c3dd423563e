"""Inviting (SPEC §1.3): one address or a hundred thousand, set-based: every row checked
(email, role, ownership, open invitations, the approval policy), written in bulk with its
audit records; a row refused alone is reported, never raised. The life of an invitation
after it is made is in ``invitations``."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, func, text
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
from fpctl.services import lookups, notifications
from fpctl.services.audit import Entry
from fpctl.services.context import Context, new_token
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
from fpctl.store.bulk import driver_sql, insert_rows, insert_values, instant_param
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

#: The invitation columns ``_Batch._create`` prepares each new row's values in.
_COLUMNS = (
    "id",
    "account_id",
    "email",
    "role",
    "status",
    "token",
    "invited_by_id",
    "invited_by",
    "created_at",
    "sent_at",
    "expires_at",
    "resent_count",
)

#: Tokens drawn at once: one call to the system's random source per this many invitations.
_TOKENS_AT_ONCE = 4096


@dataclass(slots=True)
class InviteRequest:
    email: str  # as given
    role: str = Role.MEMBER


@dataclass(slots=True)
class InviteResult:
    email: str
    role: str
    result: str  # invited | awaiting_approval | unchanged | failed
    invitation: Invitation | NewInvitation | None = None
    error: FpctlError | None = None


def new_tokens(count: int) -> list[str]:
    """``count`` tokens as ``context.new_token`` draws them (24 random bytes, URL-safe
    base64: 32 characters, never starting with "-"), from one read of the system's random
    source: 24 bytes is a whole number of base64 groups, so the text of all the bytes is
    the tokens one after another."""
    text = base64.urlsafe_b64encode(secrets.token_bytes(24 * count)).decode("ascii")
    drawn = (text[start : start + 32] for start in range(0, 32 * count, 32))
    return [new_token() if token[0] == "-" else token for token in drawn]  # drawn again


class _Tokens:
    """Tokens for a run's new invitations: the context's own ``make_token`` (a demo's
    seeded one, a test's), or the system's drawn a block at a time."""

    def __init__(self, make_token: Callable[[], str], expected: int) -> None:
        self._make = None if make_token is new_token else make_token
        self._block = max(1, min(expected, _TOKENS_AT_ONCE))
        self._ready: list[str] = []

    def take(self) -> str:
        if self._make is not None:
            return self._make()
        if not self._ready:
            self._ready = new_tokens(self._block)
            self._ready.reverse()  # pop() from the end hands them out in drawn order
        return self._ready.pop()


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _found(connection: Connection, sql: str, emails: Sequence[str], *first: Any) -> list[str]:
    """Which of ``emails`` the query ``sql`` (its emails last, as ``IN ({})``) finds: one
    plain query per chunk, no ORM object for the many emails a fresh import finds nothing for."""
    found: list[str] = []
    for chunk in _chunks(emails):
        query = driver_sql(connection, sql.format(", ".join("?" * len(chunk))))
        found += [row[0] for row in connection.exec_driver_sql(query, (*first, *chunk))]
    return found


def _holders(session: Session, emails: Sequence[str]) -> dict[str, Member]:
    sql = f"SELECT email FROM member WHERE {HELD_EMAIL} AND email IN ({{}})"  # the partial index
    held = _found(session.connection(), sql, emails)
    found: dict[str, Member] = {}
    for chunk in _chunks(held):
        query = select(Member).where(col(Member.email).in_(chunk)).where(text(HELD_EMAIL))
        found.update((m.email, m) for m in session.exec(query))
    return found


def _open_invitations(
    session: Session, account_id: int, emails: Sequence[str]
) -> dict[str, Invitation]:
    sql = (
        f"SELECT email FROM invitation WHERE {OPEN_INVITATION} "  # the partial index's condition
        "AND account_id = ? AND email IN ({})"
    )
    opened = _found(session.connection(), sql, emails, account_id)
    found: dict[str, Invitation] = {}
    for chunk in _chunks(opened):
        query = (
            select(Invitation)
            .where(Invitation.account_id == account_id)
            .where(col(Invitation.email).in_(chunk))
            .where(text(OPEN_INVITATION))
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

    def __init__(self, ctx: Context, emails: list[str], expected: int) -> None:
        self.ctx = ctx
        self.account: Account = ctx.the_account
        self.holders = _holders(ctx.session, emails)
        self.open: dict[str, Invitation | NewInvitation] = dict(
            _open_invitations(ctx.session, id_of(self.account), emails)
        )
        self.next_id = (ctx.session.exec(select(func.max(Invitation.id))).one() or 0) + 1
        self.new_values: list[tuple[Any, ...]] = []  # in _COLUMNS order, for insert_values
        self.approval_rows: list[dict[str, Any]] = []
        self.entries: list[Entry] = []
        self.superseded: list[tuple[Invitation, int]] = []
        self.inviter = ctx.actor.label
        self.policy = policies.invite_approval_for(ctx, ctx.actor)
        self.tokens = _Tokens(ctx.make_token, expected)
        self.roles: dict[str, Role] = {}  # each role as given, once checked
        # What every new row shares: as the row holds it, and the tail of its values as the
        # driver takes them.
        self.account_id = id_of(self.account)
        self.invited_by_id = ctx.actor.member_id
        self.status = (
            InvitationStatus.AWAITING_APPROVAL if self.policy else InvitationStatus.PENDING
        )
        self.result = "awaiting_approval" if self.policy else "invited"
        self.expires_at = ctx.now + timedelta(days=APPROVAL_DAYS if self.policy else PENDING_DAYS)
        self.sent_at = None if self.policy else ctx.now
        created = instant_param(ctx.session.connection(), ctx.now)
        expires = instant_param(ctx.session.connection(), self.expires_at)
        # created_at, sent_at, expires_at, resent_count
        self.tail = (created, None if self.policy else created, expires, 0)

    def role(self, given: str) -> Role:
        """``given`` checked (a refusal is raised each time; an allowed role is kept)."""
        role = self.roles.get(given)
        if role is None:
            role = self.roles[given] = _checked_role(self.ctx, given)
        return role

    def invite(self, email: str, role: Role) -> InviteResult:
        holder = self.holders.get(email)
        if holder is not None:
            raise holder_refusal(email, holder, self.account_id)
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
        ctx, number, status, account_id = self.ctx, self.next_id, self.status, self.account_id
        self.next_id = number + 1
        token = self.tokens.take()
        row = (number, account_id, email, role, status, token, self.invited_by_id, self.inviter)
        self.new_values.append((*row, *self.tail))
        invitation = NewInvitation(*row, ctx.now, self.sent_at, self.expires_at)
        self.open[email] = invitation  # later rows of this run see it as open
        self.entries.append(
            Entry(
                Action.TEAM_INVITE,
                f"invitation:{number} {email}",  # target(invitation)
                account_id,
                {"email": (None, email), "role": (None, role), "status": (None, status)},
            )
        )
        if self.policy:
            self.approval_rows.append(
                {
                    "account_id": account_id,
                    "kind": ApprovalKind.INVITATION,
                    "subject_id": number,
                    "policy_id": self.policy.id,
                    "requested_by_id": self.invited_by_id,
                    "requested_by": self.inviter,
                    "status": ApprovalStatus.PENDING,
                    "created_at": ctx.now,
                    "expires_at": ctx.now + timedelta(days=APPROVAL_DAYS),
                }
            )
        return InviteResult(email, role, self.result, invitation)

    def write(self) -> None:
        session = self.ctx.session
        session.flush()  # superseded rows close first: one open invitation per email
        connection = session.connection()
        insert_values(connection, table_of(Invitation), _COLUMNS, self.new_values)
        for existing, new_id in self.superseded:
            existing.superseded_by_id = new_id  # now that the new row exists
            session.add(existing)
        insert_rows(connection, table_of(ApprovalRequest), self.approval_rows)
        self.ctx.record_many(self.entries)
        if self.policy:  # every new row awaits approval: the admin is asked
            notifications.invitations_to_approve(
                self.ctx, [(v[0], v[2], v[3]) for v in self.new_values]
            )


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
    batch = _Batch(ctx, sorted({e for e in emails if isinstance(e, str)}), len(requests))
    results = []
    for request, email in zip(requests, emails, strict=True):
        try:
            if isinstance(email, FpctlError):
                raise email
            results.append(batch.invite(email, batch.role(request.role)))
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
