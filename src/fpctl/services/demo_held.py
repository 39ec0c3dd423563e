"""Rows the demo seeder keeps loaded while it runs.

A session holds the rows it loaded weakly: once no object refers to a member, the next
``session.get`` of it is a query again. The seeder acts through the same few accounts,
members, projects, freelancers and services thousands of times, so it holds those (never
the orders, which grow with the size) and every step finds them without a query.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from fpctl.store.tables import (
    Account,
    Freelancer,
    FreelancerService,
    Member,
    PaymentMethod,
    Project,
)

#: A handful of rows per account, whatever the number of orders.
HELD_ROWS: tuple[type, ...] = (
    Account,
    Member,
    Project,
    PaymentMethod,
    Freelancer,
    FreelancerService,
)


@contextmanager
def holding(session: Session, tables: tuple[type, ...]) -> Iterator[None]:
    """Keep every row of ``tables`` the session loads or stores until the block ends."""
    held: list[Any] = []

    def hold(_session: Session, instance: Any) -> None:
        if isinstance(instance, tables):
            held.append(instance)

    events = ("loaded_as_persistent", "pending_to_persistent")
    for name in events:
        event.listen(session, name, hold)
    try:
        yield
    finally:
        for name in events:
            event.remove(session, name, hold)
