"""The task-category registry: every name and synonym finds its category, none is shared, and each
category reads a key LMArena's leaderboard has, well populated, in the bundled snapshot."""

import pytest

from bot.domain.categories import CATEGORIES, OVERALL, by_arena_key, find_category
from bot.feeds.leaderboard import load_bundled


@pytest.mark.parametrize(
    ("text", "arena_key"),
    [
        ("coding", "coding"),
        ("Code", "coding"),
        ("programming", "coding"),
        ("math", "math"),
        ("maths", "math"),
        ("creative writing", "creative_writing"),
        ("Creative-Writing", "creative_writing"),
        ("hard prompts", "hard_6"),
        ("long queries", "long_user"),
        ("multi-turn", "multiturn"),
        ("multi turn", "multiturn"),
        ("multiturn", "multiturn"),
        ("instruction following", "if"),
        ("expert", "expert"),
        ("overall", "full"),
        ("  OVERALL ", "full"),
        ("chinese", "chinese"),
        ("medicine", "industry_medicine_and_healthcare"),
        ("law", "industry_legal_and_government"),
    ],
)
def test_names_and_synonyms_find_their_category(text: str, arena_key: str) -> None:
    category = find_category(text)
    assert category is not None and category.arena_key == arena_key


@pytest.mark.parametrize("text", ["", "cooking", "10M in", "codingg", "sonnet", "it"])
def test_other_words_are_no_category(text: str) -> None:
    assert find_category(text) is None


def test_names_are_unique_and_never_start_with_a_digit() -> None:
    words = [w for c in CATEGORIES for w in (c.name, *c.synonyms)]
    assert len(words) == len(set(words))
    assert not any(w[0].isdigit() for w in words)
    assert len({c.arena_key for c in CATEGORIES}) == len(CATEGORIES)


def test_overall_is_lmarena_full() -> None:
    assert by_arena_key("full") is OVERALL
    assert by_arena_key("no_tie") is None


def test_the_bundled_board_has_every_category_well_populated() -> None:
    board = load_bundled()
    assert {c.arena_key for c in CATEGORIES} <= set(board.categories)
    assert all(len(board.categories[c.arena_key]) >= 200 for c in CATEGORIES)
