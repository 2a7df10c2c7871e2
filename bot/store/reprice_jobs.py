"""The queue of `/modelcost reprice` jobs (issue 29): the web tier writes one row in the command's ack,
the worker (bot.alerts.reprice) claims it, reads the usage file from Slack, answers through the
response_url, and deletes the row.

A row holds who asked, where, which file (Slack's id, or none: the user's newest in the channel), the
options and the response_url (encrypted under MODELCOST_TOKEN_KEY when one is set: it lets anyone post
to the channel for 30 minutes). Never the file, its rows nor the answer.

- queue: one row, pending.
- claim: rows whose response_url is dead (older than RESPONSE_URL_LIFE) are deleted; then the oldest
  due job (pending, or running with its lease run out: a worker died on it) moves to running under a
  fresh lease, by a conditional UPDATE only one claimer can win.
- finish: the row is deleted (answered, or given up on).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.fernet import MultiFernet
from sqlalchemy import Engine, delete, or_, select, update

from bot import db
from bot.config import Settings
from bot.store.cipher import cipher_of, decrypt, encrypt
from bot.store.tables import RepriceJob, utcnow

log = logging.getLogger(__name__)

RESPONSE_URL_LIFE = timedelta(minutes=30)  # Slack's: a response_url takes posts for 30 minutes
PURGE_EVERY_S = 60.0  # how often a queue deletes the jobs past it
_WHERE = "reprice_jobs.response_url"


@dataclass(frozen=True, slots=True, kw_only=True)
class JobSpec:
    """What a reprice job needs: whose file, read with which workspace's token, answered where and how."""

    workspace: str
    user_id: str
    channel_id: str
    file_id: str | None  # None: the newest usage file the user shared in the channel
    on: tuple[str, ...] = ()  # model names as typed (`--on`)
    category: str | None = None  # `--for`: a Category.name
    share: bool = False  # the answer goes to the channel (the Share button), not privately
    response_url: str


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: int
    spec: JobSpec
    attempts: int  # this claim included: more than one means a worker died running it
    lease_until: datetime


def queue_for(settings: Settings, engine: Engine) -> JobQueue:
    """The queue as the web tier and the worker both open it: response_urls encrypted under
    MODELCOST_TOKEN_KEY when one is set (oauth mode always has one)."""
    key = settings.token_key
    return JobQueue(engine, cipher_of(key.get_secret_value()) if key else None)


class JobQueue:
    def __init__(self, engine: Engine, cipher: MultiFernet | None = None) -> None:
        self.engine = engine
        self.cipher = cipher
        self._purge_at = 0.0  # time.monotonic() when jobs past their response_url are next deleted

    def queue(self, spec: JobSpec) -> int:
        """Write the job, pending; its id."""
        url = encrypt(self.cipher, spec.response_url) if self.cipher else spec.response_url
        with db.transaction(self.engine) as session:
            job = RepriceJob(
                workspace=spec.workspace,
                user_id=spec.user_id,
                channel_id=spec.channel_id,
                file_id=spec.file_id,
                on_models=list(spec.on),
                category=spec.category,
                share=spec.share,
                response_url=url,
                status="pending",
                attempts=0,
                next_attempt_at=utcnow(),
                created_at=utcnow(),
            )
            session.add(job)
            session.flush()
            return job.id

    def claim(self, lease: timedelta) -> ClaimedJob | None:
        """The oldest due job, now running under a lease until `now + lease`; None when none is due."""
        now = utcnow()
        if time.monotonic() >= self._purge_at:  # a write at most every PURGE_EVERY_S, not at each poll
            self._purge_at = time.monotonic() + PURGE_EVERY_S
            with db.transaction(self.engine) as session:
                dead = session.execute(  # type: ignore[attr-defined]  # a DELETE's Result is a CursorResult: rowcount
                    delete(RepriceJob)
                    .where(RepriceJob.created_at < now - RESPONSE_URL_LIFE)
                    .execution_options(synchronize_session=False)
                ).rowcount
            if dead:
                log.warning("deleted %d reprice job(s) never answered while their response_url lived", dead)
        due = select(RepriceJob.id, RepriceJob.status, RepriceJob.next_attempt_at).where(
            or_(RepriceJob.status == "pending", RepriceJob.status == "running"),
            RepriceJob.next_attempt_at <= now,
            RepriceJob.created_at
            >= now - RESPONSE_URL_LIFE,  # never one past its response_url, deleted or not
        )
        with db.session_factory(self.engine)() as session:
            candidates = session.execute(due.order_by(RepriceJob.id).limit(16)).all()
        for job_id, status, next_at in candidates:
            with db.transaction(self.engine) as session:
                won = session.execute(  # type: ignore[attr-defined]  # an UPDATE's Result is a CursorResult: rowcount
                    update(RepriceJob)
                    .where(
                        RepriceJob.id == job_id,
                        RepriceJob.status == status,
                        RepriceJob.next_attempt_at == next_at,
                    )
                    .values(status="running", next_attempt_at=now + lease, attempts=RepriceJob.attempts + 1)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if not won:
                    continue  # another worker took it
                job = session.get_one(RepriceJob, job_id)
                return ClaimedJob(job.id, self._spec(job), job.attempts, job.next_attempt_at)
        return None

    def finish(self, job: ClaimedJob) -> None:
        """Delete the job: answered, or given up on."""
        with db.transaction(self.engine) as session:
            session.execute(delete(RepriceJob).where(RepriceJob.id == job.id))

    def _spec(self, job: RepriceJob) -> JobSpec:
        url = decrypt(self.cipher, job.response_url, _WHERE) if self.cipher else job.response_url
        return JobSpec(
            workspace=job.workspace,
            user_id=job.user_id,
            channel_id=job.channel_id,
            file_id=job.file_id,
            on=tuple(job.on_models),
            category=job.category,
            share=job.share,
            response_url=url,
        )
