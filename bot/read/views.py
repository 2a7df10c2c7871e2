"""Model views as a question shows them, from the read model alone: the lab's own price (or the
cheapest live host), the cheapest hosts, the quality in a category, a workload's cost. What a view takes
from a snapshot whatever the question is worked out once per snapshot and kept with it.
"""

from __future__ import annotations

import weakref
from dataclasses import fields
from decimal import Decimal
from typing import Any  # Any: a ModelView's fields by name

from bot.contract.errors import NoPriceError
from bot.contract.requests import Workload
from bot.contract.views import (
    CostPart,
    ImportedView,
    ModelView,
    PriceView,
    PricingView,
    QualityView,
    ReplacementView,
)
from bot.domain.categories import OVERALL, Category
from bot.domain.comparable import comparable
from bot.domain.prices import fmt_cost
from bot.domain.workloads import Choice, Priced, choose, price_workload
from bot.read.model import Candidate, Host, ReadModel, WorkKey, usd, work_key

TOP_HOSTS = 5  # a model card's cheapest hosts; `r1 hosts` lists them all
# What a model's view takes from the question asked; `_Fixed.model` keeps the rest.
_PER_QUESTION = frozenset(
    {"price", "cheapest", "status", "status_date", "top_hosts", "pricing", "replacement", "redirect"}
)


def pricing_view(choice: Choice) -> PricingView:
    """How the workload was priced for a model (bot.domain.workloads.choose's choice)."""
    best = choice.best
    if best is None:
        too_long = choice.too_long
        left_out = f"takes prompts of {too_long.limit:,} tokens at most" if too_long else "no host prices it"
        return PricingView(
            provider_name=None,
            cost=None,
            tiers=[],
            parts=[],
            lacking=[],
            notes=[],
            cheaper_without=None,
            left_out=left_out,
        )
    cheaper = choice.cheaper_without
    return PricingView(
        provider_name=best.host,
        cost=best.total,
        tiers=list(best.tiers),
        parts=[
            CostPart(part=p.name, tokens=p.tokens, mtok=p.mtok, cost=p.cost, source=p.source)
            for p in best.parts
        ],
        lacking=list(best.lacking),
        notes=list(best.notes),
        cheaper_without=(
            f"{cheaper.host} without {' or '.join(cheaper.lacking)}: {fmt_cost(cheaper.total)}"
            if cheaper
            else None
        ),
        left_out=None,
    )


def choice_for(catalog: ReadModel, model_id: str, work: Workload) -> Choice:
    """The model's cheapest live host (any host, when none is live) for the workload, all its parts
    priced (bot.domain.workloads.choose)."""
    live_hosts, own = fixed_for(catalog).hosts(catalog, model_id)
    pool = live_hosts or list(catalog.hosts.get(model_id, ()))
    return choose([h.card for h in pool if h.card is not None], work, own.card if own else None)


def model_views(
    catalog: ReadModel,
    ids: list[str],
    work: Workload,
    category: Category = OVERALL,
    *,
    strict: bool = True,
    top_hosts: int = 0,
    explain: bool = False,
) -> list[ModelView]:
    """Model views in the order of `ids`; a model no host prices raises NoPriceError (or is skipped).

    The price shown is the lab offering (`_lab_offering`); `cheapest` is the cheapest live host when
    it costs less, or whenever the lab offering is retired. Retired offerings count as no host.
    """
    if not work.plain:
        return [
            _rich_view(catalog, model_id, work, category, top_hosts)
            for model_id in ids
            if _priced(catalog, model_id, strict)
        ]
    key, den = work_key(work), work.cached_share.as_integer_ratio()[1]
    fixed = fixed_for(catalog)
    views = []
    for model_id in ids:
        if not _priced(catalog, model_id, strict):
            continue
        live_hosts, own = fixed.hosts(catalog, model_id)
        if top_hosts:
            # Stable: equal costs at the same host's name keep the offerings' order.
            ranked = sorted(
                live_hosts or catalog.hosts[model_id], key=lambda h: (h.cost_key(key), h.provider_name)
            )
            best = ranked[0]
        else:
            best = fixed.cheapest(catalog, model_id, key)
        primary = own or best
        primary_cost = primary.cost_key(key)
        price = fixed.priced(primary, primary_cost, den)
        cheaper = None
        if live_hosts and best is not primary:
            best_cost = best.cost_key(key)
            if primary.retired or best_cost < primary_cost:
                cheaper = fixed.priced(best, best_cost, den)
        shown = []
        if top_hosts and live_hosts:
            shown = [
                price if h is primary else fixed.priced(h, h.cost_key(key), den) for h in ranked[:top_hosts]
            ]
        pricing = None
        if explain:
            # How it was priced: the same host, part by part (the same total: one pricing for all).
            at = best if cheaper is not None else primary
            found = price_workload(at.card, work) if at.card is not None else None
            if isinstance(found, Priced):
                pricing = pricing_view(Choice(found))
        facts = catalog.models[model_id]
        going = price.status != "active"
        views.append(
            ModelView(
                **fixed.model(catalog, category, model_id, price),
                price=price,
                cheapest=cheaper,
                status=price.status,
                status_date=price.status_date,
                top_hosts=shown,
                pricing=pricing,
                replacement=_instead(catalog, fixed, facts.successor_chain, key, den) if going else None,
                redirect=_instead(catalog, fixed, (facts.redirect_id,), key, den)
                if going and facts.redirect_id
                else None,
            )
        )
    return views


