"""The boards scores come from: one row per leaderboard applied, with its source, the day its publisher
dated it (LMArena's `leaderboard_publish_date`) and the model keys it lists. The quality feed refuses a
board older than the newest stored, and answers say how old it is; a score the newest board lists and did
not move is as of that board. Catalogs seeded before have no row: their scores came from
LMArena's arena-catalog file of 2025-12-11, which has no publish date, so none is made up for them; the
next start brings the bundled 2026-08-19 board in as a dated move (bot/feeds/seed.py).

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-07 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "boards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("keys", sa.JSON(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["change_id"], ["changes.id"], name=op.f("fk_boards_change_id_changes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boards")),
    )
    op.create_index(op.f("ix_boards_change_id"), "boards", ["change_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_boards_change_id"), table_name="boards")
    op.drop_table("boards")
