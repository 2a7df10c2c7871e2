"""A model that appears in a feed tomorrow is answerable, comparable and recommendable after one sync,
with no change to data/: GLM-5.3 Max, which LMArena's 2026-08-19 file licenses MIT but no bundled
price source sells, added by a synthetic genai-prices feed, then scored by a quality feed."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
import responses
from sqlalchemy import Engine

from bot import db
from bot.commands.ask import answer
from bot.contract.answers import AlternativesAnswer, ModelAnswer
from bot.contract.errors import UnknownModelError
from bot.feeds import prices, quality
from tests.sync import leaderboards
from tests.sync.feeds import URL, add_model, body, snapshot_feed

NEW = "glm-5.3-max"


def ask(engine: Engine, text: str):  # type: ignore[no-untyped-def]
    with db.session_factory(engine)() as session:
        return answer(session, text)


@pytest.mark.engines
def test_a_new_model_in_the_feed_is_answerable_by_its_names_and_then_an_alternative(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    with pytest.raises(UnknownModelError):
        ask(fresh, "glm 5.3 max")
    f = add_model(snapshot_feed(), "zai", NEW, 0.01, 0.02)
    f = add_model(f, "novita", f"zai-org/{NEW.upper()}-FP8", 0.02, 0.03)  # the same model at a host
    feed.get(URL, body=body(f), headers={"ETag": '"v2"'})

    summary = prices.FEED.sync(fresh, URL)

    assert (summary.status, summary.added) == ("applied", 2)
    found = ask(fresh, "glm 5.3 max")
    assert isinstance(found, ModelAnswer)
    model = found.model
    assert (model.id, model.lab, model.open_weights, model.license) == (NEW, "Z.ai", True, "MIT")
    assert (model.price.provider_id, model.price.input_mtok, model.hosts) == ("zai", D("0.01"), 2)
    assert model.quality is None  # no score yet: not an alternative
    before = ask(fresh, "cheaper o1")
    assert isinstance(before, AlternativesAnswer)
    assert NEW not in {a.model.id for a in before.alternatives}

    board = leaderboards.rate(leaderboards.bundled(), NEW, 1500.0)
    feed.get(leaderboards.URL, body=leaderboards.body(board), headers={"ETag": '"q2"'})
    scored = quality.FEED.sync(fresh, leaderboards.URL)

    assert scored.status == "applied" and NEW not in scored.unmapped_keys
    after = ask(fresh, "cheaper o1")
    assert isinstance(after, AlternativesAnswer)
    assert after.alternatives and after.alternatives[0].model.id == NEW  # the cheapest comparable
