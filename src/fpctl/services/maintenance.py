"""Looking after the store itself: upgrade its schema, back it up, check it.

No CLI here: each use case takes an engine (or a location) and returns a small report the
command renders. A backup goes through SQLite's online backup API, never a file copy: a
copy of the main file alone misses transactions still in the WAL (RELIABILITY §3).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager, suppress
from dataclasses import dataclass
from glob import escape as glob_escape
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from fpctl.domain.money import format_cents
from fpctl.domain.words import counted
from fpctl.errors import InvalidInput, NotFound, RuleViolation
from fpctl.services import file_checks, invariants, money_seal
from fpctl.services.chain_ranges import verified_aside
from fpctl.services.checks import MAX_PROBLEMS, Check, CheckReport, names
from fpctl.services.driver_rows import fetched
from fpctl.store import schema
from fpctl.store.db import create_store_engine, store_errors, transaction
from fpctl.store.location import StoreLocation

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

AUDIT_TRIGGERS = ("audit_record_no_delete", "audit_record_no_update")


def require_store(location: StoreLocation) -> None:
    """Checking or backing up a store that is not there is a mistake, not a new store."""
    if location.path is not None and not location.path.exists():
        raise NotFound(
            f"there is no store at {location.path}",
            hint="check --db / FPCTL_DB, or create the store with `fpctl db upgrade`",
        )


def open_engine(location: StoreLocation, *, must_exist: bool, dry_run: bool = False) -> Engine:
    """An engine that leaves the schema alone (``upgrade`` and ``check`` look at it first).
    A dry run on a store file that does not exist yet works on an empty in-memory store, so
    that it leaves no file behind."""
    if must_exist:
        require_store(location)
    if dry_run and location.path is not None and not location.path.exists():
        return create_store_engine(StoreLocation(url="sqlite://", path=None))
    return create_store_engine(location)


# -- upgrade ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upgrade:
    from_revision: str | None
    to_revision: str

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def upgrade(engine: Engine, *, dry_run: bool = False) -> Upgrade:
    """Bring the store to ``schema.HEAD`` in one write transaction (a dry run rolls it back)."""
    with transaction(engine, write=True, dry_run=dry_run) as session:
        before, after = schema.upgrade(session.connection())
    return Upgrade(before, after)


# -- backup -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backup:
    path: Path
    bytes: int
    revision: str | None
    audit_records: int
    audit_head: str | None
    written: bool  # False for a dry run
    format: str = "sqlite"  # a SQLite file, or "pg_dump" (custom format, for pg_restore)


def backup(
    engine: Engine, source: Path | None, target: Path, *, overwrite: bool, dry_run: bool = False
) -> Backup:
    """Copy the store to ``target`` through the online backup API: a consistent snapshot
    even while other processes write. The copy is written beside ``target`` and renamed
    into place, so ``target`` is either the old file or a complete backup."""
    if engine.dialect.name != "sqlite":
        raise RuleViolation(
            "`fpctl db backup` copies SQLite stores; this store is on a PostgreSQL server",
            hint="back it up with the server's tools: pg_dump --format=custom URL > FILE",
            code="not_sqlite",
        )
    target = backup_target(source, target, overwrite=overwrite)
    with written_beside(target, keep=not dry_run) as partial:
        _copy_store(engine, partial)
        return describe_file(partial, target, written=not dry_run)


@contextmanager
def written_beside(target: Path, *, keep: bool) -> Iterator[Path]:
    """A file to write beside ``target``, renamed into place when the block ends well and
    ``keep`` (removed otherwise): ``target`` is the old file or a complete new one."""
    _remove_stale_partials(target)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        partial.unlink(missing_ok=True)  # an earlier run of this process id, killed
        partial.touch()  # a directory we cannot write is said here, plainly
    except OSError as error:
        raise InvalidInput(f"cannot write {target}: {error.strerror or error}") from None
    try:
        yield partial
        if keep:
            partial.replace(target)
    finally:
        with suppress(FileNotFoundError):
            partial.unlink()


def _remove_stale_partials(target: Path) -> None:
    """What a killed run left beside ``target``: its partial file and that file's SQLite
    companions (-journal, -wal, -shm), when the process that wrote them is gone."""
    for leftover in target.parent.glob(f".{glob_escape(target.name)}.*.partial*"):
        pid = leftover.name.removeprefix(f".{target.name}.").split(".", 1)[0]
        if pid.isdigit() and not running(int(pid)):
            with suppress(OSError):
                leftover.unlink()


def running(pid: int) -> bool:
    """Whether process ``pid`` is alive (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def backup_target(source: Path | None, target: Path, *, overwrite: bool) -> Path:
    target = target.expanduser().absolute()
    if target.is_dir():
        raise InvalidInput(f"{target} is a directory: give the backup's file name")
    if not target.parent.is_dir():
        raise InvalidInput(f"cannot write {target}: the directory {target.parent} does not exist")
    if source is not None and is_part_of(target, source):
        raise RuleViolation(
            f"{target} is the store itself or one of its files: a backup must go to another file",
            hint="SQLite keeps a store in FILE and, while it is open, FILE-wal and FILE-shm",
            code="backup_is_store",
        )
    if target.exists() and not overwrite:
        raise RuleViolation(
            f"{target} already exists: it was not overwritten",
            hint="add --yes to replace it, or choose another FILE",
            code="backup_exists",
        )
    return target


def is_part_of(target: Path, store: Path) -> bool:
    """``target`` is the store's file, or its write-ahead log, shared memory or journal."""
    if target.exists() and store.exists() and target.samefile(store):
        return True
    store = store.expanduser().resolve()
    companions = {store.with_name(store.name + suffix) for suffix in ("-wal", "-shm", "-journal")}
    return target.resolve() in companions | {store}


def _copy_store(engine: Engine, partial: Path) -> None:
    with store_errors(), engine.connect() as connection:
        source = connection.connection.driver_connection
        assert isinstance(source, sqlite3.Connection)
        with closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)  # all pages in one step: one snapshot
    self_contained(partial)


