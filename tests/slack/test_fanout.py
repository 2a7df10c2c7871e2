"""A shared price move fans out to many workspaces: in parallel across workspaces, paced within each,
and a 429 holds only the workspace it came from; every alert once. Read from the fake Slack's clock:
when each post arrived, for which team, and how it was answered."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, update

from bot import db
from bot.alerts.worker import Worker
from bot.commands.ask import Context, respond
from bot.slackapi.clients import web_client
from bot.store.claims import Claims, Outcome
from bot.store.tables import Alert, Pacing, utcnow
from tests.fakeslack import Call, FakeSlack

POST = "chat.postMessage"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def fan_out(engine: Engine, channels: dict[str, list[str]]) -> None:
    """Each team's channels subscribe; then one shared price move, which each of them hears."""
    for team, names in channels.items():
        for channel in names:
            respond(engine, "subscribe", Context.slack("UMEMBER", channel, lambda _: False, workspace=team))
    respond(engine, "set o1 output 50", Context.cli())


def worker(engine: Engine, slack: FakeSlack, tokens: dict[str, str], **kw: float) -> Worker:
    return Worker(
        engine,
        web_client(slack.api_url, None, bounded=True),
        channel_interval=0,
        tokens=tokens.get,
        **kw,  # type: ignore[arg-type]
    )


def by_team(calls: list[Call]) -> dict[str, list[Call]]:
    teams: dict[str, list[Call]] = defaultdict(list)
    for call in sorted(calls, key=lambda c: c.at):
        teams[call.team].append(call)
    return teams


def statuses(engine: Engine) -> list[tuple[str, str, int]]:
    with db.session_factory(engine)() as s:
        return [(a.workspace, a.status, a.attempts) for a in s.scalars(select(Alert).order_by(Alert.id))]


@pytest.mark.engines
def test_workspaces_are_posted_to_in_parallel_and_each_at_its_pace(fresh: Engine) -> None:
    latency, pace = 0.5, 0.3
    channels = {team: [f"C{team}{i}" for i in range(2)] for team in ("TA", "TB", "TC")}
    fan_out(fresh, channels)
    with FakeSlack(latency=latency) as slack:
        slack.pace(POST, pace)  # Slack's own per-workspace limit, as strict as the worker's pace
        tokens = {team: slack.install(team) for team in channels}

        assert worker(fresh, slack, tokens, threads=4, team_interval=pace).run_once() == 6

        posts = slack.calls(POST)
    assert [p.status for p in posts] == [200] * 6  # Slack's limit was never hit
    assert Counter((p.team, p.body["channel"]) for p in posts) == Counter(
        (team, ch) for team, names in channels.items() for ch in names
    )  # every channel once, each with its own workspace's token
    assert all(p.token == tokens[p.team] for p in posts)
    teams = by_team(posts)
    firsts = [calls[0].at for calls in teams.values()]
    # in parallel: every workspace's first post arrived before any of them was answered
    assert max(firsts) - min(firsts) < latency
    # paced: within a workspace, a post arrives no sooner than the pace after the previous one's answer
    for calls in teams.values():
        assert calls[1].at - calls[0].at >= latency + pace
    assert {status for _, status, _ in statuses(fresh)} == {"sent"}


