"""Lifecycle from the labs' own pages (data/lifecycle.toml) on the shipped catalog, offline: retired
models say since when, name their lab's replacement and what the same workload costs there, and are
never an alternative, a cheapest host or a row of `list`; on SQLite and PostgreSQL."""

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine, select, update

from bot import db
from bot.commands.ask import answer
from bot.contract.answers import AlternativesAnswer, AuditAnswer, CompareAnswer, ListAnswer, ModelAnswer
from bot.domain.lifecycle import Retirement
from bot.read.current import as_of
from bot.render import blocks
from bot.render.text import to_text
from bot.store.lifecycle import apply_facts
from bot.store.tables import Offering

pytestmark = pytest.mark.engines

RETIRED = {
    "claude sonnet 4": ("claude-sonnet-4", date(2026, 6, 15)),
    "claude 3.7 sonnet": ("claude-3.7-sonnet", date(2026, 2, 19)),
    "opus 4.1": ("claude-opus-4.1", date(2026, 8, 5)),
    "claude opus 4": ("claude-opus-4", date(2026, 6, 15)),
    "grok 4 fast": ("grok-4-fast", date(2026, 5, 15)),
}


def ask(engine: Engine, text: str):  # type: ignore[no-untyped-def]
    with db.session_factory(engine)() as session:
        return answer(session, text)


def card(engine: Engine, text: str) -> ModelAnswer:
    result = ask(engine, text)
    assert isinstance(result, ModelAnswer)
    return result


def test_grok_4_fast_is_retired_and_says_what_a_request_now_costs(catalog: Engine) -> None:
    result = card(catalog, "grok 4 fast")
    m = result.model
    assert (m.id, m.status, m.status_date) == ("grok-4-fast", "retired", date(2026, 5, 15))
    assert m.redirect is not None and m.redirect.id == "grok-4.3"
    assert m.redirect.price is not None
    assert (m.redirect.price.provider_id, m.redirect.price.input_mtok, m.redirect.price.output_mtok) == (
        "x-ai",
        D("1.25"),
        D("2.50"),
    )
    assert m.redirect.price.workload_cost == D("17.50")  # 10M in at $1.25 + 2M out at $2.50
    assert m.lifecycle_source == "https://docs.x.ai/developers/migration/may-15-retirement"
    text = to_text(result)
    assert "Grok 4 Fast (reasoning) at xAI was retired on 2026-05-15" in text
    assert "with Grok 4.3 (`grok-4.3`) and bills Grok 4.3's price: $1.25 / $2.50 per 1M tokens" in text
    assert "checked 2026-12-07" in text


@pytest.mark.parametrize("text", sorted(RETIRED))
def test_retired_models_say_since_when_and_name_a_live_successor(catalog: Engine, text: str) -> None:
    model_id, day = RETIRED[text]
    m = card(catalog, text).model
    assert (m.id, m.status, m.status_date) == (model_id, "retired", day)
    assert m.price.status == "retired"  # the lab's last price, marked
    assert m.cheapest is None or m.cheapest.status != "retired"
    assert all(h.status != "retired" for h in m.top_hosts)
    assert m.replacement is not None and m.replacement.price is not None
    assert m.replacement.price.status != "retired"
    assert m.replacement.price.workload_cost is not None


def test_o1s_chain_of_successors_ends_at_a_live_model(catalog: Engine) -> None:
    o1 = card(catalog, "o1").model
    assert (o1.status, o1.status_date) == ("retired", date(2026, 10, 23))
    assert o1.replacement is not None and o1.replacement.id == "gpt-5.6-sol"
    assert o1.replacement.price is not None and o1.replacement.price.status == "active"
    # Claude 3.7 Sonnet's named replacement (Sonnet 4.5) is retired too: the chain goes on to a live one.
    old = card(catalog, "claude 3.7 sonnet").model
    assert old.replacement is not None and old.replacement.via == ["Claude Sonnet 4.5"]
    assert old.replacement.price is not None and old.replacement.price.status == "active"


def test_retired_models_are_never_alternatives_nor_the_cheapest_host(catalog: Engine) -> None:
    retired = {model_id for model_id, _ in RETIRED.values()}
    for text in ("cheaper claude opus 4.5", "cheaper gpt-5.5", "claude sonnet 4 vs claude sonnet 4.6"):
        result = ask(catalog, text)
        assert isinstance(result, AlternativesAnswer | CompareAnswer)
        assert not retired & {a.model.id for a in result.alternatives}
    compared = ask(catalog, "claude sonnet 4 vs claude sonnet 4.6")
    assert isinstance(compared, CompareAnswer)
    assert compared.models[0].price.status == "retired"
    cheapest = compared.models[0].cheapest
    assert cheapest is None or cheapest.status != "retired"


def test_list_hides_retired_models_and_list_all_marks_them(catalog: Engine) -> None:
    shown = ask(catalog, "list anthropic")
    everything = ask(catalog, "list all anthropic")
    assert isinstance(shown, ListAnswer) and isinstance(everything, ListAnswer)
    ids = {r.id for r in shown.rows}
    marked = {r.id: (r.status, r.status_date) for r in everything.rows}
    for model_id, day in RETIRED.values():
        if model_id.startswith("claude"):
            assert model_id not in ids
            assert marked[model_id] == ("retired", day)


