"""Order rules as data: every move, flag and window boundary (SPEC §1.5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fpctl.domain.orders import (
    TERMINAL,
    Milestone,
    Move,
    OrderStatus,
    after,
    buyer_may_cancel_alone,
    check_hourly_terms,
    flags,
    moves_from,
    parse_iso_week,
    parse_milestones,
)
from fpctl.errors import InvalidInput, RuleViolation

S = OrderStatus
DUE = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)

ALLOWED = {
    (S.AWAITING_APPROVAL, Move.APPROVE): S.AWAITING_REQUIREMENTS,
    (S.AWAITING_APPROVAL, Move.REJECT): S.REJECTED,
    (S.AWAITING_REQUIREMENTS, Move.SUBMIT_REQUIREMENTS): S.IN_PROGRESS,
    (S.AWAITING_REQUIREMENTS, Move.SKIP_REQUIREMENTS): S.IN_PROGRESS,
    (S.IN_PROGRESS, Move.DELIVER): S.DELIVERED,
    (S.IN_REVISION, Move.DELIVER): S.DELIVERED,
    (S.DELIVERED, Move.ACCEPT): S.COMPLETED,
    (S.DELIVERED, Move.ASK_REVISION): S.IN_REVISION,
    (S.DELIVERED, Move.AUTO_COMPLETE): S.COMPLETED,
    **{(s, Move.CANCEL): S.CANCELLED for s in S if s not in TERMINAL},
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("move", list(Move))
def test_every_move_from_every_status(status: OrderStatus, move: Move) -> None:
    expected = ALLOWED.get((status, move))
    if expected is None:
        with pytest.raises(RuleViolation) as refused:
            after(status, move)
        assert refused.value.code == "invalid_transition"
        assert refused.value.message == f"an order that is {status} cannot {move.value}"
    else:
        assert after(status, move) is expected


def test_terminal_orders_have_no_moves_left() -> None:
    for status in TERMINAL:
        assert moves_from(status) == []
    assert moves_from("delivered") == [
        Move.ACCEPT,
        Move.ASK_REVISION,
        Move.AUTO_COMPLETE,
        Move.CANCEL,
    ]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (DUE, []),
        (DUE + timedelta(seconds=1), ["late"]),
        (DUE + timedelta(hours=23, minutes=59, seconds=59), ["late"]),
        (DUE + timedelta(hours=24), ["late", "very_late"]),
    ],
)
def test_late_and_very_late_around_the_due_date(now: datetime, expected: list[str]) -> None:
    assert flags(S.IN_PROGRESS, DUE, now) == expected


@pytest.mark.parametrize("status", [S.AWAITING_REQUIREMENTS, S.DELIVERED, S.COMPLETED])
def test_orders_that_do_not_owe_work_are_never_late(status: OrderStatus) -> None:
    assert flags(status, DUE, DUE + timedelta(days=30)) == []
    assert flags(S.IN_PROGRESS, None, DUE) == []


def test_the_buyer_cancels_alone_before_requirements_or_when_very_late() -> None:
    assert buyer_may_cancel_alone(S.AWAITING_REQUIREMENTS, DUE, DUE)
    assert not buyer_may_cancel_alone(S.IN_PROGRESS, DUE, DUE + timedelta(hours=23))
    assert buyer_may_cancel_alone(S.IN_PROGRESS, DUE, DUE + timedelta(hours=24))
    assert not buyer_may_cancel_alone(S.DELIVERED, DUE, DUE + timedelta(days=9))


def test_milestones_parse_from_title_equals_amount() -> None:
    assert parse_milestones(["Design=1,200", "Build = $800.50"]) == [
        Milestone("Design", 120000),
        Milestone("Build", 80050),
    ]
    assert parse_milestones(["a=b=5", "c=5"])[0] == Milestone("a=b", 500)


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (["Only=100"], "an order has 2 to 5 milestones, not 1"),
        ([f"m{n}=1" for n in range(6)], "an order has 2 to 5 milestones, not 6"),
        (["Design", "Build=5"], "'Design' is not a milestone"),
        (["=5", "Build=5"], "'=5' is not a milestone"),
        (["Design=-5", "Build=5"], "'-5' is not an amount"),
    ],
)
def test_bad_milestones_are_usage_errors(specs: list[str], message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_milestones(specs)
    assert refused.value.message == message


def test_iso_weeks() -> None:
    assert parse_iso_week("2026-W47") == date(2026, 11, 16)
    assert parse_iso_week("2026-W53") == date(2026, 12, 28)  # 2026 has 53 ISO weeks
    for bad in ("2026-47", "2026-W7", "2025-W53", "2026-W00"):
        with pytest.raises(InvalidInput):
            parse_iso_week(bad)


def test_hourly_terms() -> None:
    check_hourly_terms(estimate_hours=8, weekly_limit_hours=40)
    check_hourly_terms(estimate_hours=8, weekly_limit_hours=None)
    with pytest.raises(InvalidInput, match="at least 8 hours, not 7"):
        check_hourly_terms(estimate_hours=7, weekly_limit_hours=40)
    with pytest.raises(InvalidInput, match="1 to 168"):
        check_hourly_terms(estimate_hours=10, weekly_limit_hours=0)
