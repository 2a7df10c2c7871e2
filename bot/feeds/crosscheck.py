"""One sync from the cross-check feed (LiteLLM's `model_prices_and_context_window.json`): fetch, validate
whole, keep the facts of the offerings the catalog curates, and store them in one transaction.

The same life as the other feeds (bot.feeds.attempt): conditional fetch, a SyncRun (feed `crosscheck`)
for every attempt, rejected whole with the reason when the file is not JSON, cut short, the wrong
shape, holds an absurd price or lacks most of the LiteLLM keys the current facts came from
(bot.feeds.crosscheck_file), or describes fewer than half the offerings they describe. An applied sync is
one change set: the stored facts are replaced whole (bot.store.crosscheck) and the retirement
days and input limits they give are written on the offerings (bot.store.lifecycle), so the audit,
the second-opinion line and every status read the new file at once. genai-prices stays the primary
price: nothing here writes a price, and no alert is sent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import requests
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.contract.actor import Actor
from bot.contract.sync import FactMove, SyncSummary
from bot.domain.crosscheck import Facts, Key
from bot.domain.prices import plain
from bot.feeds.attempt import Fresh, Rollback, apply, fetch_new
from bot.feeds.crosscheck_file import DROP_LIMIT, CrosscheckError, parse_litellm
from bot.feeds.crosscheck_match import counterparts, curated_offerings, facts_of
from bot.store.crosscheck import Replaced, current_facts, has_stored, replace_facts
from bot.store.lifecycle import apply_facts
from bot.store.prices import new_change

EXAMPLES = 20


def sync_crosscheck(
    engine: Engine, url: str, *, dry_run: bool = False, session: requests.Session | None = None
) -> SyncSummary:
    """Sync the second source's facts from LiteLLM's file at `url`; returns what happened, recorded."""
    fresh = fetch_new(engine, "crosscheck", url, dry_run=dry_run, session=session)
    if isinstance(fresh, SyncSummary):
        return fresh
    return apply(fresh, lambda tx: _apply(tx, fresh))


def _apply(tx: Session, fresh: Fresh) -> SyncSummary:
    before = current_facts(tx)
    try:
        entries = parse_litellm(fresh.body, known_keys={f.litellm_key for f in before.values()})
    except CrosscheckError as exc:
        raise Rollback(fresh.summary("rejected", str(exc))) from None
    facts = {key: facts_of(e) for key, e in counterparts(entries, curated_offerings()).items()}
    if reason := _too_few(facts, before):
        raise Rollback(fresh.summary("rejected", reason))
    first = not has_stored(tx)  # the bundled extract gives way to the feed, even where they agree
    change = new_change(tx, "sync", Actor(kind="feed", id=fresh.url))
    replaced = replace_facts(tx, facts, change)
    moved = apply_facts(tx, facts)
    summary = fresh.summary("applied" if replaced or moved or first else "unchanged")
    summary.changed, summary.added, summary.removed = (
        len(replaced.changed),
        len(replaced.added),
        len(replaced.removed),
    )
    summary.lifecycle_changed = moved
    summary.feed_keys, summary.mapped_keys = len(entries), len(facts)
    summary.fact_moves = _moves(replaced)[:EXAMPLES]
    if summary.status == "unchanged":
        tx.delete(change)  # nothing moved: no change set
        return summary
    summary.change_id = change.id
    return summary


def _too_few(facts: Mapping[Key, Facts], before: Mapping[Key, Facts]) -> str | None:
    """A file that still has the keys but no longer describes most curated offerings (renamed
    providers, say) would empty the check: not trusted."""
    lost = set(before) - set(facts)
    if not before or Decimal(len(lost)) / len(before) <= DROP_LIMIT:
        return None
    return (
        f"LiteLLM's price file describes {len(facts)} of the catalog's curated offerings, where the "
        f"current facts describe {len(before)}: over the {DROP_LIMIT:.0%} limit of offerings lost"
    )


def _moves(replaced: Replaced) -> list[FactMove]:
    moves = []
    for fc in replaced.changed:
        for f in dataclasses.fields(Facts):
            old, new = getattr(fc.old, f.name), getattr(fc.new, f.name)
            if old != new:
                moves.append(FactMove(offering=_name(fc.key), field=f.name, old=_text(old), new=_text(new)))
    for fc in [*replaced.added, *replaced.removed]:
        moves.append(FactMove(offering=_name(fc.key), field="described", old=_key(fc.old), new=_key(fc.new)))
    return moves


def _name(key: Key) -> str:
    return f"{key[0]}:{key[1]}"


def _key(facts: Facts | None) -> str | None:
    return facts.litellm_key if facts else None


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
