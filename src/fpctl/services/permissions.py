"""Who may do what, to what: one answer for every command and for ``auth can-i``.

The permission table (``domain.permissions``, SPEC §2) decides by role and status. An action
on a particular object goes further, through the ``authorize`` function of the object's
subject, which every command that acts on such an object calls first: the object is found
as the command finds it (one the actor may not see, or of another account, is not found) and
its ownership is checked as the command checks it. ``can`` runs that same function, so
``auth can-i ACTION TARGET`` and the command cannot disagree
(``tests/services/test_can.py`` holds them side by side for every action and kind of actor).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fpctl.domain.ids import as_id
from fpctl.domain.permissions import Action, rule_for
from fpctl.errors import FpctlError, InvalidInput, NotFound
from fpctl.services import approvals
from fpctl.services.context import Context
from fpctl.services.conversations import threads
from fpctl.services.money import payment_methods
from fpctl.services.network import lists
from fpctl.services.orders import offers, visibility
from fpctl.services.team import invitations, inviting, members, policies, projects

Resolver = Callable[[Context, Action, str], object]


def _id(target: str) -> int:
    number = as_id(target.strip().removeprefix("#"))
    if number is None:
        raise InvalidInput(
            f"{target!r} is not an id", hint="ids are whole numbers, e.g. 12", code="invalid_id"
        )
    return number


def _by_id(authorize: Callable[[Context, Action, int], object]) -> Resolver:
    return lambda ctx, action, target: authorize(ctx, action, _id(target))


_ORDER_ACTIONS = [action for action in Action if action.startswith("order.")]

#: The actions that act on one object, and how each finds and checks it (TARGET).
TARGETS: dict[Action, Resolver] = {
    **{action: _by_id(visibility.authorize) for action in _ORDER_ACTIONS},
    Action.TEAM_INVITE: lambda ctx, _action, role: inviting.authorize_invite(ctx, role),
    Action.TEAM_WITHDRAW: invitations.authorize,
    Action.TEAM_RESEND: invitations.authorize,
    Action.ROLE_SET: members.authorize,
    Action.ADMIN_APPOINT: members.authorize,
    Action.TEAM_DEACTIVATE: members.authorize,
    Action.TEAM_REACTIVATE: members.authorize,
    Action.TEAM_REMOVE: members.authorize,
    Action.POLICY_REMOVE: _by_id(policies.authorize),
    Action.APPROVAL_APPROVE: _by_id(approvals.authorize),
    Action.APPROVAL_REJECT: _by_id(approvals.authorize),
    Action.PROJECT_ADD_MEMBER: _by_id(projects.authorize),
    Action.PROJECT_SHARE: _by_id(projects.authorize),
    Action.PROJECT_REMOVE_MEMBER: _by_id(projects.authorize),
    Action.PROJECT_RENAME: _by_id(projects.authorize),
    Action.PROJECT_ARCHIVE: _by_id(projects.authorize),
    Action.PROJECT_UNARCHIVE: _by_id(projects.authorize),
    Action.NETWORK_LIST_ADD: _by_id(lists.authorize),
    Action.NETWORK_LIST_SHARE: _by_id(lists.authorize),
    Action.BILLING_PAYMENT_METHOD: _by_id(payment_methods.authorize),
    Action.MESSAGE_SEND: threads.authorize,
    Action.OFFER_ACCEPT: _by_id(offers.authorize),
    Action.OFFER_DECLINE: _by_id(offers.authorize),
    Action.OFFER_WITHDRAW: _by_id(offers.authorize),
}
# Placing an order names no order yet: its target would be the freelancer, not an order.
del TARGETS[Action.ORDER_PLACE]


@dataclass(frozen=True)
class Answer:
    action: Action
    actor: str
    target: str | None
    allowed: bool
    reason: str


def can(ctx: Context, action: Action | str, target: str | None = None) -> Answer:
    """Whether ctx's actor may do ``action`` (to ``target``), and the rule that decides.

    A denial is an answer; a target that is not there for the actor raises ``NotFound``, as
    the command would; a target for an action that takes none is a usage error."""
    rule_for(action)  # a name that is no action is a usage error
    wanted = Action(action)
    resolve = TARGETS.get(wanted)
    if target is not None and resolve is None:
        raise InvalidInput(
            f"{wanted} acts on no particular object: ask without a TARGET",
            hint=f"fpctl auth can-i {wanted}",
        )
    try:
        decision = ctx.require(wanted)
        if target is not None and resolve is not None:
            resolve(ctx, wanted, target)
    except NotFound:
        raise
    except FpctlError as refusal:
        if refusal.code == "invalid_id":
            raise
        reason = getattr(refusal, "rule", None) or refusal.message
        return Answer(wanted, ctx.actor.label, target, False, reason)
    return Answer(wanted, ctx.actor.label, target, True, decision.reason)
