"""The permission table of SPEC §2, checked cell by cell against an independent copy."""

from __future__ import annotations

import pytest

from fpctl.domain import actors
from fpctl.domain.actors import Actor
from fpctl.domain.enums import ActorKind, MemberStatus, Role
from fpctl.domain.permissions import PERMISSIONS, decide, require
from fpctl.errors import InvalidInput, PermissionDenied

ADMIN = Actor(ActorKind.MEMBER, "ada@acme.test", 1, 1, Role.ADMIN, MemberStatus.ACTIVE)
BILLING = Actor(ActorKind.MEMBER, "bill@acme.test", 1, 2, Role.BILLING_MANAGER, MemberStatus.ACTIVE)
MEMBER = Actor(ActorKind.MEMBER, "mia@acme.test", 1, 3, Role.MEMBER, MemberStatus.ACTIVE)
FREELANCER = Actor(ActorKind.FREELANCER, "@fran", freelancer_id=1)
SUPPORT = actors.support("sam", "ticket 42", account_id=1)
KINDS = {"admin": ADMIN, "billing": BILLING, "member": MEMBER, "freelancer": FREELANCER}
KINDS["support"] = SUPPORT

# SPEC §2, written out again by hand: who may do what (a = admin, b = billing manager,
# m = member, f = freelancer, s = support). Uppercase: limited to their own objects.
BUYERS = "abms"
#: Reads: allowed with no actor too (the operator holds the store).
READS = {
    "team.read": BUYERS,
    "project.read": BUYERS,
    "network.read": BUYERS,
    "audit.read": "as",
    "billing.invoices": "abs",
    "inbox.read": BUYERS + "F",
}
EXPECTED = {
    **READS,
    "account.create": "s",
    "account.update": "as",
    "team.invite": BUYERS,
    "team.invite_billing_manager": "as",
    "team.withdraw": "aBMs",
    "team.resend": "aBMs",
    "role.set": "as",
    "team.deactivate": "as",
    "team.reactivate": "as",
    "team.remove": "as",
    "team.leave": "BM",
    "policy.add": "as",
    "policy.remove": "as",
    "approval.approve": "as",
    "approval.reject": "as",
    "admin.appoint": "s",
    "order.place": BUYERS,
    "order.requirements": BUYERS,
    "order.accept": BUYERS,
    "order.revision": BUYERS,
    "order.cancel": BUYERS,
    "order.share": BUYERS,
    "order.note": BUYERS,
    "order.comment": BUYERS,
    "order.review": BUYERS,
    "order.milestone_accept": BUYERS,
    "order.cancel_request": BUYERS + "F",
    "order.cancel_accept": BUYERS + "F",
    "order.cancel_decline": BUYERS + "F",
    "order.cancel_withdraw": BUYERS + "F",
    "order.deliver": "F",
    "order.skip_requirements": "F",
    "order.hours_log": "F",
    "order.hours_limit": BUYERS,
    "order.refund": "s",
    "offer.send": "f",
    "offer.withdraw": "F",
    "offer.accept": BUYERS,
    "offer.decline": BUYERS,
    "project.create": BUYERS,
    "project.add_member": BUYERS,
    "project.share": BUYERS,
    # issue 14: a project's owner, the admin (every project) and support
    "project.remove_member": "aBMs",
    "project.rename": "aBMs",
    "project.archive": "aBMs",
    "project.unarchive": "aBMs",
    "network.save": BUYERS,
    "network.list_create": BUYERS,
    "network.list_add": BUYERS,
    "network.list_share": BUYERS,
    "billing.info_set": "abs",
    "billing.payment_method": "abs",
    "billing.deposit": "abs",
    "subscription.subscribe": "abs",
    "subscription.cancel": "abs",
    "subscription.switch": "as",
    "rewards.redeem_credits": BUYERS,
    "rewards.redeem_gift_card": "abs",
    "rewards.redeem_donation": "abs",
    "freelancer.add": "s",
    "freelancer.service_add": "s",
    "message.send": BUYERS + "F",
    "order.dispute": BUYERS + "F",
    "order.dispute_accept": BUYERS + "F",
    "order.dispute_decline": BUYERS + "F",
    "order.dispute_withdraw": BUYERS + "F",
    "order.hours_approve": BUYERS,
    "order.hours_dispute": BUYERS,
    "order.hours_concede": "F",
}
LETTER = {"admin": "a", "billing": "b", "member": "m", "freelancer": "f", "support": "s"}


def test_the_table_covers_exactly_the_expected_actions() -> None:
    assert set(PERMISSIONS) == set(EXPECTED)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_every_cell(action: str, kind: str) -> None:
    letter = LETTER[kind]
    cell = EXPECTED[action]
    decision = decide(KINDS[kind], action)
    assert decision.allowed == (letter in cell.lower())
    assert decision.own_only == (letter.upper() in cell)
    if decision.allowed:
        assert require(KINDS[kind], action) == decision
    else:
        with pytest.raises(PermissionDenied):
            require(KINDS[kind], action)


@pytest.mark.parametrize(
    "status", [MemberStatus.DEACTIVATED, MemberStatus.REMOVED, MemberStatus.CLOSED]
)
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_members_who_are_not_active_can_do_nothing(
    action: str, role: Role, status: MemberStatus
) -> None:
    actor = Actor(ActorKind.MEMBER, "gone@acme.test", 1, 9, role, status)
    decision = decide(actor, action)
    assert decision.allowed is False
    assert decision.reason == f"gone@acme.test is {status.value} and can do nothing"


@pytest.mark.parametrize("action", sorted(set(EXPECTED) - set(READS)))
def test_nobody_can_change_anything(action: str) -> None:
    assert decide(actors.NOBODY, action).allowed is False


@pytest.mark.parametrize("action", sorted(READS))
def test_a_read_needs_no_actor(action: str) -> None:
    assert decide(actors.NOBODY, action).allowed is True


def test_a_freelancer_denied_a_read_is_told_so() -> None:
    freelancer = Actor(ActorKind.FREELANCER, "@lena", None, None, None, None, freelancer_id=1)
    with pytest.raises(PermissionDenied) as refused:
        require(freelancer, "project.read")
    assert refused.value.message == "@lena is a freelancer and cannot see projects"


def test_refusals_read_as_sentences() -> None:
    with pytest.raises(PermissionDenied) as refused:
        require(MEMBER, "role.set")
    assert refused.value.message == (
        "mia@acme.test cannot set roles: only the admin and support can"
    )
    with pytest.raises(PermissionDenied) as refused:
        require(ADMIN, "team.leave")
    assert refused.value.message == (
        "ada@acme.test cannot leave the account: only billing managers and members can"
    )
    assert refused.value.rule == "only billing managers and members can leave the account"


def test_allowed_reasons_mention_policies_for_members() -> None:
    assert decide(MEMBER, "team.invite").reason == (
        "members may invite people; invitations by members and billing managers may need "
        "approval (invite-approval)"
    )
    assert decide(ADMIN, "team.invite").reason == "the admin may invite people"
    assert decide(BILLING, "team.withdraw").reason == (
        "billing managers may withdraw invitations: their own only"
    )


def test_an_unknown_action_is_a_usage_error() -> None:
    with pytest.raises(InvalidInput) as refused:
        decide(ADMIN, "team.explode")
    assert refused.value.message == "'team.explode' is not an action"
