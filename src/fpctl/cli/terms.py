"""The options that say what is bought, shared by ``order place`` and ``offer send``: the
same terms, read the same way, whether a buyer orders them or a freelancer offers them."""

from __future__ import annotations

from typing import Annotated

import typer

from fpctl.cli.numbers import COUNT

Milestones = Annotated[
    list[str] | None,
    typer.Option("--milestone", metavar="TITLE=AMOUNT", help="A milestone (give 2 to 5)."),
]
Hourly = Annotated[
    bool, typer.Option("--hourly/--no-hourly", help="Hourly terms (Pro freelancers only).")
]
Rate = Annotated[str | None, typer.Option("--rate", metavar="AMOUNT", help="Hourly rate.")]
WeeklyLimit = Annotated[
    int | None,
    typer.Option("--weekly-limit", metavar="H", parser=COUNT, help="Weekly hour limit (hourly)."),
]
Estimate = Annotated[
    int | None,
    typer.Option(
        "--estimate", metavar="H", parser=COUNT, help="Estimated hours, at least 8 (hourly)."
    ),
]
