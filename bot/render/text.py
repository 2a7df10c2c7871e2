"""Typed answers -> plain text for the terminal (small aligned tables) and JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import assert_never

from bot.contract.answers import (
    AliasAnswer,
    AlternativesAnswer,
    Answer,
    AuditAnswer,
    CompareAnswer,
    HelpAnswer,
    HistoryAnswer,
    ListAnswer,
    ModelAnswer,
    ScoreAnswer,
    SetPriceAnswer,
    SubscriptionAnswer,
    WorkloadSetAnswer,
)
from bot.contract.base import as_json
from bot.contract.sync import SyncStatusAnswer, SyncSummary
from bot.contract.views import AlternativeView, ModelView, PriceView
from bot.domain.lifecycle import GENAI_PRICES, LAB_PAGE, LITELLM, MODELS_DEV
from bot.domain.prices import CACHE_WRITE, CACHE_WRITE_1H_MTOK, ExtraPrice, fmt_cost, fmt_usd
from bot.domain.workloads import tier_label
from bot.render import words
from bot.render.sync import status_text, summary_text


def to_json(answer: Answer) -> str:
    return json.dumps(as_json(answer), indent=2, ensure_ascii=False)


def to_text(answer: Answer) -> str:
    match answer:
        case CompareAnswer():
            return _compare(answer)
        case ModelAnswer():
            return _model(answer)
        case AlternativesAnswer():
            return _alternatives(answer)
        case ListAnswer():
            return _list(answer)
        case HelpAnswer():
            return _help(answer)
        case SetPriceAnswer():
            return _set(answer)
        case ScoreAnswer():
            return _score(answer)
        case AuditAnswer():
            return _audit(answer)
        case AliasAnswer():
            return _alias(answer)
        case HistoryAnswer():
            return _history(answer)
        case SubscriptionAnswer():
            return _subscription(answer)
        case WorkloadSetAnswer():
            return _workload_set(answer)
        case SyncStatusAnswer():
            return status_text(answer)
        case SyncSummary():
            return summary_text(answer)
        case _:
            assert_never(answer)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _price_row(name: str, p: PriceView) -> list[str]:
    return [
        name,
        words.host(p),
        fmt_usd(p.input_mtok),
        fmt_usd(p.output_mtok),
        fmt_usd(p.cache_read_mtok),
        fmt_cost(p.workload_cost),
    ]


def _sources(models: list[ModelView]) -> str:
    prices = words.price_sources([p for m in models for p in (m.price, m.cheapest) if p is not None])
    quality = words.quality_sources(models)
    return f"Prices: USD per 1M tokens, from {prices}." + (f" {quality}" if quality else "")


def _notes(models: list[ModelView]) -> list[str]:
    notes = [text for m in models if (text := words.lifecycle(m))]
    notes += [text for m in models for text in words.imported(m)]
    for m in models:
        for p in (m.price, m.cheapest):
            if p is not None and (text := words.offpeak(p)):
                notes.append(f"{m.name} at {p.provider_name}: {text}.")
            if p is not None and (text := words.second_opinion(p)):
                notes.append(f"{m.name} at {p.provider_name}: {text}.")
    return notes


def _compare(a: CompareAnswer) -> str:
    cost_head = words.workload(a.workload)
    rows = []
    for m in a.models:
        rows.append([*_price_row(m.name, m.price), words.times(a.cost_ratio[m.id])])
        if m.cheapest:
            rows.append([*_price_row("  cheapest host", m.cheapest), ""])
    lines = [*a.notes, " vs ".join(m.name for m in a.models), ""]
    lines.append(_table(["model", "host", "input", "output", "cached in", cost_head, "ratio"], rows))
    lines.append("")
    if sentence := words.ratio_sentence(a):
        lines.append(sentence)
    lines += _notes(a.models)
    if a.workload.given and not words.plain_workload(a.workload):
        lines += ["", "How priced:"]
        lines += [f"  {line}" for m in a.models for line in words.pricing_lines(m)]
    if a.alternatives:
        lines += ["", words.alternatives_intro(a) + ":"]
        lines += [_alt_line(x) for x in a.alternatives]
        lines.append(f"More: `cheaper {a.alternatives_for}`.")
    lines += ["", _sources(a.models)]
    return "\n".join(lines)


def _alt_line(x: AlternativeView) -> str:
    best = x.model.cheapest or x.model.price
    return (
        f"  - {x.model.name} ({x.model.lab}, {words.quality(x.model)}): {fmt_cost(x.cost)} at "
        f"{best.provider_name}, {x.saving_pct}% less"
    )


def _model(a: ModelAnswer) -> str:
    m = a.model
    rows = [_price_row("lab API" if m.lab_api else "cheapest host", m.price)]
    hosts = [p for p in m.top_hosts if p != m.price]
    if hosts:
        rows += [_price_row("cheapest hosts" if i == 0 else "", p) for i, p in enumerate(hosts)]
    elif m.cheapest:
        rows.append(_price_row("cheapest host", m.cheapest))
    lines = [*a.notes, f"{m.name} · {m.lab} · {words.weights(m)} · {words.quality(m)}"]
    lines.append(f"Context window: {words.context(m.price, m.context_window)}")
    lines += ["", _table(["", "host", "input", "output", "cached in", words.workload(a.workload)], rows)]
    lines += [words.hosts_line(m), ""]
    if pricing := words.pricing_lines(m):
        lines += ["How priced:", *(f"  {line}" for line in pricing), ""]
    lines += _notes([m])
    lines.append(f"Price {_changed_phrase(m.price)}.")
    if m.open_weights is False:
        lines.append(f"Cheaper open-weights options: `cheaper {m.id}`.")
    lines += ["", _sources([m])]
    if said := words.weights_source(m):
        lines.append(said)
    return "\n".join(lines)


def _changed_phrase(p: PriceView) -> str:
    when = words.changed(p)
    return when if when.startswith("as listed") else f"last changed {when}"


def _alternatives(a: AlternativesAnswer) -> str:
    t = a.target
    target_best = t.cheapest or t.price
    target_cost, target_host = target_best.workload_cost, target_best.provider_name
    if t.pricing is not None and not words.plain_workload(a.workload):
        target_cost, target_host = t.pricing.cost, t.pricing.provider_name or target_host
    lines = [
        *a.notes,
        f"Cheaper than {t.name} ({words.quality(t)}): {fmt_cost(target_cost)} for "
        f"{words.workload(a.workload)} at {target_host}",
        "",
    ]
    if t.pricing is not None and not words.plain_workload(a.workload):
        lines[-1:-1] = [f"  {line}" for line in words.pricing_lines(t)]
    if a.alternatives:
        lines.append(words.ranking(a) + ":")
        lines.append(_alternatives_table(a, a.alternatives))
        if a.more:
            lines.append(f"… and {a.more} more: `cheaper {t.id} --all` (or `modelcost ask … --all`).")
    else:
        lines.append("No open-weights model of comparable quality costs less.")
    if a.nearest:
        lines += ["", words.nearest_intro(a) + ":", _alternatives_table(a, a.nearest)]
    shown = [x.model for x in [*a.alternatives, *a.nearest]]
    lines += ["", a.footnote, _sources([t, *shown])]
    return "\n".join(lines)


def _alternatives_table(a: AlternativesAnswer, alternatives: list[AlternativeView]) -> str:
    rows = []
    for x in alternatives:
        best = x.model.cheapest or x.model.price
        lacking = x.model.pricing.lacking if x.model.pricing is not None else []
        rows.append(
            [
                x.model.name,
                words.score(x.model),
                words.score_gap(x.model, a.target),
                best.provider_name + "".join(f" (no {t} price)" for t in lacking),
                fmt_usd(best.input_mtok),
                fmt_usd(best.output_mtok),
                fmt_cost(x.cost),
                f"-{x.saving_pct}%",
            ]
        )
    head = ["model", words.score_head(a), "vs target", "cheapest host", "input", "output", "cost", "saving"]
    return _table(head, rows)


def _list(a: ListAnswer) -> str:
    if not a.rows:
        return f"No models match '{a.filter}'. Try `list`, `list open`, a lab or a host."
    rows = [
        [
            r.name,
            r.id,
            r.lab,
            "open" if r.open_weights else "",
            r.provider_name + (f" ({mark})" if (mark := words.status(r)) else ""),
            fmt_usd(r.input_mtok),
            fmt_usd(r.output_mtok),
        ]
        for r in a.rows
    ]
    title = f"Models ({a.filter})" if a.filter else "Models"
    lines = [title, "", _table(["model", "id", "lab", "weights", "host", "input", "output"], rows)]
    if a.more:
        lines.append(f"… and {a.more} more; narrow it with a lab or host.")
    lines.append("")
    lines.append("Prices: USD per 1M tokens, at the lab's API or the cheapest host.")
    if not a.retired:
        lines.append("Models their lab has retired are left out: `list all` shows them too.")
    return "\n".join(lines)


def _help(a: HelpAnswer) -> str:
    width = max(len(c) for c, _ in a.commands)
    lines = ["modelcost: LLM API prices, one command away.", ""]
    lines += [f"  {c.ljust(width)}  {d}" for c, d in a.commands]
    return "\n".join([*lines, "", a.footnote])


def _set(a: SetPriceAnswer) -> str:
    c = a.change
    where = f"{c.model_name} at {c.provider_name}"
    if a.unchanged:
        return f"{where} is already {words.price_line(c.new)}. Nothing changed."
    lines = [f"Updated {where} (by {words.actor(a.actor)}):"]
    lines += [f"  {m}" for m in words.moves(c.old, c.new, c.pct)]
    if a.alerts_queued:
        lines.append(
            f"Alert queued for {a.alerts_queued} subscribed channel{'s' if a.alerts_queued != 1 else ''}."
        )
    return "\n".join(lines)


def _score(a: ScoreAnswer) -> str:
    where = f"{a.model_name}'s {a.category_label} score"
    if a.unchanged:
        state = f"the team's {a.team}" if a.team is not None else "the leaderboard's (no team score set)"
        return f"{where} is already {state}. Nothing changed."
    now = "none" if a.new is None else str(a.new)
    before = "no score of its own" if a.old is None else str(a.old)
    if a.team is None:
        who = f"(by {words.actor(a.actor)})"
        return f"Removed the team's {a.category_label} score for {a.model_name} {who}: {before} → {now}."
    return f"{where} is now the team's {a.team} (by {words.actor(a.actor)}), was {before}."


FIELD_LABELS = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cached input",
    "context_window": "context",
}


def _audit(a: AuditAnswer) -> str:
    open_rows = [d for d in a.disagreements if not d.resolved_by_team]
    lines = [words.audit_summary(a), ""]
    if open_rows:
        rows = [
            [
                d.model_name,
                d.host,
                field_label(d.field),
                figure(d.field, d.ours),
                figure(d.field, d.theirs),
            ]
            for d in open_rows
        ]
        lines += [
            f"Disagreements ({len(open_rows)}):",
            _table(["model", "host", "field", "catalog", "LiteLLM"], rows),
            "",
        ]
    settled = [d for d in a.disagreements if d.resolved_by_team]
    if settled:
        lines.append(
            f"Settled by an admin's price ({len(settled)}): "
            + ", ".join(f"{d.model_name} at {d.host}" for d in settled)
        )
        lines.append("")
    if a.retired:
        rows = [[r.model_name, r.host, r.offering, r.deprecation_date.isoformat()] for r in a.retired]
        lines += [
            f"Retired but listed ({len(a.retired)}):",
            _table(["model", "host", "offering", "retired"], rows),
            "",
        ]
    if a.lifecycle:
        sources = [LAB_PAGE, LITELLM, MODELS_DEV, GENAI_PRICES]
        rows = [[r.model_name, r.host, *(r.said.get(s, "—") for s in sources)] for r in a.lifecycle]
        lines += [
            f"Lifecycle sources disagree ({len(a.lifecycle)}):",
            _table(["model", "host", *sources], rows),
            "",
            "Lifecycle: the labs' own pages (data/lifecycle.toml), LiteLLM's deprecation_date, models.dev's "
            "status (its data's day: data/modelsdev/SOURCE.md), genai-prices' deprecated flag.",
        ]
    for title, rows_of in (
        ("Rows at a lab's API that are not its own price (imported)", a.imported),
        ("Prices at a lab's API no second source confirms, unlike the model's other listings", a.unconfirmed),
    ):
        if rows_of:
            rows = [
                [
                    r.model_name,
                    r.host,
                    r.offering,
                    fmt_usd(Decimal(r.input_mtok)),
                    fmt_usd(Decimal(r.output_mtok)),
                    r.reason,
                ]
                for r in rows_of
            ]
            lines += [
                f"{title} ({len(rows_of)}):",
                _table(["model", "host", "offering", "input", "output", "why"], rows),
                "",
            ]
    lines.append(f"Second source: {a.source}. Prices USD per 1M tokens; a difference over 1% counts.")
    return "\n".join(lines)


def field_label(field: str) -> str:
    """An audited field as people say it: "input", "context", "input above 272k (batch)"."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    try:
        extra = ExtraPrice.of(field, Decimal(0))
    except ValueError:
        return field
    kind = {CACHE_WRITE_1H_MTOK: "1-hour cache write", CACHE_WRITE.name: "cache write"}.get(
        extra.key, FIELD_LABELS.get(extra.key, extra.key)
    )
    tier = f" {tier_label(extra.above)}" if extra.above else ""
    return kind + tier + (f" ({extra.service})" if extra.service != "standard" else "")


