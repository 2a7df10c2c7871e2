"""Wording shared by every renderer: numbers, workloads, error messages, footnotes."""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from bot.ask import NeedsChannelError, NotAdminError
from bot.catalog.answers import (
    CLI_USER,
    Actor,
    AlternativesAnswer,
    CompareAnswer,
    ModelView,
    PriceView,
    WorkloadView,
)
from bot.catalog.compare import NoPriceError
from bot.catalog.edits import EditError
from bot.catalog.lookup import UnknownModelError
from bot.catalog.prices import fmt_usd
from bot.query import EXAMPLES, QueryError


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
    if m.arena_score is None:
        return "no LMArena score"
    return f"LMArena {m.arena_score} ({m.quality_date.isoformat() if m.quality_date else 'undated'})"


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
        parts.append(
            f"{m.name} costs {times(out)} as much as {cheap.name} on output "
            f"({times(inp)} on input; {times(cost)} for the workload)."
        )
    return " ".join(parts) or None


def alternatives_intro(answer: CompareAnswer | AlternativesAnswer) -> str:
    target = (
        answer.target
        if isinstance(answer, AlternativesAnswer)
        else next(m for m in answer.models if m.id == answer.alternatives_for)
    )
    return f"Open-weights models of comparable quality that cost less than {target.name}"


def error_message(exc: Exception) -> str:
    """The friendly reply for an expected error."""
    if isinstance(exc, UnknownModelError):
        name = exc.name if len(exc.name) <= 60 else exc.name[:60] + "…"
        if exc.ambiguous:
            lead = f"'{name}' could mean more than one model."
        else:
            lead = f"I don't know a model called '{name}'."
        if exc.suggestions:
            return lead + " Did you mean: " + ", ".join(f"{n} (`{i}`)" for i, n in exc.suggestions) + "?"
        return lead + " Try `list` to see the models I know."
    if isinstance(exc, (QueryError, NoPriceError, EditError, NotAdminError, NeedsChannelError)):
        return str(exc)
    raise exc


EXPECTED_ERRORS = (QueryError, UnknownModelError, NoPriceError, EditError, NotAdminError, NeedsChannelError)


def price_line(prices: dict[str, Decimal | None] | None) -> str:
    """'in $15 · out $60 · cached $7.50' for the prices that are set."""
    if prices is None:
        return "new"
    labels = {
        "input_mtok": "in",
        "output_mtok": "out",
        "cache_read_mtok": "cached",
        "cache_write_mtok": "cache write",
    }
    return " · ".join(
        f"{label} {fmt_usd(prices.get(k))}" for k, label in labels.items() if prices.get(k) is not None
    )


def moves(
    old: dict[str, Decimal | None] | None, new: dict[str, Decimal | None], pct: dict[str, Decimal | None]
) -> list[str]:
    """['output $60 → $50 (-16.7%)', ...] for each price that changed (all of them for a new offering)."""
    labels = {
        "input_mtok": "input",
        "output_mtok": "output",
        "cache_read_mtok": "cached input",
        "cache_write_mtok": "cache write",
    }
    out = []
    for key, label in labels.items():
        before = old.get(key) if old else None
        after = new.get(key)
        if old is not None and before == after:
            continue
        if before is None and after is None:
            continue
        change = f" ({pct[key]:+}%)" if pct.get(key) is not None else ""
        out.append(f"{label} {fmt_usd(before) if old else 'new'} → {fmt_usd(after)}{change}")
    return out


__all__ = ["EXAMPLES", "error_message"]
