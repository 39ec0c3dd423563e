"""fpctl team: members, invitations and their life cycle (SPEC §1.2, §1.3)."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fpctl.cli.completion import complete_invitations, complete_members
from fpctl.cli.invocation import PROGRESS_MIN_ITEMS, Invocation
from fpctl.cli.options import command, group
from fpctl.domain.enums import InvitationStatus, MemberStatus, Role
from fpctl.domain.words import counted
from fpctl.errors import InvalidInput

if TYPE_CHECKING:
    from fpctl.domain.actors import Actor
    from fpctl.services.team.inviting import InviteRequest, InviteResult

app = group("team", "Members and invitations.")

MemberArg = Annotated[
    str,
    typer.Argument(metavar="EMAIL", help="The member's email.", autocompletion=complete_members),
]
InvitationArg = Annotated[
    str,
    typer.Argument(
        metavar="INVITATION",
        help="The invitation's id or email.",
        autocompletion=complete_invitations,
    ),
]
BULK_COLUMNS = ["email", "role", "result", "id", "status", "expires_at", "token", "error"]


@command(
    app,
    "list",
    lists=True,
    examples=(
        "fpctl team list --account northwind-traders",
        "fpctl team list --role billing_manager -o json",
    ),
)
def list_(
    run: Invocation,
    role: Annotated[Role | None, typer.Option(help="Only this role.")] = None,
    status: Annotated[MemberStatus | None, typer.Option(help="Only this status.")] = None,
) -> None:
    """List the account's members."""
    from fpctl.services.team import members
    from fpctl.views.team import MEMBER_COLUMNS, member_view

    with run.work(write=False) as ctx:
        slug = ctx.the_account.slug
        rows = members.list_members(ctx, role=role, status=status).map(
            lambda member: member_view(member, slug)
        )
        run.emit(rows, table_columns=MEMBER_COLUMNS, title=f"Members of {slug}")


#: Rows per transaction in a non-atomic bulk run: memory stays flat however long the input,
#: and a run cut short keeps whole chunks (a re-run reports them `unchanged`).
CHUNK_ROWS = 2000


def _requests(emails: list[str], role: Role, from_file: str | None) -> Iterator[InviteRequest]:
    from fpctl.cli import bulk
    from fpctl.services.team.inviting import InviteRequest

    for email in emails:
        yield InviteRequest(email, role)
    if from_file:
        for row in bulk.rows(bulk.read_text(from_file), key="email"):
            yield InviteRequest(row["email"], row.get("role") or role)


def _result_rows(actor: Actor, results: Iterable[InviteResult]) -> Iterator[dict[str, Any]]:
    """Each result as its output row, made as it is printed (after the commit)."""
    from fpctl.clock import iso
    from fpctl.services.team.invitations import token_shown

    shown = token_shown(actor)
    instants: dict[Any, str | None] = {}  # a run's new rows share one expiry: its text once
    for result in results:
        invitation, error = result.invitation, result.error
        row: dict[str, Any] = {"email": result.email, "role": str(result.role)}
        row["result"] = result.result
        if invitation is None:
            row |= {"id": None, "status": None, "expires_at": None, "token": None}
        else:
            expires_at = invitation.expires_at
            text = instants.get(expires_at)
            if text is None:
                text = instants[expires_at] = iso(expires_at)
            row["id"] = invitation.id
            row["status"] = invitation.status
            row["expires_at"] = text
            row["token"] = invitation.token if shown(invitation) else None
        row["error"] = error.as_dict() if error else None
        yield row


#: The roles an invitation carries. ``--role admin`` still reaches the service, whose
#: refusal says why (``invalid_role``: the admin role is transferred, never invited).
INVITED_ROLES = (Role.MEMBER, Role.BILLING_MANAGER)


def _invited_role(value: str | Role) -> Role:
    """``--role``: a role by its name; help and completion offer only ``INVITED_ROLES``."""
    if isinstance(value, Role):  # the default
        return value
    try:
        return Role(value)
    except ValueError:
        offered = ", ".join(repr(str(role)) for role in INVITED_ROLES)
        raise typer.BadParameter(f"{value!r} is not one of {offered}.") from None


