"""Engines and units of work, set up as RELIABILITY §1 measured it must be.

Every connection: pysqlite's own BEGIN off, ``foreign_keys=ON`` (outside any transaction, or
SQLite ignores it), WAL, ``synchronous=NORMAL`` and a busy timeout. A write unit of work
begins with ``BEGIN IMMEDIATE`` so it waits for the write lock up front instead of failing
half-way; reads begin deferred. The command owns the transaction: services only flush.

A SQLite store is a file other programs can touch. A file that cannot be opened or written
is explained by its path (which directory or file this user cannot write: SQLite creates
FILE-wal and FILE-shm beside a WAL store even to read it). A store file deleted or replaced
while a command runs would take that command's commit into the old file, gone from the
path, and leave that file's write-ahead log beside the new one, where the next open reads
it as part of the new file (a malformed store, or the old store's rows in the new one). So
each commit first checks that the path still names the file its connection opened; if not,
it rolls back, empties the old file's log into the old file and stops with exit 7; and a
connection closed on a file no longer at the path empties its log the same way first
(SQLite itself leaves it there). tests/store/test_moved.py swaps the file mid-run.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DatabaseError, DisconnectionError, OperationalError
from sqlmodel import Session

from fpctl.errors import StoreBusy, StoreUnavailable
from fpctl.store.location import StoreLocation
from fpctl.store.tables import load_all

# Parallel scripts on a loaded two-core machine were seen waiting up to ~5 s for the write
# lock (tests/store/test_concurrency.py); failing them at 5 s would lose work, so wait longer.
DEFAULT_BUSY_TIMEOUT_MS = 30_000


def _busy_timeout_ms() -> int:
    raw = os.environ.get("FPCTL_BUSY_TIMEOUT_MS", "")
    return int(raw) if raw.isascii() and raw.isdigit() else DEFAULT_BUSY_TIMEOUT_MS


def busy_timeout_seconds() -> float:
    """How long a writer waits for the store's write lock (``FPCTL_BUSY_TIMEOUT_MS``)."""
    return _busy_timeout_ms() / 1000


#: In a SQLite connection's pool record: the store file it opened and that file's
#: (device, inode); and whether the file was found deleted or replaced since (then the
#: connection is never handed out again).
_OPENED = "fpctl_opened_file"
_MOVED = "fpctl_file_moved"

_ELSEWHERE = "use a store in a directory this user can write: --db PATH or FPCTL_DB"


def _on_connect(dbapi_connection: sqlite3.Connection, record: Any, path: Path | None) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_busy_timeout_ms()}")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as error:
        # A file this user may only read (a backup keeps a rollback journal) can still be
        # read; a write then says which file or directory this user cannot write.
        if "readonly" in str(error):
            pass
        elif path is not None and _swapped_as_opened(record, path):
            # SQLite only says "disk I/O error" of a file deleted or replaced as it opened
            raise _replaced(path, "nothing was changed") from None
        else:
            raise
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    if path is not None and record.info.get(_OPENED, (path, None))[1] is None:
        # A new file, made by this open: nothing was at the path to be swapped before it.
        record.info[_OPENED] = (path, _identity(path))


def _swapped_as_opened(record: Any, path: Path) -> bool:
    """Whether a file was at the path just before the open and another (or none) is now."""
    noted = record.info.get(_OPENED, (path, None))[1]
    return noted is not None and _identity(path) != noted


