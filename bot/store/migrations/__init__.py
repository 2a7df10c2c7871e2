"""Alembic migrations (configured in pyproject.toml). HEAD_REVISION is kept equal to Alembic's head by
tests/db/test_migrations.py, so that a cold start need load neither Alembic nor SQLAlchemy to compare."""

HEAD_REVISION = "0017"
