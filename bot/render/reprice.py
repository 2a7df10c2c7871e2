"""A re-priced usage file (bot.contract.reprice) as terminal text, JSON and a PNG bar chart."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

from bot.contract.base import as_json
from bot.contract.reprice import RepriceAnswer, RepricedModel, RepricedOn
from bot.domain.prices import fmt_cost
from bot.render import plot
from bot.render.kit import (
    ACTION_REPRICE_SHARE,
    COMMAND,
    Block,
    Message,
    _button,
    _context,
    _finish,
    _header,
    _plain,
    _plain_section,
    _user_id,
    clip,
)
from bot.render.plot import ALT_MAX, INK, Chart


def to_json(answer: RepriceAnswer) -> str:
    return json.dumps(as_json(answer), indent=2, ensure_ascii=False)


def _saving(on: RepricedOn) -> str:
    if on.cost is None:
        return f"{on.name}: no host prices it"
    if on.saving is None:
        return f"{on.name}: {fmt_cost(on.cost)}"
    verb = "saves" if on.saving >= 0 else "costs"
    where = f" at {', '.join(on.hosts)}" if on.hosts else ""
    pct = abs(on.saving_pct or 0)
    return f"{on.name}: {fmt_cost(on.cost)}{where}, {verb} {fmt_cost(abs(on.saving))} ({pct}%)"


def _traffic(m: RepricedModel) -> str:
    of_input = []
    if m.cached_tokens:
        of_input.append(f"{m.cached_tokens:,} cache reads")
    if m.cache_write_tokens:
        of_input.append(f"{m.cache_write_tokens:,} cache writes")
    text = f"{m.input_tokens:,} in" + (f" (incl. {', '.join(of_input)})" if of_input else "")
    text += f" + {m.output_tokens:,} out"
    if m.requests:
        text += f", {m.requests:,} requests"
    tiers = [t for t in m.tiers if t != "standard"]
    return text + (f", {' and '.join(tiers)}" if tiers else "")


def message(
    answer: RepriceAnswer, *, file_name: str = "", share: str | None = None, shared_by: str | None = None
) -> Message:
    """The answer as a Slack message: the text answer in plain-text sections (model ids come from the
    file: plain text can't make them links, mentions or formatting), one section per model. `share`:
    the value of a Share button (the private answer); `shared_by`: the user who shared it (the
    channel's copy, which names the file in plain text)."""
    head, *parts = to_text(answer).rstrip("\n").split("\n\n")
    blocks: list[Block] = [_header(f"Re-priced: {answer.format_label}"), _plain_section(head)]
    blocks += [_plain_section(part) for part in parts]
    if share is not None and shared_by is None:
        button = _button("Share in channel", ACTION_REPRICE_SHARE, share, primary=True)
        blocks.append({"type": "actions", "elements": [button]})
    note = "Prices as of today, each model at its cheapest live host. Nothing of the file is kept."
    if shared_by is not None:
        credit = f"Shared by <@{_user_id(shared_by)}> with `{COMMAND} reprice` on"
        blocks.append(_context(credit, _plain(clip(file_name or "a usage file", 200)), _plain(note)))
    elif file_name:
        blocks.append(_context("From", _plain(clip(file_name, 200)), _plain(note)))
    else:
        blocks.append(_context(note))
    total = f"{answer.format_label} re-priced: {fmt_cost(answer.cost)} today"
    return _finish(blocks, clip(total, 300))


def share_value(file_id: str, on: Sequence[str], category: str | None) -> str:
    """The Share button's value: which file, with which options (never the answer: it is made again)."""
    return json.dumps({"file": file_id, "on": list(on), "for": category}, separators=(",", ":"))


def read_share_value(value: str) -> tuple[str, tuple[str, ...], str | None] | None:
    """(file id, --on names, --for) from a Share button's value; None if it is of another shape."""
    try:
        data = json.loads(value)
        file_id, on, category = data["file"], data.get("on") or [], data.get("for")
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(file_id, str) or not isinstance(on, list) or not isinstance(category, str | None):
        return None
    return file_id, tuple(str(n) for n in on), category


def working_message() -> Message:
    """The ack of `/modelcost reprice`: the file is read by a job; the answer follows, privately."""
    text = "Re-pricing your usage file… the answer comes here, privately, in a few seconds."
    return _finish([_context(f":hourglass_flowing_sand: {text}")], text)


def refusal_message(text: str) -> Message:
    """Why a file or a reprice can't be answered (it may quote the file's name or a line of it: plain
    text), with what works."""
    blocks: list[Block] = [
        _plain_section(f"⚠️ {text}"),
        _context(f"`{COMMAND} help` lists what I understand."),
    ]
    return _finish(blocks, text)


def to_text(answer: RepriceAnswer) -> str:
    lines = [
        f"{answer.format_label}: {answer.rows:,} rows, {len(answer.models)} "
        f"model{'' if len(answer.models) == 1 else 's'} priced at today's prices"
        + (f" (alternatives for {answer.category})" if answer.category != "overall" else ""),
        "",
    ]
    for m in answer.models:
        written = ", ".join(w for w in m.written if w != m.id)
        lines.append(f"{m.name}" + (f" (as {written})" if written else ""))
        lines.append(f"  {_traffic(m)}")
        today = f"  today: {fmt_cost(m.cost)}" + (f" at {', '.join(m.hosts)}" if m.hosts else "")
        if m.billed is not None and m.billed_difference is not None:
            diff = m.billed_difference
            more = "more" if diff >= 0 else "less"
            today += f"; billed {fmt_cost(m.billed)} ({fmt_cost(abs(diff))} {more} today)"
        lines.append(today)
        lines += [f"  ({n})" for n in m.notes]
        if m.alternatives:
            lines.append("  on comparable open models:")
            lines += [f"    {_saving(a)}" for a in m.alternatives]
        elif m.cost is not None:
            lines.append("  no cheaper comparable open model")
        lines.append("")
    total = f"Total today: {fmt_cost(answer.cost)}"
    if answer.billed is not None:
        total += f" (the file says {fmt_cost(answer.billed)} was billed)"
    lines.append(total)
    if answer.on:
        lines.append("All of it on:")
        lines += [f"  {_saving(o)}" for o in answer.on]
    if answer.unknown:
        lines.append("Not priced, model ids I don't know (never guessed):")
        for u in answer.unknown:
            maybe = f"; did you mean {', '.join(u.suggestions)}?" if u.suggestions else ""
            rows = f"{u.rows:,} row{'' if u.rows == 1 else 's'}"
            lines.append(f"  {u.written}: {rows}, {u.tokens:,} tokens{maybe}")
    return "\n".join(lines).rstrip() + "\n"


def chart(answer: RepriceAnswer) -> Chart:
    """Today's cost of the file beside the same traffic on each named model and on each model's
    cheapest alternative: one bar each, cheapest last."""
    bars: list[tuple[str, Decimal]] = [("Today", answer.cost)]
    bars += [(f"All on {o.name}", o.cost) for o in answer.on if o.cost is not None]
    for m in answer.models:
        if m.alternatives and m.cost is not None and m.alternatives[0].cost is not None:
            rest = answer.cost - m.cost + m.alternatives[0].cost
            bars.append((f"{m.name} -> {m.alternatives[0].name}", rest))
    title = f"The file's traffic ({answer.rows:,} rows), re-priced"
    sub = "Each model at its cheapest live host; the others as they are"
    with plot.canvas(200 + 44 * len(bars)) as fig:
        box = plot.frame(fig, title, sub, [f"{answer.format_label}; prices as of today"], legend_rows=0)
        ax = plot.axes(fig, box)
        ax.grid(axis="y", visible=False)
        values = [float(v) for _, v in bars]
        for y, ((_, value), v) in enumerate(zip(bars, values, strict=True)):
            ax.barh(y, v, height=0.62, color="#4C78A8" if y == 0 else "#54A24B", alpha=0.85, lw=0)
            ax.text(v, y, "  " + fmt_cost(value), va="center", ha="left", fontsize=9, color=INK)
        ax.set_yticks(range(len(bars)), [label for label, _ in bars], fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, max([*values, 1.0]) * 1.3)
        ax.set_xlabel("USD")
        plot.fit_left(ax)
        png = plot.png(fig)
    alt = f"Bar chart: {title}. " + "; ".join(f"{label}: {fmt_cost(v)}" for label, v in bars)
    return Chart(png, alt[:ALT_MAX], title, "reprice")
