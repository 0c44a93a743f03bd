"""Allowance scopes: an account's monthly pool, and which scope a message was charged to.

``account_allowances`` holds one row per account whose host pools the allowance for the whole
account (``AllowanceScope.ACCOUNT``). ``messages.charged_scope`` says where a send's units came
from, so a refund goes back to the same place; rows charged before this revision have it NULL
and were all charged to a seat.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "account_allowances",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.CheckConstraint("used >= 0", name=op.f("ck_account_allowances_used_not_negative")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_allowances_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_allowances")),
    )
    op.add_column("messages", sa.Column("charged_scope", sa.String(length=16), nullable=True))


def downgrade() -> None:
    """Revert the change (what texts used of account pools is forgotten)."""
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("charged_scope")
    op.drop_table("account_allowances")