def _priced(catalog: ReadModel, model_id: str, strict: bool) -> bool:
    if catalog.hosts.get(model_id):
        return True
    if strict:
        raise NoPriceError(catalog.models[model_id].name)
    return False


def _rich_view(
    catalog: ReadModel, model_id: str, work: Workload, category: Category, top_hosts: int
) -> ModelView:
    """A model's view for a workload beyond volumes and a cached share (issue 27): every host priced by
    bot.domain.workloads, the cheapest offering what was asked shown as `cheapest` when it is not the
    lab offering, and how it was priced (`pricing`)."""
    fixed = fixed_for(catalog)
    live_hosts, own = fixed.hosts(catalog, model_id)
    pool = live_hosts or list(catalog.hosts[model_id])
    choice = choose([h.card for h in pool if h.card is not None], work, own.card if own else None)
    by_card = {id(h.card): h for h in pool}
    best = by_card.get(id(choice.best.rates)) if choice.best is not None else None
    primary = own or best or pool[0]

    def cost_at(host: Host) -> Decimal | None:
        found = price_workload(host.card, work) if host.card is not None else None
        return found.total if isinstance(found, Priced) else None

    price = primary.view(cost_at(primary))
    cheaper = None
    if best is not None and best is not primary:
        cheaper = best.view(choice.best.total if choice.best else None)
    shown = []
    if top_hosts and live_hosts:
        costed = [(c, h) for h in live_hosts if (c := cost_at(h)) is not None]
        costed.sort(key=lambda x: (x[0], x[1].provider_name))
        shown = [price if h is primary else h.view(c) for c, h in costed[:top_hosts]]
    return ModelView(
        **fixed.model(catalog, category, model_id, price),
        price=price,
        cheapest=cheaper,
        status=price.status,
        status_date=price.status_date,
        top_hosts=shown,
        pricing=pricing_view(choice),
        replacement=None,
        redirect=None,
    )


def _imported(catalog: ReadModel, h: Host) -> ImportedView:
    key = (h.provider_id, str(h.fields["provider_model_id"]))
    judged = catalog.lab_rows[key]
    assert h.data.input_mtok is not None and h.data.output_mtok is not None  # a Host has both
    return ImportedView(
        host=h.provider_name,
        provider_model_id=key[1],
        input_mtok=h.data.input_mtok,
        output_mtok=h.data.output_mtok,
        copied_from=judged.copied_from,
        reason=judged.reason,
    )


def _instead(
    catalog: ReadModel, fixed: _Fixed, chain: tuple[str | None, ...], key: WorkKey, den: int
) -> ReplacementView | None:
    """The last model of `chain` (the first live successor, or the model a lab redirects to), with the
    workload's cost at its lab's API (which bills a redirect), else at its cheapest live host."""
    if not chain or (target := chain[-1]) is None:
        return None
    price = None
    if catalog.hosts.get(target):
        _, own = fixed.hosts(catalog, target)
        host = own if own is not None and not own.retired else fixed.cheapest(catalog, target, key)
        price = fixed.priced(host, host.cost_key(key), den)
    return ReplacementView(
        id=target,
        name=catalog.models[target].name,
        price=price,
        via=[catalog.models[m].name for m in chain[:-1] if m is not None],
    )


