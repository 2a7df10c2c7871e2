"""A workspace's view: the shared read model with the workspace's own rows layered over it.

A workspace with rows of its own (a price, a name, a team score, a default workload) used to get a
read model of its own, built whole after every change (its own or the feed's). Its view is now made
from the shared snapshot and its own rows (bot.store.owned) in the time of a few lookups: every
table the rows don't touch is the shared one itself, and only the entries they touch are worked out
again, by the same rules bot.read.builder applies:

- a price: the Host of each of the model's offerings (the workspace's price where it set one), the
  judgement of its rows at the lab's API (which compares them with its other hosts), its hosts and
  rows set aside, and its prices as an alternative;
- a name: the name index with the workspace's names laid over the shared one (NameIndex.with_own);
- a team score: the model's score in that category, the floors of the models it is a predecessor of,
  and the category's alternatives;
- a default workload: the view's.

Where a row would change what the whole catalog is derived from (a price that retires or revives a
model at its lab, or that lists a model no host priced; a name taking a shared name's place; a team
row taking back a shared team score), `layer` returns None and the caller builds the view whole, as
before (rare: tests/db/test_layered.py compares both on a corpus of questions).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

from bot.contract.actor import Actor
from bot.contract.views import QualityView
from bot.domain.categories import CATEGORIES, Category
from bot.domain.labprice import Judgement
from bot.domain.overlay import load_overlay
from bot.domain.query import parse_workload
from bot.domain.scores import TEAM
from bot.domain.succession import floor_for
from bot.read.builder import host_of
from bot.read.labprices import judge_lab_rows
from bot.read.model import Candidate, Host, Layering, Rating, ReadModel, frontier
from bot.store.owned import OwnRows
from bot.store.tables import Price, Score


def layer(shared: ReadModel, own: OwnRows) -> ReadModel | None:
    """The workspace's view of `shared` with its own rows; None where only a whole build gives it."""
    base = shared.layering
    if base is None:
        return None  # a snapshot read from disk keeps no layering inputs
    if own.empty:
        return replace(shared, workspace=own.workspace, layering=None, under=shared)
    hosts = _hosts(shared, base, own.prices)
    if hosts is None:
        return None
    index = shared.index.with_own(own.aliases)
    if index is None:
        return None
    touched, all_hosts, set_aside, imported, lab_rows = hosts
    new_hosts = {**shared.hosts, **all_hosts} if all_hosts else shared.hosts
    new_aside = shared.imported_hosts
    if touched:
        new_aside = {m: h for m, h in shared.imported_hosts.items() if m not in touched}
        new_aside.update((m, h) for m, h in set_aside.items() if h)
    scored = _scores(shared, base, own.scores, own.actors)
    if scored is None:
        return None
    quality = {**shared.quality, **scored} if scored else shared.quality
    candidates = _candidates(shared, quality, new_hosts, touched, scored.keys())
    has_workload, spec = own.workload
    return replace(
        shared,
        workspace=own.workspace,
        hosts=new_hosts,
        index=index,
        quality=quality,
        candidates=candidates,
        imported=imported,
        lab_rows=lab_rows,
        imported_hosts=new_aside,
        default_workload=(parse_workload(spec) if spec else None)
        if has_workload
        else shared.default_workload,
        layering=None,
        under=shared,
    )


_Hosts = tuple[
    frozenset[str],  # the models the workspace prices
    dict[str, tuple[Host, ...]],  # their hosts
    dict[str, tuple[Host, ...]],  # their rows set aside
    frozenset[tuple[str, str]],  # the catalog's imported rows, the view's
    dict[tuple[str, str], Judgement],  # judgements, the view's
]


def _hosts(shared: ReadModel, base: Layering, prices: Mapping[int, Price]) -> _Hosts | None:
    """The hosts of the models the workspace prices, as bot.read.builder.build makes them."""
    if not prices:
        return frozenset(), {}, {}, shared.imported, shared.lab_rows
    model_of = base.model_of
    touched = frozenset(m for i in prices if (m := model_of.get(i)) is not None)  # else of no model: unshown
    listed: dict[str, list[Host]] = {}
    for model_id in touched:
        model = shared.models[model_id]
        found: list[Host] = []
        lab_gone: bool | None = None
        for slot in base.slots[model_id]:
            row = prices.get(slot.id)
            if slot.retired and row is None:
                continue
            if slot.provider_id == model.lab_provider_id:
                gone = slot.retires_on is not None and slot.retires_on <= shared.on
                lab_gone = (True if lab_gone is None else lab_gone) and gone
            host = slot.host
            if row is not None:
                name = shared.provider_names[slot.provider_id]
                host = host_of(slot, name, row, shared.on, base.facts, model.kind != "text")
            if host is not None:
                found.append(host)
        if bool(lab_gone) != (model_id in shared.retired_models) or bool(found) != (model_id in shared.hosts):
            return None  # retires or revives the model, or lists one no host priced: the whole build's
        listed[model_id] = found
    judged = judge_lab_rows(shared.models, listed, base.facts, _catalog_imported())
    keys = {(s.provider_id, s.provider_model_id) for m in touched for s in base.slots[m]}
    imported = frozenset(
        {k for k in shared.imported if k not in keys}
        | {k for k, j in judged.items() if j.verdict == "imported"}
    )
    lab_rows = {k: j for k, j in shared.lab_rows.items() if k not in keys}
    lab_rows.update((k, j) for k, j in judged.items() if j.verdict != "own")
    kept: dict[str, tuple[Host, ...]] = {}
    aside: dict[str, tuple[Host, ...]] = {}
    for model_id, found in listed.items():
        out = [h for h in found if (h.provider_id, h.fields["provider_model_id"]) in imported]
        kept[model_id] = tuple(
            h for h in found if (h.provider_id, h.fields["provider_model_id"]) not in imported
        )
        aside[model_id] = tuple(out)
    return touched, kept, aside, imported, lab_rows


