"""Block Kit's primitives and limits: the blocks every message is made of (headers, sections, fields,
context, buttons), the action ids, the command's name, and escaping what users and feeds wrote.
"""

from __future__ import annotations

import re
from typing import (  # Any: Block Kit is JSON; tests/slack/blockkit.py checks what we build
    Any,
    Literal,
    NotRequired,
    TypedDict,
)

from bot.contract.actor import CLI_USER, Actor
from bot.render import words

# Block Kit's limits (https://api.slack.com/reference/block-kit/blocks); tests check them too.
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 3000
MAX_FALLBACK = 3000  # Slack takes up to 40,000; a notification needs far less
MAX_CONFIRM_TEXT = 300

ACTION_SHARE = "modelcost_share"
ACTION_RUN = "modelcost_run"  # + "_<n>": run the command in the value, reply privately
ACTION_SUGGEST = "modelcost_suggest"  # + "_<n>": a "did you mean" choice; replaces the error
ACTION_CONFIRM = "modelcost_confirm"  # + "_<n>": a command that changes the catalog, confirmed in Slack
ACTION_CHART = "modelcost_chart"  # upload the chart of the command in the value, visibly, to the channel
ACTION_REPRICE_SHARE = "modelcost_reprice_share"  # re-price the file in the value again, in the channel
SHORTCUT_REPRICE = "modelcost_reprice_file"  # the message shortcut: re-price the message's file
MAX_IMAGE_URL = 3000
MAX_ALT_TEXT = 2000
CHART_BUTTON = "Post chart to channel"
COMMAND = "/modelcost"

Block = dict[str, Any]  # Any: Block Kit JSON, checked against its limits by tests/slack/blockkit.py


class Message(TypedDict):
    text: str
    blocks: list[Block]
    response_type: NotRequired[Literal["ephemeral", "in_channel"]]
    replace_original: NotRequired[bool]


_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")


def escape(text: str) -> str:
    """Text safe inside mrkdwn: Slack's three control characters as entities."""
    if "&" not in text and "<" not in text and ">" not in text:
        return text  # nearly always (names, prices): three scans cost less than three replace calls
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_USER_ID = re.compile(r"[A-Z0-9]{1,32}")


def actor(a: Actor) -> str:
    """Who made a change, for a reply to one person (mrkdwn): an admin is a mention of their Slack user
    id; anything else (the terminal operator, a malformed id, a feed, a snapshot) is escaped text.
    Channel alerts never use this: they name the admin instead (bot.render.alert)."""
    if a.kind == "admin" and a.id != CLI_USER and _USER_ID.fullmatch(a.id):
        return f"<@{a.id}>"
    return escape(words.actor(a))


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut (never half an escaped entity)."""
    if len(text) <= limit:
        return text
    return _PARTIAL_ENTITY.sub("", text[: limit - 1]) + "…"


def user_mention_id(user_id: str) -> str:
    """A Slack user id fit for `<@...>` (anything else becomes "unknown")."""
    return _user_id(user_id)


def _user_id(user_id: str) -> str:
    return user_id if _USER_ID.fullmatch(user_id) else "unknown"


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, MAX_HEADER), "emoji": True}}


def _mrkdwn(text: str, limit: int) -> Block:
    # verbatim: the app writes every link and mention it means explicitly (`<@U123>`).
    return {"type": "mrkdwn", "text": text if len(text) <= limit else clip(text, limit), "verbatim": True}


def _plain(text: str) -> Block:
    """Text shown exactly as given: no formatting, links, mentions or emoji codes."""
    return {"type": "plain_text", "text": text, "emoji": False}


def _section(text: str, *, fields: list[Block] | None = None) -> Block:
    block: Block = {"type": "section", "text": _mrkdwn(text, MAX_SECTION_TEXT)}
    if fields:
        block["fields"] = fields[:MAX_FIELDS]
    return block


def _plain_section(text: str) -> Block:
    return {"type": "section", "text": _plain(clip(text, MAX_SECTION_TEXT))}


def _sections(lines: list[str]) -> list[Block]:
    """Lines packed into as few sections as fit the per-section limit."""
    out: list[str] = []
    for line in lines:
        line = clip(line, MAX_SECTION_TEXT)
        if out and len(out[-1]) + 1 + len(line) <= MAX_SECTION_TEXT:
            out[-1] += "\n" + line
        else:
            out.append(line)
    return [_section(chunk) for chunk in out]


def _field(label: str, value: str) -> Block:
    return _mrkdwn(escape(f"*{label}*\n{value}"), MAX_FIELD_TEXT)


def _context(text: str, *more: Block) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text, MAX_CONTEXT_TEXT), *more]}


def _button(text: str, action_id: str, value: str, *, primary: bool = False) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, MAX_BUTTON_TEXT), "emoji": True},
        "action_id": action_id,
        "value": value[:MAX_BUTTON_VALUE],
    }
    if primary:
        button["style"] = "primary"
    return button


def _confirm_button(text: str, action_id: str, command: str) -> Block:
    """A button for a command that changes the catalog: Slack shows the command and asks first."""
    button = _button(text, action_id, command)
    button["confirm"] = {
        "title": _plain("Change the catalog?"),
        "text": _plain(clip(f"Run {COMMAND} {command}", MAX_CONFIRM_TEXT)),
        "confirm": _plain("Run it"),
        "deny": _plain("Cancel"),
    }
    return button


def _finish(blocks: list[Block], text: str) -> Message:
    return {"text": clip(escape(text), MAX_FALLBACK) or "modelcost", "blocks": _fitted(blocks)}


def _fitted(blocks: list[Block]) -> list[Block]:
    if len(blocks) > MAX_BLOCKS:
        return [*blocks[: MAX_BLOCKS - 1], _context("_… cut to fit one Slack message._")]
    return blocks
