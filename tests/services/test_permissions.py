"""`auth can-i` at the service layer: answers, never raises for a refusal."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest

from fpctl.errors import InvalidInput, NotFound
from fpctl.services.permissions import can
from fpctl.services.team import members


def can_i(ctx: Any, action: str, target: str | None = None) -> dict[str, Any]:
    return asdict(can(ctx, action, target))


def test_allowed(work: Any, team: dict[str, str]) -> None:
    with work(as_="ada@acme.test", write=False) as ctx:
        assert can_i(ctx, "role.set", "mia@acme.test") == {
            "action": "role.set",
            "actor": "ada@acme.test",
            "target": "mia@acme.test",
            "allowed": True,
            "reason": "the admin may set roles",
        }


def test_denied(work: Any, team: dict[str, str]) -> None:
    with work(as_="bill@acme.test", write=False) as ctx:
        assert can_i(ctx, "team.invite", "billing_manager") == {
            "action": "team.invite",
            "actor": "bill@acme.test",
            "target": "billing_manager",
            "allowed": False,
            "reason": "only the admin and support can invite a billing manager",
        }


def test_deactivated(work: Any, team: dict[str, str]) -> None:
    with work(as_="ada@acme.test") as ctx:
        members.deactivate(ctx, "mia@acme.test")
    with work(as_="mia@acme.test", write=False) as ctx:
        answer = can_i(ctx, "order.place")
    assert answer["allowed"] is False
    assert answer["reason"] == "mia@acme.test is deactivated and can do nothing"


def test_support_without_reason(work: Any, team: dict[str, str]) -> None:
    with work(as_="support", account="acme", write=False) as ctx:
        answer = can_i(ctx, "role.set")
    assert (answer["allowed"], answer["reason"]) == (
        False,
        "support must give a reason for every change",
    )


def test_unknown_action_and_missing_target(work: Any, team: dict[str, str]) -> None:
    with work(as_="ada@acme.test", write=False) as ctx, pytest.raises(InvalidInput):
        can_i(ctx, "role.explode")
    with work(as_="ada@acme.test", write=False) as ctx, pytest.raises(NotFound):
        can_i(ctx, "team.remove", "nobody@acme.test")
