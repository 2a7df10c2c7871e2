"""How typed names are folded before they are compared: one rule for the parser and the lookup.
Pure text functions (no database, no fuzzy matching), so the query parser can use them."""

from __future__ import annotations

import functools
import re

_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, any kind of space (including non-breaking) folded to one plain space."""
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip().lower()


@functools.lru_cache(maxsize=4096)  # the same names come again and again (a reply folds each twice)
def normalise(name: str) -> str:
    """A name folded (`fold`), and kept: only for names, which the parser caps; a whole command may be
    as long as Slack's body, and 4096 of those would hold a gigabyte."""
    return fold(name)


def compact(name: str) -> str:
    """Letters and digits only: `GPT-4o`, `gpt 4o` and `gpt_4o` all become `gpt4o`."""
    return _NOT_ALNUM.sub("", normalise(name))
