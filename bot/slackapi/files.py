"""A file shared with the app, read for `reprice` (issue 29): described by `files.info` and downloaded
from its `url_private_download` with the workspace's token, as a stream of text lines that stops at
the usage files' size limit. Nothing of it is written anywhere; the caller sums it as it comes.

Not yet wired to a command: `/modelcost reprice` needs the `files:read` scope (every installed
workspace then re-approves the app) and a job the worker runs (docs/reprice.md says what is missing).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import Protocol
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.contract.errors import UsageFileError
from bot.domain.usage import MAX_BYTES
from bot.slackapi.clients import TIMEOUT_S

_CHUNK = 64 * 1024


class _Readable(Protocol):
    def read(self, n: int, /) -> bytes: ...


class _NoRedirects(HTTPRedirectHandler):
    """A download that redirects (Slack's sign-in page for a token that may not read it) is refused:
    the token is never sent on to another URL."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def shared_lines(client: WebClient, file_id: str, *, limit: int = MAX_BYTES) -> Iterator[str]:
    """The file's lines, downloaded as they are read; UsageFileError when Slack won't describe it, it
    is larger than `limit` (said before any byte is fetched), lives elsewhere than Slack's host, or
    isn't UTF-8 text."""
    try:
        info = client.files_info(file=file_id)
    except SlackApiError as exc:
        error = exc.response.get("error", "an error")
        raise UsageFileError(
            f"Slack wouldn't give me the file ({error}): share it with the app first."
        ) from None
    file = info.get("file") or {}
    name, size, url = (
        str(file.get("name") or file_id),
        int(file.get("size") or 0),
        file.get("url_private_download"),
    )
    if size > limit:
        raise UsageFileError(
            f"{name} is {size / 1024 / 1024:.1f} MB; I read usage files of {limit // 1024 // 1024} MB at "
            "most. Export a shorter period, or usage grouped by day."
        )
    if not url or not _slack_host(str(url), client.base_url):
        raise UsageFileError(f"{name} has no download I can read.")
    request = Request(str(url), headers={"Authorization": f"Bearer {client.token}"})
    try:
        response = build_opener(_NoRedirects()).open(request, timeout=TIMEOUT_S)
    except (URLError, OSError) as exc:
        raise UsageFileError(f"I couldn't download {name} from Slack ({type(exc).__name__}).") from None
    with response:
        yield from _lines(response, name, limit)


def _lines(raw: _Readable, name: str, limit: int) -> Iterator[str]:
    """Text lines of a byte stream, decoded as UTF-8 (a BOM dropped), at most `limit` bytes read."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    read, pending = 0, ""
    while chunk := raw.read(_CHUNK):
        read += len(chunk)
        if read > limit:
            raise UsageFileError(f"{name} is larger than {limit // 1024 // 1024} MB; I stop there.")
        if b"\0" in chunk:
            raise UsageFileError(f"{name} is a binary file, not a CSV usage export.")
        try:
            pending += decoder.decode(chunk)
        except UnicodeDecodeError:
            raise UsageFileError(f"{name} is not UTF-8 text: a CSV usage export is.") from None
        *whole, pending = pending.split("\n")
        for line in whole:
            yield line + "\n"
    if pending:
        yield pending


def _slack_host(url: str, api_url: str) -> bool:
    """Only Slack's own hosts (or the one SLACK_API_URL points at, in tests) get the token."""
    host = urlsplit(url).hostname or ""
    return host == "slack.com" or host.endswith(".slack.com") or host == urlsplit(api_url).hostname
