"""The worker's side of `/modelcost reprice` (issue 29): claim a queued job (bot.store.reprice_jobs),
find and read the usage file from Slack with the workspace's bot token, streamed and summed as it
comes (bot.slackapi.files, bot.domain.usage), re-price it on the catalog's snapshot (bot.read.reprice),
answer through the job's response_url (privately with a Share button; in the channel for a Share),
and delete the job.

Nothing of the file is kept or logged: it is held one row at a time; a file's faults go to the user
alone (UsageFileError's message may quote a line of it) and are never logged; an unexpected error is
logged as its type and the code's frames only, never its message (which could quote the file).
A worker killed mid-job leaves it running under its lease; once the lease runs out another claims it,
up to MAX_ATTEMPTS, then the user is told it failed.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import Engine

from bot.alerts.worker import RETRY_MAX_S, RETRY_MIN_S, Outage, unreachable
from bot.config import Settings
from bot.contract.errors import CatalogUnavailableError, UserError, user_message
from bot.domain.categories import OVERALL, find_category
from bot.domain.usage import read_usage
from bot.read import current
from bot.read.reprice import reprice
from bot.render import blocks
from bot.render import reprice as rendered
from bot.render.kit import Message
from bot.slackapi.clients import post_response, web_client
from bot.slackapi.files import download, newest_file, shared_file
from bot.slackapi.installs import Installs
from bot.store.reprice_jobs import ClaimedJob, JobQueue, JobSpec, queue_for

log = logging.getLogger(__name__)

LEASE_S = 300.0  # a 50 MB file is read and priced in well under a minute
MAX_ATTEMPTS = 3  # claims of one job (workers dying on it) before the user is told it failed


@dataclass(frozen=True)
class Reply:
    message: Message
    visibility: Literal["ephemeral", "in_channel"]  # only an answer is ever posted for the channel


def runner_for(settings: Settings, engine: Engine) -> RepriceRunner:
    """The runner `modelcost worker` starts: files read with each workspace's installation's token
    (oauth mode) or SLACK_BOT_TOKEN, response_urls decrypted with MODELCOST_TOKEN_KEY when one is set
    (as the web tier encrypted them)."""
    jobs = queue_for(settings, engine)
    if settings.slack_mode == "oauth":
        return RepriceRunner(engine, jobs, settings.slack_api_url, Installs(settings, engine).bot_token)
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return RepriceRunner(engine, jobs, settings.slack_api_url, lambda workspace: token)


class RepriceRunner:
    """Runs reprice jobs on `threads` threads (one on SQLite: one writer at a time)."""

    def __init__(
        self,
        engine: Engine,
        jobs: JobQueue,
        api_url: str,
        tokens: Callable[[str], str | None],
        *,
        lease: float = LEASE_S,
        threads: int = 2,
    ) -> None:
        """`tokens(workspace)`: the bot token that reads the workspace's files (None: not installed)."""
        self.engine = engine
        self.jobs = jobs
        self.api_url = api_url
        self.tokens = tokens
        self.lease = timedelta(seconds=lease)
        self.threads = 1 if engine.dialect.name == "sqlite" else threads
        self.outage = Outage()

    def run_once(self) -> int:
        """Run every job due now, on this thread; how many were answered (refusals included)."""
        done = 0
        while self.step():
            done += 1
        return done

    def run_forever(self, stop: threading.Event, poll: float = 1.0) -> list[threading.Thread]:
        """Start the threads, which run jobs until `stop` (a job under way finishes first)."""
        threads = [
            threading.Thread(target=self._loop, args=(stop, poll), name=f"reprice-{i}", daemon=True)
            for i in range(max(1, self.threads))
        ]
        for t in threads:
            t.start()
        return threads

    def _loop(self, stop: threading.Event, poll: float) -> None:
        wait = RETRY_MIN_S
        while not stop.is_set():
            try:
                ran = self.step()
            except Exception as exc:
                if not unreachable(exc):
                    log.error("reprice jobs: %s", _frames(exc))
                    stop.wait(poll)
                    continue
                self.outage.down(exc)
                stop.wait(wait)
                wait = min(wait * 2, RETRY_MAX_S)
                continue
            self.outage.up()
            wait = RETRY_MIN_S
            if not ran:
                stop.wait(poll)

    def step(self) -> bool:
        """Claim one due job, answer it and delete it; False when none is due."""
        job = self.jobs.claim(self.lease)
        if job is None:
            return False
        reply = self.reply(job)
        post_response(
            job.spec.response_url,
            {**reply.message, "response_type": reply.visibility, "replace_original": False},
        )
        self.jobs.finish(job)
        return True

    def reply(self, job: ClaimedJob) -> Reply:
        """The answer to the job, or the message saying why there is none; never raises."""
        spec = job.spec
        if job.attempts > MAX_ATTEMPTS:
            log.error("reprice job %s: gave up after %d attempts", job.id, job.attempts - 1)
            return Reply(blocks.failure_message(), "ephemeral")
        try:
            message = self._answer(spec)
        except UserError as exc:  # said to the user alone, never logged: it may quote the file
            return Reply(rendered.refusal_message(user_message(exc)), "ephemeral")
        except Exception as exc:
            if unreachable(exc):  # the catalog can't be read now: said, as the web tier says it
                self.outage.down(exc)
                return Reply(rendered.refusal_message(user_message(CatalogUnavailableError())), "ephemeral")
            log.error("reprice job %s failed: %s", job.id, _frames(exc))
            return Reply(blocks.failure_message(), "ephemeral")
        return Reply(message, "in_channel" if spec.share else "ephemeral")

    def _answer(self, spec: JobSpec) -> Message:
        token = self.tokens(spec.workspace)
        if token is None:
            raise _NotInstalled()
        catalog = current.current(self.engine, spec.workspace)
        for name in spec.on:  # a name it doesn't know is said before the file is fetched
            catalog.index.resolve(name)
        category = (find_category(spec.category) if spec.category else None) or OVERALL
        client = web_client(self.api_url, token)
        file_id = spec.file_id or newest_file(client, spec.user_id, spec.channel_id)
        file = shared_file(client, file_id)
        usage = read_usage(download(client, file))
        answer = reprice(catalog, usage, category, spec.on)
        return rendered.message(
            answer,
            file_name=file.name,
            share=None if spec.share else rendered.share_value(file_id, spec.on, spec.category),
            shared_by=spec.user_id if spec.share else None,
        )


class _NotInstalled(UserError):
    def __init__(self) -> None:
        super().__init__("The app is no longer installed in this workspace.")


def _frames(exc: BaseException) -> str:
    """An exception as its type and where it was raised (file:line in function, innermost last), not
    its message, which might quote the file."""
    frames = traceback.extract_tb(exc.__traceback__)[-6:]
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in reversed(frames))
    return f"{type(exc).__name__} at {where}"
