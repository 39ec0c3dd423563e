"""What every use case receives: the session, who acts, the clock, and the account."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from fpctl.domain.actors import SYSTEM, Actor
from fpctl.domain.permissions import Action, Decision, require, rule_for
from fpctl.domain.text import LONG_TEXT, has_visible_text, within
from fpctl.errors import InvalidInput, PermissionDenied
from fpctl.services.operator import agent_name

if TYPE_CHECKING:  # a read never writes the audit trail: services.audit is imported to write
    from sqlmodel import Session

    from fpctl.services.audit import Changes, Entry
    from fpctl.store.tables import Account

#: Support's reasons are sentences for the audit trail, not documents.
MAX_REASON = 500


def new_token() -> str:
    """An unguessable invitation token. It is typed on command lines (`team accept TOKEN`),
    where one starting with "-" would be read as an option: draw again (1 in 64)."""
    token = secrets.token_urlsafe(24)
    while token.startswith("-"):
        token = secrets.token_urlsafe(24)
    return token


@dataclass
class Context:
    session: Session
    actor: Actor
    now: datetime
    account: Account | None = None
    make_token: Callable[[], str] = field(default=new_token)

    @property
    def the_account(self) -> Account:
        """The account the command works on; a usage error when none was named."""
        if self.account is None:
            raise InvalidInput(
                "name the account: --account SLUG (or act as one of its members with --as EMAIL)",
                hint="`fpctl account list` shows the slugs",
            )
        return self.account

    def require(self, action: Action) -> Decision:
        """Check that the actor may do ``action`` (SPEC §2, §3.2): any action, read or change.
        A change needs an actor, and support's changes a reason; reads need neither."""
        if rule_for(action).reads:
            return require(self.actor, action)
        if self.actor.is_nobody:
            raise InvalidInput(
                "this command changes the store, so it needs an actor",
                hint="pass --as EMAIL (a member), --as @USERNAME (a freelancer) "
                "or --as support --reason TEXT; or set FPCTL_AS",
            )
        if self.actor.is_support:
            self._check_reason(self.actor.reason or "")
        elif self.actor.reason:  # kept in the audit record like support's, as given
            within(self.actor.reason, "the reason", LONG_TEXT)
        return require(self.actor, action)

    @staticmethod
    def _check_reason(reason: str) -> None:
        """Support's reason is read in the audit trail later: words someone can see."""
        if not has_visible_text(reason):
            raise PermissionDenied(
                "support must give a reason for every change"
                + (": this one has no visible text" if reason else ""),
                hint="add --reason TEXT (or set FPCTL_REASON)",
                code="reason_required",
            )
        within(reason, "the reason", MAX_REASON)

    @classmethod
    def system(cls, session: Session, now: datetime, *, reason: str | None = None) -> Context:
        """The system's unit of work: what settles time rules acts as ``system``, on behalf
        of the operator whose command settled them (``agent``, SPEC §3.2)."""
        return cls(
            session=session, actor=replace(SYSTEM, agent=agent_name(), reason=reason), now=now
        )

    def as_actor(self, actor: Actor) -> Context:
        """The same unit of work with another actor (the new admin records the sign-up),
        still run by the same operator for the same reason."""
        operated = replace(
            actor, agent=actor.agent or self.actor.agent, reason=actor.reason or self.actor.reason
        )
        return replace(self, actor=operated)

    # -- the audit trail: every change records who did it, when, in its transaction ------

    def record(
        self,
        *,
        action: str,
        target: str,
        account_id: int | None,
        changes: Changes | None = None,
    ) -> None:
        """One audit record of a change this actor makes now."""
        from fpctl.services.audit import Entry

        self.record_many([Entry(action, target, account_id, changes or {})])

    def record_many(self, entries: Iterable[Entry]) -> int:
        """Audit records for ``entries``, in order; returns how many were written."""
        from fpctl.services import audit

        return audit.record_many(self.session, self.actor, self.now, entries)

    def record_on_account(self, account: Account, *, action: str, changes: Changes) -> None:
        """A change of the account itself (its plan, money, points, billing details)."""
        self.record(
            action=action,
            target=f"account:{account.slug}",
            account_id=account.id,
            changes=changes,
        )
