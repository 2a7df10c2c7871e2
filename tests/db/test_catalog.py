"""The seeded catalog answers the product's core questions, identically on SQLite and PostgreSQL."""

from decimal import Decimal as D

import pytest
from sqlalchemy import Engine, func, select

from bot import db
from bot.commands.ask import Context, answer, handle, respond
from bot.contract.answers import AlternativesAnswer, CompareAnswer, ListAnswer, ModelAnswer
from bot.contract.errors import UnknownModelError, UserError
from bot.domain import query
from bot.domain.help import HELP
from bot.feeds.seed import ensure_catalog
from bot.store.tables import Alias, Offering, Price
from tests.db.dump import dump


def ask(engine: Engine, text: str):  # type: ignore[no-untyped-def]
    with db.session_factory(engine)() as session:
        return answer(session, text)


def test_r1_vs_o1_prices_and_ratio(catalog: Engine) -> None:
    result = ask(catalog, "r1 vs o1")
    assert isinstance(result, CompareAnswer)
    r1, o1 = result.models
    assert (r1.id, o1.id) == ("deepseek-r1", "o1")
    assert (r1.price.input_mtok, r1.price.output_mtok) == (D("0.55"), D("2.19"))
    assert (o1.price.input_mtok, o1.price.output_mtok) == (D("15"), D("60"))
    assert r1.price.provider_id == "deepseek" and o1.price.provider_id == "openai"
    assert result.cheapest_id == "deepseek-r1"
    assert result.output_ratio["o1"] == D("27.4")
    assert r1.price.offpeak_window == "16:30-00:30"
    assert r1.price.offpeak_input_mtok == D("0.135")
    assert "deepseek-r1" not in {a.model.id for a in result.alternatives}  # already in the comparison? no:
    assert result.alternatives_for == "o1"


@pytest.mark.engines
def test_money_round_trips_exactly(catalog: Engine) -> None:
    with db.session_factory(catalog)() as session:
        prices = session.scalars(
            select(Price.output_mtok)
            .join(Offering)
            .where(Offering.provider_id == "deepseek", Offering.provider_model_id == "deepseek-reasoner")
        ).all()
    assert prices == [D("2.19")]
    assert str(prices[0].normalize()) == "2.19"


def test_workload_costs(catalog: Engine) -> None:
    result = ask(catalog, "r1 vs o1 for 10M in 2M out")
    assert isinstance(result, CompareAnswer)
    costs = {m.id: m.price.workload_cost for m in result.models}
    assert costs == {"deepseek-r1": D("9.88"), "o1": D("270")}
    assert result.workload.given


def test_cheaper_o1_lists_deepseek_r1_0528_with_its_saving(catalog: Engine) -> None:
    result = ask(catalog, "cheaper o1 --all")
    assert isinstance(result, AlternativesAnswer)
    assert result.target.quality and result.min_score == result.target.quality.score - 25
    by_id = {a.model.id: a for a in result.alternatives}
    assert "deepseek-r1" not in by_id  # DeepSeek retired it (deepseek-reasoner now bills V3.2)
    r1 = by_id["deepseek-r1-0528"]
    assert r1.model.open_weights
    assert D(0) < r1.saving_pct < D(100)
    t = result.target.quality
    for a in result.alternatives:  # within 25 points, or 95% intervals that overlap
        q = a.model.quality
        assert a.model.open_weights and q and t.low and q.high
        assert q.score >= result.min_score or q.high >= t.low
    costs = [a.cost for a in result.alternatives]
    assert costs == sorted(costs)
    assert "minus 25" in result.footnote


def test_one_model(catalog: Engine) -> None:
    result = ask(catalog, "o1")
    assert isinstance(result, ModelAnswer)
    m = result.model
    assert (m.name, m.lab, m.open_weights, m.lab_api) == ("o1", "OpenAI", False, True)
    assert m.price.context_window and m.price.context_window >= 128_000
    assert m.quality and m.quality.score > 1300 and m.quality.as_of.isoformat() == "2026-08-19"
    assert m.price.source.kind == "snapshot" and "genai-prices" in m.price.source.id


def test_open_weights_model_shows_its_cheapest_host(catalog: Engine) -> None:
    result = ask(catalog, "llama 70b")
    assert isinstance(result, ModelAnswer)
    assert result.model.open_weights and result.model.hosts >= 2


@pytest.mark.parametrize("text", ["list", "list open", "list openai", "list groq"])
def test_lists(catalog: Engine, text: str) -> None:
    result = ask(catalog, text)
    assert isinstance(result, ListAnswer) and result.rows
    if text == "list open":
        assert all(r.open_weights for r in result.rows)


def test_a_list_filter_is_a_name_in_any_case_never_a_pattern(catalog: Engine) -> None:
    def rows(text: str) -> list[str]:
        result = ask(catalog, text)
        assert isinstance(result, ListAnswer)
        return [r.id for r in result.rows]

    assert rows("list ANTHROPIC") == rows("list Anthropic") == rows("list anthropic") != []
    assert rows("list Together AI") == rows("list together") != []  # a host's name or its id
    for pattern in ("%", "%ai%", "open%", "anthrop_c", "_roq"):
        assert rows(f"list {pattern}") == [], pattern


def test_r1_never_becomes_o1_and_unknown_names_get_suggestions(catalog: Engine) -> None:
    assert ask(catalog, "r1").model.id == "deepseek-r1"  # type: ignore[union-attr]
    assert ask(catalog, "o3").model.id == "o3"  # type: ignore[union-attr]
    with pytest.raises(UnknownModelError) as err:
        ask(catalog, "deepsek r1")
    assert "deepseek-r1" in [i for i, _ in err.value.suggestions]


@pytest.mark.engines
def test_asking_never_changes_the_catalog(fresh: Engine) -> None:
    """Every example in help, plus bad input, asked through the path a user takes: a full dump of every
    table is the same before and after."""
    corpus = [example for example, _ in HELP if query.parse(example).writes is False]
    corpus += ["r1 vs o1 for 10M in 2M out", "cheaper o1", "list", "list open", "history o1", "sync status"]
    corpus += ["nonsense-model", "x" * 5000, "'; DROP TABLE prices; --", "r1 vs", "help"]
    before = dump(fresh)
    for text in corpus:
        try:
            respond(fresh, text, Context.cli())
        except UserError:
            pass
        # And once more in a session that is committed, so that a write hidden in an answer would stay.
        with db.transaction(fresh) as session:
            try:
                handle(session, query.parse(text), Context.cli())
            except UserError:
                pass
    assert len(corpus) > 15
    assert dump(fresh) == before


@pytest.mark.engines
def test_a_read_that_tries_to_write_fails_loudly(fresh: Engine) -> None:
    """A write slipped into a read (a request type that forgot `writes`) raises, instead of being
    rolled back silently."""
    with pytest.raises(db.ReadOnlyError), db.read_only(fresh) as session:
        session.add(Alias(name="sneaky", model_id="o1", source="admin"))
        session.flush()
    assert "sneaky" not in str(dump(fresh)["aliases"])


@pytest.mark.engines
def test_seeding_twice_is_a_no_op(fresh: Engine) -> None:
    with db.session_factory(fresh)() as s:
        before = s.scalar(select(func.count()).select_from(Price))
    ensure_catalog(fresh)
    with db.session_factory(fresh)() as s:
        assert s.scalar(select(func.count()).select_from(Price)) == before
