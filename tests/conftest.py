"""Shared fixtures: seeded catalogs on SQLite, and on PostgreSQL too for tests of what engines can do
differently.

A test that reaches a database runs on SQLite. One marked `engines` (the store, migrations, alert
claims, workspaces, concurrency: `@pytest.mark.engines`) runs on each backend: SQLite, and PostgreSQL
when MODELCOST_TEST_POSTGRES_URL is set (skipped, and said so, when it is not). Rendering, parsing and
Slack behaviour over the same answers run once.

A catalog is seeded once per backend and test session into a template (a SQLite file, or a PostgreSQL
database used as TEMPLATE); each test that writes gets its own copy, so tests never see each other's
changes. Names carry the process id and the cache directory is the process's own, so pytest-xdist's
workers (and `make test`'s run of the tests marked `alone` beside them) share nothing.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot import db
from bot.feeds.seed import ensure_catalog
from bot.read import current
from bot.read.model import ReadModel
from bot.store import names

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
    """Throwaway databases of one backend: a seeded template, the shared read-only catalog, and the
    databases a test makes for itself, dropped (on PostgreSQL) as soon as it ends (`drop_owned`).

    Dropping a PostgreSQL copy right after its test discards its pages unwritten; dropped at the end
    of the run, a checkpoint first writes every copy's pages to disk (15-30 s). On PostgreSQL a copy
    (CREATE DATABASE, about 0.1 s of the server's writing) is made while the test before runs, and the
    copies a test made are dropped while the next one runs, one after another on a thread of their own."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        self.template: str | None = None
        self.model: ReadModel | None = None  # the template's snapshot
        self.names: names.Kept = {}  # and its name index, as the writes look names up
        self.shared: str | None = None  # the read-only catalog of `catalog_url`
        self.owned: list[str] = []  # made for the test running now
        self._kept: list[str] = []  # the template, the shared catalog, `seeded(kept=True)`: at the end
        self._admin: Engine | None = None
        self._server = ThreadPoolExecutor(max_workers=1, thread_name_prefix="databases")  # PostgreSQL's
        self._ahead: Future[str] | None = None  # the next copy of the template, being made

    def _admin_engine(self) -> Engine:
        if self._admin is None:
            assert POSTGRES_URL
            self._admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        return self._admin

    def _create(self, template: str | None = None) -> str:
        # The process id keeps the names of parallel workers (pytest-xdist) apart.
        name = f"mc_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
        if self.backend == "sqlite":
            url = f"sqlite:///{self.workdir / (name + '.db')}"
            if template is not None:
                shutil.copy(_sqlite_path(template), _sqlite_path(url))
            return url
        clone = f' TEMPLATE "{make_url(template).database}"' if template is not None else ""
        with self._admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{clone}'))
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)  # type: ignore[arg-type]

    def _template(self) -> str:
        if self.template is None:
            url = self._create()
            engine = db.make_engine(url)
            ensure_catalog(engine)
            self.model = current.current(engine)  # each copy starts from it (see `seeded`)
            with Session(engine) as session:
                names.name_index(session)
            self.names = names.kept(str(engine.url))
            engine.dispose()
            self._kept.append(url)
            self.template = url
        return self.template

    def _copy(self) -> str:
        """A new copy of the template: on PostgreSQL the one made ahead, and the next one begun."""
        template = self._template()
        if self.backend == "sqlite":
            return self._create(template)
        url = self._ahead.result() if self._ahead is not None else self._create(template)
        self._ahead = self._server.submit(self._create, template)
        return url

    def empty(self) -> str:
        """The URL of a new, empty database, this test's own."""
        url = self._create()
        self.owned.append(url)
        return url

    def seeded(self, *, kept: bool = False, start: bool = True) -> str:
        """The URL of a new copy of the seeded catalog, this test's own; `kept`, the run's (for a
        fixture of a wider scope: dropped at the end)."""
        url = self._copy()
        (self._kept if kept else self.owned).append(url)
        if not start:
            return url
        _copied[url] = (self.model, self.names)
        # The process's engine for it (the app's, a worker's) starts from the template's snapshot: a
        # copy holds the same catalog, so building it again would only repeat the template's build.
        start_from_template(db.engine_for(url), url)
        return url

    def shared_catalog(self) -> str:
        """The URL of the seeded catalog every test that only reads shares."""
        if self.shared is None:
            self.shared = self._create(self._template())
            _copied[self.shared] = (self.model, self.names)
            self._kept.append(self.shared)
            _session_urls.add(self.shared)
        return self.shared

    def drop_owned(self) -> None:
        """Drop the databases the test that just ended made (its engines are closed by now), while the
        next test runs."""
        urls, self.owned = self.owned, []
        if urls and self.backend != "sqlite":
            self._server.submit(self._drop, urls)

    def _drop(self, urls: list[str]) -> None:
        # SQLite files stay in pytest's temporary folder: a thread still reading one (an app's catalog
        # watcher) goes on doing so, where an unlinked file would be made anew, empty.
        if self.backend == "sqlite" or not urls:
            return
        with self._admin_engine().connect() as conn:
            for url in reversed(urls):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))

    def close(self) -> None:
        db.dispose_engines()
        self.drop_owned()
        if self._ahead is not None:
            self._kept.append(self._ahead.result())
        self._server.shutdown(wait=True)
        self._drop(self._kept)
        if self._admin is not None:
            self._admin.dispose()


