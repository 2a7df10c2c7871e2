"""A command built to cost a worker dearly is answered in the ack like any other: before issue 23,
`list` and twenty `%` ran a regex over every lab's and host's name for hours, in the request's own
greenlet, until gunicorn killed the worker."""

from __future__ import annotations

from collections.abc import Callable

import requests

from tests.slack.conftest import Served, answer_of, command_body, post_signed, reply_of, visible_text

GUARD_S = 5  # a generous guard against a blow-up (the answer takes milliseconds), not a speed test

Send = Callable[..., requests.Response]


def test_list_with_twenty_percent_signs_is_answered_in_the_ack(signed_request: Send, slack: Served) -> None:
    # Once the catalog is in memory (after any question), a question about it is answered in the ack.
    warm = command_body(slack.fake, "help", response_url=slack.fake.response_url("warm"))
    answer_of(slack.fake, post_signed(slack.url, warm), "warm")
    filter = "%" * 20 + "#"

    message = reply_of(signed_request(f"list {filter}", timeout=GUARD_S))

    assert message["text"] == f"No models match '{filter}'."
    assert "Try `list`, `list open`, a lab or a host." in visible_text(message)
