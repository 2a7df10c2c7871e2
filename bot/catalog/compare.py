"""Reading the catalog: one model, comparisons, cheaper alternatives and lists, as typed answers.

Every answer here is computed from the in-memory read model (bot.catalog.readmodel) alone: no
database round trip. Costs are ranked on integers; views are built only for the models shown.
"""

from __future__ import annotations

import math
import weakref
from decimal import ROUND_HALF_UP, Decimal

from bot.catalog.answers import (
    AlternativesAnswer,
    AlternativeView,
    CompareAnswer,
    ListAnswer,
    ListRow,
    ModelAnswer,
    ModelView,
    PriceView,
    QualityView,
    WorkloadView,
    made,
    replaced,
)
from bot.catalog.categories import OVERALL, Category
from bot.catalog.comparable import COMPARABLE_MARGIN, comparable, comparable_rule
from bot.catalog.names import normalise
from bot.catalog.prices import DEFAULT_WORKLOAD, Workload, ratio
from bot.catalog.readmodel import Candidate, Host, ReadModel, WorkKey, usd, work_key
from bot.errors import NoPriceError

LIST_LIMIT = 40
ALTERNATIVES_LIMIT = 8  # the best few; `cheaper o1 --all` (a More button in Slack) shows the rest
ALL_ALTERNATIVES = 40  # within one Slack message
COMPARE_ALTERNATIVES = 3
NEAREST = 3
TOP_HOSTS = 5  # a model card's cheapest hosts; `r1 hosts` lists them all
OPEN_FILTERS = ("open", "open weights", "open-weights", "oss")


def show_model(
    catalog: ReadModel,
    name: str,
    workload: Workload | None = None,
    category: Category = OVERALL,
    *,
    all_hosts: bool = False,
) -> ModelAnswer:
    work = workload or DEFAULT_WORKLOAD
    index = catalog.index
    shown = 999 if all_hosts else TOP_HOSTS
    view = _views(catalog, [index.resolve(name)], work, category, top_hosts=shown)[0]
    return ModelAnswer(model=view, workload=_workload_view(workload), notes=index.notes([name]))


def compare_models(
    catalog: ReadModel, names: list[str], workload: Workload | None = None, category: Category = OVERALL
) -> CompareAnswer:
    index = catalog.index
    ids: list[str] = []
    for name in names:
        model_id = index.resolve(name)
        if model_id not in ids:
            ids.append(model_id)
    work = workload or DEFAULT_WORKLOAD
    views = _views(catalog, ids, work, category)
    costed = [v for v in views if v.price.workload_cost is not None]
    cheapest = min(costed, key=lambda v: v.price.workload_cost or 0, default=None)
    base = cheapest.price if cheapest else None
    alternatives_for: str | None = None
    alternatives: list[AlternativeView] = []
    dearest = max(costed, key=lambda v: v.price.workload_cost or 0, default=None)
    if dearest is not None and not dearest.open_weights and dearest.quality is not None:
        alternatives_for = dearest.id
        alternatives, _, _ = _alternatives(
            catalog, dearest, work, category, limit=COMPARE_ALTERNATIVES, exclude=frozenset(ids)
        )
    return CompareAnswer(
        models=views,
        workload=_workload_view(workload),
        cheapest_id=cheapest.id if cheapest and len(views) > 1 else None,
        input_ratio={v.id: ratio(v.price.input_mtok, base.input_mtok if base else None) for v in views},
        output_ratio={v.id: ratio(v.price.output_mtok, base.output_mtok if base else None) for v in views},
        cost_ratio={v.id: ratio(v.price.workload_cost, base.workload_cost if base else None) for v in views},
        alternatives_for=alternatives_for,
        alternatives=alternatives,
        category=category.name,
        notes=index.notes(names),
    )


def find_alternatives(
    catalog: ReadModel,
    name: str,
    workload: Workload | None = None,
    category: Category | None = None,
    *,
    every: bool = False,
) -> AlternativesAnswer:
    """Cheaper open-weights models of comparable quality: by cost, or by the category's score when a
    category was asked for (`cheaper sonnet for coding`)."""
    work = workload or DEFAULT_WORKLOAD
    index = catalog.index
    cat = category or OVERALL
    target = _views(catalog, [index.resolve(name)], work, cat)[0]
    quality = target.quality
    min_score = quality.score - COMPARABLE_MARGIN if quality is not None else None
    footnote = comparable_rule(cat)
    if quality is not None and quality.floor_from:
        footnote += (
            f" {target.name} has no LMArena {cat.label} score yet; using {quality.floor_from}'s "
            f"{quality.score} as a floor."
        )
    if quality is None:
        footnote = (
            f"{target.name} has no LMArena {cat.label} score, and no scored predecessor in "
            "data/catalog.toml, "
            f"so I can't judge comparable quality. An admin can give it the team's own: "
            f"`set {target.id}{'' if cat is OVERALL else ' ' + cat.name} score 1400`."
        )
    by_score = category is not None
    limit = ALL_ALTERNATIVES if every else ALTERNATIVES_LIMIT
    alternatives, more, nearest = _alternatives(catalog, target, work, cat, limit=limit, by_score=by_score)
    return AlternativesAnswer(
        target=target,
        workload=_workload_view(workload),
        min_score=min_score,
        alternatives=alternatives,
        footnote=footnote,
        category=cat.name,
        ranked_by="score" if by_score else "cost",
        more=more,
        nearest=nearest,
        notes=index.notes([name]),
    )


