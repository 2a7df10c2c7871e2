"""Retirement countdowns and digests (issue 28): subscriptions follow families and take a digest
(weekly or daily, at an hour in a time zone, optionally instead of per-change alerts); alerts may carry
no change (a lifecycle notice or a digest, queued by the worker's pass); and `notices` records what
each channel was already told about each model, one unique row per notice.

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-07 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("families", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("digest", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("digest_weekday", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(
            sa.Column("digest_time", sa.String(length=5), server_default="09:00", nullable=False)
        )
        batch.add_column(sa.Column("digest_tz", sa.String(length=64), server_default="UTC", nullable=False))
        batch.add_column(sa.Column("digest_only", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("digest_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("digest_state", sa.JSON(), nullable=True))
    with op.batch_alter_table("alerts") as batch:
        batch.alter_column("change_id", existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(length=200), nullable=False),
        sa.Column("notice", sa.String(length=60), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], name=op.f("fk_notices_alert_id_alerts")),
        sa.ForeignKeyConstraint(
            ["subscription_id"], ["subscriptions.id"], name=op.f("fk_notices_subscription_id_subscriptions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("subscription_id", "model_id", "notice", name=op.f("uq_notices_subscription_id")),
    )
    with op.batch_alter_table("notices") as batch:
        batch.create_index(batch.f("ix_notices_subscription_id"), ["subscription_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.drop_index(batch.f("ix_notices_subscription_id"))
    op.drop_table("notices")
    # Alerts without a change (notices, digests) have no place in the old table.
    op.execute(sa.text("DELETE FROM alerts WHERE change_id IS NULL"))
    with op.batch_alter_table("alerts") as batch:
        batch.alter_column("change_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("subscriptions") as batch:
        for column in (
            "digest_state",
            "digest_until",
            "digest_only",
            "digest_tz",
            "digest_time",
            "digest_weekday",
            "digest",
            "families",
        ):
            batch.drop_column(column)
