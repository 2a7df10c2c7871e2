"""Fetching a feed over HTTP: conditional, bounded in time and size (its body is then decoded strictly by
bot.feeds.decode).

An unchanged feed costs one request answered 304 (If-None-Match with the ETag of the last
successful sync), and a 200 whose body hashes to what was last applied is treated the same.
Network and HTTP failures raise FetchError, whose message names the host and the kind of failure,
never the URL (its query may carry a token) nor the library's text (which quotes it); a body over the
size limit raises FeedError (the feed itself is wrong, which a retry will not fix), as does one that is
not JSON when it is decoded.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import requests

from bot.domain.reasons import host_of
from bot.feeds.decode import FeedError

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
# The read timeout bounds each wait for bytes; this bounds a server that drips them slowly.
TOTAL_TIMEOUT_S = 120.0
# The real feed is well under 1 MB; anything this big is not the feed.
MAX_FEED_BYTES = 20 * 1024 * 1024
USER_AGENT = "modelcost-sync/0.1 (+https://github.com/pydantic/genai-prices consumer)"


class FetchError(RuntimeError):
    """The feed could not be fetched (network, timeout, HTTP error); worth retrying later."""


@dataclass(frozen=True)
class Fetched:
    """What the server answered: `body` is None when it said 304 Not Modified."""

    status_code: int
    etag: str | None
    body: bytes | None

    @property
    def sha256(self) -> str | None:
        return hashlib.sha256(self.body).hexdigest() if self.body is not None else None


def fetch(url: str, *, etag: str | None = None, session: requests.Session | None = None) -> Fetched:
    """GET the feed, conditionally when an ETag is known; FetchError on any failure to get it."""
    http = session or requests.Session()
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    try:
        with http.get(url, headers=headers, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S), stream=True) as resp:
            if resp.status_code == 304:
                if not etag:
                    raise FetchError("the server answered 304 Not Modified to an unconditional request")
                return Fetched(304, resp.headers.get("ETag") or etag, None)
            if resp.status_code != 200:
                raise FetchError(f"the feed at {host_of(url)} answered HTTP {resp.status_code}")
            body = _read_bounded(resp)
            return Fetched(200, resp.headers.get("ETag"), body)
    except requests.ConnectTimeout:
        raise FetchError(
            f"timed out connecting to {host_of(url)} (ConnectTimeout, after {CONNECT_TIMEOUT_S:g} s)"
        ) from None
    except requests.ReadTimeout:
        raise FetchError(
            f"timed out reading the feed from {host_of(url)} (ReadTimeout: no data for {READ_TIMEOUT_S:g} s)"
        ) from None
    except requests.RequestException as exc:
        raise FetchError(f"could not fetch the feed from {host_of(url)} ({type(exc).__name__})") from None
    finally:
        if session is None:
            http.close()


def _read_bounded(resp: requests.Response) -> bytes:
    declared = resp.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > MAX_FEED_BYTES:
        raise FeedError(f"the feed is {int(declared):,} bytes, over the {MAX_FEED_BYTES:,} byte limit")
    deadline = time.monotonic() + TOTAL_TIMEOUT_S
    chunks: list[bytes] = []
    size = 0
    for chunk in resp.iter_content(chunk_size=64 * 1024):
        size += len(chunk)
        if size > MAX_FEED_BYTES:
            raise FeedError(f"the feed is over the {MAX_FEED_BYTES:,} byte limit")
        if time.monotonic() > deadline:
            raise FetchError(f"reading the feed took over {TOTAL_TIMEOUT_S:g} s")
        chunks.append(chunk)
    return b"".join(chunks)
