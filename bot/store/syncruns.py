"""Sync attempts as the catalog records them (SyncRun rows, one per attempt, tagged with the feed),
and when a feed is due again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, select
from sqlalchemy.orm import Session

from bot import db
from bot.contract.actor import public_url
from bot.contract.base import as_json
from bot.contract.sync import SUCCESS, SyncSummary
from bot.domain.feeds import PRICES
from bot.domain.reasons import safe_reason
from bot.store.tables import SyncRun, utcnow

# After a failed or rejected attempt the worker tries again sooner than the full interval.
RETRY_AFTER = timedelta(minutes=15)


def record(
    engine: Engine, summary: SyncSummary, *, etag: str | None = None, sha: str | None = None
) -> SyncSummary:
    """Record an attempt that changed nothing, in a transaction of its own."""
    with db.transaction(engine) as tx:
        add_run(tx, summary, etag=etag, sha=sha)
    return summary


def add_run(
    session: Session, summary: SyncSummary, *, etag: str | None, sha: str | None, change_id: int | None = None
) -> None:
    """Record an attempt in the session's transaction (the one that applies the feed, or `record`'s)."""
    run = _run(summary, etag, sha, change_id)
    session.add(run)
    session.flush()
    summary.sync_run_id = run.id
    run.summary = as_json(summary)


def sync_due(
    engine: Engine, interval: timedelta, *, feed: str = PRICES.name, now: datetime | None = None
) -> bool:
    """Whether the worker should sync `feed` now: its last success is `interval` old (or there is none),
    and its last attempt is at least min(interval, RETRY_AFTER) old."""
    now = now or utcnow()
    with db.session_factory(engine)() as session:
        last_ok = _newest(session, SyncRun.feed == feed, SyncRun.status.in_(SUCCESS))
        last_try = _newest(session, SyncRun.feed == feed, SyncRun.status != "dry-run")
    if last_ok is not None and now - last_ok.started_at < interval:
        return False
    return last_try is None or now - last_try.started_at >= min(interval, RETRY_AFTER)


def _newest(session: Session, *where: ColumnElement[bool]) -> SyncRun | None:
    query = select(SyncRun).where(*where).order_by(SyncRun.id.desc()).limit(1)
    return session.scalars(query).first()


def last_success(engine: Engine, feed: str, url: str) -> SyncRun | None:
    """The feed's newest applied or unchanged run from this URL: its ETag and body describe the catalog.
    Runs are recorded with the URL's public form (older versions kept it whole)."""
    with db.session_factory(engine)() as session:
        urls = sorted({url, public_url(url)})
        return _newest(session, SyncRun.feed == feed, SyncRun.url.in_(urls), SyncRun.status.in_(SUCCESS))


def _run(summary: SyncSummary, etag: str | None, sha: str | None, change_id: int | None) -> SyncRun:
    # The summary is kept (as JSON) and returned as recorded: the URL's query may carry a token.
    summary.url = public_url(summary.url)
    summary.reason = safe_reason(summary.reason)
    return SyncRun(
        feed=summary.feed,
        url=summary.url,
        started_at=utcnow(),
        status="dry-run" if summary.dry_run else summary.status,
        etag=etag,
        body_sha256=sha,
        change_id=change_id,
        summary=as_json(summary),
        error=summary.reason if summary.status in ("rejected", "failed") else None,
    )
