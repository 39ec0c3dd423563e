"""Start-up stays light (PERFORMANCE.md): `--version`, `--help` and a group's help load no
SQLAlchemy, SQLModel or Rich table. Each case runs fpctl in a fresh interpreter and lists
the modules loaded by the time it exits."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from fpctl import __version__

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
