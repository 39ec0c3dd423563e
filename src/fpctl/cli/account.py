"""fpctl account: create (sign-up), list, show, find, update."""

from __future__ import annotations

from typing import Annotated

import typer

from fpctl.cli.completion import complete_accounts
from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command, group
from fpctl.domain.enums import Plan

app = group("account", "Pro accounts: sign-up, details.")


@command(
    app,
    "create",
    writes=True,
    examples=(
        'fpctl account create "Acme Studio" --admin ada@acme.test --slug acme-studio',
        'fpctl account create "Beta Labs" --admin bo@beta.test --plan advanced',
    ),
)
def create(
    run: Invocation,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The team's display name.")],
    admin: Annotated[str, typer.Option("--admin", metavar="EMAIL", help="The admin's email.")],
    admin_name: Annotated[
        str | None, typer.Option(metavar="NAME", help="The admin's full name.")
    ] = None,
    slug: Annotated[
        str | None, typer.Option(metavar="SLUG", help="URL-safe id (default: from NAME).")
    ] = None,
    plan: Annotated[Plan, typer.Option(help="Starting plan.")] = Plan.BASIC,
) -> None:
    """Create an account and its admin in one step (the sign-up flow support runs)."""
    from fpctl.services.team import accounts
    from fpctl.views.team import account_view

    with run.work(write=True) as ctx:
        account = accounts.create(
            ctx, name=name, admin_email=admin, admin_name=admin_name, slug=slug, plan=plan
        )
        view = account_view(account, members=1)
    run.emit(view)


@command(
    app,
    "list",
    lists=True,
    examples=(
        'fpctl account list --as support --reason "ticket 4821"',
        'fpctl account list -o csv --all --as support --reason "monthly report"',
    ),
)
def list_(run: Invocation) -> None:
    """List accounts (a member sees only their own, without its balance and credits)."""
    from fpctl.domain.permissions import Action, allows
    from fpctl.services.team import accounts
    from fpctl.views.team import ACCOUNT_COLUMNS, account_view

    with run.work(write=False) as ctx:
        billing = allows(ctx.actor, Action.BILLING_INVOICES)
        found = accounts.list_accounts_with_seats(ctx)
        rows = found.map(
            lambda found: account_view(found[0], members=found[1], shows_billing=billing)
        )
        run.emit(rows, table_columns=ACCOUNT_COLUMNS)


@command(
    app,
    "show",
    examples=(
        "fpctl account show northwind-traders",
        "fpctl account show elena.berg@northwind-traders.test -o json",
    ),
)
def show(
    run: Invocation,
    slug: Annotated[
        str | None,
        typer.Argument(
            metavar="[SLUG|EMAIL]",
            help="The account's slug, or the email of one of its members (default: "
            "--account or the actor's).",
            autocompletion=complete_accounts,
        ),
    ] = None,
) -> None:
    """Show the account's dashboard: details, plan, rewards, team, and what waits on it.
    Given a member's email, the account where that email holds a seat (an active or
    deactivated member); `fpctl account find` also finds former members, names and
    companies.
    """
    from fpctl.services import dashboard
    from fpctl.views.dashboard import dashboard_view, for_people

    with run.work(write=False) as ctx:
        view = dashboard_view(dashboard.show(ctx, slug))
    # The view, not the ORM object: the session is closed here and the account expired.
    if run.for_people:
        view = for_people(view)
    run.emit(view, title=f"{view['name']} ({view['slug']})")


@command(
    app,
    "find",
    lists=True,
    examples=(
        "fpctl account find elena.berg@",
        "fpctl account find northwind -o json",
    ),
)
def find(
    run: Invocation,
    text: Annotated[
        str,
        typer.Argument(
            metavar="TEXT",
            help="Part of a member's email or name, or of an account's slug, name or company.",
        ),
    ],
) -> None:
    """Find accounts by a member's email or name (any status), or by the account's slug,
    name or company: any case, any part. One row per account, with what matched.
    """
    from fpctl.services.team import finding
    from fpctl.views.finding import FOUND_COLUMNS, for_people, found_view

    with run.work(write=False) as ctx:
        rows = [found_view(found) for found in finding.find(ctx, text)]
    if not rows:
        run.note(f"no account matches {text.strip()!r}")
    separator = "; " if run.output == "markdown" else "\n"
    shown = [for_people(row, separator=separator) for row in rows] if run.for_people else rows
    run.emit(shown, table_columns=FOUND_COLUMNS)


@command(
    app,
    "update",
    writes=True,
    examples=(
        'fpctl account update --name "Acme Studio Ltd" --as ada@acme.test',
        "fpctl account update --website https://acme.test --industry Design",
    ),
)
def update(
    run: Invocation,
    name: Annotated[str | None, typer.Option(metavar="NAME", help="New display name.")] = None,
    company: Annotated[str | None, typer.Option(metavar="NAME", help="Company name.")] = None,
    website: Annotated[str | None, typer.Option(metavar="URL", help="Website.")] = None,
    industry: Annotated[str | None, typer.Option(metavar="TEXT", help="Industry.")] = None,
) -> None:
    """Change the account's name or business details (admin)."""
    from fpctl.services.team import accounts
    from fpctl.views.team import account_view

    with run.work(write=True) as ctx:
        account, unchanged = accounts.update(
            ctx, name=name, company=company, website=website, industry=industry
        )
        view = account_view(account)
    run.emit_change(
        view,
        unchanged=unchanged,
    )
