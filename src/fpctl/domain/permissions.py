"""The permission table of SPEC §2 as data: the services and ``auth can-i`` both read it.

Actions are audit action names. Each rule says which kinds of actor may perform the action
and for which of them it is limited to their own objects (their own invitation, the
freelancer's own order); the services check ownership, this table checks the role.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fpctl.domain.actors import Actor
from fpctl.domain.enums import ActorKind, MemberStatus, Role
from fpctl.errors import InvalidInput, PermissionDenied


class Who(StrEnum):
    ADMIN = "admin"
    BILLING_MANAGER = "billing_manager"
    MEMBER = "member"
    FREELANCER = "freelancer"
    SUPPORT = "support"


_PLURAL = {
    Who.ADMIN: "the admin",
    Who.BILLING_MANAGER: "billing managers",
    Who.MEMBER: "members",
    Who.FREELANCER: "the order's freelancer",
    Who.SUPPORT: "support",
}


@dataclass(frozen=True)
class Rule:
    does: str  # completes "X cannot …"
    allowed: frozenset[Who]
    own_only: frozenset[Who] = frozenset()
    note: str = ""  # a condition the services check beyond the role (e.g. a policy)

    def who_can(self) -> str:
        """``only the admin and support can``: the end of a refusal sentence."""
        names = [_PLURAL[w] for w in Who if w in self.allowed]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"only {who} can"

    def explain(self) -> str:
        return f"{self.who_can()} {self.does}"


def _rule(does: str, *who: Who, own: tuple[Who, ...] = (), note: str = "") -> Rule:
    return Rule(does=does, allowed=frozenset(who), own_only=frozenset(own), note=note)


A, B, M, F, S = Who.ADMIN, Who.BILLING_MANAGER, Who.MEMBER, Who.FREELANCER, Who.SUPPORT
_BUYERS = (A, B, M, S)
_BILLING = (A, B, S)
_SELLER = (F,)
_INVITE_NOTE = "invitations by members and billing managers may need approval (invite-approval)"
_ORDER_NOTE = "orders may need approval or be limited (order-approval, purchase-limit)"

PERMISSIONS: dict[str, Rule] = {
    "account.create": _rule("create accounts", S),
    "account.update": _rule("change the account's details", A, S),
    "team.invite": _rule("invite people", *_BUYERS, note=_INVITE_NOTE),
    "team.invite_billing_manager": _rule("invite a billing manager", A, S),
    "team.withdraw": _rule("withdraw invitations", A, B, M, S, own=(B, M)),
    "team.resend": _rule("resend invitations", A, B, M, S, own=(B, M)),
    "role.set": _rule("set roles", A, S),
    "team.deactivate": _rule("deactivate members", A, S),
    "team.reactivate": _rule("reactivate members", A, S),
    "team.remove": _rule("remove members", A, S),
    "team.leave": _rule("leave the account", B, M, own=(B, M)),
    "policy.add": _rule("add policies", A, S),
    "policy.remove": _rule("remove policies", A, S),
    "approval.approve": _rule("approve requests", A, S),
    "approval.reject": _rule("reject requests", A, S),
    "admin.appoint": _rule("appoint an admin when the account has none", S),
    "order.place": _rule("place orders", *_BUYERS, note=_ORDER_NOTE),
    "order.requirements": _rule("submit requirements", *_BUYERS),
    "order.accept": _rule("accept deliveries", *_BUYERS),
    "order.revision": _rule("ask for revisions", *_BUYERS),
    "order.cancel": _rule("cancel orders", *_BUYERS),
    "order.share": _rule("share orders", *_BUYERS),
    "order.note": _rule("write notes", *_BUYERS),
    "order.comment": _rule("comment on orders", *_BUYERS),
    "order.review": _rule("review orders", *_BUYERS),
    "order.milestone_accept": _rule("accept milestones", *_BUYERS),
    "order.cancel_request": _rule("request a cancellation", *_BUYERS, F, own=_SELLER),
    "order.cancel_accept": _rule("accept a cancellation", *_BUYERS, F, own=_SELLER),
    "order.cancel_decline": _rule("decline a cancellation", *_BUYERS, F, own=_SELLER),
    "order.cancel_withdraw": _rule("withdraw a cancellation request", *_BUYERS, F, own=_SELLER),
    "order.deliver": _rule("deliver orders", F, own=_SELLER),
    "order.skip_requirements": _rule("skip requirements", F, own=_SELLER),
    "order.hours_log": _rule("log hours", F, own=_SELLER),
    "order.hours_limit": _rule("change the weekly hour limit", *_BUYERS),
    "order.refund": _rule("refund under the satisfaction guarantee", S),
    "project.create": _rule("create projects", *_BUYERS),
    "project.add_member": _rule("add project collaborators", *_BUYERS),
    "project.share": _rule("share projects", *_BUYERS),
    "network.save": _rule("save freelancers", *_BUYERS),
    "network.list_create": _rule("create lists", *_BUYERS),
    "network.list_add": _rule("add to lists", *_BUYERS),
    "network.list_share": _rule("share lists", *_BUYERS),
    "billing.info_set": _rule("set billing information", *_BILLING),
    "billing.payment_method": _rule("manage payment methods", *_BILLING),
    "billing.deposit": _rule("deposit funds", *_BILLING),
    "billing.invoices": _rule("see invoices", *_BILLING),
    "subscription.subscribe": _rule("subscribe to Advanced", *_BILLING),
    "subscription.cancel": _rule("cancel the Advanced plan", *_BILLING),
    "subscription.switch": _rule("switch the account's marketplace", A, S),
    "rewards.redeem_credits": _rule("redeem points for credits", *_BUYERS),
    "rewards.redeem_gift_card": _rule("redeem points for gift cards", *_BILLING),
    "rewards.redeem_donation": _rule("redeem points for donations", *_BILLING),
    "freelancer.add": _rule("add freelancers to the catalogue", S),
    "freelancer.service_add": _rule("add freelancer services", S),
}

_ROLE_TO_WHO = {Role.ADMIN: A, Role.BILLING_MANAGER: B, Role.MEMBER: M}


def who_of(actor: Actor) -> Who | None:
    if actor.kind is ActorKind.SUPPORT:
        return S
    if actor.kind is ActorKind.FREELANCER:
        return F
    if actor.kind is ActorKind.MEMBER and actor.role is not None:
        return _ROLE_TO_WHO[actor.role]
    return None


def rule_for(action: str) -> Rule:
    try:
        return PERMISSIONS[action]
    except KeyError:
        raise InvalidInput(
            f"{action!r} is not an action",
            hint="`fpctl auth can-i --help` lists them, e.g. team.invite or role.set",
        ) from None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    own_only: bool = False
    denied_by_role: bool = False


def decide(actor: Actor, action: str) -> Decision:
    """Whether ``actor``'s kind and status allow ``action``, and the rule that decides."""
    rule = rule_for(action)
    if actor.kind is ActorKind.NOBODY:
        return Decision(False, f"no actor: {rule.explain()}")
    if actor.kind is ActorKind.SYSTEM:
        return Decision(True, "the system settles what is due")
    if actor.status is not None and actor.status is not MemberStatus.ACTIVE:
        return Decision(False, f"{actor.label} is {actor.status.value} and can do nothing")
    who = who_of(actor)
    if who not in rule.allowed:
        return Decision(False, rule.explain(), denied_by_role=True)
    if who in rule.own_only:
        return Decision(True, f"{_PLURAL[who]} may {rule.does}: their own only", own_only=True)
    detail = f"; {rule.note}" if rule.note and who in (B, M) else ""
    return Decision(True, f"{_PLURAL[who]} may {rule.does}{detail}")


def require(actor: Actor, action: str) -> Decision:
    """Raise PermissionDenied with a sentence that reads well, or return the decision."""
    decision = decide(actor, action)
    if not decision.allowed:
        rule = rule_for(action)
        why = rule.who_can() if decision.denied_by_role else decision.reason
        denied = PermissionDenied(f"{actor.label} cannot {rule.does}: {why}")
        denied.rule = decision.reason  # what `auth can-i` shows as the deciding rule
        raise denied
    return decision
