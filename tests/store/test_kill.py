"""`kill -9` in the middle of `fpctl db backup` and `fpctl db restore` (issue 11, "trust").

A real ``fpctl`` process, on a store of some thousands of invitations, is killed at random
instants of its run, each trial anchored on a step it can be seen to reach (its scratch copy,
the partial file written beside the target, the kept copy renamed into place) plus a random
delay, so that every step is hit. After each kill: the store is the old one or the restored
one, row for row, never a mix; ``db check`` and ``audit verify`` pass; nothing but a complete
file is under the target's name (a backup writes ``.TARGET.PID.partial`` and renames it);
and a partial file left behind does not stop the next backup or restore.

Set ``FPCTL_KILL_SEED`` to replay a run's instants (the seed is in every failure message).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, Cli, store_state

INVITATIONS = 4000  # ~3 MB: the copy takes long enough to be killed in the middle
LATER = 300  # invitations made after the backup: the old store differs from the backup
TRIALS = 12
POLL_S = 0.002
FPCTL = str(Path(sys.executable).with_name("fpctl"))


def _seed() -> int:
    raw = os.environ.get("FPCTL_KILL_SEED", "")
    return int(raw) if raw.isdigit() else random.SystemRandom().randrange(10**6)


def _fpctl(
    store: Path, *args: str, tmp: Path | None = None, stderr: int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    """The installed fpctl on the SQLite file ``store`` (no FPCTL_* of the caller's)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("FPCTL_")}
    env |= {"FPCTL_DB": str(store), "FPCTL_NOW": NOW, "NO_COLOR": "1"}
    if tmp is not None:
        env["TMPDIR"] = str(tmp)
    return subprocess.Popen([FPCTL, *args], env=env, stdout=subprocess.DEVNULL, stderr=stderr)


def _done(store: Path, *args: str) -> None:
    proc = _fpctl(store, *args, stderr=subprocess.PIPE)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()


@dataclass(frozen=True)
class Stores:
    old: Path  # the store before the restore: the backup plus LATER invitations
    backup: Path  # what the restore brings back
    old_rows: dict[str, list[tuple[Any, ...]]]
    backup_rows: dict[str, list[tuple[Any, ...]]]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Stores:
    folder = tmp_path_factory.mktemp("kill")
    old, backup, emails = folder / "old.db", folder / "backup.db", folder / "emails.txt"
    _done(old, "account", "create", "Acme", "--admin", "ada@acme.test", "--slug", "acme")
    emails.write_text("".join(f"p{n}@acme.test\n" for n in range(INVITATIONS)))
    _done(old, "team", "invite", "--from-file", str(emails), "--as", "ada@acme.test")
    _done(old, "db", "backup", str(backup))
    emails.write_text("".join(f"later{n}@acme.test\n" for n in range(LATER)))
    _done(old, "team", "invite", "--from-file", str(emails), "--as", "ada@acme.test")
    assert sorted(p.name for p in folder.iterdir()) == ["backup.db", "emails.txt", "old.db"]
    return Stores(old, backup, store_state(old), store_state(backup))


Steps = dict[str, Callable[[], bool]]


def _timeline(proc: subprocess.Popen[bytes], steps: Steps) -> dict[str, float]:
    """An unkilled run: when each step (in order) was first seen reached, and its end."""
    started, seen = time.monotonic(), {}
    while proc.poll() is None:
        for name, reached in steps.items():
            if name not in seen and reached():
                seen[name] = time.monotonic() - started
        time.sleep(POLL_S)
    seen["end"] = time.monotonic() - started
    assert proc.wait() == 0
    return seen


def _windows(timeline: dict[str, float]) -> dict[str, float]:
    """How long the run stayed at each step it was seen at, as measured."""
    order = sorted(timeline, key=timeline.__getitem__)
    return {name: timeline[after] - timeline[name] for name, after in pairwise(order)}


@dataclass
class Kill:
    step: str
    delay: float
    killed: bool = False
    seen: tuple[str, ...] = ()  # the steps seen reached when the kill was sent


def _kill_at(proc: subprocess.Popen[bytes], steps: Steps, step: str, delay: float) -> Kill:
    """Wait until ``step`` is reached (or the process ends), ``delay`` more seconds, then
    SIGKILL the process if it is still running."""
    kill = Kill(step, delay)
    deadline = time.monotonic() + 60
    while proc.poll() is None and not steps[step]() and time.monotonic() < deadline:
        time.sleep(POLL_S)
    until = time.monotonic() + delay
    while proc.poll() is None and time.monotonic() < until:
        time.sleep(POLL_S)
    if proc.poll() is None:
        kill.seen = tuple(name for name, reached in steps.items() if reached())
        proc.kill()
        kill.killed = True
    proc.wait(timeout=60)
    return kill


def _healthy(cli: Cli, store: Path, why: str) -> None:
    checked = cli("db", "check", "--db", store, "-o", "json")
    verified = cli("audit", "verify", "--db", store, "-o", "json")
    assert checked.exit_code == 0, f"{why}: {checked.stdout}{checked.stderr}"
    assert verified.exit_code == 0, f"{why}: {verified.stderr}"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Iterator[Counter[str]]:
    """What the trials saw, printed with the test's output (`pytest -s` shows it)."""
    seen: Counter[str] = Counter()
    yield seen
    print(f"\n{request.node.name}: {dict(sorted(seen.items()))}")


# -- db restore --------------------------------------------------------------------------------


def _restore_trial(stores: Stores, folder: Path) -> tuple[subprocess.Popen[bytes], Steps]:
    """A restore of the backup over a fresh copy of the old store, in ``folder``, where the
    files earlier killed runs left stay (partial files, scratch copies in its TMPDIR); and
    where it is, seen from outside: started; its scratch copy of the backup made (then
    checked); the replaced store's copy written beside it; that copy renamed into place
    (then the store is overwritten and checked)."""
    scratch = folder / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    store = folder / "fpctl.db"
    for name in ("fpctl.db", "fpctl.db-wal", "fpctl.db-shm", "fpctl.db.bak"):
        (folder / name).unlink(missing_ok=True)
    shutil.copyfile(stores.old, store)  # closed cleanly: the file is the whole store
    earlier = set(scratch.iterdir())
    proc = _fpctl(store, "db", "restore", str(stores.backup), "--yes", tmp=scratch)
    return proc, {
        "started": lambda: True,
        "scratch": lambda: bool(set(scratch.iterdir()) - earlier),
        "keeping": (folder / f".fpctl.db.bak.{proc.pid}.partial").exists,
        "kept": (folder / "fpctl.db.bak").exists,
    }


def test_a_restore_killed_at_any_instant_leaves_the_old_store_or_the_backup(
    cli: Cli, stores: Stores, tmp_path: Path, figures: Counter[str]
) -> None:
    seed = _seed()
    rng = random.Random(seed)
    store, kept = tmp_path / "fpctl.db", tmp_path / "fpctl.db.bak"
    windows = _windows(_timeline(*_restore_trial(stores, tmp_path)))
    allowed = re.compile(
        r"^(fpctl\.db(-wal|-shm|\.bak)?|\.fpctl\.db\.bak\.\d+\.partial(-journal|-wal|-shm)?|tmp)$"
    )
    for trial in range(TRIALS):
        why = f"trial {trial}, FPCTL_KILL_SEED={seed}"
        proc, steps = _restore_trial(stores, tmp_path)
        step = list(windows)[trial % len(windows)]
        kill = _kill_at(proc, steps, step, rng.uniform(0, windows[step]))

        rows = store_state(store)
        assert rows in (stores.old_rows, stores.backup_rows), f"{why}: a mix of both stores"
        outcome = "restored" if rows == stores.backup_rows else "old store"
        if kept.exists():  # a complete copy of the replaced store, or nothing
            assert store_state(kept) == stores.old_rows, why
        names = {entry.name for entry in tmp_path.iterdir()}
        assert all(allowed.match(name) for name in names), f"{why}: {names}"
        _healthy(cli, store, why)
        figures[f"killed after {kill.seen[-1]}: {outcome}" if kill.killed else "finished"] += 1

    # What the killed runs left behind (each trial ran beside it) does not stop a restore.
    figures["partial files left"] = len(list(tmp_path.glob(".fpctl.db.bak.*.partial")))
    figures["scratch copies left in TMPDIR"] = len(list((tmp_path / "tmp").iterdir()))
    again = cli("db", "restore", stores.backup, "--yes", "--db", store, "-o", "json")
    assert again.exit_code == 0, again.stderr
    assert store_state(store) == stores.backup_rows
    assert figures["finished"] < TRIALS, f"no trial was killed (FPCTL_KILL_SEED={seed})"


# -- db backup ---------------------------------------------------------------------------------


def _backup_trial(store: Path, target: Path) -> tuple[subprocess.Popen[bytes], Steps]:
    """The backup run, and its steps: started; its partial file written beside the target
    (named by its process id); renamed into place."""
    older = target.stat().st_ino
    proc = _fpctl(store, "db", "backup", str(target), "--yes")
    return proc, {
        "started": lambda: True,
        "copying": target.with_name(f".{target.name}.{proc.pid}.partial").exists,
        "renamed": lambda: target.stat().st_ino != older,
    }


def test_a_backup_killed_at_any_instant_leaves_the_old_file_or_a_whole_backup(
    cli: Cli, stores: Stores, tmp_path: Path, figures: Counter[str]
) -> None:
    """The target already holds an older backup (replaced with --yes): after the kill it is
    that file, byte for byte, or a complete backup of the store, never part of one."""
    seed = _seed()
    rng = random.Random(seed)
    store = tmp_path / "fpctl.db"
    shutil.copyfile(stores.old, store)
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    target = shelf / "backup.db"
    shutil.copyfile(stores.backup, target)
    windows = _windows(_timeline(*_backup_trial(store, target)))
    allowed = re.compile(r"^(backup\.db|\.backup\.db\.\d+\.partial(-journal|-wal|-shm)?)$")
    for trial in range(TRIALS):
        why = f"trial {trial}, FPCTL_KILL_SEED={seed}"
        shutil.copyfile(stores.backup, target.with_suffix(".older"))
        target.with_suffix(".older").replace(target)  # the older backup the run replaces
        older = _sha(target)
        step = list(windows)[trial % len(windows)]
        proc, steps = _backup_trial(store, target)
        kill = _kill_at(proc, steps, step, rng.uniform(0, windows[step]))

        if _sha(target) == older:
            outcome = "older file kept"
        else:
            assert store_state(target) == stores.old_rows, f"{why}: an incomplete backup"
            outcome = "new backup"
        names = {entry.name for entry in shelf.iterdir()}
        assert all(allowed.match(name) for name in names), f"{why}: {names}"
        assert store_state(store) == stores.old_rows, why
        _healthy(cli, store, why)
        figures[f"killed after {kill.seen[-1]}: {outcome}" if kill.killed else "finished"] += 1

    # The partial files left behind do not stop the next backup, and are not it.
    figures["partial files left"] = len(list(shelf.glob(".backup.db.*.partial")))
    again = cli("db", "backup", target, "--yes", "--db", store, "-o", "json")
    assert again.exit_code == 0, again.stderr
    assert store_state(target) == stores.old_rows
    _healthy(cli, target, "the backup made after the kills")
    assert figures["finished"] < TRIALS, f"no trial was killed (FPCTL_KILL_SEED={seed})"
