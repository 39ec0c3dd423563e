"""Importing this module builds every table: for what walks the whole metadata (create_all,
the migrations, a write's flush, ``db check``, ``db copy``)."""

from __future__ import annotations

from fpctl.store.tables import (  # noqa: F401  (each import registers its tables)
    approvals,
    audit,
    conversations,
    deliveries,
    invitations,
    money,
    network,
    notifications,
    offers,
    order_talk,
    order_work,
    orders,
    projects,
    settings,
    team,
)
