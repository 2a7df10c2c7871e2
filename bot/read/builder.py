"""Building the read model (bot.read.model) from the database, in one read.

Only bot.read.current calls this, once per catalog version (and day); nothing on the path of a
question imports it when a snapshot is ready (the ORM mapping stays unloaded in a cold CLI).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any  # Any: a PriceView's fields by name (see readmodel.Host)

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contract.actor import Actor
from bot.contract.views import PriceView
from bot.domain.categories import CATEGORIES
from bot.domain.crosscheck import Facts, Key, second_opinion
from bot.domain.hosts import display_name
from bot.domain.lifecycle import status as lifecycle_status
from bot.domain.nameindex import NameIndex
from bot.domain.overlay import load_overlay
from bot.domain.prices import offpeak_columns
from bot.domain.scores import TEAM, ScoreRow, scores_from_rows, with_floors
from bot.domain.workspaces import SHARED
from bot.read.model import Candidate, Host, ModelFacts, Rating, ReadModel, frontier
from bot.store.crosscheck import current_facts
from bot.store.prices import current_prices, price_data
from bot.store.scores import newest_rows
from bot.store.tables import Alias, Change, Model, Offering, Price, Provider
from bot.store.version import version_on

_PRICE_VIEW_FIELDS = frozenset(f.name for f in dataclasses.fields(PriceView))


def build(session: Session, on: date, workspace: str = SHARED) -> ReadModel:
    """The snapshot of the catalog as `session` sees it, with statuses as of `on`, in a workspace's
    view (the shared catalog with its own prices, names and team scores over it).

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
    prices = current_prices(session, workspace=workspace)

    facts = current_facts(session)  # LiteLLM's, as the last cross-check sync stored them (else bundled)
    hosts: dict[str, list[Host]] = defaultdict(list)
    actors: dict[tuple[str, str], Actor] = {}
    served_by: dict[str, set[str]] = defaultdict(set)
    lab_gone: dict[str, bool] = {}
    for o in offerings:
        if o.model_id is None:
            continue
        served_by[o.provider_id].add(o.model_id)
        row = prices.get(o.id)
        if o.retired_at is not None and (row is None or row.workspace == SHARED):
            continue  # gone from the feed; a workspace's own price there still shows in its view
        model = models[o.model_id]
        if o.provider_id == model.lab_provider_id:
            gone = o.retires_on is not None and o.retires_on <= on
            lab_gone[o.model_id] = lab_gone.get(o.model_id, True) and gone
        if (
            row is not None
            and (host := _host(o, providers[o.provider_id], row, on, actors, facts)) is not None
        ):
            hosts[o.model_id].append(host)

    overlay = load_overlay()
    index = NameIndex.build(
        ((m.id, m.name) for m in models.values()),
        session.execute(
            select(Alias.name, Alias.model_id)
            .where(Alias.workspace.in_(sorted({SHARED, workspace})))
            .order_by(Alias.workspace != SHARED)  # the workspace's own names win
        ),
        ((o.provider_id, o.provider_model_id, o.model_id) for o in offerings if o.retired_at is None),
        [(f.name, f.label, f.flagship, f.members) for f in overlay.family],
    )
    retired = frozenset(m for m, gone in lab_gone.items() if gone)
    quality, candidates = _scores(session, models, hosts, retired, index.names, workspace)
    return ReadModel(
        version=version,
        workspace=workspace,
        on=on,
        models=models,
        order=tuple(sorted(models, key=lambda i: (models[i].lab, models[i].name))),
        hosts={m: tuple(h) for m, h in hosts.items()},
        index=index,
        quality=quality,
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
    workspace: str,
) -> tuple[dict[str, dict[str, Rating]], dict[str, tuple[Candidate, ...]]]:
    rows = newest_rows(session, workspace=workspace)
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
    quality: dict[str, dict[str, Rating]] = {}
    candidates: dict[str, tuple[Candidate, ...]] = {}
    for category in CATEGORIES:
        scores = scores_from_rows(by_category.get(category.name, {}), actors, category)
        floored = with_floors(scores, models, names)
        ratings = quality[category.name] = {m: Rating.of(q) for m, q in floored.items()}
        ranked = sorted((m for m in scores if m in open_live), key=lambda m: (-scores[m].score, m))
        candidates[category.name] = tuple(
            Candidate(m, ratings[m], frontier(h for h in hosts.get(m, ()) if not h.retired)) for m in ranked
        )
    return quality, candidates


def _host(
    offering: Offering,
    provider_name: str,
    row: Price,
    on: date,
    actors: dict[tuple[str, str], Actor],
    facts: Mapping[Key, Facts] | None = None,
) -> Host | None:
    if row.input_mtok is None or row.output_mtok is None or not (row.input_mtok or row.output_mtok):
        return None  # unknown, or a free tier (0 / 0): not a price worth showing
    view = price_view(offering, provider_name, row, on, facts)
    fields: dict[str, Any] = {f.name: getattr(view, f.name) for f in dataclasses.fields(view)}
    del fields["workload_cost"]
    # One Actor per source, shared: a snapshot on disk keeps it once, not once per price.
    fields["source"] = actors.setdefault((view.source.kind, view.source.id), view.source)
    data = price_data(row)
    assert data.input_mtok is not None and data.output_mtok is not None
    cache = data.cache_read_mtok if data.cache_read_mtok is not None else data.input_mtok
    return Host(
        fields=fields,
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


def price_view(
    offering: Offering,
    provider_name: str,
    row: Price,
    on: date,
    facts: Mapping[Key, Facts] | None = None,  # LiteLLM's facts as held; None: the bundled extract
) -> PriceView:
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
        **{k: v for k, v in offpeak_columns(data.offpeak).items() if k in _PRICE_VIEW_FIELDS},
        context_window=window,
        input_limit=limit if limit and (window is None or limit < window) else None,
        changed_on=changed_on,
        source=row.source,
        workload_cost=None,
        status=status,
        status_date=status_date,
        second_opinion=second_opinion(
            offering.provider_id, offering.provider_model_id, data, row.source_kind, facts
        ),
    )
