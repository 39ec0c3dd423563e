"""an index covering a member's month of orders (purchase limits)

A monthly purchase limit sums the orders the member placed this calendar month at every
checkout. ``ix_orders_placed_by_month`` holds them in order of placement with their status
and total, so the sum reads this month's entries from the index alone instead of every order
the member ever placed; it starts with ``ix_orders_placed_by_id``'s column, which it replaces.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_orders_placed_by_month",
        "orders",
        ["placed_by_id", "created_at", "status", "total_cents"],
        unique=False,
    )
    op.drop_index("ix_orders_placed_by_id", table_name="orders")


def downgrade() -> None:
    op.create_index("ix_orders_placed_by_id", "orders", ["placed_by_id"], unique=False)
    op.drop_index("ix_orders_placed_by_month", table_name="orders")
