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


# Kept: the same names come again and again (a reply folds each twice; each name index, built after
# every change to the catalog, folds its ~16,000 names and forms). Room for all of them: a smaller cache
# is emptied by each build before any name comes round again. Only texts of a name's length (the
# parser caps names at 100 characters) are kept: at most a few MB, whatever is typed.
NAMES_KEPT = 32_768
KEPT_LENGTH = 100


def normalise(name: str) -> str:
    """A name folded (`fold`), and kept."""
    return _normalised(name) if len(name) <= KEPT_LENGTH else fold(name)


def compact(name: str) -> str:
    """Letters and digits only: `GPT-4o`, `gpt 4o` and `gpt_4o` all become `gpt4o`."""
    return _compacted(name) if len(name) <= KEPT_LENGTH else _NOT_ALNUM.sub("", fold(name))


@functools.lru_cache(maxsize=NAMES_KEPT)
def _normalised(name: str) -> str:
    return fold(name)


@functools.lru_cache(maxsize=NAMES_KEPT)
def _compacted(name: str) -> str:
    return _NOT_ALNUM.sub("", normalise(name))
