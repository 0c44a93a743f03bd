"""Messages: why a text failed, in the SDK's words, beside the carrier's code.

Adapters now read their carrier's error code into a ``FailureReason`` (opted out, unreachable,
filtered…). Texts that failed before this revision keep their code and words and have no
reason (``NULL``): no adapter is asked to read old codes again.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure_reason", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Revert the change (the reasons are dropped; the codes stay)."""
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("failure_reason")
