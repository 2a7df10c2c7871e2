"""The App Home: `app_home_opened` publishes the user's workspace's Home (views.publish), fresh each
time the tab is opened; a question button there opens a modal with the answer `/modelcost` gives
(views.open with the click's trigger_id: a Home tab has no response_url), and a question button in
that modal replaces its answer (views.update).

The work runs as Bolt lazy listeners, after the ack. Slack is called with the client Bolt hands the
listener (the workspace's token in OAuth mode). Nothing here raises to Bolt: a catalog that can't be
read publishes an "unavailable" Home, a view Slack refuses is one log line.
"""

from __future__ import annotations

import logging
import re
from typing import Any  # Any: Bolt hands listeners decoded JSON payloads
from urllib.error import URLError

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.contract.errors import CatalogUnavailableError
from bot.read import home as catalog_home
from bot.render import home as render_home
from bot.render.kit import Message
from bot.slack.parts import SlackApp
from bot.slack.replies import Replies
from bot.slackapi.installs import workspace_of

log = logging.getLogger(__name__)


def _workspace(replies: Replies, context: BoltContext) -> str:
    """Whose Home: the workspace key of the installation serving the request (SHARED in single mode)."""
    return workspace_of(replies.settings, context)


def register(slack: SlackApp) -> None:
    app, replies = slack.bolt, slack.replies

    def ack_now(ack: Ack) -> None:
        ack()

    # Any: Bolt hands listeners the event and the request body as decoded JSON.
    def publish(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab") != "home":
            return  # the Messages tab: nothing to publish
        user_id = str(event.get("user") or "")
        view = home_view(replies, _workspace(replies, context))
        try:
            client.views_publish(user_id=user_id, view=view)
        except (SlackApiError, URLError, OSError) as exc:
            log.warning("publishing the Home of %s failed: %s", user_id, _why(exc))

    def ask(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        action = (body.get("actions") or [{}])[0]
        question = str(action.get("value") or "").strip()
        user_id = str((body.get("user") or {}).get("id") or "")
        modal = render_home.answer_modal(
            question, answer(replies, user_id, question, _workspace(replies, context))
        )
        opened = body.get("view") or {}
        try:
            if opened.get("type") == "modal" and opened.get("id"):
                client.views_update(view_id=opened["id"], view=modal)
            else:
                client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=modal)
        except (SlackApiError, URLError, OSError) as exc:
            log.warning("opening the answer to %r for %s failed: %s", question[:100], user_id, _why(exc))

    app.event("app_home_opened")(ack=ack_now, lazy=[publish])
    app.action(re.compile(rf"^{render_home.ACTION_ASK}_\d+$"))(ack=ack_now, lazy=[ask])


def home_view(replies: Replies, workspace: str) -> render_home.View:
    """The workspace's Home view; the "unavailable" one when the catalog can't be read."""
    try:
        answer = replies.gate.run(lambda: catalog_home.home(replies.engine, workspace))
    except CatalogUnavailableError:
        return render_home.unavailable_view()  # the gate logged why
    except Exception:
        log.exception("gathering the Home of workspace %r failed", workspace)
        return render_home.failure_view()
    return render_home.home_view(answer)


def answer(replies: Replies, user_id: str, question: str, workspace: str) -> Message:
    """The reply `/modelcost <question>` gives this user (no channel: a Home tab has none); never raises."""
    return replies.message(user_id, "", question, workspace=workspace)


def _why(exc: Exception) -> str:
    if isinstance(exc, SlackApiError) and exc.response is not None:
        return f"Slack said {exc.response.get('error') or exc.response.status_code}"
    return type(exc).__name__
