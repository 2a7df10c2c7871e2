"""The "Post chart to channel" button: the chart of the command in its value, drawn (in the drawing
process, bot/slack/charts.py) and uploaded to the channel with files_upload_v2, on a worker thread
after the ack; a failure is told to the clicker alone."""

from __future__ import annotations

import logging
from concurrent.futures import Executor, Future
from typing import Any  # Any: Bolt's payloads are untyped

from slack_sdk.errors import SlackApiError

from bot.contract.errors import NoChartError, UserError
from bot.domain.workspaces import SHARED
from bot.render import blocks, kit
from bot.render.kit import COMMAND, Message
from bot.slack import charts
from bot.slack.dispatch import parsed
from bot.slack.replies import Replies, post

log = logging.getLogger(__name__)


class ChartUploads:
    def __init__(self, replies: Replies, pool: Executor) -> None:
        self.replies = replies
        self.pool = pool

    # Any: Bolt's block_actions payload.
    def upload(self, payload: dict[str, Any], *, workspace: str = SHARED) -> None:
        """Draw the chart of the command in the button's value and upload it to the channel."""
        action = (payload.get("actions") or [{}])[0]
        user_id = (payload.get("user") or {}).get("id", "")
        channel_id = (payload.get("channel") or {}).get("id", "")
        text = str(action.get("value") or "").strip()
        response_url = payload.get("response_url")

        def failed(done: Future[Message | None]) -> None:
            message = done.result() if done.exception() is None else blocks.failure_message()
            if done.exception() is not None:
                log.error("posting a chart failed", exc_info=done.exception())
            if message is not None:
                post(message, response_url, "ephemeral", replace=False)

        self.pool.submit(self._upload, user_id, channel_id, text, workspace).add_done_callback(failed)

    def _upload(self, user_id: str, channel_id: str, text: str, workspace: str) -> Message | None:
        """None once posted; else the message saying why not."""
        replies = self.replies
        request = parsed(text)
        client = replies.clients(workspace) if replies.clients is not None else None
        if request is None or not request.cacheable or client is None or not channel_id:
            return blocks.error_message(NoChartError("There is no chart to post for that."), query=text)
        try:
            answer = replies.ask(user_id, channel_id, text, workspace)
            png = replies.links.draw(answer)
            if png is None:
                raise NoChartError("That answer has no chart.")
        except UserError as exc:
            return blocks.error_message(exc, query=text)
        try:
            client.files_upload_v2(
                channel=channel_id,
                file=png,
                filename="modelcost-chart.png",
                title=charts.title(answer),
                alt_txt=charts.alt_text(answer),
                initial_comment=f"<@{kit.user_mention_id(user_id)}> posted {kit.escape(COMMAND)} "
                f"{kit.escape(kit.clip(text, 200))}",
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error", "")) if exc.response is not None else ""
            log.warning("chart upload to %s refused: %s", channel_id, error)
            why = (
                "invite me to this channel first (/invite @modelcost)"
                if error == "not_in_channel"
                else f"Slack said {error or 'no'}"
            )
            return blocks.error_message(NoChartError(f"I couldn't post the chart here: {why}."), query=text)
        return None
