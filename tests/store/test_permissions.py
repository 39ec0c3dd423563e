"""Paths this user cannot write (issue 11, defect 4): a store in a directory the user cannot
write, a store file that is read-only, a backup into a read-only directory. Each is one
line naming the path and exit 7 (exit 2 for a backup's target), never exit 1, never a
traceback, and the store is left as it was; what SQLite can read is read.

Permission bits do not stop root, and CI runs as root: each command then runs in a forked
child that dropped to ``nobody`` (and proves it cannot write where it must not). A user who
is not root is stopped by the bits of its own files, so it runs the commands itself.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import Cli
from tests.racing import _FORK, run_line
from tests.store.disks import tmpfs

ADA = ("--as", "ada@acme.test")
Run = Callable[..., dict[str, Any]]


class _ImportsAsRoot(importlib.abc.MetaPathFinder):
    """Python's own modules may sit where ``nobody`` cannot read (a pyenv under /root): the
    child keeps root as its saved user id and finds and loads each module it still imports
    as root, then drops again. Everything else it does is done as ``nobody``."""

    def __init__(self, uid: int) -> None:
        self.uid = uid

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> Any:
        with self.as_root():
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    if spec.loader is not None:
                        spec.loader = _LoadedAsRoot(spec.loader, self)
                    return spec
        return None

    def as_root(self) -> Any:
        finder = self

        class Elevated:
            def __enter__(self) -> None:
                os.seteuid(0)

            def __exit__(self, *_: object) -> None:
                os.seteuid(finder.uid)

        return Elevated()


class _LoadedAsRoot(importlib.abc.Loader):
    def __init__(self, loader: Any, finder: _ImportsAsRoot) -> None:
        self.loader, self.finder = loader, finder

    def create_module(self, spec: Any) -> ModuleType | None:
        with self.finder.as_root():
            module: ModuleType | None = self.loader.create_module(spec)
            return module

    def exec_module(self, module: ModuleType) -> None:
        with self.finder.as_root():
            self.loader.exec_module(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)


def _drop_to(uid: int, gid: int) -> None:
    """Become ``uid`` for every file access (root stays the saved user id, for imports)."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    sys.meta_path.insert(0, _ImportsAsRoot(uid))
    os.setresuid(uid, uid, 0)


def _user() -> tuple[int, int]:
    """Who the commands run as: ``nobody`` under root, else this user."""
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("running as root and there is no user `nobody` to drop to")
    return nobody.pw_uid, nobody.pw_gid


@pytest.fixture
def place() -> Iterator[Path]:
    """A directory every user can reach (pytest's tmp_path is root's alone, 0700)."""
    made = Path(tempfile.mkdtemp(prefix="fpctl-permissions-"))
    made.chmod(0o755)
    yield made
    for folder, _, _ in os.walk(made):
        Path(folder).chmod(0o755)
    shutil.rmtree(made, ignore_errors=True)


@pytest.fixture
def as_user(place: Path) -> Run:
    """``as_user("team", "list", ...)``: the command's result, run as the unprivileged user
    (in a forked child when the tests run as root). Skips when privileges cannot be dropped."""
    uid, gid = _user()
    fence = place / "fence"
    fence.mkdir()
    fence.chmod(0o555)  # nobody may write here, the test's user included unless root

    def child(args: list[str], results: Any) -> None:
        try:
            if os.geteuid() == 0:
                _drop_to(uid, gid)
            try:
                (fence / "probe").touch()
            except PermissionError:
                results.put(run_line(args))
            else:
                results.put("privileges were not dropped: a 0555 directory could be written")
        except BaseException as error:  # reported, not lost in a child's stderr
            results.put(f"{type(error).__name__}: {error}")

    def run(*args: str) -> dict[str, Any]:
        results = _FORK.SimpleQueue()
        proc = _FORK.Process(target=child, args=([str(a) for a in args], results))
        proc.start()
        proc.join(120)
        assert proc.exitcode == 0
        got = results.get()
        if isinstance(got, str) and got.startswith("privileges were not dropped"):
            pytest.skip(got)
        assert isinstance(got, dict), got
        return got

    return run


def _give(path: Path) -> None:
    """Make ``path`` the unprivileged user's (when the tests run as root)."""
    if os.geteuid() == 0:
        uid, gid = _user()
        os.chown(path, uid, gid)


def _error(result: dict[str, Any]) -> dict[str, str]:
    """The JSON error, checked to be one line of message and one of JSON, no traceback."""
    import json

    lines = result["stderr"].strip().splitlines()
    assert "Traceback" not in result["stderr"]
    assert len(lines) in (2, 3), result["stderr"]  # error:, (hint:), the JSON object
    assert lines[0].startswith("error: ")
    error: dict[str, str] = json.loads(lines[-1])["error"]
    return error


def _files(folder: Path) -> dict[str, str]:
    """Each file's name and the hash of its bytes."""
    return {
        entry.name: hashlib.sha256(entry.read_bytes()).hexdigest()
        for entry in sorted(folder.iterdir())
        if entry.is_file()
    }


