"""What `/modelcost <text>` means in Slack: one function from (who, where, what) to a typed answer.

Every Slack entry point (the slash command, buttons, Socket Mode) comes through `run_command`, which
parses once with the shared query core and hands the request to bot.commands.ask with the Slack user's
context.
Whether the user may run it is decided there, in one place, before anything runs. What `sync status`
shows of a failed sync's reason depends on who asks: whoever may run the syncs (an admin, in single
mode) sees it whole, others a short one; in oauth mode the syncs are the operator's, so every user.
"""

from __future__ import annotations

from sqlalchemy import Engine

from bot.commands import ask
from bot.config import Settings
from bot.contract import requests
from bot.contract.answers import Answer
from bot.contract.errors import QueryError, SlackUnavailableError
from bot.contract.sync import SyncStatusAnswer
from bot.domain import query
from bot.domain.workspaces import SHARED
from bot.render.sync import public_status
from bot.slackapi.users import AdminCheck


def cacheable(text: str) -> bool:
    """Whether the reply to `text` depends only on the text and the catalog (its request type says)."""
    try:
        return query.parse(text).cacheable
    except QueryError:
        return True  # the same friendly error every time


def parsed(text: str) -> requests.Request | None:
    """The request `text` asks for; None when it is not a command (its reply is a friendly error)."""
    try:
        return query.parse(text)
    except QueryError:
        return None


def changes_catalog(request: requests.Request | None) -> bool:
    """Whether running it would change the catalog (or fetch a feed that may): such a command only
    ever runs as typed, or from a button Slack asked to confirm."""
    return request is not None and (request.writes or request.fetches or request.admin_only)


def run_command(
    settings: Settings,
    engine: Engine,
    user_id: str,
    channel_id: str,
    text: str,
    admins: AdminCheck | None = None,
    *,
    workspace: str = SHARED,
) -> Answer:
    """The typed answer for the workspace `workspace` (bot.domain.workspaces); an expected error
    (bot.contract.errors.UserError) otherwise."""
    context = _context(settings, user_id, channel_id, admins, workspace)
    answer = ask.respond(engine, text, context)
    if isinstance(answer, SyncStatusAnswer) and not (
        context.shared_catalog and _is_admin(admins, user_id, workspace)
    ):
        return public_status(answer)
    return answer


def check_command(
    settings: Settings,
    user_id: str,
    channel_id: str,
    request: requests.Request,
    admins: AdminCheck | None = None,
    *,
    workspace: str = SHARED,
) -> None:
    """The refusal (a UserError) `request` would get from this user here, raised without running it."""
    ask.check(request, _context(settings, user_id, channel_id, admins, workspace))


def _context(
    settings: Settings, user_id: str, channel_id: str, admins: AdminCheck | None, workspace: str
) -> ask.Context:
    def is_admin(user: str) -> bool:
        return admins is not None and admins.is_admin(user, workspace=workspace)

    def is_member(user: str) -> bool:
        return admins is None or admins.is_member(user, workspace=workspace)

    return ask.Context.slack(
        user_id,
        channel_id,
        is_admin if admins else None,
        is_member=is_member,
        feed_url=settings.feed_url,
        workspace=workspace,
    )


def _is_admin(admins: AdminCheck | None, user_id: str, workspace: str) -> bool:
    try:
        return admins is not None and admins.is_admin(user_id, workspace=workspace)
    except SlackUnavailableError:
        return False  # only decides how much of a reason to show: the short one is right for anyone
