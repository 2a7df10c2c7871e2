"""Building the read model (bot.read.model) from the database, in one read.

Only bot.read.current calls this, once per catalog version (and day); nothing on the path of a
question imports it when a snapshot is ready (the ORM mapping stays unloaded in a cold CLI).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol  # Any: a PriceView's fields by name (see readmodel.Host)

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contract.actor import Actor
from bot.contract.views import PriceView
from bot.domain.categories import CATEGORIES
from bot.domain.crosscheck import Facts, Key, second_opinion
from bot.domain.hosts import display_name
from bot.domain.lifecycle import Retirement, load_lab_lifecycle
from bot.domain.lifecycle import status as lifecycle_status
from bot.domain.modelsdev import load_extract
from bot.domain.nameindex import NameIndex
from bot.domain.overlay import load_overlay
from bot.domain.prices import PriceData, offpeak_columns
from bot.domain.query import parse_workload
from bot.domain.scores import TEAM, BoardFacts, ScoreRow, predecessors, scores_from_rows, with_floors
from bot.domain.succession import Known, successor_chain, successors_of
from bot.domain.workloads import LITELLM, ExtraRate, price_source
from bot.domain.workloads import card as rate_card
from bot.domain.workspaces import SHARED
from bot.read.labprices import judge_lab_rows
from bot.read.model import Candidate, Host, Layering, ModelFacts, Rating, ReadModel, Slot, frontier
from bot.store.crosscheck import current_facts
from bot.store.prices import StoredPrice, current_price_rows, price_data, source_of
from bot.store.scores import newest_board, newest_rows
from bot.store.tables import Alias, Change, Model, Offering, Provider
from bot.store.version import version_on
from bot.store.workloads import team_spec

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
            kind=m.kind,
            weights_source=m.weights_source,
            context_window=m.context_window,
        )
        for m in session.execute(select(*Model.__table__.c))
    }
    # Plain rows, read-only: ORM objects of every model and offering cost a build more than its reading.
    offerings: list[StoredOffering] = list(
        session.execute(select(*Offering.__table__.c).order_by(Offering.__table__.c.id))
    )
    prices = current_price_rows(session, workspace=workspace)

    facts = current_facts(session)  # LiteLLM's, as the last cross-check sync stored them (else bundled)
    hosts: dict[str, list[Host]] = defaultdict(list)
    actors: dict[tuple[str, str], Actor] = {}
    served_by: dict[str, set[str]] = defaultdict(set)
    lab_gone: dict[str, bool] = {}
    slots: dict[str, list[Slot]] = defaultdict(list)  # kept for workspaces' views (bot.read.layered)
    for o in offerings:
        if o.model_id is None:
            continue
        served_by[o.provider_id].add(o.model_id)
        row = prices.get(o.id)
        host = None
        if o.retired_at is not None and (row is None or row.workspace == SHARED):
            slots[o.model_id].append(_slot(o, None))
            continue  # gone from the feed; a workspace's own price there still shows in its view
        model = models[o.model_id]
        if o.provider_id == model.lab_provider_id:
            gone = o.retires_on is not None and o.retires_on <= on
            lab_gone[o.model_id] = lab_gone.get(o.model_id, True) and gone
        if (
            row is not None
            and (host := _host(o, providers[o.provider_id], row, on, actors, facts, model.kind != "text"))
            is not None
        ):
            hosts[o.model_id].append(host)
        slots[o.model_id].append(_slot(o, host))

    overlay = load_overlay()
    # Rows at a lab's API that are another host's price under the lab's name are set aside: never the
    # lab's API, a cheapest host or an alternative's price (bot.domain.labprice).
    judged = judge_lab_rows(models, hosts, facts, overlay.imported)
    imported = frozenset(k for k, j in judged.items() if j.verdict == "imported")
    set_aside: dict[str, list[Host]] = defaultdict(list)
    for model_id in list(hosts):
        kept: list[Host] = []
        for h in hosts[model_id]:
            (
                set_aside[model_id] if (h.provider_id, h.fields["provider_model_id"]) in imported else kept
            ).append(h)
        hosts[model_id] = kept
    retired = frozenset(m for m, gone in lab_gone.items() if gone)
    index = NameIndex.build(
        ((m.id, m.name) for m in models.values()),
        session.execute(
            select(Alias.name, Alias.model_id)
            .where(Alias.workspace.in_(sorted({SHARED, workspace})))
            .order_by(Alias.workspace != SHARED)  # the workspace's own names win
        ),
        ((o.provider_id, o.provider_model_id, o.model_id) for o in offerings if o.retired_at is None),
        [(f.name, f.label, f.flagship, f.members) for f in overlay.family],
        released={m.id: m.release_date for m in models.values()},
        listed=[m.id for m in models.values() if m.kind == "text" and m.id in hosts and m.id not in retired],
    )
    models = _with_successors(models, offerings, retired, overlay.predecessors)
    quality, candidates, lines = _scores(session, models, hosts, retired, index.names, workspace)
    layering = (
        Layering(slots={m: tuple(s) for m, s in slots.items()}, facts=facts, lines=lines)
        if workspace == SHARED
        else None
    )
    if layering is not None:
        layering.model_of, layering.after  # noqa: B018  (worked out here, off a question's path)
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
        imported=imported,
        lab_rows={k: j for k, j in judged.items() if j.verdict != "own"},
        imported_hosts={m: tuple(h) for m, h in set_aside.items()},
        default_workload=parse_workload(spec) if (spec := team_spec(session, workspace)) else None,
        layering=layering,
    )


def _slot(o: StoredOffering, host: Host | None) -> Slot:
    return Slot(
        id=o.id,
        provider_id=o.provider_id,
        provider_model_id=o.provider_model_id,
        deprecated=o.deprecated,
        retires_on=o.retires_on,
        context_window=o.context_window,
        max_input_tokens=o.max_input_tokens,
        retired=o.retired_at is not None,
        host=host,
    )


def _with_successors(
    models: dict[str, ModelFacts],
    offerings: list[StoredOffering],
    retired: frozenset[str],
    predecessors: Mapping[str, str],
) -> dict[str, ModelFacts]:
    """The models with what their labs say of their lab offerings (data/lifecycle.toml): the recommended
    replacement (before the catalog's `successor`), the model a retired id is now answered with, the
    page it comes from; and each model's chain of successors up to a live one."""
    lab = load_lab_lifecycle().by_key
    at: dict[tuple[str, str], str] = {}  # (host, host model id) -> model id
    said: dict[str, Retirement] = {}
    for o in offerings:
        if o.model_id is None or o.retired_at is not None:
            continue
        at[(o.provider_id, o.provider_model_id)] = o.model_id
        r = lab.get((o.provider_id, o.provider_model_id))
        if r is not None and o.provider_id == models[o.model_id].lab_provider_id:
            said.setdefault(o.model_id, r)
    named = {m.id: m.successor_id for m in models.values() if m.successor_id}
    redirects: dict[str, str] = {}
    for model_id, r in said.items():
        if r.replacement and (to := at.get((r.host, r.replacement))) and to != model_id:
            named[model_id] = to
        if r.redirect and (to := at.get((r.host, r.redirect))) and to != model_id:
            redirects[model_id] = to
    successors = successors_of(
        named,
        {m: p for m, p in predecessors.items() if m in models and p in models},
        {m.id: m.release_date for m in models.values()},
        retired,
    )
    out = {}
    for model_id, m in models.items():
        r = said.get(model_id)
        out[model_id] = dataclasses.replace(
            m,
            successor_id=successors.get(model_id),
            successor_chain=tuple(successor_chain(model_id, successors, retired)),
            redirect_id=redirects.get(model_id),
            lifecycle_source=r.source if r else None,
            lifecycle_checked=r.checked if r else None,
        )
    return out


def _scores(
    session: Session,
    models: dict[str, ModelFacts],
    hosts: dict[str, list[Host]],
    retired: frozenset[str],
    names: dict[str, str],
    workspace: str,
) -> tuple[dict[str, dict[str, Rating]], dict[str, tuple[Candidate, ...]], dict[str, tuple[str, ...]]]:
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
    lines = predecessors(Known(m.id, m.release_date) for m in models.values())
    stored = newest_board(session)
    board = BoardFacts(stored.published_on, frozenset(stored.keys)) if stored else None
    for category in CATEGORIES:
        scores = scores_from_rows(by_category.get(category.name, {}), actors, category, board)
        floored = with_floors(scores, models, names, lines)
        ratings = quality[category.name] = {m: Rating.of(q) for m, q in floored.items()}
        ranked = sorted((m for m in scores if m in open_live), key=lambda m: (-scores[m].score, m))
        candidates[category.name] = tuple(
            Candidate(m, ratings[m], frontier(h for h in hosts.get(m, ()) if not h.retired)) for m in ranked
        )
    return quality, candidates, lines


class Listing(Protocol):
    """What a price's view reads of its offering: an Offering row, or a snapshot's Slot of one."""

    @property
    def provider_id(self) -> str: ...
    @property
    def provider_model_id(self) -> str: ...
    @property
    def deprecated(self) -> bool: ...
    @property
    def retires_on(self) -> date | None: ...
    @property
    def context_window(self) -> int | None: ...
    @property
    def max_input_tokens(self) -> int | None: ...


class StoredOffering(Listing, Protocol):
    """A row of the offerings table as `build` reads it (a plain row, not an Offering object)."""

    @property
    def id(self) -> int: ...
    @property
    def model_id(self) -> str | None: ...
    @property
    def retired_at(self) -> datetime | None: ...


def host_of(
    listing: Listing,
    provider_name: str,
    row: StoredPrice,
    on: date,
    facts: Mapping[Key, Facts],
    input_only: bool,
) -> Host | None:
    """A price row's Host, as `build` makes it (bot.read.layered makes a workspace's own ones)."""
    return _host(listing, provider_name, row, on, {}, facts, input_only)


def _host(
    offering: Listing,
    provider_name: str,
    row: StoredPrice,
    on: date,
    actors: dict[tuple[str, str], Actor],
    facts: Mapping[Key, Facts] | None = None,
    input_only: bool = False,  # an embedding's (or another non-text model's) price: no output tokens
) -> Host | None:
    if row.input_mtok is None or (row.output_mtok is None and not input_only):
        return None  # unknown: not a price worth showing
    if not (row.input_mtok or row.output_mtok):
        return None  # a free tier (0 / 0)
    data = price_data(row)
    view = price_view(offering, provider_name, row, on, facts, data)
    fields: dict[str, Any] = {f.name: getattr(view, f.name) for f in dataclasses.fields(view)}
    del fields["workload_cost"]
    # One Actor per source, shared: a snapshot on disk keeps it once, not once per price.
    fields["source"] = actors.setdefault((view.source.kind, view.source.id), view.source)
    assert data.input_mtok is not None
    cache = data.cache_read_mtok if data.cache_read_mtok is not None else data.input_mtok
    theirs = (facts or {}).get((offering.provider_id, offering.provider_model_id))
    litellm = [ExtraRate(e.key, e.service, e.above, e.mtok, LITELLM) for e in theirs.extra] if theirs else []
    card = rate_card(
        view.provider_name,
        data,
        price_source(source_of(row)),
        litellm,
        prompt_limit=view.input_limit or view.context_window or (theirs.max_input_tokens if theirs else None),
    )
    return Host(
        fields=fields,
        data=data,
        row_id=row.id,
        retired=view.status == "retired",
        input_micro=_micro(data.input_mtok),
        output_micro=_micro(data.output_mtok or Decimal(0)),
        cache_micro=_micro(cache),
        card=card,
    )


def _micro(value: Decimal) -> int:
    scaled = value.scaleb(6)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"price {value} has more than 6 decimals")  # clean() guarantees it doesn't
    return int(scaled)


def price_view(
    offering: Listing,
    provider_name: str,
    row: StoredPrice,
    on: date,
    facts: Mapping[Key, Facts] | None = None,  # LiteLLM's facts as held; None: the bundled extract
    data: PriceData | None = None,  # price_data(row), where the caller has it already
) -> PriceView:
    """The offering's current price as answers show it, as of day `on`, without a workload cost."""
    data = price_data(row) if data is None else data
    # Deprecated: genai-prices' flag, or models.dev's status at the lab's API (data/modelsdev/).
    deprecated = offering.deprecated or load_extract().deprecated(
        offering.provider_id, offering.provider_model_id
    )
    status, status_date = lifecycle_status(deprecated, offering.retires_on, on)
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
        source=source_of(row),
        workload_cost=None,
        status=status,
        status_date=status_date,
        second_opinion=second_opinion(
            offering.provider_id, offering.provider_model_id, data, row.source_kind, facts
        ),
    )
