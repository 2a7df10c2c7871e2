"""Charts in Slack, through the real HTTP app: image links the app serves itself when it has a public
URL (signed, 404 when changed or expired), drawn once however many fetch them, within limits on draws
and without holding up other requests; and a button that uploads the chart through the files API
without a public URL."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from PIL import Image

from bot.domain.help import HELP
from bot.render.kit import CHART_BUTTON
from bot.slack import charts
from tests.fakeslack import FakeSlack
from tests.slack.conftest import (
    CHANNEL,
    SIGNING_SECRET,
    USER,
    Served,
    buttons,
    command_body,
    post_signed,
    reply_of,
    visible_text,
)
from tests.slack.drawing import draws, held, wait_for_draws
from tests.slack.gunicorn import gunicorn
from tests.slack.test_oauth import OAUTH, command, install

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


def fields_of(url: str) -> list[Any]:
    """What a chart id says: [issued (UTC seconds), catalog stamp, command text(, workspace)]."""
    payload = urlsplit(url).path.removeprefix("/charts/").split(".")[0]
    fields: list[Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return fields


def signed(fields: list[Any]) -> str:
    """A chart id saying `fields`, signed as the app signs ids (HMAC, under a key from the signing secret)."""
    key = hmac.new(SIGNING_SECRET.encode(), b"modelcost-charts", hashlib.sha256).digest()
    payload = base64.urlsafe_b64encode(json.dumps(fields).encode()).decode().rstrip("=")
    return f"{payload}.{hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]}"


def chart_url(slack: Served, text: str) -> str:
    """The URL, on this test's server, of the chart in the reply to `text`."""
    [image] = images(ask(slack, text))
    return local(slack, image["image_url"])


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


def test_a_link_past_its_lifetime_is_not_found(public: Served) -> None:
    _, *what = fields_of(chart_url(public, "r1 vs o1"))
    now = int(time.time())

    def fetch(issued: int) -> int:
        return requests.get(f"{public.url}/charts/{signed([issued, *what])}.png", timeout=60).status_code

    assert fetch(now - charts.LIFETIME_S - 1) == 404
    assert fetch(now + 3600) == 404  # issued an hour from now: not by any clock of this app's
    assert fetch(now - charts.LIFETIME_S + 60) == 200


def test_a_link_made_before_links_said_when_they_were_issued_is_not_found(public: Served) -> None:
    url = chart_url(public, "r1 vs o1")
    _, stamp, text = fields_of(url)
    old = signed([stamp, text])  # how ids were made before they carried their issue time

    assert requests.get(f"{public.url}/charts/{old}.png", timeout=60).status_code == 404
    assert requests.get(url, timeout=60).status_code == 200


def test_concurrent_fetches_of_a_new_chart_draw_it_once(
    public: Served, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log, release = tmp_path / "draws", tmp_path / "release"
    monkeypatch.setattr(charts, "draw", held(log, release))
    url = chart_url(public, "cheaper o1 for 1M in 3k out")

    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(requests.get, url, timeout=120)
        wait_for_draws(log)
        rest = [pool.submit(requests.get, url, timeout=120) for _ in range(7)]
        time.sleep(0.5)  # they arrive while the draw is held (any later would find the PNG kept)
        release.touch()
        fetched = [first.result(), *(f.result() for f in rest)]

    assert [r.status_code for r in fetched] == [200] * 8
    assert len({r.content for r in fetched}) == 1
    is_png(fetched[0].content)
    assert draws(log) == 1


def test_past_the_draw_limit_new_charts_are_refused_and_kept_ones_still_served(public: Served) -> None:
    burst = charts.CLIENT_DRAWS.burst
    urls = [chart_url(public, f"cheaper o1 for 1M in {n}k out") for n in range(1, burst + 2)]

    with ThreadPoolExecutor(len(urls)) as pool:  # all at once: no draw allowed back in the meantime
        fetched = list(pool.map(lambda url: requests.get(url, timeout=120), urls))

    assert Counter(r.status_code for r in fetched) == {200: burst, 429: 1}
    [refused] = [r for r in fetched if r.status_code == 429]
    assert int(refused.headers["Retry-After"]) >= 1
    kept = next(r for r in fetched if r.status_code == 200)
    again = requests.get(urls[fetched.index(kept)], timeout=60)
    assert again.status_code == 200 and again.content == kept.content


def test_a_workspace_chart_is_private_to_caches(serve: Callable[..., Served], fresh_url: str) -> None:
    app = serve(database_url=fresh_url, settings=OAUTH)
    assert install(app, "code-a", "TA").status_code == 200
    [image] = images(reply_of(command(app, "cheaper o1", "TA")))

    response = requests.get(app.url + urlsplit(image["image_url"]).path, timeout=60)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=86400, immutable"


@pytest.mark.alone
def test_help_is_answered_while_a_chart_is_drawn(
    catalog_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """Under gunicorn's gevent worker, as deployed: a draw keeps a CPU busy, and other requests go on."""
    log, release = tmp_path / "draws", tmp_path / "release"
    env = {"MODELCOST_PUBLIC_URL": PUBLIC_URL, "HELD_DRAW_LOG": str(log), "HELD_DRAW_RELEASE": str(release)}
    with gunicorn(
        catalog_url, fake_slack.api_url, tmp_path, target="tests.slack.drawing:held_app()", **env
    ) as server:
        [image] = images(reply_of(post_signed(server.url, command_body(fake_slack, "cheaper o1"))))
        with ThreadPoolExecutor(1) as pool:
            chart = pool.submit(requests.get, server.url + urlsplit(image["image_url"]).path, timeout=120)
            wait_for_draws(log)
            try:
                helped = post_signed(server.url, command_body(fake_slack, "help"))
                drawing = not release.exists() and draws(log) == 1
            finally:
                release.touch()
            assert chart.result().status_code == 200

    assert drawing
    shown = visible_text(reply_of(helped))
    assert all(f"/modelcost {example}" in shown for example, _ in HELP)
