"""Which model a host's model id is: one pure rule for every host and source (genai-prices' providers,
LiteLLM's keys, models.dev, OpenRouter, LMArena), so that the same model is one catalog model wherever
it is sold, and two models are never one.

`identify(provider, model_id)` takes a host's id apart into the model's key (what the catalog calls the
model: lower case, dotted versions, no host prefix), the way it is served (a tier such as `:free`, a
reasoning-effort or thinking variant) and the vendor the host names. What it strips only ever names the
host's packaging of the same weights:

- host paths and prefixes: `accounts/fireworks/models/`, `@cf/meta/`, `meta-llama/`, Bedrock's
  `global.anthropic.` and `-v1:0`, Databricks' `databricks-`, Vertex's `@20250514` and `-maas`;
- precision (`-fp8`, `-bf16`), Gemma's `-it`, `-instruct` before a snapshot (Qwen's `-instruct-2507`),
  `-latest` (a pointer to the current snapshot), a region (`-us`);
- spelling: `4-5` between single digits and Fireworks' `4p5` read `4.5`; `llama3` reads `llama-3`.

What it keeps, because it names another model: `-instruct` elsewhere (hosts sell base weights too:
`Mistral-7B-v0.1` is not `Mistral-7B-Instruct-v0.1`, nor gpt-3.5-turbo-instruct gpt-3.5-turbo; a curated
model's own ids say which is which, bot.store.curation), dates and four-digit snapshots
(`gpt-4o-2024-05-13`, `deepseek-r1-0528`, `mistral-large-2411`), `-preview`, sizes (`gemma-4-31b` is not
`gemma-4-26b-a4b`), speed tiers sold at their own price (`-fast`, `-turbo`, `-highspeed`), `-thinking`
inside an id (Kimi K2 Thinking and Qwen3 235B Thinking 2507 are their own weights),
`-mini`/`-pro`/`-flash`.
A tier or variant after `:` (`:free`, `:thinking`) or a trailing effort (`-high`) is the same model
served another way: the key is the model's, and `tier`/`variant` say how.

`line_of(key)` reads a key's family and version (`claude-opus-4.7` -> claude-opus, 4.7), from which the
names people type are made (bot.domain.spoken) and the newest member of a family is found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIERS = frozenset({"free", "beta", "extended", "nitro", "floor", "exacto", "online", "batch", "flex"})
_COLON_VARIANTS = frozenset({"thinking", "reasoning"})
_EFFORT = re.compile(r"-(minimal|low|medium|high|xhigh)$")
_BEDROCK = re.compile(
    r"^(?:(?:us|eu|apac|au|jp|ca|global|regional)\.)?"
    r"(anthropic|meta|mistral|amazon|cohere|deepseek|openai|qwen|google|ai21|writer|minimax|moonshotai|"
    r"moonshot|zai|nvidia|twelvelabs|stability|luma)\.(?=[a-z])"
)
_BEDROCK_REVISION = re.compile(r"(?:-v1)?:0$")
_VERTEX_DATE = re.compile(r"@(?:\d{8}|latest|default)$")
_PRECISION = re.compile(r"-(?:fp8|fp16|fp4|bf16|int8|int4|awq|gguf|mlx)(?=-|$)")
# Gemma's instruction-tuned weights are `-it` (its base ones `-pt`, kept); `-hf` is a repackaging. An
# `-instruct` goes only before a snapshot (Qwen's `-instruct-2507`: no base of that snapshot exists):
# elsewhere a host may sell the base weights too (Mistral-7B-v0.1, Qwen2.5-Coder-7B, gpt-3.5-turbo-instruct).
_INSTRUCT = re.compile(r"-(?:it|hf)(?=-|$)|-instruct(?=-\d{4}$)")
_LATEST = re.compile(r"-latest$")
_REGION = re.compile(r"-(?:us|eu)$")
_MAAS = re.compile(r"-maas$")
_FIREWORKS_POINT = re.compile(r"(?<=\d)p(?=\d)")
_DOT_VERSION = re.compile(r"(^|-)([a-z]{0,2}\d)-(\d)(?=-|$)")  # claude-3-5 -> claude-3.5, glm-5-2
_LLAMA = re.compile(r"^(?:meta-)?llama-?v?(?=\d)")
_QWEN = re.compile(r"^qwen-(?=\d)")  # qwen-3-32b is qwen3-32b
_ZAI = re.compile(r"^zai-(?=glm)")  # Cerebras' zai-glm-4.7 is glm-4.7
_SPACES = re.compile(r"[\s_]+")
_DASHES = re.compile(r"-{2,}")
# Llama 4 Maverick and Scout come in one size each, and Meta sells no base weights of them.
_LLAMA4_SIZE = re.compile(r"^(llama-4-(?:maverick|scout))-17b(?:-\d+e)?(?:-instruct)?$")
_DOT_ZERO = re.compile(r"(?<=-\d)\.0$")  # claude-sonnet-4-0 is claude-sonnet-4 (gemini-2.0-flash stays)
_GOOGLE_REVISION = re.compile(r"^(gemini-.+)-00\d$")  # gemini-2.0-flash-lite-001: the stable revision
_AMAZON_V1 = re.compile(r"^((?:nova|titan)-.+)-v1$")  # nova-2-lite-v1


@dataclass(frozen=True, slots=True)
class Identity:
    """A host's model id read: the model's `key`, and how this host serves it."""

    key: str
    tier: str | None = None  # `free`, `beta`, `batch`, `latest`...: served another way, or a pointer
    variant: str | None = None  # `thinking`, `high`...: a mode of the same model
    vendor: str | None = None  # the organisation the host's id names (`meta-llama`, `qwen`)

    @property
    def plain(self) -> bool:
        """The model as sold by default: neither a tier nor a variant (only these carry its price)."""
        return self.tier is None and self.variant is None


def identify(provider_id: str, model_id: str) -> Identity:
    """The model a host's id names; see the module docstring for what is stripped and what kept."""
    text = _SPACES.sub("-", model_id.strip().lower())
    tier = variant = None
    if text.startswith("ft:"):
        return Identity(text, tier="fine-tune")
    head, colon, tail = text.rpartition(":")
    if colon and tail in _TIERS:
        text, tier = head, tail
    elif colon and tail in _COLON_VARIANTS:
        text, variant = head, tail
    text = _VERTEX_DATE.sub("", text)
    vendor = None
    if "/" in text:
        path = text.split("/")
        vendor = path[-2] if len(path) > 1 and path[-2] not in ("models", "@cf", "@hf") else None
        text = path[-1]
    if text.startswith("@cf") or text.startswith("@hf"):
        text = text[3:]
    if bedrock := _BEDROCK.match(text):
        vendor = vendor or bedrock.group(1)
        text = text[bedrock.end() :]
        text = _BEDROCK_REVISION.sub("", text)
    if provider_id == "databricks" and text.startswith("databricks-"):
        text = text.removeprefix("databricks-")
    text = _FIREWORKS_POINT.sub(".", text) if provider_id.endswith("fireworks") else text
    text = _DASHES.sub("-", text).strip("-")
    text = _ZAI.sub("", _QWEN.sub("qwen", _LLAMA.sub("llama-", text)))
    previous = None
    while previous != text:
        previous = text
        text = _PRECISION.sub("", text)
        text = _INSTRUCT.sub("", text)
        text = _LATEST.sub("", text)
        text = _MAAS.sub("", text)
        if provider_id.endswith("fireworks"):
            text = _REGION.sub("", text)
    if tier is None and (
        model_id.startswith("~") or (previous_latest(model_id) and not re.search(r"\d", text))
    ):
        tier = (
            "latest"  # a pointer that moves to each new release (`~openai/gpt-latest`): no model of its own
        )
    text = _DOT_VERSION.sub(r"\1\2.\3", text)
    text = _DOT_ZERO.sub("", text)
    text = _LLAMA4_SIZE.sub(r"\1", text)
    text = _AMAZON_V1.sub(r"\1", _GOOGLE_REVISION.sub(r"\1", text))
    if variant is None and (effort := _EFFORT.search(text)) and re.search(r"\d", text[: effort.start()]):
        text, variant = text[: effort.start()], effort.group(1)
    return Identity(text, tier=tier, variant=variant, vendor=vendor)


