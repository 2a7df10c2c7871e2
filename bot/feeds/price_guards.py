"""Guards a validated feed must pass before it may touch the catalog, including "never roll back".

Shape and price bounds are checked by `parse_feed`; this module judges a feed against the catalog.

The no-rollback rule (genai-prices issue #703: a stale fetched feed overwrote newer bundled prices)
--------------------------------------------------------------------------------------------------
The feed carries no date, so age is judged by content. What the catalog was built from is recorded
in the catalog itself: its *upstream baseline* is every live (not retired) offering whose current
price came from upstream (`source_kind` snapshot = genai-prices' bundled snapshot, or feed = an
earlier sync). genai-prices adds offerings far more often than it removes them, so of two publications the
newer one holds nearly all of the older one's offerings and adds some of its own. Hence:

1. Older feed, rejected whole. A feed that lacks some of the baseline's offerings and adds fewer
   never-seen offerings than it lacks is older than the data the catalog was built from. Nothing
   is applied: not its prices, not its retirements. A bundled-seeded catalog is protected from a
   stale feed, while an empty catalog (no baseline) takes any valid feed. A genuinely newer feed
   that only removes offerings is held back until upstream has added more than it removed: the
   safe failure (prices wait, the reason is recorded) instead of the unsafe one (a rollback).
2. Undoing upstream history, held back. When the feed is not shown to be newer (it adds no more
   offerings than it lacks), an offering whose feed price equals a price the catalog's upstream
   history already superseded keeps its current price, and the summary counts it as held. Such a
   value can be a stale copy or a genuine return to an old price; the next feed that shows itself
   newer (adds offerings) applies it, so a genuine revert is delayed, never lost.
3. A sync never replaces an admin's price (apply_upstream keeps it and reports it as overridden).

A feed that would retire more than RETIRE_LIMIT of the baseline is rejected whole too: a broken
or hostile feed, even a newer one, must not empty the catalog.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.prices import OfferingData
from bot.feeds import labapis
from bot.store.prices import current_prices, price_data
from bot.store.tables import Offering, Price

RETIRE_LIMIT = Decimal("0.20")
UPSTREAM_KINDS = ("snapshot", "feed")
EXAMPLES = 5

Key = tuple[str, str]


@dataclass
class Verdict:
    """Why a feed is rejected (empty: it may be applied), and the offerings to apply."""

    reasons: list[str] = field(default_factory=list)
    offerings: list[OfferingData] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # "provider/model" whose older feed price was not applied
    baseline: int = 0
    lacks: int = 0
    adds: int = 0


def check_feed(session: Session, offerings: list[OfferingData]) -> Verdict:
    """Judge a validated feed against the catalog; never writes."""
    live: dict[Key, Offering] = {}
    known: set[Key] = set()
    for offering in session.scalars(select(Offering)):
        key = (offering.provider_id, offering.provider_model_id)
        known.add(key)
        if offering.retired_at is None:
            live[key] = offering
    current = current_prices(session)
    baseline = {  # the offerings this feed keeps: not the lab APIs another source prices (feeds.labapis)
        key: o
        for key, o in live.items()
        if (row := current.get(o.id)) and row.source_kind in UPSTREAM_KINDS and key[0] not in labapis.HOSTS
    }
    feed_keys = {(o.provider_id, o.provider_model_id) for o in offerings}
    lacks = sorted(set(baseline) - feed_keys)
    adds = sorted(feed_keys - known)
    verdict = Verdict(offerings=offerings, baseline=len(baseline), lacks=len(lacks), adds=len(adds))

    if lacks and len(adds) < len(lacks):
        verdict.reasons.append(
            f"the feed is older than the data the catalog was built from: it lacks {len(lacks)} of the "
            f"catalog's {len(baseline)} upstream offerings (e.g. {_examples(lacks)}) and adds only "
            f"{len(adds)} new ones, so applying it would roll prices back"
        )
    if baseline and Decimal(len(lacks)) / len(baseline) > RETIRE_LIMIT:
        pct = Decimal(100 * len(lacks)) / len(baseline)
        verdict.reasons.append(
            f"it would retire {len(lacks)} of {len(baseline)} upstream offerings ({pct:.1f}%), "
            f"over the {RETIRE_LIMIT:.0%} limit"
        )
    if verdict.reasons or len(adds) > len(lacks):
        return verdict

    # Not shown to be newer: hold back prices that upstream history already moved away from.
    differing = {
        key: o
        for o in offerings
        if (key := (o.provider_id, o.provider_model_id)) in baseline
        and not o.price.same_as(price_data(current[baseline[key].id]))
    }
    if not differing:
        return verdict
    ids = {baseline[key].id: key for key in differing}
    history: dict[int, list[Price]] = defaultdict(list)
    upstream_rows = select(Price).where(Price.offering_id.in_(ids), Price.source_kind.in_(UPSTREAM_KINDS))
    for row in session.scalars(upstream_rows.order_by(Price.id)):
        history[row.offering_id].append(row)
    held: dict[Key, OfferingData] = {}
    for offering_id, key in ids.items():
        now = current[offering_id]
        superseded = [r for r in history[offering_id] if r.id < now.id]
        if any(differing[key].price.same_as(price_data(r)) for r in superseded):
            held[key] = replace(differing[key], price=price_data(now))
    if held:
        verdict.held = sorted(f"{p}/{m}" for p, m in held)
        verdict.offerings = [held.get((o.provider_id, o.provider_model_id), o) for o in offerings]
    return verdict


def _examples(keys: list[Key]) -> str:
    shown = ", ".join(f"{p}/{m}" for p, m in keys[:EXAMPLES])
    return shown + (", …" if len(keys) > EXAMPLES else "")
