"""Oauth mode: installing the app into many workspaces with Bolt's OAuth flow.

GET /slack/install shows an "Add to Slack" page whose link carries a fresh `state` (kept in the
database and in a cookie); GET /slack/oauth_redirect is where Slack sends the installer back: Bolt
checks the state against the cookie and consumes it (once), exchanges the code with oauth.v2.access
and saves the installation; our pages then say what happened (a known failure in our words, anything
else as one generic line: the page never repeats what the request said). Requests are authorized from
the installation store, which also refreshes rotating tokens (ROTATE_WITHIN_MIN before they expire),
through bot/slack/authorize.py (the App's `authorize`), which keeps each workspace's authorization in
memory and drops it within a second of any change to its installation on any worker.
The install page is rate-limited (INSTALL_PAGES_*, applied by bot/slack/web.py), and the worker deletes
the states left unused once they expire (bot.slackapi.installs.purge_expired_states).
`app_uninstalled` and `tokens_revoked` delete the workspace's installation and tokens, then hand
the workspace to bot.store.subscriptions.uninstalled (its subscriptions and pending alerts).
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Sequence
from typing import Any  # Any: Bolt's events and context are untyped dicts

from slack_bolt import App, BoltContext
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from bot.config import Settings
from bot.contract.errors import CatalogUnavailableError, TokenRefreshError
from bot.domain import workspaces
from bot.render import blocks
from bot.render.kit import COMMAND
from bot.slack.authorize import KeptAuthorize
from bot.slack.limits import Rate
from bot.slack.logtext import escape_records_of
from bot.slackapi.installs import ROTATE_WITHIN_MIN, Installs, workspace_of
from bot.store import subscriptions

# Bolt's flow and slack_sdk's stores log on it too, quoting the request (a `code`, a `state`): every
# record's control characters are escaped.
log = escape_records_of(logging.getLogger(__name__))

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# The bot scopes, as in slack/manifest.oauth.json (tests/slack/test_manifests.py keeps them equal).
SCOPES = ("commands", "chat:write", "chat:write.public", "users:read", "files:read", "files:write")
STATE_EXPIRATION_S = 600
# Each GET /slack/install writes a state row, which lives STATE_EXPIRATION_S unless an install consumes
# it, and is then deleted by the worker within STATE_PURGE_EVERY_S (bot.slackapi.installs). Per web
# worker, a client address (the peer's: bot/slack/limits.py) gets INSTALL_PAGES_PER_CLIENT, 10 at once
# then 10 a minute (an admin installing needs one or two), everyone together INSTALL_PAGES_OVERALL, 60 at
# once then one a second; beyond them, 429 with Retry-After. So at most about 60 + 60 x 11 = 720 state
# rows per web worker exist at once, written one a second at most on average.
INSTALL_PAGES_PER_CLIENT = Rate(per_s=10 / 60, burst=10)
INSTALL_PAGES_OVERALL = Rate(per_s=1.0, burst=60)
_TEAM = re.compile(r"[A-Z0-9]{1,32}")

# What a user of a workspace that has no installation (any more) reads after a command or a click.
NOT_INSTALLED = (
    "modelcost is not installed in this workspace (any more). An admin can add it again from {url}."
)

# The failure pages: Bolt's reason -> what happened, for the person who tried to install.
FAILURES = {
    "access_denied": "The install was cancelled in Slack.",
    "invalid_browser": "This install link was opened in another browser than the one it started in, or "
    "its cookie expired.",
    "invalid_state": "This install link was already used, or it expired.",
    "missing_code": "Slack did not send back an authorization code.",
    "invalid_code": "Slack did not accept the authorization code (it may have expired, or been used).",
    "storage_error": "The installation could not be saved.",
}
# Any other reason: the `error` Slack (or whoever made the link) put in the redirect.
UNKNOWN_FAILURE = "Slack sent back an error."


def not_installed(settings: Settings) -> str:
    return NOT_INSTALLED.format(url=f"{settings.public_url}{INSTALL_PATH}")


class _Flow(OAuthFlow):
    """Bolt's flow with our install page, and a `team` hint passed on only when it is a team id."""

    def build_install_page_html(self, url: str, request: BoltRequest) -> str:
        return _page(
            "Add modelcost to Slack",
            "<p>modelcost answers LLM price questions in Slack: "
            f"<code>{html.escape(COMMAND)} r1 vs o1</code>, <code>{html.escape(COMMAND)} cheaper o1</code>, "
            "price change alerts in the channels that ask for them.</p>"
            f'<p><a class="button" href="{html.escape(url)}">Add to Slack</a></p>'
            "<p>You choose the workspace on Slack's page; the link works once, for ten minutes.</p>",
        )

    def build_authorize_url(self, state: str, request: BoltRequest) -> str:
        team = (request.query.get("team") or [""])[0]
        return self.settings.authorize_url_generator.generate(
            state=state, team=team if _TEAM.fullmatch(team) else None
        )


