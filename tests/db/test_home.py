"""The App Home of one workspace shows the shared catalog's changes and its own subscriptions,
changes and overrides, never another workspace's (bot.read.home, rendered as a user sees it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, update

from bot import db
from bot.commands.ask import Context, respond
from bot.domain.lifecycle import today
from bot.domain.workspaces import SHARED
from bot.read.home import home
from bot.render.home import home_view
from bot.store.tables import Offering, Subscription
from tests.slack.blockkit import assert_valid_view
from tests.slack.conftest import mrkdwn_texts, visible_text


@pytest.fixture
def fresh(fresh_built: Engine) -> Engine:
    """Retirement days are set here by hand-written SQL before the first question, which moves no
    catalog version: the snapshot is built from this copy, not taken from the template (conftest)."""
    return fresh_built


def admin(workspace: str, user: str, channel: str = "C0ADMIN") -> Context:
    return Context.slack(user, channel, lambda _: True, workspace=workspace)


def shown(engine: Engine, workspace: str) -> str:
    view = home_view(home(engine, workspace))
    assert_valid_view(view)
    return visible_text(view)


@pytest.mark.engines
def test_a_workspace_home_never_shows_another_workspaces_rows(fresh: Engine) -> None:
    respond(fresh, "subscribe o1", admin("TA", "U0ANNA", "C0ALPHA"))
    respond(fresh, "subscribe", admin("TB", "U0BORIS", "C0BRAVO"))
    respond(fresh, "set o1 output 50", admin("TA", "U0ANNA"))
    respond(fresh, "alias anna-pick o1", admin("TA", "U0ANNA"))
    respond(fresh, "set sonnet score 1460", admin("TA", "U0ANNA"))
    respond(fresh, "set o1 output 70", admin("TB", "U0BORIS"))
    respond(fresh, "alias boris-pick r1", admin("TB", "U0BORIS"))
    respond(fresh, "set o1 input 20", Context.cli())  # the shared catalog's: every workspace sees it

    a, b, shared = shown(fresh, "TA"), shown(fresh, "TB"), shown(fresh, SHARED)

    assert "<#C0ALPHA>" in a and "output $60 → $50 (-16.7%)" in a and "`anna-pick` means *o1*" in a
    assert "*Claude Sonnet 5.5* overall: 1460" in a
    assert "input $15 → $20 (+33.3%)" in a
    assert all(s not in a for s in ["C0BRAVO", "$70", "U0BORIS", "boris-pick"])

    assert "<#C0BRAVO>" in b and "output $60 → $70 (+16.7%)" in b and "`boris-pick` means *DeepSeek R1*" in b
    assert "input $15 → $20 (+33.3%)" in b
    assert all(s not in b for s in ["C0ALPHA", "$50", "U0ANNA", "anna-pick", "1460"])

    # The shared catalog (single mode) follows nothing here; its own override is the operator's price.
    assert all(
        s not in shared
        for s in ["C0ALPHA", "C0BRAVO", "U0ANNA", "U0BORIS", "anna-pick", "boris-pick", "1460"]
    )
    assert "*o1* at OpenAI: in $20 · out $60 · cached $7.50 _(set by the terminal operator" in shared


@pytest.mark.engines
def test_a_workspace_following_some_models_sees_only_their_changes(fresh: Engine) -> None:
    respond(fresh, "subscribe r1", admin("TA", "U0ANNA", "C0ALPHA"))
    respond(fresh, "set o1 output 50", admin("TA", "U0ANNA"))
    respond(fresh, "set r1 at deepseek output 3", admin("TA", "U0ANNA"))

    answer = home(fresh, "TA")

    assert not answer.follows_all and [m.id for m in answer.followed] == ["deepseek-r1"]
    assert [(c.model.id, c.own) for c in answer.changes] == [("deepseek-r1", True)]
    assert {p.model.id for p in answer.prices} == {"o1", "deepseek-r1"}  # its overrides, followed or not


def test_text_from_outside_is_inert_in_the_home(fresh: Engine) -> None:
    respond(fresh, "subscribe", admin("TA", "U0ANNA", "C0ALPHA"))
    with db.transaction(fresh) as session:
        sub = session.scalars(select(Subscription)).one()
        sub.status, sub.status_reason = "broken", "Slack said <!channel> & <https://evil.example|click>"

    view = home_view(home(fresh, "TA"))

    text = "\n".join(mrkdwn_texts(view))
    assert "broken: Slack said &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in text
    assert "<!channel>" not in text and "<https://" not in text
    assert all(t.get("verbatim") is True for t in _mrkdwn_objects(view))


def _mrkdwn_objects(node: object) -> list[dict[str, object]]:
    if isinstance(node, dict):
        own = [node] if node.get("type") == "mrkdwn" else []
        return own + [o for v in node.values() for o in _mrkdwn_objects(v)]
    if isinstance(node, list):
        return [o for v in node for o in _mrkdwn_objects(v)]
    return []


def test_the_home_shows_each_subscriptions_next_countdown_and_digest(fresh: Engine) -> None:
    retires = today() + timedelta(days=20)
    with db.transaction(fresh) as session:
        session.execute(update(Offering).where(Offering.provider_model_id == "o1").values(retires_on=retires))
    respond(fresh, "subscribe o1, family sonnet", admin("TA", "U0ANNA", "C0ALPHA"))
    respond(fresh, "subscribe digest weekly friday 16:00 Europe/Berlin", admin("TA", "U0ANNA", "C0ALPHA"))
    respond(fresh, "subscribe r1", admin("TA", "U0ANNA", "C0BRAVO"))

    text = shown(fresh, "TA")

    seven_before = (retires - timedelta(days=7)).isoformat()
    assert f"<#C0ALPHA>: o1, the claude-sonnet family · next countdown {seven_before} (o1)" in text
    assert "digest Fridays 16:00 Europe/Berlin" in text
    bravo = next(line for line in text.splitlines() if "<#C0BRAVO>" in line)
    assert "countdown" not in bravo and "digest" not in bravo
