"""Questions about prices and models (compare, a model card, alternatives, list, help, charts), as typed
answers: `read` dispatches them.

Every answer here is computed from the in-memory read model (bot.read.model) alone: no database, no
SQLAlchemy. Costs are ranked on integers; views (bot.read.views) are built only for the models shown.
bot.commands.ask runs these for every surface; the CLI also calls `read` directly when the read model
kept on disk still holds (a cold `modelcost ask`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import assert_never

from bot.contract import requests
from bot.contract.answers import (
    AlternativesAnswer,
    Answer,
    CompareAnswer,
    HelpAnswer,
    ListAnswer,
    ModelAnswer,
)
from bot.contract.errors import QueryError
from bot.contract.requests import CatalogRead, Workload
from bot.contract.views import AlternativeView, ListRow, ModelView
from bot.domain.categories import OVERALL, Category, find_category
from bot.domain.comparable import COMPARABLE_MARGIN, comparable_rule
from bot.domain.help import HELP, HELP_FOOTNOTE
from bot.domain.names import normalise
from bot.domain.prices import DEFAULT_WORKLOAD, fmt_cost, ratio
from bot.domain.variants import variant_label
from bot.domain.workloads import workload_view
from bot.read.model import Candidate, ReadModel, work_key
from bot.read.views import TOP_HOSTS, choice_for, fixed_for, model_views

LIST_LIMIT = 40
ALTERNATIVES_LIMIT = 8  # the best few; `cheaper o1 --all` (a More button in Slack) shows the rest
# `--all`: every one, as the "… and N more" of the best eight promises (49 for o1 since issue 25's hosts);
# still bounded, within one Slack message (about 150 characters a line, packed into 3,000-character sections).
ALL_ALTERNATIVES = 200
COMPARE_ALTERNATIVES = 3
NEAREST = 3
OPEN_FILTERS = ("open", "open weights", "open-weights", "oss")


def show_model(
    catalog: ReadModel,
    name: str,
    workload: Workload | None = None,
    category: Category = OVERALL,
    *,
    all_hosts: bool = False,
    team_default: bool = False,
) -> ModelAnswer:
    work = workload or DEFAULT_WORKLOAD
    index = catalog.index
    shown = 999 if all_hosts else TOP_HOSTS
    view = model_views(
        catalog, [index.resolve(name)], work, category, top_hosts=shown, explain=_explained(workload)
    )[0]
    _fits(view, work)
    return ModelAnswer(
        model=view, workload=workload_view(workload, team_default=team_default), notes=index.notes([name])
    )


def _fits(view: ModelView, work: Workload) -> None:
    """A model asked about alone (its card, or alternatives to it) must take the workload's prompts."""
    if view.pricing is not None and view.pricing.left_out:
        raise QueryError(
            f"{view.name} {view.pricing.left_out}: prompts of {work.prompt_tokens:,} tokens don't fit. "
            "Give a smaller `prompts` size, or compare it with models that take longer prompts."
        )


def workload_cost_of(view: ModelView, work: Workload) -> Decimal | None:
    """The cost a comparison ranks a model by: its lab offering's (or cheapest host's) for volumes and a
    cached share, as always; for a workload beyond them (issue 27), at its cheapest host offering what
    was asked (None: left out)."""
    if work.plain or view.pricing is None:
        return view.price.workload_cost
    return view.pricing.cost


