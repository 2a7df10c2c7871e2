"""Reading the catalog: one model, comparisons, cheaper alternatives and lists, as typed answers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

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
)
from bot.catalog.categories import OVERALL, Category
from bot.catalog.changes import current_prices, price_data
from bot.catalog.crosscheck import Facts, Key, second_opinion
from bot.catalog.hosts import display_name
from bot.catalog.lifecycle import live, retired_models, today
from bot.catalog.lifecycle import status as lifecycle_status
from bot.catalog.lookup import name_index, normalise
from bot.catalog.models import Model, Offering, Price, Provider
from bot.catalog.overlay import load_overlay
from bot.catalog.prices import DEFAULT_WORKLOAD, PriceData, Workload, offpeak_columns, ratio, workload_cost
from bot.catalog.quality import COMPARABLE_MARGIN, comparable, comparable_rule, current_scores, with_floors
from bot.catalog.second_source import current_facts
from bot.errors import NoPriceError

LIST_LIMIT = 40
ALTERNATIVES_LIMIT = 8  # the best few; `cheaper o1 --all` (a More button in Slack) shows the rest
ALL_ALTERNATIVES = 40  # within one Slack message
COMPARE_ALTERNATIVES = 3
NEAREST = 3
TOP_HOSTS = 5  # a model card's cheapest hosts; `r1 hosts` lists them all


def resolve(session: Session, name: str) -> str:
    """A typed name -> model id (UnknownModelError with suggestions otherwise)."""
    return name_index(session).resolve(name)


def show_model(
    session: Session,
    name: str,
    workload: Workload | None = None,
    category: Category = OVERALL,
    *,
    all_hosts: bool = False,
) -> ModelAnswer:
    work = workload or DEFAULT_WORKLOAD
    index = name_index(session)
    shown = 999 if all_hosts else TOP_HOSTS
    view = _views(session, [index.resolve(name)], work, category, top_hosts=shown)[0]
    return ModelAnswer(model=view, workload=_workload_view(workload), notes=index.notes([name]))


def compare_models(
    session: Session, names: list[str], workload: Workload | None = None, category: Category = OVERALL
) -> CompareAnswer:
    index = name_index(session)
    ids: list[str] = []
    for name in names:
        model_id = index.resolve(name)
        if model_id not in ids:
            ids.append(model_id)
    work = workload or DEFAULT_WORKLOAD
    views = _views(session, ids, work, category)
    costed = [v for v in views if v.price.workload_cost is not None]
    cheapest = min(costed, key=lambda v: v.price.workload_cost or 0, default=None)
    base = cheapest.price if cheapest else None
    alternatives_for: str | None = None
    alternatives: list[AlternativeView] = []
    dearest = max(costed, key=lambda v: v.price.workload_cost or 0, default=None)
    if dearest is not None and not dearest.open_weights and dearest.quality is not None:
        alternatives_for = dearest.id
        alternatives, _, _ = _alternatives(
            session, dearest, work, category, limit=COMPARE_ALTERNATIVES, exclude=frozenset(ids)
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
    session: Session,
    name: str,
    workload: Workload | None = None,
    category: Category | None = None,
    *,
    every: bool = False,
) -> AlternativesAnswer:
    """Cheaper open-weights models of comparable quality: by cost, or by the category's score when a
    category was asked for (`cheaper sonnet for coding`)."""
    work = workload or DEFAULT_WORKLOAD
    index = name_index(session)
    cat = category or OVERALL
    target = _views(session, [index.resolve(name)], work, cat)[0]
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
    alternatives, more, nearest = _alternatives(session, target, work, cat, limit=limit, by_score=by_score)
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


def list_models(session: Session, filter: str | None = None, *, retired: bool = False) -> ListAnswer:
    """Curated models (or those of a filter), at the lab's API or the cheapest host; models their lab
    has retired are left out unless `retired` (`list all`)."""
    query = select(Model).order_by(Model.lab, Model.name)
    if filter is None:
        query = query.where(Model.curated.is_(True))
    elif normalise(filter) in ("open", "open weights", "open-weights", "oss"):
        query = query.where(Model.open_weights.is_(True))
    else:
        key = normalise(filter)
        hosted = (
            select(Offering.model_id).join(Provider).where(or_(Provider.id == key, Provider.name.ilike(key)))
        )
        query = query.where(or_(Model.lab.ilike(key), Model.lab_provider_id == key, Model.id.in_(hosted)))
    models = list(session.scalars(query))
    if not retired:
        gone = retired_models(session, today())
        models = [m for m in models if m.id not in gone]
    shown = models[:LIST_LIMIT]
    views = {v.id: v for v in _views(session, [m.id for m in shown], DEFAULT_WORKLOAD, strict=False)}
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
        for m in shown
        if (v := views.get(m.id))
    ]
    return ListAnswer(filter=filter, rows=rows, more=len(models) - len(shown), retired=retired)


def _alternatives(
    session: Session,
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

    Costs are compared on plain rows first; full views are built only for the models shown.
    """
    if target.quality is None or target.price.workload_cost is None:
        return [], 0, []
    target_cost = target.price.workload_cost
    if target.cheapest and target.cheapest.workload_cost is not None:
        target_cost = min(target_cost, target.cheapest.workload_cost)
    scores = current_scores(session, category)
    open_ids = set(session.scalars(select(Model.id).where(Model.open_weights.is_(True))))
    on = today()
    open_ids -= retired_models(session, on)  # never suggest a model its lab has retired
    candidates = {m for m in scores if m in open_ids and m != target.id and m not in exclude}
    if not candidates:
        return [], 0, []
    comparable_ids = {m for m in candidates if comparable(scores[m], target.quality)}
    best = _cheapest_costs(session, comparable_ids, work, target_cost)
    if by_score:
        order = sorted(best, key=lambda m: (-scores[m].score, best[m], m))
    else:
        order = sorted(best, key=lambda m: (best[m], m))
    chosen = order[:limit]
    nearest: list[str] = []
    if not best:
        # None comparable: the best scored of the cheaper ones, shown as below the bar (never as comparable).
        best = _cheapest_costs(session, candidates - comparable_ids, work, target_cost)
        nearest = sorted(best, key=lambda m: (-scores[m].score, best[m], m))[:NEAREST]

    def views(ids: list[str]) -> list[AlternativeView]:
        out = []
        for view in _views(session, ids, work, category, strict=False):
            cost = best[view.id]
            saving = ((target_cost - cost) / target_cost * 100).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            out.append(AlternativeView(model=view, cost=cost, saving_pct=saving))
        return out

    return views(chosen), len(order) - len(chosen), views(nearest)