def _before_connect(record: Any, path: Path) -> None:
    """Note which file the path names just *before* SQLite opens it: noted after, a file
    swapped in between would pass for the one opened, and every commit would go to the
    old file. Noted before, such a swap makes the first commit stop (exit 7)."""
    record.info[_OPENED] = (path, _identity(path))


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file ``path`` names now: (device, inode), or ``None`` when nothing is there."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def _on_checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """A connection to a store file that was deleted or replaced is not handed out again:
    the pool closes it and opens whatever file is at the path now."""
    if record.info.get(_MOVED):
        raise DisconnectionError("the store file was deleted or replaced")


def _on_begin(connection: Any) -> None:
    write = connection.get_execution_options().get("fpctl_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


#: The advisory lock every write transaction on a PostgreSQL store takes first: one writer
#: at a time, as ``BEGIN IMMEDIATE`` gives SQLite (the audit chain is one per store, so its
#: appends are serial anyway). Readers never wait for it (MVCC).
WRITE_LOCK_KEY = 0x6670_6374  # "fpct"


def _on_begin_postgres(connection: Any) -> None:
    if not connection.get_execution_options().get("fpctl_write", False):
        return
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{_busy_timeout_ms()}ms'")
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def create_store_engine(location: StoreLocation) -> Engine:
    """An engine for this process (never share one across ``fork()``)."""
    if location.dialect == "postgresql":
        # No server-side prepared statements: psycopg prepares a query run five times, and
        # the generic plan of the bulk checks (email IN 1,000 values) scanned the whole
        # table instead of its partial index (100k invitations: 59 s instead of 17 s).
        engine = create_engine(
            location.url,
            connect_args={
                "connect_timeout": 10,
                "application_name": "fpctl",
                "prepare_threshold": None,
            },
        )
        event.listen(engine, "begin", _on_begin_postgres)
        return engine
    path = location.path.absolute() if location.path is not None else None
    if path is not None:
        _make_directory(path)
    engine = create_engine(location.url)

    def do_connect(_dialect: Any, record: Any, _cargs: Any, _cparams: Any) -> None:
        if path is not None:
            _before_connect(record, path)

    def on_connect(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        _on_connect(dbapi_connection, record, path)

    event.listen(engine, "do_connect", do_connect)
    event.listen(engine, "connect", on_connect)
    event.listen(engine, "checkout", _on_checkout)
    event.listen(engine, "close", _on_close)
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "handle_error", _explain_file_error)
    return engine


def _make_directory(path: Path) -> None:
    """The store's directory, made when missing (a new store's file is made by SQLite)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreUnavailable(
            f"the store cannot be used: cannot create {path}: its directory {path.parent} "
            f"cannot be made ({error.strerror or error})",
            hint=_ELSEWHERE,
        ) from None


def _can(path: Path, mode: int) -> bool:
    """Whether this process's user may access ``path`` so (root: nearly always)."""
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)


def _unusable(path: Path) -> StoreUnavailable | None:
    """Why SQLite could not open or write the store file ``path``, naming the file or the
    directory this user cannot use; ``None`` when nothing here explains it."""
    try:
        return _unusable_file(path.absolute())
    except OSError:  # a directory we may not even look into: SQLite's own words will do
        return None


def _unusable_file(path: Path) -> StoreUnavailable | None:
    directory = path.parent
    write_here = os.W_OK | os.X_OK
    frozen = _on_read_only_file_system(directory)
    cannot_write = (
        f"the directory {directory} is on a read-only file system"
        if frozen
        else f"this user cannot write the directory {directory}"
    )
    elsewhere = (
        "copy the store to a file system that can be written and use that copy with --db"
        if frozen
        else f"make {directory} writable for this user, or copy the store to a directory "
        "it can write and use that copy with --db"
    )
    if not path.exists():
        if frozen or not _can(directory, write_here):
            return StoreUnavailable(
                f"the store cannot be used: cannot create {path}: {cannot_write}",
                hint=_ELSEWHERE,
            )
        return None
    if path.is_dir():
        return StoreUnavailable(
            f"the store cannot be used: {path} is a directory",
            hint="give the store's file name: --db DIR/fpctl.db",
        )
    if not _can(path, os.R_OK):
        return StoreUnavailable(
            f"the store cannot be used: this user cannot read {path}",
            hint=f"check the file's owner and permissions: ls -l {path}",
        )
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    missing = [companion.name for companion in companions if not companion.exists()]
    if missing and _in_wal_mode(path) and (frozen or not _can(directory, write_here)):
        return StoreUnavailable(
            f"the store cannot be used: {cannot_write}, where SQLite must create "
            f"{' and '.join(missing)} beside {path.name} before it can even read it (the "
            "store keeps a write-ahead log)",
            hint=elsewhere,
        )
    if frozen:
        return StoreUnavailable(
            f"the store cannot be used: {path} is on a read-only file system", hint=elsewhere
        )
    if not _can(path, os.W_OK):
        return StoreUnavailable(
            f"the store cannot be used: {path} is read-only for this user",
            hint=f"check the file's owner and permissions: ls -l {path}",
        )
    for companion in companions:
        if companion.exists() and not _can(companion, os.R_OK | os.W_OK):
            return StoreUnavailable(
                f"the store cannot be used: this user cannot write {companion}, which "
                f"SQLite keeps beside {path.name} while the store is in use",
                hint=f"check the files' owner and permissions: ls -l {directory}",
            )
    if not _can(directory, write_here):
        return StoreUnavailable(
            f"the store cannot be used: {cannot_write}, where SQLite keeps a journal "
            f"beside {path.name} while it writes",
            hint=f"make {directory} writable for this user",
        )
    return None


def _on_read_only_file_system(directory: Path) -> bool:
    """Whether ``directory`` is on a file system mounted read-only (root cannot write it
    either)."""
    return bool(os.statvfs(directory).f_flag & os.ST_RDONLY)


