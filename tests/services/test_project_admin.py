"""services.projects, issue 14: the admin manages every project; remove-member, rename,
archive and unarchive (docs/projects.md)."""

from __future__ import annotations

from typing import Any

import pytest

from fpctl.domain.enums import ProjectStatus
from fpctl.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services.team import members, projects
from fpctl.store.tables import Project
from tests.conftest import Cli
from tests.services.test_projects import (
    ADA,
    BILL,
    MAX,
    MIA,
    SUPPORT,
    layout,
    may_place,
    place,
    records,
    snapshot,
    visible,
)

__all__ = ["layout"]  # the fixture, used by name

LATER = "2026-11-02T10:00:00Z"


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def refused(work: Any, error: type[Exception], change: Any, **actor: Any) -> Exception:
    """``change(ctx)`` fails with ``error`` and leaves every project row and record alone."""
    before = snapshot(work)
    with work(**actor) as ctx, pytest.raises(error) as raised:
        change(ctx)
    assert snapshot(work) == before
    return raised.value


def collaborators(work: Any, project_id: int) -> list[str]:
    with work(write=False) as ctx:
        project = ctx.session.get(Project, project_id)
        assert project is not None
        return projects.detail(ctx.session, project).collaborators


# -- the admin manages every project -----------------------------------------------------------


def test_the_admin_adds_to_and_shares_another_members_private_project(
    work: Any, layout: dict[str, int]
) -> None:
    with work(as_=ADA) as ctx:
        _, added = projects.add_member(ctx, layout["alone"], BILL)
        project, shared = projects.share(ctx, layout["alone"])
    assert (added, shared, project.shared_with_all) == (None, None, True)
    target = f"project:{layout['alone']} Secret"
    assert records(work)[-2:] == [
        ("project.add_member", target, ADA, {"collaborator": [None, BILL]}),
        ("project.share", target, ADA, {"shared_with_all": [False, True]}),
    ]


@pytest.mark.parametrize(
    "change",
    [
        lambda ctx, p: projects.remove_member(ctx, p, MAX),
        lambda ctx, p: projects.rename(ctx, p, "Other"),
        projects.archive,
        projects.unarchive,
    ],
    ids=["remove-member", "rename", "archive", "unarchive"],
)
@pytest.mark.parametrize("actor", [BILL, MAX])
def test_only_the_owner_the_admin_and_support_manage_a_project(
    work: Any, layout: dict[str, int], actor: str, change: Any
) -> None:
    for where in ("with_max", "public"):
        project_id = layout[where]
        denied = refused(work, PermissionDenied, lambda ctx: change(ctx, project_id), as_=actor)  # noqa: B023
        assert "only its owner (mia@acme.test), the admin and support can" in str(denied)


@pytest.mark.parametrize("actor", [{"as_": MIA}, {"as_": ADA}, SUPPORT])
def test_the_owner_the_admin_and_support_rename(
    work: Any, layout: dict[str, int], actor: dict[str, Any]
) -> None:
    with work(**actor) as ctx:
        project, unchanged = projects.rename(ctx, layout["with_max"], "  Relaunch ")
    assert (project.name, unchanged) == ("Relaunch", None)
    who = actor["as_"] if actor["as_"] != "support" else "support:sam"
    assert records(work)[-1] == (
        "project.rename",
        f"project:{layout['with_max']} Relaunch",
        who,
        {"name": ["Rebrand", "Relaunch"]},
    )


def test_a_hidden_or_another_accounts_project_is_not_found(
    work: Any, layout: dict[str, int], cli: Cli
) -> None:
    changes = (
        lambda ctx, p: projects.remove_member(ctx, p, MIA),
        lambda ctx, p: projects.rename(ctx, p, "Mine"),
        projects.archive,
        projects.unarchive,
    )
    for change in changes:
        refused(work, NotFound, lambda ctx: change(ctx, layout["alone"]), as_=MAX)  # noqa: B023
        refused(work, NotFound, lambda ctx: change(ctx, 999), as_=ADA)  # noqa: B023
    assert cli("account", "create", "Beta", "--admin", "bo@beta.test").exit_code == 0
    for change in changes:
        refused(work, NotFound, lambda ctx: change(ctx, layout["public"]), as_="bo@beta.test")  # noqa: B023


