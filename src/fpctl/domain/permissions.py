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


class Action(StrEnum):
    # reads
    TEAM_READ = "team.read"
    PROJECT_READ = "project.read"
    NETWORK_READ = "network.read"
    AUDIT_READ = "audit.read"
    INBOX_READ = "inbox.read"
    # changes (and billing.invoices, a read)
    """Everything the permission table decides, by its audit action name. Services name
    actions by member (``Action.TEAM_INVITE``), so a misspelt one fails at import and in mypy."""

    ACCOUNT_CREATE = "account.create"
    ACCOUNT_UPDATE = "account.update"
    TEAM_INVITE = "team.invite"
    TEAM_INVITE_BILLING_MANAGER = "team.invite_billing_manager"
    TEAM_WITHDRAW = "team.withdraw"
    TEAM_RESEND = "team.resend"
    ROLE_SET = "role.set"
    TEAM_DEACTIVATE = "team.deactivate"
    TEAM_REACTIVATE = "team.reactivate"
    TEAM_REMOVE = "team.remove"
    TEAM_LEAVE = "team.leave"
    POLICY_ADD = "policy.add"
    POLICY_REMOVE = "policy.remove"
    APPROVAL_APPROVE = "approval.approve"
    APPROVAL_REJECT = "approval.reject"
    ADMIN_APPOINT = "admin.appoint"
    ORDER_PLACE = "order.place"
    ORDER_REQUIREMENTS = "order.requirements"
    ORDER_ACCEPT = "order.accept"
    ORDER_REVISION = "order.revision"
    ORDER_CANCEL = "order.cancel"
    ORDER_SHARE = "order.share"
    ORDER_NOTE = "order.note"
    ORDER_COMMENT = "order.comment"
    ORDER_REVIEW = "order.review"
    ORDER_MILESTONE_ACCEPT = "order.milestone_accept"
    ORDER_CANCEL_REQUEST = "order.cancel_request"
    ORDER_CANCEL_ACCEPT = "order.cancel_accept"
    ORDER_CANCEL_DECLINE = "order.cancel_decline"
    ORDER_CANCEL_WITHDRAW = "order.cancel_withdraw"
    ORDER_DELIVER = "order.deliver"
    ORDER_SKIP_REQUIREMENTS = "order.skip_requirements"
    ORDER_HOURS_LOG = "order.hours_log"
    ORDER_HOURS_LIMIT = "order.hours_limit"
    ORDER_REFUND = "order.refund"
    OFFER_SEND = "offer.send"
    OFFER_WITHDRAW = "offer.withdraw"
    OFFER_ACCEPT = "offer.accept"
    OFFER_DECLINE = "offer.decline"
    PROJECT_CREATE = "project.create"
    PROJECT_ADD_MEMBER = "project.add_member"
    PROJECT_SHARE = "project.share"
    PROJECT_REMOVE_MEMBER = "project.remove_member"
    PROJECT_RENAME = "project.rename"
    PROJECT_ARCHIVE = "project.archive"
    PROJECT_UNARCHIVE = "project.unarchive"
    NETWORK_SAVE = "network.save"
    NETWORK_LIST_CREATE = "network.list_create"
    NETWORK_LIST_ADD = "network.list_add"
    NETWORK_LIST_SHARE = "network.list_share"
    BILLING_INFO_SET = "billing.info_set"
    BILLING_PAYMENT_METHOD = "billing.payment_method"
    BILLING_DEPOSIT = "billing.deposit"
    BILLING_INVOICES = "billing.invoices"
    SUBSCRIPTION_SUBSCRIBE = "subscription.subscribe"
    SUBSCRIPTION_CANCEL = "subscription.cancel"
    SUBSCRIPTION_SWITCH = "subscription.switch"
    REWARDS_REDEEM_CREDITS = "rewards.redeem_credits"
    REWARDS_REDEEM_GIFT_CARD = "rewards.redeem_gift_card"
    REWARDS_REDEEM_DONATION = "rewards.redeem_donation"
    FREELANCER_ADD = "freelancer.add"
    FREELANCER_SERVICE_ADD = "freelancer.service_add"
    MESSAGE_SEND = "message.send"
    ORDER_DISPUTE = "order.dispute"
    ORDER_DISPUTE_ACCEPT = "order.dispute_accept"
    ORDER_DISPUTE_DECLINE = "order.dispute_decline"
    ORDER_DISPUTE_WITHDRAW = "order.dispute_withdraw"
    ORDER_HOURS_APPROVE = "order.hours_approve"
    ORDER_HOURS_DISPUTE = "order.hours_dispute"
    ORDER_HOURS_CONCEDE = "order.hours_concede"


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
    reads: bool = False  # a read: allowed with no actor (the operator holds the store)

    def who_can(self) -> str:
        """``only the admin and support can``: the end of a refusal sentence."""
        names = [_PLURAL[w] for w in Who if w in self.allowed]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"only {who} can"

    def explain(self) -> str:
        return f"{self.who_can()} {self.does}"

    def who(self) -> list[str]:
        """Who may, as role or actor names (``admin``, ``billing_manager``, …)."""
        return [w.value for w in Who if w in self.allowed]


