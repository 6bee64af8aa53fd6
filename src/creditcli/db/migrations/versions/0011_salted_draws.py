"""salted draws (algorithm version 2)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 12:00:00.000000

A freeze records the draw algorithm's version it was made for (issue 18, domain.md §8b). Version 2
adds the pool's secret (the key of every entity's salt; internal, never printed) and the root of each
class's Merkle tree (published before the seed). Freezes made before this revision are version 1.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pool_freezes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("algorithm_version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("pool_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("roots", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pool_freezes", schema=None) as batch_op:
        batch_op.drop_column("roots")
        batch_op.drop_column("pool_secret")
        batch_op.drop_column("algorithm_version")
