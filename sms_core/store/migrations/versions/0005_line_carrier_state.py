"""Lines: where each number's registration with the mobile carriers stands.

Lines attached to the approved campaign before this revision become ``pending``: the carrier
has not told the SDK that they are registered, and only its event may say so.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    with op.batch_alter_table("lines", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "carrier_registration",
                sa.String(length=16),
                server_default="not_attached",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("carrier_error_code", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("carrier_error", sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_lines_carrier_registration_known"),
            "carrier_registration IN ('not_attached', 'pending', 'registered', 'failed')",
        )
    lines = sa.table(
        "lines", sa.column("registered", sa.Boolean), sa.column("carrier_registration", sa.String)
    )
    op.execute(lines.update().where(lines.c.registered).values(carrier_registration="pending"))


def downgrade() -> None:
    """Revert the change."""
    with op.batch_alter_table("lines", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_lines_carrier_registration_known"), type_="check")
        batch_op.drop_column("carrier_error")
        batch_op.drop_column("carrier_error_code")
        batch_op.drop_column("carrier_registration")