@pytest.mark.engines
def test_a_429_holds_only_its_workspace_and_its_alert_still_goes_out_once(fresh: Engine) -> None:
    channels = {"TA": ["CA0"], "TB": ["CB0", "CB1", "CB2"]}
    fan_out(fresh, channels)
    with FakeSlack(latency=0.05) as slack:
        tokens = {team: slack.install(team) for team in channels}
        slack.rate_limit(POST, retry_after=2, times=1, team="TA")

        assert worker(fresh, slack, tokens, threads=4, team_interval=0.2).run_once() == 4

        teams = by_team(slack.calls(POST))
    limited, retried = teams["TA"]
    assert (limited.status, retried.status) == (429, 200)
    assert retried.at - limited.at >= 2  # TA waited out Retry-After...
    assert [p.status for p in teams["TB"]] == [200] * 3
    assert all(p.at < retried.at for p in teams["TB"])  # ...while TB went on: it never waited for TA
    assert sum(limited.at < p.at for p in teams["TB"]) >= 2  # (posting during TA's wait)
    assert Counter(p.body["channel"] for p in teams["TB"]) == Counter(channels["TB"])
    # each alert sent once, and the 429 did not use up an attempt
    assert statuses(fresh) == [("TA", "sent", 1)] + [("TB", "sent", 1)] * 3


@pytest.mark.engines
def test_a_held_workspace_is_not_claimed_by_any_worker_and_the_others_are(fresh: Engine) -> None:
    """The store's side: a claim takes its workspace's turn, an outcome holds it for the pace or a
    429's Retry-After, and a second worker (its own Claims) sees the same holds."""
    fan_out(fresh, {"TA": ["CA0", "CA1"], "TB": ["CB0", "CB1"]})
    one, other = (
        Claims(fresh, channel_interval=0, lease=60, max_attempts=3, team_interval=60) for _ in range(2)
    )
    first, second = one.claim(), one.claim()
    assert first is not None and second is not None
    assert {first.workspace, second.workspace} == {"TA", "TB"}  # one of each: a workspace's turn is taken
    assert one.claim() is None and other.claim() is None
    assert one.record(first, Outcome("sent"))
    assert one.record(second, Outcome("limited", "rate limited (429)", delay=120))

    with db.session_factory(fresh)() as s:
        holds = {p.workspace: p.not_before for p in s.scalars(select(Pacing))}
    assert holds[first.workspace] > utcnow() + timedelta(seconds=50)  # the pace, from the answer
    assert holds[second.workspace] > utcnow() + timedelta(seconds=110)  # Retry-After
    assert other.claim() is None
    assert sorted(statuses(fresh)) == sorted(
        [(first.workspace, "sent", 1), (first.workspace, "pending", 0)]
        + [(second.workspace, "pending", 0)] * 2  # the 429 used no attempt
    )
    assert other.next_release(within=300) == pytest.approx(60, abs=5)  # the soonest hold to end

    with db.transaction(fresh) as s:  # TA's pace has passed; TB is still held by its Retry-After
        s.execute(update(Pacing).where(Pacing.workspace == first.workspace).values(not_before=utcnow()))
    later = Claims(fresh, channel_interval=0, lease=60, max_attempts=3, team_interval=60)
    again = later.claim()
    assert again is not None and again.workspace == first.workspace
    assert later.claim() is None


def test_two_workers_on_postgresql_share_each_workspace_pace(pg_fresh: Engine) -> None:
    """Two worker processes (engines) on one outbox: each workspace still gets one post per pace,
    never two in a burst that Slack would refuse, and every alert once."""
    channels = {team: [f"C{team}{i}" for i in range(3)] for team in ("TA", "TB", "TC")}
    fan_out(pg_fresh, channels)
    url = pg_fresh.url.render_as_string(hide_password=False)
    engines = [db.make_engine(url) for _ in range(2)]
    with FakeSlack(latency=0.1) as slack:
        slack.pace(POST, 0.3)
        tokens = {team: slack.install(team) for team in channels}
        workers = [worker(e, slack, tokens, threads=4, team_interval=0.3) for e in engines]
        counts: list[int] = []
        threads = [threading.Thread(target=lambda w=w: counts.append(w.run_once())) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        posts = slack.calls(POST)
    for e in engines:
        e.dispose()
    assert [p.status for p in posts] == [200] * 9  # never over Slack's per-workspace limit
    assert sum(counts) == 9
    assert Counter(p.body["channel"] for p in posts) == Counter(
        ch for names in channels.values() for ch in names
    )
