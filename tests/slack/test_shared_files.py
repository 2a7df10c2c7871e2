"""A usage file shared with the app, read from the fake Slack (bot.slackapi.files): described by
files.info, downloaded with the workspace's token, summed as it streams in; too large, binary or
unreadable files refused with a message, the token never sent elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.contract.errors import UsageFileError
from bot.domain.usage import read_usage
from bot.slackapi.clients import web_client
from bot.slackapi.files import shared_lines
from tests.fakeslack import FakeSlack

FIXTURES = Path(__file__).parent.parent / "fixtures" / "usage"
TOKEN = "xoxb-workspace-1"


def test_a_shared_file_is_fetched_with_the_workspace_token_and_summed(fake_slack: FakeSlack) -> None:
    file_id = fake_slack.serve_file("anthropic.csv", (FIXTURES / "anthropic.csv").read_bytes(), token=TOKEN)
    usage = read_usage(shared_lines(web_client(fake_slack.api_url, TOKEN), file_id))
    assert usage.format.name == "anthropic" and usage.rows == 4
    assert usage.totals[("claude-opus-4-5-20251101", "standard")].input == 12_000_000
    [info] = fake_slack.calls("files.info")
    assert info.token == TOKEN and info.body["file"] == file_id
    [download] = fake_slack.downloads()
    assert download.token == TOKEN and download.response_id == file_id


def test_a_file_over_the_limit_is_refused_before_any_download(fake_slack: FakeSlack) -> None:
    file_id = fake_slack.serve_file("big.csv", b"model,input_tokens,output_tokens\n" + b"m,1,1\n" * 100)
    client = web_client(fake_slack.api_url, "xoxb-fake")
    with pytest.raises(UsageFileError, match="I read usage files of 0 MB at most"):
        list(shared_lines(client, file_id, limit=100))
    assert fake_slack.downloads() == []


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\x89PNG\r\n\x1a\n\0\0\0", "is a binary file"),
        (b"model,input_tokens\n\xff\xfe\n", "is not UTF-8 text"),
    ],
)
def test_binary_and_undecodable_files_get_a_message(fake_slack: FakeSlack, content: bytes, says: str) -> None:
    file_id = fake_slack.serve_file("usage.csv", content)
    with pytest.raises(UsageFileError, match=says):
        list(shared_lines(web_client(fake_slack.api_url, "xoxb-fake"), file_id))


def test_a_file_the_app_cant_see_or_read(fake_slack: FakeSlack) -> None:
    with pytest.raises(UsageFileError, match="file_not_found"):
        list(shared_lines(web_client(fake_slack.api_url, "xoxb-fake"), "F404"))
    # Another workspace's token: Slack answers with its sign-in page; the redirect is not followed.
    file_id = fake_slack.serve_file("usage.csv", b"model,input_tokens,output_tokens\n", token=TOKEN)
    with pytest.raises(UsageFileError, match="couldn't download usage.csv"):
        list(shared_lines(web_client(fake_slack.api_url, "xoxb-other"), file_id))
    assert len(fake_slack.downloads()) == 1


def test_a_file_larger_than_files_info_said_stops_at_the_limit(fake_slack: FakeSlack) -> None:
    """The limit holds while streaming too, whatever files.info said of the size."""
    content = b"model,input_tokens,output_tokens\n" + b"gpt-5.5,1,1\n" * 50
    file_id = fake_slack.serve_file("grown.csv", content, size=10)
    with pytest.raises(UsageFileError, match="grown.csv is larger than"):
        list(shared_lines(web_client(fake_slack.api_url, "xoxb-fake"), file_id, limit=200))
