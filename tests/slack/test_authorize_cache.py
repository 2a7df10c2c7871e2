"""Oauth mode's kept authorizations (bot/slack/authorize.py), with two workers: each its own authorize
(its own memory) on its own engine (its own connections), against one database, on SQLite and
PostgreSQL, with a clock the test moves. A worker serves a workspace from memory; an uninstall, a
revocation, a token refresh or a re-install made by the other is honoured within CHECK_EVERY_S."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from slack_bolt import BoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError

from bot import db
from bot.config import Settings
from bot.slack.authorize import CHECK_EVERY_S, MAX_AGE_S, KeptAuthorize
from bot.slackapi.installs import Installs
from bot.slackapi.tokens import EncryptedInstallationStore, rotate
from bot.store.cipher import cipher_of
from tests.fakeslack import FakeSlack
from tests.installations import installation
from tests.slack.test_oauth import OAUTH, TOKEN_KEY

pytestmark = pytest.mark.engines  # installation changes are the store's: every test on each backend


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Worker:
    """One web worker: its engine, its store and its authorize, and the statements it sent."""

    engine: Engine
    store: EncryptedInstallationStore
    authorize: KeptAuthorize
    clock: Clock
    fake: FakeSlack
    statements: list[str] = field(default_factory=list)

    def request(
        self, team: str | None, *, enterprise: str | None = None, org_wide: bool = False
    ) -> str | None:
        """The token Bolt would serve a request of this workspace with; None: Bolt refuses it ("not
        installed"), and no listener runs."""
        context = BoltContext(
            {"client": WebClient(base_url=self.fake.api_url), "is_enterprise_install": org_wide}
        )
        result = self.authorize(context=context, enterprise_id=enterprise, team_id=team, user_id="U1")
        assert result is None or isinstance(result, AuthorizeResult)
        return None if result is None else result.bot_token

    def reads(self, table: str) -> int:
        return sum(1 for s in self.statements if s.lstrip().upper().startswith("SELECT") and table in s)


@pytest.fixture
def workers(
    fresh_url: str, fake_slack: FakeSlack, make_settings: Callable[..., Settings]
) -> Iterator[tuple[Worker, Worker]]:
    settings = make_settings(database_url=fresh_url, **OAUTH)
    made = []
    for _ in range(2):
        engine = db.make_engine(fresh_url)  # not engine_for: a pool of its own, as another process has
        installs = Installs(settings, engine)
        assert isinstance(installs.store, EncryptedInstallationStore)
        clock = Clock()
        authorize = KeptAuthorize(engine=engine, installs=installs, clock=clock)
        worker = Worker(engine, installs.store, authorize, clock, fake_slack)

        @event.listens_for(engine, "before_cursor_execute")
        def _record(conn: Any, cursor: Any, statement: str, *args: Any, worker: Worker = worker) -> None:
            worker.statements.append(statement)

        made.append(worker)
    yield made[0], made[1]
    for worker in made:
        worker.engine.dispose()


def used_tokens(fake: FakeSlack) -> set[str | None]:
    return {c.token for c in fake.calls()}


def test_a_worker_serves_a_workspace_from_memory_and_reads_the_changes_once_a_second(
    workers: tuple[Worker, Worker],
) -> None:
    a, b = workers
    b.store.save(installation("T1", "xoxb-T1-first"))

    served = []
    for _ in range(32):  # 32 requests over 4 seconds
        served.append(a.request("T1"))
        a.clock.advance(0.125)

    assert served == ["xoxb-T1-first"] * 32
    assert a.reads("slack_installations") == 1  # the first request's: the workspace's installation
    # The installation version once a second (the first, the last version; then the changes after it).
    assert a.reads("installation_version") + a.reads("installation_changes") == 4
    assert a.authorize.kept() == 1


def test_an_uninstall_on_another_worker_is_refused_within_the_bound(workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    b.store.save(installation("T1", "xoxb-T1-first"))
    b.store.save(installation("T2", "xoxb-T2-first"))
    assert a.request("T1") == "xoxb-T1-first" and a.request("T2") == "xoxb-T2-first"

    b.store.delete_all(enterprise_id=None, team_id="T1")  # app_uninstalled, handled by B (Installs.forget)
    b.request("T1")  # B's own memory: it never had T1
    a.fake.reset()
    a.clock.advance(CHECK_EVERY_S)

    assert a.request("T1") is None  # Bolt answers "not installed"; no listener runs
    assert used_tokens(a.fake) == set()  # and nothing was sent with the uninstalled workspace's token
    assert a.request("T2") == "xoxb-T2-first"  # the other workspace is still served from memory
    assert a.authorize.kept() == 1


def test_revoked_tokens_on_another_worker_are_never_used_after_the_bound(
    workers: tuple[Worker, Worker],
) -> None:
    a, b = workers
    b.store.save(installation("T1", "xoxb-T1-first"))
    a.clock.advance(0.5)
    assert a.request("T1") == "xoxb-T1-first"  # the check is 0 s old: kept until 1 s from now

    a.clock.advance(0.9)
    b.store.delete_all(enterprise_id=None, team_id="T1")  # tokens_revoked, handled by B
    # Within the bound a request may still find the kept result (its check started before the commit)...
    a.clock.advance(CHECK_EVERY_S)
    # ...but any request later than the bound after the commit is refused, however many come.
    assert [a.request("T1") for _ in range(3)] == [None, None, None]


def test_a_token_refreshed_on_another_worker_is_used_after_the_bound(workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    b.store.save(installation("T1", "xoxb-T1-first"))
    assert a.request("T1") == "xoxb-T1-first"

    # Token rotation: B refreshes the token and saves the installation in place, as Bolt does.
    b.store.save(installation("T1", "xoxe.xoxb-T1-second", bot_refresh_token="xoxe-1-r2"))
    a.clock.advance(CHECK_EVERY_S)

    assert a.request("T1") == "xoxe.xoxb-T1-second"


def test_a_reinstall_on_another_worker_is_served_with_its_new_token(workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    b.store.save(installation("T1", "xoxb-T1-first"))
    assert a.request("T1") == "xoxb-T1-first"
    b.store.delete_all(enterprise_id=None, team_id="T1")
    a.clock.advance(CHECK_EVERY_S)
    assert a.request("T1") is None

    b.store.save(installation("T1", "xoxb-T1-again"))  # installed again, another day
    a.clock.advance(CHECK_EVERY_S)

    assert a.request("T1") == "xoxb-T1-again"


def test_an_org_wide_uninstall_is_honoured_for_every_team_of_the_org(workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    b.store.save(installation(None, "xoxb-E1-org", enterprise="E1"))
    assert a.request("T7", enterprise="E1", org_wide=True) == "xoxb-E1-org"
    assert a.request("T8", enterprise="E1", org_wide=True) == "xoxb-E1-org"

    b.store.delete_all(enterprise_id="E1", team_id=None)
    a.clock.advance(CHECK_EVERY_S)

    assert a.request("T7", enterprise="E1", org_wide=True) is None
    assert a.request("T8", enterprise="E1", org_wide=True) is None


def test_a_change_by_plain_sql_or_a_key_rotation_is_seen_too(workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    b.store.save(installation("T1", "xoxb-T1-first"))
    assert a.request("T1") == "xoxb-T1-first"

    with b.engine.begin() as conn:  # an operator deleting the workspace by hand
        conn.execute(text("DELETE FROM slack_installations WHERE team_id = 'T1'"))
        conn.execute(text("DELETE FROM slack_bots WHERE team_id = 'T1'"))
    a.clock.advance(CHECK_EVERY_S)
    assert a.request("T1") is None

    b.store.save(installation("T1", "xoxb-T1-again"))
    a.clock.advance(CHECK_EVERY_S)
    assert a.request("T1") == "xoxb-T1-again"
    before = a.reads("slack_installations")
    rotate(b.engine, cipher_of(TOKEN_KEY))  # `modelcost tokens rotate`: the same tokens, re-encrypted
    a.clock.advance(CHECK_EVERY_S)
    assert a.request("T1") == "xoxb-T1-again"
    assert a.reads("slack_installations") > before  # read again, not trusted blindly


def test_a_kept_result_is_read_again_after_its_maximum_age(workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    b.store.save(installation("T1", "xoxb-T1-first"))
    assert a.request("T1") == "xoxb-T1-first"
    reads = a.reads("slack_installations")

    a.clock.advance(MAX_AGE_S - 1)
    assert a.request("T1") == "xoxb-T1-first"
    assert a.reads("slack_installations") == reads
    a.clock.advance(1)
    assert a.request("T1") == "xoxb-T1-first"
    assert a.reads("slack_installations") > reads  # where Bolt would refresh a token due for it


def test_while_the_database_is_unreachable_a_served_workspace_is_served_and_checked_once_a_second(
    workers: tuple[Worker, Worker],
) -> None:
    a, b = workers
    b.store.save(installation("T1", "xoxb-T1-first"))
    b.store.save(installation("T2", "xoxb-T2-first"))
    assert a.request("T1") == "xoxb-T1-first"
    a.engine.dispose()
    dbapi = a.engine.dialect.loaded_dbapi
    attempts: list[int] = []

    @event.listens_for(a.engine, "do_connect")
    def _refuse(*args: Any) -> None:
        attempts.append(1)
        raise dbapi.OperationalError("the database is down")  # the driver's own: wrapped as DBAPIError

    a.clock.advance(CHECK_EVERY_S)
    assert [a.request("T1") for _ in range(5)] == ["xoxb-T1-first"] * 5  # served, as before the outage
    assert len(attempts) == 1  # one check failed; the next waits a second
    with pytest.raises(OperationalError):
        a.request("T2")  # never served here: "unavailable" (bot/slack/oauth.py), not a stale guess
