"""What `/modelcost <text>` means in Slack: one function from (who, where, what) to a typed answer.

Every Slack entry point (the slash command, buttons, Socket Mode) comes through `run_command`, which
parses once with the shared query core. Commands that change the catalog (set, alias, unalias, sync)
run only for admins: the check happens here, before anything runs, so a refused command never does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from bot import ask, query
from bot.config import Settings
from bot.slack.admin import AdminCheck

# Answers that depend only on the text and the catalog: safe to cache by text.
CACHEABLE_KINDS = frozenset({"help", "list", "model", "compare", "alternatives", "history"})


def cacheable(text: str) -> bool:
    try:
        return query.parse(text).kind in CACHEABLE_KINDS
    except query.QueryError:
        return True  # the same friendly error every time


def run_command(
    settings: Settings,
    engine: Engine,
    user_id: str,
    channel_id: str,
    text: str,
    admins: AdminCheck | None = None,
) -> Any:
    """The typed answer; an expected error (QueryError, UnknownModelError, NotAdminError, ...) otherwise."""
    request = query.parse(text)
    is_admin = False
    if request.kind in query.ADMIN_KINDS:
        is_admin = admins is not None and admins.is_admin(user_id)
        if not is_admin:
            raise ask.NotAdminError()
    if isinstance(request, query.SyncRequest):
        from bot.sync.run import sync

        return sync(engine, settings.feed_url, dry_run=request.dry_run)
    return ask.respond_to(
        engine, request, ask.Context(user_id=user_id, channel_id=channel_id, is_admin=is_admin)
    )
