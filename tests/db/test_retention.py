"""Retention: a workspace's rows (its prices, names, team scores, workload, subscriptions, alerts,
notices, the changes that made them, any installation rows left) are deleted 30 days (settable) after
the app is uninstalled from it, in one transaction; other workspaces' rows and the shared catalog's are
untouched; installing the app again before then keeps everything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select

from bot import db
from bot.commands.ask import Context, respond
from bot.store import retention, subscriptions
from bot.store.reprice_jobs import JobQueue, JobSpec
from bot.store.tables import (
    SLACK_BOTS,
    SLACK_INSTALLATIONS,
    Alert,
    Alias,
    Base,
    Change,
    Departure,
    Notice,
    Pacing,
    Price,
    RepriceJob,
    Score,
    Subscription,
    TeamWorkload,
)
from tests.db.dump import dump

pytestmark = pytest.mark.engines  # the store: every test on each backend

KEYED = (Change, Price, Score, Alias, Subscription, Alert, TeamWorkload, RepriceJob, Pacing)
GONE = "TGONE"
KEPT = ("TKEPT", "E1:")


def admin(workspace: str, channel: str = "C1") -> Context:
    return Context.slack("UADMIN", channel, lambda _: True, workspace=workspace)


def member(workspace: str, channel: str) -> Context:
    return Context.slack("UMEMBER", channel, lambda _: False, workspace=workspace)


def install_rows(engine: Engine, workspace: str, at: datetime) -> None:
    """An installation and bot row of a workspace, as slack_sdk's store writes them (naive UTC)."""
    enterprise, _, team = workspace.rpartition(":") if ":" in workspace else ("", "", workspace)
    common: dict[str, Any] = {
        "client_id": "111.222",
        "app_id": "A0MODELCOST",
        "enterprise_id": enterprise or None,
        "team_id": team or None,
        "bot_token": "not-read-here",
        "bot_id": "B1",
        "bot_user_id": "UBOT",
        "is_enterprise_install": workspace.endswith(":"),
        "installed_at": at.astimezone(UTC).replace(tzinfo=None),
    }
    with engine.begin() as conn:
        conn.execute(insert(SLACK_INSTALLATIONS).values(**common, user_id="UINSTALLER"))
        conn.execute(insert(SLACK_BOTS).values(**common))


def populate(engine: Engine, workspace: str, channel: str) -> None:
    """Everything a workspace can own: a subscription, its own price, a team score, a name, a default
    workload, a reprice job waiting, the alerts worker's pace, and (below) the alerts and notices they
    bring."""
    respond(engine, "subscribe o1", member(workspace, channel))
    respond(engine, "set o1 output 50", admin(workspace))
    respond(engine, "set sonnet score 1460", admin(workspace))
    respond(engine, "alias teamthink o1", admin(workspace))
    respond(engine, "set workload 50M in 5M out", admin(workspace))
    JobQueue(engine).queue(
        JobSpec(
            workspace=workspace, user_id="UMEMBER", channel_id=channel, file_id=None, response_url="https://x"
        )
    )
    with db.transaction(engine) as s:  # the alerts worker's pace for it (bot.store.pacing)
        s.add(Pacing(workspace=workspace, not_before=datetime.now(UTC)))


def owned(engine: Engine, workspace: str) -> dict[str, int]:
    """How many rows of each table are the workspace's."""
    with db.session_factory(engine)() as s:
        counts = {
            cls.__tablename__: s.scalar(select(func.count()).where(cls.workspace == workspace)) or 0
            for cls in KEYED
        }
        subs = select(Subscription.id).where(Subscription.workspace == workspace)
        counts["notices"] = s.scalar(select(func.count()).where(Notice.subscription_id.in_(subs))) or 0
        counts["departures"] = s.scalar(select(func.count()).where(Departure.workspace == workspace)) or 0
        team = workspace.rpartition(":")[2]
        for table in (SLACK_INSTALLATIONS, SLACK_BOTS):
            counts[table.name] = s.scalar(select(func.count()).where(table.c.team_id == team)) or 0
    return counts


@pytest.fixture
def workspaces(fresh: Engine) -> Engine:
    """Three workspaces with rows of their own, one to be uninstalled, and a shared change that alerted
    every subscribed channel; a notice for each subscription; installation rows for each."""
    for i, workspace in enumerate((GONE, *KEPT)):
        populate(fresh, workspace, f"C{i}")
    respond(fresh, "subscribe", Context.slack("UMEMBER", "CSINGLE", lambda _: False))  # the shared one
    respond(fresh, "set o3 output 30", Context.cli())  # a shared change: alerts in every workspace
    with db.transaction(fresh) as s:
        for sub in s.scalars(select(Subscription)):
            alert = s.scalars(select(Alert).where(Alert.subscription_id == sub.id)).first()
            s.add(
                Notice(
                    subscription_id=sub.id, model_id="o1", notice="deprecated", alert_id=alert and alert.id
                )
            )
    long_ago = datetime.now(UTC) - timedelta(days=400)
    for workspace in (GONE, "TKEPT"):
        install_rows(
            fresh, workspace, long_ago
        )  # a user's install, left after the uninstall deleted the bot's
    return fresh


