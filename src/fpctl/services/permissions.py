"""``auth can-i``: the same checks the services run, answered instead of raised."""

from __future__ import annotations

from typing import Any

from fpctl.domain.enums import Role
from fpctl.domain.permissions import rule_for
from fpctl.errors import FpctlError, NotFound
from fpctl.services.context import Context
from fpctl.services.lookups import find_member
from fpctl.services.team import invitations


def _check_target(ctx: Context, action: str, target: str) -> None:
    """Object-level checks that a target adds to the role check."""
    if action == "team.invite" and target.strip().casefold() == Role.BILLING_MANAGER:
        ctx.require("team.invite_billing_manager")
    elif action in ("team.withdraw", "team.resend"):
        invitation = invitations.find(ctx, target)
        invitations.require_manage(ctx, invitation, action, action.split(".")[1])
    elif action in ("role.set", "team.deactivate", "team.reactivate", "team.remove"):
        find_member(ctx, target)


def can_i(ctx: Context, action: str, target: str | None = None) -> dict[str, Any]:
    rule_for(action)  # an unknown action is a usage error
    answer: dict[str, Any] = {"action": action, "actor": ctx.actor.label, "target": target}
    try:
        decision = ctx.require(action)
        if target:
            _check_target(ctx, action, target)
    except NotFound:
        raise
    except FpctlError as refusal:
        reason = getattr(refusal, "rule", None) or refusal.message
        return answer | {"allowed": False, "reason": reason}
    return answer | {"allowed": True, "reason": decision.reason}
