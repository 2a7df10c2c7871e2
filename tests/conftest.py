"""Shared fixtures: seeded catalogs on SQLite, and on PostgreSQL when MODELCOST_TEST_POSTGRES_URL is set.

A catalog is seeded once per test session into a template (a SQLite file, or a PostgreSQL database
used as TEMPLATE); each test that writes gets its own copy, so tests never see each other's changes.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bot import db
from bot.feeds.seed import ensure_catalog

POSTGRES_URL = os.environ.get("MODELCOST_TEST_POSTGRES_URL")
# `modelcost ask` keeps read models on disk: the tests' in a directory of their own, never the user's.
os.environ["MODELCOST_CACHE_DIR"] = tempfile.mkdtemp(prefix="modelcost-test-cache-")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
_counter = itertools.count()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="MODELCOST_TEST_POSTGRES_URL is not set")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


class Databases:
    """Creates and drops throwaway databases of one backend, cloned from a seeded template."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        self.created: list[str] = []
        self.template: str | None = None
        self._admin: Engine | None = None

    def _admin_engine(self) -> Engine:
        if self._admin is None:
            assert POSTGRES_URL
            self._admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        return self._admin

    def empty(self) -> str:
        """The URL of a new, empty database."""
        name = f"mc_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.workdir / (name + '.db')}"
        with self._admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)  # type: ignore[arg-type]

    def seeded(self) -> str:
        """The URL of a new copy of the seeded catalog."""
        if self.template is None:
            url = self.empty()
            engine = db.make_engine(url)
            ensure_catalog(engine)
            engine.dispose()
            self.template = url
        if self.backend == "sqlite":
            copy = self.empty()
            shutil.copy(self.template.split("///", 1)[1], copy.split("///", 1)[1])
            return copy
        name = f"mc_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
        template = make_url(self.template).database
        with self._admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        self.created.append(name)
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)  # type: ignore[arg-type]

    def close(self) -> None:
        db.dispose_engines()
        if self._admin is not None:
            with self._admin.connect() as conn:
                for name in reversed(self.created):
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self._admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    dbs = Databases(request.param, tmp_path_factory.mktemp(request.param))
    yield dbs
    dbs.close()


@pytest.fixture(autouse=True)
def _close_pools_of_this_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Engines made during a test for its own databases are closed after it, so a run holds few
    PostgreSQL connections (the shared read-only catalogs keep theirs)."""
    yield
    keep = frozenset(_session_urls)
    db.dispose_engines(keep)


_session_urls: set[str] = set()


@pytest.fixture(scope="session")
def catalog_url(databases: Databases) -> str:
    """A seeded catalog shared by tests that only read (asking never writes)."""
    url = databases.seeded()
    _session_urls.add(url)
    return url


@pytest.fixture(scope="session")
def catalog(catalog_url: str) -> Engine:
    return db.engine_for(catalog_url)


@pytest.fixture
def fresh_url(databases: Databases) -> str:
    """A seeded catalog of this test's own, free to change."""
    return databases.seeded()


@pytest.fixture
def fresh(fresh_url: str) -> Iterator[Engine]:
    engine = db.make_engine(fresh_url)
    yield engine
    engine.dispose()


@pytest.fixture
def empty_url(databases: Databases) -> str:
    return databases.empty()


@pytest.fixture(scope="session")
def pg_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """PostgreSQL only, for tests of what only PostgreSQL does (concurrent workers' row locks)."""
    if not POSTGRES_URL:
        pytest.skip("MODELCOST_TEST_POSTGRES_URL is not set")
    dbs = Databases("postgresql", tmp_path_factory.mktemp("pg"))
    yield dbs
    dbs.close()


@pytest.fixture
def pg_fresh(pg_databases: Databases) -> Iterator[Engine]:
    engine = db.make_engine(pg_databases.seeded())
    yield engine
    engine.dispose()
