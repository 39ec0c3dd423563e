"""Start-up stays light (PERFORMANCE.md): `--version`, `--help` and a group's help load no
SQLAlchemy, SQLModel or Rich table. Each case runs fpctl in a fresh interpreter and lists
the modules loaded by the time it exits."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys

import pytest

from fpctl import __version__
from tests.conftest import Cli

HEAVY = ("sqlalchemy", "sqlmodel", "rich.table", "alembic")

# Runs fpctl's entry point; at exit prints the loaded modules as the last stderr line.
PROBE = """
import atexit, json, sys
atexit.register(lambda: sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n"))
from fpctl.cli.main import main
main(sys.argv[1:])
"""


def loaded_modules(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, set[str]]:
    """Run ``fpctl ARGS`` in a new interpreter: exit code, stdout, modules loaded."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("MODULES "), done.stderr
    return done.returncode, done.stdout, set(json.loads(last.removeprefix("MODULES ")))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


@pytest.mark.parametrize(
    "args",
    [["--version"], ["--help"], ["team", "--help"], ["team", "invite", "--help"], ["db", "--help"]],
    ids=" ".join,
)
def test_help_and_version_load_nothing_heavy(args: list[str]) -> None:
    code, out, modules = loaded_modules(*args)

    assert code == 0
    assert out.strip()
    assert heavy(modules) == []


def test_version_does_not_even_load_typer() -> None:
    code, out, modules = loaded_modules("--version")

    assert (code, out) == (0, f"fpctl {__version__}\n")
    assert "typer" not in modules


# -- one-row reads import only what they use ------------------------------------------------

#: Never on a one-row read from a SQLite store: the schema tooling, the PostgreSQL dialect.
NEVER_ON_A_READ = ("alembic", "sqlalchemy.dialects.postgresql", "psycopg")
#: What a read of the team has no use for: other subjects' tables and services, the audit
#: trail's writing side, and Rich (its output is JSON).
NOT_FOR_THE_TEAM = (
    *NEVER_ON_A_READ,
    "fpctl.store.tables.invitations",
    "fpctl.store.tables.orders",
    "fpctl.store.tables.order_work",
    "fpctl.store.tables.order_talk",
    "fpctl.store.tables.money",
    "fpctl.store.tables.network",
    "fpctl.store.tables.projects",
    "fpctl.store.tables.approvals",
    "fpctl.store.tables.offers",
    "fpctl.store.tables.conversations",
    "fpctl.store.tables.deliveries",
    "fpctl.store.tables.notifications",
    "fpctl.services.orders",
    "fpctl.services.money",
    "fpctl.services.network",
    "fpctl.services.approvals",
    "fpctl.services.audit",
    "fpctl.services.money_seal",
    "rich",
)

#: What showing one order (by its account's admin) has no use for: the services that change
#: orders (checkout, the lifecycle, cancellations, hours) and what they pull in (money,
#: rewards, approvals, the audit trail), and the tables of other subjects: the freelancer's
#: name is read with SQLAlchemy Core, projects matter only to a member's visibility.
NOT_FOR_AN_ORDER = (
    *NEVER_ON_A_READ,
    "fpctl.services.orders.checkout",
    "fpctl.services.orders.lifecycle",
    "fpctl.services.orders.cancellations",
    "fpctl.services.orders.hourly",
    "fpctl.services.orders.held",
    "fpctl.services.orders.next_plan",
    "fpctl.services.money",
    "fpctl.services.approvals",
    "fpctl.services.approval_requests",
    "fpctl.services.audit",
    "fpctl.services.money_seal",
    "fpctl.services.team",
    "fpctl.store.tables.network",
    "fpctl.store.tables.money",
    "fpctl.store.tables.invitations",
    "fpctl.store.tables.approvals",
    "fpctl.store.tables.projects",
    "fpctl.store.tables.audit",
    # hours, notes, comments, reviews; the offer and the conversation are read with Core
    "fpctl.store.tables.order_work",
    "fpctl.store.tables.order_talk",
    "fpctl.store.tables.offers",
    "fpctl.store.tables.conversations",
    "fpctl.store.tables.deliveries",
    "fpctl.store.tables.notifications",
    "rich",
)

#: What reading the inbox has no use for: orders, money, the team's services, the audit
#: trail's writing side, Rich (its output is JSON).
NOT_FOR_THE_INBOX = (
    *NEVER_ON_A_READ,
    "fpctl.services.orders",
    "fpctl.services.money",
    "fpctl.services.team",
    "fpctl.services.network",
    "fpctl.services.approvals",
    "fpctl.services.audit",
    "fpctl.services.money_seal",
    "fpctl.store.tables.orders",
    "fpctl.store.tables.money",
    "fpctl.store.tables.invitations",
    "fpctl.store.tables.approvals",
    "fpctl.store.tables.projects",
    "fpctl.store.tables.audit",
    "rich",
)

ONE_ROW_READS = {
    "team list": (["team", "list", "--as", "mia@acme.test", "-o", "json"], NOT_FOR_THE_TEAM),
    # The dashboard counts orders, cancellations and approvals with SQLAlchemy Core and shows
    # the recent audit records: the audit table is built, nothing else of theirs.
    "account show": (["account", "show", "acme", "-o", "json"], NOT_FOR_THE_TEAM),
    "order show": (
        ["order", "show", "{order}", "--as", "ada@acme.test", "-o", "json"],
        NOT_FOR_AN_ORDER,
    ),
    # the order placed below opened mia's account's conversation with otto
    "inbox list": (["inbox", "list", "--as", "mia@acme.test", "-o", "json"], NOT_FOR_THE_INBOX),
}


def unwanted(modules: set[str], denied: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == d or m.startswith(d + ".") for d in denied))


