"""Task categories users can rank quality by (`cheaper sonnet for coding`), one registry for every layer.

Each category has the name used in commands, the synonyms also accepted, a label for replies and the
LMArena text-leaderboard key whose scores it uses. The parser, the quality feed, the snapshot and help
all read this registry, so adding a category is one entry here (and its key in the bundled snapshot).

Chosen from LMArena's leaderboard of 2025-12-11 (arena-catalog): the task categories with at least 200
models and nearly every curated model scored; LMArena's dataset of 2026-08-19 has each of them, five
under another name (`overall`, `hard_prompts`, `longer_query`, `multi_turn`, `instruction_following`).
Left out: the style-control views (`no_refusal`, `no_short`, `no_tie`), near duplicates
(`hard_english_6`, `industry_mathematical`) and the languages with under 200 models then (French,
Spanish, Japanese, Korean). No name or synonym starts with a digit, so `for coding` never reads as a
workload (`for 10M in 2M out`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s_\-]+")


@dataclass(frozen=True)
class Category:
    """A leaderboard category: `name` in commands, `label` in replies, `arena_key` in LMArena's JSON
    file (arena-catalog), `dataset_key` in LMArena's Parquet dataset (its `category` column)."""

    name: str
    label: str
    arena_key: str
    synonyms: tuple[str, ...] = ()
    dataset_key: str = ""  # "" when it is the arena key

    @property
    def dataset(self) -> str:
        return self.dataset_key or self.arena_key


OVERALL = Category("overall", "overall", "full", ("all", "general", "text", "default"), "overall")

CATEGORIES: tuple[Category, ...] = (
    OVERALL,
    Category("coding", "coding", "coding", ("code", "programming", "coder", "software development")),
    Category("math", "math", "math", ("maths", "mathematics", "arithmetic")),
    Category("creative writing", "creative writing", "creative_writing", ("creative", "writing", "fiction")),
    Category("hard prompts", "hard prompts", "hard_6", ("hard", "hard prompt", "difficult"), "hard_prompts"),
    Category(
        "long queries",
        "long queries",
        "long_user",
        ("long", "long query", "long prompts", "long context"),
        "longer_query",
    ),
    Category(
        "multi-turn",
        "multi-turn conversation",
        "multiturn",
        ("multiturn", "conversation", "conversations"),
        "multi_turn",
    ),
    Category(
        "instruction following",
        "instruction following",
        "if",
        ("instructions", "instruction", "following instructions"),
        "instruction_following",
    ),
    Category("expert", "expert prompts", "expert", ("expert prompts", "experts")),
    Category("english", "English", "english", ("en",)),
    Category("chinese", "Chinese", "chinese", ("zh", "mandarin")),
    Category("german", "German", "german", ("de", "deutsch")),
    Category("russian", "Russian", "russian", ("ru",)),
    Category(
        "software",
        "software and IT services",
        "industry_software_and_it_services",
        ("software and it", "it services", "software engineering"),
    ),
    Category(
        "business",
        "business, management and finance",
        "industry_business_and_management_and_financial_operations",
        ("finance", "management", "financial"),
    ),
    Category("legal", "legal and government", "industry_legal_and_government", ("law", "government")),
    Category(
        "medicine",
        "medicine and healthcare",
        "industry_medicine_and_healthcare",
        ("medical", "healthcare", "health"),
    ),
    Category(
        "science",
        "life, physical and social science",
        "industry_life_and_physical_and_social_science",
        ("sciences", "research"),
    ),
    Category(
        "literature",
        "writing, literature and language",
        "industry_writing_and_literature_and_language",
        ("writing and literature", "linguistics"),
    ),
    Category(
        "entertainment",
        "entertainment, sports and media",
        "industry_entertainment_and_sports_and_media",
        ("media", "sports", "sport"),
    ),
)

ARENA_KEYS: tuple[str, ...] = tuple(c.arena_key for c in CATEGORIES)
# LMArena's dataset names five categories otherwise than its JSON file did: read as the JSON's keys.
DATASET_TO_ARENA: dict[str, str] = {c.dataset: c.arena_key for c in CATEGORIES}


def _fold(text: str) -> str:
    return _SEPARATORS.sub(" ", text.replace("\u00a0", " ")).strip().lower()


_BY_NAME: dict[str, Category] = {}
for _category in CATEGORIES:
    for _word in (_category.name, *_category.synonyms):
        if _fold(_word) in _BY_NAME:  # a registry mistake, caught at import and by the tests
            raise ValueError(f"category name {_word!r} is used twice")
        _BY_NAME[_fold(_word)] = _category


def find_category(text: str) -> Category | None:
    """The category a user means by `text` (`coding`, `Code`, `multi turn`), or None."""
    return _BY_NAME.get(_fold(text))


def by_arena_key(arena_key: str) -> Category | None:
    """The category that reads LMArena's `arena_key` (`full` -> overall), or None if we don't use it."""
    return next((c for c in CATEGORIES if c.arena_key == arena_key), None)
