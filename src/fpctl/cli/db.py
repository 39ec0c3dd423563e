"""fpctl db: where the store is, upgrade it, back it up, check it."""

from __future__ import annotations

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command, group

app = group("db", "The store: path, upgrade, backup, check.")


@command(app, "path")
def path(run: Invocation) -> None:
    """Print where the store is (the SQLite file, or the database URL)."""
    location = run.location()
    run.emit({"path": str(location.path) if location.path else None, "url": location.url})
