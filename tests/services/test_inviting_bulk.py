"""Bulk inviting, set-based (issue 13, item 2): tokens drawn a block at a time, a role
checked once per run, rows written as prepared tuples, read back as the ORM reads them."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import count
from typing import Any

import pytest
from sqlmodel import select

from fpctl.clock import parse_instant
from fpctl.services.team import inviting
from fpctl.services.team.inviting import InviteRequest, new_tokens
from fpctl.store.tables import Invitation

ADA = "ada@acme.test"
NOW = parse_instant("2026-11-01T10:00:00Z")
TOKEN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{31}")


def test_tokens_drawn_at_once_are_distinct_url_safe_and_never_an_option() -> None:
    tokens = new_tokens(5000)

    assert len(tokens) == len(set(tokens)) == 5000
    assert all(TOKEN.fullmatch(token) for token in tokens)


def test_a_token_starting_with_a_dash_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # 0xf8 is 111110.. in bits: base64 digit 62, "-" in the URL-safe alphabet.
    blocks = iter([b"\xf8" * 24 + b"\x00" * 24, b"\x04" * 24])  # the run's; the draw again
    monkeypatch.setattr(inviting.secrets, "token_bytes", lambda size: next(blocks))

    first, second = new_tokens(2)

    assert (first, second) == ("BAQE" * 8, "A" * 32)


def test_a_run_takes_the_contexts_own_token_maker(work: Any, acme: str) -> None:
    numbers = count(1)
    with work(as_=ADA) as opened:
        ctx = replace(opened, make_token=lambda: f"token-{next(numbers)}")
        inviting.invite_many(ctx, [InviteRequest(f"p{n}@x.test") for n in range(3)])

    assert _rows(work, "token") == ["token-1", "token-2", "token-3"]


def test_bulk_rows_read_back_as_the_orm_wrote_them(work: Any, acme: str) -> None:
    requests = [InviteRequest("zed@x.test"), InviteRequest("bo@x.test", "billing_manager")]
    with work(as_=ADA) as ctx:
        made = inviting.invite_many(ctx, requests)
    with work(as_=ADA) as ctx:
        single = inviting.invite(ctx, "al@x.test")  # the one-address path, the same code

    with work(write=False) as ctx:
        stored = ctx.session.exec(select(Invitation).order_by(Invitation.id)).all()
    assert [(i.email, i.role, i.status) for i in stored] == [
        ("zed@x.test", "member", "pending"),
        ("bo@x.test", "billing_manager", "pending"),
        ("al@x.test", "member", "pending"),
    ]
    for invitation, result in zip(stored, [*made, single], strict=True):
        assert result.invitation is not None
        assert invitation.id == result.invitation.id
        assert invitation.token == result.invitation.token
        assert (invitation.created_at, invitation.sent_at) == (NOW, NOW)
        assert (
            invitation.expires_at
            == result.invitation.expires_at
            == parse_instant("2026-12-01T10:00:00Z")
        )
        assert invitation.invited_by == ADA
        assert invitation.resent_count == 0


def test_a_refused_role_is_refused_on_every_row(work: Any, acme: str) -> None:
    requests = [InviteRequest(f"p{n}@x.test", "admin") for n in range(3)]
    with work(as_=ADA) as ctx:
        results = inviting.invite_many(ctx, requests)

    assert [(r.result, r.error and r.error.code) for r in results] == [
        ("failed", "invalid_role")
    ] * 3
    assert _rows(work, "email") == []


def _rows(work: Any, column: str) -> list[Any]:
    with work(write=False) as ctx:
        invitations = ctx.session.exec(select(Invitation).order_by(Invitation.id)).all()
        return [getattr(i, column) for i in invitations]
