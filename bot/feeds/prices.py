"""The price feed (genai-prices' published data): parsed and judged whole against the catalog, then the
prices that moved applied in one transaction with the alerts they queue.

Its `FEED` is what the CLI, the Slack `/modelcost sync` command and the worker run (bot.feeds.registry);
every attempt leaves a SyncRun row (feed `prices`) so admins can see it, through the life every feed
shares (bot.feeds.attempt). A feed the guards refuse (bot.feeds.price_guards) is rejected whole with the
reason; an empty catalog is filled from the feed itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.contract.actor import Actor
from bot.contract.sync import Move, SyncSummary
from bot.domain.feeds import PRICES
from bot.domain.overlay import load_overlay
from bot.domain.prices import PRICE_KEYS, PriceData, pct_change
from bot.feeds import labapis
from bot.feeds.attempt import Feed, Fresh, Rollback
from bot.feeds.decode import decode
from bot.feeds.genai_prices import parse_feed
from bot.feeds.price_guards import Verdict, check_feed
from bot.store.curation import apply_overlay
from bot.store.outbox import queue_alerts
from bot.store.prices import PriceMove, UpstreamResult, apply_upstream, new_change, relinked

TOP_MOVES = 10
EXAMPLES = 10


@dataclass(frozen=True)
class Judged:
    """A feed that passed the guards: how many offerings it holds, and what of it to apply."""

    size: int
    verdict: Verdict


def parse(tx: Session, fresh: Fresh) -> Judged:
    """The feed's offerings, valid (bot.feeds.genai_prices) and judged against the catalog."""
    offerings = parse_feed(decode(fresh.body))
    verdict = check_feed(tx, offerings)
    if verdict.reasons:
        rejected = fresh.summary("rejected", "; ".join(verdict.reasons))
        rejected.feed_offerings = len(offerings)
        raise Rollback(rejected)
    return Judged(len(offerings), verdict)


def apply(tx: Session, fresh: Fresh, judged: Judged) -> SyncSummary:
    """Write the prices that moved, the offerings added and retired, as one change set with its alerts."""
    verdict = judged.verdict
    base = fresh.summary("applied")
    base.feed_offerings = judged.size
    change = new_change(tx, "sync", Actor(kind="feed", id=fresh.url))
    result = apply_upstream(tx, verdict.offerings, change, retire_missing=True, other_hosts=labapis.HOSTS)
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


FEED = Feed(PRICES, parse, apply)


def _summarise(base: SyncSummary, result: UpstreamResult, held: list[str]) -> SyncSummary:
    largest = sorted(result.changed, key=lambda m: (-m.largest_pct(), m.model_name, m.provider_name))
    return replace(
        base,
        status="applied",
        changed=len(result.changed),
        added=len(result.added),
        retired=len(result.retired),
        overridden=len(result.overridden),
        held=len(held),
        largest_moves=[_move(m, m.old, m.new) for m in largest[:TOP_MOVES]],
        overrides=[_move(m, m.old, feed) for m, feed in result.overridden[:TOP_MOVES]],
        added_examples=[f"{m.provider_id}/{m.provider_model_id}" for m in result.added[:EXAMPLES]],
        retired_examples=sorted(result.retired)[:EXAMPLES],
        held_examples=held[:EXAMPLES],
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
