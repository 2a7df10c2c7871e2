"""Which Slack installations changed (issue 30): `installation_version`, one row holding the last version
handed out, and `installation_changes`, a row per change of slack_installations or slack_bots (an
install, a token refresh, an uninstall, a re-encryption), written by triggers in the change's own
transaction, whatever made it (slack_sdk's store, `modelcost tokens rotate`, plain SQL). The web
workers keep installations in memory and read this log about once a second to drop what changed
(bot/slack/authorize.py, bot/store/installations.py). Each change takes the next version from the one
row, which it thereby locks until it commits: versions come in commit order, with no gap. The trigger
keeps the last KEEP changes.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("slack_installations", "slack_bots")
KEEP = 10_000  # as bot.store.installations.KEEP: a reader further behind starts afresh

_PG_FUNCTION = f"""
CREATE FUNCTION installation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    next_version bigint;
BEGIN
    UPDATE installation_version SET version = version + 1 WHERE id = 1 RETURNING version INTO next_version;
    IF TG_OP = 'DELETE' THEN
        INSERT INTO installation_changes (version, enterprise_id, team_id, changed_at)
        VALUES (next_version, OLD.enterprise_id, OLD.team_id, now() AT TIME ZONE 'UTC');
    ELSE
        INSERT INTO installation_changes (version, enterprise_id, team_id, changed_at)
        VALUES (next_version, NEW.enterprise_id, NEW.team_id, now() AT TIME ZONE 'UTC');
    END IF;
    DELETE FROM installation_changes WHERE version <= next_version - {KEEP};
    RETURN NULL;
END
$$
"""


def _sqlite_trigger(table: str, operation: str) -> str:
    row = "OLD" if operation == "DELETE" else "NEW"
    return f"""
CREATE TRIGGER {table}_{operation.lower()}_changed AFTER {operation} ON {table}
BEGIN
    UPDATE installation_version SET version = version + 1 WHERE id = 1;
    INSERT INTO installation_changes (version, enterprise_id, team_id, changed_at)
    SELECT version, {row}.enterprise_id, {row}.team_id, CURRENT_TIMESTAMP
    FROM installation_version WHERE id = 1;
    DELETE FROM installation_changes
    WHERE version <= (SELECT version FROM installation_version WHERE id = 1) - {KEEP};
END
"""


def upgrade() -> None:
    version = op.create_table(
        "installation_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installation_version")),
    )
    op.bulk_insert(version, [{"id": 1, "version": 0}])
    op.create_table(
        "installation_changes",
        sa.Column("version", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_installation_changes")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(_PG_FUNCTION))
        for table in TABLES:
            op.execute(
                sa.text(
                    f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION installation_changed()"
                )
            )
    else:
        for table in TABLES:
            for operation in ("INSERT", "UPDATE", "DELETE"):
                op.execute(sa.text(_sqlite_trigger(table, operation)))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(sa.text(f"DROP TRIGGER {table}_changed ON {table}"))
        op.execute(sa.text("DROP FUNCTION installation_changed()"))
    else:
        for table in TABLES:
            for operation in ("INSERT", "UPDATE", "DELETE"):
                op.execute(sa.text(f"DROP TRIGGER {table}_{operation.lower()}_changed"))
    op.drop_table("installation_changes")
    op.drop_table("installation_version")
