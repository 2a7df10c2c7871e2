"""`modelcost worker --once --now ISO`: one pass that decides what is due as of the given time (the
countdowns of issue 28), posted to a fake Slack; a bad or naive time is refused in one line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, update

from bot import db
from bot.cli import main
from bot.commands.ask import Context, respond
from bot.domain.lifecycle import today
from bot.store.tables import Offering
from tests.fakeslack import FakeSlack

RETIRES = today() + timedelta(days=31)


@pytest.fixture
def slack(fresh_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        monkeypatch.setenv("DATABASE_URL", fresh_url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_SIGNING_SECRET", "test-signing-secret")
        monkeypatch.setenv("SLACK_API_URL", fake.api_url)
        yield fake


def test_once_with_now_posts_what_is_due_on_that_day(
    fresh: Engine, slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.transaction(fresh) as s:
        s.execute(update(Offering).where(Offering.provider_model_id == "o1").values(retires_on=RETIRES))
    respond(fresh, "subscribe o1", Context.slack("UMEMBER", "C1", lambda _: False))
    seven_before = f"{(RETIRES - timedelta(days=7)).isoformat()}T10:00:00Z"
    assert main(["worker", "--once", "--now", seven_before]) == 0
    assert capsys.readouterr().out == "queued 1 lifecycle notice(s)\nsent 1 alert(s)\n"
    [post] = slack.calls("chat.postMessage")
    assert post.body["text"].startswith("⏳ o1 retires in 7 days.")
    assert main(["worker", "--once", "--now", seven_before]) == 0  # the same day again: nothing new
    assert capsys.readouterr().out == "sent 0 alert(s)\n"


@pytest.mark.parametrize(
    ("now", "says"),
    [("2026-12-04T10:00:00", "has no time zone"), ("next tuesday", "is not an ISO time")],
)
def test_a_bad_now_is_refused(slack: FakeSlack, now: str, says: str) -> None:
    with pytest.raises(SystemExit, match=says):
        main(["worker", "--once", "--now", now])
