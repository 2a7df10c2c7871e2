"""Alembic environment: uses the engine handed over by bot.db, else DATABASE_URL via Settings."""

from alembic import context

from bot.catalog.models import Base
from bot.config import Settings
from bot.db import make_engine

config = context.config
engine = config.attributes.get("engine") or make_engine(Settings.from_env().database_url)

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    context.run_migrations()
