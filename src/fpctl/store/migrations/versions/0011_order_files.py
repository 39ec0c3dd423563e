"""deliveries with files: the files' bytes inside the store

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("milestone", sa.Integer(), nullable=True),
        sa.Column("delivered_by", sa.String(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_order_id"), ["order_id"], unique=False)

    op.create_table(
        "delivery_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("media_type", sa.String(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("delivery_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_file_delivery_id"), ["delivery_id"], unique=False
        )
        batch_op.create_index("ix_delivery_file_order", ["order_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery_file", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_file_order")
        batch_op.drop_index(batch_op.f("ix_delivery_file_delivery_id"))
    op.drop_table("delivery_file")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_order_id"))
    op.drop_table("delivery")
