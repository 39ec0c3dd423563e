"""fpctl project: my-projects, public and private projects (SPEC §1.6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fpctl.cli.completion import complete_members, complete_projects
from fpctl.cli.invocation import Invocation
from fpctl.cli.numbers import ID
from fpctl.cli.options import command, group

if TYPE_CHECKING:
    from fpctl.services.context import Context
    from fpctl.store.tables import Project
    from fpctl.views.projects import View

app = group("project", "Projects: every member's my-project, public and private projects.")

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
    examples=("fpctl project list --as mia@acme.test",),
)
def list_(run: Invocation) -> None:
    """List the projects the actor sees, oldest first (every project with no --as)."""
    from fpctl.services.team import projects
    from fpctl.views.projects import PROJECT_COLUMNS, project_row

    with run.work(write=False) as ctx:
        slug = ctx.the_account.slug
        rows = (project_row(summary, slug) for summary in projects.list_projects(ctx))
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
    join); only the owner adds collaborators to a private one. My-projects have none."""
    from fpctl.services.team import projects

    with run.work(write=True) as ctx:
        project, unchanged = projects.add_member(ctx, project_id, email)
        view = _view(ctx, project)
    _emit_project(run, view, unchanged=unchanged)


@command(
    app,
    "share",
    writes=True,
    examples=("fpctl project share 3 --as mia@acme.test",),
)
def share(run: Invocation, project_id: ProjectId) -> None:
    """Share a private project with all members (owner only; one-way: it cannot be undone)."""
    from fpctl.services.team import projects

    with run.work(write=True) as ctx:
        project, unchanged = projects.share(ctx, project_id)
        view = _view(ctx, project)
    _emit_project(run, view, unchanged=unchanged)
