"""The prices a workload needs beyond the standard four (issue 27): `prices.extra_prices`, an offering's
long-context tiers and 1-hour cache-write price from genai-prices, and `crosscheck_facts.extra_prices`,
LiteLLM's tier, batch, flex, priority and cache-write prices. Both JSON (price codes of
bot.domain.prices.ExtraPrice -> decimal strings), empty on the rows there are: a price row recorded
before this revision is filled in by the next sync that finds the same standard prices (bot.store.prices),
and the cross-check facts by the next cross-check sync (or the bundled extract, which has them).
Also `team_workloads`: a team's default workload (`set workload …`), one row per setting, newest in force.

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-07 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("prices") as batch:
        batch.add_column(sa.Column("extra_prices", sa.JSON(), nullable=True))
    with op.batch_alter_table("crosscheck_facts") as batch:
        batch.add_column(sa.Column("extra_prices", sa.JSON(), nullable=True))
    op.create_table(
        "team_workloads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace", sa.String(length=64), server_default="", nullable=False),
        sa.Column("spec", sa.String(length=1000), nullable=True),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"], ["changes.id"], name=op.f("fk_team_workloads_change_id_changes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_workloads")),
    )
    with op.batch_alter_table("team_workloads") as batch:
        batch.create_index(batch.f("ix_team_workloads_change_id"), ["change_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("team_workloads") as batch:
        batch.drop_index(batch.f("ix_team_workloads_change_id"))
    op.drop_table("team_workloads")
    with op.batch_alter_table("crosscheck_facts") as batch:
        batch.drop_column("extra_prices")
    with op.batch_alter_table("prices") as batch:
        batch.drop_column("extra_prices")
