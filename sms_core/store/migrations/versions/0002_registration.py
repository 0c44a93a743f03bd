"""Registration: policy settings and the registration steps of each account.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "policy_settings",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("privacy_policy_url", sa.String(length=2048), nullable=True),
        sa.Column("terms_and_conditions_url", sa.String(length=2048), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_policy_settings_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_policy_settings")),
    )
    op.create_table(
        "registration_steps",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("raw_status", sa.String(length=64), server_default="", nullable=False),
        sa.Column("provider_ref", sa.String(length=64), nullable=True),
        sa.Column("failures", sa.JSON(), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('not_started', 'in_progress', 'approved', 'failed')",
            name=op.f("ck_registration_steps_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_registration_steps_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("account_id", "step", name=op.f("pk_registration_steps")),
    )


def downgrade() -> None:
    """Undo the change."""
    op.drop_table("registration_steps")
    op.drop_table("policy_settings")