def figure(field: str, value: str) -> str:
    return f"{int(value):,}" if field == "context_window" else fmt_usd(Decimal(value))


def _workload_set(a: WorkloadSetAnswer) -> str:
    if a.workload is None:
        if a.unchanged:
            return "The team has no default workload. Nothing changed."
        was = words.workload(a.previous) if a.previous else "none"
        return (
            f"Removed the team's default workload (by {words.actor(a.actor)}; it was {was}). Questions "
            "without a workload rank by 10M in + 2M out again."
        )
    now = words.workload(a.workload).removesuffix(" (the team's default workload)")
    if a.unchanged:
        return f"The team's default workload is already {now}. Nothing changed."
    return (
        f"The team's default workload is now {now} (by {words.actor(a.actor)}). Every question without a "
        "workload uses it, and says so; `unset workload` removes it."
    )


def _alias(a: AliasAnswer) -> str:
    if a.removed:
        return f"Removed the alias '{a.alias}' (it meant {a.model_name})."
    return f"'{a.alias}' now means {a.model_name} (`{a.model_id}`)."


def _history(a: HistoryAnswer) -> str:
    scores = [f"{s.at:%Y-%m-%d %H:%M} UTC  {words.score_move(s)}  ({words.actor(s.actor)})" for s in a.scores]
    score_lines = ["", "Quality score changes (newest first)", "", *scores] if scores else []
    if not a.entries:
        return "\n".join([f"No price history for {a.model_name}.", *score_lines])
    lines = [f"Price history of {a.model_name} (newest first, USD per 1M tokens)", ""]
    for e in a.entries:
        what = (
            "; ".join(words.moves(e.old, e.new, e.pct))
            if e.old
            else f"first price: {words.price_line(e.new)}"
        )
        lines.append(f"{e.at:%Y-%m-%d %H:%M} UTC  {e.provider_name}: {what}  ({words.actor(e.actor)})")
    if a.more:
        lines.append(f"… and {a.more} older entries.")
    return "\n".join([*lines, *score_lines])


def _subscription(a: SubscriptionAnswer) -> str:
    s = a.subscription
    if a.action == "none" or s is None:
        return "This channel has no subscription. `subscribe` to get price-change alerts here."
    if a.action == "unsubscribed":
        return "This channel will get no more price-change alerts."
    followed = [*(s.model_ids or []), *(f"the {f} family" for f in s.families or [])]
    models = ", ".join(followed) if followed else "every model"
    threshold = (
        f", moves of at least {s.min_change_pct.normalize():f}%" if s.min_change_pct is not None else ""
    )
    state = (
        "" if s.status == "active" else f"\nStatus: {s.status} ({s.status_reason or 'no reason recorded'})"
    )
    lead = (
        "Subscribed: this channel gets alerts for"
        if a.action == "subscribed"
        else "This channel gets alerts for"
    )
    if s.digest_only:
        lead = lead.replace("gets alerts for", "gets only the digest for")
    lines = [f"{lead} {models}{threshold}.{state}"]
    if s.digest:
        lines.append(f"Digest: {s.digest_schedule}, when something changed.")
    if followed:
        lines.append("Retirement countdowns: 30, 7 and 1 days before a followed model retires.")
    lines += [words.deprecation(n) for n in a.deprecated]
    return "\n".join(lines)
