"""Initial schema: accounts, users, seats, lines, line users, audit log.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("provider_settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_audit_log_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_account_at", ["account_id", "at"], unique=False)

    op.create_table(
        "seats",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("monthly_allowance", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("used >= 0", name=op.f("ck_seats_used_not_negative")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_seats_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seats")),
        sa.UniqueConstraint("account_id", "name", name="uq_seats_account_name"),
    )
    op.create_table(
        "users",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("permissions", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_users_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_users")),
    )
    op.create_table(
        "lines",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("provider_ref", sa.String(length=64), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("forward_to", sa.String(length=16), nullable=True),
        sa.Column("seat_id", sa.String(length=64), nullable=True),
        sa.Column("user_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("user_count >= 0", name=op.f("ck_lines_user_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_lines_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(["seat_id"], ["seats.id"], name=op.f("fk_lines_seat_id_seats")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lines")),
    )
    with op.batch_alter_table("lines", schema=None) as batch_op:
        batch_op.create_index("ix_lines_account", ["account_id"], unique=False)
        batch_op.create_index(
            "uq_lines_active_number",
            ["number"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )
        batch_op.create_index(
            "uq_lines_active_seat",
            ["seat_id"],
            unique=True,
            sqlite_where=sa.text("active AND seat_id IS NOT NULL"),
            postgresql_where=sa.text("active AND seat_id IS NOT NULL"),
        )

    op.create_table(
        "line_users",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("line_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id", "user_id"], ["users.account_id", "users.id"], name="fk_line_users_user"
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["lines.id"], name=op.f("fk_line_users_line_id_lines")
        ),
        sa.PrimaryKeyConstraint("line_id", "user_id", name=op.f("pk_line_users")),
    )
    with op.batch_alter_table("line_users", schema=None) as batch_op:
        batch_op.create_index("uq_line_users_account_user", ["account_id", "user_id"], unique=True)


def downgrade() -> None:
    """Undo the change."""
    with op.batch_alter_table("line_users", schema=None) as batch_op:
        batch_op.drop_index("uq_line_users_account_user")

    op.drop_table("line_users")
    with op.batch_alter_table("lines", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_lines_active_seat",
            sqlite_where=sa.text("active AND seat_id IS NOT NULL"),
            postgresql_where=sa.text("active AND seat_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_lines_active_number",
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )
        batch_op.drop_index("ix_lines_account")

    op.drop_table("lines")
    op.drop_table("users")
    op.drop_table("seats")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_account_at")

    op.drop_table("audit_log")
    op.drop_table("accounts")
