"""fpctl order files | download: the files delivered with an order (issue 14). Delivering
them is ``order deliver ID --file PATH`` (cli/order.py). Registered on the `order` group."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Annotated

import typer

from fpctl.cli.invocation import Invocation
from fpctl.cli.options import command
from fpctl.cli.order_base import OrderId, app


@command(
    app,
    "files",
    lists=True,
    examples=(
        "fpctl order files 27 --as mia@acme.test",
        "fpctl order files 27 --as @lena.design -o json",
    ),
)
def files(run: Invocation, order_id: OrderId) -> None:
    """List the files delivered with an order, oldest first: name, size, SHA-256, and the
    delivery that brought them (`revision`: revisions asked for before it)."""
    from fpctl.services.orders import delivery_files
    from fpctl.views.delivery_files import FILE_COLUMNS, file_view

    with run.work(write=False) as ctx:
        rows = delivery_files.files(ctx, order_id).map(file_view)
        run.emit(rows, table_columns=FILE_COLUMNS, title=f"Files of order {order_id}")


@command(
    app,
    "download",
    examples=(
        "fpctl order download 27 --to ./delivered --as mia@acme.test",
        "fpctl order download 27 logo.png --to . --force --as mia@acme.test",
        "fpctl order download 27 12 --to ~/Downloads -o json",
    ),
)
def download(
    run: Invocation,
    order_id: OrderId,
    file: Annotated[
        str | None,
        typer.Argument(
            metavar="[FILE]",
            help="One file, by id or name (a name: the newest file of that name). "
            "Default: every file of the order.",
            show_default=False,
        ),
    ] = None,
    to: Annotated[
        str,
        typer.Option("--to", metavar="DIR", help="The folder to write into (made if missing)."),
    ] = ".",
    force: Annotated[
        bool, typer.Option("--force", help="Replace files of the same name in DIR.")
    ] = False,
) -> None:
    """Download an order's delivered files into a folder, each checked against its SHA-256
    before and after it is written. All or nothing: an existing file is never replaced
    without --force."""
    from fpctl.services.orders import file_downloads
    from fpctl.views.delivery_files import WRITTEN_COLUMNS, written_view

    with run.work(write=False) as ctx:
        try:
            written = file_downloads.download(ctx, order_id, Path(to), which=file, force=force)
        except file_downloads.TargetExists as error:
            error.hint = _forced(run, order_id, file, to)
            raise
    if not written:
        run.note(f"order {order_id} has no delivered files: nothing was written")
    run.emit([written_view(w) for w in written], table_columns=WRITTEN_COLUMNS, title="Written")


def _forced(run: Invocation, order_id: int, file: str | None, to: str) -> str:
    """The same command with --force: it runs as written."""
    words = ["fpctl", "order", "download", str(order_id), *([file] if file else [])]
    words += ["--to", to, "--force"]
    for option, value in (("--as", run.as_), ("--reason", run.reason), ("--account", run.account)):
        if value:
            words += [option, value]
    if run.batch is None and run.db and run.db != os.environ.get("FPCTL_DB"):
        words += ["--db", run.db]
    return shlex.join(words)
