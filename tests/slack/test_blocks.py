"""Every message the app builds stays inside Block Kit's limits and escapes what users type."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot import db
from bot.config import Settings
from bot.contract.answers import AlternativesAnswer, CompareAnswer, ListAnswer
from bot.contract.errors import UserError
from bot.contract.views import ListRow
from bot.domain.help import HELP
from bot.render import blocks, kit
from bot.slack.dispatch import run_command
from bot.store.tables import Model
from tests.slack.blockkit import assert_valid, block_kit_problems
from tests.slack.conftest import mrkdwn_texts

HOSTILE = [
    "<!channel>",
    "<@U0BOSS>",
    "list <@U0BOSS>",
    "<!here|here> & <@U0BOSS>",
    "<https://evil.example|click me>",
    "a & b < c > d",
]


def _message(catalog: Engine, text: str, **kw: Any) -> kit.Message:
    try:
        answer = run_command(Settings(), catalog, "U1", "C1", text)
    except UserError as exc:
        return blocks.error_message(exc, query=text)
    return blocks.answer_message(answer, query=text, **kw)


def _commands(catalog: Engine) -> list[str]:
    with db.session_factory(catalog)() as session:
        ids = list(session.scalars(select(Model.id).order_by(Model.id)))
        labs = sorted(set(session.scalars(select(Model.lab))))
    commands = [example for example, _ in HELP] + ["", "list", "list open", "list nothing-matches"]
    commands += [f"list {lab}" for lab in labs]
    commands += [" vs ".join(ids[i : i + 6]) for i in range(0, len(ids), 6)]
    commands += [f"{i} for 123.5M in 7B out 30% cached" for i in ids[::7]]
    commands += [f"cheaper {i}" for i in ids[::3]]
    commands += ["o5", "gpt5x vs r1", "x" * 999, "x" * 5000, "a vs b vs c vs d vs e vs f vs g", *HOSTILE]
    return commands


def test_every_message_for_every_kind_of_command_is_within_limits(catalog: Engine) -> None:
    problems = {}
    for text in _commands(catalog):
        for shared_by in (None, "U0ALICE"):
            found = block_kit_problems(dict(_message(catalog, text, shared_by=shared_by)))
            if found:
                problems[text[:60]] = found
    assert problems == {}


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_reaches_mrkdwn_escaped(catalog: Engine, text: str) -> None:
    message = _message(catalog, text)
    sent = mrkdwn_texts(dict(message))
    assert message["text"] in sent and len(sent) > 1
    for piece in sent:
        # Case ignored: names are lowercased on the way ("<@u0boss>").
        assert "<!" not in piece and "<@" not in piece and "<http" not in piece.lower()
    assert "<" not in message["text"]


def test_extreme_answers_are_cut_to_fit(catalog: Engine) -> None:
    with db.session_factory(catalog)() as session:
        ids = list(session.scalars(select(Model.id).where(Model.open_weights.is_(True)).order_by(Model.id)))[
            :6
        ]
    base = run_command(Settings(), catalog, "U1", "C1", " vs ".join(ids))
    assert isinstance(base, CompareAnswer)
    long = "Ж<&>" * 400  # 1600 characters, each of them a risk once escaped
    models = [replace(m, name=long + m.name, lab=long) for m in base.models]
    huge_compare = replace(base, models=models)
    row = ListRow(
        id="x" * 300,
        name=long,
        lab=long,
        open_weights=True,
        provider_name=long,
        input_mtok=None,
        output_mtok=None,
    )
    huge_list = ListAnswer(filter=long, rows=[row] * 200, more=10**6)
    alternatives = run_command(Settings(), catalog, "U1", "C1", "cheaper o1")
    assert isinstance(alternatives, AlternativesAnswer) and alternatives.alternatives
    many = replace(alternatives, alternatives=alternatives.alternatives * 40, footnote=long * 3)

    for answer in (huge_compare, huge_list, many):
        for shared_by in (None, "U0ALICE"):
            assert_valid(dict(blocks.answer_message(answer, query="y" * 1000, shared_by=shared_by)))


def test_clip_never_leaves_half_an_entity() -> None:
    escaped = kit.escape("a" * 8 + "<b")
    assert kit.clip(escaped, 10) == "a" * 8 + "…"
    assert kit.clip("short", 10) == "short"


def test_a_chart_keeps_the_text_escaped_once(catalog: Engine) -> None:
    answer = run_command(Settings(), catalog, "U1", "C1", "r1 vs o1")
    assert isinstance(answer, CompareAnswer)
    named = replace(answer, models=[replace(m, name="R&D <1>") for m in answer.models])
    message = blocks.answer_message(named, query="r1 vs o1")
    assert "R&amp;D &lt;1&gt;" in message["text"]
    for offer in (blocks.ChartOffer(None, ""), blocks.ChartOffer("https://x.example/c.png", "a chart")):
        charted = blocks.with_chart(message, offer, query="r1 vs o1")
        assert charted["text"] == message["text"]
        assert len(charted["blocks"]) == len(message["blocks"]) + (offer.url is not None)
