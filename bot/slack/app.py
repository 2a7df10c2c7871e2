"""build_app(settings): the Slack app, over HTTP (signed requests) or Socket Mode; in single mode (one
workspace, SLACK_BOT_TOKEN) or oauth mode (installed into many, see bot/slack/oauth.py). It returns a
SlackApp: the Bolt app with its listeners, and the parts they use, which web.py and Socket Mode take
from it (no registry on the side)."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.exc import DBAPIError

from bot import db
from bot.config import ModeMismatchError, Settings
from bot.domain.workspaces import SHARED
from bot.read import current
from bot.slack import listeners, oauth
from bot.slack.acks import ACK_BUDGET_S, CommandAcks
from bot.slack.authorize import KeptAuthorize
from bot.slack.cache import SIZE, ReplyCache
from bot.slack.charts import ChartLinks
from bot.slack.clicks import Clicks
from bot.slack.dispatch import run_command
from bot.slack.gate import CatalogGate
from bot.slack.logtext import escape_records_of
from bot.slack.parts import SlackApp
from bot.slack.replies import Replies
from bot.slack.reprice import Reprices
from bot.slack.uploads import ChartUploads
from bot.slackapi.clients import web_client
from bot.slackapi.installs import Installs
from bot.slackapi.users import AdminCheck, Clients, UserInfo
from bot.store.cipher import token_cipher

# Bolt's messages may quote a request (a listener's error, a payload it could not route): escaped.
BOLT_LOGGER = escape_records_of(logging.getLogger("bot.slack.bolt"))

HTTP_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
SOCKET_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
OAUTH_SETTINGS = (
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "MODELCOST_PUBLIC_URL",
    "MODELCOST_TOKEN_KEY",
)
WORKERS = 8  # threads making the replies that come after the ack (clicks, uploads, slow commands)


def required_settings(settings: Settings, *, socket_mode: bool = False) -> tuple[str, ...]:
    """The settings the app can't start without, in its mode."""
    if settings.slack_mode == "oauth":
        return OAUTH_SETTINGS
    return SOCKET_SETTINGS if socket_mode else HTTP_SETTINGS


def check_settings(settings: Settings, *, socket_mode: bool = False) -> None:
    """Fail at start, in one line, on settings the app can't start with: ModeMismatchError, then
    MissingSettingsError naming what its mode requires, then TokenKeyError for a malformed
    MODELCOST_TOKEN_KEY (oauth mode)."""
    settings.check_mode(socket_mode=socket_mode)
    settings.require(*required_settings(settings, socket_mode=socket_mode))
    if settings.slack_mode == "oauth":
        token_cipher(settings)  # a malformed key stops the app now, not at the first install


def build_app(
    settings: Settings,
    client: WebClient | None = None,
    *,
    socket_mode: bool = False,
    ack_budget: float = ACK_BUDGET_S,
    cache_size: int = SIZE,
) -> SlackApp:
    """The app; SettingsError, in one line, for settings it can't start with (check_settings).

    The catalog is migrated and seeded now if the database answers, and its snapshot built (so the
    first question is answered from memory), else on the first request that finds it back (gate.py):
    the app starts either way. Over HTTP, bot.slack.web checks each request's signature and timestamp
    before anything reads it (the only way this app is served over HTTP), so Bolt's own check, the
    same HMAC again, is off; Socket Mode needs no signing secret. In single mode it checks the bot
    token once, with auth.test, at start; in oauth mode each request is authorized by its
    workspace's installation.
    """
    check_settings(settings, socket_mode=socket_mode)
    engine = db.engine_for(settings.database_url)
    gate = CatalogGate(engine)
    gate.try_prepare()
    secret = settings.slack_signing_secret
    _quiet_token_warning(BOLT_LOGGER)
    installs = Installs(settings, engine)
    client = client or web_client(settings.slack_api_url, installs.bot_token(SHARED))
    multi = settings.slack_mode == "oauth"
    # Oauth mode: each request authorized from its workspace's installation, kept (bot/slack/authorize.py).
    authorize = KeptAuthorize(engine=engine, installs=installs) if multi else None
    app = App(
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        # bot.slack.web.wsgi_app has checked every request's signature before Bolt sees it.
        request_verification_enabled=False,
        # The listener decides itself when to ack (see replies.py); running it in the request's
        # thread saves Bolt's 10 ms ack polling.
        process_before_response=True,
        logger=BOLT_LOGGER,
        oauth_flow=oauth.oauth_flow(settings, engine, client, authorize) if authorize else None,
        user_facing_authorize_error_message=oauth.not_installed(settings) if multi else None,
    )
    if not multi and app.oauth_flow is not None:
        # Bolt read SLACK_CLIENT_ID and SLACK_CLIENT_SECRET from the environment itself.
        raise ModeMismatchError(
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are in the environment in single mode: "
            "set MODELCOST_SLACK_MODE=oauth, or unset them"
        )
    clients: Clients = installs.client if multi else (lambda ws: app.client if ws == SHARED else None)
    admins = AdminCheck(UserInfo(clients), settings.admin_users, oauth=multi)
    # The catalog's snapshot is kept fresh off the request path (bot.read.current); its version tags
    # cached replies and chart links. Reading it touches the database only before the first snapshot
    # or right after a write here, and then through the gate, so an outage is "unavailable", not a 500.
    version = current.watch(engine)
    links = ChartLinks(
        secret.get_secret_value() if secret else "",
        # Socket Mode has no HTTP server to serve chart images from: its charts are uploaded.
        None if socket_mode else settings.public_url,
        answer=lambda text, workspace: gate.run(
            lambda: run_command(settings, engine, "", "", text, admins, workspace=workspace)
        ),
        version=lambda: gate.run(version),
    )
    cache = ReplyCache(lambda: gate.run(version), size=cache_size)  # size 0: no cache
    replies = Replies(settings, engine, gate=gate, cache=cache, links=links, admins=admins, clients=clients)
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="modelcost")
    slack = SlackApp(
        bolt=app,
        settings=settings,
        replies=replies,
        acks=CommandAcks(replies, pool, ack_budget=ack_budget),
        clicks=Clicks(replies, pool),
        uploads=ChartUploads(replies, pool),
        links=links,
        reprices=Reprices(settings, engine, gate, pool),
        pool=pool,
        authorize=authorize,
    )
    if gate.ready:
        try:
            current.current(engine)  # built now, at boot: the first question finds its snapshot ready
        except DBAPIError:
            pass  # the database went away since: built by the first question that finds it back
    listeners.register(slack)
    if authorize is not None:
        oauth.register(app, settings, engine, installs, authorize)
    return slack


def _quiet_token_warning(bolt_logger: logging.Logger) -> None:
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and then warns, at every start, that
    the client we hand it (the one at SLACK_API_URL, with that very token) wins: true, and noise."""
    if not any(isinstance(f, _TokenSkipped) for f in bolt_logger.filters):
        bolt_logger.addFilter(_TokenSkipped())


class _TokenSkipped(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()