def list_models(catalog: ReadModel, filter: str | None = None, *, retired: bool = False) -> ListAnswer:
    """Curated models (or those of a filter), at the lab's API or the cheapest host; models their lab
    has retired are left out unless `retired` (`list all`)."""
    facts = [catalog.models[i] for i in catalog.order]
    if filter is None:
        models = [m for m in facts if m.curated]
    elif normalise(filter) in OPEN_FILTERS:
        models = [m for m in facts if m.open_weights]
    else:
        # Plain text, any case: a lab's or a host's name or id. Never a pattern (`list %%%%#` was
        # one, and took minutes).
        key = normalise(filter)
        hosted: set[str] = set()
        for provider_id, name in catalog.provider_names.items():
            if key in (provider_id, normalise(name)):
                hosted |= catalog.served_by.get(provider_id, frozenset())
        models = [m for m in facts if key in (normalise(m.lab), m.lab_provider_id) or m.id in hosted]
    if not retired:
        models = [m for m in models if m.id not in catalog.retired_models]
    shown = models[:LIST_LIMIT]
    views = _views(catalog, [m.id for m in shown], DEFAULT_WORKLOAD, strict=False)
    rows = [
        ListRow(
            id=v.id,
            name=v.name,
            lab=v.lab,
            open_weights=v.open_weights,
            provider_name=v.price.provider_name,
            input_mtok=v.price.input_mtok,
            output_mtok=v.price.output_mtok,
            status=v.status,
            status_date=v.status_date,
        )
        for v in views
    ]
    return ListAnswer(filter=filter, rows=rows, more=len(models) - len(shown), retired=retired)


def _alternatives(
    catalog: ReadModel,
    target: ModelView,
    work: Workload,
    category: Category,
    *,
    limit: int,
    exclude: frozenset[str] = frozenset(),
    by_score: bool = False,
) -> tuple[list[AlternativeView], int, list[AlternativeView]]:
    """The comparable open-weights models that cost less than the target at their cheapest host: the
    `limit` cheapest (or best scored, `by_score`), how many more there are, and when none is
    comparable the nearest cheaper ones by score.

    One pass over the category's candidates (pre-sorted by score) on integer costs; views are built
    only for the models shown.
    """
    if target.quality is None or target.price.workload_cost is None:
        return [], 0, []
    target_cost = target.price.workload_cost
    if target.cheapest and target.cheapest.workload_cost is not None:
        target_cost = min(target_cost, target.cheapest.workload_cost)
    key = work_key(work)
    # The target's cost on the candidates' integer scale (exact: the Decimal cost is exact); an integer
    # cost is below it exactly when it is below its ceiling.
    below = math.ceil(target_cost.scaleb(12) * work.cached_share.as_integer_ratio()[1])
    # Which candidates are comparable depends on the target's score alone: sorted out once per score.
    above, below_bar = _fixed_for(catalog).comparable(catalog, category, target.quality)
    skipped = exclude | {target.id}
    best: list[tuple[int, Candidate]] = []  # comparable and cheaper, best score first
    for c in above:
        if (cost := c.cheapest(key)) < below and c.model_id not in skipped:
            best.append((cost, c))
    if by_score:
        order = sorted(best, key=lambda x: (-x[1].rating.score, x[0], x[1].model_id))
    else:
        order = sorted(best, key=lambda x: (x[0], x[1].model_id))
    chosen = order[:limit]
    nearest = []
    if not best:
        # None comparable: the best scored of the cheaper ones, shown as below the bar (never as comparable).
        others = [
            (cost, c) for c in below_bar if (cost := c.cheapest(key)) < below and c.model_id not in skipped
        ]
        nearest = sorted(others, key=lambda x: (-x[1].rating.score, x[0], x[1].model_id))[:NEAREST]

    def views(found: list[tuple[int, Candidate]]) -> list[AlternativeView]:
        out = []
        for view in _views(catalog, [c.model_id for _, c in found], work, category, strict=False):
            # The cheapest live host's cost: the view's `cheapest` when shown, else its own price (a
            # candidate's hosts are live; workload_cost is normalised, so equal costs are equal Decimals).
            cost = (view.cheapest if view.cheapest is not None else view.price).workload_cost
            assert cost is not None  # a candidate's hosts have input and output prices
            saving = ((target_cost - cost) / target_cost * 100).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            out.append(made(AlternativeView, model=view, cost=cost, saving_pct=saving))
        return out

    return views(chosen), len(order) - len(chosen), views(nearest) if nearest else []


