"""The text of a command -> a typed request. One parser, shared by the CLI and Slack.

    r1 vs o1                       compare 2 to 6 models (vs, vs., versus, commas, and)
    r1 vs o1 for 10M in 2M out     ... with a workload (k/M/B; optional "30% cached")
    o1                             one model
    cheaper o1 / alternatives to o1
    list [open | <lab> | <provider>]
    help, or nothing at all
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.catalog.lookup import normalise
from bot.catalog.prices import Workload

MAX_TEXT = 1000
MAX_NAME = 100
MAX_MODELS = 6
MAX_TOKENS = 10**15

EXAMPLES = (
    "`r1 vs o1` · `r1 vs o1 for 10M in 2M out` · `o1` · `cheaper o1` · `list open` · `help`"
)


class QueryError(ValueError):
    """The text is not a command we understand; the message says what would work."""


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


class HelpRequest(_Request):
    kind: Literal["help"] = "help"


class ListRequest(_Request):
    kind: Literal["list"] = "list"
    filter: str | None = None


class ModelRequest(_Request):
    kind: Literal["model"] = "model"
    name: str
    workload: Workload | None = None


class CompareRequest(_Request):
    kind: Literal["compare"] = "compare"
    names: list[str] = Field(min_length=2, max_length=MAX_MODELS)
    workload: Workload | None = None


class AlternativesRequest(_Request):
    kind: Literal["alternatives"] = "alternatives"
    name: str
    workload: Workload | None = None


Request = Annotated[
    HelpRequest | ListRequest | ModelRequest | CompareRequest | AlternativesRequest,
    Field(discriminator="kind"),
]

_SEPARATORS = re.compile(r"\s*(?:,|;|&|\bvs\.?(?=\s|$)|\bversus\b|\band\b)\s*")
_ALTERNATIVES = re.compile(
    r"^(?:cheaper(?:\s+(?:than|alternatives?(?:\s+to)?))?|alternatives?(?:\s+(?:to|for))?|"
    r"replace(?:ments?)?(?:\s+(?:for|to))?)\s+(?P<name>.+)$"
)
_WORKLOAD = re.compile(r"\s+(?:for|with|@)\s+(?P<spec>(?:\d|\.\d).*)$")
_AMOUNT = r"(?P<{0}>\d[\d,_]*(?:\.\d+)?|\.\d+)\s*(?P<{0}_unit>[kmb]|thousand|million|billion)?\s*(?:tokens?|tok)?"
_WORKLOAD_PART = re.compile(
    r"^(?:with\s+|and\s+)?(?:"
    + _AMOUNT.format("n")
    + r"\s*(?P<dir>in|input|out|output|cached|cache)\b|(?P<pct>\d{1,3}(?:\.\d+)?)\s*%\s*(?:cached|cache(?:d)?\s*(?:input)?)"
    r"|cached\s+(?P<pct2>\d{1,3}(?:\.\d+)?)\s*%)\s*[,/+;]?\s*(?:and\s+)?"
)
_UNITS = {None: 1, "k": 10**3, "thousand": 10**3, "m": 10**6, "million": 10**6, "b": 10**9, "billion": 10**9}


def parse(text: str) -> HelpRequest | ListRequest | ModelRequest | CompareRequest | AlternativesRequest:
    """Parse a command; QueryError with a friendly message if it is not one."""
    clean = normalise(text)
    if len(clean) > MAX_TEXT:
        raise QueryError(f"That's {len(clean)} characters; a command is at most {MAX_TEXT}. Try {EXAMPLES}.")
    clean = clean.strip(" ?!")
    if clean in ("", "help", "h", "usage", "commands"):
        return HelpRequest()
    if clean == "list" or clean.startswith("list "):
        rest = clean[4:].strip()
        return ListRequest(filter=rest or None)
    if m := _ALTERNATIVES.match(clean):
        body, workload = _split_workload(m.group("name"))
        return AlternativesRequest(name=_name(body), workload=workload)
    body, workload = _split_workload(clean)
    names = [n for n in _SEPARATORS.split(body) if n]
    if not names:
        raise QueryError(f"Which model? Try {EXAMPLES}.")
    if len(names) > MAX_MODELS:
        raise QueryError(f"I can compare at most {MAX_MODELS} models at once; you gave {len(names)}.")
    if len(names) == 1:
        return ModelRequest(name=_name(names[0]), workload=workload)
    return CompareRequest(names=[_name(n) for n in names], workload=workload)


def _name(raw: str) -> str:
    name = raw.strip(" '\"`“”‘’")
    if not name:
        raise QueryError(f"Which model? Try {EXAMPLES}.")
    if len(name) > MAX_NAME:
        raise QueryError(f"'{name[:40]}…' is too long for a model name ({len(name)} characters).")
    return name


def _split_workload(text: str) -> tuple[str, Workload | None]:
    m = _WORKLOAD.search(text)
    if not m:
        return text, None
    return text[: m.start()].strip(), parse_workload(m.group("spec"))


def parse_workload(spec: str) -> Workload:
    """`10M in 2M out`, `10m input, 2m output, 30% cached` -> Workload."""
    rest = spec.strip()
    tokens: dict[str, int] = {}
    cached: Decimal | None = None
    while rest:
        m = _WORKLOAD_PART.match(rest)
        if not m:
            raise QueryError(
                f"I couldn't read the workload '{spec}'. Write it like `for 10M in 2M out` "
                "(k, M or B; optionally `30% cached`)."
            )
        pct = m.group("pct") or m.group("pct2")
        if pct is not None:
            cached = Decimal(pct) / 100
        else:
            direction = {"in": "in", "input": "in", "out": "out", "output": "out"}.get(m.group("dir"), "cached")
            count = _count(m.group("n"), m.group("n_unit"))
            if direction == "cached":
                tokens["cached"] = count
            else:
                tokens[direction] = count
        rest = rest[m.end() :].strip()
    if "in" not in tokens and "out" not in tokens:
        raise QueryError("A workload needs input or output tokens, e.g. `for 10M in 2M out`.")
    inp, out = tokens.get("in", 0), tokens.get("out", 0)
    if "cached" in tokens:
        if inp == 0 or tokens["cached"] > inp:
            raise QueryError("Cached tokens are part of the input: give input tokens at least as many.")
        cached = Decimal(tokens["cached"]) / Decimal(inp)
    if cached is not None and not 0 <= cached <= 1:
        raise QueryError("The cached share must be between 0% and 100%.")
    return Workload(inp, out, cached or Decimal(0))


def _count(number: str, unit: str | None) -> int:
    try:
        value = Decimal(number.replace(",", "").replace("_", "")) * _UNITS[unit]
    except (InvalidOperation, KeyError):
        raise QueryError(f"'{number}{unit or ''}' is not a token count.") from None
    if value > MAX_TOKENS:
        raise QueryError("That workload is larger than any real job; at most 1,000,000B tokens.")
    return int(value)
