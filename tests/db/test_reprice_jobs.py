"""The queue of reprice jobs (bot.store.reprice_jobs) on each engine: a job is claimed once, taken over
only when its lease runs out, deleted when finished, dropped when its response_url is dead; the
response_url is stored encrypted when a key is set; a row never holds more than who, where, which file
and the options."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, update

from bot import db
from bot.store.cipher import cipher_of, new_key
from bot.store.reprice_jobs import RESPONSE_URL_LIFE, JobQueue, JobSpec
from bot.store.tables import RepriceJob, utcnow

URL = "https://hooks.slack.com/commands/T0/123/secret-part"


def spec(**overrides: object) -> JobSpec:
    values: dict[str, object] = {
        "workspace": "T0TEAM",
        "user_id": "U0ALICE",
        "channel_id": "C0GENERAL",
        "file_id": None,
        "on": ("kimi-k2.6",),
        "category": "coding",
        "response_url": URL,
    }
    return JobSpec(**(values | overrides))  # type: ignore[arg-type]


def rows(engine: Engine) -> list[RepriceJob]:
    with db.session_factory(engine)() as session:
        return list(session.scalars(select(RepriceJob)))


@pytest.mark.engines
def test_a_job_is_claimed_once_and_deleted_when_finished(fresh: Engine) -> None:
    jobs = JobQueue(fresh)
    jobs.queue(spec())
    job = jobs.claim(timedelta(minutes=5))
    assert job is not None and job.spec == spec() and job.attempts == 1
    assert jobs.claim(timedelta(minutes=5)) is None  # running under its lease
    [row] = rows(fresh)
    assert row.status == "running"
    jobs.finish(job)
    assert rows(fresh) == [] and jobs.claim(timedelta(minutes=5)) is None


@pytest.mark.engines
def test_a_job_whose_lease_ran_out_is_claimed_again(fresh: Engine) -> None:
    jobs = JobQueue(fresh)
    jobs.queue(spec(file_id="F0001", share=True))
    first = jobs.claim(timedelta(seconds=-1))  # a lease already over: its worker died
    second = jobs.claim(timedelta(minutes=5))
    assert first is not None and second is not None and second.id == first.id
    assert second.attempts == 2 and second.spec.share and second.spec.file_id == "F0001"


@pytest.mark.engines
def test_jobs_go_oldest_first_and_dead_ones_are_dropped(fresh: Engine) -> None:
    jobs = JobQueue(fresh)
    old = jobs.queue(spec(user_id="U0OLD"))
    jobs.queue(spec(user_id="U0BOB"))
    jobs.queue(spec(user_id="U0CAROL"))
    with db.transaction(fresh) as session:
        session.execute(
            update(RepriceJob)
            .where(RepriceJob.id == old)
            .values(created_at=utcnow() - RESPONSE_URL_LIFE - timedelta(seconds=1))
        )
    claimed = [jobs.claim(timedelta(minutes=5)) for _ in range(3)]
    assert [j.spec.user_id if j else None for j in claimed] == ["U0BOB", "U0CAROL", None]
    assert {r.user_id for r in rows(fresh)} == {"U0BOB", "U0CAROL"}


@pytest.mark.engines
def test_the_response_url_is_stored_encrypted_under_a_key(fresh: Engine) -> None:
    jobs = JobQueue(fresh, cipher_of(new_key()))
    jobs.queue(spec())
    [row] = rows(fresh)
    assert "secret-part" not in row.response_url and row.response_url.startswith("gAAAAA")
    job = jobs.claim(timedelta(minutes=5))
    assert job is not None and job.spec.response_url == URL
