"""What a sync's recorded reason may say: what went wrong, the kind of exception and the feed's host;
never a URL's path, query or credentials, nor a library's or a driver's error text (which quote URLs
with their tokens, hosts, users).

Reasons are made that way where they are made (bot.feeds.fetch, bot.feeds.attempt). `safe_reason` holds
every reason to it again when it is recorded and when it is read back, so a reason stored by an older
version (which quoted both) is shown safe too. A guard's reason, which says what was wrong with the
feed's content, keeps its words; only an address in it is cut to its host.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# An address, up to what ends it in a sentence (reasons are joined with "; ").
_URL = re.compile(r"[a-z][a-z0-9+.\-]*://[^\s'\"<>();,]*", re.IGNORECASE)
_QUERY = re.compile(r"\?[\w.~%+-]+=\S*")  # a query string left without its scheme and host
# The forms older versions recorded, with a library's or a driver's own text after the colon.
_OLD_FORMS = (
    (
        re.compile(r"could not fetch the feed: (?P<kind>\w+)\b.*", re.DOTALL),
        "could not fetch the feed ({kind})",
    ),
    (re.compile(r"the database refused the sync: .*", re.DOTALL), "the database refused the sync"),
)
UNKNOWN_HOST = "the feed's host"


def host_of(url: str) -> str:
    """The URL's host alone ("raw.githubusercontent.com"), without port, path, query or credentials."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:  # an unbalanced [ in the host
        host = None
    return host or UNKNOWN_HOST


def safe_reason(reason: str | None) -> str | None:
    """The reason with every address cut to its host and any library text left by an old version out."""
    if reason is None:
        return None
    for form, said in _OLD_FORMS:
        if (m := form.fullmatch(reason)) is not None:
            return said.format(**m.groupdict())
    return _QUERY.sub("", _URL.sub(lambda m: host_of(m.group()), reason))
