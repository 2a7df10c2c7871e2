"""Models from the sources, on the shipped data: every model the price sources list is a catalog model
with its lab, family and version, its open weights and licence from evidence, named as people type it."""

import pytest
from sqlalchemy import Engine, select

from bot import db
from bot.commands.ask import answer
from bot.contract.answers import ListAnswer, ModelAnswer
from bot.contract.errors import UnknownModelError
from bot.domain.overlay import load_overlay
from bot.render import text
from bot.store.curation import apply_overlay
from bot.store.tables import Alias, Model, Offering, Subscription, utcnow

# The 15 names of issue 25, each with the model it means (id, name) in the bundled sources.
NAMES = [
    ("sonnet 5", "claude-sonnet-5", "Claude Sonnet 5"),
    ("opus 4.7", "claude-opus-4.7", "Claude Opus 4.7"),
    ("claude opus 4.7", "claude-opus-4.7", "Claude Opus 4.7"),
    ("gpt 5.6", "gpt-5.6-sol", "GPT-5.6 Sol"),  # data/catalog.toml: LiteLLM's azure/gpt-5.6 is Sol
    ("gpt 6 sol", "gpt-6-sol", "GPT-6 Sol"),
    ("gemini 3.5 flash", "gemini-3.5-flash", "Gemini 3.5 Flash"),
    ("gemma 4 31b", "gemma-4-31b", "Gemma 4 31B"),
    ("qwen3.5 397b", "qwen3.5-397b-a17b", "Qwen3.5 397B-A17B"),
    ("deepseek v4 pro", "deepseek-v4-pro", "DeepSeek V4 Pro"),
    ("kimi k2.6", "kimi-k2.6", "Kimi K2.6"),
    ("glm 5.1", "glm-5.1", "GLM-5.1"),
    ("minimax m2.5", "minimax-m2.5", "MiniMax M2.5"),
    ("llama 4 maverick", "llama-4-maverick", "Llama 4 Maverick"),
    ("grok 4.5", "grok-4.5", "Grok 4.5"),
    ("mistral large 4", "mistral-large-4", "Mistral Large 4"),
]

# The 2026 open-weights models, with the licence LMArena's 2026-08-19 file gives.
OPEN = [
    ("deepseek-v4-pro", "MIT"),
    ("kimi-k2.6", "Modified MIT"),
    ("glm-5.1", "MIT"),
    ("gemma-4-31b", "Apache 2.0"),
    ("qwen3.5-397b-a17b", "Apache 2.0"),
]


def ask(engine: Engine, text: str):  # type: ignore[no-untyped-def]
    with db.session_factory(engine)() as session:
        return answer(session, text)


@pytest.mark.parametrize(("name", "model_id", "model_name"), NAMES, ids=[n for n, _, _ in NAMES])
def test_the_names_people_type_resolve(catalog: Engine, name: str, model_id: str, model_name: str) -> None:
    found = ask(catalog, name)
    assert isinstance(found, ModelAnswer)
    assert (found.model.id, found.model.name) == (model_id, model_name)


@pytest.mark.parametrize(
    ("typed", "family_words"),
    [("sonnet 5.2", "Sonnet"), ("opus 5.2", "Opus"), ("qwen3.5 400b", "Qwen3.5")],
)
def test_did_you_mean_stays_in_the_family_and_never_goes_back_a_generation(
    catalog: Engine, typed: str, family_words: str
) -> None:
    with pytest.raises(UnknownModelError) as raised:
        ask(catalog, typed)
    names = [name for _, name in raised.value.suggestions]
    assert names and all(family_words in n for n in names), names
    assert not any(old in n for n in names for old in ("3.5 Sonnet", "Sonnet 4", "Opus 4.5", "Qwen3 ", "GPT"))


def test_past_the_newest_member_did_you_mean_offers_the_newest_first(catalog: Engine) -> None:
    with pytest.raises(UnknownModelError) as raised:
        ask(catalog, "sonnet 6")
    assert [i for i, _ in raised.value.suggestions][:2] == ["claude-sonnet-5.5", "claude-sonnet-5"]


def test_a_family_word_alone_means_its_newest_member_and_says_so(catalog: Engine) -> None:
    found = ask(catalog, "sonnet")
    assert isinstance(found, ModelAnswer)
    assert found.model.id == "claude-sonnet-5.5"
    assert found.notes and found.notes[0].startswith("Sonnet means Claude Sonnet 5.5 here")
    minimax = ask(catalog, "minimax")
    assert isinstance(minimax, ModelAnswer) and minimax.model.id == "minimax-m3"  # released 2026-06-01


@pytest.mark.parametrize(("model_id", "licence"), OPEN, ids=[m for m, _ in OPEN])
def test_the_2026_open_models_are_open_with_their_licence_and_priced_at_their_hosts(
    catalog: Engine, model_id: str, licence: str
) -> None:
    found = ask(catalog, model_id)
    assert isinstance(found, ModelAnswer)
    model = found.model
    assert (model.open_weights, model.license) == (True, licence)
    assert model.hosts >= 1 and model.price.input_mtok is not None
    listed = ask(catalog, "list open")
    assert isinstance(listed, ListAnswer)
    assert model_id in {row.id for row in listed.rows}


