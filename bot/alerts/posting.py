"""Posting one alert to Slack, and what each answer means for the alert.

Every post is bounded (the client is bot.slackapi.clients.web_client's `bounded` one): a connection
is retried twice (Slack never got the message), a 429 is never slept on but handed back with its
Retry-After (the outbox holds the workspace that long), and a post that gets no answer times out
after `POST_TIMEOUT_S` and is retried later, so a hung post holds up only the thread and the channel
it is for.
"""

from __future__ import annotations

from typing import Any  # Any: Slack's response headers and the alert payload are JSON

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.contract.actor import CLI_USER
from bot.render.alert import digest, payload_actor
from bot.render.notice import notice
from bot.render.summary import summary
from bot.slackapi.clients import retry_after
from bot.slackapi.users import DisplayNames
from bot.store.claims import Outcome

DISABLING_ERRORS = {
    "channel_not_found": "the channel no longer exists or the app cannot see it",
    "is_archived": "the channel is archived",
}
# Refusals that last until someone acts in Slack: the subscription shows as broken, saying what to do,
# and the first alert delivered after that mends it. chat:write.public covers public channels, so the
# app never joins one; a private channel needs the app invited.
BREAKING_ERRORS = {
    "not_in_channel": "the app is not in this private channel: invite it there with /invite @modelcost",
}


class Poster:
    def __init__(self, client: WebClient) -> None:
        self.client = client
        self.names = DisplayNames(client)  # kept across posts: one users.info per admin per few minutes

    def send(self, channel: str, payload: dict[str, Any]) -> Outcome:
        """Post one alert (a change's digest, a lifecycle notice); what happened, as the outcome."""
        if payload.get("type") == "notice":
            text, blocks = notice(payload)
        elif payload.get("type") == "digest":
            text, blocks = summary(payload)
        else:
            actor = payload_actor(payload)
            name = self.names.get(actor.id) if actor.kind == "admin" and actor.id != CLI_USER else None
            text, blocks = digest(payload, actor, name)
        try:
            self.client.chat_postMessage(channel=channel, text=text, blocks=blocks, unfurl_links=False)
            return Outcome("sent")
        except SlackApiError as exc:
            error = str(exc.response.get("error", "")) or f"HTTP {exc.response.status_code}"
            if exc.response.status_code == 429:
                # The whole workspace waits Retry-After (bot.store.pacing); this thread goes on to others.
                return Outcome("limited", "rate limited (429)", retry_after(exc.response.headers))
            if error in DISABLING_ERRORS:
                return Outcome("disable", f"{error}: {DISABLING_ERRORS[error]}")
            if error in BREAKING_ERRORS:
                return Outcome("broken", f"{error}: {BREAKING_ERRORS[error]}")
            return Outcome("retry", error)
        except OSError as exc:  # network: URLError, timeouts, refused connections
            return Outcome("retry", f"network error: {exc}")
