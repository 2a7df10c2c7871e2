"""What a workload costs at a host, and at which host: the one pricing of workloads every caller uses.

A host's prices are a `RateCard`: its standard prices (input, output, cache read, 5-minute cache write)
and, where a source gives them, the prices that depend on the prompt's size ("above 200k"), on the
service tier (batch, flex, priority), the 1-hour cache write, and an off-peak window. Each price keeps
the name of its source (genai-prices, LiteLLM, an admin).

`price_workload(card, work)` prices one workload at one host, part by part (input, cache writes, cache
reads, output), with the tiers it applied and what it could not apply; `choose(cards, work)` picks the
cheapest host among those that offer what the workload asks (its service tier, off-peak hours), and
says when a host without it is cheaper still. Money is Decimal, exact: tokens x USD per 1M / 10^6.

The rules (docs/workloads.md says them to users):
- the prompt size picks, for each kind of price, the dearest tier whose threshold it passes ("above
  200k": prompts of more than 200,000 tokens), for all of the input and output, as the labs bill it;
  a prompt larger than the host's context (or its input limit) can't be sent there;
- a service tier's price is used where the host has one; where no host has one, the standard price,
  marked ("no batch price known"), never a discount made up;
- off-peak prices apply to the standard tier, where the host has an off-peak window;
- a host with no prompt-size tiers, for a model another host bills at such a tier for this prompt,
  is not assumed flat: it lacks the tier ("no above 200k price known"), and a host with it is preferred;
- a missing cache-read price is the input price; a missing cache-write price is the input price (hosts
  that cache by themselves bill writes as input); a missing 1-hour write price is the 5-minute one,
  said, and the host counts as lacking it (one with a 1-hour price is preferred).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from bot.contract.actor import Actor
from bot.contract.requests import ServiceTier, Workload
from bot.contract.views import WorkloadView
from bot.domain.prices import DEFAULT_WORKLOAD, MILLION, OffPeak, PriceData

# The kinds of price a workload reads: the price keys of bot.domain.prices, and the 1-hour cache write.
INPUT, OUTPUT, CACHE_READ, CACHE_WRITE = "input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok"
CACHE_WRITE_1H = "cache_write_1h_mtok"
RATE_KEYS = (INPUT, OUTPUT, CACHE_READ, CACHE_WRITE, CACHE_WRITE_1H)
SERVICE_TIERS: tuple[ServiceTier, ...] = ("standard", "batch", "flex", "priority")

LITELLM = "LiteLLM"  # the source named for LiteLLM's prices (data/litellm/, or the cross-check feed)
LACKING_1H = "1-hour cache-write"  # what a host lacks without a 1-hour cache-write price


def price_source(source: Actor) -> str:
    """A price row's source as a breakdown names it: the snapshot's label, "genai-prices feed", "admin"."""
    if source.kind == "snapshot":
        return source.id
    return "genai-prices feed" if source.kind == "feed" else source.kind


# The parts of a workload's cost, in the order they are shown.
PART_INPUT, PART_WRITES, PART_WRITES_1H, PART_READS, PART_OUTPUT = (
    "input",
    "cache writes",
    "cache writes (1h)",
    "cache reads",
    "output",
)


@dataclass(frozen=True)
class Rate:
    """One price, USD per 1M tokens, and whose figure it is ("genai-prices", "LiteLLM 1.110.2")."""

    mtok: Decimal
    source: str


@dataclass(frozen=True)
class ExtraRate:
    """A price beyond the standard ones: of a kind (RATE_KEYS), a service tier, for prompts above a size."""

    key: str
    service: str  # a ServiceTier
    above: int  # prompts of more than this many tokens; 0: every prompt
    mtok: Decimal
    source: str


@dataclass(frozen=True)
class RateCard:
    """Every price of one host for one model that a workload may need."""

    host: str  # the host's name, as answers show it
    rates: Mapping[tuple[str, str, int], Rate]  # (kind, service tier, above) -> price
    offpeak: OffPeak | None = None
    offpeak_source: str = ""
    prompt_limit: int | None = None  # the largest prompt the host takes (input limit, else context)

    def rate(self, key: str, service: str, prompt: int | None) -> tuple[Rate, int] | None:
        """The price of a kind in a service tier for a prompt of this size, and the tier's threshold."""
        best: tuple[Rate, int] | None = None
        for (k, s, above), rate in self.rates.items():
            if k == key and s == service and (above == 0 or (prompt is not None and prompt > above)):
                if best is None or above > best[1]:
                    best = (rate, above)
        return best

    def offers(self, service: ServiceTier) -> bool:
        return service == "standard" or any(s == service and k == INPUT for k, s, _ in self.rates)


