"""fpctl is a library too: the example in docs/architecture.md runs as written."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[1]


def library_example() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## fpctl as a library", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found, "docs/architecture.md has no python example under 'fpctl as a library'"
    return found.group(1)


def test_the_documented_example_invites_a_member(
    cli: Cli, acme: str, isolated_env: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "script"
    folder.mkdir()
    shutil.copy(isolated_env, folder / "acme.db")

    ran = subprocess.run(
        [sys.executable, "-c", library_example()],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )

    assert ran.returncode == 0, ran.stderr
    token = ran.stdout.strip()
    assert len(token) >= 24
    db = str(folder / "acme.db")
    listed = cli("team", "invitations", "--account", acme, "--db", db, "-o", "json").json
    assert [(i["email"], i["role"]) for i in listed] == [("bob@acme.test", "billing_manager")]
    trail = cli("audit", "list", "--account", acme, "--db", db, "-o", "json").json
    assert trail[-1]["actor"] == "ada@acme.test"
    assert trail[-1]["action"] == "team.invite"
    assert cli("audit", "verify", "--db", db).exit_code == 0


def test_a_refusal_raises_and_changes_nothing(acme: str, isolated_env: Path) -> None:
    import pytest

    from fpctl.errors import PermissionDenied
    from fpctl.services import work
    from fpctl.services.team import invitations, inviting

    store = work.open_store(str(isolated_env))
    with (
        pytest.raises(PermissionDenied),
        work.unit_of_work(store, as_="support", reason="", account=acme, write=True) as ctx,
    ):
        inviting.invite(ctx, "bob@acme.test")
    with work.unit_of_work(store, account=acme) as ctx:
        assert list(invitations.list_invitations(ctx)) == []
    store.engine.dispose()
