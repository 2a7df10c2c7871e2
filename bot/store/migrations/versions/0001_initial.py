"""Initial schema: catalog (providers, models, offerings, prices, aliases, changes), alert outbox, sync runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 10:31:08.135026
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.create_table(
        "providers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_lab", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_providers")),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=40), nullable=False),
        sa.Column("model_ids", sa.JSON(), nullable=True),
        sa.Column("min_change_pct", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("channel_id", name=op.f("uq_subscriptions_channel_id")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["change_id"], ["changes.id"], name=op.f("fk_alerts_change_id_changes")),
        sa.ForeignKeyConstraint(
            ["subscription_id"], ["subscriptions.id"], name=op.f("fk_alerts_subscription_id_subscriptions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("change_id", "channel_id", name=op.f("uq_alerts_change_id")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_channel_id"), ["channel_id"], unique=False)

    op.create_table(
        "models",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lab", sa.String(length=100), nullable=False),
        sa.Column("lab_provider_id", sa.String(length=64), nullable=True),
        sa.Column("open_weights", sa.Boolean(), nullable=True),
        sa.Column("license", sa.String(length=200), nullable=True),
        sa.Column("arena_score", sa.Integer(), nullable=True),
        sa.Column("quality_source", sa.String(length=100), nullable=True),
        sa.Column("quality_date", sa.Date(), nullable=True),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("curated", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lab_provider_id"], ["providers.id"], name=op.f("fk_models_lab_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_models")),
    )
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("etag", sa.String(length=300), nullable=True),
        sa.Column("body_sha256", sa.String(length=64), nullable=True),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["change_id"], ["changes.id"], name=op.f("fk_sync_runs_change_id_changes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    op.create_table(
        "aliases",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("model_id", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["model_id"], ["models.id"], name=op.f("fk_aliases_model_id_models")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_aliases")),
    )
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aliases_model_id"), ["model_id"], unique=False)

    op.create_table(
        "offerings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("provider_model_id", sa.String(length=300), nullable=False),
        sa.Column("model_id", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("context_window", sa.Integer(), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["model_id"], ["models.id"], name=op.f("fk_offerings_model_id_models")),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_offerings_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offerings")),
        sa.UniqueConstraint("provider_id", "provider_model_id", name=op.f("uq_offerings_provider_id")),
    )
    with op.batch_alter_table("offerings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offerings_model_id"), ["model_id"], unique=False)

    op.create_table(
        "prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offering_id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("input_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("output_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("cache_read_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("cache_write_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("offpeak_input_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("offpeak_output_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("offpeak_cache_read_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("offpeak_window", sa.String(length=20), nullable=True),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["change_id"], ["changes.id"], name=op.f("fk_prices_change_id_changes")),
        sa.ForeignKeyConstraint(
            ["offering_id"], ["offerings.id"], name=op.f("fk_prices_offering_id_offerings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prices")),
    )
    with op.batch_alter_table("prices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prices_change_id"), ["change_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_prices_offering_id"), ["offering_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("prices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prices_offering_id"))
        batch_op.drop_index(batch_op.f("ix_prices_change_id"))

    op.drop_table("prices")
    with op.batch_alter_table("offerings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offerings_model_id"))

    op.drop_table("offerings")
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aliases_model_id"))

    op.drop_table("aliases")
    op.drop_table("sync_runs")
    op.drop_table("models")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_status"))

    op.drop_table("alerts")
    op.drop_table("subscriptions")
    op.drop_table("providers")
    op.drop_table("changes")