def previous_latest(model_id: str) -> bool:
    return model_id.lower().rstrip().endswith("-latest")


# ---- families and versions ------------------------------------------------------------------------

_VERSION = re.compile(r"^([a-z]{0,2}?)(\d+(?:\.\d+)*)([a-z]?)$")  # 5, 4.7, v4, k2.6, m2.5, o3, 4o
_GLUED = re.compile(r"^([a-z]{3,})(\d+(?:\.\d+)*)$")  # qwen3.5, llama3
_SIZE = re.compile(r"^(?:[ae]?\d+(?:\.\d+)?[bmk]|\d+e|\d+x\d+b)$")  # 31b, a17b, e4b, 128e, 8x22b
_SNAPSHOT = re.compile(r"^(?:\d{4}|\d{6}|\d{8})$")  # 2411, 0528, 20250514
_BRANDS = frozenset({"claude", "meta"})  # a lab's brand said before the family (`claude opus`)


@dataclass(frozen=True, slots=True)
class Line:
    """A key read as a release line: `family` (its words but the version and sizes), `version` as
    numbers for ordering, the version as written, and the size words."""

    family: str
    version: tuple[int, ...]
    version_text: str
    sizes: tuple[str, ...] = ()
    snapshot: str | None = None

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.family.split("-"))


