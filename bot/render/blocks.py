"""Typed answers -> Slack messages: Block Kit blocks plus a plain `text` fallback.

Every message stays inside Block Kit's limits by construction (long text is split or clipped here,
not rejected by Slack), and every piece of text that reaches mrkdwn is escaped (`&`, `<`, `>`), so
a typed `<!channel>` stays text. Every mrkdwn object is `verbatim` (Slack makes no links, channel
names or mentions of bare text), and what a user typed is shown in `plain_text`, which Slack never
formats: a shared answer shows the command exactly as typed and inert. Buttons carry the command
to run as their value: "Share in channel" re-runs it visibly (only a real answer has one),
"Cheaper alternatives" and "did you mean" choices run their own; a choice that would change the
catalog is a button Slack asks to confirm, showing the corrected command first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import (  # Any: Block Kit is JSON; tests/slack/blockkit.py checks what we build
    assert_never,
)

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
from bot.contract.errors import UnknownModelError, UserError
from bot.contract.sync import SyncStatusAnswer, SyncSummary
from bot.contract.views import AlternativeView, ModelView, PriceView
from bot.domain.prices import CACHE_READ, INPUT, OUTPUT, fmt_cost, fmt_usd
from bot.render import changes, words
from bot.render.kit import (
    ACTION_CHART,
    ACTION_CONFIRM,
    ACTION_RUN,
    ACTION_SHARE,
    ACTION_SUGGEST,
    CHART_BUTTON,
    COMMAND,
    MAX_ALT_TEXT,
    MAX_BLOCKS,
    MAX_BUTTON_VALUE,
    MAX_CONTEXT_TEXT,
    MAX_FIELD_TEXT,
    MAX_HEADER,
    MAX_IMAGE_URL,
    MAX_SECTION_TEXT,
    Block,
    Message,
    _button,
    _confirm_button,
    _context,
    _field,
    _finish,
    _fitted,
    _header,
    _mrkdwn,
    _plain,
    _plain_section,
    _section,
    _sections,
    _user_id,
    actor,
    clip,
    escape,
)


# -- messages ---------------------------------------------------------------------------------------
def answer_message(answer: Answer, *, query: str, shared_by: str | None = None) -> Message:
    """The message for an answer to `query`; `shared_by` (a user id) marks the visible re-post,
    which carries no Share button."""
    match answer:
        case CompareAnswer():
            blocks, text = _compare(answer)
        case ModelAnswer():
            blocks, text = _model(answer)
        case AlternativesAnswer():
            blocks, text = _alternatives(answer)
        case ListAnswer():
            blocks, text = _list(answer)
        case HelpAnswer():
            return _finish(*_help(answer))
        case (
            SetPriceAnswer()
            | ScoreAnswer()
            | AuditAnswer()
            | AliasAnswer()
            | HistoryAnswer()
            | SubscriptionAnswer()
            | WorkloadSetAnswer()
            | SyncSummary()
            | SyncStatusAnswer()
        ):
            return changes.message(answer)
        case _:
            assert_never(answer)
    buttons = []
    if shared_by is None and len(query) <= MAX_BUTTON_VALUE and not _empty(answer):
        buttons.append(_button("Share in channel", ACTION_SHARE, query, primary=True))
    if (target := _cheaper_target(answer)) is not None:
        buttons.append(_button("Cheaper alternatives", f"{ACTION_RUN}_0", f"cheaper {target}"))
    if isinstance(answer, ModelAnswer) and 0 < len(answer.model.top_hosts) < answer.model.hosts:
        buttons.append(
            _button(f"All {answer.model.hosts} hosts", f"{ACTION_RUN}_2", f"{answer.model.id} hosts")
        )
    if isinstance(answer, AlternativesAnswer) and answer.more and len(query) + 6 <= MAX_BUTTON_VALUE:
        buttons.append(_button(f"More ({answer.more})", f"{ACTION_RUN}_1", f"{query} --all"))
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    if shared_by is not None:
        # The command as typed, in plain text: nothing in it becomes a link, mention or formatting.
        credit = f"Shared by <@{_user_id(shared_by)}> with"
        blocks.append(_context(credit, _plain(clip(f"{COMMAND} {query}", MAX_CONTEXT_TEXT))))
    return _finish(blocks, text)


@dataclass(frozen=True)
class ChartOffer:
    """How a reply offers its chart: an image at `url` (the app serves it), or, with no url, a button
    that uploads it to the channel for everyone there to see."""

    url: str | None
    alt_text: str
    title: str = "Chart"


def with_chart(message: Message, offer: ChartOffer, *, query: str, button: bool = True) -> Message:
    """The message with its chart: an image block before its buttons, or a "Post chart to channel"
    button among them (`button=False`: none, e.g. on a message already posted visibly)."""
    blocks = list(message["blocks"])
    at = next((i for i, b in enumerate(blocks) if b["type"] == "actions"), len(blocks))
    if offer.url is not None and len(offer.url) <= MAX_IMAGE_URL:
        image: Block = {
            "type": "image",
            "image_url": offer.url,
            "alt_text": clip(offer.alt_text, MAX_ALT_TEXT) or "Chart",
            "title": _plain(clip(offer.title, MAX_HEADER)),
        }
        blocks.insert(at, image)
    elif offer.url is None and button and len(query) <= MAX_BUTTON_VALUE:
        chart = _button(CHART_BUTTON, ACTION_CHART, query)
        if at < len(blocks):
            blocks[at] = {**blocks[at], "elements": [*blocks[at]["elements"], chart]}
        else:
            blocks.append({"type": "actions", "elements": [chart]})
    return {"text": message["text"], "blocks": _fitted(blocks)}  # its text is escaped already


def chart_message(offer: ChartOffer, *, query: str, shared: bool = False) -> Message:
    """The reply to `chart ...`: the chart itself and Share, or the button that posts it."""
    blocks: list[Block] = [_header(offer.title)]
    if offer.url is None:
        blocks.append(_context("The button posts the chart to this channel, where everyone can see it."))
    elif not shared and len(query) <= MAX_BUTTON_VALUE:
        blocks.append({"type": "actions", "elements": [_button("Share in channel", ACTION_SHARE, query)]})
    return with_chart(_finish(blocks, offer.title), offer, query=query)


def error_message(exc: UserError, *, query: str, changes_catalog: bool = False) -> Message:
    """The friendly reply to an expected error, in plain text (it may quote what the user typed);
    an unknown name offers its suggestions as buttons, which ask to confirm a command that would
    change the catalog (`changes_catalog`) before running it."""
    text = words.error_message(exc)
    blocks: list[Block] = [_plain_section(f"⚠️ {text}")]
    if isinstance(exc, UnknownModelError) and exc.suggestions:
        buttons = []
        for i, (model_id, name) in enumerate(exc.suggestions):
            command = _substitute(query, exc.name, model_id)
            if changes_catalog:
                buttons.append(_confirm_button(name, f"{ACTION_CONFIRM}_{i}", command))
            else:
                buttons.append(_button(name, f"{ACTION_SUGGEST}_{i}", command))
        blocks.append({"type": "actions", "elements": buttons})
    if not isinstance(exc, ConnectionError):  # nothing the user typed is wrong: no help needed
        blocks.append(_context(f"`{COMMAND} help` lists what I understand."))
    return _finish(blocks, text)


def confirm_message(command: str) -> Message:
    """A command that changes the catalog, brought by a button that did not ask to confirm it (a
    message from before confirmations): shown, with a button that does."""
    text = f"This changes the catalog: {COMMAND} {command}"
    blocks: list[Block] = [
        _plain_section(clip(text, MAX_SECTION_TEXT)),
        {"type": "actions", "elements": [_confirm_button("Run it", f"{ACTION_CONFIRM}_0", command)]},
    ]
    return _finish(blocks, text)


def possibly_stale(message: Message) -> Message:
    """A reply kept from before the catalog became unreachable, marked as possibly out of date."""
    note = _context(":warning: The price catalog can't be reached right now: this answer may be out of date.")
    return {"text": message["text"], "blocks": [*message["blocks"][: MAX_BLOCKS - 1], note]}


def failure_message() -> Message:
    """The reply when answering failed unexpectedly (the error itself is logged, not shown)."""
    text = "Sorry, something went wrong on my side; please try again."
    return _finish([_section(f":warning: {text}")], text)


def working_message() -> Message:
    """The ack when an answer takes longer than Slack waits; the answer follows via response_url."""
    text = "Working on it…"
    return _finish([_context(f":hourglass_flowing_sand: {text}")], text)


# -- one kind of answer each ------------------------------------------------------------------------
def _compare(a: CompareAnswer) -> tuple[list[Block], str]:
    title = " vs ".join(m.name for m in a.models)
    blocks: list[Block] = [_header(title), *_notes(a.notes)]
    workload = words.workload(a.workload)
    if a.workload.given:
        blocks.append(_context(f"Workload: {escape(workload)}"))
    for m in a.models:
        blocks.append(
            _section(_model_line(m), fields=_price_fields(m.price, workload, a.cost_ratio.get(m.id)))
        )
        notes = _host_notes(m)
        if notes:
            blocks.append(_context(" · ".join(notes)))
    sentence = words.ratio_sentence(a)
    if sentence:
        blocks.append(_section(f"*{escape(sentence)}*"))
    if a.workload.given and not words.plain_workload(a.workload):
        blocks += _how_priced(a.models)
    if a.alternatives:
        lines = [_alternative_line(x) for x in a.alternatives]
        blocks.append(_section(f"*{escape(words.alternatives_intro(a))}*\n" + "\n".join(lines)))
    blocks.append(_context(_sources(a.models)))
    prices = "; ".join(
        f"{m.name} {fmt_usd(m.price.input_mtok)} in / {fmt_usd(m.price.output_mtok)} out" for m in a.models
    )
    return blocks, f"{title}: {prices}." + (f" {sentence}" if sentence else "")


def _model(a: ModelAnswer) -> tuple[list[Block], str]:
    m = a.model
    workload = words.workload(a.workload)
    fields = _price_fields(m.price, workload, None)
    fields.append(_field("Context window", words.context(m.price, m.context_window)))
    blocks: list[Block] = [_header(m.name), *_notes(a.notes), _section(_model_line(m), fields=fields)]
    notes = _host_notes(m, list_cheapest=False)
    hosts = [p for p in m.top_hosts if p is not m.price and p != m.price]
    if hosts:
        lines = [
            f"• {escape(p.provider_name)}: {fmt_usd(p.input_mtok)} / {fmt_usd(p.output_mtok)} "
            f"({fmt_cost(p.workload_cost)} for the workload)"
            for p in hosts
        ]
        blocks += _sections(["*Cheapest hosts*", *lines])
    elif m.cheapest is not None:
        notes = _host_notes(m)
    blocks += _how_priced([m])
    blocks.append(_context(" · ".join([*notes, escape(words.hosts_line(m))])))
    said = words.weights_source(m)
    blocks.append(_context(_sources([m]) + (f" {escape(said)}" if said else "")))
    text = (
        f"{m.name} ({m.lab}) at {m.price.provider_name}: {fmt_usd(m.price.input_mtok)} in / "
        f"{fmt_usd(m.price.output_mtok)} out per 1M tokens."
    )
    return blocks, text


def _alternatives(a: AlternativesAnswer) -> tuple[list[Block], str]:
    t = a.target
    best = t.cheapest or t.price
    lead = (
        f"{t.name} ({words.quality(t)}) costs {fmt_cost(best.workload_cost)} for "
        f"{words.workload(a.workload)} at {best.provider_name}."
    )
    if t.pricing is not None and t.pricing.cost is not None and not words.plain_workload(a.workload):
        lead = (
            f"{t.name} ({words.quality(t)}) costs {fmt_cost(t.pricing.cost)} for "
            f"{words.workload(a.workload)} at {t.pricing.provider_name}."
        )
    blocks: list[Block] = [_header(f"Cheaper than {t.name}"), *_notes(a.notes), _section(escape(lead))]
    if not words.plain_workload(a.workload):
        blocks += _how_priced([t])
    if a.alternatives:
        lines = [f"*{escape(words.ranking(a))}:*", *(_alternative_line(x, t) for x in a.alternatives)]
        if a.more:
            lines.append(f"_… and {a.more} more: the More button shows them._")
        blocks += _sections(lines)
        text = f"{len(a.alternatives)} cheaper open-weights models of comparable quality to {t.name}."
    else:
        text = "No open-weights model of comparable quality costs less."
        blocks.append(_section(text))
    if a.nearest:
        lines = [f"*{escape(words.nearest_intro(a))}:*", *(_alternative_line(x, t) for x in a.nearest)]
        blocks += _sections(lines)
    blocks.append(_context(escape(a.footnote) + " " + _sources([t], dates=False)))
    return blocks, text


def _how_priced(models: list[ModelView]) -> list[Block]:
    """Per model, the host and tiers its workload was priced at and the parts (issue 27)."""
    lines = [escape(line) for m in models for line in words.pricing_lines(m)]
    return _sections(["*How priced*", *lines]) if lines else []


def _notes(notes: list[str]) -> list[Block]:
    return [_context(escape(n)) for n in notes[:3]]


def _list(a: ListAnswer) -> tuple[list[Block], str]:
    title = f"Models ({a.filter})" if a.filter else "Models"
    blocks: list[Block] = [_header(title)]
    if not a.rows:
        text = f"No models match '{a.filter}'."
        return [*blocks, _plain_section(text), _context("Try `list`, `list open`, a lab or a host.")], text
    lines = [
        f"*{escape(r.name)}* `{escape(r.id)}` · {escape(r.lab)}{' · open' if r.open_weights else ''} · "
        f"{escape(r.provider_name)} {fmt_usd(r.input_mtok)} / {fmt_usd(r.output_mtok)}"
        + (f" · _{escape(mark)}_" if (mark := words.status(r)) else "")
        for r in a.rows
    ]
    if a.more:
        lines.append(f"_… and {a.more} more; narrow it with a lab or host._")
    blocks += _sections(lines)
    footer = "Prices: USD per 1M tokens in / out, at the lab's API or the cheapest host."
    if not a.retired:
        footer += " Models their lab has retired are left out: `list all` shows them too."
    blocks.append(_context(footer))
    return blocks, f"{title}: {len(a.rows)} shown" + (f", {a.more} more." if a.more else ".")


def _help(a: HelpAnswer) -> tuple[list[Block], str]:
    lines = [f"`{COMMAND} {escape(example)}`  {escape(what)}" for example, what in a.commands]
    blocks = [
        _header("modelcost: LLM API prices, one command away"),
        *_sections(lines),
        _context(escape(a.footnote)),
    ]
    return blocks, "modelcost commands: " + "; ".join(f"{COMMAND} {c}" for c, _ in a.commands)


# -- pieces -----------------------------------------------------------------------------------------
def _model_line(m: ModelView) -> str:
    where = "lab API" if m.lab_api else "cheapest host"
    if mark := words.status(m.price):
        where += f", *{mark}*"
    # Escaped once, whole: escaping maps each character on its own, and the line adds no & < > itself.
    return escape(
        f"*{m.name}* · {m.lab} · {words.weights(m)} · {words.quality(m)}\n"
        f"at {m.price.provider_name} ({where})"
    )


def _price_fields(p: PriceView, workload: str, ratio: Decimal | None) -> list[Block]:
    cost = fmt_cost(p.workload_cost)
    if ratio is not None:
        cost += f" · {words.times(ratio)}"
    # Prices are written as digits, `$`, `,`, `.` or a dash: nothing in them to escape.
    return [
        _mrkdwn(_INPUT_LABEL + fmt_usd(p.input_mtok), MAX_FIELD_TEXT),
        _mrkdwn(_OUTPUT_LABEL + fmt_usd(p.output_mtok), MAX_FIELD_TEXT),
        _mrkdwn(_CACHE_READ_LABEL + fmt_usd(p.cache_read_mtok), MAX_FIELD_TEXT),
        _field(workload, cost),
    ]


_INPUT_LABEL, _OUTPUT_LABEL, _CACHE_READ_LABEL = (
    f"*{escape(k.field_label)}*\n" for k in (INPUT, OUTPUT, CACHE_READ)
)


def _host_notes(m: ModelView, *, list_cheapest: bool = True) -> list[str]:
    notes = [escape(text)] if (text := words.lifecycle(m)) else []
    notes += [escape(text) for text in words.imported(m)]
    if m.cheapest is not None and list_cheapest:
        c = m.cheapest
        notes.append(
            escape(
                f"Cheapest host: {c.provider_name} {fmt_usd(c.input_mtok)} / "
                f"{fmt_usd(c.output_mtok)} ({fmt_cost(c.workload_cost)} for the workload)"
            )
        )
    for p in (m.price, m.cheapest):
        if p is not None and (offpeak := words.offpeak(p)):
            notes.append(f"{escape(p.provider_name)} {escape(offpeak)}")
        if p is not None and (second := words.second_opinion(p)):
            notes.append(f"{escape(p.provider_name)}: {escape(second)}")
    return notes


def _alternative_line(x: AlternativeView, target: ModelView | None = None) -> str:
    m = x.model
    best = m.cheapest or m.price
    gap = f", {words.score_gap(m, target)} vs {target.name}" if target else ""
    return escape(  # whole, as in _model_line
        f"• *{m.name}* ({m.lab}, {words.quality(m)}{gap}): "
        f"{fmt_cost(x.cost)} at {best.provider_name}, {x.saving_pct}% less"
    )


def _sources(models: list[ModelView], *, dates: bool = True) -> str:
    """Where the prices come from and when each last changed; quality's source and date."""
    prices = [(m, p) for m in models for p in (m.price, m.cheapest) if p is not None]
    sources = {(p.source.kind, p.source.id): p for _, p in prices}  # each source once
    said = [
        escape(words.price_sources([p])) if p.source.kind == "snapshot" else actor(p.source)
        for p in sources.values()
    ]
    text = "Prices: USD per 1M tokens, from " + ", ".join(said) + "."
    if dates:
        changed = "; ".join([f"{m.name} at {p.provider_name} {words.changed(p)}" for m, p in prices])
        text += " Last changed: " + escape(changed) + "."
    if quality := words.quality_sources(models):
        text += f" {escape(quality)}"
    return text


def _empty(answer: Answer) -> bool:
    """An answer with nothing in it to share (it would only repeat what was typed)."""
    return isinstance(answer, ListAnswer) and not answer.rows


def _cheaper_target(answer: Answer) -> str | None:
    if isinstance(answer, CompareAnswer):
        return answer.alternatives_for
    if isinstance(answer, ModelAnswer) and answer.model.open_weights is False:
        return answer.model.id
    return None


def _substitute(query: str, name: str, model_id: str) -> str:
    """The query with the unknown `name` replaced by a suggested model id (just the id if absent)."""
    pattern = re.compile(rf"(?<![\w.\-]){re.escape(name)}(?![\w.\-])", re.IGNORECASE)
    replaced, count = pattern.subn(lambda _: model_id, query, count=1)
    result = replaced if count else model_id
    return result if len(result) <= MAX_BUTTON_VALUE else model_id
