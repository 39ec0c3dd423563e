"""A pinned clock far from the system clock is refused on a store written at real time
(issue 11, defect 7): `account show --now 2030-…` would settle years of renewals for good.
Stores only ever written under a pinned clock (tests, CI) and demo stores accept any."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import Cli, Outcome, changes_nothing

FAR = "2030-01-01T00:00:00Z"
ADA = ("--as", "ada@acme.test")


@pytest.fixture
def at_real_time(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Outcome]:
    """Run a command on the system clock (FPCTL_NOW unset for it)."""

    def run(*args: str) -> Outcome:
        with monkeypatch.context() as patch:
            patch.delenv("FPCTL_NOW")
            return cli(*args)

    return run


def soon(hours: int) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def real_store(at_real_time: Callable[..., Outcome]) -> None:
    created = at_real_time("account", "create", "Acme", "--admin", "ada@acme.test")
    assert created.exit_code == 0, created.stderr


def refused(result: Outcome) -> None:
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.error["code"] == "clock_mistake"
    assert "--force-clock" in result.error["hint"]


@pytest.mark.parametrize(
    "args",
    [
        ("account", "show", "acme", "--now", FAR),
        ("tick", "--now", FAR),
        ("team", "invite", "bob@acme.test", *ADA, "--now", FAR),
        ("account", "show", "acme", "--now", "2000-01-01T00:00:00Z"),
    ],
    ids=["read", "tick", "change", "past"],
)
def test_a_far_pinned_clock_on_a_real_store_is_refused_and_changes_nothing(
    cli: Cli, real_store: None, args: tuple[str, ...]
) -> None:
    with changes_nothing():
        refused(cli(*args, "-o", "json"))


def test_a_batch_with_a_far_clock_is_refused(cli: Cli, real_store: None) -> None:
    with changes_nothing():
        refused(cli("batch", "-", "--now", FAR, "-o", "json", input="tick\n"))


def test_the_environment_pins_the_same_way(
    cli: Cli, real_store: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FPCTL_NOW", FAR)
    refused(cli("account", "show", "acme", "-o", "json"))


def test_a_clock_within_a_day_is_accepted(cli: Cli, real_store: None) -> None:
    for hours in (-23, 23):
        assert cli("account", "show", "acme", "--now", soon(hours)).exit_code == 0


def test_force_clock_accepts_it(
    cli: Cli, real_store: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("tick", "--now", FAR, "--force-clock").exit_code == 0
    monkeypatch.setenv("FPCTL_FORCE_CLOCK", "1")
    assert cli("account", "show", "acme", "--now", FAR).exit_code == 0


def test_a_store_only_ever_written_pinned_accepts_any_pinned_clock(cli: Cli) -> None:
    assert cli("account", "create", "Acme", "--admin", "ada@acme.test").exit_code == 0
    for now in (FAR, "1999-01-01T00:00:00Z", "2500-06-01T00:00:00Z"):
        assert cli("team", "invite", f"b{now[:4]}@acme.test", *ADA, "--now", now).exit_code == 0


def test_reading_at_real_time_does_not_make_a_store_real(
    cli: Cli, at_real_time: Callable[..., Outcome]
) -> None:
    assert cli("account", "create", "Acme", "--admin", "ada@acme.test").exit_code == 0
    assert at_real_time("account", "show", "acme").exit_code == 0

    assert cli("account", "show", "acme", "--now", FAR).exit_code == 0


def test_one_change_at_real_time_makes_a_pinned_store_real(
    cli: Cli, at_real_time: Callable[..., Outcome]
) -> None:
    assert cli("account", "create", "Acme", "--admin", "ada@acme.test").exit_code == 0
    assert at_real_time("team", "invite", "bob@acme.test", *ADA).exit_code == 0

    refused(cli("account", "show", "acme", "--now", FAR, "-o", "json"))


def test_a_demo_store_accepts_any_clock(at_real_time: Callable[..., Outcome], cli: Cli) -> None:
    seeded = at_real_time("demo", "seed", "--accounts", "1", "--orders", "5")
    assert seeded.exit_code == 0, seeded.stderr

    assert cli("account", "list", "--now", FAR).exit_code == 0
