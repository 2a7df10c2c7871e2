"""Retention (issue 30): `departures`, the workspaces the app was uninstalled from and when. The worker
deletes such a workspace's rows (its prices, names, team scores, workload, subscriptions, alerts,
notices and changes) once MODELCOST_RETENTION_DAYS have passed (bot/store/retention.py); installing the
app again before then deletes its row here and keeps everything. Workspaces uninstalled before this
revision have no row: their data stays until they are uninstalled again.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "departures",
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("uninstalled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workspace", name=op.f("pk_departures")),
    )


def downgrade() -> None:
    op.drop_table("departures")