def self_contained(path: Path) -> None:
    """Make the SQLite file one self-contained file (a rollback journal, no -wal beside it
    to lose when it is renamed, copied or sent): what a backup must be."""
    with closing(sqlite3.connect(path)) as copy:
        copy.execute("PRAGMA journal_mode=DELETE")


def describe_file(copy: Path, target: Path, *, written: bool) -> Backup:
    """What a backup written as the SQLite file ``copy`` (to become ``target``) holds."""
    with closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        revision = None
        if "alembic_version" in tables:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        head: tuple[int, str] | None = None
        if "audit_record" in tables:
            head = connection.execute(
                "SELECT id, hash FROM audit_record ORDER BY id DESC LIMIT 1"
            ).fetchone()
    return Backup(
        path=target,
        bytes=copy.stat().st_size,
        revision=revision[0] if revision else None,
        audit_records=head[0] if head else 0,
        audit_head=head[1] if head else None,
        written=written,
    )


# -- check --------------------------------------------------------------------------------


def check(engine: Engine) -> CheckReport:
    """Integrity, foreign keys, the schema (its version, tables and indexes), the ledger,
    rewards points, each order's payments, every money row backed by its audit record, one
    admin per account, delivered files against their hashes, the audit fence and the chain.

    Read-only: a store behind ``HEAD`` is reported, not upgraded."""
    with _integrity_aside(engine) as integrity:
        checks = _checks(engine)
        checks.insert(0, integrity())
    return CheckReport(checks)


def _checks(engine: Engine) -> list[Check]:
    """Every check but ``integrity``, in one read transaction (one view of the store); a
    long audit chain is walked by worker processes meanwhile (services/chain_ranges.py),
    up to the head this transaction sees."""
    with transaction(engine, write=False) as session, ExitStack() as aside:
        connection = session.connection()
        tables = set(names(connection, "table"))
        chain = None
        if "audit_record" in tables:
            chain = aside.enter_context(verified_aside(connection, walk_first=False))
        version = _schema_version(connection)
        checks = [_foreign_keys(connection), version]
        if version.ok:  # a store at an older schema lacks the newer tables by right
            checks.append(invariants.schema_objects(connection, tables))
        checks.append(_ledger(connection, tables))
        checks.append(_rewards(connection, tables))
        checks.append(invariants.order_payments(connection, tables))
        checks.append(invariants.subscription_refunds(connection, tables))
        if version.ok:  # older stores have no seals to prove
            checks.append(money_seal.backed(connection, tables))
        checks.append(invariants.admins(connection, tables))
        checks.append(invariants.emails(connection, tables))
        checks.append(invariants.status_times(connection, tables))
        checks.append(file_checks.delivered_files(connection, tables))
        if chain is None:
            missing = "the store has no audit_record table"
            checks += [Check("audit_fence", False, missing), Check("audit_chain", False, missing)]
            return checks
        checks.append(_audit_fence(connection))
        broken, count, head = chain()
    facts = {"records": count, "head": head}
    if broken is None:
        checks.append(Check("audit_chain", True, f"{counted(count, 'record')} intact", facts=facts))
    else:
        detail = f"broken at record {broken.record_id}: {broken.problem}"
        facts["broken_at"] = broken.record_id
        checks.append(Check("audit_chain", False, detail, [detail], facts))
    return checks


