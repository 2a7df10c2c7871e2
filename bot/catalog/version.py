"""The catalog's version: aggregates that move whenever prices, offerings, models or aliases change.

Read in one query on the DBAPI fast path (no ORM, no SQL compilation), so that caches of answers
can afford to ask often. Prices are append-only and every change set is a `changes` row, so new
ids and counts catch every edit, sync and alias; in-place model metadata (the curated overlay,
applied at release) is caught by the caches' maximum age.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from bot.catalog.models import Alias, Change, Model, Offering, Price

_VERSION_SQL = (
    f"SELECT (SELECT max(id) FROM {Price.__tablename__}),"
    f" (SELECT max(id) FROM {Change.__tablename__}), (SELECT count(*) FROM {Change.__tablename__}),"
    f" (SELECT max(id) FROM {Offering.__tablename__}),"
    f" (SELECT count(*) FROM {Offering.__tablename__} WHERE retired_at IS NULL),"
    f" (SELECT count(model_id) FROM {Offering.__tablename__}),"
    f" (SELECT count(*) FROM {Alias.__tablename__}), (SELECT max(created_at) FROM {Alias.__tablename__}),"
    f" (SELECT count(*) FROM {Model.__tablename__})"
)


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
