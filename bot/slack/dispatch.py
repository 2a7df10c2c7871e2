"""What `/modelcost <text>` means in Slack: one function from (who, where, what) to a typed answer.

Every Slack entry point (the slash command, buttons, Socket Mode) comes through `run_command`, which
parses once with the shared query core. Slack answers the read-only commands it can render; the
admin and channel commands (set, alias, sync, subscribe...) are routed here next, behind an admin
check of the user (the hook is `ask.Context.is_admin`).
"""

from __future__ import annotations

from sqlalchemy import Engine

from bot import ask, db, query
from bot.catalog.answers import Answer
from bot.config import Settings

SLACK_KINDS = frozenset({"help", "list", "model", "compare", "alternatives"})


def run_command(settings: Settings, engine: Engine, user_id: str, channel_id: str, text: str) -> Answer:
    """The typed answer; QueryError, UnknownModelError or NoPriceError when there is none."""
    request = query.parse(text)
    if request.kind not in SLACK_KINDS:
        raise query.QueryError(f"`{request.kind}` isn't available in Slack yet. Try {query.EXAMPLES}.")
    with db.session_factory(engine)() as session:
        try:
            result: Answer = ask.read(session, request)
            return result
        finally:
            session.rollback()  # asking never changes the catalog
