"""A usage file's traffic re-priced (`modelcost reprice`): each model at its cheapest live host today,
then the same traffic on its cheapest comparable open-weights alternatives and on named models, every
part priced by the one workload calculator (bot.domain.workloads, through `choice_for`).

Model ids go through the catalog's names (an OpenRouter-style `lab/model` slug by its model part):
ids the catalog doesn't know are listed with suggestions, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from bot.contract.errors import UnknownModelError
from bot.contract.reprice import RepriceAnswer, RepricedModel, RepricedOn, UnknownId
from bot.contract.requests import ServiceTier, Workload
from bot.domain.categories import Category
from bot.domain.usage import Totals, Usage
from bot.read.model import ReadModel
from bot.read.questions import find_alternatives
from bot.read.views import choice_for

ALTERNATIVES = 3  # per model of the file
_MICRO = Decimal("0.000001")


@dataclass(frozen=True)
class Line:
    """A model's traffic in one service tier, as the workload calculator takes it."""

    tier: ServiceTier
    work: Workload


def workload_of(totals: Totals, tier: ServiceTier) -> Workload:
    """The summed traffic as a workload: the cache reads as a share of the input (exact to 60 digits)."""
    with localcontext() as ctx:
        ctx.prec = 60
        share = Decimal(totals.cached) / Decimal(totals.input) if totals.input else Decimal(0)
    return Workload(
        input_tokens=totals.input,
        output_tokens=totals.output,
        cached_share=share,
        cache_write_tokens=totals.writes_5m,
        cache_write_1h_tokens=totals.writes_1h,
        service_tier=tier,
    )


def price_lines(
    catalog: ReadModel, model_id: str, lines: Sequence[Line]
) -> tuple[Decimal | None, list[str], list[str]]:
    """The traffic on one model, each tier at its cheapest live host offering it: cost (None when no
    host prices a part), the hosts used, and the notes (what a host lacked, how a price was filled)."""
    total, hosts, notes = Decimal(0), [], []
    for line in lines:
        best = choice_for(catalog, model_id, line.work).best
        if best is None:
            return None, [], []
        total += best.total
        hosts.append(best.host)
        notes += [f"no {x} price known: standard price" for x in best.lacking if x != "off-peak"]
        notes += list(best.notes)
    return _plain(total), list(dict.fromkeys(hosts)), list(dict.fromkeys(notes))


def _on(catalog: ReadModel, model_id: str, lines: Sequence[Line], today: Decimal | None) -> RepricedOn:
    cost, hosts, notes = price_lines(catalog, model_id, lines)
    saving = _plain(today - cost) if today is not None and cost is not None else None
    pct = (
        (saving / today * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if saving is not None and today
        else None
    )
    return RepricedOn(
        id=model_id,
        name=catalog.models[model_id].name,
        cost=cost,
        saving=saving,
        saving_pct=pct,
        hosts=hosts,
        notes=notes,
    )


def reprice(catalog: ReadModel, usage: Usage, category: Category, on: Sequence[str] = ()) -> RepriceAnswer:
    """The file's traffic today, on alternatives, and on the named models (UnknownModelError for a
    named model the catalog doesn't know: the caller's mistake, unlike an unknown id in the file)."""
    named = [catalog.index.resolve(n) for n in on]
    by_model: dict[str, list[tuple[str, ServiceTier, Totals]]] = {}
    unknown: dict[str, tuple[int, int, list[str]]] = {}
    for (written, tier), totals in usage.totals.items():
        try:
            model_id = resolve(catalog, written)
        except UnknownModelError as exc:
            rows, tokens, _ = unknown.get(written, (0, 0, []))
            unknown[written] = (
                rows + totals.rows,
                tokens + totals.input + totals.output,
                [n for _, n in exc.suggestions],
            )
            continue
        by_model.setdefault(model_id, []).append((written, tier, totals))

    models: list[RepricedModel] = []
    every_line: list[Line] = []
    for model_id, parts in by_model.items():
        lines = _lines(parts)
        every_line += lines
        cost, hosts, notes = price_lines(catalog, model_id, lines)
        billed_parts = [t.billed for _, _, t in parts if t.billed is not None]
        billed = sum(billed_parts, Decimal(0)) if billed_parts else None
        main = max(lines, key=lambda x: x.work.input_tokens + x.work.output_tokens)
        alternatives = []
        if cost is not None:
            found = find_alternatives(
                catalog, model_id, main.work, category if category.name != "overall" else None
            )
            alternatives = [_on(catalog, a.model.id, lines, cost) for a in found.alternatives[:ALTERNATIVES]]
        models.append(
            RepricedModel(
                id=model_id,
                name=catalog.models[model_id].name,
                written=sorted({w for w, _, _ in parts}),
                tiers=list(dict.fromkeys(line.tier for line in lines)),
                rows=sum(t.rows for _, _, t in parts),
                requests=sum(t.requests for _, _, t in parts),
                input_tokens=sum(t.input for _, _, t in parts),
                cached_tokens=sum(t.cached for _, _, t in parts),
                cache_write_tokens=sum(t.writes_5m + t.writes_1h for _, _, t in parts),
                output_tokens=sum(t.output for _, _, t in parts),
                cost=cost,
                hosts=hosts,
                billed=billed,
                billed_difference=_plain(cost - billed) if cost is not None and billed is not None else None,
                alternatives=alternatives,
                notes=notes,
            )
        )
    models.sort(key=lambda m: (-(m.cost or 0), m.id))
    total = sum((m.cost for m in models if m.cost is not None), Decimal(0))
    billed_all = [m.billed for m in models if m.billed is not None]
    return RepriceAnswer(
        format=usage.format.name,
        format_label=usage.format.label,
        rows=usage.rows,
        category=category.name,
        models=models,
        cost=total,
        billed=sum(billed_all, Decimal(0)) if billed_all else None,
        on=[_on(catalog, i, every_line, total) for i in dict.fromkeys(named)] if every_line else [],
        unknown=[
            UnknownId(written=w, rows=r, tokens=t, suggestions=s)
            for w, (r, t, s) in sorted(unknown.items(), key=lambda x: (-x[1][1], x[0]))
        ],
    )


def resolve(catalog: ReadModel, written: str) -> str:
    """A model id as a usage file writes it, through the catalog's names: as written, else (a
    `lab/model` slug, OpenRouter's) its model part. UnknownModelError with suggestions otherwise."""
    try:
        return catalog.index.resolve(written)
    except UnknownModelError:
        if "/" not in written:
            raise
        return catalog.index.resolve(written.rsplit("/", 1)[1])


def _plain(value: Decimal) -> Decimal:
    """To the millionth of a dollar, no trailing zeros, never an exponent: "0.08", "183"."""
    return Decimal(format(value.quantize(_MICRO, ROUND_HALF_UP).normalize(), "f"))


def _lines(parts: list[tuple[str, ServiceTier, Totals]]) -> list[Line]:
    """A model's traffic per tier (ids written differently for one model summed together)."""
    summed: dict[ServiceTier, Totals] = {}
    for _, tier, t in parts:
        s = summed.setdefault(tier, Totals())
        s.input += t.input
        s.output += t.output
        s.cached += t.cached
        s.writes_5m += t.writes_5m
        s.writes_1h += t.writes_1h
    return [Line(tier, workload_of(t, tier)) for tier, t in summed.items()]
