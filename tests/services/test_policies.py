"""services.policies: who a policy covers, Advanced-only kinds, removal (SPEC §1.4, §1.7)."""

from __future__ import annotations

from typing import Any

import pytest

from fpctl.domain.enums import Plan
from fpctl.errors import PermissionDenied, RuleViolation
from fpctl.services.team import policies
from fpctl.services.team.policies import PolicySpec

ADA = "ada@acme.test"


def add(work: Any, spec: PolicySpec, actor: str = ADA) -> tuple[int, bool]:
    with work(as_=actor) as ctx:
        policy, unchanged = policies.add(ctx, spec)
        changed = unchanged is None
        return policy.id, changed


@pytest.mark.parametrize(
    ("applies_to", "covered"),
    [
        ("members", {"mia@acme.test"}),
        ("billing-managers", {"bill@acme.test"}),
        ("both", {"mia@acme.test", "bill@acme.test"}),
    ],
)
def test_invite_approval_covers_its_roles_never_the_admin(
    work: Any, team: Any, applies_to: str, covered: set[str]
) -> None:
    add(work, PolicySpec(kind="invite-approval", applies_to=applies_to))
    found = set()
    for actor in (ADA, "bill@acme.test", "mia@acme.test"):
        with work(as_=actor, write=False) as ctx:
            if policies.invite_approval_for(ctx, ctx.actor) is not None:
                found.add(actor)
    assert found == covered


def test_support_is_never_subject_to_policies(work: Any, acme: str) -> None:
    add(work, PolicySpec(kind="invite-approval"))
    with work(as_="support", account="acme", reason="r", write=False) as ctx:
        assert policies.invite_approval_for(ctx, ctx.actor) is None


def test_non_admins_cannot_add(work: Any, team: Any) -> None:
    with work(as_="bill@acme.test") as ctx, pytest.raises(PermissionDenied):
        policies.add(ctx, PolicySpec(kind="invite-approval"))


def test_identical_is_unchanged_and_different_is_new(work: Any, acme: str) -> None:
    assert add(work, PolicySpec(kind="order-approval", over="100")) == (1, True)
    assert add(work, PolicySpec(kind="order-approval", over="$100.00")) == (1, False)
    assert add(work, PolicySpec(kind="order-approval", over="100.01")) == (2, True)


def test_advanced_only_kinds_need_advanced(work: Any, acme: str) -> None:
    spec = PolicySpec(kind="purchase-limit", amount="50", per="order", applies_to="both")
    with work(as_=ADA) as ctx, pytest.raises(RuleViolation) as refused:
        policies.add(ctx, spec)
    assert refused.value.code == "plan_required"
    with work(as_=ADA) as ctx:
        ctx.the_account.plan = Plan.ADVANCED
        ctx.session.add(ctx.the_account)
    assert add(work, spec) == (1, True)


def test_advanced_only_policies_show_inactive_on_basic(work: Any, acme: str) -> None:
    with work(as_=ADA) as ctx:
        ctx.the_account.plan = Plan.ADVANCED
        ctx.session.add(ctx.the_account)
    add(work, PolicySpec(kind="order-approval", over="10", applies_to="members"))
    add(work, PolicySpec(kind="order-approval", over="10"))
    with work(as_=ADA) as ctx:
        ctx.the_account.plan = Plan.BASIC
        ctx.session.add(ctx.the_account)
    with work(as_=ADA, write=False) as ctx:
        shown = [
            (p.id, policies.is_active(p, ctx.the_account)) for p in policies.list_policies(ctx)
        ]
    assert shown == [(1, False), (2, True)]


def test_remove_keeps_the_row_for_waiting_requests(work: Any, acme: str) -> None:
    add(work, PolicySpec(kind="invite-approval"))
    with work(as_=ADA) as ctx:
        policies.remove(ctx, 1)
    with work(as_=ADA, write=False) as ctx:
        assert policies.list_policies(ctx) == []
        from fpctl.store.tables import Policy

        kept = ctx.session.get(Policy, 1)
        assert kept is not None
        assert kept.removed_at is not None