def test_weights_nobody_states_are_unknown_never_open(catalog: Engine) -> None:
    found = ask(catalog, "mistral large 4")  # in no source's open-weights evidence
    assert isinstance(found, ModelAnswer) and found.model.open_weights is None


@pytest.mark.engines
def test_every_offering_with_a_known_lab_belongs_to_a_model_and_the_sources_say_where_facts_come_from(
    catalog: Engine,
) -> None:
    with db.session_factory(catalog)() as s:
        glm = s.get_one(Model, "glm-5.1")
        hosts = set(s.scalars(select(Offering.provider_id).where(Offering.model_id == "qwen3.5-397b-a17b")))
        kinds = {
            r.id: r.kind
            for r in s.execute(
                select(Model.id, Model.kind).where(Model.id.in_(["text-embedding-3-large", "gpt-5"]))
            )
        }
        curated = s.get_one(Model, "o1")
    # GLM-5.1: LMArena says MIT; models.dev's Zhipu entry says closed, and the source says so.
    assert (glm.open_weights, glm.license, glm.lab, glm.curated) == (True, "MIT", "Z.ai", False)
    assert glm.weights_source is not None and "zhipuai" in glm.weights_source
    assert {"novita", "huggingface_novita", "openrouter"} <= hosts  # one model at every host
    assert kinds == {"text-embedding-3-large": "embedding", "gpt-5": "text"}
    assert (curated.curated, curated.weights_source) == (True, None)  # data/catalog.toml's own facts


def test_list_shows_text_models_and_list_all_every_kind(catalog: Engine) -> None:
    listed = ask(catalog, "list")
    everything = ask(catalog, "list all")
    assert isinstance(listed, ListAnswer) and isinstance(everything, ListAnswer)
    assert everything.more + len(everything.rows) > listed.more + len(listed.rows)
    with db.session_factory(catalog)() as s:
        embeddings = set(s.scalars(select(Model.id).where(Model.kind == "embedding")))
    assert embeddings and not embeddings & {row.id for row in listed.rows}
    found = ask(catalog, "text-embedding-3-large")  # known, priced and named
    assert isinstance(found, ModelAnswer) and found.model.price.input_mtok is not None


def test_data_keeps_only_corrections() -> None:
    overlay = load_overlay()
    assert all(a.reason for a in overlay.alias)


@pytest.mark.engines
def test_a_model_made_under_a_host_s_id_before_the_rule_folds_into_its_model(fresh: Engine) -> None:
    # A catalog from before: an uncurated model named by Anthropic's id, with an admin's name for it and
    # a channel following it.
    with db.transaction(fresh) as s:
        s.add(Model(id="claude-opus-4-7", name="Claude Opus 4.7", lab="Anthropic", curated=False))
        s.flush()
        s.add(Alias(name="big opus", model_id="claude-opus-4-7", source="admin", created_at=utcnow()))
        s.add(Subscription(channel_id="C1", created_by="U1", model_ids=["claude-opus-4-7", "o1"]))
    with db.transaction(fresh) as s:
        apply_overlay(s, load_overlay())
    with db.session_factory(fresh)() as s:
        assert s.get(Model, "claude-opus-4-7") is None
        assert s.get_one(Alias, ("big opus", "")).model_id == "claude-opus-4.7"
        assert s.scalars(select(Subscription.model_ids)).one() == ["claude-opus-4.7", "o1"]
    for name in ("claude opus 4.7", "big opus", "claude-opus-4-7"):
        found = ask(fresh, name)
        assert isinstance(found, ModelAnswer) and found.model.id == "claude-opus-4.7"


def test_the_card_says_where_open_weights_come_from_and_who_disagrees(catalog: Engine) -> None:
    found = ask(catalog, "glm 5.1")
    card = text.to_text(found)
    assert "GLM-5.1 · Z.ai · open weights, MIT" in card
    assert "Context window: 200,000 tokens (models.dev)" in card  # Z.ai's price gives none
    assert "Weights: LMArena text 2026-08-19 (MIT); models.dev 2026-07-02 (zhipuai) says closed." in card
    mrl = text.to_text(ask(catalog, "mistral-large-2411"))
    assert "open weights, MRL (research only), not for commercial use" in mrl


def test_a_model_whose_name_says_no_lab_takes_the_organisation_its_host_names(catalog: Engine) -> None:
    with db.session_factory(catalog)() as s:
        aion = s.get_one(Model, "aion-3.5")  # OpenRouter's aion-labs/aion-3.5
        voyage = s.get_one(Model, "voyage-3.5")  # Voyage AI's own, by its name
        pointer = s.scalars(
            select(Offering.model_id).where(Offering.provider_model_id == "~openai/gpt-latest")
        ).one_or_none()
    assert (aion.lab, aion.open_weights) == ("aion-labs", None)
    assert (voyage.lab, voyage.kind) == ("Voyage AI", "embedding")
    assert pointer is None  # a pointer to each new release is no model
