"""`pacing`: per workspace, the earliest time the alerts worker may post there again (issue 30): the
pace after each post, or a 429's Retry-After, shared by every worker process. Empty to start with: a
workspace without a row may be posted to now. And two indexes the claims' search reads on every
search: `alerts.sent_at`, for the channels sent to too recently (without it, a scan of every alert
ever sent), and `alerts (channel_id, id)` instead of `channel_id` alone, for "is an older alert of
this channel unfinished?", asked of every due alert (a fan-out's thousands at once).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pacing",
        sa.Column("workspace", sa.String(length=64), server_default="", nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workspace", name=op.f("pk_pacing")),
    )
    with op.batch_alter_table("alerts") as batch:
        batch.create_index(batch.f("ix_alerts_sent_at"), ["sent_at"], unique=False)
        batch.create_index("ix_alerts_channel_id_id", ["channel_id", "id"], unique=False)
        batch.drop_index(batch.f("ix_alerts_channel_id"))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.create_index(batch.f("ix_alerts_channel_id"), ["channel_id"], unique=False)
        batch.drop_index("ix_alerts_channel_id_id")
        batch.drop_index(batch.f("ix_alerts_sent_at"))
    op.drop_table("pacing")
