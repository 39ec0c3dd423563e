"""Real bash, zsh and fish at a terminal, for the completion tests.

``Terminal`` starts an interactive shell in a pseudo-terminal with fpctl's shipped completion
script loaded as the README says, and a key (Ctrl-T) that writes the line being edited to a
file and clears it. ``tab(line)`` types the line, presses TAB, presses Ctrl-T and returns the
line as the shell left it, with what the shell printed meanwhile (the list of candidates,
escape sequences removed). The shells get a clean environment: no rc files of the machine,
a temporary HOME, and an ``fpctl`` on PATH that runs this interpreter's fpctl.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import signal
import struct
import sys
import time
from pathlib import Path

import pytest

COMPLETIONS = Path(__file__).parent.parent / "completions"
INSTALL = "apt-get install -y bash zsh fish bash-completion (CI: .ci/run installs them)"
_ESCAPES = re.compile(
    rb"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>])|[\x07\x08\r]"
)


def require(shell: str) -> str:
    """The shell's path, or skip the test saying how to install it."""
    path = shutil.which(shell)
    if path is None:
        pytest.skip(f"{shell} is not installed: {INSTALL}")
    return path


def fpctl_on_path(folder: Path) -> Path:
    """A folder holding an ``fpctl`` that runs this interpreter's fpctl (the shells' PATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    shim = folder / "fpctl"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m fpctl "$@"\n')
    shim.chmod(0o755)
    return folder


def environment(home: Path, bin_dir: Path, **extra: str) -> dict[str, str]:
    """A clean environment (PYTHONPATH kept: it may be where fpctl is imported from)."""
    kept = {name: os.environ[name] for name in ("PYTHONPATH",) if name in os.environ}
    return {
        "PATH": f"{bin_dir}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        "COLUMNS": "160",
        **kept,
        **extra,
    }


def _setup(shell: str, home: Path) -> list[str]:
    """The command line starting ``shell`` with the completion installed and Ctrl-T bound."""
    dump = home / "dump"
    if shell == "bash":
        rc = home / "bashrc"
        rc.write_text(
            "PS1='$ '\n"
            "[ -r /usr/share/bash-completion/bash_completion ] && "
            ". /usr/share/bash-completion/bash_completion\n"
            f". {COMPLETIONS / 'fpctl.bash'}\n"
            "bind 'set bell-style none'\n"
            f'__dump() {{ printf "%s\\n" "$READLINE_LINE" > {dump}.$((++__n)); '
            "READLINE_LINE=; READLINE_POINT=0; }\n"
            "bind -x '\"\\C-t\": __dump'\n"
        )
        return [require("bash"), "--rcfile", str(rc), "-i"]
    if shell == "zsh":
        functions = home / "site-functions"
        functions.mkdir(exist_ok=True)
        shutil.copy(COMPLETIONS / "fpctl.zsh", functions / "_fpctl")
        (home / ".zshenv").write_text("unsetopt GLOBAL_RCS\n")
        (home / ".zshrc").write_text(
            "PS1='$ '\n"
            f"fpath=({functions} $fpath)\n"
            "autoload -Uz compinit && compinit -u -D\n"
            f'__dump() {{ print -r -- "$BUFFER" > {dump}.$((++__n)); BUFFER=; }}\n'
            "zle -N __dump\nbindkey '^T' __dump\n"
        )
        return [require("zsh"), "-i"]
    init = (
        f"source {COMPLETIONS / 'fpctl.fish'}; set -g __n 0; "
        f"function __dump; set -g __n (math $__n + 1); commandline > {dump}.$__n; "
        "commandline ''; end; bind \\ct __dump"
    )
    return [require("fish"), "--no-config", "-i", "-C", init]


class Terminal:
    """One interactive shell in a pseudo-terminal (see the module's docstring)."""

    def __init__(self, shell: str, home: Path, env: dict[str, str], cwd: Path) -> None:
        import fcntl
        import pty
        import termios

        home.mkdir(parents=True, exist_ok=True)
        argv = _setup(shell, home)
        env = {**env, "ZDOTDIR": str(home)}
        self.dump = home / "dump"
        self.dumps = 0
        self.output = b""
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the shell
            os.chdir(cwd)
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))

    def _read(self, seconds: float) -> bool:
        """Whether the shell wrote something within ``seconds`` (kept in ``output``)."""
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if ready:
            with contextlib.suppress(OSError):
                self.output += os.read(self.fd, 65536)
                return True
        return False

    def tab(self, line: str, *, presses: int = 1, timeout: float = 30.0) -> tuple[str, str]:
        """Type ``line`` and TAB (``presses`` times): the line as the shell left it, and
        what it showed."""
        self.dumps += 1
        self._read(0)
        start = len(self.output)
        os.write(self.fd, line.encode() + b"\t")
        for _ in range(presses - 1):
            time.sleep(0.3)
            os.write(self.fd, b"\t")
        time.sleep(0.05)
        os.write(self.fd, b"\x14")
        dump = Path(f"{self.dump}.{self.dumps}")
        deadline = time.monotonic() + timeout
        while not (dump.exists() and dump.read_text().endswith("\n")):
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer to {line!r}: {self.output[start:]!r}")
            self._read(0.05)
        while self._read(0.1):  # what it showed before Ctrl-T, still in the terminal
            pass
        shown = _ESCAPES.sub(b"", self.output[start:]).decode(errors="replace")
        return dump.read_text().removesuffix("\n"), shown

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        os.close(self.fd)
