"""build_app(settings): the Bolt app, over HTTP (signed requests) or Socket Mode."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot import db
from bot.config import Settings
from bot.slack import charts, listeners
from bot.slack.admin import AdminCheck
from bot.slack.cache import SIZE
from bot.slack.clients import web_client
from bot.slack.gate import CatalogGate
from bot.slack.replies import ACK_BUDGET_S, Replier

BOLT_LOGGER = logging.getLogger("bot.slack.bolt")

HTTP_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
SOCKET_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")


def build_app(
    settings: Settings,
    client: WebClient | None = None,
    *,
    socket_mode: bool = False,
    ack_budget: float = ACK_BUDGET_S,
    cache_size: int = SIZE,
) -> App:
    """The app; MissingSettingsError naming what is absent.

    The catalog is migrated and seeded now if the database answers, else on the first request that
    finds it back (gate.py): the app starts either way. Over HTTP, bot.slack.web checks each
    request's signature and timestamp before anything reads it, and Bolt checks them again; Socket
    Mode needs no signing secret. It checks the bot token once, with auth.test, at start.
    """
    settings.require(*(SOCKET_SETTINGS if socket_mode else HTTP_SETTINGS))
    engine = db.engine_for(settings.database_url)
    gate = CatalogGate(engine)
    gate.try_prepare()
    secret = settings.slack_signing_secret
    _quiet_token_warning(BOLT_LOGGER)
    app = App(
        client=client or web_client(settings),
        signing_secret=secret.get_secret_value() if secret else "",
        request_verification_enabled=not socket_mode,
        # The listener decides itself when to ack (see replies.py); running it in the request's
        # thread saves Bolt's 10 ms ack polling.
        process_before_response=True,
        logger=BOLT_LOGGER,
    )
    admins = AdminCheck(app.client, settings.admin_users)
    replier = Replier(
        settings,
        engine,
        admins=admins,
        ack_budget=ack_budget,
        cache_size=cache_size,
        gate=gate,
        client=app.client,
        # Socket Mode has no HTTP server to serve chart images from: its charts are uploaded.
        public_url=None if socket_mode else settings.public_url,
    )
    listeners.register(app, replier)
    charts.register(app, replier.charts)
    return app


def _quiet_token_warning(bolt_logger: logging.Logger) -> None:
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and then warns, at every start, that
    the client we hand it (the one at SLACK_API_URL, with that very token) wins: true, and noise."""
    if not any(isinstance(f, _TokenSkipped) for f in bolt_logger.filters):
        bolt_logger.addFilter(_TokenSkipped())


class _TokenSkipped(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()
