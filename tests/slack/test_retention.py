"""Retention end to end, in oauth mode: Slack's `app_uninstalled` through the real app, then
`modelcost worker --once --now ISO` before and after the retention period; a reinstall in between
keeps a workspace's data. /metrics counts the workspaces waiting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from bot import db
from bot.cli import main
from bot.commands.ask import Context, respond
from bot.store.tables import Change, Departure, Subscription
from tests.slack.conftest import Served
from tests.slack.test_metrics import scrape, value
from tests.slack.test_oauth import OAUTH, event, install, oauth_worker_env


def rows_of(engine: Engine, workspace: str) -> tuple[int, int]:
    """(changes, subscriptions) of a workspace."""
    with db.session_factory(engine)() as s:
        changes = s.scalar(select(func.count()).where(Change.workspace == workspace))
        subs = s.scalar(select(func.count()).where(Subscription.workspace == workspace))
    return changes or 0, subs or 0


@pytest.fixture
def worker_env(fresh_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`modelcost worker` in oauth mode, on the app's database."""
    oauth_worker_env(monkeypatch, fresh_url)


def test_an_uninstalled_workspace_is_forgotten_after_the_period_unless_it_returns(
    serve: Callable[..., Served],
    fresh_url: str,
    worker_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hosted = serve(database_url=fresh_url, settings=OAUTH)
    engine = db.engine_for(fresh_url)
    for team in ("T1", "T2", "T3"):
        install(hosted, f"code-{team}", team)
        respond(engine, "subscribe o1", Context.slack("UMEMBER", f"C{team}", lambda _: False, workspace=team))
        respond(
            engine, "set o1 output 50", Context.slack("UADMIN", f"C{team}", lambda _: True, workspace=team)
        )
    assert all(rows_of(engine, team) == (1, 1) for team in ("T1", "T2", "T3"))

    event(hosted, "app_uninstalled", "T1")
    event(hosted, "app_uninstalled", "T2")
    install(hosted, "code-T2-again", "T2")  # T2 comes back within the period

    _, families = scrape(hosted.url)
    assert value(families, "modelcost_workspaces_departed") == 1
    assert value(families, "modelcost_workspaces_installed") == 2
    with db.session_factory(engine)() as s:
        uninstalled_at = s.get_one(Departure, "T1").uninstalled_at
    capsys.readouterr()

    def run_worker(days: int) -> str:
        now = (uninstalled_at + timedelta(days=days)).isoformat().replace("+00:00", "Z")
        assert main(["worker", "--once", "--now", now]) == 0
        return capsys.readouterr().out

    assert "deleted the data" not in run_worker(29)
    assert rows_of(engine, "T1") == (1, 1)

    assert "deleted the data of 1 uninstalled workspace(s)" in run_worker(31)
    assert rows_of(engine, "T1") == (0, 0)
    assert rows_of(engine, "T2") == (1, 1) and rows_of(engine, "T3") == (1, 1)
    assert value(scrape(hosted.url)[1], "modelcost_workspaces_departed") == 0
