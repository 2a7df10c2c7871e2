"""One attempt to sync a feed, whichever feed (prices, quality, cross-check): the life every feed shares,
and `Feed`, the description each feed's module gives of itself (bot.feeds.registry lists them).

Fetch conditionally (the ETag of the feed's last success; a body that hashes the same is unchanged
too), apply in one transaction or roll back whole, and record every attempt as a SyncRun tagged with
its feed: `applied` in the apply transaction itself, `unchanged`, `rejected`, `failed` and `dry-run` in
a transaction of their own. What is recorded never holds a secret: the URL without its query or
credentials, the reason as bot.domain.reasons allows it (and reasons read back pass through it again,
older versions' included). What a feed means (parsing, guards, what it writes) is its Feed's:
bot.feeds.prices for prices, bot.feeds.quality for scores, bot.feeds.crosscheck for the cross-check. Expected
failures come back as a summary with a reason, not as exceptions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Generic, TypeVar

import requests
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot import db
from bot.config import Settings
from bot.contract.sync import Status, SyncSummary
from bot.domain.feeds import FeedInfo
from bot.feeds.decode import FeedError
from bot.feeds.fetch import FetchError, fetch
from bot.store.syncruns import add_run, last_success, record, sync_due
from bot.store.tables import utcnow

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
    feed: str  # its FeedInfo's name
    url: str
    dry_run: bool
    body: bytes = field(repr=False)
    etag: str | None
    sha256: str | None
    fetched_at: datetime

    def summary(self, status: Status, reason: str | None = None) -> SyncSummary:
        return SyncSummary(url=self.url, feed=self.feed, status=status, reason=reason, dry_run=self.dry_run)


def fetch_new(
    engine: Engine, feed: str, url: str, *, dry_run: bool, session: requests.Session | None
) -> Fresh | SyncSummary:
    """The feed's body when it is new; otherwise the recorded summary (unchanged, failed, rejected)."""
    last = last_success(engine, feed, url)

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
                raise Rollback(replace(summary, change_id=None, alerts_queued=0))
            add_run(tx, summary, etag=fresh.etag, sha=fresh.sha256, change_id=summary.change_id)
    except Rollback as rollback:
        return record(fresh.engine, rollback.summary, etag=fresh.etag, sha=fresh.sha256)
    except OperationalError as exc:
        # The database refused (locked, gone away); the catalog is as it was. The driver's message names
        # hosts and users: its kind is enough.
        kind = type(exc.orig if exc.orig is not None else exc).__name__
        return record(fresh.engine, fresh.summary("failed", f"the database refused the sync ({kind})"))
    return summary


Parsed = TypeVar("Parsed")


@dataclass(frozen=True, slots=True)
class Feed(Generic[Parsed]):
    """One external source: its name and settings (bot.domain.feeds), and what it does with a new body.

    `parse` reads the body and judges it whole (its guards), inside the apply transaction so that a guard
    may compare it with the catalog: it raises FeedError with the reason to reject the body whole (or
    Rollback with a summary of its own). `apply` writes it in that transaction and returns the summary:
    `applied` with its change_id, or `unchanged` having written nothing.
    """

    info: FeedInfo
    parse: Callable[[Session, Fresh], Parsed]
    apply: Callable[[Session, Fresh, Parsed], SyncSummary]

    def sync(
        self, engine: Engine, url: str, *, dry_run: bool = False, session: requests.Session | None = None
    ) -> SyncSummary:
        """Fetch the feed at `url`, parse, guard and apply it; returns what happened, recorded as a SyncRun.
        `session`: a requests.Session (connection reuse, tests). The database must be migrated."""
        fresh = fetch_new(engine, self.info.name, url, dry_run=dry_run, session=session)
        if isinstance(fresh, SyncSummary):
            return fresh

        def work(tx: Session) -> SyncSummary:
            try:
                parsed = self.parse(tx, fresh)
            except FeedError as exc:
                raise Rollback(fresh.summary("rejected", str(exc))) from None
            return self.apply(tx, fresh, parsed)

        return apply(fresh, work)

    def due(self, engine: Engine, settings: Settings) -> bool:
        """Whether the worker should sync it now (its interval is up, or a failed attempt may be retried)."""
        return sync_due(engine, self.info.interval(settings), feed=self.info.name)
