"""A store file deleted, or replaced by another file, while fpctl runs (issue 11, "trust").

SQLite keeps writing to the file it opened, gone from the path: a command reported its
invitations done (exit 0) into a deleted file; and, when it closed, SQLite left that file's
write-ahead log beside the new file at the path, which the next command read as part of the
new file ("database disk image is malformed", or the new store showing the old one's rows).
Now a commit first checks that the path still names the file its connection opened (else it
rolls back: exit 7 ``store_replaced``), and a connection closed on a moved file empties its
log into the old file first.

The randomised trials run the installed ``fpctl`` (a bulk invitation in chunks, the same
``--atomic``, a ``fpctl batch`` reading a pipe) and swap the file at a random instant: the
outcome is always exit 0, 3 (the command met the new file from the start) or 7, never 1,
never a traceback, and the file left at the path is exactly as it was put there. Set
``FPCTL_MOVE_SEED`` to replay a run's instants.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from fpctl.errors import StoreUnavailable
from fpctl.services import work
from fpctl.services.team import inviting
from tests.conftest import NOW, Cli, store_state

ADA = "ada@acme.test"
FPCTL = str(Path(sys.executable).with_name("fpctl"))
TRIALS = 12
POLL_S = 0.005


@pytest.fixture
def other(cli: Cli, tmp_path: Path) -> Path:
    """Another fpctl store (account "other", no ada@), closed cleanly: one file."""
    path = tmp_path / "other.db"
    made = cli("account", "create", "Other", "--admin", "oz@other.test", "--db", path)
    assert made.exit_code == 0, made.stderr
    assert not Path(f"{path}-wal").exists()
    return path


def _replace(store: Path, how: str, other: Path) -> Any:
    """Put something else at the store's path; what the path must hold afterwards."""
    if how == "deleted":
        store.unlink()
        return None
    source = store.with_name("incoming")
    if how == "text":
        source.write_text("not a database\n" * 100)
    else:
        shutil.copyfile(other, source)
    expected = store_state(source) if how == "store" else source.read_bytes()
    source.replace(store)  # one rename: the path names the new file at once
    return expected


def _still(cli: Cli, store: Path, how: str, expected: Any) -> None:
    """The path holds exactly what was put there, and SQLite reads nothing of the old
    file's log into it; in place of a deleted store, nothing, or an empty new store."""
    if how == "text":
        assert store.read_bytes() == expected
        checked = cli("db", "check", "--db", store, "-o", "json")
        assert (checked.exit_code, checked.error["message"]) == (
            7,
            "the store cannot be used: file is not a database",  # not "malformed"
        )
        return
    if how == "deleted" and not store.exists():
        return
    assert store_state(store) == expected if how == "store" else store_state(store)["account"] == []
    checked = cli("db", "check", "--db", store, "-o", "json")
    assert checked.exit_code == 0, checked.stdout
    assert cli("audit", "verify", "--db", store, "-o", "json").exit_code == 0


# -- one process, the file swapped at a known point ----------------------------------------


@pytest.mark.parametrize("how", ["deleted", "store", "text"])
def test_a_commit_to_a_file_no_longer_at_the_path_is_rolled_back_and_exit_7(
    cli: Cli, acme: str, isolated_env: Path, other: Path, how: str
) -> None:
    store = work.open_store(str(isolated_env))
    with (
        pytest.raises(StoreUnavailable) as refused,
        work.unit_of_work(store, as_=ADA, write=True) as ctx,
    ):
        inviting.invite_many(ctx, [inviting.InviteRequest(f"p{n}@acme.test") for n in range(200)])
        expected = _replace(isolated_env, how, other)
    store.close()

    assert refused.value.code == "store_replaced"
    assert refused.value.exit_code == 7
    assert refused.value.message == (
        f"the store cannot be used: {isolated_env} was deleted or replaced while fpctl was "
        "using it; the changes it was about to save were rolled back"
    )
    _still(cli, isolated_env, how, expected)


@pytest.mark.parametrize("how", ["deleted", "store", "text"])
def test_what_was_committed_before_the_swap_does_not_leak_into_the_new_file(
    cli: Cli, acme: str, isolated_env: Path, other: Path, how: str
) -> None:
    """The commit went to the old file, still open; the swap comes before the close. SQLite
    then left the log behind: the new store read as malformed, or as the old one."""
    store = work.open_store(str(isolated_env))
    with work.unit_of_work(store, as_=ADA, write=True) as ctx:
        inviting.invite_many(ctx, [inviting.InviteRequest(f"p{n}@acme.test") for n in range(200)])
    assert Path(f"{isolated_env}-wal").stat().st_size > 0  # committed, not yet checkpointed
    expected = _replace(isolated_env, how, other)
    store.close()

    _still(cli, isolated_env, how, expected)
    if how == "deleted":  # a new store at the path starts empty
        made = cli("account", "create", "New", "--admin", "new@new.test", "-o", "json")
        assert made.exit_code == 0, made.stderr
        assert cli("db", "check", "-o", "json").exit_code == 0
        assert cli("audit", "verify", "-o", "json").json["records"] == 1


