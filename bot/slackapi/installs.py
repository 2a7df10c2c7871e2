"""Which bot token serves a workspace, which workspace a request belongs to, and the install states the
worker deletes once expired.

Single mode has one token (SLACK_BOT_TOKEN) and one workspace key, SHARED. In oauth mode each
installation's token lives in slack_sdk's SQLAlchemy installation store (tables from migration 0007),
encrypted (bot/slackapi/tokens.py), looked up by the workspace key's scope (bot.domain.workspaces).
Tokens that Slack rotates (the app's "token rotation" setting: they expire after 12 hours) are
refreshed here, with slack_sdk's TokenRotator, when they expire within ROTATE_WITHIN_MIN, and the
refreshed installation is saved; the requests' authorize (bot/slack/authorize.py) reads through the same
code, so a token handed out here is good for at least that long.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any  # Any: Bolt's events and context are untyped dicts

from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine, delete

from bot import db
from bot.config import Settings
from bot.contract.errors import SlackUnavailableError
from bot.domain.workspaces import SHARED, scope, workspace_key
from bot.slackapi.clients import web_client
from bot.slackapi.tokens import EncryptedInstallationStore
from bot.store.cipher import token_cipher
from bot.store.tables import SLACK_OAUTH_STATES

log = logging.getLogger(__name__)

# Bolt's default margin: a token is refreshed once it has less than this left (Slack's last 12 h).
ROTATE_WITHIN_MIN = 120


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    """The store of this app's installations (its rows are keyed by the app's client id), its tokens
    encrypted under MODELCOST_TOKEN_KEY (bot/slackapi/tokens.py)."""
    assert settings.slack_client_id is not None  # oauth mode: Settings.check_mode and require said so
    return EncryptedInstallationStore(
        client_id=settings.slack_client_id, engine=engine, cipher=token_cipher(settings), logger=log
    )


def token_rotator(settings: Settings) -> TokenRotator:
    """slack_sdk's refresher, calling oauth.v2.access at SLACK_API_URL like every other client here."""
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    return TokenRotator(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        client=web_client(settings.slack_api_url, None),
    )


# Any: Bolt's context is a dict subclass with untyped properties.
def workspace_of(settings: Settings, context: Any) -> str:
    """The workspace key a request is served for: its installation's (oauth), else SHARED."""
    if settings.slack_mode == "single":
        return SHARED
    return workspace_key(context.enterprise_id, context.team_id, bool(context.is_enterprise_install))


class Installs:
    """bot_token(workspace) for whoever posts on a workspace's behalf (the alert worker, the web tier)."""

    def __init__(
        self, settings: Settings, engine: Engine | None = None, *, rotate_within_min: int = ROTATE_WITHIN_MIN
    ) -> None:
        self.settings = settings
        self.oauth = settings.slack_mode == "oauth"
        self.rotate_within_min = rotate_within_min
        self.store: SQLAlchemyInstallationStore | None = None
        if self.oauth:
            self.store = installation_store(settings, engine or db.engine_for(settings.database_url))
            self._rotator = token_rotator(settings)

    def bot_token(self, workspace: str) -> str | None:
        """The workspace's bot token, refreshed first if it is about to expire; None when the app is
        not installed there. SlackUnavailableError when a refresh is due and Slack refuses or can't
        be reached: the token may still be good, but that is not known."""
        if self.store is None:
            token = self.settings.slack_bot_token
            return token.get_secret_value() if token is not None and workspace == SHARED else None
        installed = self.installation(workspace)
        return None if installed is None else installed.bot_token

    def installation(self, workspace: str) -> Installation | None:
        """Oauth mode: the workspace's installation with a bot token, refreshed (and saved) first if
        the token is about to expire; None when the app is not installed there. SlackUnavailableError
        as for bot_token."""
        if self.store is None or workspace == SHARED:
            return None  # the shared catalog has no installation: nothing posts as it in oauth mode
        where = scope(workspace)
        installation = self.store.find_installation(
            enterprise_id=where.enterprise_id,
            team_id=where.team_id,
            is_enterprise_install=where.is_enterprise_install,
        )
        if installation is None or installation.bot_token is None:
            return None
        try:
            refreshed = self._rotator.perform_token_rotation(
                installation=installation, minutes_before_expiration=self.rotate_within_min
            )
        except (SlackTokenRotationError, OSError) as exc:
            log.warning("refreshing the token of %s failed: %s", workspace, type(exc).__name__)
            raise SlackUnavailableError() from None
        if refreshed is None:
            return installation
        self.store.save(refreshed)
        log.info("refreshed the bot token of %s", workspace)
        return refreshed

    def client(self, workspace: str) -> WebClient | None:
        """A Web API client with the workspace's bot token; None when the app is not installed there."""
        token = self.bot_token(workspace)
        return None if token is None else web_client(self.settings.slack_api_url, token)

    def forget(self, workspace: str) -> None:
        """Delete the workspace's installation and bot rows (its tokens) from the store."""
        if self.store is None or workspace == SHARED:
            return
        where = scope(workspace)
        self.store.delete_all(enterprise_id=where.enterprise_id, team_id=where.team_id)

    def forget_user(self, workspace: str, user_id: str) -> None:
        """Delete one user's installation rows (their revoked user token); the bot's stay in slack_bots."""
        if self.store is None or workspace == SHARED:
            return
        where = scope(workspace)
        self.store.delete_installation(
            enterprise_id=where.enterprise_id, team_id=where.team_id, user_id=user_id
        )


# The worker deletes the install states left unused this often (bot/slack/oauth.py says how many there
# can be).
STATE_PURGE_EVERY_S = 60


def purge_expired_states(engine: Engine) -> int:
    """Delete the install states past their expiry, unused (Bolt deletes those an install consumes);
    returns how many. `modelcost worker` runs it every STATE_PURGE_EVERY_S."""
    now = datetime.now(UTC).replace(tzinfo=None)  # naive UTC, as slack_sdk's state store writes them
    with engine.begin() as conn:
        return conn.execute(delete(SLACK_OAUTH_STATES).where(SLACK_OAUTH_STATES.c.expire_at < now)).rowcount
