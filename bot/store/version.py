"""The catalog's version: aggregates that move whenever prices, offerings, models or aliases change.

Read in one query on the DBAPI fast path (no ORM, no SQL compilation), so that caches of answers
can afford to ask often. Prices are append-only and every change set is a `changes` row, so new
ids and counts catch every edit, sync and alias; in-place model metadata (the curated overlay,
applied at release) is caught by the caches' maximum age.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from bot.store.migrations import HEAD_REVISION

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

# The tables by name, not through the ORM classes: a cold `modelcost ask` checks the version without
# loading the mapping (tests/unit/test_version.py keeps the names equal to the ORM's).
TABLES = ("prices", "changes", "offerings", "aliases", "models", "scores")
_VERSION_SQL = (
    # The shared catalog's rows: a move here rebuilds the shared read model.
    "SELECT (SELECT max(id) FROM prices WHERE workspace = ''),"
    " (SELECT max(id) FROM changes WHERE workspace = ''),"
    " (SELECT count(*) FROM changes WHERE workspace = ''),"
    " (SELECT max(id) FROM offerings),"
    " (SELECT count(*) FROM offerings WHERE retired_at IS NULL),"
    " (SELECT count(model_id) FROM offerings),"
    " (SELECT count(*) FROM aliases WHERE workspace = ''),"
    " (SELECT max(created_at) FROM aliases WHERE workspace = ''),"
    " (SELECT count(*) FROM models),"
    # Workspaces' own rows (every price, score and workload of theirs comes with a change of theirs):
    # a move here only reloads the rows of the workspaces whose own version moved (bot.read.current).
    " (SELECT max(id) FROM changes WHERE workspace <> ''),"
    " (SELECT count(*) FROM changes WHERE workspace <> ''),"
    " (SELECT count(*) FROM aliases WHERE workspace <> ''),"
    " (SELECT max(created_at) FROM aliases WHERE workspace <> '')"
)
SHARED_PART = 9  # catalog_version(...)[:SHARED_PART]: the shared catalog's own part
WORKSPACE_CHANGES = 2  # then the workspaces' changes (max id, count), then their names (count, newest)
# What names depend on: of the shared part, the offerings, aliases and models (prices and change sets name
# nothing; a model's name or kind changes in place only where offerings are added, in a sync, or at
# release), and the workspaces' names. bot.store.names keys its index on it.
SHARED_NAMES = slice(3, SHARED_PART)


def names_version(version: tuple[object, ...]) -> tuple[object, ...]:
    return version[SHARED_NAMES] + version[SHARED_PART + WORKSPACE_CHANGES :]


def catalog_version(engine: Engine) -> tuple[object, ...]:
    """Equal for two reads when nothing in the catalog changed in between."""
    with engine.connect() as conn:
        return version_on(conn)


def version_on(conn: Connection) -> tuple[object, ...]:
    """catalog_version, read on a connection already in use (a session's)."""
    return tuple(conn.exec_driver_sql(_VERSION_SQL).one())


def session_version(session: Session) -> tuple[object, ...]:
    """The version as a session sees it: read once per read-only session (nothing in it can move it),
    and afresh each time in a session that writes."""
    if not session.info.get("read_only"):
        return version_on(session.connection())
    if (seen := session.info.get("catalog_version")) is None:
        seen = session.info["catalog_version"] = version_on(session.connection())
    return seen


_OWNERS_SQL = (
    "SELECT workspace, max(id), count(*) FROM changes WHERE workspace <> '' GROUP BY workspace",
    "SELECT workspace, count(*), max(created_at) FROM aliases WHERE workspace <> '' GROUP BY workspace",
)


def workspaces_with_rows(engine: Engine) -> dict[str, tuple[object, ...]]:
    """The workspaces with rows of their own (admin changes, aliases), each with its own version
    (bot.store.owned.own_version): its view is the shared read model with those rows layered over it."""
    with engine.connect() as conn:
        changes = {w: (top, n) for w, top, n in conn.exec_driver_sql(_OWNERS_SQL[0])}
        aliases = {w: (n, newest) for w, n, newest in conn.exec_driver_sql(_OWNERS_SQL[1])}
    return {
        w: (*changes.get(w, (None, 0)), *aliases.get(w, (0, None))) for w in changes.keys() | aliases.keys()
    }


def sqlite_version(path: Path) -> tuple[object, ...] | None:
    """catalog_version of a SQLite catalog read with the standard library alone (read-only), when it is
    migrated to the head; None otherwise, or if it can't be read. The values are the driver's, as the
    engine's `exec_driver_sql` returns them, so the two compare equal."""
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("SELECT version_num FROM alembic_version").fetchall() != [(HEAD_REVISION,)]:
            return None
        row = conn.execute(_VERSION_SQL).fetchone()
        return tuple(row) if row is not None else None
    except sqlite3.Error:
        return None
    finally:
        conn.close()