def _cheapest_costs(
    session: Session, model_ids: set[str], work: Workload, below: Decimal
) -> dict[str, Decimal]:
    """Each model's workload cost at its cheapest live host, for those that cost less than `below`."""
    if not model_ids:
        return {}
    newest = aliased(Price)
    rows = session.execute(
        select(Offering.model_id, Price.input_mtok, Price.output_mtok, Price.cache_read_mtok)
        .join(Price, Price.offering_id == Offering.id)
        .where(
            Offering.model_id.in_(model_ids),
            live(today()),
            Price.id
            == select(func.max(newest.id)).where(newest.offering_id == Offering.id).scalar_subquery(),
        )
    ).all()
    best: dict[str, Decimal] = {}
    for model_id, input_mtok, output_mtok, cache_read_mtok in rows:
        if model_id is None or input_mtok is None or output_mtok is None:
            continue
        if not (input_mtok or output_mtok):
            continue  # unpriced, or a free tier (see _usable)
        cost = workload_cost(PriceData(input_mtok, output_mtok, cache_read_mtok), work)
        if cost is not None and cost < below and cost < best.get(model_id, Decimal("Infinity")):
            best[model_id] = cost
    return best


def _workload_view(workload: Workload | None) -> WorkloadView:
    w = workload or DEFAULT_WORKLOAD
    return WorkloadView(
        input_tokens=w.input_tokens,
        output_tokens=w.output_tokens,
        cached_share=w.cached_share,
        given=workload is not None,
    )


