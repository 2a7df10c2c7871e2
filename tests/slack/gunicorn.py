"""`gunicorn bot.slack.wsgi:app` as the Procfile runs it, on a free loopback port, for tests: its log
goes to a file the test can read (tracebacks, refusals), and its workers' pids can be found."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET

SLACK_ENV = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
)
BOOT_S = 60.0


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SLACK_ENV}
    return env | values


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def workers(self) -> list[int]:
        """The pids of the master's live worker processes."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []


def wait_healthy(url: str, process: subprocess.Popen[bytes] | None = None, timeout: float = BOOT_S) -> None:
    """Until GET /healthz answers 200 (a worker has loaded the app); AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet, or the worker is still loading the app
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer /healthz within {timeout:.0f} s")


@contextmanager
def gunicorn(
    database_url: str,
    api_url: str,
    log_dir: Path,
    *,
    workers: int = 1,
    target: str = "bot.slack.wsgi:app",
    **env: str,
) -> Iterator[Server]:
    """The server (of `target`, the Procfile's app unless told), healthy; SIGTERM and a wait when done."""
    port = free_port()
    environ = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url,
        **env,
    )
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:bot.slack.gunicorn_conf",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        target,
    ]
    log_path = log_dir / f"gunicorn-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(cmd, env=environ, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        wait_healthy(server.url, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
