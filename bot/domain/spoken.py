"""Names as people type them, made from a model's family and version (bot.domain.identity.line_of):
`claude-opus-4.7` answers to `opus 4.7`, `qwen3.5-397b-a17b` to `qwen3.5 397b`; a family said alone
(`sonnet`, `gemini flash`) means its newest member; and "did you mean" stays within the family typed,
never going back a generation when a newer member matches.

Pure: the name index (bot.domain.nameindex) asks these for every model it holds. A generated name two
models share is ambiguous there, never a pick.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from datetime import date

from bot.domain.identity import Line, brandless, line_of

_ACTIVE = re.compile(r"^(?:a\d+(?:\.\d+)?b|\d+e)$")  # a17b, 128e: how a mixture of experts is built
_DIGIT = re.compile(r"\d")


@functools.lru_cache(maxsize=8192)  # the same ids at every rebuild of the read model
def spoken_names(model_id: str) -> tuple[str, ...]:
    """The names a model's id makes: its words (`claude opus 4.7`), without the brand said before the
    family (`opus 4.7`), without the experts' size (`qwen3.5 397b`); each with a digit in it, so that
    no generated name is a bare family word."""
    words = model_id.split("-")
    out = [" ".join(words)]
    plain = [w for w in words if not _ACTIVE.match(w)]
    if len(plain) < len(words):
        out.append(" ".join(plain))
    for form in list(out):
        kept = brandless(tuple(form.split(" ")))
        if kept != tuple(form.split(" ")):
            out.append(" ".join(kept))
    return tuple(n for n in dict.fromkeys(out) if _DIGIT.search(n))


@functools.lru_cache(maxsize=8192)
def line(model_id: str) -> Line | None:
    return line_of(model_id)


def family_names(family: str) -> list[str]:
    """What people type for a family alone: `claude-sonnet` -> `sonnet`, `claude sonnet`;
    `gemini-flash` -> `gemini flash`. A line's letter (DeepSeek's V, Kimi's K) is not said alone."""
    words = tuple(w for w in family.split("-") if len(w) > 1)
    if not words:
        return []
    names = [" ".join(words), " ".join(brandless(words))]
    return list(dict.fromkeys(names))


def newest(members: Iterable[str], released: Mapping[str, date | None]) -> str | None:
    """The newest member of a family: by release date where both are known, else by version."""
    best: str | None = None
    for member in members:
        if best is None or _newer(member, best, released):
            best = member
    return best


def _newer(a: str, b: str, released: Mapping[str, date | None]) -> bool:
    da, db = released.get(a), released.get(b)
    if da is not None and db is not None and da != db:
        return da > db
    la, lb = line(a), line(b)
    va, vb = (la.version if la else ()), (lb.version if lb else ())
    if va != vb:
        return va > vb
    return a < b  # the same version: the shorter id, the plain one (`gemini-3-flash` over its -lite)


def typed_line(text: str) -> Line | None:
    """A typed name read as a family and version (`sonnet 5.2` -> sonnet, 5.2)."""
    return line_of(re.sub(r"[\s_]+", "-", text.strip().lower()))


def same_family(typed: Line, lines: Mapping[str, Line]) -> list[str]:
    """Models of the family typed, nearest version first; older generations dropped when a member
    of the typed generation or a newer one exists (`sonnet 5.2` never offers Claude 3.5 Sonnet)."""
    want = set(brandless(typed.words))
    members = [m for m, ln in lines.items() if want <= set(ln.words) and _letters(ln) == _letters(typed)]
    if not members:
        return []
    major = typed.version[0]
    if any(lines[m].version[0] >= major for m in members):
        members = [m for m in members if lines[m].version[0] >= major]

    aim = _number(typed.version)

    size = _size(typed)

    def distance(m: str) -> tuple[float, float, tuple[int, ...], str]:
        ln = lines[m]
        apart = abs((_size(ln) or 0) - size) if size is not None else 0
        return (abs(_number(ln.version) - aim), apart, tuple(-v for v in _padded(ln.version)), m)

    return sorted(members, key=distance)


def _size(ln: Line) -> float | None:
    """A line's size in billions of parameters (`397b` -> 397), None when it names none."""
    for word in ln.sizes:
        if match := re.fullmatch(r"(\d+(?:\.\d+)?)b", word):
            return float(match.group(1))
    return None


def _number(version: tuple[int, ...]) -> float:
    """A version as the number people read (5.5, 4.20 -> 4.2), to say which is nearest."""
    major, minor, _ = _padded(version)
    return float(f"{major}.{minor}")


def _padded(version: tuple[int, ...]) -> tuple[int, int, int]:
    a, b, c = (*version, 0, 0, 0)[:3]
    return (a, b, c)


def label_of(family_name: str, flagship_name: str) -> str:
    """How the flagship's own name writes the family (`minimax` in `MiniMax M3` -> MiniMax)."""
    words = {w.lower(): w for w in re.split(r"[\s\-]+", flagship_name)}
    return " ".join(words.get(w, w.title()) for w in family_name.split(" "))


def _letters(ln: Line) -> tuple[str, ...]:
    """A line's one-letter words (DeepSeek's R or V): R1 is never offered for V4."""
    return tuple(w for w in ln.words if len(w) == 1)
