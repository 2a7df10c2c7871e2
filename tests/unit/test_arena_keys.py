"""Leaderboard keys -> catalog models: a score must never land on the wrong model.

Each row is a key (from the 2025-12-17 leaderboard, or a plausible future one) and its right answer:
(model id, variant), or UNMAPPED / AMBIGUOUS. The mapper runs over the whole bundled leaderboard plus the
row's key, with the real data/catalog.toml, exactly as a sync would.
"""

import functools

import pytest

from bot.domain.arena_keys import KeyMapping, ModelNames, canonical, map_keys, models_from_overlay, split_key
from bot.domain.overlay import load_overlay
from bot.feeds.leaderboard import load_bundled

UNMAPPED = "unmapped"
AMBIGUOUS = "ambiguous"

CASES: list[tuple[str, object]] = [
    # curated keys and their near-misses
    ("o1-2024-12-17", ("o1", None)),
    ("o1-mini", ("o1-mini", None)),
    ("o1-preview", UNMAPPED),  # another model than o1, though `-preview` is stripped
    ("o3-2025-04-16", ("o3", None)),
    ("o3-mini", ("o3-mini", None)),
    ("o3-mini-high", ("o3-mini", "high")),
    ("deepseek-r1", ("deepseek-r1", None)),
    ("deepseek-r1-0528", ("deepseek-r1-0528", None)),
    ("r1-1776", UNMAPPED),  # never o1, never R1
    ("gpt-4o-2024-08-06", ("gpt-4o", None)),
    ("gpt-4o-2024-05-13", UNMAPPED),  # another snapshot of GPT-4o than the curated one
    ("gpt-4o-mini-2024-07-18", ("gpt-4o-mini", None)),
    ("chatgpt-4o-latest-20250326", UNMAPPED),  # ChatGPT's model, not the API's gpt-4o
    ("gpt-5-high", ("gpt-5", None)),  # curated: LMArena's GPT-5 is the high-effort one
    ("gpt-5-chat", UNMAPPED),
    ("gpt-5.1", ("gpt-5.1", None)),
    ("gpt-5.1-high", ("gpt-5.1", "high")),
    ("claude-3-5-sonnet-20241022", ("claude-3.5-sonnet", None)),
    ("claude-3-5-sonnet-20240620", UNMAPPED),  # the June snapshot, not the curated October one
    ("claude-3-5-haiku-20241022", ("claude-3.5-haiku", None)),
    ("claude-3-opus-20240229", UNMAPPED),
    ("claude-opus-4-5-20251101", ("claude-opus-4.5", None)),
    ("claude-opus-4-5-20251101-thinking-32k", ("claude-opus-4.5", "thinking-32k")),
    ("claude-sonnet-4-5-20250929-thinking-32k", ("claude-sonnet-4.5", "thinking-32k")),
    ("qwen3-235b-a22b", ("qwen3-235b-a22b", None)),
    ("qwen3-235b-a22b-no-thinking", ("qwen3-235b-a22b", "no-thinking")),
    ("qwen3-235b-a22b-instruct-2507", ("qwen3-235b-a22b-2507", None)),
    ("qwen3-235b-a22b-thinking-2507", ("qwen3-235b-a22b-thinking-2507", None)),
    ("qwen3-vl-235b-a22b-instruct", UNMAPPED),
    ("qwen3-next-80b-a3b-thinking", UNMAPPED),  # its own model, not Qwen3 Next Instruct thinking
    ("qwen3-max-preview", UNMAPPED),  # the curated key is qwen3-max-2025-09-23
    ("deepseek-v3", ("deepseek-v3", None)),
    ("deepseek-v3-0324", ("deepseek-v3-0324", None)),
    ("deepseek-v3.1", ("deepseek-v3.1", None)),
    ("deepseek-v3.1-thinking", ("deepseek-v3.1", "thinking")),
    ("deepseek-v3.2-exp", ("deepseek-v3.2-exp", None)),
    ("deepseek-v3.2-exp-thinking", ("deepseek-v3.2-exp", "thinking")),
    ("deepseek-v2.5-1210", UNMAPPED),
    ("llama-3.1-405b-instruct-bf16", ("llama-3.1-405b", None)),
    ("llama-3.1-405b-instruct-fp8", ("llama-3.1-405b", "fp8")),  # curated variant
    ("llama-3.1-8b-instruct", ("llama-3.1-8b", None)),
    ("llama-3.1-nemotron-70b-instruct", UNMAPPED),
    ("nvidia-llama-3.3-nemotron-super-49b-v1.5", UNMAPPED),
    ("gemini-2.5-flash", ("gemini-2.5-flash", None)),
    ("gemini-2.5-flash-preview-09-2025", UNMAPPED),
    ("gemini-2.5-flash-lite-preview-06-17-thinking", AMBIGUOUS),  # two previews of Flash-Lite: curate one
    ("gemini-2.5-flash-lite-preview-09-2025-no-thinking", AMBIGUOUS),
    ("gemini-2.0-flash-lite-preview-02-05", UNMAPPED),  # not Gemini 2.0 Flash
    ("gemini-2.5-pro", ("gemini-2.5-pro", None)),
    ("gemini-3-pro", ("gemini-3-pro", None)),
    ("mistral-large-2411", ("mistral-large-2411", None)),
    ("mistral-large-2407", UNMAPPED),  # four digits are a version, never stripped
    ("mistral-medium", UNMAPPED),  # the 2023 model; `mistral medium` is a moving alias
    ("mistral-medium-2508", ("mistral-medium-3.1", None)),
    ("grok-4-0709", ("grok-4", None)),
    ("grok-4.1", UNMAPPED),  # not Grok 4.1 Fast
    ("grok-4.1-thinking", UNMAPPED),
    ("grok-4-fast-chat", UNMAPPED),  # the non-reasoning Grok 4 Fast
    ("grok-4-1-fast-reasoning", ("grok-4.1-fast", None)),
    ("grok-3-preview-02-24", ("grok-3", None)),  # a preview of Grok 3, which has no curated key
    ("grok-3-mini-high", ("grok-3-mini", "high")),  # curated variant
    ("kimi-k2-thinking-turbo", ("kimi-k2-thinking", None)),
    ("glm-4.5v", UNMAPPED),
    ("gemma-3-4b-it", UNMAPPED),
    ("minimax-m2", UNMAPPED),
    # future keys, as a newer leaderboard would name them
    ("claude-sonnet-5-5-20260915", ("claude-sonnet-5.5", None)),
    ("claude-sonnet-5-5-20260915-thinking-32k", ("claude-sonnet-5.5", "thinking-32k")),
    ("anthropic/claude-opus-5-5", ("claude-opus-5.5", None)),
    ("gpt-5.5-high", ("gpt-5.5", "high")),
    ("grok-4.7", ("grok-4.7", None)),
    ("grok-4.8", UNMAPPED),
    ("kimi-k2.5-thinking", ("kimi-k2.5", "thinking")),
]


