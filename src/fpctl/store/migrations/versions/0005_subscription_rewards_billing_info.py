"""subscription rewards billing info

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reward_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("points_after", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("reward", sa.String(), nullable=True),
        sa.Column("charity", sa.String(), nullable=True),
        sa.Column("value_cents", sa.Integer(), nullable=True),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reward_entry", schema=None) as batch_op:
        batch_op.create_index("ix_reward_entry_account_at", ["account_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_reward_entry_order_id"), ["order_id"], unique=False)

    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_renews_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("switched_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("credits_set_aside_cents", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("tier_review_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("billing_full_name", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("billing_company", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("billing_address", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("billing_country", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("billing_tax_id", sa.String(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_account_plan_renews_at"), ["plan_renews_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_account_tier_review_at"), ["tier_review_at"], unique=False
        )

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_orders_account_completed", ["account_id", "completed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_account_completed")

    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_tier_review_at"))
        batch_op.drop_index(batch_op.f("ix_account_plan_renews_at"))
        batch_op.drop_column("billing_tax_id")
        batch_op.drop_column("billing_country")
        batch_op.drop_column("billing_address")
        batch_op.drop_column("billing_company")
        batch_op.drop_column("billing_full_name")
        batch_op.drop_column("tier_review_at")
        batch_op.drop_column("credits_set_aside_cents")
        batch_op.drop_column("switched_at")
        batch_op.drop_column("plan_renews_at")

    with op.batch_alter_table("reward_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reward_entry_order_id"))
        batch_op.drop_index("ix_reward_entry_account_at")

    op.drop_table("reward_entry")
