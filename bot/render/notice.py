"""A lifecycle notice (the outbox payload of bot.alerts.countdowns) -> Block Kit and its text fallback:
a followed model is deprecated, or retires in 30, 7 or 1 days; what the team's workload would cost on
its successor and on the cheapest comparable open-weights model; buttons to compare them and to follow
the successor instead. Names come from the catalog: escaped, in verbatim mrkdwn."""

from __future__ import annotations

from decimal import Decimal
from typing import Any  # Any: the alert payload is JSON from the outbox

from bot.domain.prices import fmt_cost
from bot.render.kit import ACTION_CONFIRM, ACTION_RUN, _button, _confirm_button, _context, _section, escape
from bot.render.words import tokens


def _cost(option: dict[str, Any]) -> str:
    cost = option.get("cost")
    return f"{fmt_cost(Decimal(cost) if cost is not None else None)} at {option['provider_name']}"


def notice(payload: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """(text fallback, blocks) of one lifecycle notice."""
    model, successor, alternative = payload["model"], payload.get("successor"), payload.get("alternative")
    name = model["name"]
    stage, left, retires_on = payload.get("stage"), payload.get("days_left"), payload.get("retires_on")
    in_days = f"in {left} day{'s' if left != 1 else ''}" if left is not None else ""
    if stage is not None:
        title = f"⏳ {name} retires {in_days}"
        lead = f"*{escape(name)}* retires at its lab's API on *{retires_on}* ({in_days})."
        if payload.get("announces"):
            lead += " Its lab has just marked it deprecated."
    elif retires_on:
        title = f"⚠️ {name} is deprecated"
        lead = f"*{escape(name)}* is now deprecated: its lab's API retires it on *{retires_on}* ({in_days})."
    else:
        title = f"⚠️ {name} is deprecated"
        lead = f"*{escape(name)}* is now deprecated by its lab; no retirement day is given yet."
    if successor:
        lead += f" Successor: *{escape(successor['name'])}*."
    else:
        lead += " The catalog names no successor for it."
    w = payload["workload"]
    work = f"{tokens(w['input_tokens'])} input + {tokens(w['output_tokens'])} output tokens"
    lines = [f"{escape(name)}: {escape(_cost(model))}"]
    if successor:
        lines.append(f"Successor {escape(successor['name'])}: {escape(_cost(successor))}")
    if alternative:
        lines.append(
            f"Cheapest comparable open model, {escape(alternative['name'])}: {escape(_cost(alternative))}"
        )
    else:
        lines.append("No comparable open-weights model costs less.")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150], "emoji": True}},
        _section(lead),
        _section(f"*The team's workload ({escape(work)})*\n" + "\n".join(lines)),
    ]
    ids = [model["id"], *(o["id"] for o in (successor, alternative) if o)]
    buttons = []
    if len(ids) > 1:
        buttons.append(_button("Compare them", f"{ACTION_RUN}_0", " vs ".join(ids), primary=True))
    if successor:
        command = f"subscribe {successor['id']} instead of {model['id']}"
        buttons.append(_confirm_button(f"Follow {successor['name']} instead", f"{ACTION_CONFIRM}_1", command))
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    blocks.append(_context(f"Lifecycle as of {payload['on']} · costs in USD for the team's workload"))
    text = f"{title}. " + "; ".join(line.replace("*", "") for line in lines)
    return text[:3000], blocks
