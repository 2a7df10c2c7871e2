"""Wording shared by every renderer: numbers, workloads, error messages, footnotes."""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from bot.catalog.answers import (
    CLI_USER,
    Actor,
    AlternativesAnswer,
    AuditAnswer,
    CompareAnswer,
    ModelView,
    PriceView,
    ScoreEntry,
    WorkloadView,
)
from bot.catalog.prices import KEYS, fmt_usd
from bot.errors import UserError, user_message


def tokens(n: int) -> str:
    for size, suffix in ((10**9, "B"), (10**6, "M"), (10**3, "k")):
        if n >= size:
            value = Decimal(n) / size
            return f"{value.normalize():f}{suffix}"
    return str(n)


def workload(w: WorkloadView) -> str:
    text = f"{tokens(w.input_tokens)} in + {tokens(w.output_tokens)} out"
    if w.cached_share:
        text += f", {(w.cached_share * 100).normalize():f}% cached"
    return text


def times(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}x" if value < 10 else f"{value.quantize(Decimal('0.1'))}x"


def offpeak(p: PriceView) -> str | None:
    if not p.offpeak_window:
        return None
    start, _, end = p.offpeak_window.partition("-")
    return f"off-peak {start}–{end} UTC: {fmt_usd(p.offpeak_input_mtok)} / {fmt_usd(p.offpeak_output_mtok)}"


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
    where = "" if q.category == "overall" else f" {q.category_label}"
    if q.floor_from:
        return f"no LMArena{where} score yet; using {q.floor_from}'s {q.score} as a floor"
    if q.team:
        by = f" by {actor(q.set_by)}" if q.set_by else ""
        return f"the team's{where} score {q.score} (set{by} {q.as_of.isoformat()})"
    return f"LMArena{where} {q.score} ({q.as_of.isoformat()})"


def score(m: ModelView) -> str:
    """The bare score for tables: '1427', '≥1427' for a floor, '1460 (team)'."""
    q = m.quality
    if q is None:
        return "—"
    if q.floor_from:
        return f"≥{q.score}"
    return f"{q.score} (team)" if q.team else str(q.score)


def price_sources(models: list[ModelView]) -> str:
    """'genai-prices 0.2.3 snapshot, 2026-11-29; admin U123, 2026-12-01': who set the prices shown, when."""
    seen: dict[str, str] = {}
    for m in models:
        for p in (m.price, m.cheapest):
            if p is not None:
                seen.setdefault(actor(p.source), p.changed_at.date().isoformat())
    return "; ".join(f"{src}, {day}" for src, day in seen.items())


def quality_sources(models: list[ModelView]) -> str | None:
    """'Quality: LMArena text (coding), 2025-12-17.' for the scores shown, or None."""
    dates = sorted({m.quality.as_of.isoformat() for m in models if m.quality and not m.quality.team})
    cats = sorted({m.quality.category_label for m in models if m.quality})
    if not dates:
        return None
    what = f" ({', '.join(cats)})" if cats and cats != ["overall"] else ""
    return f"Quality: LMArena text{what}, {', '.join(dates)}."


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
        f"{len(a.retired)} retired offering(s) still listed."
    )


def weights(m: ModelView) -> str:
    if m.open_weights is None:
        return "weights: unknown"
    licence = f", {m.license}" if m.license else ""
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
