"""What every answer is made of: frozen dataclasses (slots), made with their constructors and copied
with `dataclasses.replace`. No validation on the way: the read side makes them from values of the
fields' own types (mypy checks that), and pydantic validates data where it comes in (feeds, settings,
files), not here. `as_json` is the one place they meet pydantic again: the `--json` form.
"""

from __future__ import annotations

from typing import Any, ClassVar  # Any: JSON data, and what TypeAdapter is made over

from pydantic import TypeAdapter


class AnswerType:
    """The facts every answer's class states; renderers ask these rather than list the types.

    A base without slots of its own, so the dataclasses (slots) below it keep theirs."""

    __slots__ = ()

    chart: ClassVar[bool] = False  # a chart is drawn for it (bot.render.charts; Slack's chart links)


def as_json(value: object) -> Any:
    """An answer (or any value of these types) as JSON data, as pydantic writes it in JSON mode:
    Decimals and dates as strings, tuples as lists, fields in their declared order."""
    cls = type(value)
    if (adapter := _ADAPTERS.get(cls)) is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)  # threads may race to make one: the same
    return adapter.dump_python(value, mode="json")


# One per type, made on first use: building its schema takes milliseconds, which only `--json` and a
# sync's record pay, never a plain answer.
_ADAPTERS: dict[type, TypeAdapter[Any]] = {}
