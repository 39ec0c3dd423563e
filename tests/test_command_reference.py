"""docs/commands.md is the command reference generated from the Typer app: it must be
current, and it must cover every command (as sqlite-utils checks its CLI reference)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from fpctl.cli.reference import REGENERATE, render

DOCS = Path(__file__).resolve().parents[1] / "docs" / "commands.md"


def documented() -> str:
    return DOCS.read_text(encoding="utf-8")


def headings(text: str) -> set[str]:
    """The command headings (``## fpctl team``, ``### fpctl team invite``...)."""
    return set(re.findall(r"^#{2,6} (fpctl(?: \S+)*)$", text, flags=re.MULTILINE))


def command_paths(command: Any, path: str = "fpctl") -> list[str]:
    """Every visible command and group under ``command``, walked on its own (not with the
    generator's walk, so a command it skipped would still be missed here)."""
    found = [path]
    for name, sub in getattr(command, "commands", {}).items():
        if not sub.hidden:
            found += command_paths(sub, f"{path} {name}")
    return found


def test_the_reference_is_current() -> None:
    assert documented() == render(), f"docs/commands.md is out of date: run `{REGENERATE}`"


def test_every_command_has_a_heading() -> None:
    import typer

    from fpctl.cli.app import COMMANDS, app

    tree = typer.main.get_command(app)
    leaves = [path for path in command_paths(tree) if " " in path]
    missing = [f"fpctl {name}" for name in COMMANDS] + leaves

    assert len(leaves) > len(COMMANDS)
    assert sorted(set(missing) - headings(documented())) == []


def test_shared_options_are_listed_once() -> None:
    text = documented()

    for row in ("| `--as ACTOR` |", "| `--dry-run` |", "| `--limit N` |"):
        assert text.count(row) == 1, row
    assert "Also: [global options](#options-every-command-accepts)" in text
    assert "\n### Options every command accepts\n" in text


def test_the_terminal_and_the_environment_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Usage lines are never wrapped to COLUMNS, and an option's env var never becomes its
    default (the conftest already sets FPCTL_DB and FPCTL_NOW)."""
    before = render()
    monkeypatch.setenv("COLUMNS", "40")
    for name in ("FPCTL_OUTPUT", "FPCTL_AS", "FPCTL_ACCOUNT", "FPCTL_DEBUG"):
        monkeypatch.setenv(name, "json" if name == "FPCTL_OUTPUT" else "1")

    assert render() == before


def test_main_prints_the_reference_and_checks_a_file(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from fpctl.cli import reference

    assert reference.main([]) == 0
    printed = capsysbinary.readouterr().out.decode("utf-8")
    assert printed == reference.render()

    current, stale = tmp_path / "current.md", tmp_path / "stale.md"
    current.write_text(printed, encoding="utf-8")
    stale.write_text(printed.replace("## fpctl team invite", "## fpctl team"), encoding="utf-8")
    assert reference.main(["--check", str(current)]) == 0
    assert reference.main(["--check", str(stale)]) == 1
    assert "is out of date" in capsysbinary.readouterr().err.decode()
