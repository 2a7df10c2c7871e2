"""Name resolution: exact id, alias, normalised forms; fuzzy only ever suggests."""

import pytest

from bot.contract.errors import UnknownModelError
from bot.domain.nameindex import NameIndex

INDEX = NameIndex.build(
    models=[
        ("o1", "o1"),
        ("o3", "o3"),
        ("deepseek-r1", "DeepSeek R1"),
        ("gpt-4o", "GPT-4o"),
        ("llama-3.3-70b", "Llama 3.3 70B"),
        ("claude-sonnet-4", "Claude Sonnet 4"),
    ],
    aliases=[
        ("r1", "deepseek-r1"),
        ("4o", "gpt-4o"),
        ("gpt4o", "gpt-4o"),
        ("llama 70b", "llama-3.3-70b"),
        ("sonnet", "claude-sonnet-4"),
    ],
    host_ids=[
        ("deepseek", "deepseek-reasoner", "deepseek-r1"),
        ("openai", "o1-2024-12-17", "o1"),
        ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b"),
        ("groq", "shared-name", "o1"),
        ("novita", "shared-name", "o3"),
    ],
)


@pytest.mark.parametrize(
    ("name", "model_id"),
    [
        ("o1", "o1"),
        ("O1", "o1"),
        ("r1", "deepseek-r1"),
        ("R1", "deepseek-r1"),
        ("o3", "o3"),
        ("deepseek r1", "deepseek-r1"),
        ("DeepSeek-R1", "deepseek-r1"),
        ("deepseek\u00a0r1", "deepseek-r1"),
        ("4o", "gpt-4o"),
        ("gpt 4o", "gpt-4o"),
        ("GPT_4o", "gpt-4o"),
        ("llama 70b", "llama-3.3-70b"),
        ("deepseek-reasoner", "deepseek-r1"),
        ("o1-2024-12-17", "o1"),
        ("openai:o1-2024-12-17", "o1"),
        ("Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b"),
        ("sonnet", "claude-sonnet-4"),
    ],
)
def test_resolves(name: str, model_id: str) -> None:
    assert INDEX.resolve(name) == model_id


@pytest.mark.parametrize("name", ["r2", "o5", "o2", "r"])
def test_near_misses_are_never_silent_guesses(name: str) -> None:
    with pytest.raises(UnknownModelError) as err:
        INDEX.resolve(name)
    assert err.value.name == name


def test_typo_gets_suggestions() -> None:
    with pytest.raises(UnknownModelError) as err:
        INDEX.resolve("deepsek r1")
    assert err.value.suggestions[0] == ("deepseek-r1", "DeepSeek R1")
    assert len(err.value.suggestions) <= 3


def test_a_name_two_models_share_is_ambiguous() -> None:
    with pytest.raises(UnknownModelError) as err:
        INDEX.resolve("shared-name")
    assert err.value.ambiguous
    assert {i for i, _ in err.value.suggestions} == {"o1", "o3"}


def test_nonsense_gets_no_wild_suggestions() -> None:
    with pytest.raises(UnknownModelError) as err:
        INDEX.resolve("zzzzqqqq")
    assert err.value.suggestions == []