def _workload_view(workload: Workload | None) -> WorkloadView:
    w = workload or DEFAULT_WORKLOAD
    return made(
        WorkloadView,
        input_tokens=w.input_tokens,
        output_tokens=w.output_tokens,
        cached_share=w.cached_share,
        given=workload is not None,
    )


def _views(
    catalog: ReadModel,
    ids: list[str],
    work: Workload,
    category: Category = OVERALL,
    *,
    strict: bool = True,
    top_hosts: int = 0,
) -> list[ModelView]:
    """Model views in the order of `ids`; a model no host prices raises NoPriceError (or is skipped).

    The price shown is the lab offering (`_lab_offering`); `cheapest` is the cheapest live host when
    it costs less, or whenever the lab offering is retired. Retired offerings count as no host.
    """
    key, den = work_key(work), work.cached_share.as_integer_ratio()[1]
    fixed = _fixed_for(catalog)
    views = []
    for model_id in ids:
        if not catalog.hosts.get(model_id):
            if strict:
                raise NoPriceError(catalog.models[model_id].name)
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
        views.append(
            replaced(
                fixed.model(catalog, category, model_id, price),
                price=price,
                cheapest=cheaper,
                status=price.status,
                status_date=price.status_date,
                top_hosts=shown,
            )
        )
    return views


class _Fixed:
    """What a model's views take from a snapshot whatever the question (its live hosts, its lab
    offering, its quality views): worked out on first use, then kept as long as the snapshot, which
    never changes. Threads may race to fill an entry; they compute the same thing."""

    def __init__(self) -> None:
        self._hosts: dict[str, tuple[list[Host], Host | None]] = {}
        self._quality: dict[tuple[str, str], QualityView | None] = {}
        self._models: dict[tuple[str, str], ModelView] = {}
        self._prices: dict[int, PriceView] = {}  # id(host): the snapshot holds its hosts while it lives
        self._pools: dict[str, list[tuple[int, int, int, str, Host]]] = {}
        self._comparable: dict[tuple[str, int, int | None], tuple[list[Candidate], list[Candidate]]] = {}

    def comparable(
        self, catalog: ReadModel, category: Category, target: QualityView
    ) -> tuple[list[Candidate], list[Candidate]]:
        """The category's priced candidates comparable to a target of this quality, and the others,
        each best score first (`comparable` reads only the target's score and low bound)."""
        key = (category.name, target.score, target.low)
        if (found := self._comparable.get(key)) is None:
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
        if (pool := self._pools.get(model_id)) is None:
            live_hosts, _ = self.hosts(catalog, model_id)
            pool = self._pools[model_id] = _undominated(live_hosts or list(catalog.hosts[model_id]))
        fresh, cached, out = key
        found, least, least_name = pool[0][4], -1, ""
        for i, c, o, name, host in pool:
            cost = fresh * i + cached * c + out * o
            if least < 0 or cost < least or (cost == least and name < least_name):
                found, least, least_name = host, cost, name
        return found

    def priced(self, host: Host, cost_key: int, den: int) -> PriceView:
        """The host's price view, with the workload's cost (`Host.cost_key`, see `usd`): a copy of the
        one made on first use."""
        if (view := self._prices.get(id(host))) is None:
            view = self._prices[id(host)] = host.view(None)
        return replaced(view, workload_cost=usd(cost_key, den))

    def model(self, catalog: ReadModel, category: Category, model_id: str, price: PriceView) -> ModelView:
        """The model's view in the category, as made on first use (with `price`, its price then): the
        caller replaces what depends on the question (its prices and hosts shown)."""
        if (view := self._models.get((category.name, model_id))) is None:
            model = catalog.models[model_id]
            live_hosts, own = self.hosts(catalog, model_id)
            successor = catalog.models.get(model.successor_id or "")
            view = self._models[(category.name, model_id)] = ModelView(
                id=model.id,
                name=model.name,
                lab=model.lab,
                open_weights=model.open_weights,
                license=model.license,
                quality=self.quality(catalog, category, model.id),
                release_date=model.release_date,
                curated=model.curated,
                price=price,
                lab_api=own is not None,
                cheapest=None,
                hosts=len(live_hosts),
                successor_id=model.successor_id,
                successor_name=successor.name if successor else None,
            )
        return view

    def hosts(self, catalog: ReadModel, model_id: str) -> tuple[list[Host], Host | None]:
        """The model's live hosts, and its lab offering (`_lab_offering`)."""
        if (found := self._hosts.get(model_id)) is None:
            hosts = catalog.hosts.get(model_id, ())
            own = _lab_offering(hosts, catalog.models[model_id].lab_provider_id, catalog.imported)
            found = self._hosts[model_id] = ([h for h in hosts if not h.retired], own)
        return found

    def quality(self, catalog: ReadModel, category: Category, model_id: str) -> QualityView | None:
        key = (category.name, model_id)
        if key not in self._quality:
            rating = catalog.quality[category.name].get(model_id)
            self._quality[key] = rating.view(category) if rating else None
        return self._quality[key]


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


def _fixed_for(catalog: ReadModel) -> _Fixed:
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
