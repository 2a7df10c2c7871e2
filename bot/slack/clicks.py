"""Button clicks that run a command: Share in channel, Cheaper alternatives, "did you mean" choices,
and commands that change the catalog (which Slack asked the user to confirm). The reply is made on
a worker thread after the ack and sent to the click's response_url.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from typing import Any  # Any: Bolt's payloads are untyped

from bot.contract.errors import UserError
from bot.contract.requests import Request
from bot.domain.workspaces import SHARED
from bot.render import blocks, kit
from bot.render.kit import Message
from bot.slack.dispatch import changes_catalog, check_command, parsed
from bot.slack.replies import Replies, Visibility, post


class Clicks:
    def __init__(self, replies: Replies, pool: Executor) -> None:
        self.replies = replies
        self.pool = pool

    # Any: Bolt's block_actions payload.
    def click(self, payload: dict[str, Any], *, share: bool, workspace: str = SHARED) -> None:
        """Run the command in the button's value; Share posts it visibly, others privately.

        A command that changes the catalog runs only from a button Slack asked the user to confirm
        (ACTION_CONFIRM); from any other button it comes back as text with such a button.
        """
        action = (payload.get("actions") or [{}])[0]
        user_id = (payload.get("user") or {}).get("id", "")
        channel_id = (payload.get("channel") or {}).get("id", "")
        text = action.get("value") or ""
        action_id = str(action.get("action_id", ""))
        # A "did you mean" choice (or its confirmation) replaces the error it answers; others add a message.
        replace = action_id.startswith((kit.ACTION_SUGGEST, kit.ACTION_CONFIRM))
        request = parsed(text)
        if not action_id.startswith(kit.ACTION_CONFIRM) and changes_catalog(request):
            assert request is not None  # changes_catalog says so
            reply = self.pool.submit(self._unconfirmed, user_id, channel_id, request, text, workspace)
        else:
            reply = self.pool.submit(
                self.replies.reply,
                user_id,
                channel_id,
                text,
                shared_by=user_id if share else None,
                workspace=workspace,
            )
        response_url = payload.get("response_url")

        def deliver(done: Future[tuple[Message, bool]]) -> None:
            message, answered = done.result()
            # Only an answer is ever posted for the channel to see: an error goes to the clicker alone.
            visibility: Visibility = "in_channel" if share and answered else "ephemeral"
            post(message, response_url, visibility, replace=replace)

        reply.add_done_callback(deliver)

    def _unconfirmed(
        self, user_id: str, channel_id: str, request: Request, text: str, workspace: str
    ) -> tuple[Message, bool]:
        """A change brought by a button that did not ask to confirm it: someone who may make it is
        shown the command with a button that does; anyone else gets the refusal, and nothing runs."""
        replies = self.replies
        try:
            check_command(replies.settings, user_id, channel_id, request, replies.admins, workspace=workspace)
        except UserError as exc:
            return blocks.error_message(exc, query=text, changes_catalog=True), False
        return blocks.confirm_message(text), False