def _scores(
    shared: ReadModel,
    base: Layering,
    rows: Mapping[tuple[str, str, str, str], Score],
    actors: Mapping[int, Actor],
) -> dict[str, dict[str, Rating]] | None:
    """The categories the workspace's team scores, each model's score in them as `build` finds it."""
    by_category: dict[str, dict[str, Score]] = {}
    for (model_id, category_name, variant, origin), row in rows.items():
        if origin != TEAM or variant:
            return None  # only a team's own default-variant score is a workspace's (bot.store.scores)
        by_category.setdefault(category_name, {})[model_id] = row
    out: dict[str, dict[str, Rating]] = {}
    for category in CATEGORIES:
        team = by_category.get(category.name)
        if not team:
            continue
        ratings = shared.quality[category.name]
        own = {m: r for m, r in ratings.items() if r.floor_from_id is None}  # scores, not floors
        for model_id, row in team.items():
            if row.score is not None:
                own[model_id] = Rating.of(_team_view(row, actors, category))
            elif (had := own.get(model_id)) is not None and had.team:
                return None  # unset over the shared catalog's team score: its source score is the build's
        scores = _Views(own, category)
        quality = dict(ratings)
        moved = set(team)
        after = base.after
        for model_id in dict.fromkeys([*moved, *(m for x in moved for m in after.get(x, ()))]):
            if model_id in scores:
                quality[model_id] = own[model_id]
                continue
            floor = floor_for(model_id, scores, base.lines)
            if floor is None:
                quality.pop(model_id, None)
            else:
                quality[model_id] = Rating.of(
                    replace(
                        floor.score,
                        floor_from_id=floor.model_id,
                        floor_from=shared.index.names.get(floor.model_id, floor.model_id),
                        low=None,
                        high=None,
                    )
                )
        out[category.name] = quality
    return out


class _Views(Mapping[str, QualityView]):
    """Scores as QualityViews, made only for those looked at (floor_for reads a few)."""

    def __init__(self, ratings: dict[str, Rating], category: Category) -> None:
        self._ratings, self._category = ratings, category

    def __getitem__(self, model_id: str) -> QualityView:
        return self._ratings[model_id].view(self._category)

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._ratings

    def __iter__(self) -> Iterator[str]:
        return iter(self._ratings)

    def __len__(self) -> int:
        return len(self._ratings)


@functools.cache
def _catalog_imported() -> frozenset[tuple[str, str]]:
    return frozenset(load_overlay().imported)


def _team_view(row: Score, actors: Mapping[int, Actor], category: Category) -> QualityView:
    assert row.score is not None
    return QualityView(
        score=row.score,
        low=row.score_low,
        high=row.score_high,
        category=category.name,
        category_label=category.label,
        source=TEAM,
        as_of=row.as_of,
        team=True,
        set_by=actors.get(row.change_id),
        variant=None,
    )


def _candidates(
    shared: ReadModel,
    quality: Mapping[str, Mapping[str, Rating]],
    hosts: Mapping[str, tuple[Host, ...]],
    priced: frozenset[str],
    scored: Iterable[str],
) -> dict[str, tuple[Candidate, ...]]:
    """Each category's open-weights alternatives, best score first, as `build` ranks them."""
    rescored = set(scored)

    # Only open-weights models still live at their lab are anyone's alternatives.
    def live_open(model_id: str) -> bool:
        facts = shared.models.get(model_id)
        return facts is not None and bool(facts.open_weights) and model_id not in shared.retired_models

    priced = frozenset(m for m in priced if live_open(m))
    if not priced and not rescored:
        return shared.candidates

    def prices(model_id: str) -> tuple[tuple[int, int, int], ...]:
        return frontier(h for h in hosts.get(model_id, ()) if not h.retired)

    out = dict(shared.candidates)
    for name, ranked in shared.candidates.items():
        if name in rescored:
            kept = {c.model_id: c for c in ranked}
            own = {m: r for m, r in quality[name].items() if r.floor_from_id is None}
            order = sorted((m for m in own if live_open(m)), key=lambda m: (-own[m].score, m))
            out[name] = tuple(
                Candidate(m, own[m], kept[m].prices if m in kept and m not in priced else prices(m))
                for m in order
            )
        elif priced and priced.intersection(c.model_id for c in ranked):
            out[name] = tuple(
                replace(c, prices=prices(c.model_id)) if c.model_id in priced else c for c in ranked
            )
    return out