def _in_wal_mode(path: Path) -> bool:
    """Whether the SQLite file's header says it keeps a write-ahead log (bytes 18 and 19
    of the header are 2 in WAL mode, 1 with a rollback journal)."""
    with path.open("rb") as file:
        header = file.read(20)
    return len(header) == 20 and header[18:20] == b"\x02\x02"


def _explain_file_error(context: ExceptionContext) -> Exception | None:
    """An open or a write SQLite refused becomes an error naming the file or directory
    this user cannot use (SQLite itself says "unable to open database file", or "attempt
    to write a readonly database" even for a read in a read-only directory)."""
    text = str(context.original_exception).lower()
    if "unable to open" not in text and "readonly" not in text:
        return None
    database = context.engine.url.database if context.engine is not None else None
    if not database or database == ":memory:":
        return None
    return _unusable(Path(database))


def translate_store_error(error: Exception) -> StoreBusy | None:
    """Lock and access failures become exit 7; anything else stays a bug."""
    text = str(getattr(error, "orig", error)).lower()
    if "locked" in text or "busy" in text or "lock timeout" in text:
        return StoreBusy(
            "the store is busy: another fpctl kept it locked past the timeout",
            hint="try again; raise FPCTL_BUSY_TIMEOUT_MS to wait longer",
        )
    unavailable = (
        "unable to open",
        "not a database",
        "readonly",
        "disk i/o",
        "disk is full",
        "no space left on device",
        "malformed",
        "connection refused",
        "could not connect",
        "connection failed",
        "failed to resolve host",
        "authentication failed",
        "no password supplied",
        "timeout expired",
    )
    missing_database = text.startswith('database "') or 'fatal:  database "' in text
    if missing_database or any(word in text for word in unavailable):
        reason = " ".join(str(getattr(error, "orig", error)).split())  # one line
        return StoreUnavailable(f"the store cannot be used: {reason}")
    return None


@contextmanager
def store_errors() -> Iterator[None]:
    try:
        yield
    except (OperationalError, DatabaseError, sqlite3.OperationalError) as error:
        translated = translate_store_error(error)
        if translated is None:
            raise
        raise translated from error


@contextmanager
def transaction(engine: Engine, *, write: bool, dry_run: bool = False) -> Iterator[Session]:
    """One transaction: committed at the end of the block, rolled back on any error or dry run.

    A write builds every table first: its flush orders the inserts by foreign keys, which
    must all name tables in the metadata (a read builds only the tables it queries)."""
    if write:
        load_all()
    bind = engine.execution_options(fpctl_write=write)
    with store_errors(), Session(bind, expire_on_commit=False, autoflush=True) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        if write and not dry_run:
            _commit(session)
        else:
            session.expunge_all()  # keep loaded objects readable after the rollback
            session.rollback()


def _commit(session: Session) -> None:
    """Commit, unless the SQLite store file was deleted or replaced since this connection
    opened it: the commit would go to a file no longer at the path. Then roll back, empty
    the old file's write-ahead log into the old file (left beside the new file, its pages
    would be read as the new file's) and stop with exit 7."""
    if session.get_bind().dialect.name != "sqlite":
        session.commit()
        return
    record = session.connection().connection
    opened = record.info.get(_OPENED)
    if opened is None or _identity(opened[0]) == opened[1]:
        session.commit()
        return
    path, info, dbapi_connection = opened[0], record.info, record.driver_connection
    session.rollback()
    info[_MOVED] = True
    _empty_log(dbapi_connection)
    raise _replaced(path, "the changes it was about to save were rolled back")


def _replaced(path: Path, outcome: str) -> StoreUnavailable:
    return StoreUnavailable(
        f"the store cannot be used: {path} was deleted or replaced while fpctl was using "
        f"it; {outcome}",
        hint=f"check the store now at {path} and run the command again; "
        "`fpctl db restore FILE --yes` puts a backup back safely, even while others use it",
        code="store_replaced",
    )


def _empty_log(dbapi_connection: Any) -> None:
    """Copy what the write-ahead log holds into the file this connection opened, and empty
    the log: it sits beside the store's path, which names another file now (best effort,
    never a wait)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        with suppress(sqlite3.Error):
            dbapi_connection.execute("PRAGMA busy_timeout=0")
            dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _on_close(dbapi_connection: Any, record: Any) -> None:
    """SQLite leaves the log as it is when it closes a file that was deleted or replaced
    (it cannot tell whose log it is now): what this process committed would then be read
    as part of the new file. Empty it into the old file first."""
    opened = record.info.get(_OPENED) if record is not None else None
    if opened is not None and (record.info.get(_MOVED) or _identity(opened[0]) != opened[1]):
        _empty_log(dbapi_connection)
