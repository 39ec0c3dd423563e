"""fpctl project: my-projects, public and private projects (SPEC §1.6)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from fpctl.cli.completion import complete_members, complete_projects
from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import ID
from fpctl.cli.options import command, group

if TYPE_CHECKING:
    from collections.abc import Callable

    from fpctl.services.context import Context
    from fpctl.store.tables import Project
    from fpctl.views.projects import View

app = group("project", "Projects: every member's my-project, public and private projects.")


class Shown(StrEnum):
    """Which projects `project list` shows, by status."""

    ACTIVE = "active"
    ARCHIVED = "archived"
    ALL = "all"


ProjectId = Annotated[
    int,
    typer.Argument(
        metavar="ID", parser=ID, help="The project's id.", autocompletion=complete_projects
    ),
]


def _view(ctx: Context, project: Project) -> View:
    from fpctl.services.team import projects
    from fpctl.views.projects import project_view

    return project_view(projects.detail(ctx.session, project), ctx.the_account.slug)


def _emit_project(run: Invocation, view: View, *, unchanged: str | None = None) -> None:
    from fpctl.views.projects import PROJECT_SHOW_COLUMNS

    title = f"Project {view['id']}: {view['name']}"
    run.emit_change(view, unchanged=unchanged, table_columns=PROJECT_SHOW_COLUMNS, title=title)


def _change(run: Invocation, change: Callable[[Context], tuple[Project, str | None]]) -> None:
    """Run one change to a project and print the project, or why nothing changed."""
    with run.work(write=True) as ctx:
        project, unchanged = change(ctx)
        view = _view(ctx, project)
    _emit_project(run, view, unchanged=unchanged)


@command(
    app,
    "create",
    writes=True,
    examples=(
        'fpctl project create "Spring launch" --as ada@acme.test',
        'fpctl project create "Board deck" --private --as mia@acme.test',
    ),
)
def create(
    run: Invocation,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The project's name.")],
    private: Annotated[
        bool,
        typer.Option(
            "--private", help="Visible to its collaborators only (default: public, all members)."
        ),
    ] = False,
) -> None:
    """Create a project owned by the acting member: public, or private with --private."""
    from fpctl.services.team import projects

    with run.work(write=True) as ctx:
        project = projects.create(ctx, name, private=private)
        view = _view(ctx, project)
    _emit_project(run, view)


@command(
    app,
    "list",
    lists=True,
    examples=(
        "fpctl project list --as mia@acme.test",
        "fpctl project list --status archived -o json",
    ),
)
def list_(
    run: Invocation,
    status: Annotated[
        Shown,
        typer.Option(
            help="active (the default), archived, or all: active and archived alike.",
            case_sensitive=False,
        ),
    ] = Shown.ACTIVE,
) -> None:
    """List the projects the actor sees, oldest first (every project with no --as).
    Archived projects are left out unless --status archived or all asks for them."""
    from fpctl.domain.enums import ProjectStatus
    from fpctl.services.team import projects
    from fpctl.views.projects import PROJECT_COLUMNS, project_row

    wanted = None if status is Shown.ALL else ProjectStatus(status.value)
    with run.work(write=False) as ctx:
        slug = ctx.the_account.slug
        listed = projects.list_projects(ctx, wanted)
        rows = (project_row(summary, slug) for summary in listed)
        run.emit(rows, table_columns=PROJECT_COLUMNS, title=f"Projects of {slug}")


@command(
    app,
    "show",
    examples=(
        "fpctl project show 3",
        "fpctl project show 3 -o json",
    ),
)
def show(run: Invocation, project_id: ProjectId) -> None:
    """Show a project: its collaborators, orders and spend."""
    from fpctl.services.team import projects
    from fpctl.views.projects import project_view

    with run.work(write=False) as ctx:
        view = project_view(projects.show(ctx, project_id), ctx.the_account.slug)
    _emit_project(run, view)


@command(
    app,
    "add-member",
    writes=True,
    examples=("fpctl project add-member 3 mia@acme.test --as ada@acme.test",),
)
def add_member(
    run: Invocation,
    project_id: ProjectId,
    email: Annotated[
        str,
        typer.Argument(
            metavar="EMAIL",
            help="An active member of the account.",
            autocompletion=complete_members,
        ),
    ],
) -> None:
    """Add a member to a project. Anyone may add to a public project (add yourself to
    join); a private one's owner, the admin and support add its collaborators.
    My-projects have none; archived projects take no new member."""
    from fpctl.services.team import projects

    _change(run, lambda ctx: projects.add_member(ctx, project_id, email))


@command(
    app,
    "share",
    writes=True,
    examples=("fpctl project share 3 --as mia@acme.test",),
)
def share(run: Invocation, project_id: ProjectId) -> None:
    """Share a private project with all members (its owner, the admin or support; one-way:
    it cannot be undone)."""
    from fpctl.services.team import projects

    _change(run, lambda ctx: projects.share(ctx, project_id))


Email = Annotated[
    str,
    typer.Argument(
        metavar="EMAIL", help="A member of the account.", autocompletion=complete_members
    ),
]


@command(
    app,
    "remove-member",
    writes=True,
    examples=("fpctl project remove-member 3 max@acme.test --as mia@acme.test",),
)
def remove_member(run: Invocation, project_id: ProjectId, email: Email) -> None:
    """Take a collaborator off a project (its owner, the admin or support). The owner
    cannot be removed; someone not in the project is reported unchanged."""
    from fpctl.services.team import projects

    _change(run, lambda ctx: projects.remove_member(ctx, project_id, email))


@command(
    app,
    "rename",
    writes=True,
    examples=('fpctl project rename 3 "Autumn launch" --as ada@acme.test',),
)
def rename(
    run: Invocation,
    project_id: ProjectId,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The project's new name.")],
) -> None:
    """Rename a project (its owner, the admin or support). A my-project keeps its name."""
    from fpctl.services.team import projects

    _change(run, lambda ctx: projects.rename(ctx, project_id, name))


@command(
    app,
    "archive",
    writes=True,
    examples=("fpctl project archive 3 --as ada@acme.test",),
)
def archive(run: Invocation, project_id: ProjectId) -> None:
    """Archive a project (its owner, the admin or support): it keeps its orders, which go
    on, and takes no new order or member until unarchived. My-projects are never archived."""
    from fpctl.services.team import projects

    _change(run, lambda ctx: projects.archive(ctx, project_id))


@command(
    app,
    "unarchive",
    writes=True,
    examples=("fpctl project unarchive 3 --as ada@acme.test",),
)
def unarchive(run: Invocation, project_id: ProjectId) -> None:
    """Make an archived project active again (its owner, the admin or support)."""
    from fpctl.services.team import projects

    _change(run, lambda ctx: projects.unarchive(ctx, project_id))