def test_a_lab_page_outranks_the_second_source_and_speaks_per_host(fresh: Engine) -> None:
    """apply_facts stores the lab's day on the lab's own offering only: the model's other hosts keep
    their own days."""
    said = Retirement(
        host="anthropic",
        ids=["claude-haiku-4-5"],
        retires=date(2026, 1, 2),
        source="https://example.test/deprecations",
        checked=date(2026, 12, 7),
    )
    query = select(Offering.provider_id, Offering.retires_on).where(Offering.model_id == "claude-haiku-4.5")
    with db.session_factory(fresh)() as session:
        before = dict(session.execute(query).all())
    with db.transaction(fresh) as session:
        apply_facts(session, {}, {("anthropic", "claude-haiku-4-5"): said})
    with db.session_factory(fresh)() as session:
        after = dict(session.execute(query).all())
    assert before["anthropic"] is None and after["anthropic"] == date(2026, 1, 2)
    assert {h: d for h, d in after.items() if h != "anthropic"} == {
        h: d for h, d in before.items() if h != "anthropic"
    }


# ---- the lab's own price ----------------------------------------------------------------------------

IMPORTED = {
    "openai:gpt-oss-120b",
    "mistral:mistral-small-3.1-24b-instruct",
    "deepseek:deepseek-v3.2",
    "minimax:minimax-m1",
    "moonshotai:kimi-k2",
}


def test_gpt_oss_120b_shows_no_openai_lab_api(catalog: Engine) -> None:
    result = card(catalog, "gpt-oss-120b")
    m = result.model
    assert not m.lab_api and m.price.provider_id != "openai"
    assert all(h.provider_id != "openai" for h in m.top_hosts)
    assert m.cheapest is None or m.cheapest.provider_id != "openai"
    [row] = m.imported
    assert (row.host, row.provider_model_id, row.input_mtok, row.output_mtok) == (
        "OpenAI",
        "gpt-oss-120b",
        D("0.039"),
        D("0.18"),
    )
    shown = to_text(result)
    assert not any(line.startswith("lab API") for line in shown.splitlines())  # no row of the table
    assert "genai-prices lists gpt-oss-120b at OpenAI (`gpt-oss-120b`) for $0.039 / $0.18" in shown


def test_an_imported_row_is_never_a_cheapest_host_nor_an_alternatives_price(catalog: Engine) -> None:
    for text in ("cheaper o3", "cheaper gpt-5.5", "cheaper claude opus 4.5"):
        result = ask(catalog, text)
        assert isinstance(result, AlternativesAnswer)
        for alt in result.alternatives:
            price = alt.model.cheapest or alt.model.price
            assert f"{price.provider_id}:{price.provider_model_id}" not in IMPORTED


def test_the_audit_lists_imported_rows_and_unconfirmed_prices_with_totals(catalog: Engine) -> None:
    result = ask(catalog, "audit")
    assert isinstance(result, AuditAnswer)
    imported = {r.offering: r for r in result.imported}
    assert IMPORTED <= set(imported)
    assert imported["mistral:mistral-small-3.1-24b-instruct"].copied_from == "Cloudflare Workers AI"
    assert all(r.verdict == "imported" and r.reason for r in result.imported)
    unconfirmed = {r.offering for r in result.unconfirmed}
    assert "deepseek:deepseek-v4-pro" in unconfirmed  # $1.32 / $3.96 where models.dev lists $0.435 / $0.87
    assert not unconfirmed & set(imported)
    assert result.totals["imported"] == len(result.imported)
    assert result.totals["unconfirmed"] == len(result.unconfirmed)
    shown = to_text(result)
    assert f"(imported) ({len(result.imported)}):" in shown
    slack = str(blocks.answer_message(result, query="audit")["blocks"])
    first = result.imported[0]
    assert f"*{first.model_name}* at {first.host}: " in slack and "is not the lab's own price" in slack
    assert f"and {len(result.imported) - 10} more rows not the lab's own price" in slack
    assert "gpt-oss-120b" in imported["openai:gpt-oss-120b"].model_name and "gpt-oss-120b" in shown


def test_a_model_as_of_a_day_shows_that_days_statuses_shared_only_by_days_alike(fresh: Engine) -> None:
    """`worker --now` reads the catalog as of a day: a retirement between two days tells them apart;
    days with the same retirements behind them share one build but each keeps its own date."""
    with db.transaction(fresh) as s:
        s.execute(
            update(Offering)
            .where(Offering.provider_id == "openai", Offering.provider_model_id == "o1")
            .values(retires_on=date(2031, 3, 10))
        )
    before, eve, after = (as_of(fresh, date(2031, 3, d)) for d in (1, 9, 10))
    assert [m.on for m in (before, eve, after)] == [date(2031, 3, 1), date(2031, 3, 9), date(2031, 3, 10)]
    assert before.hosts is eve.hosts  # one build for both: nothing retires between them
    o1 = [[h.fields["status"] for h in m.hosts["o1"] if h.provider_id == "openai"] for m in (eve, after)]
    assert o1 == [["deprecated"], ["retired"]]
    assert "o1" in after.retired_models and "o1" not in eve.retired_models