def card(
    host: str,
    price: PriceData,
    source: str,
    extras: Iterable[ExtraRate] = (),
    *,
    prompt_limit: int | None = None,
) -> RateCard:
    """A host's rate card: its standard and extra prices from `source`, then the extras of a second
    source (each with its own name) where the first has no such price."""
    rates: dict[tuple[str, str, int], Rate] = {}
    for key, value in price.values().items():
        if value is not None:
            rates[(key, "standard", 0)] = Rate(value, source)
    # The price's own extras (its source's: genai-prices' tiers, 1-hour writes) before anyone else's.
    for own in price.extra:
        rates.setdefault((own.key, own.service, own.above), Rate(own.mtok, source))
    for extra in extras:
        rates.setdefault((extra.key, extra.service, extra.above), Rate(extra.mtok, extra.source))
    return RateCard(host, rates, price.offpeak, source if price.offpeak else "", prompt_limit)


@dataclass(frozen=True)
class Part:
    """One line of a workload's cost: tokens x price."""

    name: str  # PART_INPUT, ...
    tokens: int
    mtok: Decimal
    cost: Decimal
    source: str


@dataclass(frozen=True)
class Priced:
    """A workload priced at one host."""

    host: str
    total: Decimal
    parts: tuple[Part, ...]
    tiers: tuple[str, ...]  # the tiers applied: "above 200k", "batch", "off-peak"
    lacking: tuple[str, ...]  # asked for but not offered here: "batch", "off-peak"
    notes: tuple[str, ...] = ()  # how a missing price was filled in
    rates: RateCard | None = field(default=None, compare=False, repr=False)  # the card it was priced at


@dataclass(frozen=True)
class TooLong:
    """The workload's prompt is larger than the host takes."""

    host: str
    prompt_tokens: int
    limit: int


def tier_label(above: int) -> str:
    """200000 -> 'above 200k'; 272000 -> 'above 272k'; 1048576 -> 'above 1048.576k'."""
    if above % 1_000_000 == 0:
        return f"above {above // 1_000_000}M"
    if above % 1_000 == 0:
        return f"above {above // 1_000}k"
    return f"above {above:,}"


def _usd(token_dollars: Decimal) -> Decimal:
    """Tokens x USD per 1M -> USD, as a plain Decimal (no exponent)."""
    return Decimal(format((token_dollars / MILLION).normalize(), "f"))


def price_workload(rates: RateCard, work: Workload) -> Priced | TooLong | None:
    """The workload at this host: Priced, TooLong when its prompt can't be sent here, or None when the
    host lacks a price the workload needs (input, or output when there is output)."""
    prompt = work.prompt_tokens
    if prompt is not None and rates.prompt_limit is not None and prompt > rates.prompt_limit:
        return TooLong(rates.host, prompt, rates.prompt_limit)
    asked = work.service_tier
    service: ServiceTier = asked if rates.offers(asked) else "standard"
    lacking: list[str] = [] if service == asked else [asked]
    offpeak = rates.offpeak if work.offpeak and service == "standard" else None
    if work.offpeak and rates.offpeak is None:
        lacking.append("off-peak")
    tiers: list[str] = []
    notes: list[str] = []

    def rate(key: str) -> Rate | None:
        """The price of a kind for this workload: the service tier's, for the prompt's tier."""
        found = rates.rate(key, service, prompt)
        if service != "standard":
            standard = rates.rate(key, "standard", prompt)
            if found is None or (standard is not None and standard[1] > found[1]):
                # The service tier has no price of this kind (or none for this prompt size): the
                # standard one, never a discount made up.
                if standard is not None and found is None and key != CACHE_WRITE_1H:
                    notes.append(f"no {service} {_KIND[key]} price known: standard price")
                elif standard is not None and found is not None:
                    notes.append(
                        f"no {service} {_KIND[key]} price {tier_label(standard[1])} known: standard price"
                    )
                found = standard
        if found is None:
            return None
        chosen, above = found
        if above:
            label = tier_label(above)
            if label not in tiers:
                tiers.append(label)
        if offpeak is not None and key in _OFFPEAK and above == 0:
            value = getattr(offpeak, key)
            if value is not None:
                return Rate(value, rates.offpeak_source)
        return chosen

    input_rate = rate(INPUT)
    output_rate = rate(OUTPUT)
    if input_rate is None or (work.output_tokens and output_rate is None):
        return None
    # Token counts stay exact Decimals (a share of a count need not be whole); each part's tokens are
    # shown rounded.
    cached = Decimal(work.input_tokens) * work.cached_share
    writes, writes_1h = Decimal(work.cache_write_tokens), Decimal(work.cache_write_1h_tokens)
    fresh = Decimal(work.input_tokens) - cached - writes - writes_1h
    lines: list[tuple[str, Decimal, Rate]] = []
    if fresh or not (cached or writes or writes_1h):
        lines.append((PART_INPUT, fresh, input_rate))
    if writes:
        w = rate(CACHE_WRITE)
        if w is None:
            notes.append("no cache-write price: billed as input")
            w = input_rate
        lines.append((PART_WRITES, writes, w))
    if writes_1h:
        w = rate(CACHE_WRITE_1H)
        if w is None:
            w = rate(CACHE_WRITE)
            if w is None:
                notes.append("no cache-write price: billed as input")
                w = input_rate
            else:
                notes.append("no 1-hour cache-write price known: 5-minute price")
            # Asked for and not offered: a host with a 1-hour price is preferred, as for a service tier.
            lacking.append(LACKING_1H)
        lines.append((PART_WRITES_1H, writes_1h, w))
    if cached:
        r = rate(CACHE_READ)
        if r is None:
            notes.append("no cache-read price: billed as input")
            r = input_rate
        lines.append((PART_READS, cached, r))
    out = output_rate if output_rate is not None else Rate(Decimal(0), input_rate.source)
    lines.append((PART_OUTPUT, Decimal(work.output_tokens), out))
    parts = tuple(
        Part(name, int(n.to_integral_value(ROUND_HALF_UP)), r.mtok, _usd(n * r.mtok), r.source)
        for name, n, r in lines
    )
    total = _usd(sum((n * r.mtok for _, n, r in lines), Decimal(0)))
    if service != "standard":
        tiers.append(service)
    if offpeak is not None:
        tiers.append("off-peak")
    return Priced(rates.host, total, parts, tuple(tiers), tuple(lacking), tuple(dict.fromkeys(notes)), rates)


