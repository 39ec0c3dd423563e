"""`fpctl project create | list | show | add-member | share` (SPEC §1.6, §2, §3)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import NOW, Cli, store_state

ADA, BILL, MIA, MAX = "ada@acme.test", "bill@acme.test", "mia@acme.test", "max@acme.test"
SUPPORT = ("--as", "support", "--reason", "ticket 9", "--account", "acme")


@pytest.fixture(autouse=True)
def _agent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FPCTL_AGENT", "sam")


def project(cli: Cli, *args: str, actor: tuple[str, ...] | str = ()) -> Any:
    who = ("--as", actor) if isinstance(actor, str) else actor
    return cli("project", *args, *who, "-o", "json")


def made(cli: Cli, name: str, actor: str, *flags: str) -> int:
    result = project(cli, "create", name, *flags, actor=actor)
    assert result.exit_code == 0, result.stderr
    return result.json["id"]


def ids(cli: Cli, actor: tuple[str, ...] | str) -> set[int]:
    result = project(cli, "list", actor=actor)
    assert result.exit_code == 0, result.stderr
    return {row["id"] for row in result.json}


def my_projects(cli: Cli) -> dict[str, int]:
    rows = project(cli, "list", actor=("--account", "acme")).json
    return {row["owner"]: row["id"] for row in rows if row["kind"] == "my"}


def audited(cli: Cli) -> list[tuple[str, str, str]]:
    records = cli("audit", "list", "--action", "project.*", "-o", "json").json
    return [(r["action"], r["target"], r["actor"]) for r in records]


def state(cli: Cli) -> dict[str, Any]:
    """Every row of the store: what a refusal (or a rolled-back run) must leave alone."""
    return store_state()


def shown(id_: int, name: str, kind: str, owner: str, **values: Any) -> dict[str, Any]:
    view = {
        "id": id_,
        "name": name,
        "kind": kind,
        "status": "active",
        "owner": owner,
        "shared_with_all": False,
        "collaborators": [],
        "orders": 0,
        "spend_cents": 0,
        "account": "acme",
        "created_at": NOW,
        "archived_at": None,
        "order_ids": [],
    }
    view.update(values)
    return view


@pytest.fixture
def layout(cli: Cli, team: Any) -> dict[str, int]:
    """mia owns a public project, a private one with max and a private one alone."""
    found = my_projects(cli)
    found["public"] = made(cli, "Launch", MIA)
    found["with_max"] = made(cli, "Rebrand", MIA, "--private")
    found["alone"] = made(cli, "Secret", MIA, "--private")
    assert project(cli, "add-member", str(found["with_max"]), MAX, actor=MIA).exit_code == 0
    return found


# -- my-projects ------------------------------------------------------------------------------


def test_every_member_has_a_my_project(cli: Cli, team: Any) -> None:
    rows = project(cli, "list", actor=("--account", "acme")).json
    assert [(r["name"], r["kind"], r["owner"], r["collaborators"]) for r in rows] == [
        ("my-project", "my", email, 0) for email in (ADA, BILL, MIA, MAX)
    ]


def test_a_member_who_accepts_an_invitation_gets_a_my_project(cli: Cli, team: Any) -> None:
    token = cli("team", "invite", "zoe@acme.test", "--as", ADA, "-o", "json").json["token"]
    assert cli("team", "accept", token, "--name", "Zoe").exit_code == 0
    rows = project(cli, "list", actor="zoe@acme.test").json
    assert [(r["name"], r["kind"], r["owner"]) for r in rows] == [
        ("my-project", "my", "zoe@acme.test")
    ]


def test_a_my_project_takes_no_collaborators_and_is_never_shared(
    cli: Cli, layout: dict[str, int]
) -> None:
    before = state(cli)
    mine = str(layout[MIA])
    for args in (("add-member", mine, MAX), ("share", mine)):
        result = project(cli, *args, actor=MIA)
        assert result.exit_code == 5
        assert result.error["code"] == "personal_project"
    assert state(cli) == before


# -- create -----------------------------------------------------------------------------------


def test_create_a_public_project(cli: Cli, team: Any) -> None:
    result = project(cli, "create", "Launch", actor=MAX)

    assert result.exit_code == 0, result.stderr
    assert result.json == shown(5, "Launch", "public", MAX)
    assert audited(cli) == [("project.create", "project:5 Launch", MAX)]


def test_create_a_private_project(cli: Cli, team: Any) -> None:
    assert project(cli, "create", "Budget", "--private", actor=BILL).json == shown(
        5, "Budget", "private", BILL
    )


def test_support_creates_a_project(cli: Cli, team: Any) -> None:
    result = project(cli, "create", "Onboarding", actor=SUPPORT)
    assert result.exit_code == 0, result.stderr
    assert result.json["owner"] == "support:sam"


def test_create_needs_an_actor(cli: Cli, team: Any) -> None:
    result = project(cli, "create", "Launch", actor=("--account", "acme"))
    assert result.exit_code == 2
    assert "needs an actor" in result.stderr


def test_an_empty_name_is_a_usage_error(cli: Cli, team: Any) -> None:
    assert project(cli, "create", " ", actor=MIA).exit_code == 2


def test_my_project_is_a_reserved_name(cli: Cli, team: Any) -> None:
    result = project(cli, "create", "my-project", actor=MIA)
    assert (result.exit_code, result.error["code"]) == (5, "reserved_name")


def test_dry_run_creates_nothing(cli: Cli, team: Any) -> None:
    before = state(cli)
    result = project(cli, "create", "Launch", "--dry-run", actor=MIA)

    assert result.exit_code == 0
    assert result.json["name"] == "Launch"
    assert "dry run: nothing was changed" in result.stderr
    assert state(cli) == before


def test_a_deactivated_member_can_do_nothing(cli: Cli, layout: dict[str, int]) -> None:
    assert cli("team", "deactivate", MAX, "--as", ADA).exit_code == 0
    before = state(cli)
    for args in (
        ("create", "Nope"),
        ("list",),
        ("show", str(layout["public"])),
        ("add-member", str(layout["public"]), MAX),
    ):
        result = project(cli, *args, actor=MAX)
        assert result.exit_code == 4, args
        assert result.error["code"] == "permission_denied"
    assert state(cli) == before


def test_a_freelancer_cannot_create_or_list_projects(cli: Cli, team: Any) -> None:
    assert cli("freelancer", "add", "lena", "--as", "support", "--reason", "x").exit_code == 0
    lena = ("--as", "@lena", "--account", "acme")
    before = state(cli)
    for args in (("create", "Nope"), ("list",), ("show", "1")):
        result = project(cli, *args, actor=lena)
        assert result.exit_code == 4, args
    assert state(cli) == before


# -- list and show ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "sees"),
    [
        (ADA, "everything"),
        (BILL, "everything"),
        (MIA, (MIA, "public", "with_max", "alone")),
        (MAX, (MAX, "public", "with_max")),
    ],
)
def test_list_shows_what_the_actor_sees(
    cli: Cli, layout: dict[str, int], actor: str, sees: Any
) -> None:
    expected = set(layout.values()) if sees == "everything" else {layout[k] for k in sees}
    assert ids(cli, actor) == expected


def test_list_with_no_actor_or_as_support_shows_the_whole_account(
    cli: Cli, layout: dict[str, int]
) -> None:
    assert ids(cli, ("--account", "acme")) == set(layout.values())
    assert ids(cli, SUPPORT) == set(layout.values())


def test_list_rows_count_collaborators(cli: Cli, layout: dict[str, int]) -> None:
    rows = project(cli, "list", actor=MAX).json
    row = next(r for r in rows if r["id"] == layout["with_max"])
    assert row == {
        "id": layout["with_max"],
        "name": "Rebrand",
        "kind": "private",
        "status": "active",
        "owner": MIA,
        "shared_with_all": False,
        "collaborators": 1,
        "orders": 0,
        "spend_cents": 0,
        "account": "acme",
        "created_at": NOW,
        "archived_at": None,
    }


def test_list_as_a_table(cli: Cli, layout: dict[str, int]) -> None:
    result = cli("project", "list", "--as", MAX)
    assert result.exit_code == 0, result.stderr
    assert "Projects of acme" in result.stdout
    assert "SPEND" in result.stdout and "Rebrand" in result.stdout
    assert "Secret" not in result.stdout


def test_show_a_project(cli: Cli, layout: dict[str, int]) -> None:
    result = project(cli, "show", str(layout["with_max"]), actor=MAX)
    assert result.exit_code == 0, result.stderr
    assert result.json == shown(layout["with_max"], "Rebrand", "private", MIA, collaborators=[MAX])
    table = cli("project", "show", str(layout["with_max"]), "--as", MAX)
    assert "Project 6: Rebrand" in table.stdout and "order ids" in table.stdout


@pytest.mark.parametrize("hidden", [MIA, "alone"])
def test_a_hidden_project_is_not_found(cli: Cli, layout: dict[str, int], hidden: str) -> None:
    result = project(cli, "show", str(layout[hidden]), actor=MAX)
    assert (result.exit_code, result.error["code"]) == (3, "not_found")


def test_an_unknown_project_is_not_found(cli: Cli, team: Any) -> None:
    assert project(cli, "show", "999", actor=ADA).exit_code == 3


def test_another_accounts_project_is_not_found(cli: Cli, layout: dict[str, int]) -> None:
    assert cli("account", "create", "Beta", "--admin", "bo@beta.test").exit_code == 0
    public = str(layout["public"])
    for args in (("show", public), ("add-member", public, "bo@beta.test"), ("share", public)):
        assert project(cli, *args, actor="bo@beta.test").exit_code == 3, args


# -- add-member -----------------------------------------------------------------------------------


def test_a_member_joins_a_public_project(cli: Cli, layout: dict[str, int]) -> None:
    result = project(cli, "add-member", str(layout["public"]), MAX, actor=MAX)

    assert result.exit_code == 0, result.stderr
    assert result.json["collaborators"] == [MAX]
    assert audited(cli)[-1] == ("project.add_member", f"project:{layout['public']} Launch", MAX)


def test_adding_a_collaborator_again_changes_nothing(cli: Cli, layout: dict[str, int]) -> None:
    before = state(cli)
    result = project(cli, "add-member", str(layout["with_max"]), MAX, actor=MIA)

    assert result.exit_code == 0
    assert result.json["collaborators"] == [MAX]
    assert "already in project" in result.stderr
    assert state(cli) == before


@pytest.mark.parametrize("actor", [BILL, MAX])
def test_only_the_owner_adds_to_a_private_project(
    cli: Cli, layout: dict[str, int], actor: str
) -> None:
    before = state(cli)
    result = project(cli, "add-member", str(layout["with_max"]), BILL, actor=actor)
    assert (result.exit_code, result.error["code"]) == (4, "permission_denied")
    assert state(cli) == before


def test_support_adds_to_a_private_project(cli: Cli, layout: dict[str, int]) -> None:
    result = project(cli, "add-member", str(layout["alone"]), BILL, actor=SUPPORT)
    assert result.exit_code == 0, result.stderr
    assert result.json["collaborators"] == [BILL]


def test_an_inactive_or_unknown_member_cannot_be_added(cli: Cli, layout: dict[str, int]) -> None:
    assert cli("team", "deactivate", MAX, "--as", ADA).exit_code == 0
    before = state(cli)
    inactive = project(cli, "add-member", str(layout["alone"]), MAX, actor=MIA)
    unknown = project(cli, "add-member", str(layout["alone"]), "zed@acme.test", actor=MIA)
    malformed = project(cli, "add-member", str(layout["alone"]), "not-an-email", actor=MIA)

    assert (inactive.exit_code, inactive.error["code"]) == (5, "member_inactive")
    assert (unknown.exit_code, unknown.error["code"]) == (3, "not_found")
    assert malformed.exit_code == 2
    assert state(cli) == before


def test_add_member_dry_run_changes_nothing(cli: Cli, layout: dict[str, int]) -> None:
    before = state(cli)
    result = project(cli, "add-member", str(layout["alone"]), MAX, "--dry-run", actor=MIA)
    assert result.exit_code == 0
    assert result.json["collaborators"] == [MAX]
    assert state(cli) == before


# -- share ---------------------------------------------------------------------------------


def test_share_a_private_project_once(cli: Cli, layout: dict[str, int]) -> None:
    alone = str(layout["alone"])
    first = project(cli, "share", alone, actor=MIA)
    before = state(cli)
    again = project(cli, "share", alone, actor=MIA)

    assert first.exit_code == 0 and first.json["shared_with_all"] is True
    assert again.exit_code == 0 and again.json["shared_with_all"] is True
    assert "already shared with all members: nothing changed" in again.stderr
    assert state(cli) == before
    assert audited(cli)[-1] == ("project.share", f"project:{alone} Secret", MIA)
    assert layout["alone"] in ids(cli, MAX)


def test_sharing_a_public_project_changes_nothing(cli: Cli, layout: dict[str, int]) -> None:
    before = state(cli)
    result = project(cli, "share", str(layout["public"]), actor=MAX)
    assert result.exit_code == 0
    assert result.json["shared_with_all"] is False
    assert "is public" in result.stderr
    assert state(cli) == before


@pytest.mark.parametrize("actor", [BILL, MAX])
def test_only_the_owner_shares_a_private_project(
    cli: Cli, layout: dict[str, int], actor: str
) -> None:
    result = project(cli, "share", str(layout["with_max"]), actor=actor)
    assert (result.exit_code, result.error["code"]) == (4, "permission_denied")


def test_share_dry_run_changes_nothing(cli: Cli, layout: dict[str, int]) -> None:
    before = state(cli)
    result = project(cli, "share", str(layout["alone"]), "--dry-run", actor=MIA)
    assert result.exit_code == 0 and result.json["shared_with_all"] is True
    assert state(cli) == before