def oauth_flow(settings: Settings, engine: Engine, client: WebClient, authorize: KeptAuthorize) -> OAuthFlow:
    """The flow for App(oauth_flow=...): stores in our database, every Slack call through `client`
    (at SLACK_API_URL), and every option given here rather than left to Bolt's environment lookups.
    Requests are authorized by `authorize` (bot/slack/authorize.py), the flow's settings' authorize."""
    assert settings.slack_client_id and settings.slack_client_secret and settings.public_url
    client_id = settings.slack_client_id
    assert authorize.installs.store is not None  # oauth mode
    oauth_settings = OAuthSettings(
        client_id=client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(SCOPES),
        user_scopes=[],
        redirect_uri=f"{settings.public_url}{REDIRECT_PATH}",
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=CallbackOptions(
            success=lambda args: _installed(engine, authorize, args), failure=_failed
        ),
        installation_store=authorize.installs.store,
        token_rotation_expiration_minutes=ROTATE_WITHIN_MIN,
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_EXPIRATION_S, engine=engine, logger=log
        ),
        state_expiration_seconds=STATE_EXPIRATION_S,
        logger=log,
    )
    # In place of the one OAuthSettings makes (Bolt's installation-store authorize, which asks auth.test
    # on every request): App takes the flow's settings' `authorize` and calls it as KeptAuthorize is
    # called. Bolt types the attribute as its own Authorize class, which lives in a module the package
    # does not export, hence the ignore; the HTTP tests (tests/slack/test_oauth.py) go through it.
    oauth_settings.authorize = authorize  # type: ignore[assignment]
    return _Flow(client=client, logger=log, settings=oauth_settings)


def register(
    app: App, settings: Settings, engine: Engine, installs: Installs, authorize: KeptAuthorize
) -> None:
    """The uninstall listeners (Bolt's own, TokenRevocationListeners, key org-wide installs by the
    requesting team and so miss them: these delete by the installation's scope), and what a command
    gets when its workspace's installation can't be read."""

    @app.error
    def unavailable(error: Exception, request: BoltRequest) -> BoltResponse | None:
        """A command whose installation can't be read (the database is down, and the workspace was
        not served by this worker before) gets the catalog's "unavailable" in its ack, not a 500, and
        one whose token is due for a refresh that Slack refuses or can't be reached for says so;
        an event gets the 500, so that Slack sends it again."""
        body = request.body if isinstance(request.body, dict) else {}
        if isinstance(error, DBAPIError | TokenRefreshError) and body.get("command"):
            log.warning("installations unavailable (%s): a command got 'unavailable'", type(error).__name__)
            told = error if isinstance(error, TokenRefreshError) else CatalogUnavailableError()
            message = blocks.error_message(told, query=str(body.get("text", "")))
            return BoltResponse(
                status=200,
                body=json.dumps({"response_type": "ephemeral", **message}),
                headers={"content-type": ["application/json;charset=utf-8"]},
            )
        log.error("failed to serve a request: %s", error, exc_info=error)
        return None

    def forget(context: BoltContext) -> None:
        key = workspace_of(settings, context)
        installs.forget(key)
        authorize.forget(key)  # after the delete: no read here can keep it again
        subscriptions.uninstalled(engine, key)
        log.info("uninstalled from %s: its installation and tokens are deleted", key)

    @app.event("app_uninstalled")
    def app_uninstalled(context: BoltContext) -> None:
        forget(context)

    @app.event("tokens_revoked")
    def tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            # The app is bot-only: without its bot token it is not installed there any more.
            forget(context)
            return
        for user_id in tokens.get("oauth") or []:
            installs.forget_user(workspace_of(settings, context), str(user_id))


def _installed(engine: Engine, authorize: KeptAuthorize, args: SuccessArgs) -> BoltResponse:
    """The installation is saved: what an earlier uninstall disabled there resumes, this worker serves
    it with its new token at once (the others within a second), and the page says so."""
    installation = args.installation
    key = workspaces.workspace_key(
        installation.enterprise_id, installation.team_id, bool(installation.is_enterprise_install)
    )
    authorize.forget(key)
    subscriptions.installed(engine, key)
    log.info("installed in %s", key)
    where = installation.team_name or installation.enterprise_name or "your workspace"

    body = _page(
        "modelcost is installed",
        f"<p>modelcost is installed in <strong>{html.escape(where)}</strong>.</p>"
        f"<p>Try <code>{html.escape(COMMAND)} help</code> in any channel; "
        f"<code>{html.escape(COMMAND)} subscribe</code> in a channel sends it price changes.</p>"
        "<p>You can close this page.</p>",
    )
    return _html(200, body, args)


def _failed(args: FailureArgs) -> BoltResponse:
    what = FAILURES.get(args.reason, UNKNOWN_FAILURE)
    if args.error is not None:
        log.error("install failed: %s (%s)", args.reason, type(args.error).__name__)
    else:
        log.warning("install failed: %s", args.reason[:100])
    body = _page(
        "modelcost was not installed",
        f"<p>modelcost was not installed: {html.escape(what)}</p>"
        "<p>Nothing was saved. To try again, "
        f'<a href="{html.escape(args.settings.install_path)}">start the install again</a>.</p>',
    )
    return _html(args.suggested_status_code, body, args)


def _html(status: int, body: str, args: SuccessArgs | FailureArgs) -> BoltResponse:
    # The state cookie has done its work either way: the browser may drop it.
    headers: dict[str, str | Sequence[str]] = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "Set-Cookie": [args.settings.state_utils.build_set_cookie_for_deletion()],
    }
    return BoltResponse(status=status, body=body, headers=headers)


def _page(title: str, content: str) -> str:
    """A plain page; `content` is HTML made here, with everything from outside already escaped."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;"
        "line-height:1.5;color:#1f2937}a.button{display:inline-block;padding:.6em 1.2em;border-radius:6px;"
        "background:#4a154b;color:#fff;text-decoration:none;font-weight:600}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{content}</body></html>\n"
    )
