"""Settings: every environment variable the app reads is read here, and nowhere else."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, SecretStr, field_validator

REPO_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_DIR / "data"
DEFAULT_SQLITE_PATH = Path.home() / ".modelcost" / "modelcost.db"
# Where `modelcost ask` keeps the catalog's read model between runs (bot.read.snapfile).
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "modelcost"
DEFAULT_FEED_URL = "https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json"
# LMArena's text arena, as it publishes it every few days (plain, not style-controlled: docs/quality.md).
DEFAULT_QUALITY_FEED_URL = "https://huggingface.co/datasets/lmarena-ai/leaderboard-dataset/resolve/main/text/latest-00000-of-00001.parquet"
DEFAULT_CROSSCHECK_URL = (
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
)


SlackMode = Literal["single", "oauth"]
SLACK_MODES: tuple[SlackMode, ...] = ("single", "oauth")


class SettingsError(RuntimeError):
    """The settings can't start the app; the message says why, on one line."""


class MissingSettingsError(SettingsError):
    """Required settings are absent; the message names them all on one line."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(f"missing required settings: {', '.join(names)}")


class ModeMismatchError(SettingsError):
    """Settings that contradict MODELCOST_SLACK_MODE (Bolt would otherwise pick a mode silently)."""


def database_url_from(raw: str | None) -> str:
    """The SQLAlchemy URL for DATABASE_URL; `postgres://` (Heroku style) becomes psycopg 3."""
    if not raw:
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


class Settings(BaseModel):
    """The app's configuration, read from the environment by `Settings.from_env()`."""

    model_config = ConfigDict(frozen=True)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # single: one workspace, SLACK_BOT_TOKEN. oauth: installed into many through Slack's OAuth flow,
    # each workspace's token kept in the database (bot/slack/oauth.py).
    slack_mode: SlackMode = "single"
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    # Oauth mode: the Fernet key(s) its tokens are stored under, comma-separated (bot/store/cipher.py).
    token_key: SecretStr | None = None
    database_url: str = database_url_from(None)
    admin_users: frozenset[str] = frozenset()
    feed_url: str = DEFAULT_FEED_URL
    sync_interval: timedelta = timedelta(hours=6)
    quality_feed_url: str = DEFAULT_QUALITY_FEED_URL
    quality_sync_interval: timedelta = timedelta(days=1)
    crosscheck_url: str = DEFAULT_CROSSCHECK_URL
    crosscheck_sync_interval: timedelta = timedelta(days=1)
    port: int = 3000
    # The app's public base URL (https://modelcost.example.com): over HTTP, replies then show charts as
    # images the app serves itself at <public_url>/charts/<id>.png; without it, a button uploads them.
    public_url: str | None = None
    cache_dir: Path = DEFAULT_CACHE_DIR
    # GET /metrics answers only `Authorization: Bearer <this>` when set; anyone who reaches it otherwise.
    metrics_token: SecretStr | None = None
    # Days after an uninstall that a workspace's data is deleted (bot/store/retention.py); 0: at once.
    retention_days: int = 30
    # The alerts worker (docs/alerts.md#fan-out-across-workspaces): threads posting at once, and each
    # workspace's pace, the least seconds between two of its posts (0: unpaced).
    alert_threads: int = 32
    alert_team_interval: float = 1.0

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, v: str) -> str:
        return v if v.endswith("/") else v + "/"

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, v: str | None) -> str | None:
        if v is None:
            return None
        if not v.startswith(("https://", "http://")):
            raise ValueError("MODELCOST_PUBLIC_URL must start with https:// (or http://)")
        return v.rstrip("/")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        admins = frozenset(u.strip() for u in (get("MODELCOST_ADMIN_USERS") or "").split(",") if u.strip())
        values: dict[str, object] = {
            "slack_bot_token": get("SLACK_BOT_TOKEN"),
            "slack_signing_secret": get("SLACK_SIGNING_SECRET"),
            "slack_app_token": get("SLACK_APP_TOKEN"),
            "slack_client_id": get("SLACK_CLIENT_ID"),
            "slack_client_secret": get("SLACK_CLIENT_SECRET"),
            "token_key": get("MODELCOST_TOKEN_KEY"),
            "database_url": database_url_from(get("DATABASE_URL")),
            "admin_users": admins,
        }
        if mode := get("MODELCOST_SLACK_MODE"):
            if mode not in SLACK_MODES:
                raise ModeMismatchError(f"MODELCOST_SLACK_MODE must be single or oauth, not {mode[:40]!r}")
            values["slack_mode"] = mode
        if api := get("SLACK_API_URL"):
            values["slack_api_url"] = api
        if feed := get("MODELCOST_FEED_URL"):
            values["feed_url"] = feed
        if interval := get("MODELCOST_SYNC_INTERVAL"):
            values["sync_interval"] = _parse_interval(interval, "MODELCOST_SYNC_INTERVAL")
        if quality := get("MODELCOST_QUALITY_FEED_URL"):
            values["quality_feed_url"] = quality
        if interval := get("MODELCOST_QUALITY_SYNC_INTERVAL"):
            values["quality_sync_interval"] = _parse_interval(interval, "MODELCOST_QUALITY_SYNC_INTERVAL")
        if crosscheck := get("MODELCOST_CROSSCHECK_URL"):
            values["crosscheck_url"] = crosscheck
        if interval := get("MODELCOST_CROSSCHECK_SYNC_INTERVAL"):
            values["crosscheck_sync_interval"] = _parse_interval(
                interval, "MODELCOST_CROSSCHECK_SYNC_INTERVAL"
            )
        if public := get("MODELCOST_PUBLIC_URL"):
            values["public_url"] = public
        if cache := get("MODELCOST_CACHE_DIR"):
            values["cache_dir"] = Path(cache)
        if port := get("PORT"):
            values["port"] = int(port)
        if metrics := get("MODELCOST_METRICS_TOKEN"):
            values["metrics_token"] = metrics
        if days := get("MODELCOST_RETENTION_DAYS"):
            if not days.isdigit():
                raise SettingsError(
                    f"MODELCOST_RETENTION_DAYS must be a whole number of days, not {days[:40]!r}"
                )
            values["retention_days"] = int(days)
        if threads := get("MODELCOST_ALERT_THREADS"):
            values["alert_threads"] = _parse_bounded(threads, "MODELCOST_ALERT_THREADS", 1, 256, whole=True)
        if pace := get("MODELCOST_ALERT_TEAM_INTERVAL"):
            values["alert_team_interval"] = _parse_bounded(pace, "MODELCOST_ALERT_TEAM_INTERVAL", 0, 60)
        return cls.model_validate(values)

    def require(self, *names: str) -> None:
        """Fail at start, in one line, when any of these settings (environment names) is missing."""
        fields = {
            "SLACK_BOT_TOKEN": self.slack_bot_token,
            "SLACK_SIGNING_SECRET": self.slack_signing_secret,
            "SLACK_APP_TOKEN": self.slack_app_token,
            "SLACK_CLIENT_ID": self.slack_client_id,
            "SLACK_CLIENT_SECRET": self.slack_client_secret,
            "MODELCOST_PUBLIC_URL": self.public_url,
            "MODELCOST_TOKEN_KEY": self.token_key,
        }
        missing = [n for n in names if fields.get(n) is None]
        if missing:
            raise MissingSettingsError(missing)

    def check_mode(self, *, socket_mode: bool = False) -> None:
        """Fail at start, in one line, when the settings contradict MODELCOST_SLACK_MODE.

        Bolt switches to OAuth by itself when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are in the
        environment, and ignores SLACK_BOT_TOKEN when it does: the mode is stated instead, and
        whatever belongs to the other mode is refused rather than silently used or dropped.
        """
        if self.slack_mode == "single":
            stray = [
                name
                for name, value in (
                    ("SLACK_CLIENT_ID", self.slack_client_id),
                    ("SLACK_CLIENT_SECRET", self.slack_client_secret),
                )
                if value is not None
            ]
            if stray:
                raise ModeMismatchError(
                    f"{' and '.join(stray)} set in single mode: set MODELCOST_SLACK_MODE=oauth to install "
                    "into many workspaces, or unset them"
                )
            return
        if socket_mode:
            raise ModeMismatchError(
                "Socket Mode is not supported in oauth mode: serve over HTTP (modelcost serve), "
                "or use MODELCOST_SLACK_MODE=single"
            )
        if self.slack_bot_token is not None:
            raise ModeMismatchError(
                "SLACK_BOT_TOKEN set in oauth mode: each workspace's token comes from its installation; "
                "unset it, or use MODELCOST_SLACK_MODE=single"
            )


def _parse_interval(text: str, name: str) -> timedelta:
    """`3600`, `90s`, `15m`, `6h`, `1d` -> timedelta (`name`: the variable, for the error)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    unit = text[-1].lower()
    seconds = float(text[:-1]) * units[unit] if unit in units else float(text)
    if seconds <= 0:
        raise ValueError(f"{name} must be positive")
    return timedelta(seconds=seconds)


def _parse_bounded(text: str, name: str, low: float, high: float, *, whole: bool = False) -> float:
    """A number from `low` to `high` (`name`: the variable, for the error)."""
    try:
        value = int(text) if whole else float(text.removesuffix("s"))
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # NaN fails too
        kind = "a whole number" if whole else "a number of seconds"
        raise SettingsError(f"{name} must be {kind} from {low:g} to {high:g}, not {text[:20]!r}")
    return value
