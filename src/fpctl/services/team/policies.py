"""Policies (SPEC §1.4): invite-approval, order-approval, purchase-limit. Admin only.

The admin is never subject to policies. ``purchase-limit`` and an ``order-approval`` scoped
to one role are Advanced features: they cannot be added on Basic, and existing ones stop
applying (kept, shown inactive) while the account is not on Advanced (SPEC §1.7).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from fpctl.domain.actors import Actor
from fpctl.domain.enums import AppliesTo, LimitMode, LimitPeriod, MemberStatus, Plan, PolicyKind
from fpctl.domain.money import parse_cents
from fpctl.domain.permissions import Action
from fpctl.errors import InvalidInput, NotFound, RuleViolation
from fpctl.services import lookups
from fpctl.services.context import Context
from fpctl.services.lookups import find_member
from fpctl.store.rows import id_of
from fpctl.store.tables import Account, Member, Policy


@dataclass
class PolicySpec:
    """What ``policy add`` was given, as text, before validation."""

    kind: str
    applies_to: str | None = None
    over: str | None = None
    amount: str | None = None
    per: str | None = None
    member: str | None = None
    mode: str | None = None


def is_advanced_only(policy: Policy) -> bool:
    if policy.kind == PolicyKind.PURCHASE_LIMIT:
        return True
    return policy.kind == PolicyKind.ORDER_APPROVAL and policy.applies_to != AppliesTo.BOTH


def is_active(policy: Policy, account: Account) -> bool:
    return account.plan == Plan.ADVANCED or not is_advanced_only(policy)


def target(policy: Policy) -> str:
    return f"policy:{policy.id} {policy.kind}"


def _refuse_extra(spec: PolicySpec, *names: str) -> None:
    for name in names:
        if getattr(spec, name) is not None:
            flag = "--" + name.replace("_", "-")
            raise InvalidInput(f"{flag} does not apply to a {spec.kind} policy")


def _build(ctx: Context, spec: PolicySpec) -> Policy:
    kind = PolicyKind(spec.kind)
    policy = Policy(
        account_id=id_of(ctx.the_account),
        kind=kind,
        created_by=ctx.actor.label,
        created_at=ctx.now,
    )
    if kind is PolicyKind.INVITE_APPROVAL:
        _refuse_extra(spec, "over", "amount", "per", "member", "mode")
        policy.applies_to = AppliesTo(spec.applies_to or AppliesTo.BOTH)
    elif kind is PolicyKind.ORDER_APPROVAL:
        _refuse_extra(spec, "amount", "per", "member", "mode")
        if spec.over is None:
            raise InvalidInput("an order-approval policy needs --over AMOUNT")
        policy.over_cents = parse_cents(spec.over, allow_zero=True)
        policy.applies_to = AppliesTo(spec.applies_to or AppliesTo.BOTH)
    else:
        _refuse_extra(spec, "over")
        if spec.amount is None or spec.per is None:
            raise InvalidInput(
                "a purchase-limit policy needs --amount AMOUNT and --per order|month"
            )
        if (spec.member is None) == (spec.applies_to is None):
            raise InvalidInput(
                "a purchase-limit policy needs either --member EMAIL or "
                "--applies-to members|billing-managers|both"
            )
        policy.amount_cents = parse_cents(spec.amount)
        policy.period = LimitPeriod(spec.per)
        policy.mode = LimitMode(spec.mode or LimitMode.REFUSE)
        if spec.member is not None:
            member = find_member(ctx, spec.member)
            if member.status != MemberStatus.ACTIVE:
                raise RuleViolation(f"{member.email} is {member.status}", code="member_inactive")
            policy.member_id = member.id
        else:
            assert spec.applies_to is not None  # checked above: --member or --applies-to
            policy.applies_to = AppliesTo(spec.applies_to)
    return policy


_SAME = ("kind", "applies_to", "member_id", "over_cents", "amount_cents", "period", "mode")


def add(ctx: Context, spec: PolicySpec) -> tuple[Policy, str | None]:
    """Add a policy; an identical one already in force is reported unchanged."""
    ctx.require(Action.POLICY_ADD)
    lookups.require_pro(ctx.the_account, "add policies")
    policy = _build(ctx, spec)
    account = ctx.the_account
    if is_advanced_only(policy) and account.plan != Plan.ADVANCED:
        scope = " scoped to one role" if policy.kind == PolicyKind.ORDER_APPROVAL else ""
        raise RuleViolation(
            f"{policy.kind} policies{scope} need the Advanced plan",
            hint="fpctl subscription subscribe advanced",
            code="plan_required",
        )
    for existing in list_policies(ctx, kind=policy.kind):
        if all(getattr(existing, key) == getattr(policy, key) for key in _SAME):
            return existing, f"policy {existing.id} is already in force: nothing changed"
    ctx.session.add(policy)
    ctx.session.flush()
    changes = {key: (None, getattr(policy, key)) for key in _SAME if getattr(policy, key)}
    ctx.record(
        action=Action.POLICY_ADD,
        target=target(policy),
        account_id=account.id,
        changes=changes,
    )
    return policy, None


def find(ctx: Context, policy_id: int) -> Policy:
    policy = ctx.session.get(Policy, policy_id)
    if policy is None or policy.account_id != ctx.the_account.id or policy.removed_at:
        raise NotFound(
            f"no policy {policy_id} in this account", hint="`fpctl policy list` shows them"
        )
    return policy


def authorize(ctx: Context, action: Action, policy_id: int) -> Policy:
    """The policy ``action`` acts on, once the actor may (``auth can-i policy.remove ID``)."""
    ctx.require(action)
    return find(ctx, policy_id)


def remove(ctx: Context, policy_id: int) -> Policy:
    """Remove a policy. Requests already waiting keep it: removing approves nothing."""
    policy = authorize(ctx, Action.POLICY_REMOVE, policy_id)
    ctx.record(
        action=Action.POLICY_REMOVE,
        target=target(policy),
        account_id=policy.account_id,
        changes={key: (getattr(policy, key), None) for key in _SAME if getattr(policy, key)},
    )
    policy.removed_at = ctx.now  # kept, so waiting requests still name it
    ctx.session.add(policy)
    return policy


def list_policies(ctx: Context, *, kind: str | None = None) -> list[Policy]:
    ctx.require(Action.TEAM_READ)
    query = select(Policy).where(Policy.account_id == ctx.the_account.id)
    query = query.where(col(Policy.removed_at).is_(None))
    if kind:
        query = query.where(Policy.kind == PolicyKind(kind))
    return list(ctx.session.exec(query.order_by(col(Policy.id))).all())


def member_emails(ctx: Context, policies: list[Policy]) -> dict[int, str]:
    ids = [p.member_id for p in policies if p.member_id is not None]
    if not ids:
        return {}
    rows = ctx.session.exec(select(col(Member.id), Member.email).where(col(Member.id).in_(ids)))
    # A stored id is never NULL; the models type it int | None, hence the test.
    return {member_id: email for member_id, email in rows if member_id is not None}


def invite_approval_for(ctx: Context, inviter: Actor) -> Policy | None:
    """The invite-approval policy that applies to this inviter, if any."""
    if not inviter.is_member or inviter.role is None:
        return None  # support and the sign-up flow are not members: no policy applies
    for policy in list_policies(ctx, kind=PolicyKind.INVITE_APPROVAL):
        assert policy.applies_to is not None  # an invite-approval policy always names roles
        if AppliesTo(policy.applies_to).covers(inviter.role):
            return policy
    return None
