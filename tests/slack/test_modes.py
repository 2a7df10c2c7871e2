"""MODELCOST_SLACK_MODE: single or oauth, stated and checked at start; a mismatch is one line and no app."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
import requests

from bot.cli import main
from bot.config import ModeMismatchError, Settings
from bot.slack.app import build_app
from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET, Served
from tests.slack.gunicorn import SLACK_ENV, clean_env
from tests.slack.test_oauth import TOKEN_KEY

MODE_ENV = (
    *SLACK_ENV,
    "MODELCOST_SLACK_MODE",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "MODELCOST_PUBLIC_URL",
    "MODELCOST_TOKEN_KEY",
)
OAUTH_ENV = {
    "MODELCOST_SLACK_MODE": "oauth",
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "SLACK_CLIENT_ID": "1111.2222",
    "SLACK_CLIENT_SECRET": "client-secret",
    "MODELCOST_PUBLIC_URL": "https://modelcost.test",
    "MODELCOST_TOKEN_KEY": TOKEN_KEY,
}
SINGLE_WITH_CLIENT = (
    "modelcost: SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set in single mode: set MODELCOST_SLACK_MODE=oauth "
    "to install into many workspaces, or unset them\n"
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """env(**values): exactly these of the mode's variables are set."""

    def set_env(**values: str) -> None:
        for name in MODE_ENV:
            monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


@pytest.mark.parametrize(
    ("values", "said"),
    [
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_CLIENT_ID": "1.2"},
            "modelcost: SLACK_CLIENT_ID set in single mode: set MODELCOST_SLACK_MODE=oauth to install into "
            "many workspaces, or unset them\n",
        ),
        (
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_CLIENT_ID": "1.2",
                "SLACK_CLIENT_SECRET": "s",
            },
            SINGLE_WITH_CLIENT,
        ),
        (
            {"MODELCOST_SLACK_MODE": "oauth", "SLACK_SIGNING_SECRET": SIGNING_SECRET},
            "modelcost: missing required settings: "
            "SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, MODELCOST_PUBLIC_URL, MODELCOST_TOKEN_KEY\n",
        ),
        (
            {**OAUTH_ENV, "SLACK_BOT_TOKEN": BOT_TOKEN},
            "modelcost: SLACK_BOT_TOKEN set in oauth mode: each workspace's token comes from its "
            "installation; unset it, or use MODELCOST_SLACK_MODE=single\n",
        ),
        (
            {"MODELCOST_SLACK_MODE": "multi"},
            "modelcost: MODELCOST_SLACK_MODE must be single or oauth, not 'multi'\n",
        ),
    ],
)
def test_serve_refuses_settings_that_contradict_the_mode(
    env: Callable[..., None], capsys: pytest.CaptureFixture[str], values: dict[str, str], said: str
) -> None:
    env(**values)

    assert main(["serve"]) == 1

    assert capsys.readouterr().err == said


def test_socket_mode_is_refused_in_oauth_mode(
    env: Callable[..., None], capsys: pytest.CaptureFixture[str], catalog_url: str
) -> None:
    env(**OAUTH_ENV, SLACK_APP_TOKEN="xapp-1", DATABASE_URL=catalog_url)

    assert main(["socket"]) == 1

    assert capsys.readouterr().err == (
        "modelcost: Socket Mode is not supported in oauth mode: serve over HTTP (modelcost serve), "
        "or use MODELCOST_SLACK_MODE=single\n"
    )


def test_bolt_never_switches_to_oauth_behind_single_modes_back(
    env: Callable[..., None], make_settings: Callable[..., Settings]
) -> None:
    # Settings made by code, while the environment holds a client id and secret: Bolt would read them
    # and serve the OAuth flow instead of the bot token.
    env(SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="s")

    with pytest.raises(ModeMismatchError, match="in the environment in single mode"):
        build_app(make_settings())


def test_gunicorn_stops_with_one_line_on_a_mode_mismatch(catalog_url: str) -> None:
    cmd = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "bot.slack.wsgi:app"]
    values = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    values |= {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "DATABASE_URL": catalog_url}
    environment = {k: v for k, v in clean_env(**values).items() if k != "MODELCOST_SLACK_MODE"}

    done = subprocess.run(cmd, env=environment, capture_output=True, text=True, timeout=60)

    assert done.returncode != 0
    assert SINGLE_WITH_CLIENT.rstrip("\n") in done.stderr.splitlines()


def test_single_mode_serves_no_install_pages(slack: Served) -> None:
    assert requests.get(slack.url + "/slack/install", timeout=10).status_code == 404
    assert requests.get(slack.url + "/slack/oauth_redirect?code=x&state=y", timeout=10).status_code == 404


def test_the_worker_in_oauth_mode_takes_each_workspace_token_not_a_bot_token(
    env: Callable[..., None], capsys: pytest.CaptureFixture[str], fresh_url: str
) -> None:
    env(**OAUTH_ENV, SLACK_BOT_TOKEN=BOT_TOKEN, DATABASE_URL=fresh_url)
    assert main(["worker", "--once"]) == 1
    assert capsys.readouterr().err.startswith("modelcost: SLACK_BOT_TOKEN set in oauth mode")

    env(**OAUTH_ENV, DATABASE_URL=fresh_url)
    assert main(["worker", "--once"]) == 0
    assert capsys.readouterr().out == "sent 0 alert(s)\n"


# Not a key: the right length, but `!` is not url-safe base64.
NOT_A_KEY = "!" * 43 + "="


@pytest.mark.parametrize("command", [["serve"], ["worker", "--once"]], ids=["serve", "worker"])
@pytest.mark.parametrize(
    ("key", "said"),
    [
        (None, "modelcost: missing required settings: MODELCOST_TOKEN_KEY\n"),
        (
            NOT_A_KEY,
            "modelcost: MODELCOST_TOKEN_KEY must be Fernet keys, comma-separated: it is not 32 url-safe "
            "base64-encoded bytes (`modelcost tokens key` makes one)\n",
        ),
        (
            f"{TOKEN_KEY}, {NOT_A_KEY}",
            "modelcost: MODELCOST_TOKEN_KEY must be Fernet keys, comma-separated: key 2 of 2 is not 32 "
            "url-safe base64-encoded bytes (`modelcost tokens key` makes one)\n",
        ),
    ],
    ids=["missing", "malformed", "second-malformed"],
)
def test_oauth_mode_starts_only_with_a_well_formed_token_key(
    env: Callable[..., None],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fresh_url: str,
    command: list[str],
    key: str | None,
    said: str,
) -> None:
    def gunicorn(*args: object) -> None:
        raise AssertionError("serve started gunicorn")  # rather than this test's process becoming it

    monkeypatch.setattr(os, "execv", gunicorn)
    values = {k: v for k, v in OAUTH_ENV.items() if k != "MODELCOST_TOKEN_KEY"}
    env(**values, DATABASE_URL=fresh_url, **({"MODELCOST_TOKEN_KEY": key} if key else {}))

    assert main(command) == 1

    out = capsys.readouterr()
    assert (out.out, out.err) == ("", said)
    assert TOKEN_KEY not in repr(Settings.from_env()) and TOKEN_KEY not in str(Settings.from_env())
