"""Engines and sessions: the only place that creates engines. Migrating is bot.store.schema's."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

CONNECT_TIMEOUT_S = 5


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]  # DBAPI objects are untyped
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    # A database host that doesn't answer fails a connection in seconds, not after TCP's minutes.
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: str) -> Engine:
    """One engine (and connection pool) per database URL for the whole process."""
    with _engines_lock:
        if (engine := _engines.get(url)) is None:
            engine = _engines[url] = make_engine(url)
        return engine


def dispose_engines(keep: frozenset[str] = frozenset()) -> None:
    """Close the pools of the engines made by engine_for, except those of `keep` (tests)."""
    with _engines_lock:
        for url in [u for u in _engines if u not in keep]:
            _engines.pop(url).dispose()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any error."""
    with session_factory(engine).begin() as session:
        yield session


class ReadOnlyError(RuntimeError):
    """Something tried to write in a read-only session: a command that writes must say so
    (its request type's `writes`), or the write would be rolled back and silently lost."""


@contextmanager
def read_only(engine: Engine) -> Iterator[Session]:
    """A session for answering questions: any attempt to flush a change raises, and it ends rolled back."""
    with session_factory(engine)() as session:
        session.info["read_only"] = True

        @event.listens_for(session, "before_flush")
        def _refuse(session: Session, _context: object, _instances: object) -> None:
            raise ReadOnlyError("a read-only session tried to write")

        try:
            yield session
        finally:
            session.rollback()
