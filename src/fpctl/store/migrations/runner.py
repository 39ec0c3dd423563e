"""Alembic, imported only when a store is behind ``schema.HEAD``."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from fpctl.errors import StoreUnavailable

SCRIPT_LOCATION = "fpctl.store:migrations"


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    cfg.attributes["connection"] = connection
    return cfg


def script_head() -> str | None:
    return ScriptDirectory.from_config(config()).get_current_head()


def upgrade_to_head(connection: Connection, revision: str | None) -> None:
    """Upgrade a store at ``revision`` (``schema.current_revision``) to the newest one."""
    known = {rev.revision for rev in ScriptDirectory.from_config(config()).walk_revisions()}
    if revision is not None and revision not in known:
        raise StoreUnavailable(
            f"the store's schema ({revision}) is newer than this fpctl knows",
            hint="upgrade fpctl",
        )
    command.upgrade(config(connection), "head")
