"""fpctl audit: the trail of every change, and its hash-chain check."""

from __future__ import annotations

from typing import Annotated

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command, group

app = group("audit", "The audit trail.")


@command(app, "list", lists=True)
def list_(
    run: Invocation,
    action: Annotated[
        str | None, typer.Option(help="An action (role.set) or a prefix (team.*).")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Who acted: an email, @username, support:AGENT or system.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="From this ISO date or time.")
    ] = None,
) -> None:
    """List audit records, oldest first."""
    from fpctl.clock import parse_instant
    from fpctl.services import audit_trail
    from fpctl.views.audit import AUDIT_COLUMNS, audit_view

    where = audit_trail.AuditFilter(
        action=action, actor=actor, since=parse_instant(since) if since else None
    )
    with run.work(write=False) as ctx:
        rows = (audit_view(record, slug) for record, slug in audit_trail.list_records(ctx, where))
        run.emit(rows, table_columns=AUDIT_COLUMNS, title="Audit trail")


@command(app, "verify")
def verify(run: Invocation) -> None:
    """Check the hash chain: exit 5 naming the first bad record when it is broken."""
    from fpctl.errors import RuleViolation
    from fpctl.services import audit

    with run.work(write=False, settle=False) as ctx:
        broken, count, head = audit.verify(ctx.session)
    if broken is not None:
        raise RuleViolation(
            f"the audit trail is broken at record {broken.record_id}: {broken.problem}",
            hint="records before it are intact; restore a good backup: fpctl db restore FILE --yes",
            code="audit_broken",
        )
    run.emit({"ok": True, "records": count, "head": head})
    run.note("keep the head hash somewhere else: only it can show a fully rewritten trail")
