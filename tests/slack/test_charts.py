"""Charts in Slack, through the real HTTP app: image links the app serves itself when it has a public
URL (signed, 404 when changed), and a button that uploads the chart through the files API without one."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from PIL import Image

from bot.render.blocks import CHART_BUTTON
from tests.slack.conftest import CHANNEL, USER, Served, buttons, command_body, post_signed, reply_of

PUBLIC_URL = "https://modelcost.example.com"
Send = Callable[..., requests.Response]


@pytest.fixture
def public(serve: Callable[..., Served]) -> Served:
    return serve(settings={"public_url": PUBLIC_URL})


def ask(slack: Served, text: str, *, channel: str = CHANNEL) -> dict[str, Any]:
    return reply_of(post_signed(slack.url, command_body(slack.fake, text, channel=channel)))


def images(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in message["blocks"] if b["type"] == "image"]


def local(slack: Served, url: str) -> str:
    """The image URL as this test server answers it (the public host is the test's own)."""
    assert url.startswith(PUBLIC_URL + "/charts/")
    return slack.url + urlsplit(url).path


def is_png(body: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(body))
    image.load()
    assert image.format == "PNG"
    return image.size


@pytest.mark.parametrize("text", ["cheaper o1", "r1 vs o1", "chart r1 o1 sonnet", "chart o1"])
def test_with_a_public_url_replies_carry_a_chart_the_app_serves(public: Served, text: str) -> None:
    [image] = images(ask(public, text))
    assert image["alt_text"].startswith("Chart of cost against quality")
    assert CHART_BUTTON not in buttons(ask(public, text))

    response = requests.get(local(public, image["image_url"]), timeout=60)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Cache-Control"] == "public, max-age=86400, immutable"
    assert int(response.headers["Content-Length"]) == len(response.content)
    width, height = is_png(response.content)
    assert width == 800 and height > 200
    assert public.fake.calls() == []  # nothing of it went through Slack's API


def test_a_changed_id_or_signature_is_not_found(public: Served) -> None:
    [image] = images(ask(public, "r1 vs o1"))
    url = local(public, image["image_url"])
    payload, signature = url.removesuffix(".png").rsplit(".", 1)
    forged_payload = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
    forged_signature = signature[:-1] + ("0" if signature[-1] != "0" else "1")

    for bad in (
        f"{forged_payload}.{signature}.png",
        f"{payload}.{forged_signature}.png",
        f"{payload}.png",
        public.url + "/charts/nothing.png",
    ):
        assert requests.get(bad, timeout=30).status_code == 404, bad
    assert requests.get(url, timeout=60).status_code == 200


def test_a_chart_is_drawn_again_by_another_app_with_the_same_secret(
    serve: Callable[..., Served], public: Served
) -> None:
    """A second gunicorn worker (which never saw the answer) draws the same chart from its link."""
    [image] = images(ask(public, "cheaper o1"))
    other = serve(settings={"public_url": PUBLIC_URL})
    response = requests.get(other.url + urlsplit(image["image_url"]).path, timeout=60)
    assert response.status_code == 200
    is_png(response.content)


def test_history_carries_its_chart(public: Served) -> None:
    [image] = images(ask(public, "history o1"))
    response = requests.get(local(public, image["image_url"]), timeout=60)
    assert response.status_code == 200
    is_png(response.content)


def test_answers_without_a_chart_carry_none(public: Served) -> None:
    message = ask(public, "o1")
    assert images(message) == [] and CHART_BUTTON not in buttons(message)


def test_without_a_public_url_the_chart_button_uploads_to_the_channel(
    signed_request: Send, click: Send, slack: Served
) -> None:
    message = reply_of(signed_request("r1 vs o1"))
    assert images(message) == []
    button = buttons(message)[CHART_BUTTON]
    assert "visibl" in CHART_BUTTON.lower() or "channel" in CHART_BUTTON.lower()

    assert click(button, channel="C0CHARTS").status_code == 200

    [complete] = slack.fake.wait_for("files.completeUploadExternal")
    [asked] = slack.fake.calls("files.getUploadURLExternal")
    [upload] = slack.fake.uploads()
    assert complete.body["channel_id"] == "C0CHARTS"
    assert f"<@{USER}>" in complete.body["initial_comment"]
    assert asked.body["filename"] == "modelcost-chart.png"
    assert int(asked.body["length"]) == len(upload.raw)
    assert is_png(upload.raw)[0] == 800
    assert slack.fake.responses() == []  # nothing to tell the clicker: the chart is in the channel


def test_chart_command_without_a_public_url_offers_the_button(signed_request: Send) -> None:
    message = reply_of(signed_request("chart r1 o1 sonnet"))
    assert set(buttons(message)) == {CHART_BUTTON}
    assert message["blocks"][0]["type"] == "header"


def test_an_upload_slack_refuses_is_told_to_the_clicker(
    signed_request: Send, click: Send, slack: Served
) -> None:
    slack.fake.fail("files.completeUploadExternal", "not_in_channel")
    click(buttons(reply_of(signed_request("cheaper o1")))[CHART_BUTTON])

    [told] = slack.fake.wait_for("response")
    assert told.body["response_type"] == "ephemeral"
    assert "invite me" in told.body["text"]


def test_the_chart_button_runs_no_command_that_changes_the_catalog(
    signed_request: Send, click: Send, slack: Served
) -> None:
    button = buttons(reply_of(signed_request("cheaper o1")))[CHART_BUTTON]
    click({**button, "value": "set o1 input 1"})

    [told] = slack.fake.wait_for("response")
    assert "no chart" in told.body["text"]
    assert slack.fake.calls("files.getUploadURLExternal") == []
