"""LiteLLM keys -> the catalog's (genai-prices) offerings: exact matches only, never a near name."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from bot.domain.crosscheck import EXTRACT_FILE, load_extract
from bot.feeds.crosscheck_file import Entry
from bot.feeds.crosscheck_match import counterparts, curated_offerings, extract, load_providers, source
from bot.feeds.genai_prices import from_snapshot
from tests.litellm_file import RELEASE, litellm_entries

KNOWN = {
    ("openai", "o1"),
    ("openai", "o1-mini"),
    ("openai", "gpt-4o"),
    ("openai", "gpt-4o-mini"),
    ("openai", "GPT-X"),
    ("openai", "gpt-x"),
    ("azure", "o1"),
    ("zai", "GLM-4.5"),
    ("zai", "GLM-4.5-Air"),
    ("zhipuai", "GLM-4.5-Air"),
    ("moonshotai", "kimi-k2-0711-preview"),
    ("deepseek", "deepseek-chat"),
    ("x-ai", "grok-4.7"),
    ("fireworks", "gpt-oss-120b"),
    ("groq", "openai/gpt-oss-120b"),
    ("google", "gemini-2.5-flash"),
    ("google", "gemini-2.5-flash-lite"),
    ("google", "claude-haiku-4-5"),
    ("aws", "meta.llama3-3-70b-instruct-v1:0"),
    ("openrouter", "openai/o1"),
}
FIREWORKS = "fireworks_ai/accounts/fireworks/models"


def entry(key: str, provider: str, input_mtok: str = "1") -> Entry:
    return Entry(key, provider, "chat", D(input_mtok), None, None, None, None, None)


@pytest.mark.parametrize(
    ("key", "provider", "expected"),
    [
        ("o1", "openai", ("openai", "o1")),
        ("o1-mini", "openai", ("openai", "o1-mini")),
        ("gpt-4o-mini", "openai", ("openai", "gpt-4o-mini")),
        ("o1-2024-12-17", "openai", None),  # a dated snapshot is not the alias
        ("o1-pro", "openai", None),  # not listed: never the nearest name
        ("ft:gpt-4o-2024-08-06", "openai", None),  # fine-tuned
        ("gpt-4o-batch", "openai", None),
        ("gpt-x", "openai", None),  # two upstream ids differ only in case: no guessing
        ("azure/o1", "azure", ("azure", "o1")),
        ("azure/eu/o1", "azure", None),  # a regional deployment, priced apart
        ("zai/glm-4.5", "zai", ("zai", "GLM-4.5")),
        ("zai/glm-4.5-air", "zai", ("zai", "GLM-4.5-Air")),
        ("zai/glm-4.5-airx", "zai", None),
        ("bigmodel/glm-4.5-air", "bigmodel", ("zhipuai", "GLM-4.5-Air")),  # mainland API, not Z.ai's
        ("moonshot/kimi-k2-0711-preview", "moonshot", ("moonshotai", "kimi-k2-0711-preview")),
        ("moonshot/kimi-k2", "moonshot", None),
        ("deepseek/deepseek-chat", "deepseek", ("deepseek", "deepseek-chat")),
        ("deepseek-chat", "deepseek", ("deepseek", "deepseek-chat")),
        ("deepseek/deepseek-reasoner", "deepseek", None),
        ("xai/grok-4.7", "xai", ("x-ai", "grok-4.7")),
        (f"{FIREWORKS}/gpt-oss-120b", "fireworks_ai", ("fireworks", "gpt-oss-120b")),
        (f"{FIREWORKS}/gpt-oss-120b-batch", "fireworks_ai", None),
        ("groq/openai/gpt-oss-120b", "groq", ("groq", "openai/gpt-oss-120b")),
        ("gemini/gemini-2.5-flash", "gemini", ("google", "gemini-2.5-flash")),
        ("gemini/gemini-2.5-flash-lite", "gemini", ("google", "gemini-2.5-flash-lite")),
        ("gemini/gemini-2.5-flash-preview-09-2025", "gemini", None),
        ("vertex_ai/claude-haiku-4-5", "vertex_ai-anthropic_models", ("google", "claude-haiku-4-5")),
        ("vertex_ai/claude-haiku-4-5@20251001", "vertex_ai-anthropic_models", None),
        ("meta.llama3-3-70b-instruct-v1:0", "bedrock", ("aws", "meta.llama3-3-70b-instruct-v1:0")),
        ("bedrock/us-east-1/meta.llama3-3-70b-instruct-v1:0", "bedrock", None),  # per-region price
        ("openrouter/openai/o1", "openrouter", None),  # not a provider the table maps
        ("o1", "azure_ai", None),  # Azure AI Foundry is not Azure OpenAI
    ],
)
def test_a_key_maps_only_to_the_offering_it_names(
    key: str, provider: str, expected: tuple[str, str] | None
) -> None:
    found = counterparts([entry(key, provider)], KNOWN)
    assert found == ({expected: entry(key, provider)} if expected else {})


def test_a_prefixed_key_wins_over_the_bare_one_whatever_the_order() -> None:
    bare, prefixed = entry("deepseek-chat", "deepseek", "1"), entry("deepseek/deepseek-chat", "deepseek", "2")
    for entries in ([bare, prefixed], [prefixed, bare]):
        assert counterparts(entries, KNOWN)[("deepseek", "deepseek-chat")] == prefixed


def test_the_earlier_litellm_provider_in_the_table_wins() -> None:
    gemini = entry("gemini/gemini-2.5-flash", "gemini", "1")
    vertex = entry("gemini-2.5-flash", "vertex_ai-language-models", "2")
    for entries in ([gemini, vertex], [vertex, gemini]):
        assert counterparts(entries, KNOWN)[("google", "gemini-2.5-flash")] == gemini


def test_the_provider_table_names_real_providers_of_both_sources() -> None:
    table = load_providers()
    upstream = {o.provider_id for o in from_snapshot()}
    assert {rule.id for rule in table.provider} <= upstream
    litellm = {e.litellm_provider for e in litellm_entries()}
    assert {n for rule in table.provider for n in rule.litellm} <= litellm


def test_the_real_file_maps_the_tricky_curated_offerings_right() -> None:
    known = {(o.provider_id, o.provider_model_id) for o in from_snapshot()}
    found = {key: e.key for key, e in counterparts(litellm_entries(), known).items()}
    assert found[("openai", "o1")] == "o1"
    assert ("openai", "o1-mini") not in found  # LiteLLM 1.110.2 has no o1-mini: none stands in for it
    assert found[("openai", "gpt-4o-mini")] == "gpt-4o-mini"
    assert found[("zai", "GLM-4.5")] == "zai/glm-4.5"
    assert found[("deepseek", "deepseek-v3.2")] == "deepseek/deepseek-v3.2"
    assert all(not k.startswith("ft:") and "batch" not in k for k in found.values())
    # Each LiteLLM key describes one offering at most.
    assert len(set(found.values())) == len(found)


def test_the_bundled_extract_is_what_the_shipped_file_gives() -> None:
    rebuilt = extract(litellm_entries(), curated_offerings(), source=source(RELEASE))
    assert json.loads(EXTRACT_FILE.read_text(encoding="utf-8")) == rebuilt


def test_the_bundled_extract_covers_only_curated_offerings_and_loads() -> None:
    facts = load_extract()
    assert set(facts) <= set(curated_offerings())
    assert len(facts) == 132
    o1 = facts[("openai", "o1")]
    assert (o1.litellm_key, o1.input_mtok, o1.output_mtok) == ("o1", D(15), D(60))
    assert o1.cache_read_mtok == D("7.5")
