"""The variant that stands for a model LMArena lists only through effort or thinking variants, and how
answers name it."""

import pytest

from bot.domain.variants import lab_defaults, standing_variant, variant_label


@pytest.mark.parametrize(
    ("model_id", "scores", "expected"),
    [
        ("claude-opus-5", {"high": 1505, "max": 1503}, "high"),  # Anthropic's default effort
        ("claude-opus-5", {"max": 1503}, "max"),  # the default not on the board: the best scored
        ("gemini-3.5-flash", {"high": 1483, "medium": 1476}, "medium"),  # Google's default, though lower
        ("gemini-3.7-flash", {"high": 1491}, "high"),  # no source: the best scored
        ("kimi-k2.5", {"thinking": 1445, "no-thinking": 1420}, "thinking"),
        ("some-model", {"low": 1400, "high": 1400}, "high"),  # a tie: the first by name
        ("some-model", {}, None),
    ],
)
def test_the_labs_default_stands_else_the_best(
    model_id: str, scores: dict[str, int], expected: str | None
) -> None:
    assert standing_variant(model_id, scores) == expected


def test_every_default_names_a_model_and_an_effort() -> None:
    defaults = lab_defaults()
    assert defaults["claude-opus-5"] == "high" and defaults["gemini-3.5-flash"] == "medium"
    assert all(variant_label(v).endswith("effort") for v in defaults.values())


@pytest.mark.parametrize(
    ("variant", "label"),
    [
        ("high", "high effort"),
        ("xhigh", "xhigh effort"),
        ("high-32k", "high effort (32k)"),
        ("thinking", "thinking"),
        ("thinking-32k", "thinking (32k)"),
        ("no-thinking", "without thinking"),
    ],
)
def test_answers_name_the_variant(variant: str, label: str) -> None:
    assert variant_label(variant) == label
