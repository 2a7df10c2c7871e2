"""Starting the app: gunicorn on the real WSGI entry, Socket Mode, and settings that are missing."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.cli import main
from bot.config import MissingSettingsError, Settings
from bot.slack.app import build_app
from tests.fakeslack import FakeSlack
from tests.slack.conftest import APP_TOKEN, BOT_TOKEN, command_body, post_signed
from tests.slack.gunicorn import SLACK_ENV, clean_env
from tests.slack.gunicorn import gunicorn as serve_gunicorn


@pytest.fixture
def gunicorn(catalog_url: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[str]:
    """`gunicorn bot.slack.wsgi:app`, as the Procfile runs it, on a free loopback port."""
    with serve_gunicorn(catalog_url, fake_slack.api_url, tmp_path) as server:
        yield server.url


@pytest.mark.alone
def test_gunicorn_serves_healthz_and_signed_commands(gunicorn: str, fake_slack: FakeSlack) -> None:
    assert [c.method for c in fake_slack.calls()] == ["auth.test"]  # the token, checked once at start
    assert fake_slack.calls()[0].token == BOT_TOKEN
    fake_slack.reset()

    assert requests.get(gunicorn + "/healthz", timeout=10).text == "ok\n"
    response = post_signed(gunicorn, command_body(fake_slack, "r1 vs o1"))
    assert response.status_code == 200 and "27.4x" in response.text
    assert post_signed(gunicorn, command_body(fake_slack, "r1 vs o1"), secret="wrong").status_code == 401
    assert fake_slack.calls() == []


def test_gunicorn_stops_with_one_line_naming_missing_settings(catalog_url: str) -> None:
    cmd = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "bot.slack.wsgi:app"]
    done = subprocess.run(
        cmd, env=clean_env(DATABASE_URL=catalog_url), capture_output=True, text=True, timeout=60
    )

    assert done.returncode != 0  # gunicorn halts ("App failed to load") instead of respawning workers
    assert "modelcost: missing required settings: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET" in done.stderr


def test_build_app_names_every_missing_setting(catalog_url: str) -> None:
    with pytest.raises(MissingSettingsError, match="SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET"):
        build_app(Settings(database_url=catalog_url))
    with pytest.raises(MissingSettingsError, match="missing required settings: SLACK_APP_TOKEN$"):
        build_app(Settings(database_url=catalog_url, slack_bot_token=BOT_TOKEN), socket_mode=True)


def test_serve_refuses_to_start_without_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)
    assert main(["serve"]) == 1
    assert (
        capsys.readouterr().err
        == "modelcost: missing required settings: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET\n"
    )


def test_socket_mode_needs_the_app_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], catalog_url: str
) -> None:
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("DATABASE_URL", catalog_url)
    assert main(["socket"]) == 1
    assert capsys.readouterr().err == "modelcost: missing required settings: SLACK_APP_TOKEN\n"


def test_socket_mode_connects_through_slack_api_url_with_the_app_token(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    catalog_url: str,
    fake_slack: FakeSlack,
) -> None:
    fake_slack.fail("apps.connections.open", "invalid_auth", times=None)
    for name, value in {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake_slack.api_url,
        "DATABASE_URL": catalog_url,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)  # Socket Mode needs none

    assert main(["socket"]) == 1

    assert capsys.readouterr().err == "modelcost: Slack refused the connection: invalid_auth\n"
    assert fake_slack.calls("auth.test")[0].token == BOT_TOKEN
    assert fake_slack.calls("apps.connections.open")[0].token == APP_TOKEN
