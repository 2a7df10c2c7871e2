"""Starting the app: gunicorn on the real WSGI entry, Socket Mode, and settings that are missing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests

from bot.cli import main
from bot.config import MissingSettingsError, Settings
from bot.slack.app import build_app
from tests.fakeslack import FakeSlack
from tests.slack.conftest import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, command_body, post_signed

SLACK_ENV = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
)


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SLACK_ENV}
    return env | values


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def gunicorn(catalog_url: str, fake_slack: FakeSlack) -> Iterator[str]:
    """`gunicorn bot.slack.wsgi:app`, as the Procfile runs it, on a free loopback port."""
    port = _free_port()
    env = _env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=catalog_url,
    )
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--threads",
        "2",
        "bot.slack.wsgi:app",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to ~30 s to boot
            if proc.poll() is not None:
                raise AssertionError(f"gunicorn exited: {proc.stderr.read() if proc.stderr else ''}")
            try:
                if requests.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except (requests.ConnectionError, requests.ReadTimeout):  # not up yet, or slow on a busy machine
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


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
    done = subprocess.run(cmd, env=_env(DATABASE_URL=catalog_url), capture_output=True, text=True, timeout=60)

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
