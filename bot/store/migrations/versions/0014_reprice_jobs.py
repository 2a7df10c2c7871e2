"""`reprice_jobs` (issue 29): `/modelcost reprice` queued for the worker, which reads the usage file shared
in Slack, answers through the command's response_url and deletes the row. A row holds who asked, where,
which file (by Slack's id) and the options; never the file, its rows or the answer.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reprice_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=64), server_default="", nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("channel_id", sa.String(length=40), nullable=False),
        sa.Column("file_id", sa.String(length=40), nullable=True),
        sa.Column("on_models", sa.JSON(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("share", sa.Boolean(), nullable=False),
        sa.Column("response_url", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reprice_jobs")),
    )
    with op.batch_alter_table("reprice_jobs") as batch:
        batch.create_index(batch.f("ix_reprice_jobs_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reprice_jobs") as batch:
        batch.drop_index(batch.f("ix_reprice_jobs_status"))
    op.drop_table("reprice_jobs")
