"""fpctl audit: the trail of every change, and its hash-chain check."""

from __future__ import annotations

from typing import Annotated

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command, group

app = group("audit", "The audit trail.")


@command(
    app,
    "list",
    lists=True,
    examples=(
        "fpctl audit list --account acme-studio --actor support --since 2026-11-01",
        "fpctl audit list --account acme-studio --target order:27 --action order",
        "fpctl audit list --agent sam -o json",
    ),
)
def list_(
    run: Invocation,
    action: Annotated[
        str | None,
        typer.Option(
            metavar="ACTION",
            help="One action (role.set), or every action of a group (order: every order.*).",
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            metavar="ACTOR",
            help="Who acted: an email, @username, support:AGENT; or every one of a kind "
            "(support, member, freelancer, system); a trailing * for a prefix.",
        ),
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="The operator who ran the command (FPCTL_AGENT or the login name), "
            "whoever it acted as.",
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            metavar="KIND:ID",
            help="One object changed: order:27 (with its notes, comments and requests), "
            "invitation:4, member:2, account:acme.",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="From this ISO date or time.")
    ] = None,
    reverse: Annotated[
        bool,
        typer.Option(
            "--reverse",
            help="Flip the order: oldest first in a table, newest "
            "first in json, ndjson, csv and tsv.",
        ),
    ] = False,
) -> None:
    """List audit records: newest first in a table, changes as field: old → new. JSON,
    NDJSON, CSV and TSV keep the chain's order, oldest first, with changes as data.
    """
    from fpctl.clock import parse_instant
    from fpctl.services import audit_trail
    from fpctl.views.audit import AUDIT_COLUMNS, for_people, row_views

    machine = not run.for_people  # scripts keep the chain's order, oldest first
    where = audit_trail.AuditFilter(
        action=action,
        actor=actor,
        agent=agent,
        target=target,
        since=parse_instant(since) if since else None,
        newest_first=machine == reverse,
    )
    separator = "; " if run.output == "markdown" else "\n"
    with run.work(write=False) as ctx:
        records = audit_trail.list_rows(ctx, where)
        views = row_views(records, audit_trail.ROW_COLUMNS)
        rows = views if machine else (for_people(v, separator=separator) for v in views)
        run.emit(rows, table_columns=AUDIT_COLUMNS, title="Audit trail")


@command(
    app,
    "verify",
    examples=(
        "fpctl audit verify",
        "fpctl audit verify --head > anchor.txt",
        'fpctl audit verify --expect "$(cat anchor.txt)"',
    ),
)
def verify(
    run: Invocation,
    expect: Annotated[
        str | None,
        typer.Option(
            metavar="N:HASH",
            help="An anchor written down earlier: fail unless the trail still extends it.",
        ),
    ] = None,
    head: Annotated[
        bool, typer.Option("--head", help="Print only the anchor, N:HASH, for a log or ticket.")
    ] = False,
) -> None:
    """Check the hash chain: exit 5 naming the first bad record when it is broken, or when
    the trail no longer extends an anchor given with --expect (records cut from its end):
    write the anchor down first, with --head.
    """
    from fpctl.errors import RuleViolation
    from fpctl.services import audit

    wanted = audit.parse_anchor(expect) if expect is not None else None
    with run.work(write=False, settle=False) as ctx:
        broken, count, last = audit.verify(ctx.session)
        cut = audit.cut_before(ctx.session, wanted) if wanted is not None else None
    if broken is not None:
        raise RuleViolation(
            f"the audit trail is broken at record {broken.record_id}: {broken.problem}",
            hint="records before it are intact; restore a good backup: fpctl db restore FILE --yes",
            code="audit_broken",
        )
    if cut is not None:
        raise RuleViolation(
            f"the audit trail no longer extends {expect}: {cut}",
            hint="records were cut from its end or rewritten; restore a good backup",
            code="audit_cut",
        )
    anchor = audit.anchor(count, last)
    if head:  # what to write down: the anchor alone at a terminal, with its parts in JSON
        if run.for_people:
            print(anchor)
        else:
            run.emit({"records": count, "head": last, "anchor": anchor})
        return
    run.emit({"ok": True, "records": count, "head": last})
    run.note("write the anchor down elsewhere:")
    run.note(anchor)  # a line of its own: 67+ characters that must not wrap mid-token
    run.note("later, `fpctl audit verify --expect ANCHOR` proves no record up to it was cut")
