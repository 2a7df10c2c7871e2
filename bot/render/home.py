"""The App Home and its answer modals as Block Kit views.

`home_view` lays out a workspace's HomeAnswer (subscriptions, latest changes, its own overrides)
with buttons for the common questions; `answer_modal` shows the reply `/modelcost` gives to one of
them. Views hold more than messages (100 blocks), but each list here is cut to a few dozen lines
with "and N more", so a view stays well inside the limit. Everything users or admins typed (names,
aliases, reasons) is escaped and every mrkdwn object is `verbatim` (bot.render.blocks' helpers).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any  # Any: Block Kit JSON, checked by tests/slack/blockkit.py

from bot.contract.home import HomeAnswer, HomeChange, HomeSubscription
from bot.render import words
from bot.render.kit import (
    ACTION_RUN,
    ACTION_SUGGEST,
    COMMAND,
    Block,
    Message,
    _button,
    _context,
    _header,
    _plain,
    _sections,
    actor,
    clip,
    escape,
)

View = dict[str, Any]  # Any: Block Kit JSON

MAX_VIEW_BLOCKS = 100
MAX_MODAL_TITLE = 24
MAX_LINES = 25  # per list; the rest is "and N more"
MAX_LINE = 400  # characters of one line (a long reason or name is cut)
MAX_MODELS_NAMED = 8  # in a subscription's line and the "following" note
HOME_CALLBACK = "modelcost_home"
MODAL_CALLBACK = "modelcost_answer"
ACTION_ASK = "modelcost_home_ask"  # + "_<n>": open (or, from a modal, replace) a modal with the answer
QUESTIONS = [("Compare r1 vs o1", "r1 vs o1"), ("Cheaper than o1", "cheaper o1")]
NO_SUBSCRIPTIONS = f"No channel here gets price alerts yet: type `{COMMAND} subscribe` in a channel."
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{1,30}")


def home_view(answer: HomeAnswer) -> View:
    blocks: list[Block] = [
        _header("modelcost: LLM API prices"),
        *_sections(
            [f"Ask `{COMMAND}` anything in a channel (`{COMMAND} help` lists it all), or pick a question:"]
        ),
        {"type": "actions", "elements": _question_buttons(answer)},
        {"type": "divider"},
        _header("Price alerts in channels"),
        *_sections(_cut([_subscription(s) for s in answer.subscriptions]) or [escape(NO_SUBSCRIPTIONS)]),
        {"type": "divider"},
        _header("Latest price changes"),
        *_changes(answer),
        {"type": "divider"},
        _header("This workspace's own prices, names and scores"),
        *_overrides(answer),
        _context("USD per 1M tokens · dates UTC · refreshed each time you open this tab"),
    ]
    return _view("home", blocks)


def unavailable_view() -> View:
    """The Home when the catalog can't be read right now."""
    text = ":warning: The price catalog is unavailable right now: open this tab again in a minute."
    return _view("home", [_header("modelcost: LLM API prices"), *_sections([text])])


def failure_view() -> View:
    text = ":warning: Sorry, something went wrong showing this tab; please open it again."
    return _view("home", [_header("modelcost: LLM API prices"), *_sections([text])])


def answer_modal(question: str, message: Message) -> View:
    """The reply `/modelcost <question>` gives, in a modal. A Home tab or a modal has no channel to
    share to or post a chart in, so only the buttons that ask another question stay (they open its
    answer in this modal)."""
    blocks: list[Block] = []
    asks = 0
    for block in message["blocks"]:
        if block["type"] != "actions":
            blocks.append(block)
            continue
        kept = []
        for button in block["elements"]:
            if str(button.get("action_id", "")).startswith((ACTION_RUN, ACTION_SUGGEST)):
                kept.append({**button, "action_id": f"{ACTION_ASK}_{asks}"})
                kept[-1].pop("style", None)
                asks += 1
        if kept:
            blocks.append({"type": "actions", "elements": kept})
    blocks.append(_context("Asked as", _plain(clip(f"{COMMAND} {question}", 2000))))
    view = _view("modal", blocks)
    view["title"] = _plain(clip(question, MAX_MODAL_TITLE) or "modelcost")
    view["close"] = _plain("Close")
    return view


def _view(kind: str, blocks: list[Block]) -> View:
    if len(blocks) > MAX_VIEW_BLOCKS:
        blocks = [*blocks[: MAX_VIEW_BLOCKS - 1], _context("_… cut to fit one view._")]
    return {
        "type": kind,
        "callback_id": HOME_CALLBACK if kind == "home" else MODAL_CALLBACK,
        "blocks": blocks,
    }


