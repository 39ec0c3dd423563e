"""What a check of the store reports, and how it reads the store's catalogue (shared by
maintenance.py and invariants.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

MAX_PROBLEMS = 20  # problems listed per check; the count is always complete


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    problems: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckReport:
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[str]:
        return [check.name for check in self.checks if not check.ok]

    def named(self, name: str) -> Check:
        return next(check for check in self.checks if check.name == name)


#: The store's tables and triggers, by the catalogue of each dialect.
_CATALOGUE = {
    ("postgresql", "table"): "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
    ("postgresql", "trigger"): "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
    ("postgresql", "index"): "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()",
}


def names(connection: Connection, kind: str) -> list[str]:
    sql = _CATALOGUE.get((connection.dialect.name, kind))
    if sql is None:
        rows = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = ?", (kind,))
    else:
        rows = connection.exec_driver_sql(sql)
    return [row[0] for row in rows]
