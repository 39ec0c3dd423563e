"""Every shell block of README.md runs as written (issue 12, item 2): in bash, in the
README's order, in one session (as a reader would type them), with the installed `fpctl`,
in a scratch directory and home of its own.

A block preceded by ``<!-- readme-test: skip (why) -->`` is not run (it needs a server or
writes into a shell's configuration). In an install block (``python3 -m venv … && pip
install … && REST``) only REST runs, with this environment's fpctl; the test command itself
is not run again from inside the tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
BIN = Path(sys.executable).parent
_BLOCK = re.compile(
    r"(?:<!-- readme-test: skip \((?P<why>[^)]*)\) -->\n)?```sh\n(?P<body>.*?)```", re.S
)
_INSTALL = re.compile(r"^python3 -m venv .*?pip install [^&]*&& ", re.M)


def runnable_blocks(text: str) -> list[str]:
    blocks = []
    for found in _BLOCK.finditer(text):
        body = found.group("body")
        if found.group("why") is not None or "pytest" in body:
            continue
        blocks.append(_INSTALL.sub("", body))
    return blocks


def test_the_readme_has_blocks_to_run() -> None:
    blocks = runnable_blocks(README.read_text())
    assert len(blocks) >= 4
    assert blocks[0].strip() == "fpctl demo seed && fpctl account show northwind-traders"


def test_every_shell_block_of_the_readme_runs_as_written(tmp_path: Path) -> None:
    if not (BIN / "fpctl").exists():
        pytest.skip(f"no installed fpctl next to {sys.executable}")
    if shutil.which("jq") is None:
        pytest.skip("the README captures tokens with jq, which is not installed")
    script = ["set -euo pipefail"]
    for number, block in enumerate(runnable_blocks(README.read_text()), start=1):
        script += [f"echo '>>> README block {number}' >&2", block]
    home = tmp_path / "home"
    home.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("FPCTL_") and name not in ("COLUMNS", "XDG_DATA_HOME")
    }
    env.update(HOME=str(home), PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", NO_COLOR="1")
    env["XDG_DATA_HOME"] = str(home / ".local" / "share")

    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
        check=False,
    )

    last = [line for line in done.stderr.splitlines() if line.startswith(">>> README block")]
    assert done.returncode == 0, f"{last[-1] if last else ''} failed:\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr
