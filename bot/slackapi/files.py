"""A file shared with the app, read for `reprice` (issue 29): found with `files.list` (the newest file a
user shared in a conversation) or named by a message shortcut, described by `files.info` and downloaded
from its `url_private_download` with the workspace's token (the `files:read` scope), as a stream of text
lines that stops at the usage files' size limit. Nothing of it is written anywhere; the caller sums it
as it comes.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol  # Any: Slack's file objects are JSON
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.contract.errors import UsageFileError
from bot.domain.usage import SHARED_MAX_BYTES
from bot.slackapi.clients import TIMEOUT_S

_CHUNK = 64 * 1024
_LISTED = 20  # files looked at for the newest usage export


class _Readable(Protocol):
    def read(self, n: int, /) -> bytes: ...


class _NoRedirects(HTTPRedirectHandler):
    """A download that redirects (Slack's sign-in page for a token that may not read it) is refused:
    the token is never sent on to another URL."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass(frozen=True, slots=True)
class SharedFile:
    id: str
    name: str
    size: int
    url: str  # url_private_download, on Slack's host


# Slack's file types that may be a CSV usage export, and its error when the workspace hasn't granted
# files:read yet (it re-approves the app after an upgrade that adds the scope).
_TEXT_TYPES = frozenset({"csv", "text", "tsv"})
_NO_SCOPE = (
    "I may not read files in this workspace yet: an admin needs to re-approve the app, which now asks "
    "for the files:read permission."
)


def newest_file(client: WebClient, user_id: str, channel_id: str) -> str:
    """The id of the newest file `user_id` shared in the conversation (a CSV first, if any among the
    last few); UsageFileError when there is none or Slack won't list them."""
    try:
        listed = client.files_list(user=user_id, channel=channel_id, count=_LISTED)
    except SlackApiError as exc:
        raise UsageFileError(_refusal(exc, "list the files here")) from None
    files = sorted(
        (f for f in listed.get("files") or [] if f.get("id")),
        key=lambda f: -int(f.get("created") or f.get("timestamp") or 0),
    )
    if not files:
        raise UsageFileError(
            "I found no file you shared here that I can see. Share the usage export (a CSV) in this "
            "conversation (a channel I'm in: `/invite @modelcost` first) or in a DM with me, then run "
            "`/modelcost reprice` there."
        )
    return str(likeliest(files)["id"])


def likeliest(files: list[dict[str, Any]]) -> dict[str, Any]:
    """Of a non-empty list of Slack file objects, the first that may be a CSV, else the first."""
    return next((f for f in files if _textual(f)), files[0])


def shared_file(client: WebClient, file_id: str, *, limit: int = SHARED_MAX_BYTES) -> SharedFile:
    """What files.info says of the file; UsageFileError when Slack won't describe it, it is larger
    than `limit` (said before any byte is fetched), or it lives elsewhere than Slack's host."""
    try:
        info = client.files_info(file=file_id)
    except SlackApiError as exc:
        raise UsageFileError(_refusal(exc, "give me the file")) from None
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
    return SharedFile(file_id, name, size, str(url))


def download(client: WebClient, file: SharedFile, *, limit: int = SHARED_MAX_BYTES) -> Iterator[str]:
    """The file's lines, downloaded as they are read with the client's token; UsageFileError when it
    can't be downloaded, grows past `limit`, or isn't UTF-8 text."""
    request = Request(file.url, headers={"Authorization": f"Bearer {client.token}"})
    try:
        response = build_opener(_NoRedirects()).open(request, timeout=TIMEOUT_S)
    except (URLError, OSError) as exc:
        raise UsageFileError(f"I couldn't download {file.name} from Slack ({type(exc).__name__}).") from None
    with response:
        yield from _lines(response, file.name, limit)


def shared_lines(client: WebClient, file_id: str, *, limit: int = SHARED_MAX_BYTES) -> Iterator[str]:
    """The file's lines (`shared_file`, then `download`)."""
    yield from download(client, shared_file(client, file_id, limit=limit), limit=limit)


def _refusal(exc: SlackApiError, what: str) -> str:
    error = str(exc.response.get("error") or "an error")
    if error in ("missing_scope", "no_permission"):
        return _NO_SCOPE
    return f"Slack wouldn't {what} ({error}): share it with the app first."


def _textual(file: dict[str, Any]) -> bool:
    name = str(file.get("name") or "").lower()
    return str(file.get("filetype") or "") in _TEXT_TYPES or name.endswith((".csv", ".tsv", ".txt"))


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
