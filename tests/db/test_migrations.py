"""Migrations build the schema from an empty database, on SQLite and PostgreSQL, and match the models."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect, text

from bot import db
from bot.contract.actor import Actor
from bot.store import migrations, schema
from bot.store.tables import Base, Change, Price

pytestmark = pytest.mark.engines  # the store: every test on each backend


def test_head_revision_constant_matches_alembic() -> None:
    script = ScriptDirectory.from_config(schema.alembic_config(None))  # type: ignore[arg-type]
    assert script.get_current_head() == migrations.HEAD_REVISION


def test_migrations_from_empty_database_match_the_models(empty_url: str) -> None:
    engine = db.make_engine(empty_url)
    try:
        assert schema.current_revision(engine) is None
        schema.upgrade(engine)
        assert schema.current_revision(engine) == migrations.HEAD_REVISION
        with engine.connect() as conn:
            assert set(Base.metadata.tables) <= set(inspect(conn).get_table_names())
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


OLD_CHANGES = [  # id, kind, actor as 0001 stored it
    (1, "seed", "genai-prices 0.2.3 snapshot"),
    (2, "sync", "feed https://bot:hunter2@feed.test/v2/data.json?token=s3cret#top"),
    (3, "admin", "admin <@U123>"),
    (4, "admin", "admin (cli)"),
]
OLD_PRICES = [  # change id, source_kind, source as 0001 stored them
    (1, "seed", "genai-prices 0.2.3 snapshot"),
    (2, "feed", "genai-prices feed, fetched 2026-11-30"),
    (3, "admin", "admin <@U123>"),
    (4, "admin", "admin (cli)"),
]
ACTORS = {  # change id -> (kind, id) after 0002
    1: ("snapshot", "genai-prices 0.2.3 snapshot"),
    2: ("feed", "https://feed.test/v2/data.json"),
    3: ("admin", "U123"),
    4: ("admin", "cli"),
}


def _old_catalog(url: str) -> Engine:
    """A database at 0001 holding one change and one price row of every kind, as 0001 wrote them."""
    engine = db.make_engine(url)
    schema.upgrade(engine, "0001")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        tables = MetaData()
        tables.reflect(conn)
        conn.execute(
            tables.tables["providers"].insert(), [{"id": "openai", "name": "OpenAI", "is_lab": True}]
        )
        conn.execute(
            tables.tables["offerings"].insert(),
            [{"id": 1, "provider_id": "openai", "provider_model_id": "o1"}],
        )
        conn.execute(
            tables.tables["changes"].insert(),
            [{"id": i, "kind": kind, "actor": actor, "created_at": now} for i, kind, actor in OLD_CHANGES],
        )
        conn.execute(
            tables.tables["prices"].insert(),
            [
                {
                    "offering_id": 1,
                    "change_id": change_id,
                    "input_mtok": Decimal(change_id),
                    "output_mtok": Decimal(change_id * 4),
                    "source_kind": kind,
                    "source": source,
                    "recorded_at": now,
                }
                for change_id, kind, source in OLD_PRICES
            ],
        )
    return engine


def test_0002_converts_rendered_actors_into_kind_and_id(empty_url: str) -> None:
    engine = _old_catalog(empty_url)
    try:
        schema.upgrade(engine)
        with engine.connect() as conn:
            changes = conn.execute(text("SELECT id, actor_kind, actor_id FROM changes ORDER BY id")).all()
            prices = conn.execute(
                text("SELECT change_id, source_kind, source_id FROM prices ORDER BY change_id")
            ).all()
            columns = {c["name"] for c in inspect(conn).get_columns("changes")}
            columns |= {c["name"] for c in inspect(conn).get_columns("prices")}
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert {i: (kind, actor_id) for i, kind, actor_id in changes} == ACTORS
        assert {i: (kind, source_id) for i, kind, source_id in prices} == ACTORS
        assert not {"actor", "source"} & columns  # no rendered string left behind
        with db.session_factory(engine)() as session:  # and the ORM reads the converted rows
            assert session.get_one(Change, 3).actor == Actor(kind="admin", id="U123")
            assert session.get_one(Price, 1).source == Actor(
                kind="snapshot", id="genai-prices 0.2.3 snapshot"
            )
    finally:
        engine.dispose()


def test_0002_downgrades_to_the_old_labels(empty_url: str) -> None:
    engine = _old_catalog(empty_url)
    try:
        schema.upgrade(engine)
        command.downgrade(schema.alembic_config(engine), "0001")
        with engine.connect() as conn:
            changes = conn.execute(text("SELECT id, kind, actor FROM changes ORDER BY id")).all()
            prices = conn.execute(text("SELECT source_kind, source FROM prices ORDER BY change_id")).all()
        assert (
            [tuple(row) for row in changes]
            == [
                *OLD_CHANGES[:1],
                (2, "sync", "feed https://feed.test/v2/data.json"),  # the token stays gone
                *OLD_CHANGES[2:],
            ]
        )
        assert [tuple(row) for row in prices] == [
            ("seed", "genai-prices 0.2.3 snapshot"),
            ("feed", "feed https://feed.test/v2/data.json"),
            ("admin", "admin <@U123>"),
            ("admin", "admin (cli)"),
        ]
    finally:
        engine.dispose()


def test_0003_moves_hand_kept_scores_into_the_scores_table(empty_url: str) -> None:
    engine = db.make_engine(empty_url)
    try:
        schema.upgrade(engine, "0002")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO models (id, name, lab, open_weights, curated, arena_score, quality_source,"
                    " quality_date) VALUES ('o1', 'o1', 'OpenAI', false, true, 1366, 'LMArena text',"
                    " '2025-12-11'), ('x', 'x', 'X', true, true, NULL, NULL, NULL)"
                )
            )
        schema.upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT model_id, category, variant, origin, source, score, as_of FROM scores")
            ).all()
            columns = {c["name"] for c in inspect(conn).get_columns("models")}
        assert [tuple(str(v) for v in r) for r in rows] == [
            ("o1", "overall", "", "source", "LMArena text", "1366", "2025-12-11")
        ]
        assert "arena_score" not in columns
    finally:
        engine.dispose()


def test_0006_makes_old_rows_shared_and_its_downgrade_keeps_only_those(empty_url: str) -> None:
    engine = db.make_engine(empty_url)
    try:
        command.upgrade(schema.alembic_config(engine), "0005")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO subscriptions (id, channel_id, status, created_by, created_at)"
                    " VALUES (1, 'C1', 'active', 'U1', :at)"
                ),
                {"at": datetime(2026, 1, 1, tzinfo=UTC)},
            )
        schema.upgrade(engine)
        with engine.begin() as conn:
            assert conn.execute(text("SELECT workspace FROM subscriptions")).scalar_one() == ""
            conn.execute(
                text(
                    "INSERT INTO subscriptions (id, workspace, channel_id, status, created_by, created_at)"
                    " VALUES (2, 'TA', 'C1', 'active', 'U2', :at)"
                ),
                {"at": datetime(2026, 1, 1, tzinfo=UTC)},
            )
        command.downgrade(schema.alembic_config(engine), "0005")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id, channel_id FROM subscriptions")).all() == [(1, "C1")]
    finally:
        engine.dispose()
