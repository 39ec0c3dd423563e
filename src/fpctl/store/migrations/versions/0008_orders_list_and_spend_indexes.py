"""indexes for an account's first page of orders and its 365-day spend

``ix_orders_account_id`` lets ``order list`` walk one account's orders in id order (its first
page reads ``LIMIT n + 1`` rows, not every order sorted). ``ix_orders_account_spend`` covers
the rewards' 365-day window (a sum over the account's orders completed in the year, read from
the index alone); it starts with ``ix_orders_account_completed``'s columns, which it replaces.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_orders_account_id", "orders", ["account_id", "id"], unique=False)
    op.create_index(
        "ix_orders_account_spend",
        "orders",
        ["account_id", "completed_at", "paid_cents", "refunded_cents"],
        unique=False,
    )
    op.drop_index("ix_orders_account_completed", table_name="orders")


def downgrade() -> None:
    op.create_index(
        "ix_orders_account_completed", "orders", ["account_id", "completed_at"], unique=False
    )
    op.drop_index("ix_orders_account_spend", table_name="orders")
    op.drop_index("ix_orders_account_id", table_name="orders")
