"""archived projects

``project.archived_at``: set while a project is archived (`fpctl project archive`), null
otherwise. An archived project keeps its orders and refuses new orders and new members.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # Not in a batch: SQLite (3.35+) drops a column in place, where a batch would copy the
    # table and drop the one orders and collaborators point at.
    op.drop_column("project", "archived_at")