# -- remove-member -----------------------------------------------------------------------------


def test_the_owner_removes_a_collaborator_who_then_loses_sight(
    work: Any, layout: dict[str, int]
) -> None:
    assert layout["with_max"] in visible(work, as_=MAX)
    with work(as_=MIA) as ctx:
        _, unchanged = projects.remove_member(ctx, layout["with_max"], "MAX@acme.test")
    assert unchanged is None
    assert collaborators(work, layout["with_max"]) == []
    assert layout["with_max"] not in visible(work, as_=MAX)
    assert records(work)[-1] == (
        "project.remove_member",
        f"project:{layout['with_max']} Rebrand",
        MIA,
        {"collaborator": [MAX, None]},
    )


def test_the_admin_removes_from_a_private_project_they_are_not_in(
    work: Any, layout: dict[str, int]
) -> None:
    with work(as_=ADA) as ctx:
        projects.remove_member(ctx, layout["with_max"], MAX)
    assert collaborators(work, layout["with_max"]) == []


def test_an_inactive_collaborator_can_be_removed(work: Any, layout: dict[str, int]) -> None:
    with work(as_=ADA) as ctx:
        members.deactivate(ctx, MAX)
    with work(**SUPPORT) as ctx:
        projects.remove_member(ctx, layout["with_max"], MAX)
    assert collaborators(work, layout["with_max"]) == []


def test_removing_someone_not_in_the_project_changes_nothing(
    work: Any, layout: dict[str, int]
) -> None:
    before = snapshot(work)
    with work(as_=MIA) as ctx:
        _, unchanged = projects.remove_member(ctx, layout["with_max"], BILL)
    assert unchanged == f"{BILL} is not in project {layout['with_max']}: nothing changed"
    assert snapshot(work) == before


def test_the_owner_cannot_be_removed(work: Any, layout: dict[str, int]) -> None:
    error = refused(
        work, RuleViolation, lambda ctx: projects.remove_member(ctx, layout["public"], MIA), as_=ADA
    )
    assert error.code == "project_owner"  # type: ignore[attr-defined]


def test_an_unknown_member_is_not_found(work: Any, layout: dict[str, int]) -> None:
    refused(
        work,
        NotFound,
        lambda ctx: projects.remove_member(ctx, layout["with_max"], "zed@acme.test"),
        as_=MIA,
    )


# -- rename ------------------------------------------------------------------------------------


def test_renaming_to_the_same_name_changes_nothing(work: Any, layout: dict[str, int]) -> None:
    before = snapshot(work)
    with work(as_=MIA) as ctx:
        _, unchanged = projects.rename(ctx, layout["public"], "Launch")
    assert unchanged == f"project {layout['public']} is already named 'Launch': nothing changed"
    assert snapshot(work) == before


def test_a_rename_needs_a_name_that_is_not_reserved(work: Any, layout: dict[str, int]) -> None:
    refused(work, InvalidInput, lambda ctx: projects.rename(ctx, layout["public"], " "), as_=MIA)
    error = refused(
        work,
        RuleViolation,
        lambda ctx: projects.rename(ctx, layout["public"], "MY-PROJECT"),
        as_=MIA,
    )
    assert error.code == "reserved_name"  # type: ignore[attr-defined]


# -- my-projects -------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [MIA, ADA])
def test_a_my_project_is_never_renamed_archived_or_emptied(
    work: Any, layout: dict[str, int], actor: str
) -> None:
    mine = layout[MIA]
    for change in (
        lambda ctx: projects.rename(ctx, mine, "Mine"),
        lambda ctx: projects.archive(ctx, mine),
        lambda ctx: projects.remove_member(ctx, mine, MAX),
    ):
        error = refused(work, RuleViolation, change, as_=actor)
        assert error.code == "personal_project"  # type: ignore[attr-defined]
    with work(as_=actor) as ctx:
        _, unchanged = projects.unarchive(ctx, mine)
    assert unchanged == f"project {mine} is not archived: nothing changed"


