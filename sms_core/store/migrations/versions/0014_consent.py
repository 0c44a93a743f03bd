"""Consent records, and the account's setting requiring one before the first text.

Revision ID: 0014
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "consent_records",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("candidate_id", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("evidence", sa.String(length=2000), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("line_number", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "source IN ('web_form', 'paper', 'verbal', 'text_keyword')",
            name=op.f("ck_consent_records_source_known"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_consent_records_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_consent_records")),
        sa.UniqueConstraint("id", name=op.f("uq_consent_records_id")),
    )
    op.create_index("ix_consent_records_number", "consent_records", ["account_id", "number", "seq"])
    op.create_index("ix_consent_records_account", "consent_records", ["account_id", "seq"])
    op.create_index(
        "ix_consent_records_account_time",
        "consent_records",
        ["account_id", "recorded_at", "seq"],
    )
    with op.batch_alter_table("policy_settings") as batch:
        batch.add_column(
            sa.Column("consent_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    """Revert the change (the consent records are dropped with their table)."""
    with op.batch_alter_table("policy_settings") as batch:
        batch.drop_column("consent_required")
    op.drop_index("ix_consent_records_account_time", table_name="consent_records")
    op.drop_index("ix_consent_records_account", table_name="consent_records")
    op.drop_index("ix_consent_records_number", table_name="consent_records")
    op.drop_table("consent_records")
