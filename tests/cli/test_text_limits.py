"""Free text has a length limit per kind of field (issue 11, defect 5): a name or a title
200 characters, a reason or a description 2,000, a document 10,000. Longer is exit 2, with
nothing on stdout and nothing changed; the limit itself is accepted."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cli, changes_nothing

ADA = ("--as", "ada@acme.test")
MIA = ("--as", "mia@acme.test")


def refused(cli: Cli, *args: str) -> str:
    with changes_nothing():
        result = cli(*args, "-o", "json")
    assert (result.exit_code, result.stdout) == (2, ""), result.stderr
    return str(result.error["message"])


@pytest.mark.parametrize("field", ["company", "website", "industry"])
def test_account_details_take_200_characters(cli: Cli, acme: str, field: str) -> None:
    message = refused(cli, "account", "update", f"--{field}", "x" * 201, *ADA)
    assert message == f"the {field} is longer than 200 characters"
    assert cli("account", "update", f"--{field}", "x" * 200, *ADA).exit_code == 0


def test_requirements_take_10000_characters(cli: Cli, shop: Any) -> None:
    placed = cli("order", "place", "--freelancer", "lena", "--service", "1", *MIA, "-o", "json")
    order = str(placed.json["id"])

    message = refused(cli, "order", "requirements", order, "x" * 10_001, *MIA)

    assert message == "the requirements text is longer than 10,000 characters"
    assert cli("order", "requirements", order, "x" * 10_000, *MIA).exit_code == 0


def test_a_cancellation_reason_takes_2000_characters(cli: Cli, shop: Any) -> None:
    placed = cli("order", "place", "--freelancer", "lena", "--service", "1", *MIA, "-o", "json")
    order = str(placed.json["id"])
    assert cli("order", "requirements", order, "brief", *MIA).exit_code == 0

    message = refused(cli, "order", "cancel-request", order, "--reason", "x" * 2_001, *MIA)

    assert message == "the reason is longer than 2,000 characters"
