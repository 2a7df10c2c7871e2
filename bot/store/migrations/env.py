"""Alembic environment: uses the engine handed over by bot.db, else DATABASE_URL via Settings.

On SQLite, batch migrations recreate a table (copy, drop, rename); dropping a table that others
reference fails while foreign keys are enforced, so they are off during migrations (as Alembic's
docs advise) and checked whole before the migration commits.
"""

from alembic import context
from sqlalchemy import text

from bot.config import Settings
from bot.db import make_engine
from bot.store.tables import Base

config = context.config
engine = config.attributes.get("engine") or make_engine(Settings.from_env().database_url)

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Outside any transaction: SQLite ignores this pragma inside one.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
            context.run_migrations()
            if sqlite and (broken := connection.execute(text("PRAGMA foreign_key_check")).all()):
                raise RuntimeError(f"migration left rows whose foreign keys match nothing: {broken[:5]}")
    finally:
        if sqlite:
            # The connection goes back to the pool: every later user expects foreign keys enforced.
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
