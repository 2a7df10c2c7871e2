"""Answers are plain frozen values: dataclasses (slots) made with their constructors, copied with
`dataclasses.replace`, written as JSON by pydantic from their declared types, and nothing in bot/
reaches into a library's internals to make them."""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import TypeAdapter

from bot.contract import answers, home, reprice, sync, views
from bot.contract.actor import Actor
from bot.contract.answers import Answer, Charted, CompareAnswer, HelpAnswer
from bot.contract.base import as_json
from bot.contract.views import (
    AlternativeView,
    CostPart,
    ModelView,
    PriceView,
    PricingView,
    QualityView,
    WorkloadView,
)
from bot.render.text import to_json
from bot.slack.charts import charted

BOT = Path(__file__).resolve().parents[2] / "bot"

TYPES = [
    cls
    for module in (answers, views, home, sync, reprice)
    for _, cls in inspect.getmembers(module, inspect.isclass)
    if cls.__module__ == module.__name__ and dataclasses.is_dataclass(cls)
]


def test_every_answer_type_is_a_dataclass() -> None:
    assert len(TYPES) > 35
    assert set(get_args(Answer)) <= set(TYPES)


@pytest.mark.parametrize("cls", TYPES, ids=lambda c: c.__name__)
def test_answers_and_their_parts_are_frozen_with_slots(cls: type) -> None:
    assert "__slots__" in vars(cls) and "__dict__" not in dir(cls)  # no instance dict anywhere
    params = cls.__dataclass_params__
    # A feed fills its SyncSummary in as it applies; everything else is frozen.
    assert params.frozen is (cls is not sync.SyncSummary)


def price(**changes: Any) -> PriceView:
    p = PriceView(
        provider_id="deepseek",
        provider_name="DeepSeek",
        provider_model_id="deepseek-reasoner",
        input_mtok=D("0.55"),
        output_mtok=D("2.19"),
        cache_read_mtok=D("0.14"),
        cache_write_mtok=None,
        context_window=128000,
        changed_on=date(2025, 1, 20),
        source=Actor(kind="feed", id="https://feed.test/data.json?token=s3cret"),
        workload_cost=D("2.50"),
    )
    return dataclasses.replace(p, **changes)


def model() -> ModelView:
    return ModelView(
        id="deepseek-r1",
        name="DeepSeek R1",
        lab="DeepSeek",
        open_weights=True,
        license="MIT",
        quality=QualityView(
            score=1398,
            category="overall",
            category_label="overall",
            source="LMArena text",
            as_of=date(2025, 12, 17),
        ),
        release_date=date(2025, 1, 20),
        curated=True,
        price=price(),
        lab_api=True,
        cheapest=None,
        hosts=3,
        top_hosts=[price(), price(provider_id="together", provider_name="Together AI")],
    )


def test_a_copy_changes_only_what_it_says_and_leaves_the_original() -> None:
    v = model()
    cheaper = price(provider_id="groq", workload_cost=D("0.5"))
    copy = dataclasses.replace(v, cheapest=cheaper, status="deprecated", status_date=date(2026, 12, 1))
    assert (copy.cheapest, copy.status, copy.status_date) == (cheaper, "deprecated", date(2026, 12, 1))
    assert v.cheapest is None and v.status == "active"
    assert dataclasses.replace(copy, cheapest=None, status="active", status_date=None) == v
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.name = "R2"  # type: ignore[misc]


def test_a_feed_actor_keeps_no_query_however_it_is_made() -> None:
    assert price().source.id == "https://feed.test/data.json"
    assert Actor.from_data({"kind": "feed", "id": "https://feed.test/x?key=1"}).id == "https://feed.test/x"
    with pytest.raises(ValueError, match="not an actor"):
        Actor.from_data({"kind": "robot", "id": "R2"})


def test_the_json_form_is_pydantics_json_mode_of_the_declared_types() -> None:
    v = model()
    answer = CompareAnswer(
        models=[v],
        workload=WorkloadView(input_tokens=10, output_tokens=2, cached_share=D("0.3"), given=True),
        cheapest_id=v.id,
        input_ratio={v.id: D(1)},
        output_ratio={v.id: None},
        cost_ratio={v.id: D("1.50")},
        alternatives=[AlternativeView(model=v, cost=D("0.012"), saving_pct=D("91.5"))],
    )
    data = as_json(answer)
    assert list(data) == [f.name for f in dataclasses.fields(CompareAnswer)]  # in declared order
    assert data["kind"] == "compare" and data["cost_ratio"] == {"deepseek-r1": "1.50"}
    assert data["models"][0]["price"]["workload_cost"] == "2.50"  # Decimals as strings, digits kept
    assert data["models"][0]["release_date"] == "2025-01-20"
    assert data["models"][0]["price"]["source"] == {"kind": "feed", "id": "https://feed.test/data.json"}
    assert json.loads(to_json(answer)) == data
    # The schema reads its own JSON back to the same value.
    assert TypeAdapter(CompareAnswer).validate_python(data) == answer
    assert as_json(HelpAnswer(commands=[("help", "this")], footnote="f")) == {
        "kind": "help",
        "commands": [["help", "this"]],
        "footnote": "f",
    }


def test_parts_added_later_are_left_out_of_the_json_while_unset() -> None:
    """A workload's issue-27 parts and a model's `pricing` are written only when given, so answers
    without them read as they did before (the golden corpus holds both kinds)."""
    plain = WorkloadView(input_tokens=10, output_tokens=2, cached_share=D(0), given=True)
    assert list(as_json(plain)) == ["input_tokens", "output_tokens", "cached_share", "given"]
    rich = dataclasses.replace(plain, cache_write_tokens=5, prompt_tokens=300_000, service_tier="batch")
    assert {k: v for k, v in as_json(rich).items() if k not in as_json(plain)} == {
        "cache_write_tokens": 5,
        "prompt_tokens": 300000,
        "service_tier": "batch",
    }
    assert "pricing" not in as_json(model())
    pricing = PricingView(
        provider_name="DeepSeek",
        cost=D("1.10"),
        tiers=["batch"],
        parts=[CostPart(part="input", tokens=2, mtok=D("0.55"), cost=D("1.10"), source="admin")],
        lacking=[],
        notes=[],
    )
    data = as_json(dataclasses.replace(model(), pricing=pricing))
    assert data["pricing"]["parts"][0] == {
        "part": "input",
        "tokens": 2,
        "mtok": "0.55",
        "cost": "1.10",
        "source": "admin",
    }
    assert list(data)[-1] == "pricing"


def test_whether_an_answer_has_a_chart_is_a_fact_of_its_type() -> None:
    assert {cls for cls in get_args(Answer) if cls.chart} == set(get_args(Charted))
    drawn = {"AlternativesAnswer", "CompareAnswer", "HistoryAnswer"}
    assert {cls.__name__ for cls in get_args(Charted)} == drawn
    assert not charted(HelpAnswer(commands=[], footnote=""))


def test_nothing_in_bot_writes_pydantic_internals() -> None:
    tricks = re.compile(r"__pydantic|__dict__\[|object\.__new__")
    found = [
        f"{path.relative_to(BOT.parent)}:{n}"
        for path in sorted(BOT.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if tricks.search(line)
    ]
    assert not found, found
