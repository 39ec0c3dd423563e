"""Alembic environment: runs on the connection fpctl hands it (inside its write lock)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from fpctl.store.tables import every  # noqa: F401  (registers every table)

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - fpctl always passes its connection
    raise RuntimeError("fpctl migrations run through `fpctl db upgrade`")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
