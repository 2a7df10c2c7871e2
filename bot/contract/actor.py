"""Who made a change (an admin, a feed, a snapshot), as data: each surface renders it its own way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args
from urllib.parse import urlsplit, urlunsplit

ActorKind = Literal["admin", "feed", "snapshot"]
KINDS: tuple[ActorKind, ...] = get_args(ActorKind)


CLI_USER = "cli"  # the admin id of the terminal operator (`modelcost ask` runs as an admin)


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """Who made a change, as data; each surface renders it its own way (a mention, a name, plain text).

    admin: a Slack user id, or "cli" for the terminal operator; feed: the feed's URL without its
    query string, fragment or credentials; snapshot: its name, e.g. "genai-prices 0.2.3 snapshot".
    """

    kind: ActorKind
    id: str

    def __post_init__(self) -> None:
        # A feed URL's query string may carry a token: it is never kept, so never stored nor shown.
        # (A frozen dataclass sets a field in __post_init__ through object.__setattr__, as the
        # dataclasses documentation says.)
        if self.kind == "feed":
            object.__setattr__(self, "id", public_url(self.id))

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> Actor:
        """An actor from its stored form, {"kind": "admin", "id": "U123"} (`dataclasses.asdict`'s)."""
        kind, who = data.get("kind"), data.get("id")
        for known in KINDS:
            if kind == known and isinstance(who, str):
                return cls(kind=known, id=who)
        raise ValueError(f"not an actor: {dict(data)!r}"[:200])


def public_url(url: str) -> str:
    """The URL without credentials, query string or fragment ("https://host/path")."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return url.split("?", 1)[0].split("#", 1)[0]
    host = parts.hostname or ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if parts.port is not None:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