@pytest.mark.parametrize("read", list(ONE_ROW_READS))
def test_a_one_row_read_imports_only_what_it_uses(
    read: str, shop: dict[str, int], cli: Cli
) -> None:
    placed = cli(
        "order",
        "place",
        "--freelancer",
        "otto",
        "--service",
        "2",
        "--as",
        "mia@acme.test",
        "-o",
        "json",
    )
    assert placed.exit_code == 0, placed.stderr
    args, denied = ONE_ROW_READS[read]
    args = [arg.format(order=placed.json["id"]) for arg in args]

    code, out, modules = loaded_modules(*args, env=dict(os.environ))

    assert code == 0, out
    assert json.loads(out)
    assert unwanted(modules, denied) == []
    # The same bytes as the run in this process, where every table class is built (the
    # order's freelancer is read through the ORM here, with SQLAlchemy Core there).
    assert out == cli(*args).stdout
    assert "fpctl.store.tables.network" in sys.modules


def test_a_write_builds_every_table(shop: dict[str, int]) -> None:
    """A change's flush orders its inserts by foreign keys, which need every table."""
    code, _, modules = loaded_modules(
        "team",
        "invite",
        "new@acme.test",
        "--as",
        "ada@acme.test",
        "-o",
        "json",
        env=dict(os.environ),
    )

    assert code == 0
    import fpctl.store.tables

    every = {
        f"fpctl.store.tables.{found.name}"
        for found in pkgutil.iter_modules(fpctl.store.tables.__path__)
    }
    assert every <= modules


def test_the_root_help_imports_no_command_module() -> None:
    from fpctl.cli.app import COMMANDS

    code, out, modules = loaded_modules("--help")

    assert code == 0 and "notifications" in out
    assert sorted(f"fpctl.cli.{module}" for module in COMMANDS.values()) == sorted(
        f"fpctl.cli.{module}"
        for module in COMMANDS.values()
        if f"fpctl.cli.{module}" not in modules
    )


@pytest.mark.parametrize("width", [60, 80, 200])
def test_the_root_help_from_the_summaries_is_the_whole_clis(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import click
    import typer

    from fpctl.cli.app import COMMANDS, build
    from fpctl.cli.outline import SUMMARIES

    monkeypatch.setenv("COLUMNS", str(width))

    def root_help(outline: bool) -> str:
        command = typer.main.get_command(build(COMMANDS, outline=outline))
        with click.Context(command, info_name="fpctl", terminal_width=width) as ctx:
            return command.get_help(ctx)

    assert list(SUMMARIES) == list(COMMANDS)
    assert root_help(outline=True) == root_help(outline=False)


def test_each_summary_is_the_first_paragraph_of_its_commands_help() -> None:
    import click
    import typer

    from fpctl.cli.app import COMMANDS, build
    from fpctl.cli.outline import SUMMARIES

    whole = typer.main.get_command(build(COMMANDS))
    with click.Context(whole) as ctx:
        for name, summary in SUMMARIES.items():
            command = whole.get_command(ctx, name)  # type: ignore[attr-defined]
            assert command is not None and command.help is not None, name
            assert command.help.split("\n\n")[0] == summary, name


def test_a_run_converts_only_the_command_it_runs_of_its_group(cli: Cli) -> None:
    from fpctl.cli.app import get_command

    assert list(get_command(["team", "list", "-o", "json"]).commands["team"].commands) == ["list"]
    # A name that is none of the group's commands, or help asked for the group: all of them.
    for args in (["team", "lst"], ["team", "-h", "list"], ["team", "--help"]):
        assert len(get_command(args).commands["team"].commands) > 5, args
    misspelt = cli("team", "lst")
    assert misspelt.exit_code == 2
    assert "Did you mean 'list'?" in misspelt.stderr


# -- the garbage collector, paused while a command imports ----------------------------------

# Runs fpctl's entry point; at exit prints whether the collector runs, as the last stderr line.
GC_PROBE = """
import atexit, gc, sys
atexit.register(lambda: sys.stderr.write("\\nCOLLECTING " + str(gc.isenabled()) + "\\n"))
from fpctl.cli.main import main
main(sys.argv[1:])
"""


def collecting_at_exit(*args: str, stdin: str = "") -> bool:
    done = subprocess.run(
        [sys.executable, "-c", GC_PROBE, *args],
        check=False,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
        env=dict(os.environ),
    )
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("COLLECTING "), done.stderr
    return last == "COLLECTING True"


@pytest.mark.parametrize(
    "args",
    [["team", "list", "--as", "ada@acme.test", "-o", "json"], ["db", "check", "-o", "json"]],
    ids=" ".join,
)
def test_a_command_that_opens_its_store_collects_again(args: list[str], acme: str) -> None:
    assert collecting_at_exit(*args)


def test_the_shell_collects_from_its_start(acme: str) -> None:
    assert collecting_at_exit("shell", stdin="exit\n")


def test_the_pause_restores_only_what_it_stopped() -> None:
    import gc

    from fpctl.cli import gc_pause

    assert gc.isenabled()
    try:
        gc_pause.pause()
        assert not gc.isenabled()
        gc_pause.resume()
        assert gc.isenabled()
        gc_pause.resume()  # twice: nothing more
        assert gc.isenabled()

        gc.disable()  # off by its caller: the pause leaves it off
        gc_pause.pause()
        gc_pause.resume()
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
