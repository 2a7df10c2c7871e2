"""The schema: Alembic's migrations (bot/store/migrations) applied to a database, the revision it is
at, and whether a catalog is ready to answer (migrated and seeded). Alembic is imported only to migrate.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

from bot.store.migrations import HEAD_REVISION

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine):  # type: ignore[no-untyped-def]  # Alembic is imported lazily: no type here
    from alembic.config import Config  # noqa: PLC0415  (Alembic: only to migrate)

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command  # noqa: PLC0415  (Alembic: only to migrate)

    command.upgrade(alembic_config(engine), revision)


_READY_SQL = "SELECT (SELECT max(id) FROM prices), (SELECT max(id) FROM scores)"


def ready(engine: Engine) -> bool:
    """Whether the catalog is migrated and seeded (prices and scores), so asking needs no
    bot.feeds.seed.ensure_catalog: two small queries."""
    if current_revision(engine) != HEAD_REVISION:
        return False
    with engine.connect() as conn:
        prices, scores = conn.exec_driver_sql(_READY_SQL).one()
    return prices is not None and scores is not None
