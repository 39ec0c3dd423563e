"""The switch to the regular marketplace and back (SPEC §1.7): only with no open order; the
other members deactivated, open invitations and pending requests withdrawn, credits set
aside, an Advanced plan cancelled with its refund; back to Pro (basic or Advanced) with the
credits restored and the members still deactivated."""

from __future__ import annotations

from sqlmodel import col, select

from fpctl.domain.enums import (
    OPEN_INVITATION_STATUSES,
    AccountStatus,
    ApprovalStatus,
    MemberStatus,
    Plan,
    Role,
)
from fpctl.errors import RuleViolation
from fpctl.services import approval_requests, lookups
from fpctl.services.context import Context
from fpctl.services.money import ledger
from fpctl.services.money.subscriptions import (
    FIVERR,
    SWITCH,
    Subscription,
    cancel,
    changes_since,
    check_cancel,
    check_subscribe,
    end_advanced,
    start_advanced,
    subscribe,
    subscription_of,
    watched,
)
from fpctl.services.team import invitations, members
from fpctl.store.tables import Account, Invitation, Member


def check_switch(ctx: Context, target: str) -> bool:
    """Raise if the switch is refused (before the confirmation prompt); whether it needs
    confirming: leaving Pro, or ending an Advanced plan."""
    ctx.require(SWITCH)
    account = ctx.the_account
    switched = account.status == AccountStatus.SWITCHED
    if target == FIVERR:
        if switched:
            raise RuleViolation(
                f"{account.slug} has already switched to the regular marketplace",
                hint="fpctl subscription switch basic returns it to Pro",
                code="already_switched",
            )
        lookups.refuse_switch_while_open(ctx.session, account)
        return True
    if switched:
        return False
    if account.plan == target:
        raise RuleViolation(
            f"{account.slug} is already on the {target} plan", code="already_on_plan"
        )
    if target == Plan.BASIC:
        check_cancel(ctx)
        return True
    check_subscribe(ctx)
    return False


def switch(ctx: Context, target: str) -> Subscription:
    """``fiverr``: leave Pro. ``basic``/``advanced``: come back to Pro on that plan, or, on
    a Pro account, cancel or subscribe (audited as such)."""
    check_switch(ctx, target)
    account = ctx.the_account
    if target == FIVERR:
        return _leave_pro(ctx, account)
    if account.status == AccountStatus.SWITCHED:
        return _return_to_pro(ctx, account, target)
    return cancel(ctx) if target == Plan.BASIC else subscribe(ctx)


def _deactivate_others(ctx: Context, account: Account) -> list[str]:
    """Every active member but the admin, each with their own ``team.deactivate`` record."""
    others = ctx.session.exec(
        select(Member)
        .where(Member.account_id == account.id)
        .where(Member.status == MemberStatus.ACTIVE)
        .where(Member.role != Role.ADMIN)
        .order_by(col(Member.id))
    ).all()
    emails = [member.email for member in others]
    for email in emails:
        members.deactivate(ctx, email)
    return emails


def _withdraw_invitations(ctx: Context, account: Account) -> int:
    """Open invitations are withdrawn (with their approval requests), as by their inviter."""
    open_ones = ctx.session.exec(
        select(Invitation.id)
        .where(Invitation.account_id == account.id)
        .where(col(Invitation.status).in_(OPEN_INVITATION_STATUSES))
        .order_by(col(Invitation.id))
    ).all()
    for invitation_id in open_ones:
        invitations.withdraw(ctx, str(invitation_id))
    return len(open_ones)


def _withdraw_requests(ctx: Context, account: Account) -> None:
    """Any approval request still pending (held orders already block the switch) closes."""
    ctx.record_many(
        approval_requests.close(ctx.session, request, ApprovalStatus.WITHDRAWN, ctx.now)
        for request in approval_requests.pending_of(ctx.session, account.id)
    )


def _leave_pro(ctx: Context, account: Account) -> Subscription:
    before = watched(account)
    refund, credit_id = (
        end_advanced(ctx, account) if account.plan == Plan.ADVANCED else (None, None)
    )
    deactivated = _deactivate_others(ctx, account)
    withdrawn = _withdraw_invitations(ctx, account)
    _withdraw_requests(ctx, account)
    credits = account.credits_cents
    ledger.move_credits(
        ctx.session,
        account,
        -credits,
        kind="set_aside",
        now=ctx.now,
        description="Pro credits set aside: the account switched to the regular marketplace",
    )
    account.credits_set_aside_cents += credits
    account.status = AccountStatus.SWITCHED
    account.switched_at = ctx.now
    ctx.session.add(account)
    changes = changes_since(before, account)
    changes["to"] = (None, FIVERR)
    if refund is not None:
        changes["refund_cents"] = (None, refund)
    ctx.record_on_account(account, action=SWITCH, changes=changes)
    return subscription_of(
        account,
        refund_cents=refund if refund is not None else 0,
        credit_invoice_id=credit_id,
        deactivated=tuple(deactivated),
        invitations_withdrawn=withdrawn,
    )


def _return_to_pro(ctx: Context, account: Account, target: str) -> Subscription:
    before = watched(account)
    invoice_id = start_advanced(ctx, account) if target == Plan.ADVANCED else None
    credits = account.credits_set_aside_cents
    ledger.move_credits(
        ctx.session,
        account,
        credits,
        kind="restore",
        now=ctx.now,
        description="Pro credits restored: the account returned to Pro",
    )
    account.credits_set_aside_cents = 0
    account.status = AccountStatus.ACTIVE
    account.switched_at = None
    ctx.session.add(account)
    changes = changes_since(before, account)
    changes["to"] = (None, target)
    if invoice_id is not None:
        changes["invoice"] = (None, invoice_id)
    ctx.record_on_account(account, action=SWITCH, changes=changes)
    return subscription_of(account, refund_cents=0, invoice_id=invoice_id)
