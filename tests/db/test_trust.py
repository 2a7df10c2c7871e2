"""Prices you can trust (issue 10), on the real bundled snapshot, on SQLite and PostgreSQL: every lab
keeps its own APIs, every off-peak window is kept, one rule picks the lab offering, lifecycle from
genai-prices and LiteLLM, honest dates, host names people recognise and input limits."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine, select

from bot import db
from bot.commands.ask import answer
from bot.contract.answers import AlternativesAnswer, CompareAnswer, ListAnswer, ModelAnswer
from bot.domain.lifecycle import status
from bot.render import blocks, text
from bot.store.lifecycle import retired_models
from bot.store.tables import Model, Offering


def ask(engine: Engine, command: str):  # type: ignore[no-untyped-def]
    with db.session_factory(engine)() as session:
        return answer(session, command)


def model(engine: Engine, command: str) -> ModelAnswer:
    result = ask(engine, command)
    assert isinstance(result, ModelAnswer)
    return result


# ---- 1. the four derivation errors --------------------------------------------------------------


def test_z_ai_keeps_its_international_api_and_zhipu_china_is_another_host(catalog: Engine) -> None:
    glm = model(catalog, "glm-4.5").model
    assert glm.lab_api and glm.price.provider_id == "zai" and glm.price.provider_name == "Z.ai"
    assert (glm.price.input_mtok, glm.price.output_mtok) == (D("0.6"), D("2.2"))
    assert model(catalog, "glm-4.6").model.price.provider_id == "zai"
    air = model(catalog, "glm-4.5-air").model
    assert air.price.provider_id == "zai" and air.price.input_mtok == D("0.2")
    assert air.cheapest and (air.cheapest.provider_id, air.cheapest.provider_name) == (
        "zhipuai",
        "Zhipu (China)",
    )
    with db.session_factory(catalog)() as session:
        z_models = session.scalars(select(Model).where(Model.lab == "Z.ai")).all()
    assert {m.lab_provider_id for m in z_models} == {"zai"}  # uncurated ones too


def test_deepseek_v4_flash_shows_both_windows(catalog: Engine) -> None:
    flash = model(catalog, "deepseek-v4-flash").model.price
    assert flash.offpeak_window == "04:00-06:00,10:00-01:00"
    assert (flash.input_mtok, flash.offpeak_input_mtok) == (D("0.3"), D("0.15"))
    shown = "off-peak 04:00–06:00 and 10:00–01:00 UTC: $0.15 / $0.60"
    assert shown in text.to_text(model(catalog, "deepseek-v4-flash"))
    assert shown in str(blocks.answer_message(model(catalog, "deepseek-v4-flash"), query="x")["blocks"])


def test_the_lab_offering_is_the_labs_own_model_id_over_an_imported_row(catalog: Engine) -> None:
    kimi = model(catalog, "kimi k2").model
    assert kimi.lab_api and kimi.price.provider_model_id == "kimi-k2-0711-preview"
    assert (kimi.price.input_mtok, kimi.price.output_mtok, kimi.price.cache_read_mtok) == (
        D("0.6"),
        D("2.5"),
        D("0.15"),
    )


def test_genai_prices_deprecated_flag_is_kept_and_shown(catalog: Engine) -> None:
    kimi = model(catalog, "kimi k2")
    assert (kimi.model.price.status, kimi.model.status) == ("deprecated", "deprecated")
    assert "Moonshot AI (deprecated)" in text.to_text(kimi)
    with db.session_factory(catalog)() as session:
        flagged = session.scalars(select(Offering.provider_id).where(Offering.deprecated.is_(True))).all()
    assert "moonshotai" in flagged


# ---- 2. lifecycle -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deprecated", "retires_on", "expected"),
    [
        (False, None, ("active", None)),
        (True, None, ("deprecated", None)),
        (False, date(2026, 12, 11), ("deprecated", date(2026, 12, 11))),
        (False, date(2026, 11, 29), ("retired", date(2026, 11, 29))),  # on the day itself: retired
        (True, date(2026, 10, 23), ("retired", date(2026, 10, 23))),
    ],
)
def test_status_on_a_day(deprecated: bool, retires_on: date | None, expected: tuple[str, date]) -> None:
    assert status(deprecated, retires_on, date(2026, 11, 29)) == expected


def test_o1_is_retired_with_its_date_and_last_price_and_names_its_successor(catalog: Engine) -> None:
    o1 = model(catalog, "o1")
    m = o1.model
    # OpenAI's deprecations page names gpt-5.6-sol as o1's replacement (data/lifecycle.toml), before the
    # catalog's own `successor = "o3"` (o3 retires on 2026-12-11 itself).
    assert (m.status, m.status_date, m.successor_id) == ("retired", date(2026, 10, 23), "gpt-5.6-sol")
    assert (m.price.provider_id, m.price.input_mtok, m.price.output_mtok) == ("openai", D("15"), D("60"))
    assert m.cheapest is not None and m.cheapest.status != "retired"  # a live host, even at the same price
    reply = text.to_text(o1)
    assert "retired 2026-10-23" in reply and "successor: GPT-5.6 Sol (`gpt-5.6-sol`)" in reply
    as_json = text.to_json(o1)
    assert '"status": "retired"' in as_json and '"successor_id": "gpt-5.6-sol"' in as_json
    message = str(blocks.answer_message(o1, query="o1")["blocks"])
    assert "retired 2026-10-23" in message and "gpt-5.6-sol" in message


def test_cheaper_o1_lists_only_live_alternatives(catalog: Engine) -> None:
    result = ask(catalog, "cheaper o1")
    assert isinstance(result, AlternativesAnswer) and result.alternatives
    with db.session_factory(catalog)() as session:
        gone = retired_models(session, datetime.now(UTC).date())
    assert {"deepseek-r1", "deepseek-v3"} <= gone
    for alt in result.alternatives:
        assert alt.model.id not in gone and alt.model.status != "retired"
        assert (alt.model.cheapest or alt.model.price).status != "retired"


def test_r1_vs_o1_still_shows_the_last_prices_marked_and_r1s_cheapest_live_host(catalog: Engine) -> None:
    result = ask(catalog, "r1 vs o1")
    assert isinstance(result, CompareAnswer)
    r1, o1 = result.models
    assert (r1.price.input_mtok, r1.price.output_mtok) == (D("0.55"), D("2.19"))
    assert (o1.price.input_mtok, o1.price.output_mtok) == (D("15"), D("60"))
    assert (r1.status, o1.status) == ("retired", "retired")
    assert r1.cheapest is not None and r1.cheapest.status != "retired"
    # DeepSeek's page: deepseek-reasoner was the thinking mode of deepseek-v4-flash until it went
    # (data/lifecycle.toml), before the catalog's older `successor = "deepseek-v3.2"`.
    assert r1.successor_id == "deepseek-v4-flash"
    reply = text.to_text(result)
    assert "DeepSeek (retired 2026-07-24)" in reply and "OpenAI (retired 2026-10-23)" in reply
    assert all(a.model.status != "retired" for a in result.alternatives)


def test_list_skips_retired_models_unless_asked(catalog: Engine) -> None:
    plain, every = ask(catalog, "list openai"), ask(catalog, "list all openai")
    assert isinstance(plain, ListAnswer) and isinstance(every, ListAnswer)
    assert "gpt-4.1-nano" not in {r.id for r in plain.rows}
    nano = next(r for r in every.rows if r.id == "gpt-4.1-nano")
    assert (nano.status, nano.status_date) == ("retired", date(2026, 10, 23))
    assert "retired 2026-10-23" in text.to_text(every)
    assert all(r.status != "retired" for r in plain.rows)


# ---- 3. honest dates ----------------------------------------------------------------------------

COMMANDS = ["o1", "r1 vs o1", "cheaper o1", "deepseek-v4-flash", "list", "glm-4.5", "kimi k2"]


@pytest.mark.parametrize("command", COMMANDS)
def test_no_reply_says_last_changed_with_the_seeding_day(catalog: Engine, command: str) -> None:
    with db.session_factory(catalog)() as session:
        seeded = session.scalar(select(Offering.id))  # the catalog exists; its seed time is today's
    assert seeded
    day = datetime.now(UTC).date().isoformat()
    result = ask(catalog, command)
    message = blocks.answer_message(result, query=command)
    for reply in (text.to_text(result), text.to_json(result), str(message)):
        # The day a lab's deprecation page was read (data/lifecycle.toml) is a fact of its own.
        reply = re.sub(rf'(checked |"lifecycle_checked": "){day}', "", reply)
        assert day not in reply
        for m in re.finditer(r"last changed[^.]*", reply, re.IGNORECASE):
            assert day not in m.group(0)


def test_dates_come_from_the_source_or_say_which_release_listed_them(catalog: Engine) -> None:
    flash = model(catalog, "deepseek-v4-flash")
    assert flash.model.price.changed_on == date(2026, 9, 10)  # genai-prices' start_date
    assert "last changed 2026-09-10" in text.to_text(flash)
    o1 = model(catalog, "o1")
    assert o1.model.price.changed_on is None
    assert "as listed in genai-prices 0.2.3 (released November 2026)" in text.to_text(o1)


@pytest.mark.engines
def test_an_admins_change_is_dated_the_day_it_was_made(fresh: Engine) -> None:
    from bot.commands.ask import Context, respond

    respond(fresh, "set o1 output 50", Context.cli())
    o1 = model(fresh, "o1")
    assert o1.model.price.changed_on == datetime.now(UTC).date()


# ---- 4. names and limits ------------------------------------------------------------------------


def test_replies_use_curated_host_names_while_ids_stay_upstreams(catalog: Engine) -> None:
    result = ask(catalog, "r1 vs o1")
    assert isinstance(result, CompareAnswer)
    assert (result.models[0].price.provider_id, result.models[0].price.provider_name) == (
        "deepseek",
        "DeepSeek",
    )
    reply = text.to_text(result) + text.to_text(ask(catalog, "kimi k2"))
    for upstream in ("Deepseek ", "MoonshotAi", "HuggingFace (", "Zhipu AI"):
        assert upstream not in reply


def test_context_shows_the_input_limit_and_the_total_where_they_differ(catalog: Engine) -> None:
    gpt5 = model(catalog, "gpt-5")
    assert (gpt5.model.price.input_limit, gpt5.model.price.context_window) == (272_000, 400_000)
    assert "272,000 in / 400,000 total tokens" in text.to_text(gpt5)
    o1 = model(catalog, "o1")
    assert o1.model.price.input_limit is None  # LiteLLM's 200k input is the whole window
