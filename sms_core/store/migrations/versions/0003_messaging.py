"""Messaging: every text both ways, and the account's opt-outs.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "messages",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("line_id", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("line_number", sa.String(length=16), nullable=False),
        sa.Column("candidate_number", sa.String(length=16), nullable=False),
        sa.Column("candidate_id", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_rank", sa.Integer(), nullable=False),
        sa.Column("provider_message_id", sa.String(length=64), nullable=True),
        sa.Column("error_code", sa.String(length=32), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("charged_seat_id", sa.String(length=64), nullable=True),
        sa.Column("charged_units", sa.Integer(), server_default="0", nullable=False),
        sa.Column("charged_period", sa.String(length=7), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_messages_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(["line_id"], ["lines.id"], name=op.f("fk_messages_line_id_lines")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_messages")),
        sa.UniqueConstraint("account_id", "idempotency_key", name="uq_messages_idempotency_key"),
        sa.UniqueConstraint(
            "account_id", "provider_message_id", name="uq_messages_provider_message_id"
        ),
        sa.UniqueConstraint("id", name=op.f("uq_messages_id")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_candidate", ["account_id", "candidate_id"], unique=False)
        batch_op.create_index("ix_messages_status", ["account_id", "status_rank"], unique=False)
        batch_op.create_index(
            "ix_messages_thread",
            ["account_id", "line_number", "candidate_number", "seq"],
            unique=False,
        )

    op.create_table(
        "opt_outs",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("keyword", sa.Text(), nullable=True),
        sa.Column("line_number", sa.String(length=16), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=64), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_opt_outs_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_opt_outs")),
    )
    with op.batch_alter_table("opt_outs", schema=None) as batch_op:
        batch_op.create_index(
            "uq_opt_outs_in_force",
            ["account_id", "number"],
            unique=True,
            sqlite_where=sa.text("lifted_at IS NULL"),
            postgresql_where=sa.text("lifted_at IS NULL"),
        )


def downgrade() -> None:
    """Undo the change."""
    with op.batch_alter_table("opt_outs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_opt_outs_in_force",
            sqlite_where=sa.text("lifted_at IS NULL"),
            postgresql_where=sa.text("lifted_at IS NULL"),
        )

    op.drop_table("opt_outs")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_thread")
        batch_op.drop_index("ix_messages_status")
        batch_op.drop_index("ix_messages_candidate")

    op.drop_table("messages")
