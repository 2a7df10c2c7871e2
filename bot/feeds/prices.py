"""One sync from the upstream price feed: fetch, validate whole, judge, diff and apply in one transaction.

`sync(engine, url)` is the single entry point for the CLI, the Slack `/modelcost sync` command and
the worker (`sync_due` tells the worker when). Every attempt leaves a SyncRun row (feed `prices`) so
admins can see it: `applied` is written in the same transaction as the prices and the alerts it queues;
`unchanged`, `rejected`, `failed` and `dry-run` in a transaction of their own (bot.feeds.attempt, the
life every feed shares). Expected failures (network, a bad feed, a guard) come back as a summary with
a reason, not as exceptions.
"""

from __future__ import annotations

from decimal import Decimal

import requests
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.contract.actor import Actor
from bot.contract.sync import Move, SyncSummary
from bot.domain.overlay import load_overlay
from bot.domain.prices import PRICE_KEYS, PriceData, pct_change
from bot.feeds.attempt import Rollback, apply, fetch_new
from bot.feeds.decode import FeedError, decode
from bot.feeds.genai_prices import parse_feed
from bot.feeds.price_guards import check_feed
from bot.store.curation import apply_overlay
from bot.store.outbox import queue_alerts
from bot.store.prices import PriceMove, UpstreamResult, apply_upstream, new_change, relinked

TOP_MOVES = 10
EXAMPLES = 10


def sync(
    engine: Engine, url: str, *, dry_run: bool = False, session: requests.Session | None = None
) -> SyncSummary:
    """Sync the catalog from the feed at `url`; returns what happened, and records it as a SyncRun.

    `session` is an optional requests.Session (connection reuse, tests). The database must be
    migrated; an empty catalog is filled from the feed itself.
    """
    fresh = fetch_new(engine, "prices", url, dry_run=dry_run, session=session)
    if isinstance(fresh, SyncSummary):
        return fresh
    try:
        offerings = parse_feed(decode(fresh.body))
    except FeedError as exc:
        return fresh.reject(str(exc))

    def work(tx: Session) -> SyncSummary:
        verdict = check_feed(tx, offerings)
        base = fresh.summary("rejected")
        base.feed_offerings = len(offerings)
        if verdict.reasons:
            base.reason = "; ".join(verdict.reasons)
            raise Rollback(base)
        change = new_change(tx, "sync", Actor(kind="feed", id=url))
        result = apply_upstream(tx, verdict.offerings, change, retire_missing=True)
        if result.added:
            apply_overlay(tx, load_overlay())  # link new offerings to curated (or new) models
            result.added = relinked(tx, result.added)  # so `subscribe r1` hears of R1's new hosts
        summary = _summarise(base, result, verdict.held)
        if not (result.changed or result.added or result.retired):
            # Only names or context windows moved (or nothing did): no change set to announce.
            summary.status = "unchanged"
            tx.delete(change)
        else:
            summary.alerts_queued = queue_alerts(tx, change, [*result.changed, *result.added])
            summary.change_id = change.id
        return summary

    return apply(fresh, work)


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
