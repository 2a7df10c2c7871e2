"""A channel's digest (the outbox payload of bot.alerts.digests) -> Block Kit and its text fallback: the
period's price moves, score moves, new family members, lifecycle news and changed alternatives, each
marked when the channel was already alerted of it. Names are escaped, in verbatim mrkdwn."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any  # Any: the alert payload is JSON from the outbox

from bot.domain.digests import zone
from bot.domain.prices import fmt_cost
from bot.render.kit import _context, _sections, escape
from bot.render.words import moves as move_words

ALERTED = " _(alerted)_"


def _dec(values: dict[str, str | None] | None) -> dict[str, Decimal | None] | None:
    if values is None:
        return None
    return {k: Decimal(v) if v is not None else None for k, v in values.items()}


def _mark(item: dict[str, Any]) -> str:
    return ALERTED if item.get("alerted") else ""


def summary(payload: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """(text fallback, blocks) of one digest."""
    lines: list[str] = []
    prices = payload.get("moves", [])
    if prices:
        lines.append("*Prices*")
        for m in prices:
            what = "; ".join(move_words(_dec(m["old"]), _dec(m["new"]) or {}, _dec(m["pct"]) or {}))
            lines.append(
                f"• *{escape(m['model_name'])}* at {escape(m['provider_name'])}: {escape(what)}{_mark(m)}"
            )
    scores = payload.get("scores", [])
    if scores:
        lines.append("*Quality scores*")
        for s in scores:
            whose = "team" if s["team"] else "LMArena"
            old = s["old"] if s["old"] is not None else "none"
            new = s["new"] if s["new"] is not None else "unset"
            lines.append(
                f"• *{escape(s['model_name'])}*: {whose} {escape(s['category'])} {old} → {new}{_mark(s)}"
            )
    members = payload.get("members", [])
    if members:
        lines.append("*New in followed families*")
        lines += [f"• *{escape(m['name'])}* (`{escape(m['id'])}`)" for m in members]
    lifecycle = payload.get("lifecycle", [])
    if lifecycle:
        lines.append("*Lifecycle*")
        for n in lifecycle:
            if n["stage"] == 0:
                what = f"retired on {n['retires_on']}"
            elif n["retires_on"]:
                what = f"deprecated; retires on {n['retires_on']}"
            else:
                what = "deprecated"
            lines.append(f"• *{escape(n['name'])}*: {what}{_mark(n)}")
    alternatives = payload.get("alternatives", [])
    if alternatives:
        lines.append("*Cheapest comparable open alternative*")
        for a in alternatives:
            now = (
                f"{escape(a['now'])} ({fmt_cost(Decimal(a['cost']) if a['cost'] else None)} at "
                f"{escape(a['provider_name'])} for the team's workload)"
                if a["now"]
                else "none cheaper now"
            )
            was = escape(a["was"]) if a["was"] else "none"
            lines.append(f"• *{escape(a['model_name'])}*: {was} → {now}")
    count = payload["count"]
    kind = "Weekly" if payload["schedule"] == "weekly" else "Daily"
    title = f"📋 {kind} digest: {count} change{'s' if count != 1 else ''}"
    tz = zone(payload["tz"])
    start = datetime.fromisoformat(payload["start"]).astimezone(tz)
    end = datetime.fromisoformat(payload["end"]).astimezone(tz)
    period = f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} {payload['tz']}"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": True}},
        *_sections(lines)[:45],
        _context(
            f"{escape(period)} · prices in USD per 1M tokens · _(alerted)_: this channel was told at the time"
        ),
    ]
    text = f"{title}. " + "; ".join(
        line.replace("*", "").replace("• ", "") for line in lines if line.startswith("•")
    )
    return text[:3000], blocks