class _Fixed:
    """What a model's views take from a snapshot whatever the question (its live hosts, its lab
    offering, its quality views): worked out on first use, then kept as long as the snapshot, which
    never changes. Threads may race to fill an entry; they compute the same thing.

    A workspace's view (bot.read.layered) takes the shared snapshot's entry wherever what the entry is
    made from is the shared snapshot's own (the same objects: a model's hosts, a category's scores or
    alternatives), so its questions find them made as the shared snapshot's do."""

    def __init__(self) -> None:
        self._hosts: dict[str, tuple[list[Host], Host | None]] = {}
        self._quality: dict[tuple[str, str], QualityView | None] = {}
        self._models: dict[tuple[str, str], dict[str, Any]] = {}
        self._pools: dict[str, list[tuple[int, int, int, str, Host]]] = {}
        self._comparable: dict[tuple[str, int, int | None], tuple[list[Candidate], list[Candidate]]] = {}

    def comparable(
        self, catalog: ReadModel, category: Category, target: QualityView
    ) -> tuple[list[Candidate], list[Candidate]]:
        """The category's priced candidates comparable to a target of this quality, and the others,
        each best score first (`comparable` reads only the target's score and low bound)."""
        key = (category.name, target.score, target.low)
        if (found := self._comparable.get(key)) is None:
            if (under := catalog.under) is not None and _same_candidates(catalog, under, category.name):
                found = self._comparable[key] = fixed_for(under).comparable(under, category, target)
                return found
            above: list[Candidate] = []
            others: list[Candidate] = []
            for c in catalog.candidates[category.name]:
                if c.prices:
                    (above if comparable(c.rating, target) else others).append(c)
            found = self._comparable[key] = (above, others)
        return found

    def cheapest(self, catalog: ReadModel, model_id: str, key: WorkKey) -> Host:
        """The model's cheapest live host for the workload (any host, when none is live): the least
        (cost, host's name), the first offering on a tie, as sorting its hosts would give first."""
        if (pool := self._pools.get(model_id)) is None and (under := catalog.under) is not None:
            if _same_model(catalog, under, model_id):
                pool = self._pools[model_id] = fixed_for(under).pool(under, model_id)
        if pool is None:
            live_hosts, _ = self.hosts(catalog, model_id)
            pool = self._pools[model_id] = _undominated(live_hosts or list(catalog.hosts[model_id]))
        fresh, cached, out = key
        found, least, least_name = pool[0][4], -1, ""
        for i, c, o, name, host in pool:
            cost = fresh * i + cached * c + out * o
            if least < 0 or cost < least or (cost == least and name < least_name):
                found, least, least_name = host, cost, name
        return found

    def pool(self, catalog: ReadModel, model_id: str) -> list[tuple[int, int, int, str, Host]]:
        """The model's hosts that may be the cheapest for some workload (`cheapest`'s)."""
        if (pool := self._pools.get(model_id)) is None:
            self.cheapest(catalog, model_id, (0, 0, 0))
            pool = self._pools[model_id]
        return pool

    def priced(self, host: Host, cost_key: int, den: int) -> PriceView:
        """The host's price view, with the workload's cost (`Host.cost_key`, see `usd`)."""
        return host.view(usd(cost_key, den))

    def model(
        self, catalog: ReadModel, category: Category, model_id: str, price: PriceView
    ) -> dict[str, Any]:
        """The fields of the model's view in the category that no question changes, from the view made
        on first use (with `price`, its price then): the caller adds what depends on the question (its
        prices and hosts shown, `_PER_QUESTION`)."""
        key = (category.name, model_id)
        if (kept := self._models.get(key)) is None and (under := catalog.under) is not None:
            if _same_model(catalog, under, model_id) and _same_scores(catalog, under, category.name):
                kept = self._models[key] = fixed_for(under).model(under, category, model_id, price)
        if kept is None:
            model = catalog.models[model_id]
            live_hosts, own = self.hosts(catalog, model_id)
            successor = catalog.models.get(model.successor_id or "")
            view = ModelView(
                id=model.id,
                name=model.name,
                lab=model.lab,
                open_weights=model.open_weights,
                license=model.license,
                weights_source=model.weights_source,
                context_window=model.context_window,
                quality=self.quality(catalog, category, model.id),
                release_date=model.release_date,
                curated=model.curated,
                price=price,
                lab_api=own is not None,
                cheapest=None,
                hosts=len(live_hosts),
                successor_id=model.successor_id,
                successor_name=successor.name if successor else None,
                lifecycle_source=model.lifecycle_source,
                lifecycle_checked=model.lifecycle_checked,
                imported=[_imported(catalog, h) for h in catalog.imported_hosts.get(model_id, ())],
            )
            kept = self._models[(category.name, model_id)] = {
                f.name: getattr(view, f.name) for f in fields(ModelView) if f.name not in _PER_QUESTION
            }
        return kept

    def hosts(self, catalog: ReadModel, model_id: str) -> tuple[list[Host], Host | None]:
        """The model's live hosts, and its lab offering (`_lab_offering`)."""
        if (found := self._hosts.get(model_id)) is None and (under := catalog.under) is not None:
            if _same_model(catalog, under, model_id):
                found = self._hosts[model_id] = fixed_for(under).hosts(under, model_id)
        if found is None:
            hosts = catalog.hosts.get(model_id, ())
            own = _lab_offering(hosts, catalog.models[model_id].lab_provider_id, catalog.imported)
            found = self._hosts[model_id] = ([h for h in hosts if not h.retired], own)
        return found

    def quality(self, catalog: ReadModel, category: Category, model_id: str) -> QualityView | None:
        key = (category.name, model_id)
        if key not in self._quality and (under := catalog.under) is not None:
            if _same_scores(catalog, under, category.name):
                self._quality[key] = fixed_for(under).quality(under, category, model_id)
        if key not in self._quality:
            rating = catalog.quality[category.name].get(model_id)
            self._quality[key] = rating.view(category) if rating else None
        return self._quality[key]


