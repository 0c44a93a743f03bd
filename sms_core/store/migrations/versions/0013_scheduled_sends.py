"""Scheduled sends: texts stored to be sent later, each taken by one process at a time.

Revision ID: 0013
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "scheduled_sends",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=16), nullable=False),
        sa.Column("candidate_id", sa.String(length=64), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("when_allowed", sa.Boolean(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=32), nullable=True),
        sa.Column("refusal", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_scheduled_sends_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_scheduled_sends")),
        sa.UniqueConstraint("id", name=op.f("uq_scheduled_sends_id")),
        sa.UniqueConstraint(
            "account_id", "idempotency_key", name="uq_scheduled_sends_idempotency_key"
        ),
    )
    op.create_index(
        "ix_scheduled_sends_account_due", "scheduled_sends", ["account_id", "due_at", "seq"]
    )
    op.create_index(
        "ix_scheduled_sends_pending",
        "scheduled_sends",
        ["account_id", "due_at", "seq"],
        sqlite_where=sa.text("state = 'pending'"),
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index(
        "ix_scheduled_sends_claimed",
        "scheduled_sends",
        ["account_id", "claim_expires_at", "seq"],
        sqlite_where=sa.text("state = 'claimed'"),
        postgresql_where=sa.text("state = 'claimed'"),
    )


def downgrade() -> None:
    """Revert the change (scheduled sends not yet sent are dropped with the table)."""
    op.drop_index("ix_scheduled_sends_claimed", table_name="scheduled_sends")
    op.drop_index("ix_scheduled_sends_pending", table_name="scheduled_sends")
    op.drop_index("ix_scheduled_sends_account_due", table_name="scheduled_sends")
    op.drop_table("scheduled_sends")
