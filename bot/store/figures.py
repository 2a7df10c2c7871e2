"""What an operator's scrape of GET /metrics reads from the database (bot/slack/metrics.py): counts and
times over the whole deployment, never a workspace's own data. A few aggregate queries, each on an
indexed column or a small table, read on one connection when Prometheus scrapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select

from bot.contract.sync import SUCCESS
from bot.store.tables import SLACK_BOTS, Alert, Departure, SyncRun, utcnow

# The outbox's states (bot.store.claims): every one is shown, at 0 when no alert is in it.
ALERT_STATUSES = ("pending", "sending", "sent", "failed", "skipped", "cancelled")
# The recorded outcomes of a feed's sync (dry runs are left out: they change nothing).
SYNC_STATUSES = ("applied", "unchanged", "rejected", "failed")


@dataclass(frozen=True, slots=True, kw_only=True)
class Figures:
    """The deployment's figures, as of `read_at`."""

    read_at: datetime
    alerts: dict[str, int]  # outbox rows by status (ALERT_STATUSES)
    oldest_due: datetime | None  # when the longest-waiting pending alert became due
    syncs: dict[tuple[str, str], int]  # (feed, status) -> attempts recorded
    last_success: dict[str, datetime]  # feed -> start of its newest applied or unchanged sync
    installed: int | None  # workspaces with the app installed (oauth mode); None in single mode
    departed: int  # workspaces uninstalled, their data waiting for the retention period to end


def read_figures(engine: Engine, feeds: tuple[str, ...], client_id: str | None) -> Figures:
    """The figures now; `client_id`: the app's (oauth mode), whose installations are counted."""
    now = utcnow()
    with engine.connect() as conn:
        alerts = dict.fromkeys(ALERT_STATUSES, 0)
        for status, n in conn.execute(select(Alert.status, func.count()).group_by(Alert.status)):
            if status in alerts:
                alerts[status] = n
        oldest_due = conn.scalar(
            select(func.min(Alert.next_attempt_at)).where(
                Alert.status == "pending", Alert.next_attempt_at <= now
            )
        )
        syncs = {(feed, status): 0 for feed in feeds for status in SYNC_STATUSES}
        for feed, status, n in conn.execute(
            select(SyncRun.feed, SyncRun.status, func.count()).group_by(SyncRun.feed, SyncRun.status)
        ):
            if (feed, status) in syncs:
                syncs[(feed, status)] = n
        last_success = {
            feed: started
            for feed, started in conn.execute(
                select(SyncRun.feed, func.max(SyncRun.started_at))
                .where(SyncRun.status.in_(SUCCESS))
                .group_by(SyncRun.feed)
            )
            if feed in feeds
        }
        installed = None
        if client_id is not None:
            scopes = (
                select(SLACK_BOTS.c.enterprise_id, SLACK_BOTS.c.team_id, SLACK_BOTS.c.is_enterprise_install)
                .where(SLACK_BOTS.c.client_id == client_id)
                .distinct()
                .subquery()
            )
            installed = conn.scalar(select(func.count()).select_from(scopes)) or 0
        departed = conn.scalar(select(func.count()).select_from(Departure)) or 0
    return Figures(
        read_at=now,
        alerts=alerts,
        oldest_due=oldest_due,
        syncs=syncs,
        last_success=last_success,
        installed=installed,
        departed=departed,
    )
