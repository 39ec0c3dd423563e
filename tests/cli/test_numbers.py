"""Numbers and instants on the command line (issue 11, defects 4 and 5): only the ASCII
digits count, ids stop at the largest a store holds, instants at years a computation can
reach. Anything else is a usage error, exit 2, with nothing on stdout and nothing changed;
never exit 1."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli, changes_nothing

ADA = ("--as", "ada@acme.test")
HUGE = "99999999999999999999"  # beyond any integer column
NOT_ASCII = ["١", "２", "٣٠"]  # Arabic-Indic and full-width digits: int() would read them

ID_COMMANDS = [
    ("order", "show", "{}"),
    ("order", "deliver", "{}"),
    ("order", "cancel", "{}", "--yes"),
    ("approvals", "approve", "{}"),
    ("billing", "invoice", "{}"),
    ("billing", "invoices", "--order", "{}"),
    ("billing", "payment-method", "remove", "{}", "--yes"),
    ("network", "list-show", "{}"),
    ("policy", "remove", "{}", "--yes"),
    ("project", "show", "{}"),
    ("order", "list", "--project", "{}"),
    ("order", "place", "--freelancer", "lena", "--service", "{}"),
    ("order", "place", "--freelancer", "lena", "--service", "1", "--quantity", "{}"),
    ("team", "list", "--limit", "{}"),
]


def refused_as_usage(cli: Cli, *args: str) -> dict[str, Any]:
    with changes_nothing():
        result = cli(*args, *ADA, "-o", "json")
    assert result.exit_code == 2, (args, result.stdout, result.stderr)
    assert result.stdout == ""
    return result.error


@pytest.mark.parametrize("command", ID_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("number", [HUGE, *NOT_ASCII])
def test_ids_and_counts_take_ascii_digits_within_bounds(
    cli: Cli, shop: Any, command: tuple[str, ...], number: str
) -> None:
    args = [part.format(number) for part in command]
    error = refused_as_usage(cli, *args)
    assert error["code"] == "usage"
    assert number in error["message"]


def test_an_id_of_zero_is_no_id(cli: Cli, shop: Any) -> None:
    assert "between 1 and" in refused_as_usage(cli, "order", "show", "0")["message"]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("team", "resend", HUGE), 3),  # an invitation by id or email: no such id
        (("auth", "can-i", "project.show", HUGE), 2),
    ],
)
def test_ids_inside_free_text_never_overflow(
    cli: Cli, shop: Any, args: tuple[str, ...], code: int
) -> None:
    result = cli(*args, *ADA, "-o", "json")
    assert result.exit_code == code, (result.stdout, result.stderr)


def test_a_list_target_of_digits_beyond_any_id_is_not_found(cli: Cli, shop: Any) -> None:
    created = cli("network", "list-create", "designers", *ADA, "-o", "json")
    assert created.exit_code == 0, created.stderr
    with changes_nothing():  # a service id or a username: neither
        added = cli("network", "list-add", str(created.json["id"]), HUGE, *ADA, "-o", "json")
    assert (added.exit_code, added.error["code"]) == (3, "not_found")


@pytest.mark.parametrize("points", ["١٠٠٠", "１０００", "٢,٥٠٠"])
def test_points_take_ascii_digits(cli: Cli, shop: Any, points: str) -> None:
    error = refused_as_usage(cli, "rewards", "redeem", points, "--for", "credits")
    assert error["message"] == f"{points!r} is not a number of points"


@pytest.mark.parametrize(
    "instant", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+05:00", "1969-12-31T23:59:59Z"]
)
def test_instants_stay_within_the_years_fpctl_computes(cli: Cli, shop: Any, instant: str) -> None:
    error = refused_as_usage(cli, "account", "show", "acme", "--now", instant)
    assert error["message"] == f"{instant!r} is outside the years 1970 to 9000"
    late = refused_as_usage(cli, "order", "place", "--freelancer", "lena", "--service", "1",
                            "--due", instant)  # fmt: skip
    assert "outside the years" in late["message"]
