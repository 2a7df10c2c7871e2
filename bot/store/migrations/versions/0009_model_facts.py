"""Models from the sources: each model's kind (text, embedding, image, audio, other), so `list` shows the
text models people compare and `list all` the rest, and where its open-weights fact came from
(bot.domain.evidence), shown beside it, and its context window as models.dev gives it (shown where
the host's price says none).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("models") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), server_default="text", nullable=False))
        batch.add_column(sa.Column("weights_source", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("context_window", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("models") as batch:
        batch.drop_column("context_window")
        batch.drop_column("weights_source")
        batch.drop_column("kind")