_KIND = {
    INPUT: "input",
    OUTPUT: "output",
    CACHE_READ: "cache-read",
    CACHE_WRITE: "cache-write",
    CACHE_WRITE_1H: "1-hour cache-write",
}
_OFFPEAK = (INPUT, OUTPUT, CACHE_READ)


@dataclass(frozen=True)
class Choice:
    """Where a model is cheapest for a workload, among its hosts."""

    best: Priced | None  # the cheapest host offering what was asked (else the cheapest host, marked)
    # A host without what was asked that costs less still than `best` (which has it), said in a line.
    cheaper_without: Priced | None = None
    too_long: TooLong | None = None  # every host that prices it is too small for the prompt
    priced: tuple[Priced, ...] = field(default=())  # every host priced, cheapest first

    @property
    def lacking(self) -> tuple[str, ...]:
        return self.best.lacking if self.best else ()


def choose(cards: Sequence[RateCard], work: Workload, prefer: RateCard | None = None) -> Choice:
    """The cheapest host (least total, then `prefer` (the lab's own offering), then name, then the cards'
    order) among those offering what the workload asks; when none offers it, the cheapest of all, marked
    by what it lacks. A host costing the same as the lab is never chosen over it."""
    priced: list[tuple[Decimal, bool, str, int, Priced]] = []
    too_long: TooLong | None = None
    for n, c in enumerate(cards):
        found = price_workload(c, work)
        if isinstance(found, TooLong):
            too_long = too_long or found
        elif found is not None:
            priced.append((found.total, c is not prefer, found.host, n, found))
    if not priced:
        return Choice(None, too_long=too_long)
    tier = _prompt_tier(cards, work.prompt_tokens)
    if tier:
        # Some source bills this model's prompts of this size at a dearer tier: a host whose card has no
        # prompt-size tiers at all is not known to be flat (its source may just not list them), so it
        # lacks the tier, as a host without a batch price lacks batch; one with the tier is preferred.
        priced = [
            (t, o, h, n, p if _has_prompt_tiers(p.rates) else replace(p, lacking=(*p.lacking, tier)))
            for t, o, h, n, p in priced
        ]
    priced.sort(key=lambda x: x[:4])
    ordered = tuple(p for *_, p in priced)
    full = [p for p in ordered if not p.lacking]
    if not full:
        # Fewest things lacking first (a host with off-peak hours but no batch price beats one with neither).
        best = min(ordered, key=lambda p: len(p.lacking))
        return Choice(best, priced=ordered)
    best = full[0]
    cheaper = ordered[0] if ordered[0].lacking and ordered[0].total < best.total else None
    return Choice(best, cheaper_without=cheaper, priced=ordered)


def _has_prompt_tiers(rates: RateCard | None) -> bool:
    return rates is not None and any(k == INPUT and above for k, _, above in rates.rates)


def _prompt_tier(cards: Sequence[RateCard], prompt: int | None) -> str:
    """The dearest prompt-size tier any of the model's hosts bills a prompt of this size at ("above
    200k"), or "" when none does."""
    if prompt is None:
        return ""
    passed = [above for c in cards for k, _, above in c.rates if k == INPUT and 0 < above < prompt]
    return tier_label(max(passed)) if passed else ""


def workload_cost(price: PriceData, workload: Workload) -> Decimal | None:
    """USD for the workload at these standard prices; None when a needed price is unknown."""
    found = price_workload(card("", price, ""), workload)
    return found.total if isinstance(found, Priced) else None


def workload_view(workload: Workload | None, *, team_default: bool = False) -> WorkloadView:
    w = workload or DEFAULT_WORKLOAD
    return WorkloadView(
        input_tokens=w.input_tokens,
        output_tokens=w.output_tokens,
        cached_share=w.cached_share,
        given=workload is not None,
        cache_write_tokens=w.cache_write_tokens,
        cache_write_1h_tokens=w.cache_write_1h_tokens,
        prompt_tokens=w.prompt_tokens,
        service_tier=w.service_tier,
        offpeak=w.offpeak,
        team_default=team_default,
    )
