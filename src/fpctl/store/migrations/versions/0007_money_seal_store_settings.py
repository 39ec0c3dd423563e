"""money rows sealed by the audit trail; the store's own settings

Each audit record may now cover the ledger and points rows its change wrote
(``audit_record.covers``). The rows a store already has were written before records could
cover them: one ``store.upgrade`` record, appended to the chain here, covers them all as
they are now, so that ``db check`` can prove every row from this upgrade on.

Revision ID: 0007
Revises: 0006
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from fpctl import clock
from fpctl.domain.chain import COVERED_FIELDS, GENESIS, covers, digest

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("covers", sa.String(), nullable=True))
    op.create_table(
        "store_setting",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    _cover_existing_rows(op.get_bind())


def _cover_existing_rows(connection: Any) -> None:
    rows = {table: _rows(connection, table) for table in COVERED_FIELDS}
    sealed = covers(rows)
    if sealed is None:
        return
    head = connection.execute(
        sa.text("SELECT id, hash FROM audit_record ORDER BY id DESC LIMIT 1")
    ).first()
    last_id, last_hash = (head[0], head[1]) if head else (0, GENESIS)
    record: dict[str, Any] = {
        "id": last_id + 1,
        "at": clock.now(),
        "account_id": None,
        "actor": "system",
        "actor_kind": "system",
        "agent": None,
        "reason": None,
        "action": "store.upgrade",
        "target": "store",
        "changes": '{"money_rows_covered":[null,true]}',
        "prev_hash": last_hash,
        "covers": sealed,
    }
    record["hash"] = digest(record)
    record["at"] = clock.as_utc(record["at"]).replace(tzinfo=None)
    columns = ", ".join(record)
    values = ", ".join(f":{name}" for name in record)
    connection.execute(sa.text(f"INSERT INTO audit_record ({columns}) VALUES ({values})"), record)


def _rows(connection: Any, table: str) -> list[tuple[Any, ...]]:
    fields = COVERED_FIELDS[table]
    columns = [sa.column(name, sa.DateTime() if name == "at" else None) for name in fields]
    query = sa.select(*columns).select_from(sa.table(table)).order_by(sa.column("id"))
    return [tuple(row) for row in connection.execute(query)]


def downgrade() -> None:
    op.drop_table("store_setting")
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.drop_column("covers")
