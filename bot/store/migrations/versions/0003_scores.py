"""Quality as data: a `scores` table (append-only, like prices), `sync_runs.feed`, and the hand-kept
score columns of `models` moved into it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 14:40:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("variant", sa.String(length=80), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("leaderboard_key", sa.String(length=200), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("score_low", sa.Integer(), nullable=True),
        sa.Column("score_high", sa.Integer(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["change_id"], ["changes.id"], name=op.f("fk_scores_change_id_changes")),
        sa.ForeignKeyConstraint(["model_id"], ["models.id"], name=op.f("fk_scores_model_id_models")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scores")),
    )
    with op.batch_alter_table("scores") as batch:
        batch.create_index(batch.f("ix_scores_change_id"), ["change_id"], unique=False)
        batch.create_index(batch.f("ix_scores_model_id"), ["model_id"], unique=False)
    with op.batch_alter_table("sync_runs") as batch:
        batch.add_column(sa.Column("feed", sa.String(length=20), server_default="prices", nullable=False))
    _move_scores_out_of_models()
    with op.batch_alter_table("models") as batch:
        batch.drop_column("quality_date")
        batch.drop_column("quality_source")
        batch.drop_column("arena_score")


def _move_scores_out_of_models() -> None:
    """The overlay's hand-kept overall scores become dated source rows, under one change set."""
    conn = op.get_bind()
    models = sa.table(
        "models",
        sa.column("id", sa.String),
        sa.column("arena_score", sa.Integer),
        sa.column("quality_source", sa.String),
        sa.column("quality_date", sa.Date),
    )
    rows = conn.execute(
        sa.select(models.c.id, models.c.arena_score, models.c.quality_source, models.c.quality_date).where(
            models.c.arena_score.is_not(None)
        )
    ).all()
    if not rows:
        return
    now = datetime.now(UTC)
    changes = sa.table(
        "changes",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("actor_kind", sa.String),
        sa.column("actor_id", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    change_id = conn.execute(
        changes.insert()
        .values(
            kind="seed", actor_kind="snapshot", actor_id="data/catalog.toml scores (migrated)", created_at=now
        )
        .returning(changes.c.id)
    ).scalar_one()
    scores = sa.table(
        "scores",
        *(sa.column(c, sa.String) for c in ("model_id", "category", "variant", "origin", "source")),
        sa.column("score", sa.Integer),
        sa.column("as_of", sa.Date),
        sa.column("change_id", sa.Integer),
        sa.column("recorded_at", sa.DateTime(timezone=True)),
    )
    conn.execute(
        scores.insert(),
        [
            {
                "model_id": model_id,
                "category": "overall",
                "variant": "",
                "origin": "source",
                "source": source or "LMArena text",
                "score": score,
                "as_of": as_of or now.date(),
                "change_id": change_id,
                "recorded_at": now,
            }
            for model_id, score, source, as_of in rows
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("models") as batch:
        batch.add_column(sa.Column("arena_score", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("quality_source", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("quality_date", sa.Date(), nullable=True))
    with op.batch_alter_table("sync_runs") as batch:
        batch.drop_column("feed")
    op.drop_table("scores")
