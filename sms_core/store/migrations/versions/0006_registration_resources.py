"""Registration: steps that wait for a person to confirm, and longer carrier references.

A step may now be ``confirming``: submitted, and waiting for a person outside the SDK (a
public company's brand contact following the registry's 2FA e-mail, a sole proprietor
replying to the carrier's text). A step's carrier reference may name two resources (a
campaign through its messaging service, or a brand's two Trust Hub bundles before the brand
exists), which does not fit 64 characters.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_OLD = "status IN ('not_started', 'in_progress', 'approved', 'failed')"
_NEW = "status IN ('not_started', 'in_progress', 'confirming', 'approved', 'failed')"


def upgrade() -> None:
    """Apply the change."""
    with op.batch_alter_table("registration_steps") as batch:
        batch.alter_column(
            "provider_ref", existing_type=sa.String(length=64), type_=sa.String(length=128)
        )
        batch.drop_constraint(op.f("ck_registration_steps_status_known"), type_="check")
        batch.create_check_constraint(op.f("ck_registration_steps_status_known"), _NEW)


def downgrade() -> None:
    """Revert the change (a confirming step becomes in progress again)."""
    op.execute("UPDATE registration_steps SET status = 'in_progress' WHERE status = 'confirming'")
    with op.batch_alter_table("registration_steps") as batch:
        batch.drop_constraint(op.f("ck_registration_steps_status_known"), type_="check")
        batch.create_check_constraint(op.f("ck_registration_steps_status_known"), _OLD)
        batch.alter_column(
            "provider_ref", existing_type=sa.String(length=128), type_=sa.String(length=64)
        )
