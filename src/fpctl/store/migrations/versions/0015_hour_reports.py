"""weekly hour reports: the buyer approves or disputes each week of an hourly order

Every week already logged gets its report: a week with charged hours is ``approved`` (by
nobody: it was charged before reports existed); a week not yet charged is ``pending`` with
its window counted from the week's end, so a week that ended more than the window before
the upgrade is approved by the clock and charged at the first settlement, as it would have
been before, and a more recent one waits for the buyer's answer like any other.

Revision ID: 0015
Revises: 0014
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: domain.orders.HOUR_REPORT_WINDOW when this revision was written (a migration keeps its
#: own copy: it must give the same rows whatever the code says later).
_WINDOW = timedelta(days=5)


def upgrade() -> None:
    op.create_table(
        "order_hour_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(), nullable=False),
        sa.Column("answer_by", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("disputed_hundredths", sa.Integer(), nullable=True),
        sa.Column("billable_hundredths", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("answered_by", sa.String(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "week"),
    )
    with op.batch_alter_table("order_hour_report", schema=None) as batch_op:
        batch_op.create_index("ix_order_hour_report_due", ["status", "answer_by"], unique=False)
    _report_logged_weeks(op.get_bind())


def _report_logged_weeks(connection: sa.Connection) -> None:
    weeks = connection.execute(
        sa.text(
            "SELECT order_id, week, min(week_ends_at), count(charged_at) FROM order_hours "
            "GROUP BY order_id, week ORDER BY order_id, week"
        )
    ).all()
    reports = sa.table(
        "order_hour_report",
        sa.column("order_id", sa.Integer()),
        sa.column("week", sa.String()),
        sa.column("answer_by", sa.DateTime()),
        sa.column("status", sa.String()),
    )
    rows = [
        {
            "order_id": order_id,
            "week": week,
            "answer_by": _naive(ends) + _WINDOW,
            "status": "approved" if charged else "pending",
        }
        for order_id, week, ends, charged in weeks
    ]
    if rows:
        connection.execute(sa.insert(reports), rows)


def _naive(value: datetime | str) -> datetime:
    """SQLite hands an aggregate's timestamp back as text; PostgreSQL as a datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def downgrade() -> None:
    with op.batch_alter_table("order_hour_report", schema=None) as batch_op:
        batch_op.drop_index("ix_order_hour_report_due")
    op.drop_table("order_hour_report")
