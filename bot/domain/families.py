"""Families a channel can follow (`subscribe family sonnet`): the lines of releases of data/catalog.toml
(`family = "claude-sonnet"`), present and future members. Pure: the caller passes the families there are."""

from __future__ import annotations

from collections.abc import Iterable

from bot.contract.errors import QueryError
from bot.domain.names import normalise


def resolve_family(name: str, families: Iterable[str]) -> str:
    """The family a typed name means: its slug (`claude-sonnet`), or its last word (`sonnet`) when
    only one family ends so; QueryError (naming the candidates) otherwise."""
    key = "-".join(normalise(name).replace("_", " ").replace("-", " ").split())
    known = sorted(set(families))
    if key in known:
        return key
    found = [f for f in known if f.endswith("-" + key) or f.startswith(key + "-")]
    if len(found) == 1:
        return found[0]
    if found:
        raise QueryError(f"`family {name}` could mean {', '.join(found)}: which one?")
    raise QueryError(
        f"No family is called `{name}`. Families: {', '.join(known[:40])}."
        if known
        else f"No family is called `{name}`."
    )


def members(slug: str, model_families: Iterable[tuple[str, str | None]]) -> list[str]:
    """The models of a family, from (model id, family slug) pairs."""
    return sorted(m for m, f in model_families if f == slug)
