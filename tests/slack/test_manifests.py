"""The Slack app manifests in slack/: the command, scopes and URLs the app needs.

Slack's own JSON schema for manifests lives outside the repository (it carries no licence); when a
copy sits at ../shared/slack/manifest.schema.v1.json the manifests are checked against it too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.config import REPO_DIR
from bot.render.kit import SHORTCUT_REPRICE
from bot.slack import oauth

MANIFESTS = REPO_DIR / "slack"
SCHEMA = REPO_DIR.parent / "shared" / "slack" / "manifest.schema.v1.json"
SCOPES = {"commands", "chat:write", "chat:write.public", "users:read", "files:read", "files:write"}


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((MANIFESTS / name).read_text())
    return data


@pytest.mark.parametrize("name", ["manifest.http.json", "manifest.socket.json", "manifest.oauth.json"])
def test_both_manifests_have_the_command_scopes_and_interactivity(name: str) -> None:
    manifest = load(name)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/modelcost"
    assert command["should_escape"] is False  # the text arrives as typed; the app escapes it
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == SCOPES
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"]


@pytest.mark.parametrize("name", ["manifest.http.json", "manifest.socket.json", "manifest.oauth.json"])
def test_every_manifest_can_take_a_usage_file_and_read_it(name: str) -> None:
    """`reprice`: a file is shared in a DM with the app (its Messages tab) or a channel, and read with
    files:read; the message shortcut on a file is the listener's."""
    manifest = load(name)
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False
    [shortcut] = manifest["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", SHORTCUT_REPRICE)
    assert "files:read" in manifest["oauth_config"]["scopes"]["bot"]


@pytest.mark.parametrize("name", ["manifest.http.json", "manifest.socket.json", "manifest.oauth.json"])
def test_every_manifest_has_the_home_tab_and_its_event(name: str) -> None:
    manifest = load(name)
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_the_http_manifest_sends_everything_to_slack_events() -> None:
    manifest = load("manifest.http.json")
    urls = [
        manifest["features"]["slash_commands"][0]["url"],
        manifest["settings"]["interactivity"]["request_url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
    ]
    assert all(u.startswith("https://") and u.endswith("/slack/events") for u in urls)
    assert manifest["settings"]["socket_mode_enabled"] is False


def test_the_oauth_manifest_redirects_to_the_flow_and_sends_uninstalls() -> None:
    manifest = load("manifest.oauth.json")
    assert [u.rsplit(".com", 1)[1] for u in manifest["oauth_config"]["redirect_urls"]] == [
        oauth.REDIRECT_PATH
    ]
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(oauth.SCOPES)  # what the install asks
    events = manifest["settings"]["event_subscriptions"]
    assert events["request_url"].endswith("/slack/events")
    assert {"app_uninstalled", "tokens_revoked"} <= set(events["bot_events"])
    assert manifest["settings"]["org_deploy_enabled"] is True  # org-wide installs are accepted
    assert manifest["settings"]["token_rotation_enabled"] is True  # rotating tokens are refreshed


def test_the_socket_manifest_uses_socket_mode_and_no_urls() -> None:
    manifest = load("manifest.socket.json")
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "url" not in manifest["features"]["slash_commands"][0]
    assert "request_url" not in manifest["settings"]["interactivity"]
    assert "request_url" not in manifest["settings"]["event_subscriptions"]


@pytest.mark.skipif(not SCHEMA.exists(), reason="Slack's manifest schema is not beside the repository")
@pytest.mark.parametrize("name", ["manifest.http.json", "manifest.socket.json", "manifest.oauth.json"])
def test_the_manifests_match_slacks_schema(name: str) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert [e.message for e in validator.iter_errors(load(name))] == []


def test_the_procfile_serves_the_wsgi_app_on_port() -> None:
    procfile = (REPO_DIR / "Procfile").read_text()
    [web] = [line for line in procfile.splitlines() if line.startswith("web:")]
    assert "--bind 0.0.0.0:$PORT" in web and web.endswith("bot.slack.wsgi:app")


def test_manifest_files_are_what_they_claim() -> None:
    assert sorted(p.name for p in Path(MANIFESTS).glob("manifest.*.json")) == [
        "manifest.http.json",
        "manifest.oauth.json",
        "manifest.socket.json",
    ]