def line_of(key: str) -> Line | None:
    """`claude-opus-4.7` -> (claude-opus, 4.7); `qwen3.5-397b-a17b` -> (qwen, 3.5, 397b a17b);
    `deepseek-v4-pro` -> (deepseek-pro, v4); None for a key with no version (`mistral-large`)."""
    words: list[str] = []
    sizes: list[str] = []
    version: tuple[int, ...] | None = None
    version_text = ""
    snapshot = None
    for token in key.split("-"):
        glued = _GLUED.match(token)
        if version is None and glued and glued.group(1) not in ("gpt",):
            words.append(glued.group(1))
            version, version_text = _numbers(glued.group(2)), glued.group(2)
            continue
        if _SNAPSHOT.match(token):
            snapshot = token
            continue
        match = _VERSION.match(token)
        if version is None and match and not _SIZE.match(token):
            prefix, number, suffix = match.groups()
            # The letter before is the line's (DeepSeek's R and V, Kimi's K, OpenAI's o): kept in the
            # family, apart; a letter after (GPT-4o) is of the version.
            if prefix:
                words.append(prefix)
            version, version_text = _numbers(number), token
            continue
        if _SIZE.match(token):
            sizes.append(token)
            continue
        words.append(token)
    if version is None or not words:
        return None
    return Line("-".join(words), version, version_text, tuple(sizes), snapshot)


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in text.split("."))


def brandless(words: tuple[str, ...]) -> tuple[str, ...]:
    """A family's words without the brand said before it (`claude-opus` -> opus); never empty."""
    rest = tuple(w for w in words if w not in _BRANDS)
    return rest or words


# ---- labs ------------------------------------------------------------------------------------------