@command(
    app,
    "invite",
    writes=True,
    lists=True,
    examples=(
        "fpctl team invite bea@acme.test max@acme.test --as ada@acme.test",
        "fpctl team invite bill@acme.test --role billing_manager --as ada@acme.test",
        "fpctl team invite --from-file people.csv --atomic --as ada@acme.test",
    ),
)
def invite(
    run: Invocation,
    emails: Annotated[
        list[str] | None, typer.Argument(metavar="[EMAIL...]", help="One or more emails.")
    ] = None,
    role: Annotated[
        Role,
        typer.Option(
            parser=_invited_role,
            metavar="<member|billing_manager>",
            help="member, or billing_manager (admin only).",
            autocompletion=lambda: [str(role) for role in INVITED_ROLES],
        ),
    ] = Role.MEMBER,
    from_file: Annotated[
        str | None,
        typer.Option(
            "--from-file",
            metavar="FILE|-",
            help="CSV with an email column (and optional role), or one email per line.",
        ),
    ] = None,
    atomic: Annotated[
        bool, typer.Option(help="All or nothing: any failure changes nothing.")
    ] = False,
) -> None:
    """Invite people. Re-inviting with the same role reports `unchanged`; another role
    supersedes the open invitation."""
    if len(emails or []) == 1 and not from_file:
        _invite_one(run, (emails or [])[0], role)
        return
    requests = _requests(emails or [], role, from_file)
    first = next(requests, None)
    if first is None:
        raise InvalidInput("give at least one EMAIL, or --from-file FILE (- for stdin)")
    requests = chain([first], requests)
    # Every object alive now (the imports) lives as long as the process: the collector need
    # not walk them again and again while a big run makes and drops rows (a tenth of its CPU).
    gc.freeze()
    with run.progress("inviting…", items=PROGRESS_MIN_ITEMS if from_file else len(emails or [])):
        if atomic or run.dry_run:  # one transaction, so the whole run is kept or undone
            run.emit_bulk(_invite_at_once(run, list(requests), atomic=atomic), columns=BULK_COLUMNS)
        else:
            run.emit_bulk(_invite_in_chunks(run, requests), columns=BULK_COLUMNS)


def _invite_one(run: Invocation, email: str, role: Role) -> None:
    """One address: its own error and exit code, and the invitation as the output."""
    from fpctl.services.team import invitations, inviting
    from fpctl.views.team import invitation_view

    with run.work(write=True) as ctx:
        result = inviting.invite(ctx, email, role)
        assert result.invitation is not None
        view = invitation_view(
            result.invitation,
            ctx.the_account.slug,
            show_token=invitations.token_visible(ctx, result.invitation),
        )
        view["result"] = result.result
    if view["result"] == "unchanged":
        run.note(f"{view['email']} already has this invitation: nothing changed")
    run.emit(view)


def _invite_in_chunks(
    run: Invocation, requests: Iterable[InviteRequest]
) -> Iterator[dict[str, Any]]:
    """Each chunk checked, written and committed before its rows are printed. What is due
    is settled once, before the first chunk: the run's own rows are not due for days."""
    from fpctl.services.team import inviting

    pending = iter(requests)
    first = True
    while chunk := list(islice(pending, CHUNK_ROWS)):
        with run.work(write=True, settle=first) as ctx:
            results = inviting.invite_many(ctx, chunk)
        first = False
        yield from _result_rows(ctx.actor, results)


def _invite_at_once(
    run: Invocation, requests: list[InviteRequest], *, atomic: bool
) -> list[dict[str, Any]]:
    from fpctl.errors import RuleViolation
    from fpctl.services.team import inviting

    with run.work(write=True) as ctx:
        results = inviting.invite_many(ctx, requests)
        rows = list(_result_rows(ctx.actor, results))
        failed = sum(1 for r in results if r.error is not None)
        if atomic and failed:
            for row in rows:
                if row["result"] in ("invited", "awaiting_approval"):  # undone: none of it stays
                    row |= {"result": "rolled_back", "id": None, "status": None}
                    row |= {"expires_at": None, "token": None}
            run.emit(rows, columns=BULK_COLUMNS)
            raise RuleViolation(
                f"{failed} of {counted(len(rows), 'row')} failed, "
                "so nothing was invited (--atomic)",
                code="atomic_failed",
            )
    return rows


@command(
    app,
    "invitations",
    lists=True,
    examples=("fpctl team invitations --status pending --as ada@acme.test",),
)
def invitations_(
    run: Invocation,
    status: Annotated[InvitationStatus | None, typer.Option(help="Only this status.")] = None,
) -> None:
    """List the account's invitations."""
    from fpctl.services.team import invitations
    from fpctl.views.team import INVITATION_COLUMNS, invitation_view

    with run.work(write=False) as ctx:
        slug = ctx.the_account.slug
        rows = invitations.list_invitations(ctx, status=status).map(
            lambda i: invitation_view(i, slug, show_token=invitations.token_visible(ctx, i))
        )
        run.emit(rows, table_columns=INVITATION_COLUMNS, title=f"Invitations of {slug}")


