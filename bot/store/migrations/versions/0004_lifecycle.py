"""Prices you can trust: offerings' lifecycle (deprecated flag, retirement day) and input limit,
models' successor, the day a price took effect, and room for several off-peak windows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("offerings") as batch:
        batch.add_column(sa.Column("max_input_tokens", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("deprecated", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("retires_on", sa.Date(), nullable=True))
    with op.batch_alter_table("models") as batch:
        batch.add_column(sa.Column("successor_id", sa.String(length=200), nullable=True))
        batch.create_foreign_key(batch.f("fk_models_successor_id_models"), "models", ["successor_id"], ["id"])
    with op.batch_alter_table("prices") as batch:
        batch.alter_column("offpeak_window", existing_type=sa.String(length=20), type_=sa.String(length=100))
        batch.add_column(sa.Column("effective_on", sa.Date(), nullable=True))


def downgrade() -> None:
    # Several windows don't fit the old column: keep the first rather than fail.
    op.execute(
        sa.text(
            "UPDATE prices SET offpeak_window = substr(offpeak_window, 1, 11)"
            " WHERE length(offpeak_window) > 20"
        )
    )
    with op.batch_alter_table("prices") as batch:
        batch.drop_column("effective_on")
        batch.alter_column("offpeak_window", existing_type=sa.String(length=100), type_=sa.String(length=20))
    with op.batch_alter_table("models") as batch:
        batch.drop_constraint("fk_models_successor_id_models", type_="foreignkey")
        batch.drop_column("successor_id")
    with op.batch_alter_table("offerings") as batch:
        batch.drop_column("retires_on")
        batch.drop_column("deprecated")
        batch.drop_column("max_input_tokens")
