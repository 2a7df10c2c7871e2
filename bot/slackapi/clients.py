"""Slack HTTP clients, always at SLACK_API_URL: `web_client`, the one maker of Web API clients (the
app's, which wait out 429s a couple of times; the alerts worker's, `bounded`: a post is bounded, and
a 429 handed back at once, its Retry-After left to the worker), and the response_url
sender, which checks the status Slack answers and logs failures."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any  # Any: slack_sdk's retry handlers, response headers and bodies are JSON-ish
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)
# The Web API and response_url clients' logger, never below INFO: at DEBUG slack_sdk logs each request's
# URL and body and each response's, and oauth.v2.access carries the client secret, refresh tokens and the
# new tokens, a response_url is itself a credential, and a re-priced file's answer quotes the file.
CLIENT_LOG = logging.getLogger(f"{__name__}.web_api")
CLIENT_LOG.setLevel(logging.INFO)

TIMEOUT_S = 10
RATE_LIMIT_RETRIES = 2


def _retries() -> list[Any]:
    return [ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)]


def web_client(base_url: str, token: str | None, *, bounded: bool = False) -> WebClient:
    """A Web API client at `base_url` (SLACK_API_URL) with `token` (None: for calls that take none,
    such as oauth.v2.access). By default it waits out 429s (Retry-After) a couple of times before
    giving up. `bounded` (the alerts worker): a failure to connect is retried twice; a read timeout
    (Slack may have the message) is not retried here but recorded, and tried again later; a 429 is
    not waited out on a thread of the worker's pool but handed back, and the worker holds the whole
    workspace for its Retry-After (bot.store.pacing) while the thread goes on to other workspaces."""
    retries = [ConnectionErrorRetryHandler(max_retry_count=2)] if bounded else _retries()
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=POST_TIMEOUT_S if bounded else TIMEOUT_S,
        retry_handlers=retries,
        logger=CLIENT_LOG,
    )


def post_response(response_url: str, message: Mapping[str, Any]) -> bool:
    """POST a message to a response_url; False (and a log line) when Slack doesn't take it.

    A response_url is itself a credential, so logs name its host only.
    """
    host = urlsplit(response_url).netloc or "?"
    client = WebhookClient(response_url, timeout=TIMEOUT_S, retry_handlers=_retries(), logger=CLIENT_LOG)
    try:
        response = client.send_dict(dict(message))
    except (URLError, OSError) as exc:
        log.error("response_url post to %s failed: %s", host, type(exc).__name__)
        return False
    if response.status_code != 200:
        log.error(
            "response_url post to %s failed: HTTP %s %s", host, response.status_code, response.body[:200]
        )
        return False
    return True


POST_TIMEOUT_S = 10  # Slack answers a post in well under a second; a longer wait is a hang


def retry_after(headers: Mapping[str, Any]) -> float:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return float(raw)
            except ValueError:
                return 1.0
    return 1.0
