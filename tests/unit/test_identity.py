"""Which model a host's id names: the tricky ids of the price sources, each with its right answer.

SAME rows: every id of a row is the same model (one key). DISTINCT rows: no two ids of a row are the
same model — the rule must never merge them, even where a careless one would. Ids are taken from the
bundled genai-prices snapshot, LiteLLM 1.110.2, OpenRouter's 2026-05-15 list and LMArena's keys.
"""

import itertools

import pytest

from bot.domain.identity import brandless, identify, lab_of, line_of

SAME: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "claude-opus-4.7",
        [
            ("anthropic", "claude-opus-4-7"),
            ("aws", "global.anthropic.claude-opus-4-7-v1:0"),
            ("aws", "regional.anthropic.claude-opus-4-7-v1:0"),
            ("google", "claude-opus-4-7"),
            ("google", "claude-opus-4-7@20260416"),  # Vertex pins a date with @
            ("github-copilot", "claude-opus-4.7"),
            ("openrouter", "anthropic/claude-opus-4.7"),
        ],
    ),
    ("claude-sonnet-4", [("anthropic", "claude-sonnet-4-0"), ("github-copilot", "claude-sonnet-4")]),
    (
        "gemini-2.0-flash-lite",
        [
            ("google", "gemini-2.0-flash-lite"),
            ("google", "gemini-2.0-flash-lite-001"),
            ("openrouter", "google/gemini-2.0-flash-lite"),
        ],
    ),
    ("nova-2-lite", [("aws", "amazon.nova-2-lite-v1:0"), ("modelsdev", "nova-2-lite-v1")]),
    ("claude-3.7-sonnet", [("anthropic", "claude-3-7-sonnet-latest"), ("google", "claude-3-7-sonnet")]),
    (
        "gemma-4-31b",
        [
            ("google", "gemma-4-31b-it"),
            ("cerebras", "gemma-4-31b"),
            ("doubleword", "google/gemma-4-31B-it"),
            ("huggingface_novita", "google/gemma-4-31B-it"),
            ("novita", "google/gemma-4-31b-it"),
        ],
    ),
    ("gemma-4-26b-a4b", [("google", "gemma-4-26b-a4b-it"), ("google", "gemma-4-26b-a4b-it-maas")]),
    (
        "qwen3.5-397b-a17b",
        [
            ("novita", "qwen/qwen3.5-397b-a17b"),
            ("huggingface_novita", "Qwen/Qwen3.5-397B-A17B"),
            ("together", "Qwen/Qwen3.5-397B-A17B-FP8"),  # precision: the same weights
        ],
    ),
    (
        "qwen3-235b-a22b-2507",
        [
            ("openrouter", "qwen/qwen3-235b-a22b-2507"),
            ("huggingface_novita", "Qwen/Qwen3-235B-A22B-Instruct-2507"),  # -instruct: what hosts serve
        ],
    ),
    ("qwen3-32b", [("groq", "qwen/qwen3-32b"), ("cerebras", "qwen-3-32b"), ("aws", "qwen.qwen3-32b-v1:0")]),
    (
        "kimi-k2.6",
        [
            ("moonshotai", "kimi-k2.6"),
            ("fireworks", "accounts/fireworks/models/kimi-k2p6"),  # Fireworks writes a point as p
            ("openrouter", "moonshotai/kimi-k2.6"),
        ],
    ),
    ("minimax-m2.1", [("fireworks", "minimax-m2p1"), ("minimax", "MiniMax-M2.1")]),
    (
        "glm-5.2",
        [("databricks", "databricks-glm-5-2"), ("baseten", "zai-org/GLM-5.2"), ("fireworks", "glm-5p2")],
    ),
    ("glm-5.3", [("fireworks", "glm-5p3-us"), ("fireworks", "glm-5p3")]),  # a region of the same model
    ("glm-4.7", [("cerebras", "zai-glm-4.7"), ("zai", "glm-4.7")]),
    (
        "llama-3.1-8b-instruct",
        [
            ("aws", "meta.llama3-1-8b-instruct-v1:0"),
            ("cloudflare", "@cf/meta/llama-3.1-8b-instruct-fp8"),
            ("together", "meta-llama/Meta-Llama-3.1-8B-Instruct"),
            ("fireworks", "accounts/fireworks/models/llama-v3p1-8b-instruct"),
        ],
    ),
    (
        "llama-4-maverick",
        [
            ("openrouter", "meta-llama/llama-4-maverick"),
            ("together", "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8"),
            ("databricks", "databricks-llama-4-maverick"),
        ],
    ),
    (
        "llama-4-scout",
        [
            ("aws", "meta.llama4-scout-17b-instruct-v1:0"),
            ("groq", "meta-llama/llama-4-scout-17b-16e-instruct"),
        ],
    ),
    (
        "gpt-5.6-sol",
        [("openai", "gpt-5.6-sol"), ("aws", "global.openai.gpt-5.6-sol"), ("github-copilot", "gpt-5.6-sol")],
    ),
    ("deepseek-v4-pro", [("deepseek", "deepseek-v4-pro"), ("openrouter", "deepseek/deepseek-v4-pro")]),
]