@pytest.mark.parametrize("how", ["deleted", "store"])
def test_a_file_swapped_while_the_connection_opens_it_is_caught(
    cli: Cli, acme: str, isolated_env: Path, other: Path, how: str
) -> None:
    """The swap lands after SQLite opened the old file but before fpctl noted which file
    that was: noting the file the path names *then* took the new one for the one opened,
    every commit went to the old file, and its log was left beside the new one. A deleted
    file is met at once (SQLite said only "disk I/O error"); a replaced one at the commit."""
    store = work.open_store(str(isolated_env))
    store.engine.dispose()  # the next unit of work opens a connection of its own
    swapped: list[Any] = []

    def swap_once(_dbapi_connection: Any, _record: Any) -> None:
        if not swapped:
            swapped.append(_replace(isolated_env, how, other))

    event.listen(store.engine, "connect", swap_once, insert=True)  # before fpctl's own
    with (
        pytest.raises(StoreUnavailable) as refused,
        work.unit_of_work(store, as_=ADA, write=True) as ctx,
    ):
        inviting.invite_many(ctx, [inviting.InviteRequest(f"p{n}@acme.test") for n in range(200)])
    store.close()

    assert (refused.value.exit_code, refused.value.code) == (7, "store_replaced")
    assert f"{isolated_env} was deleted or replaced while fpctl was using it" in str(
        refused.value.message
    )
    _still(cli, isolated_env, how, swapped[0])


# -- the installed fpctl, the file swapped at random instants --------------------------------


def _seed() -> int:
    raw = os.environ.get("FPCTL_MOVE_SEED", "")
    return int(raw) if raw.isdigit() else random.SystemRandom().randrange(10**6)


def _bulk(folder: Path, *extra: str) -> tuple[list[str], bytes | None]:
    emails = folder / "emails.txt"
    emails.write_text("".join(f"p{n}@acme.test\n" for n in range(3000)))
    return ["team", "invite", "--from-file", str(emails), "--as", ADA, *extra], None


def _batch(folder: Path) -> tuple[list[str], bytes | None]:
    """250 lines; a batch reads its input to the end, then runs it in one transaction."""
    lines = "".join(f"team invite b{n}@acme.test --as {ADA}\n" for n in range(250))
    return ["batch", "-"], lines.encode()


def _batch_file(folder: Path) -> tuple[list[str], bytes | None]:
    script = folder / "batch.txt"
    script.write_bytes(_batch(folder)[1] or b"")
    return ["batch", str(script)], None


#: How a command that met the swapped file ends, other than exit 0.
MET_THE_SWAP = {
    (3, "not_found"),  # it opened the new file: no ada@ there (or a new empty store)
    (7, "store_replaced"),  # its commit found another file, or none, at the path
    (7, "store_unavailable"),  # the new file is no database
}

COMMANDS: dict[str, Callable[[Path], tuple[list[str], bytes | None]]] = {
    "bulk invite": _bulk,
    "bulk invite --atomic": lambda folder: _bulk(folder, "--atomic"),
    "batch reading a pipe": _batch,  # the file is swapped while the pipe is still open
    "batch of a file": _batch_file,  # the file is swapped while its lines run
}


def _start(store: Path, args: list[str], stdin: bytes | None) -> subprocess.Popen[bytes]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("FPCTL_")}
    env |= {"FPCTL_DB": str(store), "FPCTL_NOW": NOW, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [FPCTL, *args, "-o", "json"], env=env, stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    if stdin is not None:  # half the lines now, the rest later: the pipe stays open
        assert proc.stdin is not None
        proc.stdin.write(stdin[: len(stdin) // 2])
        proc.stdin.flush()
    return proc


def _finish(proc: subprocess.Popen[bytes], stdin: bytes | None) -> tuple[int, str]:
    rest = stdin[len(stdin) // 2 :] if stdin is not None else b""
    _, err = proc.communicate(rest, timeout=120)
    return proc.returncode, err.decode()


def _duration(store: Path, template: Path, args: list[str], stdin: bytes | None) -> float:
    """How long the command runs when nothing is swapped (it must succeed)."""
    shutil.copyfile(template, store)
    started = time.monotonic()
    code, err = _finish(_start(store, args, stdin), stdin)
    assert code == 0, err
    return time.monotonic() - started


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Iterator[Counter[str]]:
    seen: Counter[str] = Counter()
    yield seen
    print(f"\n{request.node.name}: {dict(sorted(seen.items()))}")


def test_a_store_swapped_at_a_random_instant_is_exit_0_3_or_7_and_the_new_file_intact(  # noqa: PLR0917
    cli: Cli, acme: str, isolated_env: Path, other: Path, tmp_path: Path,
    figures: Counter[str],
) -> None:  # fmt: skip
    seed = _seed()
    rng = random.Random(seed)
    template = tmp_path / "acme.db"
    shutil.copyfile(isolated_env, template)
    commands = {name: make(tmp_path) for name, make in COMMANDS.items()}
    durations = {  # a batch reading a pipe waits for the rest of it: the swap comes first
        name: _duration(tmp_path / "timed.db", template, *command) if command[1] is None else 0.5
        for name, command in commands.items()
    }
    for trial in range(TRIALS):
        how = ["deleted", "store", "text"][trial % 3]
        name = list(commands)[trial // 3 % len(commands)]  # each with each swap
        why = f"trial {trial} ({name}, {how}), FPCTL_MOVE_SEED={seed}"
        folder = tmp_path / f"trial-{trial}"
        folder.mkdir()
        store = folder / "fpctl.db"
        shutil.copyfile(template, store)
        args, stdin = commands[name]
        proc = _start(store, args, stdin)
        time.sleep(rng.uniform(0, durations[name]))
        alive = proc.poll() is None
        expected = _replace(store, how, other)
        code, err = _finish(proc, stdin)

        assert code in (0, 3, 7), f"{why}: {err}"
        assert "Traceback" not in err, why
        if code:  # the JSON error: the new file had no ada@, or the old one was gone
            error = json.loads(err.strip().splitlines()[-1])["error"]
            assert (code, error["code"]) in MET_THE_SWAP, f"{why}: {err}"
        try:
            _still(cli, store, how, expected)
        except AssertionError as failed:
            raise AssertionError(f"{why}: {failed}") from None
        figures[f"{name}, {how}: exit {code}{'' if alive else ' (had ended)'}"] += 1
