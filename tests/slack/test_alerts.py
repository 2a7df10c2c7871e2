"""Price-change alerts reach each subscribed channel exactly once, through a fake Slack Web API."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from bot import db
from bot.alerts.worker import Worker
from bot.commands.ask import Context, respond
from bot.render.text import to_text
from bot.slackapi.clients import web_client
from bot.store.claims import Candidate, Claim, Outcome, UnsureClaimError
from bot.store.tables import Alert, Subscription, utcnow
from tests.fakeslack import FakeSlack

ADMIN = Context.slack("UADMIN", "CADMIN", lambda _: True)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def subscribe(engine: Engine, channel: str, text: str = "subscribe") -> None:
    respond(engine, text, Context.slack("UMEMBER", channel, lambda _: False))


def worker(engine: Engine, slack: FakeSlack, **kw: float) -> Worker:
    kw.setdefault("channel_interval", 0)
    return Worker(engine, web_client(slack.api_url, "xoxb-test", bounded=True), **kw)  # type: ignore[arg-type]


def alerts(engine: Engine) -> list[Alert]:
    with db.session_factory(engine)() as s:
        return list(s.scalars(select(Alert).order_by(Alert.id)))


def subscription(engine: Engine, channel: str) -> Subscription:
    with db.session_factory(engine)() as s:
        return s.scalars(select(Subscription).where(Subscription.channel_id == channel)).one()


@pytest.mark.engines
def test_a_price_change_reaches_each_subscribed_channel_once(fresh: Engine, slack: FakeSlack) -> None:
    subscribe(fresh, "C1")
    subscribe(fresh, "C2", "subscribe o1")
    subscribe(fresh, "C3", "subscribe r1")  # not about o1: hears nothing
    respond(fresh, "set o1 output 50", ADMIN)
    assert worker(fresh, slack).run_once() == 2
    assert worker(fresh, slack).run_once() == 0  # nothing left to send
    posts = slack.calls("chat.postMessage")
    assert sorted(p.body["channel"] for p in posts) == ["C1", "C2"]
    text = posts[0].body["text"]
    assert "o1 at OpenAI" in text and "$60 → $50 (-16.7%)" in text
    assert [a.status for a in alerts(fresh)] == ["sent", "sent"]


def posted(slack: FakeSlack) -> str:
    """Everything the alerts posted (text and blocks), exactly as sent."""
    return json.dumps([c.body for c in slack.calls("chat.postMessage")], ensure_ascii=False)


@pytest.mark.parametrize(
    ("profile", "shown"),
    [
        ({"display_name": "ada", "real_name": "Ada Lovelace"}, "ada"),
        ({"display_name": "", "real_name": "Ada Lovelace"}, "Ada Lovelace"),
        ({}, "an admin"),
        ({"display_name": "<!channel> & co"}, "&lt;!channel&gt; &amp; co"),
    ],
)
def test_an_alert_names_the_admin_and_pings_nobody(
    fresh: Engine, slack: FakeSlack, profile: dict[str, str], shown: str
) -> None:
    slack.reply("users.info", {"ok": True, "user": {"id": "UADMIN", "name": "ada", "profile": profile}})
    subscribe(fresh, "C1")
    subscribe(fresh, "C2")
    respond(fresh, "set o1 output 50", ADMIN)
    assert worker(fresh, slack).run_once() == 2
    for post in slack.calls("chat.postMessage"):
        assert post.body["text"].startswith(f"Price change by {shown}: o1 at OpenAI")
        assert f"Changed by {shown} · " in json.dumps(post.body["blocks"], ensure_ascii=False)
    assert "<@" not in posted(slack) and "<!" not in posted(slack)
    assert [c.body["user"] for c in slack.calls("users.info")] == ["UADMIN"]  # cached for the second


def test_an_alert_goes_out_when_users_info_fails(fresh: Engine, slack: FakeSlack) -> None:
    slack.fail("users.info", "user_not_found", times=None)
    subscribe(fresh, "C1")
    respond(fresh, "set o1 output 50", ADMIN)
    assert worker(fresh, slack).run_once() == 1
    assert "Price change by an admin: o1 at OpenAI" in posted(slack) and "<@" not in posted(slack)
    assert [a.status for a in alerts(fresh)] == ["sent"]


def test_an_alert_queued_before_the_upgrade_pings_nobody(fresh: Engine, slack: FakeSlack) -> None:
    slack.reply("users.info", {"ok": True, "user": {"id": "UADMIN", "profile": {"display_name": "ada"}}})
    subscribe(fresh, "C1")
    respond(fresh, "set o1 output 50", ADMIN)
    with db.transaction(fresh) as s:
        [alert] = s.scalars(select(Alert)).all()
        alert.payload = {**alert.payload, "actor": "admin <@UADMIN>"}  # as 0001's code wrote it
    assert worker(fresh, slack).run_once() == 1
    assert "Price change by ada: o1 at OpenAI" in posted(slack) and "<@" not in posted(slack)


def test_a_change_from_the_terminal_needs_no_lookup(fresh: Engine, slack: FakeSlack) -> None:
    subscribe(fresh, "C1")
    respond(fresh, "set o1 output 50", Context.cli())  # `modelcost ask`: the terminal operator
    assert worker(fresh, slack).run_once() == 1
    assert "Price change by the terminal operator: o1 at OpenAI" in posted(slack)
    assert slack.calls("users.info") == []


def test_threshold_subscriptions_hear_only_big_moves(fresh: Engine, slack: FakeSlack) -> None:
    subscribe(fresh, "CBIG", "subscribe above 20%")
    respond(fresh, "set o1 output 50", ADMIN)  # -16.7%
    respond(fresh, "set o1 input 30", ADMIN)  # +100%
    worker(fresh, slack).run_once()
    [post] = slack.calls("chat.postMessage")
    assert "input $15 → $30 (+100%)" in post.body["text"]


def test_429_with_retry_after_is_retried_and_delivered_once(fresh: Engine, slack: FakeSlack) -> None:
    subscribe(fresh, "C1")
    respond(fresh, "set o1 output 50", ADMIN)
    slack.rate_limit("chat.postMessage", retry_after=1, times=1)
    assert worker(fresh, slack).run_once() == 1
    assert len(slack.calls("chat.postMessage")) == 2  # the 429, then the delivery
    assert [a.status for a in alerts(fresh)] == ["sent"]


@pytest.mark.engines
def test_a_long_retry_after_is_rescheduled_not_slept(fresh: Engine, slack: FakeSlack) -> None:
    subscribe(fresh, "C1")
    respond(fresh, "set o1 output 50", ADMIN)
    slack.rate_limit("chat.postMessage", retry_after=120, times=1)
    assert worker(fresh, slack).run_once() == 0
    [alert] = alerts(fresh)
    assert alert.status == "pending"
    assert alert.next_attempt_at > utcnow() + timedelta(seconds=100)
    assert len(slack.calls("chat.postMessage")) == 1


def test_a_private_channel_without_the_app_shows_broken_saying_to_invite_it_and_mends_once_invited(
    fresh: Engine, slack: FakeSlack
) -> None:
    subscribe(fresh, "CPRIVATE")
    respond(fresh, "set o1 output 50", ADMIN)
    slack.fail("chat.postMessage", "not_in_channel", times=1)  # a private channel the app was not invited to
    assert worker(fresh, slack).run_once() == 0
    assert slack.calls("conversations.join") == []  # chat:write.public covers public channels: never joins
    assert [a.status for a in alerts(fresh)] == ["failed"]  # not retried: only an invitation helps
    sub = subscription(fresh, "CPRIVATE")
    assert sub.status == "broken" and "invite it there with /invite @modelcost" in (sub.status_reason or "")
    shown = respond(fresh, "subscriptions", Context.slack("U1", "CPRIVATE", lambda _: False))
    assert to_text(shown).endswith(f"Status: broken ({sub.status_reason})")

    respond(fresh, "set o1 output 40", ADMIN)  # after someone typed /invite @modelcost there
    assert worker(fresh, slack).run_once() == 1
    assert subscription(fresh, "CPRIVATE").status == "active"
    assert slack.calls("conversations.join") == []


@pytest.mark.parametrize("error", ["is_archived", "channel_not_found"])
def test_a_gone_channel_disables_its_subscription(fresh: Engine, slack: FakeSlack, error: str) -> None:
    subscribe(fresh, "COLD")
    respond(fresh, "set o1 output 50", ADMIN)
    slack.fail("chat.postMessage", error, times=1)
    assert worker(fresh, slack).run_once() == 0
    sub = subscription(fresh, "COLD")
    assert sub.status == "disabled" and error in (sub.status_reason or "")
    shown = respond(fresh, "subscriptions", Context.slack("U1", "COLD", lambda _: False))
    assert shown.subscription.status == "disabled"
    respond(fresh, "set o1 output 40", ADMIN)
    worker(fresh, slack).run_once()
    assert len(slack.calls("chat.postMessage")) == 1  # a disabled channel gets nothing more


def test_a_broken_channel_keeps_getting_alerts_and_mends_when_delivery_works(
    fresh: Engine, slack: FakeSlack
) -> None:
    subscribe(fresh, "CFLAKY")
    respond(fresh, "set o1 output 50", ADMIN)
    slack.fail("chat.postMessage", "internal_error", times=1)
    worker(fresh, slack, max_attempts=1).run_once()
    assert subscription(fresh, "CFLAKY").status == "broken"
    respond(fresh, "set o1 output 40", ADMIN)  # still queued for a broken subscription
    assert worker(fresh, slack).run_once() == 1
    assert subscription(fresh, "CFLAKY").status == "active"
    assert [a.status for a in alerts(fresh)] == ["failed", "sent"]


@pytest.mark.engines
def test_rate_limits_do_not_use_up_attempts(fresh: Engine, slack: FakeSlack) -> None:
    subscribe(fresh, "C1")
    respond(fresh, "set o1 output 50", ADMIN)
    slack.rate_limit("chat.postMessage", retry_after=120, times=None)
    w = worker(fresh, slack, max_attempts=2)
    for _ in range(4):
        w.run_once()
        with db.transaction(fresh) as s:
            for a in s.scalars(select(Alert)):
                a.next_attempt_at = utcnow()
    [alert] = alerts(fresh)
    assert alert.status == "pending" and alert.attempts == 0
    assert subscription(fresh, "C1").status == "active"


@pytest.mark.engines
def test_a_busy_channel_does_not_hold_up_other_channels(fresh: Engine, slack: FakeSlack) -> None:
    subscribe(fresh, "CBUSY", "subscribe o1")
    for price in range(30, 55):  # 25 alerts for one channel first...
        respond(fresh, f"set o1 output {price}", ADMIN)
    subscribe(fresh, "CQUIET", "subscribe r1")
    respond(fresh, "set r1 output 2", ADMIN)  # ...then one for another
    assert worker(fresh, slack, channel_interval=60).run_once() == 2
    assert sorted(c.body["channel"] for c in slack.calls("chat.postMessage")) == ["CBUSY", "CQUIET"]


def test_an_unexpected_error_is_recorded_and_retried_not_stuck(fresh: Engine, slack: FakeSlack) -> None:
    subscribe(fresh, "C1")
    respond(fresh, "set o1 output 50", ADMIN)
    with db.transaction(fresh) as s:
        [alert] = s.scalars(select(Alert)).all()
        alert.payload = {"moves": "not a list of moves"}  # a payload the renderer cannot read
    assert worker(fresh, slack).run_once() == 0
    [alert] = alerts(fresh)
    assert alert.status == "pending" and alert.attempts == 1
    assert "unexpected error" in (alert.last_error or "")
    assert alert.next_attempt_at > utcnow()


def test_other_errors_retry_with_backoff_then_give_up_visibly(fresh: Engine, slack: FakeSlack) -> None:
    subscribe(fresh, "CFLAKY")
    respond(fresh, "set o1 output 50", ADMIN)
    slack.fail("chat.postMessage", "internal_error", times=None)
    w = worker(fresh, slack, max_attempts=3)
    for _ in range(3):
        w.run_once()
        with db.transaction(fresh) as s:  # let the backoff pass
            for a in s.scalars(select(Alert)):
                a.next_attempt_at = utcnow()
    [alert] = alerts(fresh)
    assert alert.status == "failed" and alert.attempts == 3
    sub = subscription(fresh, "CFLAKY")
    assert sub.status == "broken" and "internal_error" in (sub.status_reason or "")
    assert len(slack.calls("chat.postMessage")) == 3


def test_unsubscribed_channels_get_nothing(fresh: Engine, slack: FakeSlack) -> None:
    subscribe(fresh, "C1")
    respond(fresh, "unsubscribe", Context.slack("U1", "C1", lambda _: False))
    respond(fresh, "set o1 output 50", ADMIN)
    worker(fresh, slack).run_once()
    assert slack.calls("chat.postMessage") == []


@pytest.mark.engines
def test_each_channel_gets_at_most_one_message_per_interval(fresh: Engine, slack: FakeSlack) -> None:
    subscribe(fresh, "C1")
    respond(fresh, "set o1 output 50", ADMIN)
    respond(fresh, "set o1 output 40", ADMIN)
    w = worker(fresh, slack, channel_interval=60)
    assert w.run_once() == 1  # the second waits for the channel's interval
    assert [a.status for a in alerts(fresh)] == ["sent", "pending"]


def test_two_workers_on_postgresql_deliver_each_alert_once(pg_fresh: Engine, slack: FakeSlack) -> None:
    fresh = pg_fresh
    channels = [f"C{i:03}" for i in range(40)]
    for ch in channels:
        subscribe(fresh, ch)
    respond(fresh, "set o1 output 50", ADMIN)
    respond(fresh, "set r1 output 2", ADMIN)
    engines = [db.make_engine(str(fresh.url.render_as_string(hide_password=False))) for _ in range(2)]
    workers = [worker(e, slack, threads=4) for e in engines]
    counts: list[int] = []
    threads = [threading.Thread(target=lambda w=w: counts.append(w.run_once())) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in engines:
        e.dispose()
    posts = slack.calls("chat.postMessage")
    assert sum(counts) == len(posts) == 80
    per_channel: dict[str, list[str]] = {ch: [] for ch in channels}
    for p in posts:
        per_channel[p.body["channel"]].append(p.body["text"])
    assert {len(texts) for texts in per_channel.values()} == {2}
    # never two at once to one channel, and in the order the changes were made
    assert all("o1 at OpenAI" in first and "DeepSeek R1" in second for first, second in per_channel.values())
    assert {a.status for a in alerts(fresh)} == {"sent"}


class HangingSlack(FakeSlack):
    """A fake whose Nth chat.postMessage never answers: the sender dies before Slack accepts it."""

    def __init__(self, hang_at: int) -> None:
        super().__init__()
        self.hang_at = hang_at
        self.release = threading.Event()
        self.hung: list[str] = []

    def _handle(self, handler, raw: bytes) -> None:  # type: ignore[no-untyped-def, override]
        if handler.path.endswith("/chat.postMessage"):
            with self._lock:
                self.seen = getattr(self, "seen", 0) + 1
                hang = self.seen == self.hang_at
            if hang:
                body = self._body(raw, {k.lower(): v for k, v in handler.headers.items()}, "")
                self.hung.append(str(body.get("channel")))
                self.release.wait(30)
                return
        super()._handle(handler, raw)

    def stop(self) -> None:
        self.release.set()
        super().stop()


@pytest.mark.alone
@pytest.mark.engines
def test_a_killed_workers_alerts_go_out_after_restart(fresh_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import signal
    import subprocess
    import sys
    import time

    engine = db.make_engine(fresh_url)
    channels = [f"CK{i}" for i in range(5)]
    for ch in channels:
        subscribe(engine, ch)
    respond(engine, "set o1 output 50", ADMIN)
    with HangingSlack(hang_at=3) as slack:
        env = {
            **os.environ,
            "DATABASE_URL": fresh_url,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_API_URL": slack.api_url,
            "MODELCOST_ALERT_TEAM_INTERVAL": "0",  # one workspace: unpaced, so the test takes no longer
        }
        cmd = [sys.executable, "-m", "bot.cli", "worker", "--lease", "2"]
        first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            slack.wait_for("chat.postMessage", count=2, timeout=30)
            deadline = time.monotonic() + 30
            while not slack.hung and time.monotonic() < deadline:
                time.sleep(0.05)
            assert slack.hung, "the worker never reached the third message"
            # Kill it with only the hung post in flight (a post accepted but not yet recorded at the
            # kill would rightly go out again): the other threads deliver the rest.
            while time.monotonic() < deadline and not all(
                a.status == "sent" for a in alerts(engine) if a.channel_id != slack.hung[0]
            ):
                time.sleep(0.05)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        stuck = {a.channel_id: a.status for a in alerts(engine) if a.status != "sent"}
        assert stuck[slack.hung[0]] == "sending"  # in flight when the worker was killed
        time.sleep(2.5)  # the dead worker's lease runs out
        second = subprocess.run([*cmd, "--once"], env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
    delivered = [c.body["channel"] for c in slack.calls("chat.postMessage")]
    assert sorted(delivered) == sorted(channels)  # each channel exactly once; the hung post never landed
    assert {a.status for a in alerts(engine)} == {"sent"}
    engine.dispose()


@pytest.mark.engines
def test_a_claim_whose_lease_ran_out_and_was_taken_over_records_nothing(
    fresh: Engine, slack: FakeSlack
) -> None:
    subscribe(fresh, "C1")
    respond(fresh, "set o1 output 50", ADMIN)
    slow = worker(fresh, slack, lease=0.2)
    claim = slow.claims.claim()
    assert claim is not None
    time.sleep(0.3)  # its lease ran out: another worker takes the alert over...
    fast = worker(fresh, slack)
    assert fast.run_once() == 1
    # ...and the slow one can neither renew the claim nor record an outcome over the delivery
    assert slow.claims.renew(claim) is None
    assert slow.claims.record(claim, Outcome("retry", "too late")) is False
    assert len(slack.calls("chat.postMessage")) == 1
    assert [a.status for a in alerts(fresh)] == ["sent"]


@pytest.mark.engines
def test_an_outcome_the_database_refuses_is_retried_and_never_posted_twice(
    fresh: Engine, slack: FakeSlack
) -> None:
    subscribe(fresh, "C1")
    respond(fresh, "set o1 output 50", ADMIN)
    w = worker(fresh, slack)
    record, refusals = w.claims.record, [2]

    def flaky_record(claim: Claim, outcome: Outcome) -> bool:
        if refusals[0]:  # the database is away for the first two tries
            refusals[0] -= 1
            raise OperationalError("UPDATE alerts …", {}, Exception("server closed the connection"))
        return record(claim, outcome)

    w.claims.record = flaky_record  # type: ignore[method-assign]
    assert w.run_once() == 1
    assert len(slack.calls("chat.postMessage")) == 1
    assert [a.status for a in alerts(fresh)] == ["sent"]


@pytest.mark.engines
def test_a_claim_whose_commit_may_be_lost_is_given_back_not_left_to_its_lease(
    fresh: Engine, slack: FakeSlack
) -> None:
    subscribe(fresh, "C1")
    respond(fresh, "set o1 output 50", ADMIN)
    w = worker(fresh, slack)
    claim_one = w.claims._claim_one

    def lost_ack(candidate: Candidate) -> Claim | None:
        claimed = claim_one(candidate)  # committed, but the answer "never arrived"
        assert claimed is not None
        raise UnsureClaimError(claimed) from OperationalError("COMMIT", {}, Exception("connection lost"))

    w.claims._claim_one = lost_ack  # type: ignore[method-assign]
    assert w.step(threading.Event()) is False
    [alert] = alerts(fresh)
    assert (alert.status, alert.attempts) == ("pending", 0) and alert.next_attempt_at <= utcnow()
    assert slack.calls("chat.postMessage") == []
    assert worker(fresh, slack).run_once() == 1


@pytest.mark.engines
def test_each_workspace_alerts_are_posted_with_its_own_token(fresh: Engine, slack: FakeSlack) -> None:
    """OAuth mode: a shared change alerts every workspace's channels, each with its installation's token;
    a workspace's own change only its own; a workspace no longer installed gets nothing posted."""
    for workspace, channel in (("TA", "CA"), ("TB", "CB"), ("TGONE", "CGONE")):
        respond(
            fresh, "subscribe o1", Context.slack("UMEMBER", channel, lambda _: False, workspace=workspace)
        )
    tokens = {"TA": "xoxb-a", "TB": "xoxb-b"}
    respond(fresh, "set o1 output 65", Context.cli())  # shared: every workspace hears it
    respond(fresh, "set o1 output 50", Context.slack("UA", "CA", lambda _: True, workspace="TA"))
    w = Worker(fresh, web_client(slack.api_url, None, bounded=True), channel_interval=0, tokens=tokens.get)

    assert w.run_once() == 3

    posts = [(p.body["channel"], p.token, p.body["text"]) for p in slack.calls("chat.postMessage")]
    assert sorted((c, t) for c, t, _ in posts) == [("CA", "xoxb-a"), ("CA", "xoxb-a"), ("CB", "xoxb-b")]
    assert [t for c, _, t in posts if c == "CB"][0].count("$65") == 1
    assert {a.channel_id: a.status for a in alerts(fresh) if a.workspace == "TGONE"} == {"CGONE": "skipped"}
