"""What every use case receives: the session, who acts, the clock, and the account."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from fpctl.domain.actors import Actor
from fpctl.domain.permissions import Decision, require
from fpctl.errors import InvalidInput, NotFound, PermissionDenied
from fpctl.store.tables import Account


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

    def require(self, action: str) -> Decision:
        """Check that the actor may make this change (SPEC §2, §3.2)."""
        if self.actor.is_nobody:
            raise InvalidInput(
                "this command changes the store, so it needs an actor",
                hint="pass --as EMAIL (a member), --as @USERNAME (a freelancer) "
                "or --as support --reason TEXT; or set FPCTL_AS",
            )
        if self.actor.is_support and not self.actor.reason:
            raise PermissionDenied(
                "support must give a reason for every change",
                hint="add --reason TEXT (or set FPCTL_REASON)",
                code="reason_required",
            )
        return require(self.actor, action)

    def check_same_account(self, account_id: int, what: str) -> None:
        """Objects of another account answer as missing, so their ids cannot be probed."""
        if self.account is not None and account_id != self.account.id:
            raise NotFound(f"no {what}")
