"""freelancer services

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "freelancer_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("freelancer_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("revisions", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["freelancer_id"],
            ["freelancer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("freelancer_service", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_freelancer_service_freelancer_id"), ["freelancer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("freelancer_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_freelancer_service_freelancer_id"))

    op.drop_table("freelancer_service")
