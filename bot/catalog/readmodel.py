"""The catalog in memory, as answers read it: one immutable snapshot per catalog version (and day).

Built in one read of the database (bot.catalog.current decides when), then shared by every thread
of a process without locks: nothing in it changes after `build` returns. It holds what a read
answer needs, already in the shape answers use:

- models, and per model its live offerings' current prices as ready PriceViews (lifecycle status
  on the snapshot's day, the LiteLLM second opinion) plus the same prices as integers for ranking;
- the name index (ids, aliases, host model ids, families);
- each category's scores with the labelled floors, and the open-weights candidates for
  alternatives pre-sorted by score;
- which models their lab has retired, and which models each host serves (for `list <host>`).

A workload's cost is ranked on integers (micro-dollars times tokens; exact, so the order is the
Decimal order) and turned into a Decimal only for what an answer shows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.catalog.answers import PriceView, QualityView
from bot.catalog.categories import CATEGORIES
from bot.catalog.changes import price_data
from bot.catalog.crosscheck import second_opinion
from bot.catalog.hosts import display_name
from bot.catalog.lifecycle import status as lifecycle_status
from bot.catalog.lookup import NameIndex
from bot.catalog.models import Alias, Change, Model, Offering, Price, Provider, Score
from bot.catalog.overlay import load_overlay
from bot.catalog.prices import PriceData, Workload, offpeak_columns
from bot.catalog.quality import TEAM, ScoreRow, scores_from_rows, with_floors
from bot.catalog.version import version_on

_MICRO = 1_000_000


@dataclass(frozen=True, slots=True)
class ModelFacts:
    id: str
    name: str
    lab: str
    lab_provider_id: str | None
    open_weights: bool | None
    license: str | None
    release_date: date | None
    curated: bool
    successor_id: str | None


@dataclass(frozen=True, slots=True)
class Host:
    """One live offering's current, usable price (known input and output, not a free tier)."""

    view: PriceView  # without a workload cost: `priced` adds it
    data: PriceData
    row_id: int  # the price row: the newest wins a tie at the lab's API
    retired: bool  # on the snapshot's day (shown, marked; never a cheapest host or an alternative)
    # USD per 1M tokens times 10^6, exact: prices keep at most 6 decimals.
    input_micro: int
    output_micro: int
    cache_micro: int  # the cached-input price, or the input price where the host has none

    def cost_key(self, work: WorkKey) -> int:
        """The workload's cost, scaled by a constant of the workload: compares exactly, costs nothing."""
        fresh, cached, out = work
        return fresh * self.input_micro + cached * self.cache_micro + out * self.output_micro


WorkKey = tuple[int, int, int]  # (fresh input, cached input, output) tokens, scaled to integers


def work_key(work: Workload) -> WorkKey:
    """The workload's token counts as integers, all scaled by the cached share's denominator."""
    num, den = work.cached_share.as_integer_ratio()
    cached = work.input_tokens * num
    return work.input_tokens * den - cached, cached, work.output_tokens * den


@dataclass(frozen=True, slots=True)
class Candidate:
    """An open-weights model with its own score in a category, as alternatives consider it."""

    model_id: str
    quality: QualityView
    hosts: tuple[Host, ...]  # live hosts only


@dataclass(frozen=True)
class ReadModel:
    version: tuple[object, ...]
    on: date  # lifecycle statuses are as of this day
    models: dict[str, ModelFacts]
    order: tuple[str, ...]  # model ids by (lab, name): the order of `list`
    hosts: dict[str, tuple[Host, ...]]  # model id -> usable offerings, by offering id
    index: NameIndex
    quality: dict[str, dict[str, QualityView]]  # category -> model id -> score (own, else a floor)
    own_scores: dict[str, dict[str, QualityView]]  # category -> model id -> its own score
    candidates: dict[str, tuple[Candidate, ...]]  # category -> open-weights models, best score first
    retired_models: frozenset[str]  # every offering at the model's lab API is retired
    served_by: dict[str, frozenset[str]]  # provider id -> models with an offering there, any
    provider_names: dict[str, str]  # provider id -> upstream's name
    imported: frozenset[tuple[str, str]]


