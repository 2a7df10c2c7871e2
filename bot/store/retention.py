"""Retention: a workspace's data is deleted a set number of days (MODELCOST_RETENTION_DAYS, 30 by
default) after the app is uninstalled from it, unless it installs the app again first.

An uninstall (or a revoked bot token) records the workspace in `departures`, in the transaction that
disables its subscriptions (bot.store.subscriptions.uninstalled); an install deletes that row. The worker
(`modelcost worker`, and `--once --now ISO`) calls `purge_departed`, which deletes each workspace past
its time in one transaction of its own: every row keyed by it (its prices, team scores, aliases,
workload, subscriptions and their alerts and notices, the changes that made them: its history), any of
its installation rows left from before the uninstall, and its `departures` row. The shared catalog and
other workspaces' rows are never touched. A workspace that was installed again meanwhile (its bot row
is back) keeps everything, and its `departures` row goes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast  # Any: a DELETE's result has no rows to type

from sqlalchemy import ColumnElement, CursorResult, Engine, Table, delete, select
from sqlalchemy.orm import Session

from bot import db
from bot.domain.workspaces import SHARED, scope
from bot.store.tables import (
    SLACK_BOTS,
    SLACK_INSTALLATIONS,
    Alert,
    Alias,
    Base,
    Change,
    Departure,
    Notice,
    Pacing,
    Price,
    RepriceJob,
    Score,
    Subscription,
    TeamWorkload,
)

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30


@dataclass(frozen=True, slots=True)
class Purged:
    """A workspace whose data was deleted, and how many rows of each table went."""

    workspace: str
    rows: dict[str, int]


def departed(session: Session, workspace: str, at: datetime) -> None:
    """Record that the app was uninstalled from `workspace` at `at` (the first uninstall counts)."""
    if workspace == SHARED or session.get(Departure, workspace) is not None:
        return
    session.add(Departure(workspace=workspace, uninstalled_at=at))
    session.flush()


def returned(session: Session, workspace: str) -> bool:
    """The app was installed in `workspace` again: no purge is due. Whether one was pending."""
    return _delete(session, Departure, Departure.workspace == workspace) > 0


def due(engine: Engine, now: datetime, days: int) -> list[str]:
    """The workspaces uninstalled at least `days` days before `now`, oldest first."""
    with db.session_factory(engine)() as session:
        query = (
            select(Departure.workspace)
            .where(Departure.uninstalled_at <= now - timedelta(days=days))
            .order_by(Departure.uninstalled_at, Departure.workspace)
        )
        return list(session.scalars(query))


def purge_departed(engine: Engine, now: datetime, days: int = DEFAULT_DAYS) -> list[Purged]:
    """Delete the data of every workspace uninstalled at least `days` before `now`, one transaction each."""
    purged = []
    for workspace in due(engine, now, days):
        if (done := purge(engine, workspace, now, days)) is not None:
            purged.append(done)
            log.info(
                "deleted the data of workspace %s, uninstalled over %d days ago: %s",
                workspace,
                days,
                ", ".join(f"{n} {table}" for table, n in done.rows.items() if n) or "no rows",
            )
    return purged


def purge(engine: Engine, workspace: str, now: datetime, days: int) -> Purged | None:
    """Delete `workspace`'s rows in one transaction, if it is still due (not installed again since)."""
    with db.transaction(engine) as session:
        departure = session.scalar(
            select(Departure).where(Departure.workspace == workspace).with_for_update()
        )
        if departure is None or departure.uninstalled_at > now - timedelta(days=days):
            return None  # installed again meanwhile, or purged by another worker
        if _installed_since(session, workspace, departure.uninstalled_at):
            session.delete(departure)  # the install's own callback deletes it too; it may not have run yet
            return None
        rows = _delete_rows(session, workspace, departure.uninstalled_at)
        session.delete(departure)
    return Purged(workspace, rows)


def _delete_rows(session: Session, workspace: str, uninstalled_at: datetime) -> dict[str, int]:
    """Every row keyed by the workspace, children before parents."""
    subs = select(Subscription.id).where(Subscription.workspace == workspace)
    changes = select(Change.id).where(Change.workspace == workspace)
    # The workspace's alerts: to its channels (a shared change's too), or of its own changes.
    its_alert = (
        (Alert.workspace == workspace) | Alert.subscription_id.in_(subs) | Alert.change_id.in_(changes)
    )
    alerts = select(Alert.id).where(its_alert)
    rows = {
        "notices": _delete(session, Notice, Notice.subscription_id.in_(subs) | Notice.alert_id.in_(alerts)),
        "alerts": _delete(session, Alert, its_alert),
        "subscriptions": _delete(session, Subscription, Subscription.workspace == workspace),
        "team_workloads": _delete(
            session, TeamWorkload, (TeamWorkload.workspace == workspace) | TeamWorkload.change_id.in_(changes)
        ),
        "prices": _delete(session, Price, (Price.workspace == workspace) | Price.change_id.in_(changes)),
        "scores": _delete(session, Score, (Score.workspace == workspace) | Score.change_id.in_(changes)),
        "aliases": _delete(session, Alias, Alias.workspace == workspace),
        "changes": _delete(session, Change, Change.workspace == workspace),
        "reprice_jobs": _delete(session, RepriceJob, RepriceJob.workspace == workspace),
        "pacing": _delete(session, Pacing, Pacing.workspace == workspace),
    }
    # Its installation was deleted at the uninstall (bot.slackapi.installs.Installs.forget); what is left
    # from before it (a user's installation rows) goes too, never an install made since.
    before = uninstalled_at.astimezone(UTC).replace(tzinfo=None)  # naive UTC, as slack_sdk writes them
    for table in (SLACK_INSTALLATIONS, SLACK_BOTS):
        rows[table.name] = _delete(
            session, table, _scope_of(table, workspace), table.c.installed_at <= before
        )
    return rows


def _installed_since(session: Session, workspace: str, uninstalled_at: datetime) -> bool:
    """Whether the workspace has a bot installed after the uninstall (installed again)."""
    after = uninstalled_at.astimezone(UTC).replace(tzinfo=None)
    query = select(SLACK_BOTS.c.id).where(_scope_of(SLACK_BOTS, workspace), SLACK_BOTS.c.installed_at > after)
    return session.execute(query.limit(1)).first() is not None


def _scope_of(table: Table, workspace: str) -> ColumnElement[bool]:
    """The installation rows of a workspace key, as slack_sdk's stores key them (enterprise, team)."""
    where = scope(workspace)
    enterprise, team = table.c.enterprise_id, table.c.team_id
    on_enterprise = enterprise.is_(None) if where.enterprise_id is None else enterprise == where.enterprise_id
    on_team = team.is_(None) if where.team_id is None else team == where.team_id
    return on_enterprise & on_team


def _delete(session: Session, table: Table | type[Base], *where: ColumnElement[bool]) -> int:
    statement = delete(table).where(*where).execution_options(synchronize_session=False)
    # A DELETE's Result is a CursorResult, which has its rowcount.
    return int(cast(CursorResult[Any], session.execute(statement)).rowcount)
