"""The cross-check feed: `crosscheck_facts`, what LiteLLM's price file said of each curated offering
when a cross-check sync last applied it (until then the bundled extract stands in).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crosscheck_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("provider_model_id", sa.String(length=300), nullable=False),
        sa.Column("litellm_key", sa.String(length=300), nullable=False),
        sa.Column("input_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("output_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("cache_read_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("max_input_tokens", sa.Integer(), nullable=True),
        sa.Column("max_output_tokens", sa.Integer(), nullable=True),
        sa.Column("deprecation_date", sa.Date(), nullable=True),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"], ["changes.id"], name=op.f("fk_crosscheck_facts_change_id_changes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crosscheck_facts")),
        sa.UniqueConstraint("provider_id", "provider_model_id", name=op.f("uq_crosscheck_facts_provider_id")),
    )
    with op.batch_alter_table("crosscheck_facts") as batch:
        batch.create_index(batch.f("ix_crosscheck_facts_change_id"), ["change_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("crosscheck_facts") as batch:
        batch.drop_index(batch.f("ix_crosscheck_facts_change_id"))
    op.drop_table("crosscheck_facts")