@command(
    app,
    "accept",
    writes=True,
    examples=('fpctl team accept "$TOKEN" --name "Mia Wong"',),
)
def accept(
    run: Invocation,
    token: Annotated[str, typer.Argument(metavar="TOKEN", help="The invitation's token.")],
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="Your full name.")],
) -> None:
    """Accept an invitation: join the account with the invited role (no --as needed)."""
    from fpctl.services.team import invitations
    from fpctl.views.team import member_view

    with run.work(write=True) as ctx:
        member, _ = invitations.accept(ctx, token, name)
        view = member_view(member, ctx.the_account.slug)
    run.emit(view)


def _invitation_change(run: Invocation, ref: str, verb: str) -> None:
    from fpctl.services.team import invitations
    from fpctl.views.team import invitation_view

    with run.work(write=True) as ctx:
        if verb == "withdraw":
            invitation, unchanged = invitations.withdraw(ctx, ref)
        else:
            invitation, unchanged = invitations.resend(ctx, ref), None
        view = invitation_view(
            invitation, ctx.the_account.slug, show_token=invitations.token_visible(ctx, invitation)
        )
    run.emit_change(
        view,
        unchanged=unchanged,
    )


@command(
    app,
    "withdraw",
    writes=True,
    examples=(
        "fpctl team withdraw zoe@acme.test --as ada@acme.test",
        "fpctl team withdraw 12 --as ada@acme.test",
    ),
)
def withdraw(run: Invocation, invitation: InvitationArg) -> None:
    """Withdraw an open invitation: its link stops working."""
    _invitation_change(run, invitation, "withdraw")


@command(
    app,
    "resend",
    writes=True,
    examples=("fpctl team resend zoe@acme.test --as ada@acme.test",),
)
def resend(run: Invocation, invitation: InvitationArg) -> None:
    """Send an invitation again; its 30-day expiry starts over."""
    _invitation_change(run, invitation, "resend")


def _member_change(run: Invocation, email: str, verb: str) -> None:
    from fpctl.services.team import members
    from fpctl.views.team import member_view

    change = {
        "deactivate": members.deactivate,
        "reactivate": members.reactivate,
        "remove": members.remove,
    }[verb]
    with run.work(write=True) as ctx:
        member, unchanged = change(ctx, email)
        view = member_view(member, ctx.the_account.slug)
    run.emit_change(
        view,
        unchanged=unchanged,
    )


@command(
    app,
    "deactivate",
    writes=True,
    examples=("fpctl team deactivate max@acme.test --as ada@acme.test",),
)
def deactivate(run: Invocation, email: MemberArg) -> None:
    """Deactivate a member (reversible): they can do nothing until reactivated."""
    _member_change(run, email, "deactivate")


@command(
    app,
    "reactivate",
    writes=True,
    examples=("fpctl team reactivate max@acme.test --as ada@acme.test",),
)
def reactivate(run: Invocation, email: MemberArg) -> None:
    """Reactivate a deactivated member."""
    _member_change(run, email, "reactivate")


@command(
    app,
    "remove",
    writes=True,
    examples=("fpctl team remove max@acme.test --yes --as ada@acme.test",),
)
def remove(run: Invocation, email: MemberArg) -> None:
    """Remove a member for good: the seat closes and the email is released."""
    from fpctl.services.team import members

    with run.work(write=False) as ctx:  # refuse before asking, not after
        would_change = members.check_remove(ctx, email)
    if would_change:
        run.confirm(f"Remove {email} from the account for good?")
    _member_change(run, email, "remove")


@command(
    app,
    "leave",
    writes=True,
    examples=("fpctl team leave --yes --as max@acme.test",),
)
def leave(run: Invocation) -> None:
    """Close your own seat (--as you). Your email can never be used again."""
    from fpctl.services.team import members
    from fpctl.views.team import member_view

    with run.work(write=False) as ctx:  # refuse before asking, not after
        members.check_leave(ctx)
    run.confirm("Leave the account? Your email can never be used on Pro again")
    with run.work(write=True) as ctx:
        member = members.leave(ctx)
        view = member_view(member, ctx.the_account.slug)
    run.emit(view)
