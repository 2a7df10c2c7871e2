"""What `/modelcost <text>` means in Slack: one function from (who, where, what) to a typed answer.

Every Slack entry point (the slash command, buttons, Socket Mode) comes through `run_command`, which
parses once with the shared query core and hands the request to bot.ask with the Slack user's context.
Whether the user may run it is decided there, in one place, before anything runs.
"""

from __future__ import annotations

from sqlalchemy import Engine

from bot import ask, query
from bot.catalog.answers import Answer
from bot.config import Settings
from bot.errors import QueryError
from bot.slack.admin import AdminCheck


def cacheable(text: str) -> bool:
    """Whether the reply to `text` depends only on the text and the catalog (its request type says)."""
    try:
        return query.parse(text).cacheable
    except QueryError:
        return True  # the same friendly error every time


def run_command(
    settings: Settings,
    engine: Engine,
    user_id: str,
    channel_id: str,
    text: str,
    admins: AdminCheck | None = None,
) -> Answer:
    """The typed answer; an expected error (bot.errors.UserError) otherwise."""
    context = ask.Context.slack(
        user_id, channel_id, admins.is_admin if admins else None, feed_url=settings.feed_url
    )
    return ask.respond(engine, text, context)
