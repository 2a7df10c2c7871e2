"""One attempt to sync a feed, whichever feed (prices, quality, cross-check): the life every feed shares.

Fetch conditionally (the ETag of the feed's last success; a body that hashes the same is unchanged
too), apply in one transaction or roll back whole, and record every attempt as a SyncRun tagged with
its feed: `applied` in the apply transaction itself, `unchanged`, `rejected`, `failed` and `dry-run` in
a transaction of their own. What is recorded never holds a secret: the URL without its query or
credentials, the reason as bot.sync.reasons allows it (and reasons read back pass through it again,
older versions' included). What a feed means (parsing, guards, what it writes) is the caller's:
bot.sync.run for prices, bot.sync.quality for scores, bot.sync.litellm for the cross-check. Expected
failures come back as a summary with a reason, not as exceptions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests
from sqlalchemy import ColumnElement, Engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot import db
from bot.catalog.answers import public_url
from bot.catalog.models import SyncRun, utcnow
from bot.sync.feed import FetchError, fetch
from bot.sync.reasons import safe_reason
from bot.sync.summary import FEEDS, SUCCESS, Feed, Status, SyncRunView, SyncStatusAnswer, SyncSummary
from bot.sync.upstream import FeedError

# After a failed or rejected attempt the worker tries again sooner than the full interval.
RETRY_AFTER = timedelta(minutes=15)
_SYNC_LOCK = 7302  # PostgreSQL advisory lock: one sync (of any feed) applies at a time
MAX_ETAG = 300


class Rollback(Exception):
    """Leave the apply transaction without committing (a rejected feed or a dry run)."""

    def __init__(self, summary: SyncSummary) -> None:
        self.summary = summary


@dataclass(frozen=True)
class Fresh:
    """A feed body that differs from the one last applied: what the caller parses and applies."""

    engine: Engine = field(repr=False)
    feed: Feed
    url: str
    dry_run: bool
    body: bytes = field(repr=False)
    etag: str | None
    sha256: str | None
    fetched_at: datetime

    def summary(self, status: Status, reason: str | None = None) -> SyncSummary:
        return SyncSummary(url=self.url, feed=self.feed, status=status, reason=reason, dry_run=self.dry_run)

    def reject(self, reason: str) -> SyncSummary:
        """Record the body as rejected whole, with the reason; nothing else is written."""
        return record(self.engine, self.summary("rejected", reason), etag=self.etag, sha=self.sha256)


def fetch_new(
    engine: Engine, feed: Feed, url: str, *, dry_run: bool, session: requests.Session | None
) -> Fresh | SyncSummary:
    """The feed's body when it is new; otherwise the recorded summary (unchanged, failed, rejected)."""
    last = _last_success(engine, feed, url)

    def done(status: Status, reason: str | None = None, **kw: str | None) -> SyncSummary:
        summary = SyncSummary(url=url, feed=feed, status=status, reason=reason, dry_run=dry_run)
        return record(engine, summary, **kw)

    try:
        fetched = fetch(url, etag=last.etag if last else None, session=session)
    except FetchError as exc:
        return done("failed", str(exc))
    except FeedError as exc:
        return done("rejected", str(exc))
    etag = fetched.etag if fetched.etag and len(fetched.etag) <= MAX_ETAG else None
    if fetched.body is None or (last is not None and fetched.sha256 == last.body_sha256):
        return done("unchanged", etag=etag, sha=fetched.sha256 or (last.body_sha256 if last else None))
    return Fresh(engine, feed, url, dry_run, fetched.body, etag, fetched.sha256, utcnow())


def apply(fresh: Fresh, work: Callable[[Session], SyncSummary]) -> SyncSummary:
    """Run `work` in one transaction with the SyncRun it ends in; roll back on Rollback and on a dry run.

    `work` writes the feed's changes and returns the summary: `applied` with its `change_id`, or
    `unchanged` (having written nothing, or removed what it wrote); it raises Rollback to reject.
    """
    try:
        with db.transaction(fresh.engine) as tx:
            if fresh.engine.dialect.name == "postgresql":
                tx.execute(text(f"SELECT pg_advisory_xact_lock({_SYNC_LOCK})"))
            summary = work(tx)
            if fresh.dry_run:  # what would happen; nothing of it is kept
                raise Rollback(summary.model_copy(update={"change_id": None, "alerts_queued": 0}))
            run = _run(summary, fresh.etag, fresh.sha256, summary.change_id)
            tx.add(run)
            tx.flush()
            summary.sync_run_id = run.id
            run.summary = summary.model_dump(mode="json")
    except Rollback as rollback:
        return record(fresh.engine, rollback.summary, etag=fresh.etag, sha=fresh.sha256)
    except OperationalError as exc:
        # The database refused (locked, gone away); the catalog is as it was. The driver's message names
        # hosts and users: its kind is enough.
        kind = type(exc.orig if exc.orig is not None else exc).__name__
        return record(fresh.engine, fresh.summary("failed", f"the database refused the sync ({kind})"))
    return summary


def record(
    engine: Engine, summary: SyncSummary, *, etag: str | None = None, sha: str | None = None
) -> SyncSummary:
    """Record an attempt that changed nothing, in a transaction of its own."""
    with db.transaction(engine) as tx:
        run = _run(summary, etag, sha, None)
        tx.add(run)
        tx.flush()
        summary.sync_run_id = run.id
        run.summary = summary.model_dump(mode="json")
    return summary


def recent_runs(session: Session, limit: int = 5) -> SyncStatusAnswer:
    """The latest attempts (dry runs included) of each feed, newest first."""
    rows = [
        r
        for feed in FEEDS
        for r in session.scalars(
            select(SyncRun).where(SyncRun.feed == feed).order_by(SyncRun.id.desc()).limit(limit)
        )
    ]
    return SyncStatusAnswer(
        runs=[
            SyncRunView(
                feed=r.feed,
                started_at=r.started_at,
                status=r.status,
                reason=safe_reason(r.error),
                changed=int((r.summary or {}).get("changed", 0)),
                added=int((r.summary or {}).get("added", 0)),
                retired=int((r.summary or {}).get("retired", 0)),
                removed=int((r.summary or {}).get("removed", 0)),
            )
            for r in sorted(rows, key=lambda r: r.id, reverse=True)
        ]
    )


def sync_due(
    engine: Engine, interval: timedelta, *, feed: Feed = "prices", now: datetime | None = None
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


def _last_success(engine: Engine, feed: Feed, url: str) -> SyncRun | None:
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
        summary=summary.model_dump(mode="json"),
        error=summary.reason if summary.status in ("rejected", "failed") else None,
    )