def compare_models(
    catalog: ReadModel,
    names: list[str],
    workload: Workload | None = None,
    category: Category = OVERALL,
    *,
    team_default: bool = False,
) -> CompareAnswer:
    index = catalog.index
    ids: list[str] = []
    for name in names:
        model_id = index.resolve(name)
        if model_id not in ids:
            ids.append(model_id)
    work = workload or DEFAULT_WORKLOAD
    views = model_views(catalog, ids, work, category, explain=_explained(workload))
    costs = {v.id: workload_cost_of(v, work) for v in views}
    costed = [v for v in views if costs[v.id] is not None]
    cheapest = min(costed, key=lambda v: costs[v.id] or 0, default=None)
    base = cheapest.price if cheapest else None
    alternatives_for: str | None = None
    alternatives: list[AlternativeView] = []
    dearest = max(costed, key=lambda v: costs[v.id] or 0, default=None)
    if dearest is not None and not dearest.open_weights and dearest.quality is not None:
        alternatives_for = dearest.id
        alternatives, _, _ = _alternatives(
            catalog, dearest, work, category, limit=COMPARE_ALTERNATIVES, exclude=frozenset(ids)
        )
    return CompareAnswer(
        models=views,
        workload=workload_view(workload, team_default=team_default),
        cheapest_id=cheapest.id if cheapest and len(views) > 1 else None,
        input_ratio={v.id: ratio(v.price.input_mtok, base.input_mtok if base else None) for v in views},
        output_ratio={v.id: ratio(v.price.output_mtok, base.output_mtok if base else None) for v in views},
        cost_ratio={v.id: ratio(costs[v.id], costs[cheapest.id] if cheapest else None) for v in views},
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
    team_default: bool = False,
) -> AlternativesAnswer:
    """Cheaper open-weights models of comparable quality: by cost, or by the category's score when a
    category was asked for (`cheaper sonnet for coding`)."""
    work = workload or DEFAULT_WORKLOAD
    index = catalog.index
    cat = category or OVERALL
    target = model_views(catalog, [index.resolve(name)], work, cat, explain=_explained(workload))[0]
    _fits(target, work)
    quality = target.quality
    min_score = quality.score - COMPARABLE_MARGIN if quality is not None else None
    footnote = comparable_rule(cat)
    if quality is not None and quality.floor_from:
        whose = quality.floor_from + (f" ({variant_label(quality.variant)})" if quality.variant else "")
        footnote += (
            f" {target.name} has no LMArena {cat.label} score yet; using {whose}'s {quality.score} as a "
            f"floor. A floor is a lower bound: alternatives are judged against {quality.floor_from}, not "
            f"against {target.name} itself, which may score higher."
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
    notes = index.notes([name]) + _won_by_a_tier(catalog, target, work, [*alternatives, *nearest])
    return AlternativesAnswer(
        target=target,
        workload=workload_view(workload, team_default=team_default),
        min_score=min_score,
        alternatives=alternatives,
        footnote=footnote,
        category=cat.name,
        ranked_by="score" if by_score else "cost",
        more=more,
        nearest=nearest,
        notes=notes,
    )


def _won_by_a_tier(
    catalog: ReadModel, target: ModelView, work: Workload, shown: list[AlternativeView]
) -> list[str]:
    """Alternatives cheaper only because of a tier (batch, flex, priority, off-peak) the target has no
    price for: at the target's terms (standard, any hour) they would not be cheaper."""
    lacking = target.pricing.lacking if target.pricing is not None else []
    if work.plain or not lacking or target.pricing is None or target.pricing.cost is None:
        return []
    plain = replace(work, service_tier="standard", offpeak=False)
    notes = []
    for x in shown:
        if x.model.pricing is None or x.model.pricing.lacking:
            continue
        without = choice_for(catalog, x.model.id, plain).best
        if without is not None and without.total >= target.pricing.cost:
            tiers = " and ".join(t for t in x.model.pricing.tiers if t in lacking)
            notes.append(
                f"{x.model.name} wins only by its {tiers} price, which {target.name} has none of: "
                f"without it, {fmt_cost(without.total)} against {fmt_cost(target.pricing.cost)}."
            )
    return notes


def list_models(catalog: ReadModel, filter: str | None = None, *, retired: bool = False) -> ListAnswer:
    """The text models people compare (curated, or with their own LMArena score), or those of a filter,
    at the lab's API or the cheapest host; models their lab has retired, and embedding, image and
    audio models, are left out unless `retired` (`list all`, which shows every model)."""
    scored = {m for m, r in catalog.quality[OVERALL.name].items() if r.floor_from is None}
    # The models people compare first (text, curated or scored), then the rest, each by (lab, name).
    facts = sorted(
        (catalog.models[i] for i in catalog.order),
        key=lambda m: not (m.kind == "text" and (m.curated or m.id in scored)),
    )
    if filter is None and retired:
        models = facts
    elif filter is None:
        models = [m for m in facts if m.kind == "text" and (m.curated or m.id in scored)]
    elif normalise(filter) in OPEN_FILTERS:
        # Newest first: the open models worth a look are this year's, not 2023's.
        models = sorted(
            (m for m in facts if m.open_weights and m.kind == "text"),
            key=lambda m: -(m.release_date.toordinal() if m.release_date else 0),
        )
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
    views = model_views(catalog, [m.id for m in shown], DEFAULT_WORKLOAD, strict=False)
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
    if not work.plain:
        # Issue 27's workloads: every part priced at each candidate's cheapest host offering what was
        # asked (bot.domain.workloads), in Decimal; the target at its own.
        if target.pricing is None or target.pricing.cost is None:
            return [], 0, []
        target_cost = target.pricing.cost

    key = work_key(work)
    # The target's cost on the candidates' integer scale (exact: the Decimal cost is exact); an integer
    # cost is below it exactly when it is below its ceiling.
    below: int | Decimal = math.ceil(target_cost.scaleb(12) * work.cached_share.as_integer_ratio()[1])

    def cost_of(c: Candidate) -> int | Decimal:
        if work.plain:
            return c.cheapest(key)
        choice = choice_for(catalog, c.model_id, work)
        return choice.best.total if choice.best is not None else target_cost

    if not work.plain:
        below = target_cost
    # Which candidates are comparable depends on the target's score alone: sorted out once per score.
    above, below_bar = fixed_for(catalog).comparable(catalog, category, target.quality)
    skipped = exclude | {target.id}
    best: list[tuple[int | Decimal, Candidate]] = []  # comparable and cheaper, best score first
    for c in above:
        if c.model_id not in skipped and (cost := cost_of(c)) < below:
            best.append((cost, c))
    if by_score:
        order = sorted(best, key=lambda x: (-x[1].rating.score, x[0], x[1].model_id))
    else:
        order = sorted(best, key=lambda x: (x[0], x[1].model_id))
    chosen = order[:limit]
    nearest = []
    if not best:
        # None comparable: the best scored of the cheaper ones, shown as below the bar (never as comparable).
        others = [(cost, c) for c in below_bar if c.model_id not in skipped and (cost := cost_of(c)) < below]
        nearest = sorted(others, key=lambda x: (-x[1].rating.score, x[0], x[1].model_id))[:NEAREST]

    def views(found: list[tuple[int | Decimal, Candidate]]) -> list[AlternativeView]:
        out = []
        for view in model_views(catalog, [c.model_id for _, c in found], work, category, strict=False):
            # The cheapest live host's cost: the view's `cheapest` when shown, else its own price (a
            # candidate's hosts are live; workload_cost is normalised, so equal costs are equal Decimals).
            cost = (view.cheapest if view.cheapest is not None else view.price).workload_cost
            if not work.plain and view.pricing is not None:
                cost = view.pricing.cost
            assert cost is not None  # a candidate's hosts have input and output prices
            saving = ((target_cost - cost) / target_cost * 100).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            out.append(AlternativeView(model=view, cost=cost, saving_pct=saving))
        return out

    return views(chosen), len(order) - len(chosen), views(nearest) if nearest else []


def read(catalog: ReadModel, request: CatalogRead) -> Answer:
    """A question about prices and models, answered from the read model alone."""
    team = catalog.default_workload

    def given(w: Workload | None) -> Workload | None:
        """The question's workload, else the team's default (`set workload …`)."""
        return w if w is not None else team

    def by_team(w: Workload | None) -> bool:
        return w is None and team is not None

    match request:
        case requests.HelpRequest():
            return HelpAnswer(commands=HELP, footnote=HELP_FOOTNOTE)
        case requests.ListRequest(filter=f, all=every):
            return list_models(catalog, f, retired=every)
        case requests.ModelRequest(name=name, workload=w, category=c, all_hosts=every):
            return show_model(
                catalog, name, given(w), category_named(c), all_hosts=every, team_default=by_team(w)
            )
        case requests.CompareRequest(names=names, workload=w, category=c):
            return compare_models(catalog, names, given(w), category_named(c), team_default=by_team(w))
        case requests.AlternativesRequest(name=name, workload=w, category=c, all=every):
            cat = category_named(c) if c else None
            return find_alternatives(catalog, name, given(w), cat, every=every, team_default=by_team(w))
        case requests.ChartRequest(names=names, workload=w, category=c):
            ids = [i for n in names for i in catalog.index.resolve_words(n)]
            ids = list(dict.fromkeys(ids))
            if len(ids) > requests.MAX_MODELS:
                raise QueryError(
                    f"I can chart at most {requests.MAX_MODELS} models at once; you gave {len(ids)}."
                )
            if len(ids) == 1:
                cat = category_named(c) if c else None
                return find_alternatives(catalog, ids[0], given(w), cat, team_default=by_team(w))
            return compare_models(catalog, ids, given(w), category_named(c), team_default=by_team(w))
        case _:
            assert_never(request)


def category_named(name: str | None) -> Category:
    return (find_category(name) if name else None) or OVERALL


def _explained(workload: Workload | None) -> bool:
    """Whether model views say how the workload was priced: whenever one was given (the default
    workload, used only to rank, is not explained)."""
    return workload is not None
