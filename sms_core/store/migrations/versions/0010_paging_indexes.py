"""Paging indexes: a thread, a candidate's threads and each paged list read from an index.

The thread index gains ``created_at`` so a thread (and each page of it) is read in its order
from the index; the candidate index covers the thread numbers, so a candidate's threads are
found without reading messages; the account's messages, opt-outs, audit trail and users get an
index in their paging order (keyset).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    op.drop_index("ix_messages_thread", table_name="messages")
    op.create_index(
        "ix_messages_thread",
        "messages",
        ["account_id", "line_number", "candidate_number", "created_at", "seq"],
    )
    op.drop_index("ix_messages_candidate", table_name="messages")
    op.create_index(
        "ix_messages_candidate",
        "messages",
        ["account_id", "candidate_id", "line_number", "candidate_number"],
    )
    op.create_index("ix_messages_account_time", "messages", ["account_id", "created_at", "seq"])
    op.create_index("ix_opt_outs_account", "opt_outs", ["account_id", "seq"])
    op.create_index("ix_audit_log_account_id", "audit_log", ["account_id", "id"])
    op.create_index(
        "ix_users_account_name", "users", ["account_id", "last_name", "first_name", "id"]
    )


def downgrade() -> None:
    """Revert the change."""
    op.drop_index("ix_users_account_name", table_name="users")
    op.drop_index("ix_audit_log_account_id", table_name="audit_log")
    op.drop_index("ix_opt_outs_account", table_name="opt_outs")
    op.drop_index("ix_messages_account_time", table_name="messages")
    op.drop_index("ix_messages_candidate", table_name="messages")
    op.create_index("ix_messages_candidate", "messages", ["account_id", "candidate_id"])
    op.drop_index("ix_messages_thread", table_name="messages")
    op.create_index(
        "ix_messages_thread", "messages", ["account_id", "line_number", "candidate_number", "seq"]
    )
