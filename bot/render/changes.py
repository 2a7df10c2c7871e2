"""Admin edits, price history, subscriptions and sync summaries as Slack messages.

Their text comes from the terminal renderer (one wording for both), escaped and laid out in sections.
"""

from __future__ import annotations

from decimal import Decimal

from bot.contract.answers import (
    AliasAnswer,
    AuditAnswer,
    HistoryAnswer,
    ScoreAnswer,
    SetPriceAnswer,
    SubscriptionAnswer,
    WorkloadSetAnswer,
)
from bot.contract.sync import SyncStatusAnswer, SyncSummary
from bot.domain.prices import fmt_usd
from bot.render import text, words
from bot.render.kit import Block, Message, _context, _finish, _header, _sections, actor, escape
from bot.render.sync import summary_text

ChangeAnswer = (
    SetPriceAnswer
    | ScoreAnswer
    | AuditAnswer
    | AliasAnswer
    | HistoryAnswer
    | SubscriptionAnswer
    | WorkloadSetAnswer
    | SyncSummary
    | SyncStatusAnswer
)


def message(answer: ChangeAnswer) -> Message:
    if isinstance(answer, SyncSummary):
        body = summary_text(answer)
        icon = ":white_check_mark:" if answer.ok else ":no_entry:"
        return _finish(
            [
                *_sections(
                    [
                        f"{icon} {escape(line)}" if i == 0 else escape(line)
                        for i, line in enumerate(body.splitlines())
                    ]
                )
            ],
            body,
        )
    if isinstance(answer, HistoryAnswer):
        return _history(answer)
    if isinstance(answer, AuditAnswer):
        return _audit(answer)
    body = text.to_text(answer)
    blocks: list[Block] = _sections([escape(line) for line in body.splitlines() if line.strip()])
    if isinstance(answer, SetPriceAnswer) and not answer.unchanged:
        c = answer.change
        blocks = [
            _header(f"Price updated: {c.model_name} at {c.provider_name}"),
            *_sections([escape(m) for m in words.moves(c.old, c.new, c.pct)]),
        ]
        note = f"By {actor(answer.actor)}"
        if answer.alerts_queued:
            note += f" · alert queued for {answer.alerts_queued} subscribed channel(s)"
        blocks.append(
            _context(note + " · USD per 1M tokens · `/modelcost history " + escape(c.model_id or "") + "`")
        )
    return _finish(blocks, body)


def _audit(a: AuditAnswer) -> Message:
    """The summary for admins in Slack: counts, the open disagreements (as many as fit), retired count."""
    body = words.audit_summary(a)
    lines = [escape(body)]
    for d in [d for d in a.disagreements if not d.resolved_by_team][:20]:
        field = text.field_label(d.field)
        lines.append(
            f"• *{escape(d.model_name)}* at {escape(d.host)}: {field} "
            f"{escape(text.figure(d.field, d.ours))} here, "
            f"{escape(text.figure(d.field, d.theirs))} at LiteLLM"
        )
    for r in a.imported[:10]:
        lines.append(
            f"• *{escape(r.model_name)}* at {escape(r.host)}: "
            f"{escape(fmt_usd(Decimal(r.input_mtok)))} / {escape(fmt_usd(Decimal(r.output_mtok)))} "
            "is not the lab's own price"
        )
    if len(a.imported) > 10:
        lines.append(f"• … and {len(a.imported) - 10} more rows not the lab's own price")
    blocks = [_header("Price audit"), *_sections(lines)]
    blocks.append(
        _context(escape(f"Second source: {a.source}. The full list: `modelcost audit` in a terminal."))
    )
    return _finish(blocks, body)


def _history(a: HistoryAnswer) -> Message:
    body = text.to_text(a)
    if not a.entries:
        return _finish(_sections([escape(body)]), body)
    lines = []
    for e in a.entries:
        what = (
            "; ".join(words.moves(e.old, e.new, e.pct))
            if e.old
            else f"first price: {words.price_line(e.new)}"
        )
        lines.append(
            f"`{e.at:%Y-%m-%d %H:%M}` *{escape(e.provider_name)}*: {escape(what)} _({actor(e.actor)})_"
        )
    lines += [f"`{s.at:%Y-%m-%d %H:%M}` {escape(words.score_move(s))} _({actor(s.actor)})_" for s in a.scores]
    blocks = [_header(f"Price history: {a.model_name}"), *_sections(lines)]
    more = f" · {a.more} older entries not shown" if a.more else ""
    blocks.append(_context(f"Newest first · UTC · USD per 1M tokens{more}"))
    return _finish(blocks, body)
