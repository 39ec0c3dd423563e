"""`fpctl project remove-member | rename | archive | unarchive` and `project list --status`
(issue 14: the admin manages every project; docs/projects.md)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.test_project import (
    ADA,
    BILL,
    MAX,
    MIA,
    SUPPORT,
    audited,
    ids,
    layout,
    project,
    shown,
    state,
)
from tests.conftest import Cli

__all__ = ["layout"]  # the fixture, used by name

LATER = "2026-11-02T10:00:00Z"


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def refused(cli: Cli, exit_code: int, code: str, *args: str, actor: Any) -> Any:
    before = state(cli)
    result = project(cli, *args, actor=actor)
    assert (result.exit_code, result.error["code"]) == (exit_code, code), result.stderr
    assert state(cli) == before
    return result


def lena_sells(cli: Cli) -> None:
    """lena's service 1 (100.00), and ada's card to pay for it."""
    support = ("--as", "support", "--reason", "setup")
    for args in (
        ("freelancer", "add", "lena", *support),
        ("freelancer", "service", "add", "lena", "Logo", "--price", "100", *support),
        ("billing", "payment-method", "add", "--card", "4242 4242 4242 4242", "--expiry",
         "12/30", "--as", ADA),
    ):  # fmt: skip
        assert cli(*args).exit_code == 0, args


# -- remove-member -----------------------------------------------------------------------------


def test_the_admin_removes_a_collaborator_from_a_private_project(
    cli: Cli, layout: dict[str, int]
) -> None:
    with_max = layout["with_max"]
    result = project(cli, "remove-member", str(with_max), MAX, actor=ADA)
    assert result.exit_code == 0, result.stderr
    assert result.json == shown(with_max, "Rebrand", "private", MIA)
    assert audited(cli)[-1] == ("project.remove_member", f"project:{with_max} Rebrand", ADA)
    assert with_max not in ids(cli, MAX)


def test_remove_member_refusals(cli: Cli, layout: dict[str, int]) -> None:
    with_max = str(layout["with_max"])
    refused(cli, 4, "permission_denied", "remove-member", with_max, MAX, actor=BILL)
    refused(cli, 4, "permission_denied", "remove-member", with_max, MAX, actor=MAX)
    refused(cli, 3, "not_found", "remove-member", str(layout["alone"]), MIA, actor=MAX)
    refused(cli, 5, "project_owner", "remove-member", with_max, MIA, actor=ADA)
    refused(cli, 5, "personal_project", "remove-member", str(layout[MIA]), MAX, actor=MIA)
    refused(cli, 3, "not_found", "remove-member", with_max, "zed@acme.test", actor=MIA)


def test_removing_someone_not_in_it_is_reported_unchanged(cli: Cli, layout: dict[str, int]) -> None:
    before = state(cli)
    result = project(cli, "remove-member", str(layout["with_max"]), BILL, actor=MIA)
    assert result.exit_code == 0
    assert f"{BILL} is not in project {layout['with_max']}: nothing changed" in result.stderr
    assert state(cli) == before


# -- rename ------------------------------------------------------------------------------------


def test_rename(cli: Cli, layout: dict[str, int]) -> None:
    public = layout["public"]
    result = project(cli, "rename", str(public), "Autumn [bold]launch[/]", actor=SUPPORT)
    assert result.exit_code == 0, result.stderr
    assert result.json["name"] == "Autumn [bold]launch[/]"
    assert audited(cli)[-1] == (
        "project.rename",
        f"project:{public} Autumn [bold]launch[/]",
        "support:sam",
    )
    table = cli("project", "show", str(public), "--as", MIA)
    assert "Autumn [bold]launch[/]" in table.stdout  # shown as typed, never as markup


def test_rename_refusals(cli: Cli, layout: dict[str, int]) -> None:
    public = str(layout["public"])
    refused(cli, 4, "permission_denied", "rename", public, "Mine", actor=MAX)
    refused(cli, 5, "reserved_name", "rename", public, "my-project", actor=MIA)
    refused(cli, 5, "personal_project", "rename", str(layout[MIA]), "Mine", actor=ADA)
    before = state(cli)
    assert project(cli, "rename", public, "  ", actor=MIA).exit_code == 2
    assert state(cli) == before


# -- archive and unarchive ---------------------------------------------------------------------


def test_archive_hides_from_the_default_list_and_keeps_orders(
    cli: Cli, layout: dict[str, int]
) -> None:
    public = layout["public"]
    lena_sells(cli)
    order = cli(
        "order", "place", "--freelancer", "lena", "--service", "1", "--project", str(public),
        "--as", MIA, "-o", "json",
    )  # fmt: skip
    assert order.exit_code == 0, order.stderr
    result = cli("project", "archive", str(public), "--as", ADA, "--now", LATER, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json == shown(
        public,
        "Launch",
        "public",
        MIA,
        status="archived",
        archived_at=LATER,
        orders=1,
        spend_cents=10000,
        order_ids=[order.json["id"]],
    )
    assert public not in ids(cli, MAX)
    archived = project(cli, "list", "--status", "archived", actor=MAX).json
    assert [(row["id"], row["status"], row["archived_at"]) for row in archived] == [
        (public, "archived", LATER)
    ]
    every = project(cli, "list", "--status", "all", actor=MAX).json
    assert public in {row["id"] for row in every}
    assert audited(cli)[-1] == ("project.archive", f"project:{public} Launch", ADA)
    # the order goes on
    moved = cli("order", "requirements", str(order.json["id"]), "brief", "--as", MIA, "-o", "json")
    assert (moved.exit_code, moved.json["status"]) == (0, "in_progress")


def test_an_archived_project_refuses_new_orders_and_members(
    cli: Cli, layout: dict[str, int]
) -> None:
    public = str(layout["public"])
    lena_sells(cli)
    assert project(cli, "archive", public, actor=MIA).exit_code == 0
    before = state(cli)
    order = cli(
        "order", "place", "--freelancer", "lena", "--service", "1", "--project", public,
        "--as", MAX, "-o", "json",
    )  # fmt: skip
    assert (order.exit_code, order.error["code"]) == (5, "project_archived")
    assert order.error["hint"] == f"unarchive it first: fpctl project unarchive {public}"
    assert state(cli) == before
    refused(cli, 5, "project_archived", "add-member", public, MAX, actor=MAX)


def test_unarchive_and_archive_twice(cli: Cli, layout: dict[str, int]) -> None:
    alone = str(layout["alone"])
    assert project(cli, "archive", alone, actor=MIA).exit_code == 0
    before = state(cli)
    again = project(cli, "archive", alone, actor=ADA)
    assert again.exit_code == 0 and "already archived: nothing changed" in again.stderr
    assert state(cli) == before
    back = project(cli, "unarchive", alone, actor=ADA)
    assert (back.exit_code, back.json["status"], back.json["archived_at"]) == (0, "active", None)
    assert audited(cli)[-2:] == [
        ("project.archive", f"project:{alone} Secret", MIA),
        ("project.unarchive", f"project:{alone} Secret", ADA),
    ]
    quiet = project(cli, "unarchive", alone, actor=MIA)
    assert quiet.exit_code == 0 and "is not archived: nothing changed" in quiet.stderr


def test_archive_refusals(cli: Cli, layout: dict[str, int]) -> None:
    refused(cli, 4, "permission_denied", "archive", str(layout["public"]), actor=BILL)
    refused(cli, 5, "personal_project", "archive", str(layout[MAX]), actor=MAX)
    refused(cli, 3, "not_found", "archive", str(layout["alone"]), actor=MAX)


def test_dry_run_archives_nothing(cli: Cli, layout: dict[str, int]) -> None:
    before = state(cli)
    result = project(cli, "archive", str(layout["public"]), "--dry-run", actor=MIA)
    assert (result.exit_code, result.json["status"]) == (0, "archived")
    assert state(cli) == before


def test_list_status_is_a_choice(cli: Cli, layout: dict[str, int]) -> None:
    assert project(cli, "list", "--status", "gone", actor=MIA).exit_code == 2
    assert ids(cli, MIA) == {row["id"] for row in project(cli, "list", actor=MIA).json}


def test_another_accounts_project_is_not_found(cli: Cli, layout: dict[str, int]) -> None:
    assert cli("account", "create", "Beta", "--admin", "bo@beta.test").exit_code == 0
    public = str(layout["public"])
    for args in (
        ("remove-member", public, MIA),
        ("rename", public, "Ours"),
        ("archive", public),
        ("unarchive", public),
    ):
        refused(cli, 3, "not_found", *args, actor="bo@beta.test")
