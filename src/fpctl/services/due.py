"""The one-row probes that say whether a rule has anything due as of ``?`` (services/settle.py).

Plain SQL text, apart from the rules that settle: every command asks these first, and a read
that finds nothing due never imports the settlers (approvals, orders, money…).
Each is ``SELECT 1 ... WHERE <due as of ?> LIMIT 1``.
"""

from __future__ import annotations

#: Is any request past its 7 days?
APPROVAL_EXPIRE = (
    "SELECT 1 FROM approvalrequest WHERE status = 'pending' AND expires_at <= ? LIMIT 1"
)
#: Is any open invitation past its expiry?
INVITATION_EXPIRE = (
    "SELECT 1 FROM invitation WHERE status IN ('awaiting_approval', 'pending') "
    "AND expires_at <= ? LIMIT 1"
)
#: Is an open cancellation request past its 48 hours?
CANCELLATION_AUTO_ACCEPT = (
    "SELECT 1 FROM order_cancellation WHERE status = 'open' AND expires_at <= ? LIMIT 1"
)
#: Is a delivery past its review window, with no open cancellation or dispute holding it?
ORDER_AUTO_COMPLETE = (
    "SELECT 1 FROM orders WHERE status = 'delivered' AND auto_complete_at <= ? "
    "AND NOT EXISTS (SELECT 1 FROM order_cancellation c "
    "WHERE c.order_id = orders.id AND c.status = 'open') "
    "AND NOT EXISTS (SELECT 1 FROM order_dispute d "
    "WHERE d.order_id = orders.id AND d.status = 'open') LIMIT 1"
)
#: Has an approved week hours not yet charged (its payment failed), on an order that may
#: still be charged?
HOURS_CHARGE = (
    "SELECT 1 FROM order_hours h JOIN order_hour_report r "
    "ON r.order_id = h.order_id AND r.week = h.week JOIN orders o ON o.id = h.order_id "
    "WHERE h.charged_at IS NULL AND r.status = 'approved' AND h.week_ends_at <= ? "
    "AND o.status NOT IN ('cancelled', 'rejected') LIMIT 1"
)
#: Is a pending custom offer past its expiry?
OFFER_EXPIRE = "SELECT 1 FROM offer WHERE status = 'pending' AND expires_at <= ? LIMIT 1"
#: Is an active Advanced plan at (or past) the end of its paid cycle?
SUBSCRIPTION_RENEW = (
    "SELECT 1 FROM account WHERE plan = 'advanced' AND status = 'active' "
    "AND plan_renews_at <= ? LIMIT 1"
)
#: Has an account's oldest counted order left the 365-day window?
TIER_REVIEW = "SELECT 1 FROM account WHERE tier_review_at <= ? LIMIT 1"

#: Is an open dispute request past its 48 hours?
DISPUTE_EXPIRE = "SELECT 1 FROM order_dispute WHERE status = 'open' AND expires_at <= ? LIMIT 1"

#: Is a week's hour report past its window with no answer, on an order still charged?
HOURS_AUTO_APPROVE = (
    "SELECT 1 FROM order_hour_report r JOIN orders o ON o.id = r.order_id "
    "WHERE r.status = 'pending' AND r.answer_by <= ? "
    "AND o.status NOT IN ('cancelled', 'rejected') LIMIT 1"
)

#: Each settler's action and its probe, in the order the settlers run.
PROBES = {
    "approval.expire": APPROVAL_EXPIRE,
    "invitation.expire": INVITATION_EXPIRE,
    "order.cancel_auto_accept": CANCELLATION_AUTO_ACCEPT,
    # before the auto-completion: a lapsed dispute gives a delivery's window its time back
    "order.dispute_expire": DISPUTE_EXPIRE,
    "order.auto_complete": ORDER_AUTO_COMPLETE,
    "order.hours_charge": HOURS_CHARGE,
    "offer.expire": OFFER_EXPIRE,
    "subscription.renew": SUBSCRIPTION_RENEW,
    "rewards.tier_review": TIER_REVIEW,
    "order.hours_auto_approve": HOURS_AUTO_APPROVE,
}