# -- archive -----------------------------------------------------------------------------------


def archive(work: Any, project_id: int, actor: str = MIA, now: str = LATER) -> Project:
    with work(as_=actor, now=now) as ctx:
        project, unchanged = projects.archive(ctx, project_id)
        ctx.session.expunge(project)
    assert unchanged is None
    return project


def test_an_archived_project_keeps_its_orders_and_is_listed_as_archived(
    work: Any, layout: dict[str, int]
) -> None:
    order_id = place(work, layout["public"], 10_000)
    archived = archive(work, layout["public"])
    assert (projects.status_of(archived), archived.archived_at is not None) == ("archived", True)
    with work(as_=MAX, write=False) as ctx:
        detail = projects.show(ctx, layout["public"])
        active = {s.project.id for s in projects.list_projects(ctx, ProjectStatus.ACTIVE)}
        gone = {s.project.id for s in projects.list_projects(ctx, ProjectStatus.ARCHIVED)}
        every = {s.project.id for s in projects.list_projects(ctx)}
    assert (detail.order_ids, detail.spend_cents) == ([order_id], 10_000)
    assert gone == {layout["public"]}
    assert active == every - gone
    assert records(work)[-1] == (
        "project.archive",
        f"project:{layout['public']} Launch",
        MIA,
        {"status": ["active", "archived"]},
    )


@pytest.mark.parametrize("actor", [{"as_": MIA}, {"as_": MAX}, SUPPORT])
def test_an_archived_project_takes_no_new_order(
    work: Any, layout: dict[str, int], actor: dict[str, Any]
) -> None:
    archive(work, layout["with_max"], ADA)
    with pytest.raises(RuleViolation) as refused_order:
        may_place(work, layout["with_max"], **actor)
    assert refused_order.value.code == "project_archived"
    assert "fpctl project unarchive" in (refused_order.value.hint or "")


def test_an_archived_project_still_hides_from_outsiders(work: Any, layout: dict[str, int]) -> None:
    archive(work, layout["alone"])
    with pytest.raises(NotFound):
        may_place(work, layout["alone"], as_=MAX)


def test_an_archived_project_takes_no_new_member_but_lets_one_go(
    work: Any, layout: dict[str, int]
) -> None:
    archive(work, layout["with_max"])
    for change in (
        lambda ctx: projects.add_member(ctx, layout["with_max"], BILL),
        lambda ctx: projects.share(ctx, layout["with_max"]),
    ):
        error = refused(work, RuleViolation, change, as_=MIA)
        assert error.code == "project_archived"  # type: ignore[attr-defined]
    with work(as_=MIA) as ctx:
        projects.remove_member(ctx, layout["with_max"], MAX)
        projects.rename(ctx, layout["with_max"], "Old rebrand")
    assert collaborators(work, layout["with_max"]) == []


def test_archive_and_unarchive_are_audited_once(work: Any, layout: dict[str, int]) -> None:
    archive(work, layout["public"], ADA)
    before = snapshot(work)
    with work(as_=ADA) as ctx:
        _, again = projects.archive(ctx, layout["public"])
    assert again == f"project {layout['public']} is already archived: nothing changed"
    assert snapshot(work) == before
    with work(**SUPPORT) as ctx:
        project, unchanged = projects.unarchive(ctx, layout["public"])
    assert (unchanged, project.archived_at, projects.status_of(project)) == (None, None, "active")
    may_place(work, layout["public"], as_=MAX)
    assert [r[0::2] for r in records(work) if r[0].endswith("archive")] == [
        ("project.archive", ADA),
        ("project.unarchive", "support:sam"),
    ]
    assert records(work)[-1][3] == {"status": ["archived", "active"]}
