"""freelancer network

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "freelancer_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("freelancer_id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["freelancer_id"],
            ["freelancer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("freelancer_view", schema=None) as batch_op:
        batch_op.create_index(
            "ix_freelancer_view_account", ["account_id", "freelancer_id"], unique=False
        )
        batch_op.create_index(
            "uq_freelancer_view_member", ["member_id", "freelancer_id"], unique=True
        )

    op.create_table(
        "network_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("network_list", schema=None) as batch_op:
        batch_op.create_index(
            "uq_network_list_owner_name", ["account_id", "owner", "name"], unique=True
        )

    op.create_table(
        "saved_freelancer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("freelancer_id", sa.Integer(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_by", sa.String(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["freelancer_id"],
            ["freelancer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("saved_freelancer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_saved_freelancer_freelancer_id"), ["freelancer_id"], unique=False
        )
        batch_op.create_index(
            "uq_saved_freelancer_account", ["account_id", "freelancer_id"], unique=True
        )

    op.create_table(
        "network_list_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("freelancer_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("added_by", sa.String(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["freelancer_id"],
            ["freelancer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["network_list.id"],
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["freelancer_service.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("network_list_item", schema=None) as batch_op:
        batch_op.create_index(
            "uq_network_list_item_freelancer",
            ["list_id", "freelancer_id"],
            unique=True,
            sqlite_where=sa.text("service_id IS NULL"),
            postgresql_where=sa.text("service_id IS NULL"),
        )
        batch_op.create_index(
            "uq_network_list_item_service",
            ["list_id", "service_id"],
            unique=True,
            sqlite_where=sa.text("service_id IS NOT NULL"),
            postgresql_where=sa.text("service_id IS NOT NULL"),
        )

    op.create_table(
        "network_list_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("shared_by", sa.String(), nullable=False),
        sa.Column("shared_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["network_list.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("network_list_share", schema=None) as batch_op:
        batch_op.create_index("ix_network_list_share_account", ["account_id"], unique=False)
        batch_op.create_index("ix_network_list_share_list", ["list_id"], unique=False)
        batch_op.create_index("ix_network_list_share_member", ["member_id"], unique=False)

    # ### end Alembic commands ###


def downgrade() -> None:
    with op.batch_alter_table("network_list_share", schema=None) as batch_op:
        batch_op.drop_index("ix_network_list_share_member")
        batch_op.drop_index("ix_network_list_share_list")
        batch_op.drop_index("ix_network_list_share_account")

    op.drop_table("network_list_share")
    with op.batch_alter_table("network_list_item", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_network_list_item_service",
            sqlite_where=sa.text("service_id IS NOT NULL"),
            postgresql_where=sa.text("service_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_network_list_item_freelancer",
            sqlite_where=sa.text("service_id IS NULL"),
            postgresql_where=sa.text("service_id IS NULL"),
        )

    op.drop_table("network_list_item")
    with op.batch_alter_table("saved_freelancer", schema=None) as batch_op:
        batch_op.drop_index("uq_saved_freelancer_account")
        batch_op.drop_index(batch_op.f("ix_saved_freelancer_freelancer_id"))

    op.drop_table("saved_freelancer")
    with op.batch_alter_table("network_list", schema=None) as batch_op:
        batch_op.drop_index("uq_network_list_owner_name")

    op.drop_table("network_list")
    with op.batch_alter_table("freelancer_view", schema=None) as batch_op:
        batch_op.drop_index("uq_freelancer_view_member")
        batch_op.drop_index("ix_freelancer_view_account")

    op.drop_table("freelancer_view")
    # ### end Alembic commands ###