@contextmanager
def _integrity_aside(engine: Engine) -> Iterator[Callable[[], Check]]:
    """``PRAGMA integrity_check`` reads every page of a SQLite file (seconds for a million
    audit records): it runs on a connection of its own, in a thread, while the other
    checks walk their rows in Python (SQLite lets go of the GIL while it works); its
    result is taken when the report is put together. It checks the file, not the rows,
    so it needs no share in the other checks' read transaction."""
    if engine.dialect.name != "sqlite":
        yield lambda: Check("integrity", True, "kept by the PostgreSQL server")
        return
    if engine.url.database in (None, "", ":memory:"):  # a store only its one connection sees
        with store_errors(), engine.connect() as connection:
            found = _integrity(connection)
        yield lambda: found
        return
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            with store_errors(), engine.connect() as connection:
                outcome["check"] = _integrity(connection)
        except BaseException as error:  # raised where the result is taken
            outcome["error"] = error

    thread = threading.Thread(target=work, name="fpctl-integrity-check", daemon=True)
    thread.start()

    def taken() -> Check:
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return cast(Check, outcome["check"])

    try:
        yield taken
    finally:
        thread.join()


def money_checks(connection: Connection) -> list[Check]:
    """The ledger and rewards chains of every account, on this connection's view."""
    tables = set(names(connection, "table"))
    return [_ledger(connection, tables), _rewards(connection, tables)]


def _integrity(connection: Connection) -> Check:
    rows = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
    if rows == ["ok"]:
        return Check("integrity", True, "ok")
    return Check("integrity", False, counted(len(rows), "problem"), rows[:MAX_PROBLEMS])


def _foreign_keys(connection: Connection) -> Check:
    if connection.dialect.name != "sqlite":
        return Check("foreign_keys", True, "enforced by the PostgreSQL server")
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if not rows:
        return Check("foreign_keys", True, "ok")
    problems = [
        f"{table} row {rowid} refers to a missing {parent} row" for table, rowid, parent, _ in rows
    ]
    return Check("foreign_keys", False, f"{len(rows)} orphan rows", problems[:MAX_PROBLEMS])


def _schema_version(connection: Connection) -> Check:
    revision = schema.current_revision(connection)
    facts = {"revision": revision, "head": schema.HEAD}
    if revision == schema.HEAD:
        return Check("schema", True, f"at {revision} (current)", facts=facts)
    if revision is None:
        return Check("schema", False, "no schema version: not an fpctl store", facts=facts)
    return Check(
        "schema", False, f"at {revision}, not {schema.HEAD}: run `fpctl db upgrade`", facts=facts
    )


_LEDGER_SQL = """
SELECT e.account_id, a.slug, a.credits_cents AS credits, a.balance_cents AS balance, e.id,
       e.credits_cents, e.balance_cents, e.credits_after_cents, e.balance_after_cents
FROM ledger_entry e JOIN account a ON a.id = e.account_id
ORDER BY e.account_id, e.id
"""


def _ledger(connection: Connection, tables: set[str]) -> Check:
    """Each account's ledger is one chain: every entry's amounts after are the previous
    ones plus its change, and the last ones are the account's. The opening amounts are
    whatever the first entry started from (accounts may predate the ledger)."""
    if "ledger_entry" not in tables:
        return Check("ledger", True, "no ledger in this store")
    return _chains(connection, "ledger", _LEDGER_SQL, _chain_problems)


