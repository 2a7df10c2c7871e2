"""The frozen pydantic base of every answer and view, and the unchecked constructors (`made`,
`replaced`) that the read side's hot path uses.
"""

# No `from __future__ import annotations` here: pydantic would compile and eval every field's
# annotation string when the answers' classes are made, a few ms of each cold `modelcost ask`.

from typing import Any, TypeVar  # Any: `replaced`'s and `made`'s field values

from pydantic import BaseModel, ConfigDict


class _Answer(BaseModel):
    # Each class's schema is built when it is first used, not at import: a cold `modelcost ask`
    # builds only the few its answer needs.
    model_config = ConfigDict(frozen=True, defer_build=True)


A = TypeVar("A", bound=_Answer)


def replaced(answer: A, **changes: Any) -> A:
    """A copy of `answer` with some fields replaced, not validated again: pydantic's
    `model_copy(update=...)` without its copying machinery (a third of the time, and a read answer
    makes a dozen). For values of the fields' own types only, as views made from views are."""
    fields = answer.__dict__.copy()
    fields.update(changes)
    kept = answer.__pydantic_fields_set__
    # Fields set stay set: the set is shared (nothing changes it) unless a change sets a new one.
    return _unchecked(type(answer), fields, kept if changes.keys() <= kept else kept | changes.keys())


def made(cls: type[A], **fields: Any) -> A:
    """An answer from values of its fields' own types, every field given, not validated: for the
    small ones a read answer makes several of (AlternativeView), each a validation otherwise."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = frozenset(cls.model_fields)
    if fields.keys() != names:
        raise TypeError(f"{cls.__name__} needs exactly its fields: {', '.join(cls.model_fields)}")
    return _unchecked(cls, fields, set(fields))


_FIELDS: dict[type, frozenset[str]] = {}  # each class's field names, for `made` (model_fields costs a µs)


# A pydantic model keeps its state in four slots (BaseModel.__slots__); these set them directly, where
# object.__setattr__ would look each name up on the class first (a third of the cost of a copy).
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _unchecked(cls: type[A], fields: dict[str, Any], fields_set: set[str]) -> A:
    new = object.__new__(cls)
    _set_dict(new, fields)
    _set_fields_set(new, fields_set)
    _set_extra(new, None)
    _set_private(new, None)
    return new
