"""Workspaces: each sees the shared catalog plus its own prices, names and team scores; its changes
alert only its own channels and show only in its own history; an uninstall disables its
subscriptions and cancels its pending alerts, and a reinstall resumes them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from bot import db
from bot.commands.ask import Context, respond
from bot.contract.errors import UserError
from bot.feeds.seed import ensure_catalog
from bot.store import subscriptions
from bot.store.tables import Alert, Subscription
from tests.db.dump import dump

pytestmark = pytest.mark.engines  # the store: every test on each backend


def admin(workspace: str, channel: str = "C1", user: str = "UADMIN") -> Context:
    return Context.slack(user, channel, lambda _: True, workspace=workspace)


def member(workspace: str, channel: str = "C1") -> Context:
    return Context.slack("UMEMBER", channel, lambda _: False, workspace=workspace)


def o1_output(engine: Engine, context: Context) -> Decimal | None:
    return respond(engine, "o1", context).model.price.output_mtok


def alerts(engine: Engine) -> list[tuple[str, str, str]]:
    """(workspace, channel, status) of every alert, oldest first."""
    with db.session_factory(engine)() as s:
        return [(a.workspace, a.channel_id, a.status) for a in s.scalars(select(Alert).order_by(Alert.id))]


def test_a_workspace_price_changes_only_its_own_answers(fresh: Engine) -> None:
    respond(fresh, "subscribe o1", member("TA", "CA"))
    respond(fresh, "subscribe o1", member("TB", "CB"))
    respond(fresh, "subscribe", member("", "CSINGLE"))

    answer = respond(fresh, "set o1 output 50", admin("TA"))

    assert answer.change.new["output_mtok"] == Decimal(50) and answer.alerts_queued == 1
    assert o1_output(fresh, member("TA")) == Decimal(50)
    assert o1_output(fresh, member("TB")) == Decimal(60)
    assert o1_output(fresh, Context.cli()) == Decimal(60)
    cost = respond(fresh, "r1 vs o1", member("TB")).models[1].price.output_mtok
    assert cost == Decimal(60)
    assert alerts(fresh) == [("TA", "CA", "pending")]


def test_history_shows_the_shared_changes_and_the_workspace_own_never_another(fresh: Engine) -> None:
    respond(fresh, "set o1 output 50", admin("TA", user="UA"))
    respond(fresh, "set o1 output 65", Context.cli())  # the shared catalog's (the operator's)

    def actors(context: Context) -> list[tuple[str, Decimal | None, Decimal | None]]:
        entries = respond(fresh, "history o1", context).entries
        return [(e.actor.id, (e.old or {}).get("output_mtok"), e.new["output_mtok"]) for e in entries[:2]]

    assert actors(member("TA")) == [("cli", Decimal(60), Decimal(65)), ("UA", Decimal(60), Decimal(50))]
    assert [a for a, *_ in actors(member("TB"))][0] == "cli"
    assert "UA" not in {e.actor.id for e in respond(fresh, "history o1", member("TB")).entries}
    # A's own price stands in A's view: the shared change doesn't replace it (as a sync never does).
    assert o1_output(fresh, member("TA")) == Decimal(50)
    assert o1_output(fresh, member("TB")) == Decimal(65)


def test_a_shared_change_alerts_every_workspace_but_not_where_its_own_price_stands(fresh: Engine) -> None:
    respond(fresh, "subscribe o1", member("TA", "CA"))
    respond(fresh, "subscribe o1", member("TB", "CB"))
    respond(fresh, "subscribe", member("E1:", "CORG"))
    respond(fresh, "set o1 output 50", admin("TA"))
    before = len(alerts(fresh))

    respond(fresh, "set o1 output 65", Context.cli())

    assert sorted(alerts(fresh)[before:]) == [("E1:", "CORG", "pending"), ("TB", "CB", "pending")]


def test_the_same_channel_can_subscribe_in_two_workspaces(fresh: Engine) -> None:
    """A channel shared between workspaces (Slack Connect) keeps one subscription in each."""
    respond(fresh, "subscribe o1", member("TA", "CSHARED"))
    respond(fresh, "subscribe above 5%", member("TB", "CSHARED"))
    assert respond(fresh, "subscriptions", member("TA", "CSHARED")).subscription.model_ids == ["o1"]
    assert respond(fresh, "subscriptions", member("TB", "CSHARED")).subscription.model_ids is None
    respond(fresh, "set o1 output 65", Context.cli())
    assert sorted(alerts(fresh)) == [("TA", "CSHARED", "pending"), ("TB", "CSHARED", "pending")]


def test_names_and_team_scores_are_the_workspace_own(fresh: Engine) -> None:
    respond(fresh, "alias house-model r1", admin("TA"))
    respond(fresh, "set sonnet score 1499", admin("TA"))

    assert respond(fresh, "house-model", member("TA")).model.id == "deepseek-r1"
    with pytest.raises(UserError, match="house-model"):
        respond(fresh, "house-model", member("TB"))
    a = respond(fresh, "sonnet", member("TA")).model.quality
    b = respond(fresh, "sonnet", member("TB")).model.quality
    assert a is not None and a.score == 1499 and a.team
    assert b is not None and b.score != 1499 and not b.team
    # B may take the same name for another model; A's stays A's.
    respond(fresh, "alias house-model o3", admin("TB"))
    assert respond(fresh, "house-model", member("TB")).model.id == "o3"
    assert respond(fresh, "house-model", member("TA")).model.id == "deepseek-r1"
    with pytest.raises(UserError, match="no alias"):
        respond(fresh, "unalias house-model", Context.cli())


def test_the_terminal_sees_and_changes_one_workspace_with_team(fresh: Engine) -> None:
    respond(fresh, "set o1 output 50", Context.cli("TA"))
    assert o1_output(fresh, Context.cli("TA")) == Decimal(50)
    assert o1_output(fresh, member("TA")) == Decimal(50)
    assert o1_output(fresh, Context.cli()) == Decimal(60)


def test_uninstall_disables_subscriptions_and_cancels_pending_alerts(fresh: Engine) -> None:
    respond(fresh, "subscribe o1", member("TA", "CA"))
    respond(fresh, "subscribe o1", member("TB", "CB"))
    respond(fresh, "set o1 output 65", Context.cli())
    assert sorted(alerts(fresh)) == [("TA", "CA", "pending"), ("TB", "CB", "pending")]

    subscriptions.uninstalled(fresh, "TA")

    assert sorted(alerts(fresh)) == [("TA", "CA", "cancelled"), ("TB", "CB", "pending")]
    shown = respond(fresh, "subscriptions", member("TA", "CA")).subscription
    assert shown is not None and shown.status == "disabled" and "uninstalled" in (shown.status_reason or "")
    respond(fresh, "set o1 output 70", Context.cli())  # nothing is queued for an uninstalled workspace
    assert [a for a in alerts(fresh) if a[0] == "TA"] == [("TA", "CA", "cancelled")]

    subscriptions.installed(fresh, "TA")

    assert respond(fresh, "subscriptions", member("TA", "CA")).subscription.status == "active"
    respond(fresh, "set o1 output 75", Context.cli())
    assert alerts(fresh)[-2:] == [("TA", "CA", "pending"), ("TB", "CB", "pending")]


def test_single_mode_rows_are_the_shared_catalog(fresh: Engine) -> None:
    """Single mode (and every row from before workspaces) is the shared catalog: a workspace sees it."""
    respond(fresh, "set o1 output 50", Context.slack("UADMIN", "C1", lambda _: True))
    assert o1_output(fresh, member("TA")) == Decimal(50)
    with db.session_factory(fresh)() as s:
        assert s.scalar(select(Subscription.workspace)) is None


def test_a_workspace_read_changes_nothing(fresh: Engine) -> None:
    respond(fresh, "set o1 output 50", admin("TA"))
    before = dump(fresh)
    for text in ("o1", "r1 vs o1", "cheaper o1", "history o1", "list open"):
        respond(fresh, text, member("TA"))
        respond(fresh, text, member("TB"))
    assert dump(fresh) == before


def test_reseeding_keeps_workspace_rows(fresh: Engine) -> None:
    respond(fresh, "set o1 output 50", admin("TA"))
    ensure_catalog(fresh)
    assert o1_output(fresh, member("TA")) == Decimal(50)


def test_a_workspace_prices_what_a_host_lists_and_adds_no_listing(fresh: Engine) -> None:
    """Which hosts list a model is the shared catalog's (every workspace sees it, the feeds keep it)."""
    before = dump(fresh)
    with pytest.raises(UserError, match="Together AI doesn't list o1.*a host that does: azure, openai"):
        respond(fresh, "set o1 at together input 3 output 7", admin("TA"))
    assert dump(fresh) == before

    respond(fresh, "set o1 at together input 3 output 7", Context.cli())  # the operator lists it
    answer = respond(fresh, "set o1 at together input 2 output 6", admin("TA"))
    assert answer.change.new["input_mtok"] == Decimal(2)
