"""Which Slack installations changed since a version: what a web worker that keeps installations in
memory (bot/slack/authorize.py) reads, about once a second, to drop those that changed anywhere.

Every insert, update or delete of a row of slack_installations or slack_bots (an install, a token
refresh, an uninstall or revocation, a re-encryption) adds a row to installation_changes in the same
transaction, written by a trigger (migration 0016), so no path that changes an installation, ours,
slack_sdk's or an operator's SQL, can miss it. Its version is the next value of the one row of
installation_version, which the change's transaction updates and so holds locked until it commits:
versions are handed out in commit order, and one that rolls back gives its number back. Whoever has
read up to version V has therefore seen every change up to V, and everything after V is what it has
not seen. The trigger keeps the last KEEP changes: a reader that finds a gap was further behind than
that, and must start afresh.

A migration that rebuilds slack_installations or slack_bots on SQLite (Alembic's batch mode copies the
table) drops its triggers: it must create them again (tests/db/test_installation_changes.py fails
without them).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select

from bot.store.tables import INSTALLATION_CHANGES, INSTALLATION_VERSION

KEEP = 10_000  # changes kept (migration 0016's trigger deletes older ones)


@dataclass(frozen=True, slots=True)
class InstallationChange:
    version: int
    enterprise_id: str | None
    team_id: str | None


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed after a version: `changes` in version order; `complete` False when some were
    deleted already (the reader must forget everything it keeps); `version`, the last one seen."""

    version: int
    changes: tuple[InstallationChange, ...]
    complete: bool


def latest_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(INSTALLATION_VERSION.c.version)).scalar_one())


def changes_since(engine: Engine, version: int) -> Changes:
    """The changes after `version`: one query on the primary key, no row when nothing changed."""
    with engine.connect() as conn:
        return _since(conn, version)


def _since(conn: Connection, version: int) -> Changes:
    c = INSTALLATION_CHANGES.c
    rows = conn.execute(
        select(c.version, c.enterprise_id, c.team_id).where(c.version > version).order_by(c.version)
    ).all()
    found = tuple(InstallationChange(int(v), e, t) for v, e, t in rows)
    if not found:
        return Changes(version, (), complete=True)
    last = found[-1].version
    # Versions have no gap: as many rows as versions after ours, or the oldest were deleted.
    return Changes(last, found, complete=len(found) == last - version)