def _views(
    session: Session,
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
    if not ids:
        return []
    on = today()
    models = {m.id: m for m in session.scalars(select(Model).where(Model.id.in_(ids)))}
    offerings = session.execute(
        select(Offering, Provider.name)
        .join(Provider)
        .where(Offering.model_id.in_(ids), Offering.retired_at.is_(None))
    ).all()
    prices = current_prices(session, [o.id for o, _ in offerings])
    quality = _quality(session, models, category)
    successors = {m.successor_id for m in models.values() if m.successor_id}
    successor_names = (
        dict(session.execute(select(Model.id, Model.name).where(Model.id.in_(successors))).all())
        if successors
        else {}
    )
    by_model: dict[str, list[tuple[PriceView, int]]] = defaultdict(list)
    facts = current_facts(session)
    for offering, provider_name in offerings:
        row = prices.get(offering.id)
        if row is not None and _usable(row):
            view = _price_view(offering, provider_name, row, work, on, facts)
            by_model[offering.model_id or ""].append((view, row.id))
    imported = load_overlay().imported
    views = []
    for model_id in ids:
        model = models[model_id]
        hosts = [p for p, _ in by_model.get(model_id, [])]
        if not hosts:
            if strict:
                raise NoPriceError(model.name)
            continue
        live_hosts = [p for p in hosts if p.status != "retired"]
        ranked = sorted(live_hosts or hosts, key=_rank)
        own = _lab_offering(by_model[model_id], model.lab_provider_id, imported)
        primary = own or ranked[0]
        best = ranked[0] if live_hosts else None
        cheaper = (
            best
            if best is not None
            and best != primary
            and (primary.status == "retired" or _cost(best) < _cost(primary))
            else None
        )
        status, status_date = (own.status, own.status_date) if own else (primary.status, primary.status_date)
        views.append(
            ModelView(
                id=model.id,
                name=model.name,
                lab=model.lab,
                open_weights=model.open_weights,
                license=model.license,
                quality=quality.get(model.id),
                release_date=model.release_date,
                curated=model.curated,
                price=primary,
                lab_api=own is not None,
                cheapest=cheaper,
                hosts=len(live_hosts),
                status=status,
                status_date=status_date,
                successor_id=model.successor_id,
                successor_name=successor_names.get(model.successor_id or ""),
                top_hosts=ranked[:top_hosts] if live_hosts else [],
            )
        )
    return views


def _rank(p: PriceView) -> tuple[bool, Decimal, str]:
    return (p.workload_cost is None, p.workload_cost or Decimal(0), p.provider_name)


def _lab_offering(
    hosts: list[tuple[PriceView, int]], lab_provider_id: str | None, imported: set[tuple[str, str]]
) -> PriceView | None:
    """The one offering a model card shows as the lab's own API, by one rule:

    1. at the model's lab API (its lab's first API: Z.ai's is zai, not zhipuai);
    2. live before retired;
    3. the lab's own model id before a row genai-prices imported from another host under the lab's
       name (data/catalog.toml `imported`: moonshotai:kimi-k2 is OpenRouter's price, while
       kimi-k2-0711-preview is Moonshot's own);
    4. then the newest price (the latest day it took effect, then the latest row), then the id.
    """
    at_lab = [(p, row_id) for p, row_id in hosts if p.provider_id == lab_provider_id]
    if not at_lab:
        return None

    def order(item: tuple[PriceView, int]) -> tuple[bool, bool, int, int, str]:
        p, row_id = item
        newest = -(p.changed_on.toordinal() if p.changed_on else 0)
        return (
            p.status == "retired",
            (p.provider_id, p.provider_model_id) in imported,
            newest,
            -row_id,
            p.provider_model_id,
        )

    return min(at_lab, key=order)[0]


def _quality(session: Session, models: dict[str, Model], category: Category) -> dict[str, QualityView]:
    """The models' scores in the category, with a labelled floor for those that have none yet."""
    own = current_scores(session, category)  # all of them: a floor may come from any predecessor
    return with_floors(own, models, name_index(session).names)


def _cost(p: PriceView) -> Decimal:
    return p.workload_cost if p.workload_cost is not None else Decimal("Infinity")


def _usable(row: Price) -> bool:
    """A price worth showing: known input and output, and not a free tier (0 / 0)."""
    if row.input_mtok is None or row.output_mtok is None:
        return False
    return bool(row.input_mtok or row.output_mtok)


def _price_view(
    offering: Offering,
    provider_name: str,
    row: Price,
    work: Workload,
    on: date,
    facts: Mapping[Key, Facts] | None = None,  # LiteLLM's, as the catalog holds them; else bundled
) -> PriceView:
    data = price_data(row)
    status, status_date = lifecycle_status(offering.deprecated, offering.retires_on, on)
    # A snapshot's price without a start date has no change date: never the day this catalog was seeded.
    changed_on = row.effective_on or (row.recorded_at.date() if row.source_kind != "snapshot" else None)
    window = offering.context_window
    limit = offering.max_input_tokens
    source_kind = row.source_kind
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
        workload_cost=workload_cost(data, work),
        status=status,
        status_date=status_date,
        second_opinion=second_opinion(
            offering.provider_id, offering.provider_model_id, data, source_kind, facts
        ),
    )