def _chains(
    connection: Connection,
    name: str,
    sql: str,
    problems_of: Callable[[Iterator[Any]], tuple[list[str], int]],
) -> Check:
    """Run ``sql`` (rows ordered by account, then entry) and check each account's chain,
    streamed: an account's entries are walked as they come, never held."""
    problems: list[str] = []
    accounts = entries = 0
    with fetched(connection, sql, name=f"fpctl_{name}") as rows:  # plain rows, streamed
        for _, group in groupby(rows, key=itemgetter(0)):
            found, count = problems_of(group)
            accounts += 1
            entries += count
            problems += found
    facts = {"accounts": accounts, "entries": entries}
    if not problems:
        detail = f"{counted(entries, 'entry', 'entries')} of {counted(accounts, 'account')} add up"
        return Check(name, True, detail, facts=facts)
    return Check(name, False, counted(len(problems), "problem"), problems[:MAX_PROBLEMS], facts)


def _chain_problems(chain: Iterator[Any]) -> tuple[list[str], int]:
    """One account's entries (plain rows in ``_LEDGER_SQL``'s columns), in id order,
    against each other and against the account; and how many there were."""
    problems = []
    last = next(chain)
    _, slug, _, _, last_id, _, _, credits_after, balance_after = last
    count = 1
    for entry in chain:
        _, _, _, _, id_, credits_cents, balance_cents, entry_credits, entry_balance = entry
        credits = credits_after + credits_cents
        balance = balance_after + balance_cents
        if entry_credits != credits or entry_balance != balance:
            problems.append(f"account {slug}: ledger entry {id_} does not follow entry {last_id}")
        last, last_id, count = entry, id_, count + 1
        credits_after, balance_after = entry_credits, entry_balance
    _, slug, held_credits, held_balance, _, _, _, credits_after, balance_after = last
    for name, held, ledger in (
        ("credits", held_credits, credits_after),
        ("balance", held_balance, balance_after),
    ):
        if held != ledger:
            problems.append(
                f"account {slug}: {name} is {format_cents(held)} "
                f"but its ledger ends at {format_cents(ledger)}"
            )
    return problems, count


_REWARDS_SQL = """
SELECT e.account_id, a.slug, a.points AS held, e.id, e.points, e.points_after
FROM reward_entry e JOIN account a ON a.id = e.account_id
ORDER BY e.account_id, e.id
"""


def _rewards(connection: Connection, tables: set[str]) -> Check:
    """Each account's rewards history is one chain, like the ledger: every entry's points
    after are the previous ones plus its change, never negative, and the last are the
    account's points."""
    if "reward_entry" not in tables:
        return Check("rewards", True, "no rewards history in this store")
    return _chains(connection, "rewards", _REWARDS_SQL, _points_problems)


def _points_problems(chain: Iterator[Any]) -> tuple[list[str], int]:
    """One account's rewards entries (plain rows in ``_REWARDS_SQL``'s columns)."""
    last = next(chain)
    _, slug, _, last_id, _, points_after = last
    count = 1
    broken: list[str] = []
    negative = [] if points_after >= 0 else [_negative(slug, last_id, points_after)]
    for entry in chain:
        _, _, _, id_, points, entry_after = entry
        if entry_after != points_after + points:
            broken.append(f"account {slug}: reward entry {id_} does not follow entry {last_id}")
        if entry_after < 0:
            negative.append(_negative(slug, id_, entry_after))
        last, last_id, points_after, count = entry, id_, entry_after, count + 1
    problems = broken + negative
    held = last[2]
    if held != points_after:
        problems.append(
            f"account {slug}: points are {held:,} but its rewards history ends at {points_after:,}"
        )
    return problems, count


def _negative(slug: str, entry_id: int, points_after: int) -> str:
    return f"account {slug}: reward entry {entry_id} leaves {points_after:,} points"


def _audit_fence(connection: Connection) -> Check:
    present = set(names(connection, "trigger"))
    missing = [name for name in AUDIT_TRIGGERS if name not in present]
    if not missing:
        return Check("audit_fence", True, "UPDATE and DELETE on audit records are refused")
    return Check("audit_fence", False, f"missing triggers: {', '.join(missing)}", [*missing])


def require_ok(report: CheckReport) -> None:
    """Exit 5 naming the failed checks (the report itself is printed first)."""
    if report.ok:
        return
    raise RuleViolation(
        f"the store failed {len(report.failed)} check(s): {', '.join(report.failed)}",
        hint="restore it from a good backup: fpctl db restore FILE --yes",
        code="store_check_failed",
    )