# Whose model a key is, by the start of its key: the labs' own names for their lines. The lab's name is
# the one data/catalog.toml gives its [[lab]] (a model card shows it beside the lab's own API).
_LABS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), lab)
    for pattern, lab in (
        (
            r"^(?:gpt|o\d|chatgpt|codex|text-embedding|dall-e|whisper|tts|davinci|babbage|omni-moderation|sora)",
            "OpenAI",
        ),
        (r"^claude", "Anthropic"),
        (r"^(?:gemini|gemma|imagen|veo|text-multilingual-embedding|learnlm|medgemma|codegemma)", "Google"),
        (r"^deepseek", "DeepSeek"),
        (
            r"^(?:mistral|ministral|codestral|magistral|devstral|pixtral|voxtral|mixtral|open-mistral|open-mixtral)",
            "Mistral",
        ),
        (r"^grok", "xAI"),
        (r"^(?:kimi|moonshot)", "Moonshot AI"),
        (r"^(?:glm|chatglm|zai-glm)", "Z.ai"),
        (r"^(?:command|c4ai|embed-|rerank-|aya)", "Cohere"),
        (r"^minimax", "MiniMax"),
        (r"^(?:nemotron|llama-3.\d-nemotron)", "NVIDIA"),
        (r"^(?:sonar|llama-[\d.]+-sonar)", "Perplexity"),
        (r"^llama", "Meta"),
        (r"^(?:qwen|qwq|qvq)", "Alibaba/Qwen"),
        (r"^phi-", "Microsoft"),
        (r"^(?:nova|titan)", "Amazon"),
        (r"^granite", "IBM"),
        (r"^jamba", "AI21"),
        (r"^mimo", "Xiaomi"),
        (r"^ernie", "Baidu"),
        (r"^hermes", "Nous Research"),
        (r"^olmo", "Ai2"),
        (r"^inkling", "Thinking Machines"),
        (r"^palmyra", "Writer"),
        (r"^(?:hunyuan|hy\d)", "Tencent"),
        (r"^(?:doubao|seed-)", "ByteDance"),
        (r"^step-?\d", "StepFun"),
        (r"^(?:ling|ring)-\d", "inclusionAI"),
        (r"^(?:pplx-|sonar)", "Perplexity"),
        (r"^voyage-", "Voyage AI"),
        (r"^eleven", "ElevenLabs"),
        (r"^composer-\d", "Cursor"),
        (r"^yi-", "01.AI"),
    )
)


# The organisation a host names in its id (`meta-llama/`, Hugging Face's `zai-org/`) -> the lab.
_VENDORS = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google",
    "deepseek": "DeepSeek",
    "deepseek-ai": "DeepSeek",
    "mistral": "Mistral",
    "mistralai": "Mistral",
    "x-ai": "xAI",
    "xai": "xAI",
    "moonshotai": "Moonshot AI",
    "zai-org": "Z.ai",
    "z-ai": "Z.ai",
    "thudm": "Z.ai",
    "minimax": "MiniMax",
    "minimaxai": "MiniMax",
    "meta": "Meta",
    "meta-llama": "Meta",
    "qwen": "Alibaba/Qwen",
    "microsoft": "Microsoft",
    "nvidia": "NVIDIA",
    "ibm-granite": "IBM",
    "amazon": "Amazon",
    "cohere": "Cohere",
    "coherelabs": "Cohere",
    "xiaomi": "Xiaomi",
    "xiaomimimo": "Xiaomi",
    "baidu": "Baidu",
    "nousresearch": "Nous Research",
    "allenai": "Ai2",
    "thinkingmachines": "Thinking Machines",
    "tencent": "Tencent",
    "inclusionai": "inclusionAI",
    "writer": "Writer",
    "baai": "BAAI",
    "perplexity": "Perplexity",
    "bytedance": "ByteDance",
    "bytedance-seed": "ByteDance",
    "arcee-ai": "Arcee",
    "codellama": "Meta",
    "01-ai": "01.AI",
}


def lab_of(key: str, vendor: str | None = None) -> str | None:
    """The lab whose model `key` is, from the lab's own naming, else from the vendor a host's id
    names; None when neither says."""
    for pattern, lab in _LABS:
        if pattern.match(key):
            return lab
    return _VENDORS.get(vendor or "")