@functools.cache
def _base() -> tuple[frozenset[str], tuple[ModelNames, ...]]:
    return load_bundled().keys(), tuple(models_from_overlay(load_overlay()))


def _answer(mapping: KeyMapping, key: str) -> object:
    if key in mapping.mapped:
        return (mapping.mapped[key].model_id, mapping.mapped[key].variant)
    if key in mapping.ambiguous:
        return AMBIGUOUS
    assert key in mapping.unmapped
    return UNMAPPED


@pytest.mark.parametrize(("key", "expected"), CASES)
def test_each_tricky_key_gets_its_right_answer(key: str, expected: object) -> None:
    keys, models = _base()
    assert _answer(map_keys(keys | {key}, models), key) == expected


def test_the_table_is_long_enough_and_its_file_keys_are_real() -> None:
    keys, _ = _base()
    assert len(CASES) >= 30
    assert len({k for k, _ in CASES} & keys) >= 50


def test_the_whole_bundled_file_maps_without_a_clash() -> None:
    keys, models = _base()
    mapping = map_keys(keys, models)
    assert set(mapping.mapped) | set(mapping.unmapped) | set(mapping.ambiguous) == keys
    defaults = [m.model_id for m in mapping.mapped.values() if m.variant is None]
    assert len(defaults) == len(set(defaults))  # at most one default score per model
    assert len(mapping.model_ids()) >= 70


def test_two_snapshots_claiming_one_model_are_both_ambiguous() -> None:
    models = [ModelNames("claude-sonnet-5.5", "Claude Sonnet 5.5")]
    mapping = map_keys(["claude-sonnet-5-5-20260915", "claude-sonnet-5-5-20261101"], models)
    assert set(mapping.ambiguous) == {"claude-sonnet-5-5-20260915", "claude-sonnet-5-5-20261101"}


def test_a_name_shared_by_two_models_is_ambiguous() -> None:
    models = [ModelNames("a-1", "Foo 2"), ModelNames("b-1", "Bar", aliases=("foo-2",))]
    assert map_keys(["foo-2"], models).ambiguous["foo-2"].candidates == ("a-1", "b-1")


@pytest.mark.parametrize(
    ("key", "stem", "base", "variant"),
    [
        (
            "claude-opus-4-5-20251101-thinking-32k",
            "claude-opus-4.5-20251101",
            "claude-opus-4.5",
            "thinking-32k",
        ),
        ("chatgpt-4o-latest-20250326", "chatgpt-4o-latest-20250326", "chatgpt-4o", None),
        ("gemini-2.5-flash-preview-09-2025", "gemini-2.5-flash-preview-09-2025", "gemini-2.5-flash", None),
        ("grok-3-preview-02-24", "grok-3-preview-02-24", "grok-3", None),
        ("gpt-4.5-preview-2025-02-27", "gpt-4.5-preview-2025-02-27", "gpt-4.5", None),
        ("deepseek-r1-0528", "deepseek-r1-0528", "deepseek-r1-0528", None),
        ("mistral-medium", "mistral-medium", "mistral-medium", None),
        ("openai/gpt-5.1-high", "gpt-5.1", "gpt-5.1", "high"),
    ],
)
def test_split_key(key: str, stem: str, base: str, variant: str | None) -> None:
    parts = split_key(key)
    assert (parts.stem, parts.base, parts.variant) == (stem, base, variant)


def test_canonical_names() -> None:
    assert canonical("Claude Opus 4.5") == canonical("claude-opus-4-5") == "claude-opus-4.5"
    assert canonical("Qwen3 235B-A22B") == "qwen3-235b-a22b"
    assert canonical("Grok 4 Fast (reasoning)") == "grok-4-fast-reasoning"
