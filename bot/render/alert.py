"""An alert digest (the outbox payload) -> Block Kit and its text fallback.

An alert is posted in a channel, so it names who made the change and mentions no one: a mention
there would ping the admin on every alert. Its names come from feeds and admins: escaped, and every
mrkdwn object is `verbatim` (bot.render.blocks' helpers), so a name makes no link, channel or mention.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any  # Any: the alert payload is JSON from the outbox  # Any: the alert payload is JSON

from bot.contract.actor import CLI_USER, Actor
from bot.render import words
from bot.render.kit import _context, _section, clip, escape
from bot.render.words import moves

MAX_NAME = 80

MAX_SECTIONS = 40  # leaves room for header and context within Slack's 50 blocks
MAX_SECTION_CHARS = 2900


def _dec(values: dict[str, str | None] | None) -> dict[str, Decimal | None] | None:
    if values is None:
        return None
    return {k: Decimal(v) if v is not None else None for k, v in values.items()}


def who(actor: Actor, display_name: str | None) -> str:
    """Who made a change, for a channel (mrkdwn): an admin by their Slack display name ("an admin"
    when it is unknown), the terminal operator, a feed or a snapshot as text; never a mention."""
    if actor.kind == "admin" and actor.id != CLI_USER:
        return clip(escape(display_name), MAX_NAME) if display_name else "an admin"
    return escape(words.actor(actor))


def digest(
    payload: dict[str, Any], actor: Actor, display_name: str | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """(text fallback, blocks) for one channel's digest of one change made by `actor`
    (`display_name`: the admin's name in Slack, looked up by the worker)."""
    items = payload["moves"]
    scores = payload.get("score_moves", [])  # digests queued before quality alerts have none
    lines = []
    for m in items:
        where = f"*{escape(m['model_name'])}* at {escape(m['provider_name'])}"
        what = "; ".join(moves(_dec(m["old"]), _dec(m["new"]) or {}, _dec(m["pct"]) or {}))
        lines.append(f"{where}: {escape(what)}")
    lines += [f"*{escape(m['model_name'])}*: {escape(score_move(m))}" for m in scores]
    count = len(items) + len(scores)
    title = _title(len(items), len(scores))
    by = who(actor, display_name)
    text = f"{title} by {by}: " + "; ".join(line.replace("*", "") for line in lines[:5])
    if count > 5:
        text += f"; and {count - 5} more"
    icon = "💸" if items else "📊"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"{icon} {title}"}}
    ]
    chunk: list[str] = []
    shown = 0
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > MAX_SECTION_CHARS:
            if len(blocks) > MAX_SECTIONS:
                break
            blocks.append(_section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
        shown += 1
    if chunk and len(blocks) <= MAX_SECTIONS:
        blocks.append(_section("\n".join(chunk)))
    else:
        shown -= len(chunk)
    units = [u for u, shown in (("USD per 1M tokens", items), ("LMArena scores", scores)) if shown]
    context = f"Changed by {by} · {payload['at'][:16].replace('T', ' ')} UTC · {' · '.join(units)}"
    if shown < count:
        context += f" · and {count - shown} more: see `/modelcost history <model>`"
    blocks.append(_context(context))
    return text[:3000], blocks


def score_move(m: dict[str, Any]) -> str:
    """'LMArena coding score 1427 → 1440 (+13)', or 'first LMArena overall score 1460'."""
    what = f"LMArena {m['category_label']} score"
    if m["old"] is None:
        return f"first {what} {m['new']}"
    return f"{what} {m['old']} → {m['new']} ({m['new'] - m['old']:+})"


def _title(prices: int, scores: int) -> str:
    if not scores:
        return "Price change" if prices == 1 else f"{prices} price changes"
    if not prices:
        return "Quality score change" if scores == 1 else f"{scores} quality score changes"
    return f"{prices + scores} price and quality changes"


_OLD_MENTION = re.compile(r"^admin <@([^>|]*)(?:\|[^>]*)?>$")


def payload_actor(payload: dict[str, Any]) -> Actor:
    """Who made the change of a digest payload.

    Alerts queued before migration 0002 carry the actor as a rendered string ("admin <@U123>",
    "admin (cli)", "feed <url>", a snapshot's name); they are read as data too, so that rendering
    them pings nobody.
    """
    raw = payload.get("actor")
    if isinstance(raw, dict):
        return Actor.from_data(raw)
    text = str(raw or "")
    if m := _OLD_MENTION.match(text):
        return Actor(kind="admin", id=m.group(1))
    if text == "admin (cli)":
        return Actor(kind="admin", id=CLI_USER)
    if payload.get("kind") == "sync" or text.startswith("feed "):
        return Actor(kind="feed", id=text.removeprefix("feed "))
    if payload.get("kind") == "admin" or text.startswith("admin "):
        return Actor(kind="admin", id=text.removeprefix("admin "))
    return Actor(kind="snapshot", id=text)