def _question_buttons(answer: HomeAnswer) -> list[Block]:
    questions = list(QUESTIONS)
    if answer.followed:
        model = answer.followed[0]
        questions.append((f"{model.name}: prices", model.id))
    questions.append(("All commands", "help"))
    return [_button(label, f"{ACTION_ASK}_{i}", command) for i, (label, command) in enumerate(questions)]


def _subscription(s: HomeSubscription) -> str:
    channel = f"<#{s.channel_id}>" if _CHANNEL_ID.fullmatch(s.channel_id) else escape(s.channel_id)
    followed = [escape(m.name) for m in s.models or []] + [
        f"the {escape(f)} family" for f in s.families or []
    ]
    what = "every model" if s.models is None else _names(followed)
    threshold = f" · moves of {_pct(s.min_change_pct)} or more" if s.min_change_pct is not None else ""
    if s.next_countdown is not None:
        threshold += (
            f" · next countdown {s.next_countdown.isoformat()} ({escape(s.next_countdown_model or '')})"
        )
    if s.digest is not None:
        threshold += f" · digest {escape(s.digest)}{' only' if s.digest_only else ''}"
    match s.status:
        case "active":
            state = ":large_green_circle: active"
        case "broken":
            state = f":warning: broken: {escape(s.reason or 'deliveries are failing')}"
        case "disabled":
            state = f":no_entry_sign: disabled: {escape(s.reason or 'no reason recorded')}"
    return clip(f"• {channel}: {what}{threshold} · {state}", MAX_LINE)


def _changes(answer: HomeAnswer) -> list[Block]:
    if answer.follows_all:
        scope = "For every model, as this workspace sees it (the shared catalog and its own prices)."
    elif answer.followed:
        scope = f"For the models your channels follow: {_names([m.name for m in answer.followed])}."
    else:
        return _sections(
            ["Your channels follow no models yet, so there are no changes to show. " + NO_SUBSCRIPTIONS]
        )
    lines = [_change(c) for c in answer.changes] or ["No price changes yet for these models."]
    return [_context(scope), *_sections(lines)]


def _change(c: HomeChange) -> str:
    what = "; ".join(words.moves(c.old, c.new, c.pct)) if c.old else f"first price: {words.price_line(c.new)}"
    own = " (this workspace's own price)" if c.own else ""
    return clip(
        f"`{c.at:%Y-%m-%d}` *{escape(c.model.name)}* at {escape(c.provider_name)}: {escape(what)}{own} "
        f"_({actor(c.actor)})_",
        MAX_LINE,
    )


def _overrides(answer: HomeAnswer) -> list[Block]:
    parts: list[str] = []
    if answer.prices:
        parts += ["*Prices*"] + _cut(
            [
                clip(
                    f"• *{escape(p.model.name)}* at {escape(p.provider_name)}: "
                    f"{escape(words.price_line(p.prices))} _(set by {actor(p.set_by)}, {p.at:%Y-%m-%d})_",
                    MAX_LINE,
                )
                for p in answer.prices
            ]
        )
    if answer.aliases:
        parts += ["*Names*"] + _cut(
            [
                clip(
                    f"• `{escape(a.alias)}` means *{escape(a.model.name)}* _(added {a.at:%Y-%m-%d})_",
                    MAX_LINE,
                )
                for a in answer.aliases
            ]
        )
    if answer.scores:
        parts += ["*Team scores*"] + _cut(
            [
                clip(
                    f"• *{escape(s.model.name)}* {escape(s.category_label)}: {s.score} "
                    f"_(set by {actor(s.set_by)}, {s.at:%Y-%m-%d})_",
                    MAX_LINE,
                )
                for s in answer.scores
            ]
        )
    if not parts:
        parts = [
            "None: this workspace sees the shared catalog as it is. Admins can correct a price "
            f"(`{COMMAND} set o1 output 50`), add a name (`{COMMAND} alias team-default gpt-4o`) "
            f"or set the team's score (`{COMMAND} set sonnet score 1460`)."
        ]
    return _sections(parts)


def _cut(lines: list[str], limit: int = MAX_LINES) -> list[str]:
    if len(lines) <= limit:
        return lines
    return [*lines[: limit - 1], f"_… and {len(lines) - limit + 1} more_"]


def _names(names: list[str]) -> str:
    shown = ", ".join(escape(n) for n in names[:MAX_MODELS_NAMED])
    more = len(names) - MAX_MODELS_NAMED
    return f"{shown} and {more} more" if more > 0 else shown


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"