def build(session: Session, on: date) -> ReadModel:
    """The snapshot of the catalog as `session` sees it, with statuses as of `on`.

    The version is read first: on PostgreSQL each statement sees the latest commit, so the data
    read after it is at least as new, and a change in between only causes one needless rebuild.
    """
    version = version_on(session.connection())
    providers = dict(session.execute(select(Provider.id, Provider.name)).all())
    models = {
        m.id: ModelFacts(
            m.id,
            m.name,
            m.lab,
            m.lab_provider_id,
            m.open_weights,
            m.license,
            m.release_date,
            m.curated,
            m.successor_id,
        )
        for m in session.scalars(select(Model))
    }
    offerings = list(session.scalars(select(Offering).order_by(Offering.id)))
    newest = select(func.max(Price.id)).group_by(Price.offering_id)
    prices = {p.offering_id: p for p in session.scalars(select(Price).where(Price.id.in_(newest)))}

    hosts: dict[str, list[Host]] = defaultdict(list)
    served_by: dict[str, set[str]] = defaultdict(set)
    lab_gone: dict[str, bool] = {}
    for o in offerings:
        if o.model_id is None:
            continue
        served_by[o.provider_id].add(o.model_id)
        if o.retired_at is not None:
            continue
        model = models[o.model_id]
        if o.provider_id == model.lab_provider_id:
            gone = o.retires_on is not None and o.retires_on <= on
            lab_gone[o.model_id] = lab_gone.get(o.model_id, True) and gone
        row = prices.get(o.id)
        if row is not None and (host := _host(o, providers[o.provider_id], row, on)) is not None:
            hosts[o.model_id].append(host)

    overlay = load_overlay()
    index = NameIndex.build(
        ((m.id, m.name) for m in models.values()),
        session.execute(select(Alias.name, Alias.model_id)),
        ((o.provider_id, o.provider_model_id, o.model_id) for o in offerings if o.retired_at is None),
        [(f.name, f.label, f.flagship, f.members) for f in overlay.family],
    )
    retired = frozenset(m for m, gone in lab_gone.items() if gone)
    own, quality, candidates = _scores(session, models, hosts, retired, index.names)
    return ReadModel(
        version=version,
        on=on,
        models=models,
        order=tuple(sorted(models, key=lambda i: (models[i].lab, models[i].name))),
        hosts={m: tuple(h) for m, h in hosts.items()},
        index=index,
        quality=quality,
        own_scores=own,
        candidates=candidates,
        retired_models=retired,
        served_by={p: frozenset(ms) for p, ms in served_by.items()},
        provider_names=providers,
        imported=frozenset(overlay.imported),
    )


def _scores(
    session: Session,
    models: dict[str, ModelFacts],
    hosts: dict[str, list[Host]],
    retired: frozenset[str],
    names: dict[str, str],
) -> tuple[
    dict[str, dict[str, QualityView]], dict[str, dict[str, QualityView]], dict[str, tuple[Candidate, ...]]
]:
    rows = {
        (r.model_id, r.category, r.variant, r.origin): r
        for r in session.scalars(select(Score).order_by(Score.id))
    }
    team_changes = {r.change_id for (_, _, _, origin), r in rows.items() if origin == TEAM}
    actors = (
        {c.id: c.actor for c in session.scalars(select(Change).where(Change.id.in_(team_changes)))}
        if team_changes
        else {}
    )
    by_category: dict[str, dict[tuple[str, str, str, str], ScoreRow]] = defaultdict(dict)
    for key, row in rows.items():
        by_category[key[1]][key] = row
    open_live = {m for m, f in models.items() if f.open_weights and m not in retired}
    own: dict[str, dict[str, QualityView]] = {}
    quality: dict[str, dict[str, QualityView]] = {}
    candidates: dict[str, tuple[Candidate, ...]] = {}
    for category in CATEGORIES:
        scores = scores_from_rows(by_category.get(category.name, {}), actors, category)
        own[category.name] = scores
        quality[category.name] = with_floors(scores, models, names)
        ranked = sorted((m for m in scores if m in open_live), key=lambda m: (-scores[m].score, m))
        candidates[category.name] = tuple(
            Candidate(m, scores[m], tuple(h for h in hosts.get(m, ()) if not h.retired)) for m in ranked
        )
    return own, quality, candidates


def _host(offering: Offering, provider_name: str, row: Price, on: date) -> Host | None:
    if row.input_mtok is None or row.output_mtok is None or not (row.input_mtok or row.output_mtok):
        return None  # unknown, or a free tier (0 / 0): not a price worth showing
    view = price_view(offering, provider_name, row, on)
    data = price_data(row)
    assert data.input_mtok is not None and data.output_mtok is not None
    cache = data.cache_read_mtok if data.cache_read_mtok is not None else data.input_mtok
    return Host(
        view=view,
        data=data,
        row_id=row.id,
        retired=view.status == "retired",
        input_micro=_micro(data.input_mtok),
        output_micro=_micro(data.output_mtok),
        cache_micro=_micro(cache),
    )


def _micro(value: Decimal) -> int:
    scaled = value.scaleb(6)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"price {value} has more than 6 decimals")  # clean() guarantees it doesn't
    return int(scaled)


def price_view(offering: Offering, provider_name: str, row: Price, on: date) -> PriceView:
    """The offering's current price as answers show it, as of day `on`, without a workload cost."""
    data = price_data(row)
    status, status_date = lifecycle_status(offering.deprecated, offering.retires_on, on)
    # A snapshot's price without a start date has no change date: never the day this catalog was seeded.
    changed_on = row.effective_on or (row.recorded_at.date() if row.source_kind != "snapshot" else None)
    window = offering.context_window
    limit = offering.max_input_tokens
    return PriceView(
        provider_id=offering.provider_id,
        provider_name=display_name(offering.provider_id, provider_name),
        provider_model_id=offering.provider_model_id,
        **data.values(),
        offpeak_window=data.offpeak.window if data.offpeak else None,
        # The answer names the off-peak prices it shows (input and output); the others stay in the catalog.
        **{k: v for k, v in offpeak_columns(data.offpeak).items() if k in PriceView.model_fields},
        context_window=window,
        input_limit=limit if limit and (window is None or limit < window) else None,
        changed_on=changed_on,
        source=row.source,
        workload_cost=None,
        status=status,
        status_date=status_date,
        second_opinion=second_opinion(
            offering.provider_id, offering.provider_model_id, data, row.source_kind
        ),
    )


def ilike(value: str, pattern: str) -> bool:
    """SQL's `value ILIKE pattern` (% and _ are wildcards), as `list <lab>` matched in the database."""
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL) is not None
