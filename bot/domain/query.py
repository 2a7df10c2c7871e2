"""The text of a command -> a typed request. One parser, shared by the CLI and Slack.

r1 vs o1                       compare 2 to 6 models (vs, vs., versus, commas, and)
r1 vs o1 for 10M in 2M out     ... with a workload (k/M/B; then `30% cached`, `2M cache writes`,
                               `300k prompts`, `batch`, `off-peak`: docs/workloads.md)
o1                             one model
cheaper o1 / alternatives to o1
chart r1 o1 sonnet             the cost-vs-quality chart of those models (one model: and cheaper ones)
list [all] [open | <lab> | <provider>]
help, or nothing at all

The request types themselves, and what each needs, are bot.contract.requests'.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Literal

from bot.contract.errors import QueryError
from bot.contract.requests import (
    MAX_MODELS,
    AlertsModeRequest,
    AliasRequest,
    AlternativesRequest,
    AuditRequest,
    ChartRequest,
    CompareRequest,
    DigestRequest,
    HelpRequest,
    HistoryRequest,
    ListRequest,
    ModelRequest,
    RepriceRequest,
    Request,
    ServiceTier,
    SetPriceRequest,
    SetScoreRequest,
    SetWorkloadRequest,
    SubscribeRequest,
    SubscriptionsRequest,
    SyncRequest,
    SyncStatusRequest,
    UnaliasRequest,
    UnsubscribeRequest,
    Workload,
)
from bot.domain.categories import CATEGORIES, OVERALL, find_category
from bot.domain.digests import DEFAULT_TIME, DEFAULT_TZ, DEFAULT_WEEKDAY, WEEKDAYS, zone_name
from bot.domain.names import fold
from bot.domain.prices import KEYS

MAX_TEXT = 1000


MAX_NAME = 100


MAX_TOKENS = 10**15


PARSED_KEPT = 64


EXAMPLES = "`r1 vs o1` · `r1 vs o1 for 10M in 2M out` · `o1` · `cheaper o1` · `list open` · `help`"


MAX_PRICE = Decimal(10_000)


SET_FORMS = (
    "Set prices like `set o1 output 50`, `set o1 input 15 output 60 cached 7.5` or "
    "`set r1 at together input 3 output 7`: USD per 1M tokens, `$` optional, 0 to 10000, "
    "at most 6 decimals. Prices: "
    + ", ".join(k.words[0] + (f" ({k.hint})" if k.hint else "") for k in KEYS)
    + "."
)


_PRICE_FIELDS = {word: k.name for k in KEYS for word in k.words}  # `set` word -> price key


_SET_PAIR = re.compile(r"\s+(?P<field>[a-z-]+)\s*[:=]?\s*(?P<value>\S+)$")


_PRICE_VALUE = re.compile(r"^\$?(?P<n>\d{1,5}(?:\.\d{1,6})?|\.\d{1,6})$")


_ABOVE = re.compile(r"(?:^|\s)(?:above|over|>=?)\s*(?P<pct>\d{1,4}(?:\.\d+)?)\s*%?$")


MIN_SCORE, MAX_SCORE = 100, 3000


SCORE_FORMS = (
    "Set the team's own score like `set sonnet score 1460` or `set sonnet coding score 1490` "
    f"(a whole number from {MIN_SCORE} to {MAX_SCORE}, on LMArena's scale); `unset sonnet score` returns "
    "to the leaderboard's."
)


_SET_SCORE = re.compile(r"^(?P<body>.+?)\s+score\s*[:=]?\s*(?P<value>\S+)$")


_UNSET_SCORE = re.compile(r"^(?P<body>.+?)\s+score$")


_CATEGORY = re.compile(r"\s+for\s+(?P<category>[a-z][a-z ,&-]*)$")


CATEGORY_NAMES = ", ".join(c.name for c in CATEGORIES)


_HOSTS = re.compile(r"\s+(?:all\s+)?hosts$")


_ALL = re.compile(r"\s+--all\b|\s+all$")


_SEPARATORS = re.compile(r"\s*(?:,|;|&|\bvs\.?(?=\s|$)|\bversus\b|\band\b)\s*")


_ALTERNATIVES = re.compile(
    r"^(?:cheaper(?:\s+(?:than|alternatives?(?:\s+to)?))?|alternatives?(?:\s+(?:to|for))?|"
    r"replace(?:ments?)?(?:\s+(?:for|to))?)\s+(?P<name>.+)$"
)


# A workload starts with a number or a service tier (`for batch, 10M in 2M out`); a task (`for math`)
# is anything else, so `cheaper o1 for math for 10M in 2M out, batch` keeps both.
_WORKLOAD = re.compile(
    r"\s+(?:for|with|@)\s+(?P<spec>(?:\d|\.\d|(?:batch|flex|priority|off-?peak)(?![a-z0-9])).*)$"
)


# Each run of spaces has one place to go (no `\s*` sits beside another across an optional part): with
# `\s*(unit)?\s*(tokens)?\s*`, a long run took cubic time to fail. The parser folds runs of spaces
# first, but parse_workload may be given any text.
_AMOUNT = (
    r"(?P<{0}>\d[\d,_]*(?:\.\d+)?|\.\d+)(?:\s*(?P<{0}_unit>[kmb]|thousand|million|billion))?"
    r"(?:\s*(?:tokens?|tok))?"
)


_WORKLOAD_PART = re.compile(
    r"^(?:with\s+|and\s+)?(?:"
    + _AMOUNT.format("n")
    + r"\s*(?:(?P<ttl>1h|1-hour|1\s?hour|5m|5-minute|5\s?minutes?)\s*)?"
    r"(?P<dir>cache[- ]?writes?|cache[- ]?writ(?:ten|ing)|prompts?|in|input|out|output|cached|cache)"
    r"(?![a-z0-9])"
    r"|(?P<pct>\d{1,3}(?:\.\d+)?)\s*%\s*(?:cached|cache(?:d)?(?:\s*input)?)"
    r"|cached\s+(?P<pct2>\d{1,3}(?:\.\d+)?)\s*%"
    r"|(?P<tier>batch|flex|priority|standard)(?:\s+(?:tier|api|mode|jobs?))?"
    r"|(?P<offpeak>off-?\s?peak)(?:\s+hours)?"
    r")(?:\s*[,/+;])?\s*(?:and\s+)?"
)


WORKLOAD_FORMS = (
    "Write a workload like `for 10M in 2M out`, with any of these after a comma, in any order: "
    "`30% cached` or `8M cached` (read from the prompt cache), `2M cache writes` (`2M 1h cache writes` "
    "at the 1-hour price), `300k prompts` (the size of one prompt, which picks a long-context tier), "
    "`batch`, `flex` or `priority`, `off-peak`. Counts take k, M or B."
)


_UNITS = {None: 1, "k": 10**3, "thousand": 10**3, "m": 10**6, "million": 10**6, "b": 10**9, "billion": 10**9}


def parse(text: str) -> Request:
    """Parse a command into one of the Request types; QueryError with a friendly message if it is not one."""
    return _parsed(text) if len(text) <= MAX_TEXT else _parse(text)


# A Slack reply asks what the same text means two or three times (cacheable? run it; charted?):
# requests are frozen, so the few texts asked last are parsed once. Errors are not kept.
@functools.lru_cache(maxsize=PARSED_KEPT)
def _parsed(text: str) -> Request:
    return _parse(text)


def _parse(text: str) -> Request:
    clean = fold(text)  # not `normalise`, which keeps what it folds: a command may be 256 KB
    if len(clean) > MAX_TEXT:
        raise QueryError(f"That's {len(clean)} characters; a command is at most {MAX_TEXT}. Try {EXAMPLES}.")
    clean = clean.strip(" ?!")
    if clean in ("", "help", "h", "usage", "commands"):
        return HelpRequest()
    verb, _, rest = clean.partition(" ")
    rest = rest.strip()
    if verb in _VERBS:
        return _VERBS[verb](rest)
    if clean == "list" or clean.startswith("list "):
        rest = clean[4:].strip()
        every = rest == "all" or rest.startswith("all ")
        rest = rest[3:].strip() if every else rest
        return ListRequest(filter=rest or None, all=every)
    if m := _ALTERNATIVES.match(clean):
        body = m.group("name")
        every = bool(_ALL.search(body))
        body = _ALL.sub("", body)
        body, workload = _split_workload(body)
        body, category = _split_category(body)
        return AlternativesRequest(name=_name(body), workload=workload, category=category, all=every)
    body, workload = _split_workload(clean)
    body, category = _split_category(body)
    names = [n for n in _SEPARATORS.split(body) if n]
    if not names:
        raise QueryError(f"Which model? Try {EXAMPLES}.")
    if len(names) == 1 and _SEPARATORS.search(body):
        raise QueryError(f"Compare {names[0][:40]} with what? Try `{names[0][:40]} vs o1`.")
    if len(names) > MAX_MODELS:
        raise QueryError(f"I can compare at most {MAX_MODELS} models at once; you gave {len(names)}.")
    if len(names) == 1:
        name, hosts = _HOSTS.subn("", names[0])
        return ModelRequest(name=_name(name), workload=workload, category=category, all_hosts=bool(hosts))
    return CompareRequest(names=[_name(n) for n in names], workload=workload, category=category)


def _set(rest: str) -> SetPriceRequest | SetScoreRequest | SetWorkloadRequest:
    if rest == "workload" or rest.startswith("workload "):
        spec = rest.removeprefix("workload").strip().removeprefix("to ").removeprefix("=").strip()
        if not spec:
            raise QueryError(
                "Set the team's default workload like `set workload 50M in 5M out, 20% cached`. "
                + WORKLOAD_FORMS
            )
        parse_workload(spec)  # QueryError with the accepted forms
        return SetWorkloadRequest(spec=spec)
    if m := _SET_SCORE.match(rest):
        name, category = _score_target(m.group("body"))
        value = m.group("value")
        if not value.isdecimal() or not MIN_SCORE <= int(value) <= MAX_SCORE:
            raise QueryError(f"'{value}' is not a score I accept. {SCORE_FORMS}")
        return SetScoreRequest(name=name, category=category, score=int(value))
    prices: dict[str, Decimal] = {}
    body = " " + rest
    while m := _SET_PAIR.search(body):
        key = _PRICE_FIELDS.get(m.group("field"))
        if key is None:
            break
        value = _PRICE_VALUE.match(m.group("value"))
        if value is None or Decimal(value.group("n")) > MAX_PRICE:
            raise QueryError(f"'{m.group('value')}' is not a price I accept. {SET_FORMS}")
        if key in prices:
            raise QueryError(f"{m.group('field')} is given twice. {SET_FORMS}")
        prices[key] = Decimal(value.group("n"))
        body = body[: m.start()]
    body = body.strip()
    if not prices or not body:
        raise QueryError(SET_FORMS)
    name, _, host = body.partition(" at ")
    if not name.strip() or (" at " in body and not host.strip()):
        raise QueryError(SET_FORMS)
    return SetPriceRequest(name=_name(name), host=host.strip() or None, prices=prices)


def _unset(rest: str) -> SetScoreRequest | SetWorkloadRequest:
    if rest == "workload":
        return SetWorkloadRequest(spec=None)
    m = _UNSET_SCORE.match(rest)
    if not m:
        raise QueryError("Unset a team's score like `unset sonnet score` or `unset sonnet coding score`.")
    name, category = _score_target(m.group("body"))
    return SetScoreRequest(name=name, category=category, score=None)


def _score_target(body: str) -> tuple[str, str]:
    """`sonnet coding` -> (sonnet, coding); `sonnet` -> (sonnet, overall)."""
    words = body.split()
    for cut in range(1, len(words)):  # the longest category at the end, leaving a name before it
        if category := find_category(" ".join(words[cut:])):
            return _name(" ".join(words[:cut])), category.name
    return _name(body), OVERALL.name


def _split_category(text: str) -> tuple[str, str | None]:
    """`sonnet for coding` -> (sonnet, coding). Workloads are split off first; they start with a digit."""
    m = _CATEGORY.search(text)
    if not m:
        return text, None
    category = find_category(m.group("category"))
    if category is None:
        raise QueryError(
            f"I don't know the task '{m.group('category')[:40]}'. Rank by one of: {CATEGORY_NAMES}, "
            "e.g. `cheaper sonnet for coding`."
        )
    return text[: m.start()].strip(), category.name


def _alias(rest: str) -> AliasRequest:
    alias, _, name = rest.partition(" ")
    alias, name = alias.strip(" '\"`"), name.strip()
    for prefix in ("to ", "for ", "= ", "-> "):
        name = name.removeprefix(prefix)
    if not alias or not name:
        raise QueryError("Add an alias like `alias team-default gpt-4o`: one word, then the model.")
    if len(alias) > 50:
        raise QueryError("An alias is at most 50 characters.")
    return AliasRequest(alias=alias, name=_name(name))


def _unalias(rest: str) -> UnaliasRequest:
    if not rest:
        raise QueryError("Remove an alias like `unalias team-default`.")
    return UnaliasRequest(alias=_name(rest))


def _history(rest: str) -> HistoryRequest:
    if not rest:
        raise QueryError("Whose history? Try `history o1`.")
    return HistoryRequest(name=_name(rest))


def _chart(rest: str) -> ChartRequest:
    body, workload = _split_workload(rest)
    body, category = _split_category(body)
    names = [_name(n) for n in _SEPARATORS.split(body) if n.strip()] if body else []
    if not names:
        raise QueryError("Chart which models? Try `chart r1 o1 sonnet`, or `chart o1` for cheaper ones.")
    if len(names) > MAX_MODELS:
        raise QueryError(f"I can chart at most {MAX_MODELS} models at once; you gave {len(names)}.")
    return ChartRequest(names=names, workload=workload, category=category)


_INSTEAD = re.compile(r"^(?P<new>.+?)\s+instead\s+of\s+(?P<old>.+)$")
_FAMILY = re.compile(r"^famil(?:y|ies)\s+(?P<name>.+)$")


_CLOCK = re.compile(r"^(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)$")


def _digest(rest: str) -> DigestRequest:
    """`digest weekly [day] [HH:MM] [zone]` or `digest daily [HH:MM] [zone]` (Monday 09:00 UTC)."""
    words = rest.split()
    usage = (
        "Use `subscribe digest weekly` (Mondays 09:00 UTC), `subscribe digest daily`, or a day, hour and "
        "zone: `subscribe digest weekly friday 16:00 Europe/Berlin`."
    )
    if len(words) < 2 or words[1].lower() not in ("weekly", "daily"):
        raise QueryError(usage)
    schedule: Literal["weekly", "daily"] = "weekly" if words[1].lower() == "weekly" else "daily"
    weekday, at, tz = DEFAULT_WEEKDAY, DEFAULT_TIME, DEFAULT_TZ
    left = words[2:]
    if left and schedule == "weekly" and (day := _weekday(left[0])) is not None:
        weekday, left = day, left[1:]
    if left and (m := _CLOCK.match(left[0])):
        at, left = f"{int(m['h']):02d}:{m['m']}", left[1:]
    if left:
        tz, left = zone_name(left[0]), left[1:]  # a zone zoneinfo knows, or a QueryError saying what works
    if left:
        raise QueryError(usage)
    return DigestRequest(schedule=schedule, weekday=weekday, at=at, tz=tz)


def _weekday(word: str) -> int | None:
    key = word.lower()
    if len(key) < 3:
        return None
    return next((i for i, day in enumerate(WEEKDAYS) if day.startswith(key)), None)


def _unsubscribe(rest: str) -> UnsubscribeRequest | DigestRequest:
    if rest.lower() == "digest":
        return DigestRequest(schedule=None)
    if rest:
        raise QueryError("Use `unsubscribe` (every alert here) or `unsubscribe digest` (the digest only).")
    return UnsubscribeRequest()


def _alerts(rest: str) -> AlertsModeRequest:
    key = " ".join(rest.lower().replace("-", " ").split())
    if key in ("digest only", "digest"):
        return AlertsModeRequest(digest_only=True)
    if key in ("every change", "each change", "all", "on"):
        return AlertsModeRequest(digest_only=False)
    raise QueryError(
        "Use `alerts digest-only` (the digest only, no alert per change) or `alerts every change`."
    )


def _subscribe(rest: str) -> SubscribeRequest | DigestRequest:
    if rest.lower().split()[:1] == ["digest"]:
        return _digest(rest)
    pct: Decimal | None = None
    if m := _ABOVE.search(rest):
        pct = Decimal(m.group("pct"))
        if pct > 1000:
            raise QueryError("A threshold is a percentage from 0 to 1000, e.g. `subscribe above 5%`.")
        rest = rest[: m.start()].strip()
    if m := _INSTEAD.match(rest):
        # `subscribe gpt-5.5 instead of o3`: the countdown's button, swapping one followed model.
        return SubscribeRequest(names=[_name(m["new"])], instead_of=_name(m["old"]), min_change_pct=pct)
    # `subscribe deepseek r1, o1` (separated names), or `subscribe o1 r1`: words the catalog splits
    # into names (bot.domain.nameindex.NameIndex.resolve_words), so `subscribe opus 4.1` stays one;
    # `family sonnet` among them follows a family, present and future members.
    parts = _SEPARATORS.split(rest) if _SEPARATORS.search(rest) else [rest]
    names: list[str] = []
    families: list[str] = []
    for part in (p.strip() for p in parts if p.strip()) if rest else ():
        if m := _FAMILY.match(part):
            families.append(_name(m["name"]))
        else:
            names.append(_name(part))
    if len(names) + len(families) > 50:
        raise QueryError("Subscribe to at most 50 models at once.")
    return SubscribeRequest(names=names, min_change_pct=pct, families=families)


REPRICE_FORMS = (
    "Share a usage export (a CSV) with me, here or in a DM, then `/modelcost reprice`; add "
    "`--on deepseek-v4-pro,kimi-k2.6` for all of it on those models, `--for coding` for alternatives "
    "comparable at that task."
)
_REPRICE_OPTION = re.compile(r"(?:^| )(?:--)?(on|for) ")


def _reprice(rest: str) -> RepriceRequest:
    """`reprice`, `reprice --on a,b --for coding` (`on` and `for` without dashes too)."""
    found = list(_REPRICE_OPTION.finditer(" " + rest + " "))
    if rest and (not found or found[0].start() != 0):
        raise QueryError(f"`reprice` takes `--on` and `--for`. {REPRICE_FORMS}")
    padded = " " + rest + " "
    values: dict[str, str] = {}
    for n, m in enumerate(found):
        key, end = m.group(1), found[n + 1].start() if n + 1 < len(found) else len(padded)
        value = padded[m.end() : end].strip()
        if key in values or not value:
            raise QueryError(f"Give `--{key}` once, with a value. {REPRICE_FORMS}")
        values[key] = value
    on = [_name(n) for n in values.get("on", "").split(",") if n.strip()]
    if len(on) > MAX_MODELS:
        raise QueryError(f"`--on` takes at most {MAX_MODELS} models; you gave {len(on)}.")
    category = None
    if "for" in values:
        found_category = find_category(values["for"])
        if found_category is None:
            tasks = ", ".join(c.name for c in CATEGORIES)
            raise QueryError(f"`--for` wants a task: {tasks}; not '{values['for'][:40]}'.")
        category = found_category.name
    return RepriceRequest(on=on, category=category)


def _no_args(request: Request, usage: str) -> Callable[[str], Request]:
    def parse_it(rest: str) -> Request:
        if rest:
            raise QueryError(f"`{usage}` takes nothing after it.")
        return request

    return parse_it


def _sync(rest: str) -> SyncRequest | SyncStatusRequest:
    if rest == "status":
        return SyncStatusRequest()
    if rest not in ("", "--dry-run", "dry-run", "dry run"):
        raise QueryError("Use `sync`, `sync dry-run` to see what would change, or `sync status`.")
    return SyncRequest(dry_run=bool(rest))


_VERBS: dict[str, Callable[[str], Request]] = {
    "set": _set,
    "unset": _unset,
    "alias": _alias,
    "unalias": _unalias,
    "history": _history,
    "chart": _chart,
    "subscribe": _subscribe,
    "unsubscribe": _unsubscribe,
    "alerts": _alerts,
    "subscriptions": _no_args(SubscriptionsRequest(), "subscriptions"),
    "sync": _sync,
    "audit": _no_args(AuditRequest(), "audit"),
    "reprice": _reprice,
}


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


# The way nearly everyone writes a workload (normalised): read in one match, as the loop below reads it.
_PLAIN_WORKLOAD = re.compile(r"(\d{1,6})([kmb]?) in (\d{1,6})([kmb]?) out(?: (\d{1,2})% cached)?")


def parse_workload(spec: str) -> Workload:
    """`10M in 2M out`, `10m input, 2m output, 30% cached, 2M 1h cache writes, 300k prompts, batch`
    -> Workload. Each part at most once; QueryError with the accepted forms otherwise."""
    if m := _PLAIN_WORKLOAD.fullmatch(spec):
        inp, in_unit, out, out_unit, pct = m.groups()
        cached = Decimal(pct) / 100 if pct else None
        return Workload(
            int(inp) * _UNITS[in_unit or None], int(out) * _UNITS[out_unit or None], cached or Decimal(0)
        )
    return _read_workload(spec)


def _read_workload(spec: str) -> Workload:
    """Any way of writing a workload, part by part."""
    rest = spec.strip()
    tokens: dict[str, int] = {}
    cached: Decimal | None = None
    tier: ServiceTier | None = None
    offpeak = False

    def once(part: str, seen: bool) -> None:
        if seen:
            raise QueryError(f"The workload '{spec[:80]}' gives {part} twice. {WORKLOAD_FORMS}")

    while rest:
        m = _WORKLOAD_PART.match(rest)
        if not m:
            raise QueryError(f"I couldn't read the workload '{spec[:80]}'. {WORKLOAD_FORMS}")
        pct = m.group("pct") or m.group("pct2")
        if pct is not None:
            once("a cached share", cached is not None or "cached" in tokens)
            cached = Decimal(pct) / 100
        elif m.group("tier"):
            once("a service tier", tier is not None)
            tier = _TIERS[m.group("tier")]
        elif m.group("offpeak"):
            once("off-peak", offpeak)
            offpeak = True
        else:
            direction = _DIRECTIONS.get(m.group("dir"))
            if direction is None:  # cache writes, or prompt size
                direction = "prompts" if m.group("dir").startswith("prompt") else "writes"
            if m.group("ttl") and direction != "writes":
                raise QueryError(
                    f"'{m.group('ttl')}' goes with cache writes: `2M 1h cache writes`. {WORKLOAD_FORMS}"
                )
            if direction == "writes" and m.group("ttl") and m.group("ttl")[0] == "1":
                direction = "writes_1h"
            once(
                _PART_NAMES[direction], direction in tokens or (direction == "cached" and cached is not None)
            )
            tokens[direction] = _count(m.group("n"), m.group("n_unit"))
        rest = rest[m.end() :].strip()
    if "in" not in tokens or "out" not in tokens:
        raise QueryError(f"A workload needs both input and output tokens. {WORKLOAD_FORMS}")
    inp, out = tokens["in"], tokens["out"]
    if "cached" in tokens:
        if tokens["cached"] > inp:
            raise QueryError("Cached tokens are part of the input: give input tokens at least as many.")
        cached = Decimal(tokens["cached"]) / Decimal(inp) if inp else Decimal(0)
    if cached is not None and not 0 <= cached <= 1:
        raise QueryError(f"The cached share must be between 0% and 100%. {WORKLOAD_FORMS}")
    share = cached or Decimal(0)
    writes, writes_1h = tokens.get("writes", 0), tokens.get("writes_1h", 0)
    if writes + writes_1h + Decimal(inp) * share > inp:
        raise QueryError(
            "Cached tokens and cache writes are parts of the input: together at most the input. "
            + WORKLOAD_FORMS
        )
    prompt = tokens.get("prompts")
    if prompt is not None and prompt == 0:
        raise QueryError(f"A prompt has at least one token. {WORKLOAD_FORMS}")
    return Workload(
        inp,
        out,
        share,
        cache_write_tokens=writes,
        cache_write_1h_tokens=writes_1h,
        prompt_tokens=prompt,
        service_tier=tier or "standard",
        offpeak=offpeak,
    )


_DIRECTIONS = {
    "in": "in",
    "input": "in",
    "out": "out",
    "output": "out",
    "cached": "cached",
    "cache": "cached",
}


_PART_NAMES = {
    "in": "input tokens",
    "out": "output tokens",
    "cached": "cached tokens",
    "writes": "cache writes",
    "writes_1h": "1-hour cache writes",
    "prompts": "a prompt size",
}


_TIERS: dict[str, ServiceTier] = {
    "batch": "batch",
    "flex": "flex",
    "priority": "priority",
    "standard": "standard",
}


def _count(number: str, unit: str | None) -> int:
    try:
        value = Decimal(number.replace(",", "").replace("_", "")) * _UNITS[unit]
    except (InvalidOperation, KeyError):
        raise QueryError(f"'{number}{unit or ''}' is not a token count.") from None
    if value > MAX_TOKENS:
        raise QueryError("That workload is larger than any real job; at most 1,000,000B tokens.")
    return int(value)
