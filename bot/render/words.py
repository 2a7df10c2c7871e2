"""Wording shared by every renderer: numbers, workloads, error messages, footnotes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import assert_never

from bot.contract.actor import CLI_USER, Actor
from bot.contract.answers import AlternativesAnswer, AuditAnswer, CompareAnswer
from bot.contract.errors import UserError, user_message
from bot.contract.views import (
    LifecycleNote,
    ListRow,
    ModelView,
    PriceView,
    PricingView,
    QualityView,
    ScoreEntry,
    WorkloadView,
)
from bot.domain.evidence import not_for_commercial
from bot.domain.prices import KEYS, fmt_cost, fmt_usd, split_windows
from bot.domain.scores import STYLE_SOURCE
from bot.domain.snapshots import snapshot_listing
from bot.domain.variants import variant_label


def tokens(n: int) -> str:
    for size, suffix in ((10**9, "B"), (10**6, "M"), (10**3, "k")):
        if n >= size:
            if n % size == 0:
                return f"{n // size}{suffix}"
            value = Decimal(n) / size
            return f"{value.normalize():f}{suffix}"
    return str(n)


def workload(w: WorkloadView) -> str:
    text = f"{tokens(w.input_tokens)} in + {tokens(w.output_tokens)} out"
    if w.cached_share:
        text += f", {(w.cached_share * 100).normalize():f}% cached"
    if w.cache_write_tokens:
        text += f", {tokens(w.cache_write_tokens)} cache writes"
    if w.cache_write_1h_tokens:
        text += f", {tokens(w.cache_write_1h_tokens)} 1h cache writes"
    if w.prompt_tokens is not None:
        text += f", {tokens(w.prompt_tokens)} prompts"
    if w.service_tier != "standard":
        text += f", {w.service_tier}"
    if w.offpeak:
        text += ", off-peak"
    if w.team_default:
        text += " (the team's default workload)"
    return text


def plain_workload(w: WorkloadView) -> bool:
    """Volumes and a cached share only: priced as before issue 27, no "how priced" needed."""
    return (
        not w.cache_write_tokens
        and not w.cache_write_1h_tokens
        and w.prompt_tokens is None
        and w.service_tier == "standard"
        and not w.offpeak
    )


def priced_at(m: ModelView) -> str | None:
    """'GPT-5.5 at OpenAI: $81.50, above 272k, batch; no off-peak price known', or why it is left out."""
    p = m.pricing
    if p is None:
        return None
    if p.cost is None:
        return f"{m.name}: left out, it {p.left_out or 'has no price'}"
    text = f"{m.name} at {p.provider_name}: {fmt_cost(p.cost)}"
    if p.tiers:
        text += ", " + ", ".join(p.tiers)
    if p.lacking:
        text += "; " + ", ".join(f"no {t} price known" for t in p.lacking)
    return text


def cost_parts(p: PricingView) -> str:
    """'input 6M x $5 = $30 · output 2M x $22.50 = $45'."""
    return " · ".join(
        f"{c.part} {tokens(c.tokens)} x {fmt_usd(c.mtok)} = {fmt_cost(c.cost)}" for c in p.parts
    )


def cost_sources(p: PricingView) -> str:
    """'prices from LiteLLM (input, output) and genai-prices 0.2.3 snapshot (cache reads)'."""
    by_source: dict[str, list[str]] = {}
    for c in p.parts:
        by_source.setdefault(c.source, []).append(c.part)
    named = [f"{source} ({', '.join(parts)})" for source, parts in by_source.items()]
    return "prices from " + (" and ".join(named) if len(named) <= 2 else ", ".join(named))


def pricing_lines(m: ModelView) -> list[str]:
    """How a model's workload was priced, for a "how priced" section: the host and tiers, the parts,
    whose prices, how a missing one was filled in, and a cheaper host without what was asked."""
    p = m.pricing
    head = priced_at(m)
    if p is None or head is None:
        return []
    if p.cost is None:
        return [head]
    lines = [head, f"  {cost_parts(p)}", f"  {cost_sources(p)}"]
    lines += [f"  {n}" for n in p.notes]
    if p.cheaper_without:
        lines.append(f"  cheaper still: {p.cheaper_without}")
    return lines


def times(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}x" if value < 10 else f"{value.quantize(Decimal('0.1'))}x"


def offpeak(p: PriceView) -> str | None:
    """'off-peak 04:00–06:00 and 10:00–01:00 UTC: $0.15 / $0.60': every window, one price."""
    if not p.offpeak_window:
        return None
    spans = [w.replace("-", "–") for w in split_windows(p.offpeak_window)]
    hours = ", ".join(spans[:-1]) + " and " + spans[-1] if len(spans) > 1 else spans[0]
    return f"off-peak {hours} UTC: {fmt_usd(p.offpeak_input_mtok)} / {fmt_usd(p.offpeak_output_mtok)}"


def status(s: PriceView | ModelView | ListRow) -> str | None:
    """'retired 2026-10-23', 'deprecated, retires 2026-12-11', 'deprecated'; None when active."""
    match s.status:
        case "active":
            return None
        case "retired":
            return f"retired {s.status_date.isoformat()}" if s.status_date else "retired"
        case "deprecated":
            return f"deprecated, retires {s.status_date.isoformat()}" if s.status_date else "deprecated"
        case _:
            assert_never(s.status)


def host(p: PriceView) -> str:
    """The host's name, with its status when it is not active: 'OpenAI (retired 2026-10-23)'."""
    mark = status(p)
    return f"{p.provider_name} ({mark})" if mark else p.provider_name