DISTINCT: list[tuple[str, list[tuple[str, str]]]] = [
    ("dated snapshots at other prices", [("openai", "gpt-4o"), ("openai", "gpt-4o-2024-05-13")]),
    (
        "base and instruct weights, both sold",
        [("together", "mistralai/Mistral-7B-v0.1"), ("together", "mistralai/Mistral-7B-Instruct-v0.1")],
    ),
    (
        "base and instruct weights, both sold",
        [
            ("huggingface_nebius", "Qwen/Qwen2.5-Coder-7B"),
            ("huggingface_nscale", "Qwen/Qwen2.5-Coder-7B-Instruct"),
        ],
    ),
    ("a completions model of its own", [("openai", "gpt-3.5-turbo"), ("openai", "gpt-3.5-turbo-instruct")]),
    (
        "Claude 3.5 Sonnet's two snapshots",
        [
            ("aws", "regional.anthropic.claude-3-5-sonnet-20240620-v1:0"),
            ("aws", "regional.anthropic.claude-3-5-sonnet-20241022-v2:0"),
        ],
    ),
    ("four-digit snapshots", [("deepseek", "deepseek-r1"), ("fireworks", "deepseek-r1-0528")]),
    ("Mistral Large snapshots", [("mistral", "mistral-large-2411"), ("mistral", "mistral-large-2512")]),
    ("a re-release", [("deepseek", "deepseek-v4-pro"), ("baseten", "deepseek-ai/DeepSeek-V4-Pro-0813")]),
    ("a preview", [("google", "gemini-2.5-pro"), ("google", "gemini-2.5-pro-preview-06-05")]),
    ("sizes", [("google", "gemma-4-31b-it"), ("google", "gemma-4-26b-a4b-it"), ("google", "gemma-3-27b-it")]),
    (
        "-thinking in an id is its own weights",
        [("moonshotai", "kimi-k2"), ("moonshotai", "kimi-k2-thinking")],
    ),
    (
        "Qwen3 235B's thinking and instruct releases",
        [
            ("openrouter", "qwen/qwen3-235b-a22b-thinking-2507"),
            ("openrouter", "qwen/qwen3-235b-a22b-2507"),
            ("openrouter", "qwen/qwen3-235b-a22b"),
        ],
    ),
    (
        "speed tiers at their own price",
        [("x-ai", "grok-4"), ("x-ai", "grok-4-fast"), ("github-copilot", "claude-opus-4.8-fast")],
    ),
    ("speed tiers at their own price", [("fireworks", "kimi-k2p6"), ("fireworks", "kimi-k2p6-fast")]),
    ("sizes of a line", [("openai", "gpt-5"), ("openai", "gpt-5-mini"), ("openai", "gpt-5-nano")]),
    ("tiers of a line", [("openai", "gpt-5.6-sol"), ("openai", "gpt-5.6-luna"), ("openai", "gpt-5.6-terra")]),
    ("R and V lines", [("deepseek", "deepseek-r1"), ("deepseek", "deepseek-v3")]),
    ("o1 and its mini", [("openai", "o1"), ("openai", "o1-mini"), ("openai", "o1-preview")]),
    ("not a decimal: gemma 3 at 27B", [("google", "gemma-3-27b-it"), ("novita", "google/gemma-3-12b-it")]),
    ("a version is not a date", [("openai", "gpt-4"), ("openai", "gpt-4-0613")]),
]


@pytest.mark.parametrize(("key", "ids"), SAME, ids=[k for k, _ in SAME])
def test_the_same_model_has_one_key_at_every_host(key: str, ids: list[tuple[str, str]]) -> None:
    for provider, model_id in ids:
        found = identify(provider, model_id)
        assert found.key == key, (provider, model_id, found)
        assert found.plain


