"""Quality from LMArena's 2026-08-19 board on the shipped data (issue 26): each model's own default score,
the variant that stands for a model listed only through variants (named in every answer), floors only
for models the board does not list, "comparable" that holds against the asked task's score, the board's
age in every answer and in `sync status`, and an older catalog brought to the bundled board as dated moves.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Engine, delete, select, update

from bot import db
from bot.cli import main
from bot.commands.ask import Context, respond
from bot.contract.answers import AlternativesAnswer, HistoryAnswer, ModelAnswer
from bot.contract.sync import SyncStatusAnswer
from bot.domain.comparable import comparable
from bot.feeds.leaderboard import BUNDLED_DATE, licences
from bot.feeds.seed import ensure_catalog
from bot.read.syncs import recent_runs
from bot.render.sync import status_text
from bot.render.text import to_text
from bot.store.tables import Board, Change, Model, Score

CLI = Context.cli()
OPEN_2026 = {"deepseek-v4-pro", "kimi-k2.6", "glm-5.1", "mimo-v2.5-pro", "gemma-4-31b", "qwen3.5-397b-a17b"}


def ask(engine: Engine, text: str) -> object:
    return respond(engine, text, CLI)


def _open_weights_from_licences(engine: Engine) -> None:
    """What the catalog's open-weights evidence does with LMArena's licence column (bot.feeds.leaderboard
    .licences; deciding it is the model list's work, issue 25): a model whose own key's licence is not
    Proprietary has open weights under that licence."""
    found = licences()
    with db.transaction(engine) as s:
        keys = s.execute(
            select(Score.model_id, Score.leaderboard_key).where(
                Score.variant == "", Score.category == "overall"
            )
        ).all()
        for model_id, key in keys:
            licence = found.get(key or "")
            if licence and licence != "Proprietary":
                s.execute(
                    update(Model)
                    .where(Model.id == model_id, Model.open_weights.is_(None))
                    .values(open_weights=True, license=licence)
                )


def test_cheaper_gpt55_uses_its_own_score_and_every_alternative_meets_the_rule(fresh: Engine) -> None:
    _open_weights_from_licences(fresh)

    result = ask(fresh, "cheaper gpt-5.5")

    assert isinstance(result, AlternativesAnswer) and result.target.quality
    q = result.target.quality
    assert (q.score, q.floor_from, q.variant, q.as_of) == (1466, None, None, date(2026, 8, 19))
    assert "as a floor" not in result.footnote
    listed = {a.model.id for a in result.alternatives}
    assert len(listed & OPEN_2026) >= 2, listed  # GLM-5.1, Kimi K2.6, DeepSeek V4 Pro on the shipped prices
    for a in [*result.alternatives, *result.nearest]:
        assert a.model.quality and a.model.quality.as_of == q.as_of  # the same board
        assert a.cost < (result.target.price.workload_cost or 0)
    assert all(a.model.quality and comparable(a.model.quality, q) for a in result.alternatives)
    assert all(a.model.quality and not comparable(a.model.quality, q) for a in result.nearest)
    text = to_text(result)
    assert "Cheaper than GPT-5.5 (LMArena 1466 (2026-08-19))" in text and "2025-12-17" not in text


def test_cheaper_gpt55_lists_2026_open_models_on_the_catalog_as_shipped(catalog: Engine) -> None:
    """With the model list's open-weights evidence (issue 25) the shipped catalog itself recommends them."""
    with db.session_factory(catalog)() as s:
        marked = s.scalars(
            select(Model.id).where(Model.id.in_(OPEN_2026), Model.open_weights.is_(True))
        ).all()
    assert len(marked) >= 5, marked
    result = ask(catalog, "cheaper gpt-5.5")
    assert isinstance(result, AlternativesAnswer) and result.target.quality
    assert len({a.model.id for a in result.alternatives} & OPEN_2026) >= 2
    assert all(
        a.model.quality and comparable(a.model.quality, result.target.quality) for a in result.alternatives
    )


def test_cheaper_gpt55_on_the_catalog_as_shipped(catalog: Engine) -> None:
    """What is shown is either comparable or said to be below the bar, never a 2025 floor."""
    result = ask(catalog, "cheaper gpt-5.5")
    assert isinstance(result, AlternativesAnswer) and result.target.quality
    q = result.target.quality
    assert (q.score, q.floor_from) == (1466, None)
    assert all(a.model.quality and comparable(a.model.quality, q) for a in result.alternatives)
    assert all(a.model.quality and a.model.quality.score < q.score - 25 for a in result.nearest)


def test_cheaper_opus_for_coding_ranks_by_the_coding_board(catalog: Engine) -> None:
    result = ask(catalog, "cheaper opus for coding")
    assert isinstance(result, AlternativesAnswer) and result.target.quality
    q = result.target.quality
    assert (result.category, result.ranked_by, q.category) == ("coding", "score", "coding")
    assert (q.floor_from_id, q.variant) == ("claude-opus-5", "high")  # Opus 5.5 is not on the board
    shown = result.alternatives or result.nearest
    assert shown and all(a.model.quality and a.model.quality.category == "coding" for a in shown)
    scores = [a.model.quality.score for a in shown if a.model.quality]
    assert scores == sorted(scores, reverse=True)
    overall = ask(catalog, "cheaper opus")
    assert isinstance(overall, AlternativesAnswer) and overall.target.quality
    assert overall.target.quality.score != q.score  # the coding board's score, not the overall one
    assert "judged against Claude Opus 5, not against Claude Opus 5.5 itself" in result.footnote


@pytest.mark.parametrize(
    ("name", "variant", "score", "said"),
    [
        ("claude-opus-5", "high", 1505, "LMArena 1505, high effort (2026-08-19)"),  # Anthropic: high
        ("claude-sonnet-5", "high", 1442, "LMArena 1442, high effort (2026-08-19)"),
        ("gemini-3.5-flash", "medium", 1476, "LMArena 1476, medium effort (2026-08-19)"),  # not high's 1483
        ("gemini-3.7-flash", "high", 1491, "LMArena 1491, high effort (2026-08-19)"),  # no source: the best
        ("gpt-5.5", None, 1466, "LMArena 1466 (2026-08-19)"),  # its own key, never gpt-5.5-high's 1470
    ],
)
def test_a_model_listed_only_through_variants_takes_the_standing_one_and_says_which(
    catalog: Engine, name: str, variant: str | None, score: int, said: str
) -> None:
    answer = ask(catalog, name)
    assert isinstance(answer, ModelAnswer) and answer.model.quality
    assert (answer.model.quality.variant, answer.model.quality.score) == (variant, score)
    assert said in to_text(answer)


def test_uncurated_models_are_scored_too(catalog: Engine) -> None:
    for name, score in (("minimax-m2", 1342), ("grok-4.5", 1452), ("deepseek-v4-pro", 1451)):
        answer = ask(catalog, name)
        assert isinstance(answer, ModelAnswer) and answer.model.quality, name
        assert answer.model.quality.score == score and not answer.model.quality.floor_from


def test_json_carries_board_category_date_interval_and_floor(
    catalog_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", catalog_url)
    assert main(["ask", "--json", "cheaper grok for coding"]) == 0
    answer = json.loads(capsys.readouterr().out)
    target = answer["target"]["quality"]
    assert (target["source"], target["category"], target["as_of"]) == ("LMArena text", "coding", "2026-08-19")
    assert target["floor_from_id"] == "grok-4.6" and target["floor_from"] == "Grok 4.6"
    assert target["variant"] == "high" and target["low"] is None  # a floor has no interval of its own
    for alt in answer["alternatives"] + answer["nearest"]:
        q = alt["model"]["quality"]
        assert (q["source"], q["category"], q["as_of"], q["floor_from"]) == (
            "LMArena text",
            "coding",
            "2026-08-19",
            None,
        )
        assert q["low"] <= q["score"] <= q["high"]


def test_sync_status_says_how_old_the_board_is_and_warns_past_30_days(catalog: Engine) -> None:
    with db.session_factory(catalog)() as s:
        stale = recent_runs(s, today=date(2026, 12, 7))
        fresh = recent_runs(s, today=date(2026, 9, 1))
    assert stale.board and (stale.board.published, stale.board.age_days) == (BUNDLED_DATE, 110)
    assert "Quality scores: LMArena text, published 2026-08-19, 110 days ago." in status_text(stale)
    assert "⚠️ The quality board is 110 days old (over 30)" in status_text(stale)
    assert fresh.board and "⚠️" not in status_text(fresh) and "13 days ago" in status_text(fresh)
    answer = ask(catalog, "sync status")
    assert isinstance(answer, SyncStatusAnswer) and answer.board and answer.board.age_days >= 110


@pytest.mark.engines
def test_a_catalog_on_an_older_board_gets_the_bundled_one_as_dated_moves(fresh: Engine) -> None:
    """A catalog seeded before 2026 (scores of 2025-12-17, no boards row): its next start brings the
    2026-08-19 board in as new rows beside the old, once."""
    with db.transaction(fresh) as s:
        s.execute(delete(Board))
        change = s.scalars(select(Change).order_by(Change.id)).first()
        assert change is not None
        s.add(
            Score(
                model_id="gpt-oss-120b",
                category="overall",
                variant="",
                origin="source",
                source="LMArena text",
                leaderboard_key="gpt-oss-120b",
                score=1365,
                score_low=1360,
                score_high=1370,
                as_of=date(2025, 12, 17),
                change_id=change.id,
                recorded_at=change.created_at,
            )
        )

    ensure_catalog(fresh)

    history = ask(fresh, "history gpt-oss-120b")
    assert isinstance(history, HistoryAnswer)
    overall = [(e.old, e.new) for e in history.scores if e.category_label == "overall" and not e.team]
    assert overall[0] == (1365, 1366)  # the newest move, dated, with the old score kept
    with db.session_factory(fresh)() as s:
        [board] = s.scalars(select(Board)).all()
        assert board.published_on == BUNDLED_DATE
        newest = s.scalars(
            select(Score)
            .where(Score.model_id == "gpt-oss-120b", Score.category == "overall")
            .order_by(Score.id.desc())
        ).first()
        assert newest and (newest.score, newest.as_of) == (1366, BUNDLED_DATE)
        rows = s.query(Score).count()
    ensure_catalog(fresh)  # once: nothing more
    with db.session_factory(fresh)() as s:
        assert s.query(Score).count() == rows
