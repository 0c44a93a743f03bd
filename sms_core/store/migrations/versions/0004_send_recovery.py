"""Send recovery: when a text was handed to the carrier, and who is reconciling it.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change.

    Whether an outbound text stored before this revision reached the carrier cannot be told
    from the row, ``PENDING`` ones included, so every one is taken as handed over when it was
    stored: recovery then asks the carrier about it and never sends it again on its own.
    """
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claim", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE messages SET handed_at = created_at WHERE direction = 'outbound'")


def downgrade() -> None:
    """Undo the change."""
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claim")
        batch_op.drop_column("handed_at")