def lifecycle(m: ModelView) -> str | None:
    """The sentences a model card or comparison says of a model that is not active, or None: since
    when, what its lab now answers it with and bills, the model to use instead and what the same
    workload costs there, and the lab's page it comes from."""
    if m.status == "active":
        return None
    where = f"{m.name} at {m.price.provider_name}"
    if m.status == "retired":
        text = (
            f"{where} was retired on {m.status_date.isoformat()}" if m.status_date else f"{where} is retired"
        )
        text += "; its last price is shown."
    elif m.status_date:
        text = f"{where} is deprecated and retires on {m.status_date.isoformat()}."
    else:
        text = f"{where} is deprecated by its provider."
    r = m.redirect
    if r is not None and m.status == "retired":
        text += f" {m.price.provider_name} now answers requests to it with {r.name} (`{r.id}`)"
        text += f" and bills {r.name}'s price: {_costs(r.price)}." if r.price else "."
    instead = m.replacement
    if instead is not None and (r is None or instead.id != r.id or m.status != "retired"):
        via = f" (via {', '.join(instead.via)})" if instead.via else ""
        text += f" Its successor: {instead.name} (`{instead.id}`){via}"
        text += f", {_costs(instead.price)}." if instead.price else "."
    elif instead is None and m.successor_id and m.status == "retired":
        text += f" Its successor: {m.successor_name or m.successor_id} (`{m.successor_id}`)."
    if m.lifecycle_source and m.lifecycle_checked:
        text += f" Source: {m.lifecycle_source}, checked {m.lifecycle_checked.isoformat()}."
    return text


def deprecation(n: LifecycleNote) -> str:
    """'o3 is deprecated: its lab retires it on 2026-12-11. Successor: GPT-5.5.'"""
    when = f"its lab retires it on {n.retires_on.isoformat()}" if n.retires_on else "no retirement day yet"
    successor = f" Successor: {n.successor_name}." if n.successor_name else ""
    return f"{n.model_name} is deprecated: {when}.{successor}"


def imported(m: ModelView) -> list[str]:
    """What each row at the lab's API that is not the lab's price is: 'genai-prices lists gpt-oss-120b at
    OpenAI for $0.039 / $0.18: not OpenAI's own price (…)'."""
    out = []
    for row in m.imported:
        what = f"{row.copied_from}'s price" if row.copied_from else f"not {row.host}'s own price"
        out.append(
            f"genai-prices lists {m.name} at {row.host} (`{row.provider_model_id}`) for "
            f"{fmt_usd(row.input_mtok)} / {fmt_usd(row.output_mtok)}: {what}, not shown as its lab API "
            f"({row.reason})."
        )
    return out


def _costs(p: PriceView) -> str:
    """'$1.25 / $2.50 per 1M tokens at xAI, $18.50 for this workload'."""
    text = f"{fmt_usd(p.input_mtok)} / {fmt_usd(p.output_mtok)} per 1M tokens at {p.provider_name}"
    return text + (f", {fmt_usd(p.workload_cost)} for this workload" if p.workload_cost is not None else "")


def changed(p: PriceView) -> str:
    """When the price last changed: the day it took effect or a sync or an admin set it; for a
    snapshot's undated price, the release it is listed in (never the day the catalog was seeded)."""
    if p.changed_on is not None:
        return f"{p.changed_on.isoformat()}, from {actor(p.source)}"
    if p.source.kind == "snapshot":
        return f"as listed in {snapshot_listing(p.source.id)}"
    return f"from {actor(p.source)}"


def price_sources(prices: list[PriceView]) -> str:
    """'genai-prices 0.2.3 (released November 2026)' and the other sources of the prices shown."""
    seen: dict[str, None] = {}
    for p in prices:
        seen.setdefault(snapshot_listing(p.source.id) if p.source.kind == "snapshot" else actor(p.source))
    return "; ".join(seen)


