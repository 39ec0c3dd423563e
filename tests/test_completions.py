"""Shell completion: the shipped scripts match the app; TAB offers values from the store
(without loading the ORM), described where the shell shows descriptions; and real bash, zsh
and fish insert those values whole (zsh turned two emails into `quinn.-traders.test`).

One store (``seeded``) is built once per backend and copied into each test. The shell tests
run each shell once, at a pseudo-terminal (tests/shells.py), and skip when it is missing.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from tests import shells
from tests.backends import BACKENDS
from tests.conftest import Cli, built_once
from tests.test_startup import heavy, loaded_modules

COMPLETIONS = shells.COMPLETIONS
REGENERATE = "for s in bash zsh fish; do fpctl completion $s > completions/fpctl.$s; done"

ELENA = "elena.berg@northwind-traders.test"
COSTA = "quinn.costa@northwind-traders.test"
PATEL = "quinn.patel@northwind-traders.test"
ZOE = "zoe.lane@northwind-traders.test"


# -- the scripts ---------------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_shipped_scripts_are_what_the_app_generates(cli: Cli, shell: str) -> None:
    generated = cli("completion", shell)

    assert generated.exit_code == 0, generated.stderr
    assert "_FPCTL_COMPLETE=complete_" + shell in generated.stdout
    shipped = (COMPLETIONS / f"fpctl.{shell}").read_text()
    assert shipped == generated.stdout, f"completions/ drifted from the app; run: {REGENERATE}"


def test_the_scripts_never_evaluate_what_fpctl_prints() -> None:
    """Values and descriptions come from the store: a script that evals them would run a
    title as shell code. And none falls back to file names on its own."""
    for shell in ("bash", "zsh", "fish"):
        lines = (COMPLETIONS / f"fpctl.{shell}").read_text().splitlines()
        code = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
        assert re.search(r"\beval\b", code) is None
        assert "-o default" not in code


def test_an_unknown_shell_is_a_usage_error(cli: Cli) -> None:
    result = cli("completion", "tcsh")

    assert result.exit_code == 2
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in result.stderr


# -- the store every test completes from ---------------------------------------------------


def _build(cli: Cli) -> None:
    """northwind-traders: elena (admin), quinn.costa (billing manager), quinn.patel; zoe
    invited; order 1 (awaiting requirements) and order 2 (held for approval: request 1) by
    patel from lena.design; policy 1; card 1; project 5 and list 1 by costa; offer 1 from
    lena.design to the account.
    northwind-retail: ada. Freelancers lena.design (Pro, service 1) and lena-writes."""

    def ok(*args: str) -> str:
        done = cli(*args)
        assert done.exit_code == 0, (args, done.stderr)
        return done.stdout

    support = ("--as", "support", "--reason", "setup")
    ok("account", "create", "Northwind Traders", "--admin", ELENA, "--admin-name", "Elena Berg")
    for email, role, name in ((COSTA, "billing_manager", "Quinn Costa"), (PATEL, "member", "")):
        invited = ok("team", "invite", email, "--role", role, "--as", ELENA, "-o", "json")
        ok("team", "accept", json.loads(invited)["token"], "--name", name or "Quinn Patel")
    ok("team", "invite", ZOE, "--as", ELENA)
    ok("account", "create", "Northwind Retail", "--admin", "ada@northwind-retail.test")
    ok("freelancer", "add", "lena.design", "--name", "Lena Moreau", "--pro", *support)
    ok("freelancer", "add", "lena-writes", "--name", "Lena Writes", *support)
    ok("freelancer", "service", "add", "lena.design", "Logo design", "--price", "100", *support)
    card = ("--card", "4242 4242 4242 4242", "--expiry", "12/30")
    ok("billing", "payment-method", "add", *card, "--as", ELENA)
    ok("policy", "add", "order-approval", "--over", "150", "--applies-to", "both", "--as", ELENA)
    for quantity in ("1", "2"):
        place = ("--service", "1", "--quantity", quantity, "--as", PATEL)
        ok("order", "place", "--freelancer", "lena.design", *place)
    ok("project", "create", "Brand refresh", "--as", COSTA)
    ok("network", "list-create", "Logo shortlist", "--as", COSTA)
    offer = ("--amount", "90", "--days", "3", "--as", "@lena.design")
    ok("offer", "send", "--account", "northwind-traders", "--title", "Icons", *offer)


@pytest.fixture
def seeded(cli: Cli, isolated_env: Path) -> Path:
    built_once("completions", isolated_env, lambda: _build(cli))
    return isolated_env


def offered(line: str, shell: str = "fish", word: str = "") -> list[tuple[str, str]]:
    """What TAB offers after ``line`` (the text up to the cursor), as (value, description),
    asked the way the shipped scripts ask (bash also passes the text readline replaces);
    ("file"|"dir", "") where the shell lists paths itself."""
    from fpctl.cli.main import run

    asked = {"_FPCTL_COMPLETE": f"complete_{shell}", "_FPCTL_COMPLETE_LINE": line}
    asked |= {"_FPCTL_COMPLETE_WORD": word} if shell == "bash" else {}
    os.environ.update(asked)
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit):
            run([])
    finally:
        for name in asked:
            del os.environ[name]
    assert err.getvalue() == ""
    found = []
    for row in out.getvalue().splitlines():
        kind, value, help_ = row.split("\t") if row else ("", "", "")
        if kind:
            found.append((value, help_) if kind == "plain" else (kind, ""))
    return found


def values(line: str) -> list[str]:
    return [value for value, _ in offered(line)]


# -- values from the store -----------------------------------------------------------------

NW = " · northwind-traders"
STORE_CASES = {
    # order ids, newest first, by status and title (and account when the line names none)
    "fpctl order show ": [
        ("2", "awaiting_approval · Logo design" + NW),
        ("1", "awaiting_requirements · Logo design" + NW),
    ],
    "fpctl order accept --account northwind-traders 1": [
        ("1", "awaiting_requirements · Logo design")
    ],
    "fpctl order show --account northwind-retail ": [],
    "fpctl --account northwind-traders order accept 1": [  # an option before the command
        ("1", "awaiting_requirements · Logo design")
    ],
    "fpctl order deliver --as @lena-writes ": [],
    "fpctl billing invoices --order ": [
        ("2", "awaiting_approval · Logo design" + NW),
        ("1", "awaiting_requirements · Logo design" + NW),
    ],
    # offer ids, newest first; a freelancer completes their own
    "fpctl offer accept ": [("1", "pending · Icons · @lena.design · northwind-traders")],
    "fpctl offer withdraw --as @lena-writes ": [],
    "fpctl approvals approve ": [("1", f"order 2 · by {PATEL} · $200.00")],
    # the --as member's unread notifications, newest first
    f"fpctl notifications read --as {ELENA} ": [
        ("2", "offer · @lena.design sent you custom offer 1: Icons ($90.00)"),
        ("1", f"order.approval · {PATEL} placed order 2: Logo design…"),
    ],
    "fpctl notifications read ": [],
    "fpctl team withdraw ": [("3", f"pending · {ZOE} · member")],
    "fpctl team resend z": [(ZOE, "pending · invitation 3 · member")],
    "fpctl project show --as quinn.costa@northwind-traders.test ": [
        ("5", f"Brand refresh · public · {COSTA}"),
        ("3", f"my-project · my · {PATEL}"),
        ("2", f"my-project · my · {COSTA}"),
        ("1", f"my-project · my · {ELENA}"),
    ],
    "fpctl order place --project 5": [("5", f"Brand refresh · public · {COSTA}")],
    "fpctl network list-add ": [("1", f"Logo shortlist · {COSTA}")],
    "fpctl network list-add 1 l": [
        ("lena-writes", "Lena Writes"),
        ("lena.design", "Lena Moreau · Pro"),
    ],
    "fpctl network list-add 1 1": [("1", "Logo design · $100.00 · @lena.design")],
    "fpctl freelancer show ": [
        ("lena-writes", "Lena Writes"),
        ("lena.design", "Lena Moreau · Pro"),
    ],
    "fpctl network save @lena.": [("@lena.design", "Lena Moreau · Pro")],
    "fpctl order place --freelancer lena-writes --service ": [],
    "fpctl order place --freelancer lena.design --service ": [
        ("1", "Logo design · $100.00 · @lena.design")
    ],
    "fpctl policy remove ": [("1", "order-approval · both · over $150.00")],
    "fpctl billing payment-method default ": [("1", "card *4242 · default")],
    "fpctl billing invoice ": [("1", "order 1: Logo design · $100.00")],
    # members: of the account on the line, by name and role
    "fpctl team remove --account northwind-traders q": [
        (COSTA, "Quinn Costa · billing_manager"),
        (PATEL, "Quinn Patel · member"),
    ],
    "fpctl role set --as quinn.patel@northwind-traders.test ": [
        (ELENA, "Elena Berg · admin"),
        (COSTA, "Quinn Costa · billing_manager"),
        (PATEL, "Quinn Patel · member"),
    ],
    "fpctl team deactivate --account northwind-retail ": [("ada@northwind-retail.test", "admin")],
    "fpctl order list --placed-by quinn.p": [(PATEL, "Quinn Patel · member")],
    "fpctl project add-member 5 e": [(ELENA, "Elena Berg · admin")],
    "fpctl team list --account northwind-": [
        ("northwind-retail", "Northwind Retail"),
        ("northwind-traders", "Northwind Traders"),
    ],
    "fpctl team list --as @": [
        ("@lena-writes", "Lena Writes"),
        ("@lena.design", "Lena Moreau · Pro"),
    ],
    "fpctl team list --as s": [("support", "act as support (with --reason and --account)")],
    # the value of an option given with `=`: zsh and fish replace the whole word
    "fpctl team list --account=northwind-t": [("--account=northwind-traders", "Northwind Traders")],
}


@pytest.mark.parametrize("backend", BACKENDS)
def test_values_come_from_the_store_with_what_they_are(seeded: Path) -> None:
    assert {line: offered(line) for line in STORE_CASES} == STORE_CASES


def test_every_status_option_offers_its_statuses(seeded: Path) -> None:
    assert values("fpctl order list --status in") == ["in_progress", "in_revision"]
    assert values("fpctl team list --status ") == ["active", "deactivated", "removed", "closed"]
    assert values("fpctl approvals list --status p") == ["pending"]
    assert values("fpctl team invitations --status ex") == ["expired"]


def test_db_on_the_line_names_the_store(seeded: Path, tmp_path: Path) -> None:
    os.environ["FPCTL_DB"] = str(tmp_path / "nothing-here.db")

    assert values("fpctl order show ") == []
    assert values(f"fpctl order show --db {seeded} ") == ["2", "1"]
    assert not (tmp_path / "nothing-here.db").exists()


def test_file_names_only_where_a_path_is_expected(seeded: Path) -> None:
    assert offered("fpctl batch ") == [("file", "")]
    assert offered("fpctl team invite --from-file ") == [("file", "")]
    assert offered("fpctl db restore ") == [("file", "")]
    assert offered("fpctl billing invoices --export ") == [("dir", "")]
    for line in ("fpctl team accept ", "fpctl order note 1 ", "fpctl account create "):
        assert offered(line) == [], line


def test_bash_gets_the_part_after_its_word_break(seeded: Path) -> None:
    """Readline replaces the text after the last `@`, `=` or `:` (what bash passes as $2):
    fpctl answers with the rest of each value."""
    assert offered("fpctl team remove quinn.costa@n", "bash", word="n") == [
        ("northwind-traders.test", "Quinn Costa · billing_manager")
    ]
    assert offered("fpctl team list --account=northwind-t", "bash", word="northwind-t") == [
        ("northwind-traders", "Northwind Traders")
    ]


def test_descriptions_are_one_printable_line_cut_between_words() -> None:
    from typer._click.shell_completion import CompletionItem

    from fpctl.cli.completion_shells import _help

    hostile = "Logo\tdesign\n\x1b]0;pwned\x07 \u202eevil " + "word " * 30
    described = _help(CompletionItem("1", help=hostile))

    assert described.startswith("Logo design ]0;pwned evil word word")
    assert described.endswith("word…")
    assert len(described) <= 80
    assert all(ch.isprintable() for ch in described)


def test_the_line_is_split_as_the_shell_would() -> None:
    from fpctl.cli.completion_shells import split_line

    assert split_line("fpctl team remove q") == (["team", "remove"], "q")
    assert split_line("fpctl --reason 'ticket 99' team ") == (["--reason", "ticket 99", "team"], "")
    assert split_line("FPCTL_DB=x.db fpctl team remove 'qu") == (["team", "remove"], "qu")
    assert split_line("") == ([], "")


# -- in a real process: fast, and silent whatever happens ----------------------------------


def test_a_tab_press_loads_no_orm_and_no_rich(seeded: Path) -> None:
    env = {**os.environ, "_FPCTL_COMPLETE": "complete_zsh"}
    code, out, modules = loaded_modules(env={**env, "_FPCTL_COMPLETE_LINE": "fpctl order show "})

    assert code == 0
    assert out.splitlines()[0] == "plain\t2\tawaiting_approval · Logo design · northwind-traders"
    assert heavy(modules) == []
    assert "rich" not in modules


@pytest.mark.parametrize(
    "store",
    ["a folder", "not a database", "mysql://ada@db/fpctl", "postgresql://nobody@127.0.0.1:1/x"],
)
def test_a_store_that_cannot_be_read_completes_nothing_and_says_nothing(
    tmp_path: Path, store: str
) -> None:
    env = {"FPCTL_DB": str(tmp_path), "FPCTL_DATABASE_URL": ""}
    if store == "not a database":
        (tmp_path / "junk.db").write_text("this is no SQLite file\n" * 100)
        env["FPCTL_DB"] = str(tmp_path / "junk.db")
    elif "://" in store:
        env["FPCTL_DATABASE_URL"] = store
    line = "fpctl team remove q"
    done = subprocess.run(
        [sys.executable, "-m", "fpctl"],
        env={**os.environ, **env, "_FPCTL_COMPLETE": "complete_zsh", "_FPCTL_COMPLETE_LINE": line},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "", "")


def test_completion_without_a_store_offers_nothing_and_creates_nothing(
    isolated_env: Path,
) -> None:
    assert offered("fpctl role set ") == []
    assert offered("fpctl or") == [("order", "Orders: place, follow, deliver, accept,...")]
    assert not isolated_env.exists()


# -- real shells ---------------------------------------------------------------------------

#: What TAB leaves on the line, the same in the three shells. The first two are issue 12's:
#: zsh made them `…quinn.-traders.test` and `…-traders.test`.
REMOVE = "fpctl team remove --account northwind-traders "
SHOW = "fpctl order show --account northwind-traders "
TYPED = [
    (REMOVE + "q", REMOVE + "quinn."),
    (REMOVE, REMOVE),
    ("fpctl team remove quinn.costa@n", f"fpctl team remove {COSTA} "),
    ("fpctl team list --account nor", "fpctl team list --account northwind-"),
    ("fpctl team list --account=northwind-t", "fpctl team list --account=northwind-traders "),
    ("fpctl network save @lena.", "fpctl network save @lena.design "),
    (SHOW, SHOW),
    ("fpctl team accept ", "fpctl team accept "),
    ("fpctl batch no", "fpctl batch notes.txt "),
]


@pytest.fixture
def at_a_terminal(seeded: Path, tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A folder to run the shells in (holding notes.txt, which only FILE arguments offer)
    and their environment: the seeded store, an fpctl on PATH."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "notes.txt").write_text("team list\n")
    bin_dir = shells.fpctl_on_path(tmp_path / "bin")
    yield folder, shells.environment(tmp_path / "home", bin_dir, FPCTL_DB=str(seeded))


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_tab_in_a_real_shell_inserts_values_whole(
    at_a_terminal: tuple[Path, dict[str, str]], tmp_path: Path, shell: str
) -> None:
    folder, env = at_a_terminal
    terminal = shells.Terminal(shell, tmp_path / "home", env, folder)
    try:
        answers = [terminal.tab(typed) for typed, _ in TYPED]
        listed = terminal.tab(REMOVE + "quinn.", presses=2)[1]  # bash lists on the 2nd
    finally:
        terminal.close()

    assert [line for line, _ in answers] == [expected for _, expected in TYPED]
    assert COSTA in listed and PATEL in listed
    if shell != "bash":  # zsh and fish show what each value is
        assert "Quinn Costa · billing_manager" in listed
        orders = answers[6][1]
        assert "awaiting_approval · Logo design" in orders
        assert "awaiting_requirements · Logo design" in orders


def test_bash_replies_with_whole_values(at_a_terminal: tuple[Path, dict[str, str]]) -> None:
    """The completion function called as bash calls it: COMPREPLY holds whole emails, or
    their part after the `@` bash breaks the word at."""
    folder, env = at_a_terminal
    script = f"""
        . {COMPLETIONS / "fpctl.bash"}
        reply() {{
            COMP_LINE=$1 COMP_POINT=${{#1}}
            read -ra COMP_WORDS <<< "$1"; COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
            _fpctl_completion fpctl "$2" "${{COMP_WORDS[COMP_CWORD-1]}}"
            (IFS='|'; echo "${{COMPREPLY[*]}}")
        }}
        reply 'fpctl team remove --account northwind-traders q' q
        reply 'fpctl team remove quinn.costa@' ''
        reply 'fpctl order show --account northwind-traders ' ''
        reply 'fpctl team accept ' ''
    """
    done = subprocess.run(
        [shells.require("bash"), "--norc", "--noprofile", "-c", script],
        env=env, cwd=folder, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert done.stdout.splitlines() == [f"{COSTA}|{PATEL}", "northwind-traders.test", "2|1", ""]


def test_fish_offers_whole_values_with_what_they_are(
    at_a_terminal: tuple[Path, dict[str, str]],
) -> None:
    folder, env = at_a_terminal
    lines = [
        "fpctl team remove --account northwind-traders q",
        "fpctl order show --account northwind-traders ",
        "fpctl team accept ",
        "fpctl batch no",
    ]
    script = f"source {COMPLETIONS / 'fpctl.fish'}\n" + "".join(
        f"complete -C {json.dumps(line)}; echo ---\n" for line in lines
    )
    done = subprocess.run(
        [shells.require("fish"), "--no-config", "-c", script],
        env=env, cwd=folder, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert done.stdout.split("---\n") == [
        f"{COSTA}\tQuinn Costa · billing_manager\n{PATEL}\tQuinn Patel · member\n",
        "2\tawaiting_approval · Logo design\n1\tawaiting_requirements · Logo design\n",
        "",
        "notes.txt\n",
        "",
    ]