# a copy of the seeded catalog -> the template's snapshot and name index
_copied: dict[str, tuple[ReadModel | None, names.Kept]] = {}


def start_from_template(engine: Engine, url: str) -> None:
    """An engine of a copy of the seeded catalog begins with the template's snapshot (bot.read.current
    keeps it while the catalog's version holds), and the writes' name index with the template's too. A
    test that changes its copy by hand-written SQL, which moves no version, before the first question
    asks for `fresh_built` instead."""
    if url in _copied:
        model, indexes = _copied[url]
        if model is not None:
            current.start_from(engine, model)
        names.start_from(str(engine.url), indexes)


def _sqlite_path(url: str) -> str:
    return url.split("///", 1)[1]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("engines"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The engine this test's databases live on: SQLite, unless the test is marked `engines`."""
    return str(getattr(request, "param", "sqlite"))


class Backends:
    """The session's `Databases` of each backend, made when a test first needs it."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.made: dict[str, Databases] = {}

    def __getitem__(self, backend: str) -> Databases:
        if backend not in self.made:
            self.made[backend] = Databases(backend, self.tmp_path_factory.mktemp(backend))
        return self.made[backend]

    def close(self) -> None:
        for dbs in self.made.values():
            dbs.close()


@pytest.fixture(scope="session")
def backends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backends]:
    made = Backends(tmp_path_factory)
    yield made
    made.close()


@pytest.fixture
def databases(backends: Backends, backend: str) -> Databases:
    return backends[backend]


@pytest.fixture(autouse=True)
def _close_pools_of_this_test(backends: Backends) -> Iterator[None]:
    """After each test, the engines made for its own databases are closed and those databases dropped,
    so a run holds few PostgreSQL connections and databases (the shared read-only catalogs stay)."""
    yield
    db.dispose_engines(frozenset(_session_urls))
    for dbs in backends.made.values():
        dbs.drop_owned()


_session_urls: set[str] = set()


@pytest.fixture
def catalog_url(databases: Databases) -> str:
    """A seeded catalog shared by tests that only read (asking never writes)."""
    return databases.shared_catalog()


@pytest.fixture
def catalog(catalog_url: str) -> Engine:
    engine = db.engine_for(catalog_url)
    start_from_template(engine, catalog_url)
    return engine


@pytest.fixture
def fresh_url(databases: Databases) -> str:
    """A seeded catalog of this test's own, free to change."""
    return databases.seeded()


@pytest.fixture
def fresh_built(databases: Databases) -> Iterator[Engine]:
    """A seeded catalog of this test's own whose snapshot is built from it (not the template's): for a
    test that changes it by hand-written SQL before its first question."""
    engine = db.make_engine(databases.seeded(start=False))
    yield engine
    engine.dispose()


@pytest.fixture
def fresh(fresh_url: str) -> Iterator[Engine]:
    engine = db.make_engine(fresh_url)
    start_from_template(engine, fresh_url)
    yield engine
    engine.dispose()


@pytest.fixture
def empty_url(databases: Databases) -> str:
    return databases.empty()


@pytest.fixture
def pg_databases(backends: Backends) -> Databases:
    """PostgreSQL only, for tests of what only PostgreSQL does (concurrent workers' row locks)."""
    if not POSTGRES_URL:
        pytest.skip("MODELCOST_TEST_POSTGRES_URL is not set")
    return backends["postgresql"]


@pytest.fixture
def pg_fresh(pg_databases: Databases) -> Iterator[Engine]:
    engine = db.make_engine(pg_databases.seeded())
    yield engine
    engine.dispose()
