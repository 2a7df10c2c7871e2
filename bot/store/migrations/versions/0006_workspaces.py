"""Workspaces: every admin change, price, team score, alias, subscription and alert belongs to a
workspace (its installation's key, bot.domain.workspaces), or to the shared catalog (""). Existing
rows are the shared catalog's: single mode is unchanged.

Subscriptions become unique per (workspace, channel) and alerts per (change, subscription), so a
channel shared between two workspaces can be subscribed from each.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _workspace() -> sa.Column[str]:
    return sa.Column("workspace", sa.String(length=64), server_default="", nullable=False)


def upgrade() -> None:
    for table in ("changes", "prices", "scores"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(_workspace())
    with op.batch_alter_table("aliases") as batch:
        batch.add_column(_workspace())
        batch.drop_constraint("pk_aliases", type_="primary")
        batch.create_primary_key("pk_aliases", ["name", "workspace"])
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(_workspace())
        batch.drop_constraint("uq_subscriptions_channel_id", type_="unique")
        batch.create_unique_constraint("uq_subscriptions_workspace", ["workspace", "channel_id"])
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(_workspace())
        batch.drop_constraint("uq_alerts_change_id", type_="unique")
        batch.create_unique_constraint("uq_alerts_change_id", ["change_id", "subscription_id"])


def downgrade() -> None:
    # Only the shared catalog fits the old tables: a workspace's own rows go with their column.
    for table in ("alerts", "subscriptions", "aliases", "scores", "prices"):
        op.execute(sa.text(f"DELETE FROM {table} WHERE workspace <> ''"))  # noqa: S608  # fixed names
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint("uq_alerts_change_id", type_="unique")
        batch.create_unique_constraint("uq_alerts_change_id", ["change_id", "channel_id"])
        batch.drop_column("workspace")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_constraint("uq_subscriptions_workspace", type_="unique")
        batch.create_unique_constraint("uq_subscriptions_channel_id", ["channel_id"])
        batch.drop_column("workspace")
    with op.batch_alter_table("aliases") as batch:
        batch.drop_constraint("pk_aliases", type_="primary")
        batch.create_primary_key("pk_aliases", ["name"])
        batch.drop_column("workspace")
    for table in ("scores", "prices", "changes"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("workspace")