@pytest.fixture
def wal_store(cli: Cli, place: Path) -> Path:
    """A store (WAL mode, as fpctl keeps it) owned by the unprivileged user, with acme,
    alone in its directory: no -wal or -shm beside it."""
    folder = place / "shelf"
    folder.mkdir()
    store = folder / "fpctl.db"
    created = cli("account", "create", "Acme", "--admin", "ada@acme.test", "--db", store)
    assert created.exit_code == 0, created.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["fpctl.db"]
    assert store.read_bytes()[18:20] == b"\x02\x02"  # WAL
    _give(folder)
    _give(store)
    return store


# -- a store that does not exist yet -------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [("account", "list"), ("account", "create", "Acme", "--admin", "ada@acme.test")],
    ids=["read", "write"],
)
@pytest.mark.parametrize("where", ["in-it", "in-a-subdirectory"])
@pytest.mark.parametrize("named_by", ["--db", "FPCTL_DB"])
def test_a_new_store_in_a_directory_the_user_cannot_write(  # noqa: PLR0917 - parameters
    as_user: Run, place: Path, monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...], where: str, named_by: str,
) -> None:  # fmt: skip
    closed = place / "closed"
    closed.mkdir()
    closed.chmod(0o555)
    store = closed / "fpctl.db" if where == "in-it" else closed / "sub" / "fpctl.db"
    if named_by == "--db":
        command = (*command, "--db", str(store))
    else:
        monkeypatch.setenv("FPCTL_DB", str(store))

    result = as_user(*command, "-o", "json")

    assert (result["exit_code"], result["stdout"]) == (7, ""), result["stderr"]
    error = _error(result)
    assert error["code"] == "store_unavailable"
    assert error["message"].startswith(f"the store cannot be used: cannot create {store}: ")
    if where == "in-it":
        assert error["message"].endswith(f"this user cannot write the directory {closed}")
    else:
        assert error["message"].endswith(f"its directory {store.parent} cannot be made "
                                         "(Permission denied)")  # fmt: skip
    assert "--db" in error["hint"]
    assert list(closed.iterdir()) == []


# -- an existing store whose directory is read-only ----------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("account", "list"),
        ("audit", "verify"),
        ("db", "check"),
        ("team", "invite", "bob@acme.test", *ADA),
    ],
    ids=["account-list", "audit-verify", "db-check", "team-invite"],
)
def test_a_store_in_a_directory_that_became_read_only_says_so(
    as_user: Run, wal_store: Path, command: tuple[str, ...]
) -> None:
    """SQLite must create FILE-wal and FILE-shm beside a WAL store even to read it: it
    said "attempt to write a readonly database" for a read."""
    folder = wal_store.parent
    assert as_user("account", "list", "--db", wal_store)["exit_code"] == 0  # the user's store
    folder.chmod(0o555)
    before = _files(folder)

    result = as_user(*command, "--db", wal_store, "-o", "json")

    assert (result["exit_code"], result["stdout"]) == (7, ""), result["stderr"]
    error = _error(result)
    assert error == {
        "code": "store_unavailable",
        "message": f"the store cannot be used: this user cannot write the directory {folder}, "
        "where SQLite must create fpctl.db-wal and fpctl.db-shm beside fpctl.db before it "
        "can even read it (the store keeps a write-ahead log)",
        "hint": f"make {folder} writable for this user, or copy the store to a directory it "
        "can write and use that copy with --db",
    }
    assert _files(folder) == before


def test_a_backup_in_a_read_only_directory_can_be_read(
    cli: Cli, as_user: Run, wal_store: Path
) -> None:
    """A backup keeps a rollback journal: SQLite reads it without writing beside it (fpctl
    failed on connecting, switching it to WAL), and a write names the read-only file."""
    shelf = wal_store.parent
    backup = shelf / "backup.db"
    assert cli("db", "backup", backup, "--db", wal_store).exit_code == 0
    shelf.chmod(0o555)
    before = _files(shelf)

    verified = as_user("audit", "verify", "--db", backup, "-o", "json")
    listed = as_user("account", "list", "--db", backup, "-o", "json")
    written = as_user("team", "invite", "bob@acme.test", *ADA, "--db", backup, "-o", "json")

    assert verified["exit_code"] == 0, verified["stderr"]
    assert listed["exit_code"] == 0, listed["stderr"]
    assert (written["exit_code"], written["stdout"]) == (7, ""), written["stderr"]
    assert _error(written)["message"] == (
        f"the store cannot be used: {backup} is read-only for this user"
    )
    assert _files(shelf) == before


# -- an existing store file that is read-only ----------------------------------------------


