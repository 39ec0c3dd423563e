"""conversations: one per account and freelancer, their messages, who read what

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("freelancer_id", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(), nullable=False),
        sa.Column("freelancer_read_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["freelancer_id"], ["freelancer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index(
            "uq_conversation_account_freelancer", ["account_id", "freelancer_id"], unique=True
        )
        batch_op.create_index(
            "ix_conversation_freelancer", ["freelancer_id", "last_activity_at"], unique=False
        )
        batch_op.create_index(
            "ix_conversation_account_activity", ["account_id", "last_activity_at"], unique=False
        )

    op.create_table(
        "conversation_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conversation_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversation_message_thread", ["conversation_id", "id"], unique=False
        )

    op.create_table(
        "conversation_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("last_read_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conversation_read", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_read_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            "uq_conversation_read_member", ["conversation_id", "member_id"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation_read", schema=None) as batch_op:
        batch_op.drop_index("uq_conversation_read_member")
        batch_op.drop_index(batch_op.f("ix_conversation_read_member_id"))
    op.drop_table("conversation_read")
    with op.batch_alter_table("conversation_message", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_message_thread")
    op.drop_table("conversation_message")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_account_activity")
        batch_op.drop_index("ix_conversation_freelancer")
        batch_op.drop_index("uq_conversation_account_freelancer")
    op.drop_table("conversation")
