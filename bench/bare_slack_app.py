"""The baseline for bench_slack.py: a bare Bolt app under gunicorn that acks `/modelcost` with a fixed
text. Same Bolt options as the real app (signature checks, a token checked at start, the listener
run in the request's thread), nothing else."""

from __future__ import annotations

import os

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

bolt = App(  # the token is handed over in the client, like the real app does
    client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    process_before_response=True,
)


@bolt.command("/modelcost")
def modelcost(ack: Ack) -> None:
    ack(response_type="ephemeral", text="DeepSeek R1 vs o1: o1 costs 27.4x as much on output.")


app = SlackRequestHandler(bolt)