def context(p: PriceView, model_window: int | None = None) -> str:
    """'400,000 tokens', or the input limit and the total where they differ: '272,000 in / 400,000 total';
    where the host says none, the model's as models.dev gives it."""
    window, limit = p.context_window, p.input_limit
    if limit and window:
        return f"{limit:,} in / {window:,} total tokens"
    if limit:
        return f"{limit:,} input tokens"
    if window:
        return f"{window:,} tokens"
    return f"{model_window:,} tokens (models.dev)" if model_window else "unknown"


def actor(a: Actor) -> str:
    """Who made a change, as plain text: 'admin U123', 'the feed https://…', a snapshot's name.
    The terminal shows this; Slack renders admins its own way (a mention, or a display name)."""
    match a.kind:
        case "admin":
            return "the terminal operator" if a.id == CLI_USER else f"admin {a.id}"
        case "feed":
            return f"the feed {a.id}"
        case "snapshot":
            return a.id
        case _:
            assert_never(a.kind)


def quality(m: ModelView) -> str:
    """'LMArena 1427 (2025-12-17)', 'LMArena coding 1476 ...', a labelled floor, or the team's own."""
    q = m.quality
    if q is None:
        return "no LMArena score"
    # A snapshot makes each model's score once, and every view of the model shares it: said once too.
    # The entry holds the score, so its id can't be another's while it is kept.
    if (said := _said.get(id(q))) is not None and said[0] is q:
        return said[1]
    if len(_said) >= SAID_KEPT:
        _said.clear()
    text = _said_of(q)
    _said[id(q)] = (q, text)
    return text


SAID_KEPT = 4096
_said: dict[int, tuple[QualityView, str]] = {}


def _said_of(q: QualityView) -> str:
    where = "" if q.category == "overall" else f" {q.category_label}"
    if q.floor_from:
        return f"no LMArena{where} score yet; using {floor_source(q)}'s {q.score} as a floor"
    if q.team:
        by = f" by {actor(q.set_by)}" if q.set_by else ""
        return f"the team's{where} score {q.score} (set{by} {q.as_of.isoformat()})"
    effort = f", {variant_label(q.variant)}" if q.variant else ""
    return f"LMArena{where} {q.score}{effort} ({q.as_of.isoformat()})"


def floor_source(q: QualityView) -> str:
    """Whose score a floor is: 'Claude Sonnet 4.5', 'Claude Opus 5 (high effort)'."""
    return f"{q.floor_from} ({variant_label(q.variant)})" if q.variant else f"{q.floor_from}"


def score(m: ModelView) -> str:
    """The bare score for tables: '1427', '≥1427' for a floor, '1460 (team)'."""
    q = m.quality
    if q is None:
        return "—"
    if q.floor_from:
        return f"≥{q.score}"
    return f"{q.score} (team)" if q.team else str(q.score)


def quality_sources(models: list[ModelView], today: date | None = None) -> str | None:
    """'Quality: LMArena text (coding), published 2026-08-19, 110 days ago; the plain board, not
    style-controlled.' for the scores shown, or None."""
    day = today or datetime.now(UTC).date()
    shown = [m.quality for m in models if m.quality and not m.quality.team]
    dates = sorted({q.as_of for q in shown})
    cats = sorted({m.quality.category_label for m in models if m.quality})
    if not dates:
        return None
    what = f" ({', '.join(cats)})" if cats and cats != ["overall"] else ""
    when = ", ".join(f"{d.isoformat()}, {_ago((day - d).days)}" for d in dates)
    if any(q.source == STYLE_SOURCE for q in shown):
        return f"Quality: LMArena text{what}, published {when}; the style-controlled board."
    return f"Quality: LMArena text{what}, published {when}; the plain board, not style-controlled."


def _ago(days: int) -> str:
    return "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"


def score_gap(m: ModelView, target: ModelView) -> str:
    """An alternative's score against the target's: '-8', '+3', '—'."""
    if m.quality is None or target.quality is None:
        return "—"
    return f"{m.quality.score - target.quality.score:+d}"


def score_head(a: AlternativesAnswer) -> str:
    return "LMArena" if a.category == "overall" else f"LMArena {a.category}"


def ranking(a: AlternativesAnswer) -> str:
    if a.ranked_by == "score":
        return f"Comparable open-weights models that cost less, best {a.category} score first"
    return "Comparable open-weights models that cost less, cheapest first"


def nearest_intro(a: AlternativesAnswer) -> str:
    return (
        f"None is within reach of {a.target.name}'s score; the best scored open-weights models that cost "
        "less, below the bar"
    )


def score_move(s: ScoreEntry) -> str:
    """'the team's coding score 1490 (was 1476)', 'LMArena overall 1427 → 1440', 'team's score unset'."""
    if s.team:
        if s.new is None:
            return f"the team's {s.category_label} score unset (was {s.old})"
        was = f" (was {s.old})" if s.old is not None else ""
        return f"the team's {s.category_label} score {s.new}{was}"
    return f"LMArena {s.category_label} {s.old} → {s.new}"