def test_a_read_only_store_file_is_read_and_a_write_names_it(as_user: Run, wal_store: Path) -> None:
    wal_store.chmod(0o444)
    if os.geteuid() == 0:
        os.chown(wal_store, 0, 0)
    before = hashlib.sha256(wal_store.read_bytes()).hexdigest()

    listed = as_user("account", "list", "--db", wal_store, "-o", "json")
    verified = as_user("audit", "verify", "--db", wal_store, "-o", "json")
    written = as_user("team", "invite", "bob@acme.test", *ADA, "--db", wal_store, "-o", "json")

    assert listed["exit_code"] == 0, listed["stderr"]
    assert verified["exit_code"] == 0, verified["stderr"]
    assert (written["exit_code"], written["stdout"]) == (7, ""), written["stderr"]
    assert _error(written) == {
        "code": "store_unavailable",
        "message": f"the store cannot be used: {wal_store} is read-only for this user",
        "hint": f"check the file's owner and permissions: ls -l {wal_store}",
    }
    assert hashlib.sha256(wal_store.read_bytes()).hexdigest() == before


def test_a_log_file_left_by_another_user_is_named(as_user: Run, wal_store: Path) -> None:
    """FILE-wal and FILE-shm this user cannot write (left by another user's fpctl): SQLite
    reads through them, a write names them."""
    for suffix in ("-wal", "-shm"):
        companion = wal_store.with_name(wal_store.name + suffix)
        companion.write_bytes(b"")
        companion.chmod(0o444)

    listed = as_user("account", "list", "--db", wal_store, "-o", "json")
    written = as_user("team", "invite", "bob@acme.test", *ADA, "--db", wal_store, "-o", "json")

    assert listed["exit_code"] == 0, listed["stderr"]
    assert (written["exit_code"], written["stdout"]) == (7, ""), written["stderr"]
    assert _error(written)["message"] == (
        f"the store cannot be used: this user cannot write {wal_store}-wal, which SQLite "
        "keeps beside fpctl.db while the store is in use"
    )


# -- a backup into a read-only directory ---------------------------------------------------


def test_a_backup_into_a_read_only_directory_is_exit_2_and_writes_nothing(
    as_user: Run, wal_store: Path, place: Path
) -> None:
    closed = place / "closed"
    closed.mkdir()
    closed.chmod(0o555)
    target = closed / "backup.db"

    result = as_user("db", "backup", target, "--db", wal_store, "-o", "json")

    assert (result["exit_code"], result["stdout"]) == (2, ""), result["stderr"]
    assert _error(result) == {
        "code": "invalid_input",
        "message": f"cannot write {target}: Permission denied",
    }
    assert list(closed.iterdir()) == []
    assert stat.S_IMODE(closed.stat().st_mode) == 0o555


# -- a read-only file system: root is stopped too ------------------------------------------


@pytest.fixture
def frozen(cli: Cli, tmp_path: Path) -> Iterator[Path]:
    """A store with acme on a small tmpfs of its own, then remounted read-only."""
    with tmpfs(tmp_path / "disk", "4m") as disk:
        store = disk / "fpctl.db"
        made = cli("account", "create", "Acme", "--admin", "ada@acme.test", "--db", store)
        assert made.exit_code == 0, made.stderr
        remounted = subprocess.run(
            ["mount", "-o", "remount,ro", str(disk)], capture_output=True, check=False
        )
        if remounted.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remounted.stderr.decode().strip()}")
        yield store


@pytest.mark.parametrize(
    "command",
    [("account", "list"), ("audit", "verify"), ("team", "invite", "bob@acme.test", *ADA)],
    ids=["account-list", "audit-verify", "team-invite"],
)
def test_a_store_on_a_read_only_file_system_says_so(
    cli: Cli, frozen: Path, command: tuple[str, ...]
) -> None:
    before = _files(frozen.parent)

    result = cli(*command, "--db", frozen, "-o", "json")

    assert (result.exit_code, result.stdout) == (7, ""), result.stderr
    assert _error({"stderr": result.stderr}) == {
        "code": "store_unavailable",
        "message": f"the store cannot be used: the directory {frozen.parent} is on a "
        "read-only file system, where SQLite must create fpctl.db-wal and fpctl.db-shm "
        "beside fpctl.db before it can even read it (the store keeps a write-ahead log)",
        "hint": "copy the store to a file system that can be written and use that copy with --db",
    }
    assert _files(frozen.parent) == before


def test_a_new_store_or_a_backup_on_a_read_only_file_system(
    cli: Cli, acme: str, frozen: Path
) -> None:
    new = frozen.with_name("new.db")
    created = cli("account", "list", "--db", new, "-o", "json")
    backup = cli("db", "backup", frozen.with_name("b.db"), "-o", "json")  # of acme

    assert (created.exit_code, _error({"stderr": created.stderr})["message"]) == (
        7,
        f"the store cannot be used: cannot create {new}: the directory {frozen.parent} is "
        "on a read-only file system",
    )
    assert (backup.exit_code, backup.stdout) == (2, "")
    assert _error({"stderr": backup.stderr})["message"] == (
        f"cannot write {frozen.with_name('b.db')}: Read-only file system"
    )
