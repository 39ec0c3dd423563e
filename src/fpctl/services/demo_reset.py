"""``fpctl demo seed --reset``: the demo store, seeded again from scratch.

The demo accounts cannot be deleted where they are, and should not be: the audit trail is
append-only (triggers refuse DELETE) and its records name their accounts (a foreign key),
and ``db check`` proves every ledger and points row against the audit record that sealed
it, so deleting an account's money rows, or its records, breaks the store's own proofs. A
reset therefore replaces the *whole* store, as ``db restore`` does with a backup, by one
seeded afresh in a scratch SQLite file and checked there (``db check``): a SQLite store
through SQLite's backup API (readers see the old store or the new one), a PostgreSQL store
by ``db copy --replace`` (one transaction, verified before it commits). The new store has
its own audit trail, from its first record.

That is only honest on a store that holds nothing but the demo: one ``demo seed`` built from
empty (it marks the store ``test``, store_clock.py), whose accounts all have demo slugs and
whose freelancers and their services all come from the demo catalogue. Anything else is
refused (exit 5, ``reset_refused``): a real account's history is never deleted. A store
with no account at all has nothing to reset: it is seeded where it is, like ``demo seed``
without ``--reset``.
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from sqlalchemy import func
from sqlmodel import Session, col, select

from fpctl.errors import RuleViolation
from fpctl.services import maintenance, store_clock
from fpctl.services.copying import copy_store
from fpctl.services.demo import Progress, Summary, seed
from fpctl.services.demo_data import CATALOGUE, DemoOptions, is_demo_slug
from fpctl.services.work import Store, open_store, unit_of_work
from fpctl.store.db import busy_timeout_seconds, store_errors, transaction
from fpctl.store.tables import Account, AuditRecord, Freelancer, FreelancerService


@dataclass(frozen=True)
class Held:
    """What a demo store holds, before a reset replaces it."""

    accounts: list[str]  # slugs
    audit_records: int

    @property
    def empty(self) -> bool:
        return not self.accounts


def holdings(store: Store) -> Held:
    """What the store holds; refused (``reset_refused``) unless it is nothing but the demo."""
    with transaction(store.engine, write=False) as session:
        return _demo_only(session)


def reset(
    store: Store,
    options: DemoOptions,
    *,
    now: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Summary:
    """Replace the demo store by one seeded afresh (a dry run seeds and checks the new
    store, and replaces nothing). Call ``holdings`` first: this checks again just before
    replacing, so that nothing came in meanwhile."""
    with tempfile.TemporaryDirectory(prefix="fpctl-demo-") as scratch:
        fresh = open_store(str(Path(scratch) / "demo.db"))
        try:
            with unit_of_work(fresh, write=True, now=now) as ctx:
                summary = seed(ctx, options, progress=progress)
            maintenance.require_ok(maintenance.check(fresh.engine))
            if not dry_run:
                holdings(store)
                _replace(store, fresh)
        finally:
            fresh.close()
    return summary


def _demo_only(session: Session) -> Held:
    slugs = list(session.exec(select(Account.slug).order_by(col(Account.id))).all())
    records = session.exec(select(func.count()).select_from(AuditRecord)).one()
    if not slugs:
        return Held([], records)
    others = [slug for slug in slugs if not is_demo_slug(slug)]
    if others:
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        _refuse(f"the store holds accounts that are not demo accounts ({shown})")
    if store_clock.mode(session) != store_clock.TEST:
        _refuse("the store was not built by `fpctl demo seed` from empty")
    _demo_catalogue_only(session)
    return Held(slugs, records)


def _demo_catalogue_only(session: Session) -> None:
    """Freelancers are no account's: those of the store must all be the demo's."""
    catalogue = {(name, title) for name, _, _, services in CATALOGUE for title, _, _ in services}
    offered = session.exec(
        select(Freelancer.username, FreelancerService.title)
        .join(FreelancerService, isouter=True)
        .order_by(col(Freelancer.id), col(FreelancerService.id))
    ).all()
    usernames = {name for name, _ in catalogue}
    for username, title in offered:
        if username not in usernames:
            _refuse(f"the store holds freelancers that are not in the demo catalogue (@{username})")
        if title is not None and (username, title) not in catalogue:
            _refuse(f"@{username} offers a service that is not in the demo catalogue ({title})")


def _refuse(why: str) -> NoReturn:
    raise RuleViolation(
        f"{why}: --reset replaces the whole store, its audit trail included, so it only "
        "replaces a store that holds nothing but the demo",
        hint="seed a fresh store instead: --db /tmp/demo.db (or FPCTL_DB)",
        code="reset_refused",
    )


def _replace(store: Store, fresh: Store) -> None:
    """Every row of ``store`` becomes ``fresh``'s, as ``db restore`` does it."""
    if store.location.path is None:
        copy_store(fresh, store, replace=True)
        return
    fresh.engine.dispose()  # every page of the new store is in its file, nothing in a WAL
    source = fresh.location.path
    assert source is not None  # made as a file above
    with (
        store_errors(),
        closing(sqlite3.connect(source)) as reading,
        closing(sqlite3.connect(store.location.path, timeout=busy_timeout_seconds())) as target,
    ):
        reading.backup(target)  # all pages in one step, under the store's write lock