def _rule(does: str, *who: Who, own: tuple[Who, ...] = (), note: str = "") -> Rule:
    return Rule(does=does, allowed=frozenset(who), own_only=frozenset(own), note=note)


def _read(does: str, *who: Who) -> Rule:
    return Rule(does=does, allowed=frozenset(who), reads=True)


A, B, M, F, S = Who.ADMIN, Who.BILLING_MANAGER, Who.MEMBER, Who.FREELANCER, Who.SUPPORT
_BUYERS = (A, B, M, S)
_BILLING = (A, B, S)
_SELLER = (F,)
_INVITE_NOTE = "invitations by members and billing managers may need approval (invite-approval)"
_ORDER_NOTE = "orders may need approval or be limited (order-approval, purchase-limit)"
_DISPUTE_NOTE = "more time is the freelancer's, a modification the buyer side's"
_OWNERS = (B, M)  # a project's owner; the admin and support manage every project

PERMISSIONS: dict[Action, Rule] = {
    Action.TEAM_READ: _read("see the account's team", *_BUYERS),
    Action.PROJECT_READ: _read("see projects", *_BUYERS),
    Action.NETWORK_READ: _read("see the network", *_BUYERS),
    Action.AUDIT_READ: _read("read the audit trail", A, S),
    # The account's conversations are the whole team's; a freelancer reads their own.
    Action.INBOX_READ: Rule(
        does="read conversations",
        allowed=frozenset((*_BUYERS, F)),
        own_only=frozenset(_SELLER),
        reads=True,
    ),
    Action.ACCOUNT_CREATE: _rule("create accounts", S),
    Action.ACCOUNT_UPDATE: _rule("change the account's details", A, S),
    Action.TEAM_INVITE: _rule("invite people", *_BUYERS, note=_INVITE_NOTE),
    Action.TEAM_INVITE_BILLING_MANAGER: _rule("invite a billing manager", A, S),
    Action.TEAM_WITHDRAW: _rule("withdraw invitations", A, B, M, S, own=(B, M)),
    Action.TEAM_RESEND: _rule("resend invitations", A, B, M, S, own=(B, M)),
    Action.ROLE_SET: _rule("set roles", A, S),
    Action.TEAM_DEACTIVATE: _rule("deactivate members", A, S),
    Action.TEAM_REACTIVATE: _rule("reactivate members", A, S),
    Action.TEAM_REMOVE: _rule("remove members", A, S),
    Action.TEAM_LEAVE: _rule("leave the account", B, M, own=(B, M)),
    Action.POLICY_ADD: _rule("add policies", A, S),
    Action.POLICY_REMOVE: _rule("remove policies", A, S),
    Action.APPROVAL_APPROVE: _rule("approve requests", A, S),
    Action.APPROVAL_REJECT: _rule("reject requests", A, S),
    Action.ADMIN_APPOINT: _rule("appoint an admin when the account has none", S),
    Action.ORDER_PLACE: _rule("place orders", *_BUYERS, note=_ORDER_NOTE),
    Action.ORDER_REQUIREMENTS: _rule("submit requirements", *_BUYERS),
    Action.ORDER_ACCEPT: _rule("accept deliveries", *_BUYERS),
    Action.ORDER_REVISION: _rule("ask for revisions", *_BUYERS),
    Action.ORDER_CANCEL: _rule("cancel orders", *_BUYERS),
    Action.ORDER_SHARE: _rule("share orders", *_BUYERS),
    Action.ORDER_NOTE: _rule("write notes", *_BUYERS),
    Action.ORDER_COMMENT: _rule("comment on orders", *_BUYERS),
    Action.ORDER_REVIEW: _rule("review orders", *_BUYERS),
    Action.ORDER_MILESTONE_ACCEPT: _rule("accept milestones", *_BUYERS),
    Action.ORDER_CANCEL_REQUEST: _rule("request a cancellation", *_BUYERS, F, own=_SELLER),
    Action.ORDER_CANCEL_ACCEPT: _rule("accept a cancellation", *_BUYERS, F, own=_SELLER),
    Action.ORDER_CANCEL_DECLINE: _rule("decline a cancellation", *_BUYERS, F, own=_SELLER),
    Action.ORDER_CANCEL_WITHDRAW: _rule(
        "withdraw a cancellation request", *_BUYERS, F, own=_SELLER
    ),
    Action.ORDER_DELIVER: _rule("deliver orders", F, own=_SELLER),
    Action.ORDER_SKIP_REQUIREMENTS: _rule("skip requirements", F, own=_SELLER),
    Action.ORDER_HOURS_LOG: _rule("log hours", F, own=_SELLER),
    Action.ORDER_HOURS_LIMIT: _rule("change the weekly hour limit", *_BUYERS),
    Action.ORDER_REFUND: _rule("refund under the satisfaction guarantee", S),
    Action.OFFER_SEND: _rule("send custom offers", F),
    Action.OFFER_WITHDRAW: _rule("withdraw custom offers", F, own=_SELLER),
    Action.OFFER_ACCEPT: _rule("accept custom offers", *_BUYERS, note=_ORDER_NOTE),
    Action.OFFER_DECLINE: _rule("decline custom offers", *_BUYERS),
    Action.PROJECT_CREATE: _rule("create projects", *_BUYERS),
    Action.PROJECT_ADD_MEMBER: _rule("add project collaborators", *_BUYERS),
    Action.PROJECT_SHARE: _rule("share projects", *_BUYERS),
    Action.PROJECT_REMOVE_MEMBER: _rule("remove project collaborators", *_BUYERS, own=_OWNERS),
    Action.PROJECT_RENAME: _rule("rename projects", *_BUYERS, own=_OWNERS),
    Action.PROJECT_ARCHIVE: _rule("archive projects", *_BUYERS, own=_OWNERS),
    Action.PROJECT_UNARCHIVE: _rule("unarchive projects", *_BUYERS, own=_OWNERS),
    Action.NETWORK_SAVE: _rule("save freelancers", *_BUYERS),
    Action.NETWORK_LIST_CREATE: _rule("create lists", *_BUYERS),
    Action.NETWORK_LIST_ADD: _rule("add to lists", *_BUYERS),
    Action.NETWORK_LIST_SHARE: _rule("share lists", *_BUYERS),
    Action.BILLING_INFO_SET: _rule("set billing information", *_BILLING),
    Action.BILLING_PAYMENT_METHOD: _rule("manage payment methods", *_BILLING),
    Action.BILLING_DEPOSIT: _rule("deposit funds", *_BILLING),
    Action.BILLING_INVOICES: _read("see billing history", *_BILLING),
    Action.SUBSCRIPTION_SUBSCRIBE: _rule("subscribe to Advanced", *_BILLING),
    Action.SUBSCRIPTION_CANCEL: _rule("cancel the Advanced plan", *_BILLING),
    Action.SUBSCRIPTION_SWITCH: _rule("switch the account's marketplace", A, S),
    Action.REWARDS_REDEEM_CREDITS: _rule("redeem points for credits", *_BUYERS),
    Action.REWARDS_REDEEM_GIFT_CARD: _rule("redeem points for gift cards", *_BILLING),
    Action.REWARDS_REDEEM_DONATION: _rule("redeem points for donations", *_BILLING),
    Action.FREELANCER_ADD: _rule("add freelancers to the catalogue", S),
    Action.FREELANCER_SERVICE_ADD: _rule("add freelancer services", S),
    Action.MESSAGE_SEND: _rule("send messages", *_BUYERS, F, own=_SELLER),
    Action.ORDER_DISPUTE: _rule(
        "open a dispute request", *_BUYERS, F, own=_SELLER, note=_DISPUTE_NOTE
    ),
    Action.ORDER_DISPUTE_ACCEPT: _rule("accept a dispute request", *_BUYERS, F, own=_SELLER),
    Action.ORDER_DISPUTE_DECLINE: _rule("decline a dispute request", *_BUYERS, F, own=_SELLER),
    Action.ORDER_DISPUTE_WITHDRAW: _rule("withdraw a dispute request", *_BUYERS, F, own=_SELLER),
    Action.ORDER_HOURS_APPROVE: _rule("approve weekly hour reports", *_BUYERS),
    Action.ORDER_HOURS_DISPUTE: _rule("dispute weekly hour reports", *_BUYERS),
    Action.ORDER_HOURS_CONCEDE: _rule("accept a dispute of their hours", F, own=_SELLER),
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


def rule_for(action: Action | str) -> Rule:
    """The rule for an action; a name that is no action is a usage error (``auth can-i``)."""
    try:
        return PERMISSIONS[Action(action)]
    except ValueError:
        raise InvalidInput(
            f"{action!r} is not an action",
            hint="fpctl auth can-i --list",
        ) from None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    own_only: bool = False
    denied_by_role: bool = False


def decide(actor: Actor, action: Action) -> Decision:
    """Whether ``actor``'s kind and status allow ``action``, and the rule that decides."""
    rule = rule_for(action)
    if actor.kind is ActorKind.NOBODY:
        if rule.reads:
            return Decision(True, "a read with no actor: whoever holds the store sees it")
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


def allows(actor: Actor, action: Action) -> bool:
    """Whether the table lets ``actor`` do ``action`` (what a view may show, say)."""
    return decide(actor, action).allowed


def require(actor: Actor, action: Action) -> Decision:
    """Raise PermissionDenied with a sentence that reads well, or return the decision."""
    decision = decide(actor, action)
    if not decision.allowed:
        rule = rule_for(action)
        if rule.reads and actor.kind is ActorKind.FREELANCER:
            denied = PermissionDenied(f"{actor.label} is a freelancer and cannot {rule.does}")
            denied.rule = decision.reason
            raise denied
        if rule.reads and not decision.denied_by_role:  # an inactive member: nothing at all
            denied = PermissionDenied(decision.reason)
            denied.rule = decision.reason
            raise denied
        why = rule.who_can() if decision.denied_by_role else decision.reason
        denied = PermissionDenied(f"{actor.label} cannot {rule.does}: {why}")
        denied.rule = decision.reason  # what `auth can-i` shows as the deciding rule
        raise denied
    return decision