def audit_summary(a: AuditAnswer) -> str:
    open_count = sum(1 for d in a.disagreements if not d.resolved_by_team)
    return (
        f"Cross-check against LiteLLM, {a.as_of.isoformat()}: at the labs' own APIs {a.models_agreeing} of "
        f"{a.models_compared} models agree on every field; over all hosts {a.offerings_agreeing} of "
        f"{a.offerings_compared} offerings do. {open_count} disagreement(s) open, "
        f"{len(a.retired)} retired offering(s) still listed. Lifecycle sources disagree on "
        f"{len(a.lifecycle)} offering(s). At the labs' APIs, {len(a.imported)} row(s) are another host's "
        f"price or a model the lab does not sell, and {len(a.unconfirmed)} price(s) no second source "
        "confirms."
    )


def second_opinion(p: PriceView) -> str | None:
    """'LiteLLM lists $0.28 / $0.40 (cached $0.028)': the second source, where it differs by over 1%."""
    o = p.second_opinion
    if o is None:
        return None
    cached = f" (cached {fmt_usd(o.cache_read_mtok)})" if o.cache_read_mtok is not None else ""
    return f"{o.source} lists {fmt_usd(o.input_mtok)} / {fmt_usd(o.output_mtok)}{cached}"


def hosts_line(m: ModelView) -> str:
    """'5 of 7 live hosts shown, cheapest first; all: `r1 hosts`.'"""
    shown = len(m.top_hosts)
    if shown and shown < m.hosts:
        return f"{shown} of {m.hosts} live hosts shown, cheapest first; all of them: `{m.id} hosts`."
    return f"Served by {m.hosts} live host{'s' if m.hosts != 1 else ''} in the catalog."


def weights_source(m: ModelView) -> str | None:
    """'Weights: LMArena text 2026-08-19 (MIT); models.dev 2026-07-02 (zhipuai) says closed.'"""
    return f"Weights: {m.weights_source}." if m.weights_source else None


def weights(m: ModelView) -> str:
    if m.open_weights is None:
        return "weights: unknown"
    licence = f", {m.license}" if m.license else ""
    if m.open_weights and not_for_commercial(m.license):
        licence += ", not for commercial use"
    return ("open weights" if m.open_weights else "closed weights") + licence


def ratio_sentence(answer: CompareAnswer) -> str | None:
    """'o1 costs 27.4x more than DeepSeek R1 on output (27.3x on input; 27.3x for the workload).'"""
    if answer.cheapest_id is None:
        return None
    cheap = next(m for m in answer.models if m.id == answer.cheapest_id)
    parts = []
    for m in answer.models:
        if m.id == cheap.id:
            continue
        out, inp, cost = answer.output_ratio[m.id], answer.input_ratio[m.id], answer.cost_ratio[m.id]
        if out == 1:
            lead = f"{m.name} costs the same as {cheap.name} on output"
        else:
            lead = f"{m.name} costs {times(out)} as much as {cheap.name} on output"
        parts.append(f"{lead} ({_same_or(inp)} on input; {_same_or(cost)} for the workload).")
    return " ".join(parts) or None


def _same_or(value: Decimal | None) -> str:
    return "the same" if value == 1 else times(value)


def alternatives_intro(answer: CompareAnswer | AlternativesAnswer) -> str:
    target = (
        answer.target
        if isinstance(answer, AlternativesAnswer)
        else next(m for m in answer.models if m.id == answer.alternatives_for)
    )
    return f"Open-weights models of comparable quality that cost less than {target.name}"


def error_message(exc: UserError) -> str:
    """The friendly reply for an expected error."""
    return user_message(exc)


def price_line(prices: dict[str, Decimal | None] | None) -> str:
    """'in $15 · out $60 · cached $7.50' for the prices that are set."""
    if prices is None:
        return "new"
    return " · ".join(
        f"{k.short} {fmt_usd(prices.get(k.name))}" for k in KEYS if prices.get(k.name) is not None
    )


def moves(
    old: dict[str, Decimal | None] | None, new: dict[str, Decimal | None], pct: dict[str, Decimal | None]
) -> list[str]:
    """['output $60 → $50 (-16.7%)', ...] for each price that changed (all of them for a new offering)."""
    out = []
    for k in KEYS:
        before = old.get(k.name) if old else None
        after = new.get(k.name)
        if old is not None and before == after:
            continue
        if before is None and after is None:
            continue
        change = f" ({pct[k.name]:+}%)" if pct.get(k.name) is not None else ""
        out.append(f"{k.label} {fmt_usd(before) if old else 'new'} → {fmt_usd(after)}{change}")
    return out
