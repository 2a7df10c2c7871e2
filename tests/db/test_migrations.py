"""Migrations build the schema from an empty database, on SQLite and PostgreSQL, and match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot import db
from bot.catalog.models import Base


def test_head_revision_constant_matches_alembic() -> None:
    script = ScriptDirectory.from_config(db.alembic_config(None))  # type: ignore[arg-type]
    assert script.get_current_head() == db.HEAD_REVISION


def test_migrations_from_empty_database_match_the_models(empty_url: str) -> None:
    engine = db.make_engine(empty_url)
    try:
        assert db.current_revision(engine) is None
        db.upgrade(engine)
        assert db.current_revision(engine) == db.HEAD_REVISION
        with engine.connect() as conn:
            assert set(Base.metadata.tables) <= set(inspect(conn).get_table_names())
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()
