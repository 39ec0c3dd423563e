"""What an order costs the account: charges for it and refunds of it (SPEC §1.5).

Charges go through the ledger (credits, then balance, then the default payment method) and
are added to the order's ``paid_cents`` (``paid_credits_cents`` for the part paid with
credits); refunds go back to the balance, except the credits used, which go back to credits.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from fpctl.services.money import ledger
from fpctl.services.money.ledger import Payment
from fpctl.store.tables import Account, Invoice, Order, OrderMilestone


def account_of(session: Session, order: Order) -> Account:
    account = session.get(Account, order.account_id)
    assert account is not None
    return account


def pay(
    session: Session,
    order: Order,
    amount_cents: int,
    *,
    now: datetime,
    purpose: str,
    description: str,
) -> Payment:
    payment = ledger.charge(
        session,
        account_of(session, order),
        amount_cents,
        now=now,
        purpose=purpose,
        description=description,
        order_id=order.id,
    )
    order.paid_cents += payment.split.total_cents
    order.paid_credits_cents += payment.split.credits_cents
    session.add(order)
    return payment


def milestone_at(session: Session, order: Order, position: int) -> OrderMilestone | None:
    return session.exec(
        select(OrderMilestone)
        .where(OrderMilestone.order_id == order.id)
        .where(OrderMilestone.position == position)
    ).first()


def pay_milestone(
    session: Session, order: Order, milestone: OrderMilestone, *, now: datetime
) -> Payment:
    """A milestone is charged when it starts: the first at checkout, each next one when the
    previous one is accepted."""
    milestone.charged_at = now
    session.add(milestone)
    return pay(
        session,
        order,
        milestone.amount_cents,
        now=now,
        purpose="milestone",
        description=milestone_charge(order, milestone),
    )


def milestone_charge(order: Order, milestone: OrderMilestone) -> str:
    """How a milestone's charge is described on its invoice and in the ledger."""
    return f"order {order.id}, milestone {milestone.position}: {milestone.title}"


def refundable_cents(order: Order) -> int:
    return order.paid_cents - order.refunded_cents


def refund_everything(
    session: Session, order: Order, *, now: datetime, description: str
) -> Invoice | None:
    """Cancellation: everything paid and not yet refunded goes back, credits as credits."""
    credits = min(order.paid_credits_cents, refundable_cents(order))
    money = refundable_cents(order) - credits
    return refund(
        session, order, credits_cents=credits, balance_cents=money, now=now, description=description
    )


def refund_part(
    session: Session, order: Order, cents: int, *, now: datetime, description: str
) -> Invoice | None:
    """An agreed partial refund (the dispute manager): what was paid by card or balance goes
    back to the balance first, credits as credits only past it. A later cancellation's
    ``refund_everything`` (credits first out of what is left) then gives back exactly the
    credits paid, no more."""
    money_left = max(0, order.paid_cents - order.paid_credits_cents - order.refunded_cents)
    balance = min(cents, money_left)
    return refund(
        session,
        order,
        credits_cents=cents - balance,
        balance_cents=balance,
        now=now,
        description=description,
    )


def refund(
    session: Session,
    order: Order,
    *,
    credits_cents: int,
    balance_cents: int,
    now: datetime,
    description: str,
) -> Invoice | None:
    invoice = ledger.refund(
        session,
        account_of(session, order),
        credits_cents=credits_cents,
        balance_cents=balance_cents,
        now=now,
        description=description,
        order_id=order.id,
    )
    order.refunded_cents += credits_cents + balance_cents
    session.add(order)
    return invoice
