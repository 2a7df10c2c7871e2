"""The second source's facts as the catalog holds them: LiteLLM's, stored by the last applied cross-check
sync (table `crosscheck_facts`), else the bundled extract (data/litellm/extract.json).

Every reader (the audit, the second-opinion line of model cards and comparisons, the lifecycle dates
written at `db upgrade`) asks `current_facts`, so a sync changes what all of them say at once. The
comparison itself is pure and lives in bot.domain.crosscheck; this module only reads and replaces
the stored set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from bot.contract.actor import public_url
from bot.contract.sync import SUCCESS
from bot.domain.crosscheck import Facts, Key, extract_source, load_extract
from bot.domain.feeds import CROSSCHECK
from bot.domain.prices import clean, extras_from_json, extras_json
from bot.store.tables import Change, CrosscheckFact, SyncRun


@dataclass(frozen=True)
class FactChange:
    """One offering's facts before and after a sync (None: not described on that side)."""

    key: Key
    old: Facts | None
    new: Facts | None


@dataclass
class Replaced:
    """What replacing the stored set did, offering by offering."""

    changed: list[FactChange] = field(default_factory=list)
    added: list[FactChange] = field(default_factory=list)
    removed: list[FactChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.removed)


def has_stored(session: Session) -> bool:
    """Whether a cross-check sync has applied facts (else the bundled extract stands in)."""
    return bool(session.scalar(select(exists().where(CrosscheckFact.id.is_not(None)))))


def stored_facts(session: Session) -> dict[Key, Facts]:
    """The facts the last applied cross-check sync stored; empty before the first."""
    return {(r.provider_id, r.provider_model_id): _facts(r) for r in session.scalars(select(CrosscheckFact))}


def current_facts(session: Session) -> Mapping[Key, Facts]:
    """LiteLLM's facts the catalog checks itself against: the stored ones, else the bundled extract."""
    return stored_facts(session) or load_extract()


def facts_source(session: Session) -> str:
    """Where `current_facts` come from, with its date: the extract's label, or the feed's last fetch."""
    if not has_stored(session):
        return extract_source()
    run = session.scalars(
        select(SyncRun)
        .where(SyncRun.feed == CROSSCHECK.name, SyncRun.status.in_(SUCCESS))
        .order_by(SyncRun.id.desc())
        .limit(1)
    ).first()
    if run is not None:
        return f"LiteLLM feed fetched {run.started_at:%Y-%m-%d} from {public_url(run.url)}"
    written = session.scalar(
        select(Change.created_at).join(CrosscheckFact, CrosscheckFact.change_id == Change.id).limit(1)
    )
    return f"LiteLLM feed fetched {written:%Y-%m-%d}" if written else "LiteLLM feed"


def replace_facts(session: Session, facts: Mapping[Key, Facts], change: Change) -> Replaced:
    """Store `facts` as the whole set, written by `change`; returns what differs from the set before
    (the bundled extract's, before the first sync). Rows are rewritten only when something differs."""
    before = current_facts(session)
    stored = has_stored(session)
    done = Replaced()
    for key in sorted(set(before) | set(facts)):
        old, new = before.get(key), facts.get(key)
        if old == new:
            continue
        which = done.added if old is None else done.removed if new is None else done.changed
        which.append(FactChange(key, old, new))
    if done or not stored:
        session.execute(delete(CrosscheckFact))
        session.add_all(_row(key, f, change) for key, f in sorted(facts.items()))
        session.flush()
    return done


def _facts(r: CrosscheckFact) -> Facts:
    return Facts(
        litellm_key=r.litellm_key,
        input_mtok=clean(r.input_mtok),
        output_mtok=clean(r.output_mtok),
        cache_read_mtok=clean(r.cache_read_mtok),
        max_input_tokens=r.max_input_tokens,
        max_output_tokens=r.max_output_tokens,
        deprecation_date=r.deprecation_date,
        extra=extras_from_json(r.extra_prices),
    )


def _row(key: Key, f: Facts, change: Change) -> CrosscheckFact:
    return CrosscheckFact(
        provider_id=key[0],
        provider_model_id=key[1],
        litellm_key=f.litellm_key,
        input_mtok=f.input_mtok,
        output_mtok=f.output_mtok,
        cache_read_mtok=f.cache_read_mtok,
        max_input_tokens=f.max_input_tokens,
        max_output_tokens=f.max_output_tokens,
        deprecation_date=f.deprecation_date,
        extra_prices=extras_json(f.extra),
        change_id=change.id,
    )
