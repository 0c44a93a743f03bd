"""Inbox: each user's threads with a read mark, so unread replies can be counted per user.

Texts stored before this revision are in no inbox: an inbox starts with the first text routed
after the upgrade.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "inbox_threads",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("line_number", sa.String(length=16), nullable=False),
        sa.Column("candidate_number", sa.String(length=16), nullable=False),
        sa.Column("line_id", sa.String(length=64), nullable=False),
        sa.Column("candidate_id", sa.String(length=64)),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "account_id", "user_id", "line_number", "candidate_number", name="pk_inbox_threads"
        ),
        sa.ForeignKeyConstraint(["line_id"], ["lines.id"], name="fk_inbox_threads_line_id_lines"),
        sa.ForeignKeyConstraint(
            ["account_id", "user_id"],
            ["users.account_id", "users.id"],
            name="fk_inbox_threads_user",
        ),
    )
    op.create_index(
        "ix_inbox_threads_user",
        "inbox_threads",
        ["account_id", "user_id", "last_at", "last_seq"],
    )


def downgrade() -> None:
    """Revert the change."""
    op.drop_index("ix_inbox_threads_user", table_name="inbox_threads")
    op.drop_table("inbox_threads")
