"""services.actors and services.operator: who acts, and the operator behind every actor
(SPEC §3.2: every audit record names the operator and keeps the reason)."""

from __future__ import annotations

import getpass
from typing import Any

import pytest

from fpctl.domain.actors import Actor
from fpctl.domain.enums import ActorKind
from fpctl.services.actors import member_actor
from fpctl.services.context import Context
from fpctl.services.lookups import current_seat
from fpctl.services.operator import agent_name


def _no_login() -> str:
    raise OSError("No username set in the environment")  # Python 3.13+


def _no_passwd_entry() -> str:
    raise KeyError("getpwuid(): uid not found: 1234")  # before 3.13


def test_the_operator_is_fpctl_agent_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    monkeypatch.setenv("FPCTL_AGENT", "  sam ")
    assert agent_name() == "sam"


@pytest.mark.parametrize("agent", [None, "", "   "])
def test_without_fpctl_agent_the_login_name(
    monkeypatch: pytest.MonkeyPatch, agent: str | None
) -> None:
    if agent is not None:
        monkeypatch.setenv("FPCTL_AGENT", agent)
    monkeypatch.setattr(getpass, "getuser", lambda: "lena.ops")
    assert agent_name() == "lena.ops"


@pytest.mark.parametrize(
    "getuser",
    [_no_login, _no_passwd_entry, lambda: ""],
    ids=["oserror", "no-passwd-entry", "empty"],
)
def test_without_a_login_name_unknown(monkeypatch: pytest.MonkeyPatch, getuser: Any) -> None:
    monkeypatch.setattr(getpass, "getuser", getuser)
    assert agent_name() == "unknown"


def test_a_login_name_in_another_encoding_is_still_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "j\udce9r\udcf4me")  # latin-1 bytes
    name = agent_name()
    name.encode()  # no lone surrogates: a store can write it
    assert name == "j\ufffdr\ufffdme"


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(
    ("as_", "account", "expected"),
    [
        ("mia@acme.test", None, (ActorKind.MEMBER, "mia@acme.test")),
        ("@lena", "acme", (ActorKind.FREELANCER, "@lena")),
        ("support", "acme", (ActorKind.SUPPORT, "support:sam")),
        (None, "acme", (ActorKind.NOBODY, "nobody")),
    ],
)
def test_every_kind_of_actor_carries_the_operator_and_the_reason(
    work: Any,
    monkeypatch: pytest.MonkeyPatch,
    as_: str | None,
    account: str | None,
    expected: tuple[ActorKind, str],
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    with work(as_=as_, account=account, reason="ticket 99", write=False) as ctx:
        actor: Actor = ctx.actor
    assert (actor.kind, actor.label, actor.agent, actor.reason) == (*expected, "sam", "ticket 99")


def test_an_empty_reason_is_no_reason(work: Any, acme: str) -> None:
    with work(as_="ada@acme.test", reason="", write=False) as ctx:
        assert ctx.actor.reason is None


def test_another_actor_in_the_same_unit_of_work_keeps_the_operator(
    work: Any, team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sign-up and acceptance record as the new member (``as_actor``), for the operator."""
    monkeypatch.setenv("FPCTL_AGENT", "sam")
    with work(account="acme", reason="phone", write=False) as ctx:
        seat = current_seat(ctx.session, "mia@acme.test", None)
        assert seat is not None
        actor = ctx.as_actor(member_actor(seat)).actor
    assert (actor.label, actor.agent, actor.reason) == ("mia@acme.test", "sam", "phone")


def test_the_system_settles_for_the_operator(
    work: Any, acme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "kim")
    with work(write=False) as ctx:
        lazy = Context.system(ctx.session, ctx.now).actor
        ticked = Context.system(ctx.session, ctx.now, reason="nightly").actor
    assert (lazy.label, lazy.agent, lazy.reason) == ("system", "kim", None)
    assert (ticked.agent, ticked.reason) == ("kim", "nightly")