@pytest.mark.parametrize(("why", "ids"), DISTINCT, ids=[w for w, _ in DISTINCT])
def test_distinct_models_are_never_merged(why: str, ids: list[tuple[str, str]]) -> None:
    keys = [identify(p, m).key for p, m in ids]
    for (a, ka), (b, kb) in itertools.combinations(zip(ids, keys, strict=True), 2):
        assert ka != kb, f"{why}: {a} and {b} both read {ka}"


@pytest.mark.parametrize(
    ("provider", "model_id", "key", "tier", "variant"),
    [
        ("openrouter", "deepseek/deepseek-r1:free", "deepseek-r1", "free", None),
        ("azure", "phi-4-reasoning:free", "phi-4-reasoning", "free", None),
        ("openrouter", "anthropic/claude-3.7-sonnet:thinking", "claude-3.7-sonnet", None, "thinking"),
        ("openrouter", "openai/o4-mini-high", "o4-mini", None, "high"),
        ("openrouter", "openai/gpt-5.1-high", "gpt-5.1", None, "high"),
        ("openrouter", "mistralai/mistral-medium", "mistral-medium", None, None),  # a name, not an effort
        ("openai", "ft:gpt-4o-mini:acme::abc", "ft:gpt-4o-mini:acme::abc", "fine-tune", None),
        ("openrouter", "~openai/gpt-latest", "gpt", "latest", None),  # a pointer, never a model `gpt`
        ("mistral", "mistral-medium-latest", "mistral-medium", "latest", None),
    ],
)
def test_tiers_and_variants_are_the_same_model_served_another_way(
    provider: str, model_id: str, key: str, tier: str | None, variant: str | None
) -> None:
    found = identify(provider, model_id)
    assert (found.key, found.tier, found.variant) == (key, tier, variant)
    assert not found.plain or (tier is None and variant is None)


@pytest.mark.parametrize(
    ("key", "family", "version", "sizes"),
    [
        ("claude-opus-4.7", "claude-opus", (4, 7), ()),
        ("claude-3.5-sonnet", "claude-sonnet", (3, 5), ()),  # the old order: version first
        ("claude-sonnet-5", "claude-sonnet", (5,), ()),
        ("gpt-5.6-sol", "gpt-sol", (5, 6), ()),
        ("gemini-3.5-flash", "gemini-flash", (3, 5), ()),
        ("gemma-4-31b", "gemma", (4,), ("31b",)),
        ("qwen3.5-397b-a17b", "qwen", (3, 5), ("397b", "a17b")),
        ("deepseek-v4-pro", "deepseek-v-pro", (4,), ()),
        ("deepseek-r1-0528", "deepseek-r", (1,), ()),
        ("kimi-k2.6", "kimi-k", (2, 6), ()),
        ("minimax-m2.5", "minimax-m", (2, 5), ()),
        ("llama-4-maverick", "llama-maverick", (4,), ()),
        ("mistral-large-4", "mistral-large", (4,), ()),
        ("o4-mini", "o-mini", (4,), ()),
        ("gpt-4o-mini", "gpt-mini", (4,), ()),  # 4o is of the version: GPT-4 generation
    ],
)
def test_a_key_reads_as_a_family_and_a_version(
    key: str, family: str, version: tuple[int, ...], sizes: tuple[str, ...]
) -> None:
    line = line_of(key)
    assert line is not None
    assert (line.family, line.version, line.sizes) == (family, version, sizes)


def test_a_key_without_a_version_is_no_line() -> None:
    assert line_of("mistral-large-2411") is None
    assert line_of("command-a") is None


def test_the_brand_said_before_a_family_can_be_left_out() -> None:
    assert brandless(("claude", "opus")) == ("opus",)
    assert brandless(("claude",)) == ("claude",)


@pytest.mark.parametrize(
    ("key", "lab"),
    [
        ("claude-opus-4.7", "Anthropic"),
        ("gemma-4-31b", "Google"),
        ("qwen3.5-397b-a17b", "Alibaba/Qwen"),
        ("llama-4-maverick", "Meta"),
        ("llama-3.1-nemotron-70b", "NVIDIA"),
        ("glm-5.1", "Z.ai"),
        ("o3", "OpenAI"),
        ("gpt-oss-120b", "OpenAI"),
        ("inkling", "Thinking Machines"),
        ("ember-1", None),
    ],
)
def test_the_lab_is_read_from_its_own_naming(key: str, lab: str | None) -> None:
    assert lab_of(key) == lab


def test_a_host_s_vendor_names_the_lab_when_the_key_does_not() -> None:
    assert lab_of("hermes-4-405b", "nousresearch") == "Nous Research"
    assert lab_of("l3-70b-euryale-v2.1", "sao10k") is None  # an unknown organisation: no lab, unlinked
