"""The audit trail: append-only and hash-chained (RELIABILITY §7)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, Index, event
from sqlmodel import Field, SQLModel

from fpctl.store.rows import table_of
from fpctl.store.tables.base import when, word


class AuditRecord(SQLModel, table=True):
    """Append-only and hash-chained; triggers refuse UPDATE and DELETE (RELIABILITY §7)."""

    __tablename__ = "audit_record"
    __table_args__ = (Index("ix_audit_account_action", "account_id", "action"),)

    id: int = Field(primary_key=True)
    at: datetime = when()
    account_id: int | None = Field(default=None, foreign_key="account.id")
    actor: str
    actor_kind: str = word()
    agent: str | None = None
    reason: str | None = None
    action: str = Field(index=True)
    target: str
    changes: str = "{}"  # canonical JSON of {"field": [before, after]}
    prev_hash: str
    hash: str
    # The money and points rows the change wrote, with a digest of their content (migration
    # 0007; services/money_seal.py): a ledger row no record covers was not written by fpctl.
    covers: str | None = None


AUDIT_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS audit_record_no_update BEFORE UPDATE ON audit_record "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_record_no_delete BEFORE DELETE ON audit_record "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
)
#: The same refusal on PostgreSQL: one trigger function, two triggers.
AUDIT_TRIGGERS_POSTGRES = (
    "CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$",
    "CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record "
    "FOR EACH ROW EXECUTE FUNCTION audit_record_append_only()",
    "CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record "
    "FOR EACH ROW EXECUTE FUNCTION audit_record_append_only()",
)

for _statement in AUDIT_TRIGGERS:
    event.listen(
        table_of(AuditRecord), "after_create", DDL(_statement).execute_if(dialect="sqlite")
    )
for _statement in AUDIT_TRIGGERS_POSTGRES:
    event.listen(
        table_of(AuditRecord), "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
