"""A reader that stops early (`fpctl … | head -1`) ends fpctl quietly with the status a
Unix tool killed by SIGPIPE has (141), never 130 (the Ctrl-C code) or a Python complaint."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.backends import sql_many
from tests.conftest import Cli

FPCTL = Path(sys.executable).parent / "fpctl"


@pytest.mark.parametrize("fmt", ["csv", "ndjson", "json", "table"])
def test_a_closed_pipe_is_exit_141_and_silent(cli: Cli, acme: str, fmt: str) -> None:
    if not FPCTL.exists():
        pytest.skip(f"no installed fpctl next to {sys.executable}")
    rows = [(f"p{n}@acme.test", f"P{n}") for n in range(3000)]
    sql_many(
        "INSERT INTO member (account_id, email, name, role, status, created_at, updated_at) "
        "VALUES (1, ?, ?, 'member', 'active', '2026-11-01 10:00:00', '2026-11-01 10:00:00')",
        rows,
    )

    done = subprocess.run(
        ["bash", "-c", f'"{FPCTL}" team list --account acme --all -o {fmt} | head -c 10 >/dev/null;'
         ' echo "${PIPESTATUS[0]}"'],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip

    assert done.stdout.strip() == "141"
    assert done.stderr == ""
