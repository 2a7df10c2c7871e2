"""The name index: every name a model answers to (ids, aliases, normalised names, host model ids,
families), resolving a typed name to a model id or suggesting the nearest ones.

Plain data and pure functions: built by bot.store.names (from a session) or with the read model
(bot.read.model), and kept in its snapshots. rapidfuzz is loaded only to suggest, so a
question about known names never pays for it.

Fuzzy matching only ever suggests ("did you mean"); it never picks a model by itself, so `r1`
can never silently become o1, nor `o3` become o1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from bot.contract.errors import UnknownModelError
from bot.domain.identity import Line
from bot.domain.names import compact, normalise
from bot.domain.spoken import family_names, label_of, line, newest, same_family, spoken_names, typed_line

_V = TypeVar("_V")


@dataclass
class NameIndex:
    """Every name a model answers to, built once from the catalog and reused until it changes."""

    ids: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)  # names and host model ids, normalised
    compact_forms: Mapping[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # id -> display name
    ambiguous: Mapping[str, set[str]] = field(default_factory=dict)
    families: dict[str, tuple[str, str, list[str]]] = field(
        default_factory=dict
    )  # name -> label, flagship, members
    lines: dict[str, Line] = field(default_factory=dict)  # model id -> its family and version
    _choices: list[str] = field(default_factory=list)
    _choice_ids: list[str] = field(default_factory=list)
    _short_choices: list[str] = field(default_factory=list)
    _short_ids: list[str] = field(default_factory=list)
    _widest: int = 1  # the most words a name has
    # For `with_own`: the families pinned in data/catalog.toml, and the names several forms share.
    _pinned: frozenset[str] = frozenset()
    _form_ambiguous: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        models: Iterable[tuple[str, str]],
        aliases: Iterable[tuple[str, str]],
        host_ids: Iterable[tuple[str, str, str | None]],
        families: Iterable[tuple[str, str, str, list[str]]] = (),
        released: Mapping[str, date | None] | None = None,
        listed: Iterable[str] | None = None,
    ) -> NameIndex:
        """models: (id, name); aliases: (alias, model id); host_ids: (provider, host model id, model id);
        families: (name users type alone, label, flagship id, member ids), pinned in data/catalog.toml;
        released: model id -> release date; listed: the models a family said alone may mean (live
        text models), whose families are found from their ids (bot.domain.spoken)."""
        index = cls()
        forms: dict[str, set[str]] = {}

        def add(key: str, model_id: str) -> None:
            if key:
                forms.setdefault(key, set()).add(model_id)

        for model_id, name in models:
            index.ids[normalise(model_id)] = model_id
            index.names[model_id] = name
            add(normalise(name), model_id)
            for spoken in spoken_names(model_id):
                add(spoken, model_id)
            if (found := line(model_id)) is not None:
                index.lines[model_id] = found
        for alias, model_id in aliases:
            index.aliases[normalise(alias)] = model_id
        for provider, host_id, host_model in host_ids:
            if host_model is None:
                continue
            host = normalise(host_id)
            add(host, host_model)
            add(f"{provider}:{host}", host_model)
            add(f"{provider}/{host}", host_model)
            add(host.rsplit("/", 1)[-1], host_model)
        for family, label, flagship, members in families:
            if flagship in index.names:
                index.families[normalise(family)] = (
                    label,
                    flagship,
                    [m for m in members if m in index.names],
                )
        index._pinned = frozenset(index.families)
        index._derive_families(forms, released or {}, listed)
        compacts: dict[str, set[str]] = {}
        ambiguous: dict[str, set[str]] = {}
        compact_forms: dict[str, str] = {}
        for key, targets in forms.items():
            if len(targets) == 1:
                index.forms[key] = next(iter(targets))
            else:
                ambiguous[key] = targets
        index._form_ambiguous = frozenset(ambiguous)
        for key, target in [*index.ids.items(), *index.aliases.items(), *index.forms.items()]:
            compacts.setdefault(compact(key), set()).add(target)
        for key, targets in compacts.items():
            if len(targets) == 1:
                compact_forms[key] = next(iter(targets))
            elif key not in ambiguous:
                ambiguous[key] = targets
        index.compact_forms, index.ambiguous = compact_forms, ambiguous
        names = [*index.ids, *index.aliases, *index.forms, *index.families]
        index._widest = max((key.count(" ") + 1 for key in names), default=1)
        index._fill_choices()
        return index

    def _fill_choices(self) -> None:
        """The names `suggest` compares a typo with: aliases, then ids, then the other forms."""
        seen: set[str] = set()
        choices: list[str] = []
        choice_ids: list[str] = []
        short_choices: list[str] = []
        short_ids: list[str] = []
        for key, target in [*self.aliases.items(), *self.ids.items(), *self.forms.items()]:
            if key not in seen:
                seen.add(key)
                choices.append(key)
                choice_ids.append(target)
                if len(compact(key)) <= 5:
                    short_choices.append(key)
                    short_ids.append(target)
        # Filled whole, then published: threads suggesting at once see either none or all of them.
        self._choice_ids, self._short_choices, self._short_ids = choice_ids, short_choices, short_ids
        self._choices = choices

    def with_own(self, aliases: Iterable[tuple[str, str]]) -> NameIndex | None:
        """This index with a workspace's own names (alias, model id) added, as `build` would make it
        from the shared aliases and these: the shared index's tables kept, the few entries the names
        change laid over them. None where a name would take a shared alias's place or a name shared by
        several forms (rare: the caller builds the index whole)."""
        own = {normalise(a): m for a, m in aliases}
        if not own:
            return self
        if any(k in self.aliases for k in own):
            return None
        targets: dict[str, set[str]] = {}
        for key, model_id in own.items():
            c = compact(key)
            if c in self._form_ambiguous:
                return None
            if c not in targets:
                if c in self.compact_forms:
                    targets[c] = {self.compact_forms[c]}
                else:
                    targets[c] = set(self.ambiguous.get(c, ()))
            targets[c].add(model_id)
        unique = {c: next(iter(t)) for c, t in targets.items() if len(t) == 1}
        several = {c: t for c, t in targets.items() if len(t) > 1}
        return NameIndex(
            ids=self.ids,
            aliases={**self.aliases, **own},
            forms=self.forms,
            compact_forms=_Over(self.compact_forms, unique, frozenset(several)),
            names=self.names,
            ambiguous=_Over(self.ambiguous, several, frozenset()),
            # A family derived from the listed models yields its name to an alias; a pinned one doesn't.
            families={k: v for k, v in self.families.items() if k not in own or k in self._pinned},
            lines=self.lines,
            _widest=max(self._widest, *(k.count(" ") + 1 for k in own)),
            _pinned=self._pinned,
            _form_ambiguous=self._form_ambiguous,
        )  # its suggestions' choices are made on the first typo (`suggest`)

    def _derive_families(
        self, forms: dict[str, set[str]], released: Mapping[str, date | None], listed: Iterable[str] | None
    ) -> None:
        """A family said alone (`sonnet`, `gemini flash`) means its newest listed member, unless the name
        is taken (a model's name or id, an alias, a family data/catalog.toml pins)."""
        if listed is None:
            return
        members: dict[str, list[str]] = defaultdict(list)
        for model_id in listed:
            if (found := self.lines.get(model_id)) is not None:
                for name in family_names(found.family):
                    members[name].append(model_id)
        for name, ids in members.items():
            key = normalise(name)
            if key in self.families or key in self.ids or key in self.aliases or key in forms:
                continue
            flagship = newest(ids, released)
            if flagship is None:
                continue
            others = sorted((i for i in ids if i != flagship), key=lambda i: released.get(i) or date.min)
            label = label_of(key, self.names.get(flagship, flagship))
            self.families[key] = (label, flagship, [flagship, *reversed(others[-3:])])

    def resolve(self, name: str) -> str:
        """The model id for a name, or UnknownModelError with suggestions."""
        key = normalise(name)
        if not key:
            raise UnknownModelError(name, [])
        if (model_id := self._known(key)) is not None:
            return model_id
        for form in (key, compact(key)):
            if form in self.ambiguous:
                raise UnknownModelError(name, self._named(sorted(self.ambiguous[form])[:3]), ambiguous=True)
        raise UnknownModelError(name, self.suggest(key))

    def _known(self, key: str) -> str | None:
        """The model a normalised name surely means; None if it means none, or several."""
        for table in (self.ids, self.aliases, self.forms):
            if key in table:
                return table[key]
        if key in self.families:
            return self.families[key][1]  # the family's flagship; `notes` says so in the reply
        if key in self.ambiguous:
            return None
        return self.compact_forms.get(compact(key))

    def notes(self, names: Iterable[str]) -> list[str]:
        """How family names among `names` were read: "Claude means Claude Sonnet 5.5 here (...)"."""
        out = []
        for name in names:
            family = self.families.get(normalise(name))
            if family is None:
                continue
            label, flagship, members = family
            others = [f"{self.names[m]} (`{m}`)" for m in members if m != flagship]
            also = f"; for another, name it: {', '.join(others)}" if others else ""
            out.append(f"{label} means {self.names[flagship]} here{also}.")
        return out

    def resolve_words(self, text: str) -> list[str]:
        """Model ids for text that may hold several names separated by spaces (`o1 r1`, `opus 4.1`):
        the whole text if it is a name, else the longest names from the left.

        Only a word no name starts with is looked up fuzzily, for its suggestions: the spans tried
        before it cost a dictionary lookup each, and none is wider than the widest name.
        """
        key = normalise(text)
        if " " not in key:
            return [self.resolve(text)]
        if (whole := self._known(key)) is not None:
            return [whole]
        words = key.split(" ")
        found: list[str] = []
        start = 0
        while start < len(words):
            for end in range(min(len(words), start + self._widest), start + 1, -1):
                if (model_id := self._known(" ".join(words[start:end]))) is not None:
                    break
            else:
                end, model_id = start + 1, self.resolve(words[start])
            found.append(model_id)
            start = end
        return found

    def suggest(self, name: str, limit: int = 3) -> list[tuple[str, str]]:
        """Up to `limit` (id, name) pairs that look like `name`, best first.

        Short names (`o5`) are compared whole with short names only: WRatio's partial matching
        would find `o5` inside any long id.
        """
        key = normalise(name)[:100]
        if (typed := typed_line(key)) is not None and (kin := same_family(typed, self.lines)):
            return self._named(kin[:limit])  # never another family, nor an older generation
        short = len(compact(key)) <= 3
        if not self._choices:
            self._fill_choices()
        choices = self._short_choices if short else self._choices
        ids = self._short_ids if short else self._choice_ids
        from rapidfuzz import fuzz, process, utils  # noqa: PLC0415  (rapidfuzz: only for a name that matches nothing)

        scorer = fuzz.ratio if short else fuzz.WRatio
        found: list[str] = []
        for _choice, score, i in process.extract(
            key, choices, scorer=scorer, processor=utils.default_process, limit=limit * 8
        ):
            model_id = ids[i]
            if score >= (50 if short else 70) and model_id not in found:
                found.append(model_id)
            if len(found) == limit:
                break
        return self._named(found)

    def _named(self, ids: Iterable[str]) -> list[tuple[str, str]]:
        return [(i, self.names.get(i, i)) for i in ids]


class _Over(Mapping[str, _V]):
    """A shared table with a few entries laid over it (`NameIndex.with_own`): `over` first, then
    `base` but for the `hidden` keys."""

    __slots__ = ("_base", "_hidden", "_over")

    def __init__(self, base: Mapping[str, _V], over: dict[str, _V], hidden: frozenset[str]) -> None:
        self._base, self._over, self._hidden = base, over, hidden

    def __getitem__(self, key: str) -> _V:
        if key in self._over:
            return self._over[key]
        if key in self._hidden:
            raise KeyError(key)
        return self._base[key]

    def __contains__(self, key: object) -> bool:
        return key in self._over or (key not in self._hidden and key in self._base)

    def __iter__(self) -> Iterator[str]:
        yield from self._over
        yield from (k for k in self._base if k not in self._over and k not in self._hidden)

    def __len__(self) -> int:
        return sum(1 for _ in self)