def uninstall(engine: Engine, workspace: str) -> datetime:
    """What the uninstall listeners do after deleting the tokens; returns the time recorded."""
    subscriptions.uninstalled(engine, workspace)
    with db.session_factory(engine)() as s:
        return s.get_one(Departure, workspace).uninstalled_at


def test_every_table_keyed_by_a_workspace_is_purged() -> None:
    """A new table with a workspace column must be added to the purge (bot/store/retention.py) and here."""
    keyed = {t.name for t in Base.metadata.tables.values() if "workspace" in t.c}
    assert keyed == {cls.__tablename__ for cls in KEYED} | {"departures"}


def test_kept_for_the_retention_period_then_every_row_of_the_workspace_is_gone(workspaces: Engine) -> None:
    before = owned(workspaces, GONE)
    assert all(before[t] for t in ("changes", "prices", "scores", "aliases", "subscriptions", "alerts"))
    assert all(
        before[t]
        for t in ("team_workloads", "notices", "slack_installations", "slack_bots", "reprice_jobs", "pacing")
    )
    uninstalled_at = uninstall(workspaces, GONE)
    kept = dump(workspaces)

    assert retention.purge_departed(workspaces, uninstalled_at + timedelta(days=29)) == []
    assert dump(workspaces) == kept

    [purged] = retention.purge_departed(workspaces, uninstalled_at + timedelta(days=31))

    assert purged.workspace == GONE
    assert not any(owned(workspaces, GONE).values())
    after = dump(workspaces)
    # The installation rows' deletion is logged (bot/store/installations.py), so that every web worker
    # drops the workspace's kept authorization: the one kind of row the purge writes.
    told = [
        r
        for r in after.pop("installation_changes")
        if repr(r) not in {repr(k) for k in kept["installation_changes"]}
    ]
    assert {r[2] for r in told} == {GONE}
    assert len(told) == before["slack_installations"] + before["slack_bots"]
    [(_, version)] = after.pop("installation_version")  # the log's counter, moved on by as many
    assert version == kept["installation_version"][0][1] + len(told)
    for table, rows in after.items():
        assert {repr(r) for r in rows} <= {repr(r) for r in kept[table]}, table  # nothing written or changed
        removed = len(kept[table]) - len(rows)
        assert removed == before.get(table, 0) + (table == "departures"), table  # only GONE's rows
    assert purged.rows == {t: n for t, n in before.items() if t != "departures"}
    for workspace in KEPT:
        assert all(owned(workspaces, workspace)[t] for t in ("changes", "subscriptions", "alerts", "notices"))
    assert retention.purge_departed(workspaces, uninstalled_at + timedelta(days=400)) == []


def test_the_period_is_settable(workspaces: Engine) -> None:
    uninstalled_at = uninstall(workspaces, GONE)
    assert retention.purge_departed(workspaces, uninstalled_at + timedelta(days=6), days=7) == []
    assert [
        p.workspace for p in retention.purge_departed(workspaces, uninstalled_at + timedelta(days=7), 7)
    ] == [GONE]
    assert owned(workspaces, GONE)["changes"] == 0


def test_an_org_wide_install_is_purged_alone(workspaces: Engine) -> None:
    """`E1:` (the whole org) and `E1:TORG` (one workspace of it) are different workspaces."""
    respond(workspaces, "subscribe o1", member("E1:TORG", "CORG"))
    respond(workspaces, "alias orgthink o1", admin("E1:TORG"))
    org_team = owned(workspaces, "E1:TORG")
    assert org_team["subscriptions"] and org_team["aliases"]
    uninstalled_at = uninstall(workspaces, "E1:")
    [purged] = retention.purge_departed(workspaces, uninstalled_at + timedelta(days=31))
    assert purged.workspace == "E1:"
    assert owned(workspaces, "E1:")["changes"] == 0
    assert owned(workspaces, "E1:TORG") == org_team


def test_installing_again_cancels_the_purge(workspaces: Engine) -> None:
    before = owned(workspaces, GONE)
    uninstalled_at = uninstall(workspaces, GONE)
    subscriptions.installed(workspaces, GONE)

    assert retention.purge_departed(workspaces, uninstalled_at + timedelta(days=31)) == []
    assert owned(workspaces, GONE) == {**before, "departures": 0}
    with db.session_factory(workspaces)() as s:
        statuses = set(s.scalars(select(Subscription.status).where(Subscription.workspace == GONE)))
    assert statuses == {"active"}


def test_an_install_saved_before_its_callback_ran_cancels_the_purge(workspaces: Engine) -> None:
    """Bolt saves the installation, then calls back (which deletes the departure): a purge in between
    finds the new bot row and keeps everything."""
    uninstalled_at = uninstall(workspaces, GONE)
    install_rows(workspaces, GONE, uninstalled_at + timedelta(days=30, hours=23))
    before = owned(workspaces, GONE)

    assert retention.purge_departed(workspaces, uninstalled_at + timedelta(days=31)) == []
    assert owned(workspaces, GONE) == {**before, "departures": 0}


def test_a_second_uninstall_event_does_not_postpone_the_purge(fresh: Engine) -> None:
    """Slack sends `tokens_revoked` and `app_uninstalled` for one uninstall; the first time counts."""
    first = uninstall(fresh, GONE)
    assert uninstall(fresh, GONE) == first
