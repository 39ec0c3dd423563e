"""services.projects: my-projects, public and private projects (SPEC §1.5, §1.6, §2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from fpctl.domain.actors import NOBODY, SYSTEM
from fpctl.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from fpctl.services.team import invitations, inviting, members, projects
from fpctl.services.team.inviting import InviteRequest
from fpctl.store.tables import Freelancer, Order, Project
from tests.conftest import Cli

ADA, BILL, MIA, MAX = "ada@acme.test", "bill@acme.test", "mia@acme.test", "max@acme.test"
SUPPORT = {"as_": "support", "reason": "ticket 9", "account": "acme"}


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def create(work: Any, actor: str, name: str, *, private: bool = False) -> int:
    with work(as_=actor) as ctx:
        project_id = projects.create(ctx, name, private=private).id
    assert project_id is not None
    return project_id


def my_project(work: Any, email: str) -> int:
    with work(as_=email, write=False) as ctx:
        project_id = projects.personal(ctx.session, ctx.actor.member_id).id
    assert project_id is not None
    return project_id


def visible(work: Any, **actor: Any) -> set[int]:
    with work(write=False, **actor) as ctx:
        return {summary.project.id for summary in projects.list_projects(ctx)}  # type: ignore[misc]


def snapshot(work: Any) -> tuple[list[Any], ...]:
    """Every project, collaborator and audit row: a refused change leaves them as they were."""
    with work(write=False) as ctx:
        return tuple(
            list(ctx.session.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")).all())
            for table in ("project", "project_member", "audit_record")
        )


def records(work: Any) -> list[tuple[str, str, str, dict[str, Any]]]:
    with work(write=False) as ctx:
        rows = ctx.session.execute(
            text(
                "SELECT action, target, actor, changes FROM audit_record "
                "WHERE action LIKE 'project.%' ORDER BY id"
            )
        ).all()
    return [(a, t, who, json.loads(c)) for a, t, who, c in rows]


def place(work: Any, project_id: int, paid: int, refunded: int = 0) -> int:
    """An order row in the project (the orders service is tested on its own)."""
    with work(write=True) as ctx:
        freelancer = ctx.session.exec(select(Freelancer)).first()
        if freelancer is None:
            freelancer = Freelancer(username="lena", name="Lena", created_at=ctx.now)
            ctx.session.add(freelancer)
            ctx.session.flush()
        project = ctx.session.get(Project, project_id)
        order = Order(
            account_id=project.account_id,
            freelancer_id=freelancer.id,
            title="Logo",
            status="in_progress",
            placed_by=project.owner,
            placed_by_id=project.owner_id,
            project_id=project_id,
            unit_price_cents=paid,
            total_cents=paid,
            paid_cents=paid,
            refunded_cents=refunded,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.session.add(order)
        ctx.session.flush()
        return order.id  # type: ignore[return-value]


@pytest.fixture
def layout(work: Any, team: Any) -> dict[str, int]:
    """mia owns a public project, a private one with max and a private one alone."""
    found = {email: my_project(work, email) for email in (ADA, BILL, MIA, MAX)}
    found["public"] = create(work, MIA, "Launch")
    found["with_max"] = create(work, MIA, "Rebrand", private=True)
    found["alone"] = create(work, MIA, "Secret", private=True)
    with work(as_=MIA) as ctx:
        projects.add_member(ctx, found["with_max"], MAX)
    return found


# -- my-projects --------------------------------------------------------------------------------


def test_every_member_of_the_team_has_one_my_project(work: Any, team: Any) -> None:
    with work(account="acme", write=False) as ctx:
        mine = ctx.session.exec(select(Project).where(Project.kind == projects.MY)).all()
        owners = {m.id: m.email for m in members.list_members(ctx)}
    assert sorted(owners[p.owner_id] for p in mine) == sorted([ADA, BILL, MIA, MAX])
    assert {(p.name, p.shared_with_all) for p in mine} == {("my-project", False)}
    assert all(p.owner == owners[p.owner_id] for p in mine)


def test_a_member_who_joins_later_gets_a_my_project(work: Any, team: Any) -> None:
    with work(as_=ADA) as ctx:
        [result] = inviting.invite_many(ctx, [InviteRequest("zoe@acme.test")])
        token = result.invitation.token  # type: ignore[union-attr]
    with work() as ctx:
        member, _ = invitations.accept(ctx, token, "Zoe")
    with work(as_="zoe@acme.test", write=False) as ctx:
        mine = projects.personal(ctx.session, member.id)  # type: ignore[arg-type]
        listed = [s.project for s in projects.list_projects(ctx)]
    assert (mine.name, mine.kind, mine.owner) == ("my-project", "my", "zoe@acme.test")
    assert mine in listed


def test_a_my_project_has_no_collaborators(work: Any, layout: dict[str, int]) -> None:
    before = snapshot(work)
    for actor, email in ((MIA, MIA), (MIA, MAX), (ADA, MIA)):
        with work(as_=actor) as ctx, pytest.raises(RuleViolation) as refused:
            projects.add_member(ctx, layout[MIA], email)
        assert refused.value.code == "personal_project"
    assert snapshot(work) == before


def test_a_my_project_cannot_be_shared(work: Any, layout: dict[str, int]) -> None:
    before = snapshot(work)
    with work(as_=MIA) as ctx, pytest.raises(RuleViolation) as refused:
        projects.share(ctx, layout[MIA])
    assert refused.value.code == "personal_project"
    assert snapshot(work) == before


# -- create --------------------------------------------------------------------------------------


def test_create_is_public_by_default_and_audited(work: Any, team: Any) -> None:
    with work(as_=MAX) as ctx:
        project = projects.create(ctx, "  Launch ")
        details = projects.detail(ctx.session, project)
    assert (project.name, project.kind, project.owner, project.shared_with_all) == (
        "Launch",
        "public",
        MAX,
        False,
    )
    assert (details.collaborators, details.orders, details.spend_cents, details.order_ids) == (
        [],
        0,
        0,
        [],
    )
    assert records(work) == [
        (
            "project.create",
            f"project:{project.id} Launch",
            MAX,
            {"name": [None, "Launch"], "kind": [None, "public"]},
        )
    ]


def test_create_private(work: Any, team: Any) -> None:
    project_id = create(work, BILL, "Budget", private=True)
    with work(as_=BILL, write=False) as ctx:
        assert projects.find(ctx, project_id).kind == "private"


def test_support_creates_projects_that_no_member_owns(work: Any, team: Any) -> None:
    with work(**SUPPORT) as ctx:
        project = projects.create(ctx, "Onboarding")
    assert (project.owner, project.owner_id) == ("support:sam", None)
    assert records(work)[-1][2] == "support:sam"


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_a_usage_error(work: Any, team: Any, name: str) -> None:
    with work(as_=MIA) as ctx, pytest.raises(InvalidInput):
        projects.create(ctx, name)


def test_my_project_is_a_reserved_name(work: Any, team: Any) -> None:
    with work(as_=MIA) as ctx, pytest.raises(RuleViolation) as refused:
        projects.create(ctx, "My-Project")
    assert refused.value.code == "reserved_name"


def test_a_deactivated_member_can_do_nothing(work: Any, layout: dict[str, int]) -> None:
    with work(as_=ADA) as ctx:
        members.deactivate(ctx, MAX)
    before = snapshot(work)
    for change in (
        lambda ctx: projects.create(ctx, "Nope"),
        lambda ctx: projects.add_member(ctx, layout["public"], MAX),
        projects.list_projects,
        lambda ctx: projects.show(ctx, layout["public"]),
    ):
        with work(as_=MAX) as ctx, pytest.raises(PermissionDenied):
            change(ctx)
    assert snapshot(work) == before


def test_a_freelancer_cannot_create_or_see_projects(work: Any, layout: dict[str, int]) -> None:
    place(work, layout["public"], 100)  # adds the freelancer lena
    before = snapshot(work)
    for change in (
        lambda ctx: projects.create(ctx, "Nope"),
        projects.list_projects,
        lambda ctx: projects.show(ctx, layout["public"]),
    ):
        with work(as_="@lena", account="acme") as ctx, pytest.raises(PermissionDenied):
            change(ctx)
    with work(as_="@lena", account="acme", write=False) as ctx:
        project = ctx.session.get(Project, layout["public"])
        assert not projects.can_see(ctx.session, project, ctx.actor)  # type: ignore[arg-type]
    assert snapshot(work) == before


def test_no_actor_cannot_create(work: Any, team: Any) -> None:
    with work(account="acme") as ctx, pytest.raises(InvalidInput):
        projects.create(ctx, "Nope")


# -- who sees what -------------------------------------------------------------------------------


def test_the_admin_and_billing_managers_see_every_project(
    work: Any, layout: dict[str, int]
) -> None:
    everything = set(layout.values())
    assert visible(work, as_=ADA) == everything
    assert visible(work, as_=BILL) == everything


def test_no_actor_and_support_see_every_project_of_the_account(
    work: Any, layout: dict[str, int]
) -> None:
    assert visible(work, account="acme") == set(layout.values())
    assert visible(work, **SUPPORT) == set(layout.values())


def test_the_owner_sees_their_projects_and_public_ones(work: Any, layout: dict[str, int]) -> None:
    assert visible(work, as_=MIA) == {layout[MIA], layout["public"], layout["with_max"]} | {
        layout["alone"]
    }


def test_a_collaborator_sees_the_private_projects_they_are_in(
    work: Any, layout: dict[str, int]
) -> None:
    assert visible(work, as_=MAX) == {layout[MAX], layout["public"], layout["with_max"]}


def test_sharing_opens_a_private_project_to_every_member(work: Any, layout: dict[str, int]) -> None:
    with work(as_=MIA) as ctx:
        project, unchanged = projects.share(ctx, layout["alone"])
    assert (project.shared_with_all, unchanged) == (True, None)
    assert visible(work, as_=MAX) == {
        layout[MAX],
        layout["public"],
        layout["with_max"],
        layout["alone"],
    }


@pytest.mark.parametrize("hidden", [MIA, "alone"])
def test_a_hidden_project_is_not_found(work: Any, layout: dict[str, int], hidden: str) -> None:
    with work(as_=MAX, write=False) as ctx:
        with pytest.raises(NotFound):
            projects.find(ctx, layout[hidden])
        with pytest.raises(NotFound):
            projects.show(ctx, layout[hidden])


def test_can_see_by_kind_of_actor(work: Any, layout: dict[str, int]) -> None:
    with work(as_=MAX, write=False) as ctx:
        session = ctx.session
        alone = session.get(Project, layout["alone"])
        mine = session.get(Project, layout[MIA])
        assert alone is not None and mine is not None
        assert not projects.can_see(session, alone, ctx.actor)
        assert not projects.can_see(session, mine, ctx.actor)
        assert projects.can_see(session, alone, NOBODY)
        assert projects.can_see(session, mine, SYSTEM)
    with work(as_=BILL, write=False) as ctx:
        assert projects.can_see(ctx.session, mine, ctx.actor)


def test_another_accounts_project_is_not_found(work: Any, layout: dict[str, int], cli: Cli) -> None:
    assert cli("account", "create", "Beta", "--admin", "bo@beta.test").exit_code == 0
    with work(as_="bo@beta.test", write=False) as ctx:
        mine = projects.personal(ctx.session, ctx.actor.member_id)  # type: ignore[arg-type]
        assert {s.project.id for s in projects.list_projects(ctx)} == {mine.id}
        with pytest.raises(NotFound):
            projects.find(ctx, layout["public"])
        assert not projects.can_see(
            ctx.session, ctx.session.get(Project, layout["public"]), ctx.actor
        )  # type: ignore[arg-type]
    with work(as_=ADA) as ctx, pytest.raises(NotFound):
        projects.add_member(ctx, mine.id, ADA)  # type: ignore[arg-type]


# -- add-member ----------------------------------------------------------------------------------


def test_anyone_joins_or_adds_to_a_public_project(work: Any, layout: dict[str, int]) -> None:
    with work(as_=MAX) as ctx:
        _, unchanged = projects.add_member(ctx, layout["public"], MAX)
    assert unchanged is None
    with work(as_=BILL, now="2026-11-01T11:00:00Z") as ctx:
        _, unchanged = projects.add_member(ctx, layout["public"], "ADA@acme.test")
        details = projects.detail(ctx.session, ctx.session.get(Project, layout["public"]))  # type: ignore[arg-type]
    assert unchanged is None
    assert details.collaborators == [MAX, ADA]
    assert records(work)[-2:] == [
        (
            "project.add_member",
            f"project:{layout['public']} Launch",
            MAX,
            {"collaborator": [None, MAX]},
        ),
        (
            "project.add_member",
            f"project:{layout['public']} Launch",
            BILL,
            {"collaborator": [None, ADA]},
        ),
    ]


def test_adding_a_collaborator_again_or_the_owner_changes_nothing(
    work: Any, layout: dict[str, int]
) -> None:
    before = snapshot(work)
    with work(as_=MIA) as ctx:
        _, again = projects.add_member(ctx, layout["with_max"], MAX)
        _, owner = projects.add_member(ctx, layout["with_max"], MIA)
    assert again == f"{MAX} is already in project {layout['with_max']}: nothing changed"
    assert owner == f"{MIA} owns project {layout['with_max']}: nothing changed"
    assert snapshot(work) == before


@pytest.mark.parametrize("actor", [BILL, MAX])
def test_only_the_owner_adds_collaborators_to_a_private_project(
    work: Any, layout: dict[str, int], actor: str
) -> None:
    before = snapshot(work)
    with work(as_=actor) as ctx, pytest.raises(PermissionDenied) as denied:
        projects.add_member(ctx, layout["with_max"], BILL)
    assert "only its owner (mia@acme.test), the admin and support can" in denied.value.message
    assert snapshot(work) == before


def test_support_adds_collaborators_to_a_private_project(work: Any, layout: dict[str, int]) -> None:
    with work(**SUPPORT) as ctx:
        projects.add_member(ctx, layout["alone"], BILL)
    assert records(work)[-1][2:] == ("support:sam", {"collaborator": [None, BILL]})
    assert layout["alone"] in visible(work, as_=BILL)


def test_collaborators_must_be_active_members(work: Any, layout: dict[str, int]) -> None:
    with work(as_=ADA) as ctx:
        members.deactivate(ctx, MAX)
    before = snapshot(work)
    with work(as_=MIA) as ctx, pytest.raises(RuleViolation) as refused:
        projects.add_member(ctx, layout["alone"], MAX)
    assert refused.value.code == "member_inactive"
    with work(as_=MIA) as ctx, pytest.raises(NotFound):
        projects.add_member(ctx, layout["alone"], "nobody@acme.test")
    assert snapshot(work) == before


def test_adding_to_a_hidden_project_is_not_found(work: Any, layout: dict[str, int]) -> None:
    with work(as_=MAX) as ctx, pytest.raises(NotFound):
        projects.add_member(ctx, layout["alone"], MAX)


# -- share ---------------------------------------------------------------------------------------


def test_share_is_one_way_and_audited_once(work: Any, layout: dict[str, int]) -> None:
    with work(as_=MIA) as ctx:
        _, first = projects.share(ctx, layout["with_max"])
    before = snapshot(work)
    with work(as_=MIA) as ctx:
        project, again = projects.share(ctx, layout["with_max"])
    assert (first, project.shared_with_all) == (None, True)
    assert (
        again == f"project {layout['with_max']} is already shared with all members: nothing changed"
    )
    assert snapshot(work) == before
    assert [r for r in records(work) if r[0] == "project.share"] == [
        (
            "project.share",
            f"project:{layout['with_max']} Rebrand",
            MIA,
            {"shared_with_all": [False, True]},
        )
    ]


def test_sharing_a_public_project_changes_nothing(work: Any, layout: dict[str, int]) -> None:
    before = snapshot(work)
    with work(as_=MAX) as ctx:
        project, unchanged = projects.share(ctx, layout["public"])
    assert not project.shared_with_all
    assert (
        unchanged == f"project {layout['public']} is public: every member sees it; nothing changed"
    )
    assert snapshot(work) == before


@pytest.mark.parametrize("actor", [BILL, MAX])
def test_only_the_owner_shares_a_private_project(
    work: Any, layout: dict[str, int], actor: str
) -> None:
    before = snapshot(work)
    with work(as_=actor) as ctx, pytest.raises(PermissionDenied):
        projects.share(ctx, layout["with_max"])
    assert snapshot(work) == before


def test_support_shares_a_private_project(work: Any, layout: dict[str, int]) -> None:
    with work(**SUPPORT) as ctx:
        project, _ = projects.share(ctx, layout["alone"])
    assert project.shared_with_all


# -- orders ---------------------------------------------------------------------------------------


def test_orders_and_spend_count_paid_minus_refunded(work: Any, layout: dict[str, int]) -> None:
    first = place(work, layout["public"], 10_000)
    second = place(work, layout["public"], 5_000, refunded=2_000)
    place(work, layout["with_max"], 700)
    with work(as_=MAX, write=False) as ctx:
        assert projects.orders_and_spend(ctx.session, layout["public"]) == (2, 13_000)
        assert projects.orders_and_spend(ctx.session, layout["alone"]) == (0, 0)
        details = projects.show(ctx, layout["public"])
        listed = {
            s.project.id: (s.collaborators, s.orders, s.spend_cents)
            for s in projects.list_projects(ctx)
        }
    assert (details.orders, details.spend_cents, details.order_ids) == (2, 13_000, [first, second])
    assert listed[layout["public"]] == (0, 2, 13_000)
    assert listed[layout["with_max"]] == (1, 1, 700)


def may_place(work: Any, project_id: int, **actor: Any) -> None:
    with work(write=False, **actor) as ctx:
        project = ctx.session.get(Project, project_id)
        assert project is not None
        projects.order_may_go_in(ctx, project)


def test_orders_go_in_your_my_project_public_and_your_private_ones(
    work: Any, layout: dict[str, int]
) -> None:
    for where in (MAX, "public", "with_max"):
        may_place(work, layout[where], as_=MAX)
    for where in (MIA, MAX, "alone", "with_max"):
        may_place(work, layout[where], **SUPPORT)


@pytest.mark.parametrize("actor", [ADA, MAX])
def test_no_orders_in_someone_elses_my_project(
    work: Any, layout: dict[str, int], actor: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        may_place(work, layout[MIA], as_=actor)
    assert refused.value.code == "personal_project"


@pytest.mark.parametrize("actor", [ADA, BILL, MAX])
def test_no_orders_in_a_private_project_you_are_not_in(
    work: Any, layout: dict[str, int], actor: str
) -> None:
    with pytest.raises(NotFound):
        may_place(work, layout["alone"], as_=actor)


def test_orders_go_in_a_private_project_once_shared(work: Any, layout: dict[str, int]) -> None:
    with work(as_=MIA) as ctx:
        projects.share(ctx, layout["alone"])
    may_place(work, layout["alone"], as_=MAX)


def test_no_orders_in_another_accounts_project(work: Any, layout: dict[str, int], cli: Cli) -> None:
    assert cli("account", "create", "Beta", "--admin", "bo@beta.test").exit_code == 0
    with pytest.raises(NotFound):
        may_place(work, layout["public"], as_="bo@beta.test")
