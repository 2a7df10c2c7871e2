"""One sync from the upstream feed: fetch, validate whole, judge, diff and apply in one transaction.

`sync(engine, url)` is the single entry point for the CLI, the Slack `/modelcost sync` command and
the worker (`sync_due` tells the worker when). Every attempt leaves a SyncRun row so admins can see
it: `applied` is written in the same transaction as the prices and the alerts it queues; `unchanged`,
`rejected`, `failed` and `dry-run` in a transaction of their own. Expected failures (network, a bad
feed, a guard) come back as a summary with a reason, not as exceptions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import requests
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot import db
from bot.alerts.outbox import queue_alerts
from bot.catalog.answers import Actor
from bot.catalog.changes import (
    PriceMove,
    UpstreamResult,
    apply_overlay,
    apply_upstream,
    new_change,
    relinked,
)
from bot.catalog.models import SyncRun, utcnow
from bot.catalog.overlay import load_overlay
from bot.catalog.prices import PRICE_KEYS, PriceData, pct_change
from bot.sync.feed import FetchError, decode, fetch
from bot.sync.guards import check_feed
from bot.sync.summary import SUCCESS, Move, SyncRunView, SyncStatusAnswer, SyncSummary
from bot.sync.upstream import FeedError, parse_feed

TOP_MOVES = 10
EXAMPLES = 10
# After a failed or rejected attempt the worker tries again sooner than the full interval.
RETRY_AFTER = timedelta(minutes=15)
_SYNC_LOCK = 7302  # PostgreSQL advisory lock: one sync applies at a time


class _Rollback(Exception):
    """Leave the apply transaction without committing (a rejected feed or a dry run)."""

    def __init__(self, summary: SyncSummary) -> None:
        self.summary = summary


def sync(
    engine: Engine, url: str, *, dry_run: bool = False, session: requests.Session | None = None
) -> SyncSummary:
    """Sync the catalog from the feed at `url`; returns what happened, and records it as a SyncRun.

    `session` is an optional requests.Session (connection reuse, tests). The database must be
    migrated; an empty catalog is filled from the feed itself.
    """
    last = _last_success(engine, url)
    try:
        fetched = fetch(url, etag=last.etag if last else None, session=session)
    except FetchError as exc:
        return _record(engine, SyncSummary(url=url, status="failed", reason=str(exc), dry_run=dry_run))
    except FeedError as exc:
        return _record(engine, SyncSummary(url=url, status="rejected", reason=str(exc), dry_run=dry_run))
    etag = fetched.etag if fetched.etag and len(fetched.etag) <= 300 else None
    if fetched.body is None or (last is not None and fetched.sha256 == last.body_sha256):
        sha = fetched.sha256 or (last.body_sha256 if last else None)
        summary = SyncSummary(url=url, status="unchanged", dry_run=dry_run)
        return _record(engine, summary, etag=etag, sha=sha)
    try:
        offerings = parse_feed(decode(fetched.body))
    except FeedError as exc:
        summary = SyncSummary(url=url, status="rejected", reason=str(exc), dry_run=dry_run)
        return _record(engine, summary, etag=etag, sha=fetched.sha256)

    try:
        with db.transaction(engine) as tx:
            if engine.dialect.name == "postgresql":
                tx.execute(text(f"SELECT pg_advisory_xact_lock({_SYNC_LOCK})"))
            verdict = check_feed(tx, offerings)
            base = SyncSummary(url=url, status="rejected", dry_run=dry_run, feed_offerings=len(offerings))
            if verdict.reasons:
                base.reason = "; ".join(verdict.reasons)
                raise _Rollback(base)
            change = new_change(tx, "sync", Actor(kind="feed", id=url))
            result = apply_upstream(tx, verdict.offerings, change, retire_missing=True)
            if result.added:
                apply_overlay(tx, load_overlay())  # link new offerings to curated (or new) models
                result.added = relinked(tx, result.added)  # so `subscribe r1` hears of R1's new hosts
            summary = _summarise(base, result, verdict.held)
            if not (result.changed or result.added or result.retired):
                summary.status = "unchanged"
            if dry_run:
                raise _Rollback(summary)
            if summary.status == "unchanged":
                # Only names or context windows moved (or nothing did): no change set to announce.
                tx.delete(change)
                run = _run(summary, etag, fetched.sha256, None)
            else:
                summary.alerts_queued = queue_alerts(tx, change, [*result.changed, *result.added])
                summary.change_id = change.id
                run = _run(summary, etag, fetched.sha256, change.id)
            tx.add(run)
            tx.flush()
            summary.sync_run_id = run.id
            run.summary = summary.model_dump(mode="json")
    except _Rollback as rollback:
        return _record(engine, rollback.summary, etag=etag, sha=fetched.sha256)
    except OperationalError as exc:
        # The database refused (locked, gone away); the catalog is as it was.
        reason = f"the database refused the sync: {exc.orig or exc}"
        return _record(engine, SyncSummary(url=url, status="failed", reason=reason, dry_run=dry_run))
    return summary


def recent_runs(session: Session, limit: int = 5) -> SyncStatusAnswer:
    """The latest sync attempts (dry runs included), newest first."""
    rows = session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(limit)).all()
    return SyncStatusAnswer(
        runs=[
            SyncRunView(
                started_at=r.started_at,
                status=r.status,
                reason=r.error,
                changed=int((r.summary or {}).get("changed", 0)),
                added=int((r.summary or {}).get("added", 0)),
                retired=int((r.summary or {}).get("retired", 0)),
            )
            for r in rows
        ]
    )


def sync_due(engine: Engine, interval: timedelta, *, now: datetime | None = None) -> bool:
    """Whether the worker should sync now: the last success is `interval` old (or there is none),
    and the last attempt is at least min(interval, RETRY_AFTER) old."""
    now = now or utcnow()
    with db.session_factory(engine)() as session:
        last_ok = _newest(session, SyncRun.status.in_(SUCCESS))
        last_try = _newest(session, SyncRun.status != "dry-run")
    if last_ok is not None and now - last_ok.started_at < interval:
        return False
    return last_try is None or now - last_try.started_at >= min(interval, RETRY_AFTER)


def _newest(session: Session, *where: object) -> SyncRun | None:
    query = select(SyncRun).where(*where).order_by(SyncRun.id.desc()).limit(1)  # type: ignore[arg-type]
    return session.scalars(query).first()


def _last_success(engine: Engine, url: str) -> SyncRun | None:
    """The newest applied or unchanged run from this URL: its ETag and body describe the catalog."""
    with db.session_factory(engine)() as session:
        return _newest(session, SyncRun.url == url, SyncRun.status.in_(SUCCESS))


def _run(summary: SyncSummary, etag: str | None, sha: str | None, change_id: int | None) -> SyncRun:
    return SyncRun(
        url=summary.url,
        started_at=utcnow(),
        status="dry-run" if summary.dry_run else summary.status,
        etag=etag,
        body_sha256=sha,
        change_id=change_id,
        summary=summary.model_dump(mode="json"),
        error=summary.reason if summary.status in ("rejected", "failed") else None,
    )


def _record(
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


def _summarise(base: SyncSummary, result: UpstreamResult, held: list[str]) -> SyncSummary:
    largest = sorted(result.changed, key=lambda m: (-m.largest_pct(), m.model_name, m.provider_name))
    return base.model_copy(
        update={
            "status": "applied",
            "changed": len(result.changed),
            "added": len(result.added),
            "retired": len(result.retired),
            "overridden": len(result.overridden),
            "held": len(held),
            "largest_moves": [_move(m, m.old, m.new) for m in largest[:TOP_MOVES]],
            "overrides": [_move(m, m.old, feed) for m, feed in result.overridden[:TOP_MOVES]],
            "added_examples": [f"{m.provider_id}/{m.provider_model_id}" for m in result.added[:EXAMPLES]],
            "retired_examples": sorted(result.retired)[:EXAMPLES],
            "held_examples": held[:EXAMPLES],
        }
    )


def _move(m: PriceMove, old: PriceData | None, new: PriceData) -> Move:
    pcts = [p for k in PRICE_KEYS if (p := _pct(old, new, k)) is not None]
    return Move(
        model=m.model_name,
        host=m.provider_name,
        offering=f"{m.provider_id}/{m.provider_model_id}",
        old_input_mtok=old.input_mtok if old else None,
        old_output_mtok=old.output_mtok if old else None,
        new_input_mtok=new.input_mtok,
        new_output_mtok=new.output_mtok,
        pct=max(pcts, key=abs) if pcts else None,
    )


def _pct(old: PriceData | None, new: PriceData, key: str) -> Decimal | None:
    return pct_change(getattr(old, key, None), getattr(new, key))
