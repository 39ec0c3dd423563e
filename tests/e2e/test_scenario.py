"""The README's "Done means" scenario, run as a script would: the installed `fpctl`, in
subprocesses, with a pinned clock, on the test's own store (a file under tmp_path, or a
database of its own on the test server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import built_once

FPCTL = Path(sys.executable).parent / "fpctl"
ADA, BILL, MIA, MAX, ZOE = (f"{n}@acme.test" for n in ("ada", "bill", "mia", "max", "zoe"))


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def error(self) -> dict[str, str]:
        return json.loads(self.err.strip().splitlines()[-1])["error"]


Fpctl = Callable[..., Run]


def runner() -> Fpctl:
    """Run the installed fpctl on the test's store (the environment conftest.py set up:
    FPCTL_DB, FPCTL_DATABASE_URL on a server, the pinned FPCTL_NOW), JSON out."""
    if not FPCTL.exists():
        pytest.skip(f"no installed fpctl next to {sys.executable}")
    env = dict(os.environ)

    def run(*args: str) -> Run:
        done = subprocess.run(
            [str(FPCTL), *args, "-o", "json"],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def fpctl() -> Fpctl:
    return runner()


def ok(result: Run) -> Any:
    assert result.code == 0, result.err
    return result.json


def test_done_means_scenario(fpctl) -> None:  # type: ignore[no-untyped-def]
    account = ok(fpctl("account", "create", "Acme Studio", "--admin", ADA, "--admin-name", "Ada"))
    assert (account["slug"], account["plan"], account["tier"]) == ("acme-studio", "basic", "silver")

    bill = ok(fpctl("team", "invite", BILL, "--role", "billing_manager", "--as", ADA))
    assert (bill["role"], bill["status"], bill["result"]) == (
        "billing_manager",
        "pending",
        "invited",
    )
    rows = ok(fpctl("team", "invite", MIA, MAX, "--as", ADA))
    assert [(r["email"], r["result"]) for r in rows] == [(MIA, "invited"), (MAX, "invited")]
    tokens = {BILL: bill["token"]} | {r["email"]: r["token"] for r in rows}
    for email, token in tokens.items():
        joined = ok(fpctl("team", "accept", token, "--name", email.split("@")[0].title()))
        assert (joined["email"], joined["status"], joined["account"]) == (
            email,
            "active",
            "acme-studio",
        )

    policy = ok(fpctl("policy", "add", "invite-approval", "--applies-to", "members", "--as", ADA))
    assert (policy["kind"], policy["applies_to"], policy["active"]) == (
        "invite-approval",
        "members",
        True,
    )
    zoe = ok(fpctl("team", "invite", ZOE, "--as", MIA))
    assert zoe["status"] == "awaiting_approval"
    [request] = ok(fpctl("approvals", "list", "--as", ADA))
    assert (request["kind"], request["subject_id"], request["requested_by"]) == (
        "invitation",
        zoe["id"],
        MIA,
    )
    approved = ok(fpctl("approvals", "approve", str(request["id"]), "--as", ADA))
    assert approved["status"] == "approved"
    assert ok(fpctl("team", "accept", zoe["token"], "--name", "Zoe"))["role"] == "member"

    new_admin = ok(fpctl("role", "set", BILL, "admin", "--as", ADA))
    assert new_admin["role"] == "admin"
    removed = ok(fpctl("team", "remove", MAX, "--yes", "--as", BILL))
    assert removed["status"] == "removed"
    roles = {m["email"]: (m["role"], m["status"]) for m in ok(fpctl("team", "list", "--as", BILL))}
    assert roles == {
        ADA: ("member", "active"),
        BILL: ("admin", "active"),
        MIA: ("member", "active"),
        MAX: ("member", "removed"),
        ZOE: ("member", "active"),
    }

    trail = ok(fpctl("audit", "list", "--as", BILL))
    assert [r["action"] for r in trail] == [
        "account.create",
        "team.invite",
        "team.invite",
        "team.invite",
        "team.accept",
        "team.accept",
        "team.accept",
        "policy.add",
        "team.invite",
        "approval.approve",
        "invitation.send",
        "team.accept",
        "role.set",
        "role.set",
        "team.remove",
    ]
    assert {r["account"] for r in trail} == {"acme-studio"}
    verified = ok(fpctl("audit", "verify"))
    assert (verified["ok"], verified["records"]) == (True, len(trail))


def _acme(fpctl: Fpctl) -> str:
    ok(fpctl("account", "create", "Acme Studio", "--admin", ADA))
    invited = ok(fpctl("team", "invite", MIA, "--as", ADA))
    ok(fpctl("team", "accept", invited["token"], "--name", "Mia"))
    return str(invited["token"])


@pytest.fixture
def acme(fpctl: Fpctl, isolated_env: Path) -> str:
    """Acme with Ada and Mia, built once through the installed fpctl; tests get a copy.
    Returns Mia's (used) invitation token."""
    return built_once("e2e-acme", isolated_env, lambda: _acme(fpctl))


@pytest.mark.parametrize(
    ("args", "code", "error_code"),
    [
        (("team", "invite", ZOE), 2, "invalid_input"),  # a change needs --as
        (("team", "invite", "not-an-email", "--as", ADA), 2, "invalid_email"),
        (("team", "remove", MIA, "--as", ADA), 2, "confirmation_required"),
        (("team", "deactivate", "nobody@acme.test", "--as", ADA), 3, "not_found"),
        (("account", "show", "no-such-account"), 3, "not_found"),
        (("role", "set", MIA, "billing_manager", "--as", MIA), 4, "permission_denied"),
        (("team", "invite", ZOE, "--role", "billing_manager", "--as", MIA), 4, "permission_denied"),
        (("team", "remove", ADA, "--yes", "--as", ADA), 5, "admin_required"),
        (("account", "create", "Other", "--admin", MIA), 5, "email_taken"),
    ],
)
def test_refusals(fpctl, acme, args, code, error_code) -> None:  # type: ignore[no-untyped-def]
    result = fpctl(*args)
    assert (result.code, result.error["code"]) == (code, error_code), result.err
    assert result.out == ""
    assert result.err.startswith("error: ")


def test_used_token_is_no_longer_valid(fpctl, acme) -> None:  # type: ignore[no-untyped-def]
    result = fpctl("team", "accept", acme, "--name", "Mia again")
    assert (result.code, result.error["code"]) == (5, "invitation_invalid")
    assert "no longer valid" in result.error["message"]


def test_refused_change_changes_nothing(fpctl, acme) -> None:  # type: ignore[no-untyped-def]
    before = ok(fpctl("audit", "verify"))["records"]
    assert fpctl("role", "set", MIA, "admin", "--as", MIA).code == 4
    assert ok(fpctl("audit", "verify"))["records"] == before
