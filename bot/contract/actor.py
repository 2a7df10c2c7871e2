"""Who made a change (an admin, a feed, a snapshot), as data: each surface renders it its own way."""

# No `from __future__ import annotations` here: pydantic would compile and eval every field's
# annotation string when the answers' classes are made, a few ms of each cold `modelcost ask`.

from typing import Any, Literal  # Any: what a pydantic 'before' validator receives
from urllib.parse import urlsplit, urlunsplit

from pydantic import model_validator

from bot.contract.base import _Answer

ActorKind = Literal["admin", "feed", "snapshot"]


CLI_USER = "cli"  # the admin id of the terminal operator (`modelcost ask` runs as an admin)


class Actor(_Answer):
    """Who made a change, as data; each surface renders it its own way (a mention, a name, plain text).

    admin: a Slack user id, or "cli" for the terminal operator; feed: the feed's URL without its
    query string, fragment or credentials; snapshot: its name, e.g. "genai-prices 0.2.3 snapshot".
    """

    kind: ActorKind
    id: str

    @model_validator(mode="before")
    @classmethod
    def _public_feed_url(cls, data: Any) -> Any:
        # A feed URL's query string may carry a token: it is never kept, so never stored nor shown.
        if isinstance(data, dict) and data.get("kind") == "feed" and isinstance(data.get("id"), str):
            return {**data, "id": public_url(data["id"])}
        return data


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
