"""Erasure: a per-account secret, and opt-outs kept as a keyed hash of the number.

``erasure_keys`` holds each account's secret for HMAC-SHA256 of candidate numbers, made by the
account's first erasure. ``opt_outs.number_hash`` is the keyed hash of an erased opt-out's
number (and of every later opt-out of that account, so the one-in-force rule holds across
both); its partial unique index keeps one opt-out in force per hashed number.

Revision ID: 0015
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "erasure_keys",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_erasure_keys_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_erasure_keys")),
    )
    op.add_column("opt_outs", sa.Column("number_hash", sa.String(length=64), nullable=True))
    op.create_index(
        "uq_opt_outs_hash_in_force",
        "opt_outs",
        ["account_id", "number_hash"],
        unique=True,
        sqlite_where=sa.text("lifted_at IS NULL AND number_hash IS NOT NULL"),
        postgresql_where=sa.text("lifted_at IS NULL AND number_hash IS NOT NULL"),
    )


def downgrade() -> None:
    """Revert the change (erased numbers stay erased: only their hashes go)."""
    op.drop_index("uq_opt_outs_hash_in_force", table_name="opt_outs")
    op.drop_column("opt_outs", "number_hash")
    op.drop_table("erasure_keys")
