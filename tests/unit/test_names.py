"""How typed names are folded (bot.domain.names), and what of them is kept in memory."""

from __future__ import annotations

from bot.domain import names
from bot.domain.names import compact, normalise


def test_names_fold_to_one_form() -> None:
    assert normalise("  GPT-4o\u00a0 Mini ") == "gpt-4o mini"
    assert compact("GPT 4o") == compact("gpt_4o") == compact("GPT-4o") == "gpt4o"


def test_a_text_longer_than_a_name_is_folded_but_never_kept() -> None:
    long = "Claude " * 200  # a whole command's worth: 1,400 characters
    kept = (names._normalised.cache_info().currsize, names._compacted.cache_info().currsize)
    assert normalise(long) == ("claude " * 200).strip()
    assert compact(long) == "claude" * 200
    assert (names._normalised.cache_info().currsize, names._compacted.cache_info().currsize) == kept
