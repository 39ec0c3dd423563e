"""custom offers: a freelancer's offer to an account, and the order it became

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("freelancer_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("milestones", sa.String(), nullable=False),
        sa.Column("hourly_rate_cents", sa.Integer(), nullable=True),
        sa.Column("weekly_limit_hours", sa.Integer(), nullable=True),
        sa.Column("estimate_hours", sa.Integer(), nullable=True),
        sa.Column("delivery_days", sa.Integer(), nullable=True),
        sa.Column("revisions", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(), nullable=True),
        sa.Column("decline_reason", sa.String(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["freelancer_id"], ["freelancer.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id"),
    )
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.create_index("ix_offer_account_id", ["account_id", "id"], unique=False)
        batch_op.create_index("ix_offer_status_expiry", ["status", "expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_offer_freelancer_id"), ["freelancer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_freelancer_id"))
        batch_op.drop_index("ix_offer_status_expiry")
        batch_op.drop_index("ix_offer_account_id")
    op.drop_table("offer")
