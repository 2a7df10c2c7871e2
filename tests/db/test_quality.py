"""Quality on the shipped data: every model people type gets cheaper alternatives (labelled when the
score is a floor), by task, with the team's own judgement on top; SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from bot import db
from bot.cli import main
from bot.commands.ask import Context, respond
from bot.contract.answers import AlternativesAnswer, CompareAnswer, HistoryAnswer, ModelAnswer
from bot.contract.errors import NotAdminError
from bot.contract.views import QualityView
from bot.domain.comparable import comparable
from bot.store.tables import Score

CLI = Context.cli()


def ask(engine: Engine, text: str) -> object:
    return respond(engine, text, CLI)


@pytest.mark.parametrize(
    ("name", "target", "floor_from"),
    [
        ("sonnet", "claude-sonnet-5.5", "claude-sonnet-5"),
        ("opus", "claude-opus-5.5", "claude-opus-5"),
        ("haiku", "claude-haiku-5.5", "claude-haiku-4.5"),
        ("grok", "grok-4.7", "grok-4.6"),
        ("gpt-5.5", "gpt-5.5", None),  # its own score on the 2026-08-19 board
        ("gemini", "gemini-3.1-pro", None),
    ],
)
def test_the_most_asked_models_get_open_alternatives_from_a_labelled_floor(
    catalog: Engine, name: str, target: str, floor_from: str | None
) -> None:
    result = ask(catalog, f"cheaper {name}")
    assert isinstance(result, AlternativesAnswer)
    assert result.target.id == target
    q = result.target.quality
    assert q is not None and q.floor_from_id == floor_from
    assert ("as a floor" in result.footnote) == (floor_from is not None)
    shown = result.alternatives or result.nearest
    assert shown and all(x.model.open_weights for x in shown)
    assert all(x.cost < (result.target.price.workload_cost or 0) for x in shown)
    if not result.alternatives:  # none comparable: shown as below the bar, never as comparable
        assert all(x.model.quality and x.model.quality.score < q.score - 25 for x in result.nearest)


def test_a_floor_is_labelled_in_the_reply(catalog_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main_with(catalog_url, ["ask", "cheaper", "sonnet"]) == 0
    out = capsys.readouterr().out
    assert "no LMArena score yet; using Claude Sonnet 5 (high effort)'s 1442 as a floor" in out
    assert "A floor is a lower bound: alternatives are judged against Claude Sonnet 5, not against" in out
    assert "Quality: LMArena text, published 2026-08-19, " in out and " days ago; the plain board" in out


def main_with(url: str, argv: list[str]) -> int:
    import os

    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        return main(argv)
    finally:
        if old is None:
            del os.environ["DATABASE_URL"]
        else:
            os.environ["DATABASE_URL"] = old


def test_a_task_ranks_by_its_own_score(catalog: Engine) -> None:
    overall = ask(catalog, "cheaper o1")
    coding = ask(catalog, "cheaper o1 for coding")
    assert isinstance(overall, AlternativesAnswer) and isinstance(coding, AlternativesAnswer)
    assert coding.category == "coding" and coding.ranked_by == "score"
    scores = [x.model.quality.score for x in coding.alternatives if x.model.quality]
    assert len(scores) >= 2 and scores == sorted(scores, reverse=True)
    assert all(x.model.quality and x.model.quality.category == "coding" for x in coding.alternatives)
    assert [x.model.id for x in coding.alternatives] != [x.model.id for x in overall.alternatives]
    assert "coding" in coding.footnote
    sonnet, sonnet_coding = ask(catalog, "cheaper sonnet"), ask(catalog, "cheaper sonnet for coding")
    assert isinstance(sonnet, AlternativesAnswer) and isinstance(sonnet_coding, AlternativesAnswer)
    assert [x.model.id for x in sonnet_coding.alternatives] != [x.model.id for x in sonnet.alternatives]


def test_a_task_with_a_workload(catalog: Engine) -> None:
    result = ask(catalog, "cheaper sonnet for coding for 1M in 1M out")
    assert isinstance(result, AlternativesAnswer)
    assert result.category == "coding" and result.workload.input_tokens == 1_000_000


def test_a_comparison_shows_the_tasks_scores(catalog: Engine) -> None:
    result = ask(catalog, "r1 vs o1 for coding")
    assert isinstance(result, CompareAnswer) and result.category == "coding"
    assert all(m.quality and m.quality.category == "coding" for m in result.models)
    overall = ask(catalog, "r1 vs o1")
    assert isinstance(overall, CompareAnswer)
    assert [m.quality.score for m in result.models if m.quality] != [
        m.quality.score for m in overall.models if m.quality
    ]


def test_json_carries_score_category_source_date_and_floor(
    catalog_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main_with(catalog_url, ["ask", "--json", "cheaper", "sonnet", "for", "coding"]) == 0
    target = json.loads(capsys.readouterr().out)["target"]["quality"]
    assert target["category"] == "coding" and target["source"] == "LMArena text"
    assert target["as_of"] == "2026-08-19" and target["floor_from_id"] == "claude-sonnet-5"
    assert target["variant"] == "high" and target["low"] is None and target["high"] is None
    assert isinstance(target["score"], int)
    assert main_with(catalog_url, ["ask", "--json", "claude-sonnet-4.5"]) == 0
    own = json.loads(capsys.readouterr().out)["model"]["quality"]
    assert own["floor_from"] is None and own["low"] < own["score"] < own["high"]


def test_a_variant_never_replaces_the_default_score(catalog: Engine) -> None:
    # LMArena lists claude-sonnet-4-5-20250929 (1438) and its -high-32k variant (1433).
    result = ask(catalog, "claude-sonnet-4.5")
    assert isinstance(result, ModelAnswer) and result.model.quality
    assert (result.model.quality.score, result.model.quality.low) == (1438, 1435)
    with db.session_factory(catalog)() as s:
        variants = s.scalars(
            select(Score.variant).where(Score.model_id == "claude-sonnet-4.5", Score.variant != "")
        ).all()
    assert variants and all(v for v in variants)


@pytest.mark.engines
def test_the_teams_score_wins_until_unset_and_shows_in_history(fresh: Engine) -> None:
    set_it = respond(fresh, "set sonnet coding score 1490", Context.slack("U0BOSS", "C1", lambda _: True))
    assert set_it.kind == "set-score" and set_it.team == 1490  # type: ignore[union-attr]
    model = ask(fresh, "sonnet for coding")
    assert isinstance(model, ModelAnswer) and model.model.quality
    q = model.model.quality
    assert (q.score, q.team, q.floor_from) == (1490, True, None)
    assert q.set_by is not None and q.set_by.id == "U0BOSS"
    overall = ask(fresh, "sonnet")
    assert isinstance(overall, ModelAnswer) and overall.model.quality and overall.model.quality.floor_from
    history = ask(fresh, "history sonnet")
    assert isinstance(history, HistoryAnswer)
    assert [(s.new, s.team, s.actor.id) for s in history.scores] == [(1490, True, "U0BOSS")]
    again = ask(fresh, "set sonnet coding score 1490")
    assert again.unchanged  # type: ignore[union-attr]
    ask(fresh, "unset sonnet coding score")
    after = ask(fresh, "sonnet for coding")
    assert isinstance(after, ModelAnswer) and after.model.quality
    assert after.model.quality.floor_from == "Claude Sonnet 5"  # back to the leaderboard's (a floor)


@pytest.mark.engines
def test_a_member_cannot_set_a_score(fresh: Engine) -> None:
    with db.session_factory(fresh)() as s:
        before = s.scalar(select(func.count()).select_from(Score))
    with pytest.raises(NotAdminError):
        respond(fresh, "set sonnet score 1500", Context.slack("U0MEMBER", "C1", lambda _: False))
    with db.session_factory(fresh)() as s:
        assert s.scalar(select(func.count()).select_from(Score)) == before


@pytest.mark.parametrize(
    ("family", "flagship", "lab"),
    [
        ("claude", "claude-sonnet-5.5", "Anthropic"),
        ("gpt", "gpt-5.5", "OpenAI"),
        ("gemini", "gemini-3.1-pro", "Google"),
        ("llama", "llama-4-maverick", "Meta"),
        ("qwen", None, "Alibaba/Qwen"),
        ("grok", "grok-4.7", "xAI"),
        ("mistral", None, "Mistral"),
        ("deepseek", None, "DeepSeek"),
        ("kimi", None, "Moonshot AI"),
        ("glm", None, "Z.ai"),
    ],
)
def test_family_names_mean_their_labs_flagship(
    catalog: Engine, family: str, flagship: str | None, lab: str
) -> None:
    result = ask(catalog, family)
    assert isinstance(result, ModelAnswer)
    assert result.model.lab == lab  # never a silent jump to another lab
    if flagship:
        assert result.model.id == flagship
    if family not in ("grok", "kimi", "glm"):  # these were aliases of the flagship already
        assert result.notes and result.notes[0].startswith(
            f"{result.notes[0].split()[0]} means {result.model.name}"
        )


def view(score: int, low: int | None = None, high: int | None = None) -> QualityView:
    return QualityView(
        score=score,
        low=low,
        high=high,
        category="overall",
        category_label="overall",
        source="LMArena text",
        as_of=date(2025, 12, 17),
    )


@pytest.mark.parametrize(
    ("candidate", "target", "expected"),
    [
        (view(1400), view(1425), True),  # within the margin
        (view(1399), view(1425), False),
        (view(1390, 1380, 1412), view(1440, 1410, 1470), True),  # intervals overlap
        (view(1390, 1380, 1409), view(1440, 1410, 1470), False),
        (view(1390, 1380, 1412), view(1440), False),  # a floor has no interval: the margin alone
    ],
)
def test_comparable_by_margin_or_overlapping_intervals(
    candidate: QualityView, target: QualityView, expected: bool
) -> None:
    assert comparable(candidate, target) is expected