def _same_model(view: ReadModel, under: ReadModel, model_id: str) -> bool:
    """Whether a workspace's view holds the shared snapshot's own hosts of the model (its rows priced
    none of them: the same objects), and so the same lab offering and rows set aside."""
    return view.hosts.get(model_id) is under.hosts.get(model_id) and view.imported_hosts.get(
        model_id
    ) is under.imported_hosts.get(model_id)


def _same_scores(view: ReadModel, under: ReadModel, category: str) -> bool:
    return view.quality[category] is under.quality[category]


def _same_candidates(view: ReadModel, under: ReadModel, category: str) -> bool:
    return view.candidates[category] is under.candidates[category]


def _undominated(hosts: list[Host]) -> list[tuple[int, int, int, str, Host]]:
    """The hosts that are the cheapest for some workload, with their prices and names, in their order.

    A host is left out when another is at most its price on input, cached input and output, and
    comes first on a tie (a lesser name, or the same name earlier): that one always wins.
    """
    rows = [(h.input_micro, h.cache_micro, h.output_micro, h.provider_name, h) for h in hosts]

    def beaten(n: int, row: tuple[int, int, int, str, Host]) -> bool:
        return any(
            g[0] <= row[0] and g[1] <= row[1] and g[2] <= row[2] and (g[3], m) < (row[3], n)
            for m, g in enumerate(rows)
            if m != n
        )

    return [row for n, row in enumerate(rows) if not beaten(n, row)]


# Snapshot (by id, while it lives) -> what is kept for it; a snapshot dropped takes its entry along.
_fixed: dict[int, tuple[weakref.ref[ReadModel], _Fixed]] = {}


def fixed_for(catalog: ReadModel) -> _Fixed:
    entry = _fixed.get(id(catalog))
    if entry is not None and entry[0]() is catalog:
        return entry[1]
    fixed, key = _Fixed(), id(catalog)
    _fixed[key] = (weakref.ref(catalog, lambda _: _fixed.pop(key, None)), fixed)
    return fixed


def _lab_offering(
    hosts: tuple[Host, ...], lab_provider_id: str | None, imported: frozenset[tuple[str, str]]
) -> Host | None:
    """The one offering a model card shows as the lab's own API, by one rule:

    1. at the model's lab API (its lab's first API: Z.ai's is zai, not zhipuai);
    2. live before retired;
    3. the lab's own model id before a row genai-prices imported from another host under the lab's
       name (data/catalog.toml `imported`: moonshotai:kimi-k2 is OpenRouter's price, while
       kimi-k2-0711-preview is Moonshot's own);
    4. then the newest price (the latest day it took effect, then the latest row), then the id.
    """
    at_lab = [h for h in hosts if h.provider_id == lab_provider_id]
    if not at_lab:
        return None

    def order(h: Host) -> tuple[bool, bool, int, int, str]:
        changed_on, model_id = h.fields["changed_on"], h.fields["provider_model_id"]
        newest = -(changed_on.toordinal() if changed_on else 0)
        return (h.retired, (h.provider_id, model_id) in imported, newest, -h.row_id, model_id)

    return min(at_lab, key=order)
