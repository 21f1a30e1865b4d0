"""Jobs: a service call with an actor run elsewhere; progress, failure that writes nothing, retry,
fan-out per part, lost workers noticed; and the daily tick, idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from accord.core import audit
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.core.permissions import Role
from accord.jobs import services
from accord.jobs.models import Job, JobStatus
from accord.jobs.registry import KINDS, JobRun, register
from accord.notifications.models import Notification
from accord.org.models import Team


@pytest.fixture(autouse=True)
def _test_kinds():
    @register("test.make_team", "Make a team", capability="org.write")
    def make_team(run: JobRun) -> dict[str, Any]:
        from accord.org import services as org

        run.progress(0.5, "halfway")
        team = org.create_team(actor=run.actor, name=run.args["name"])
        if run.args.get("then_fail"):
            raise ValidationFailed.field("name", "refused after writing: nothing may stay")
        return {"team": team.pk, "url": f"/org/teams/{team.pk}/"}

    @register("test.fan", "Make several teams", capability="org.write")
    def fan(run: JobRun) -> dict[str, Any]:
        return services.fan_out(run, kind="test.make_team",
                                parts=[(f"team {n}", {"name": n}) for n in run.args["names"]])

    yield
    for name in ("test.make_team", "test.fan"):
        KINDS.pop(name, None)


def test_a_job_runs_the_service_as_its_actor(db, admin):
    job = services.start_job(actor=admin, kind="test.make_team", title="Make Blue", args={"name": "Blue"})
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 1.0
    team = Team.objects.get(name="Blue")
    assert job.result == {"team": team.pk, "url": f"/org/teams/{team.pk}/"}
    created = AuditEvent.objects.get(action="team.created")
    assert created.actor_id == admin.pk  # the same audit row as in a web request
    assert AuditEvent.objects.filter(action="job.succeeded", object_id=str(job.pk)).exists()
    assert Notification.objects.get(user=admin, event="job.finished").url == f"/jobs/{job.pk}/"


def test_a_failed_job_writes_nothing_and_can_be_retried(db, admin):
    from django.db import transaction

    @register("test.atomic_fail", "Fail inside a transaction", capability="org.write")
    def atomic_fail(run: JobRun) -> dict[str, Any]:
        from accord.org import services as org

        with transaction.atomic():
            org.create_team(actor=run.actor, name="Half")
            raise ValidationFailed.field("name", "refused after writing")

    try:
        job = services.start_job(actor=admin, kind="test.atomic_fail", title="Fail", args={})
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED and "refused after writing" in job.error
        assert not Team.objects.filter(name="Half").exists()
        assert Notification.objects.get(user=admin, event="job.failed").title == "Failed: Fail"
        again = services.retry_job(actor=admin, job=job)
        assert again.retry_of_id == job.pk and again.kind == job.kind
        with pytest.raises(ValidationFailed):
            services.retry_job(actor=admin, job=Job.objects.filter(status=JobStatus.SUCCEEDED).first() or job.__class__(
                status=JobStatus.SUCCEEDED, pk=0))
    finally:
        KINDS.pop("test.atomic_fail", None)


def test_starting_needs_the_kinds_capability(db, make_user):
    with pytest.raises(NotAllowed):
        services.start_job(actor=make_user(Role.BOARD_VIEWER), kind="test.make_team", title="x", args={"name": "x"})
    with pytest.raises(ValidationFailed):
        services.start_job(actor=make_user(Role.ADMIN), kind="no.such.kind", title="x", args={})


def test_fan_out_finishes_the_parent_when_the_last_part_ends(db, admin):
    parent = services.start_job(actor=admin, kind="test.fan", title="Three teams", args={"names": ["A", "B", "C"]})
    parent.refresh_from_db()
    assert parent.status == JobStatus.SUCCEEDED and parent.result["parts"] == 3
    assert sorted(Team.objects.values_list("name", flat=True)) == ["A", "B", "C"]
    assert parent.children.count() == 3 and all(c.status == JobStatus.SUCCEEDED for c in parent.children.all())
    # one message for the whole job, not one per part
    assert Notification.objects.filter(user=admin, event="job.finished").count() == 1


def test_a_part_that_fails_fails_the_parent_with_its_reason(db, admin):
    from accord.org import services as org

    org.create_team(actor=admin, name="B")  # the second part will collide with it
    parent = services.start_job(actor=admin, kind="test.fan", title="Three teams", args={"names": ["A", "B", "C"]})
    parent.refresh_from_db()
    assert parent.status == JobStatus.FAILED and "1 of 3 parts failed" in parent.error


def test_a_job_whose_worker_died_is_failed_for_retry(db, admin):
    job = Job.objects.create(kind="test.make_team", title="Lost", args={"name": "Lost"}, actor=admin,
                             created_at=timezone.now(), status=JobStatus.RUNNING,
                             started_at=timezone.now() - timedelta(minutes=10))
    cache.clear()
    from django.db import transaction

    with transaction.atomic():
        assert services.fail_lost_jobs(actor=admin) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "stopped while running" in job.error


def test_the_tick_runs_every_step_once_a_day(db, admin):
    from accord.jobs.tick import STEPS, run_tick

    calls: list[str] = []
    STEPS["zz.test"] = lambda actor, today: calls.append(actor.username) or "did it"
    try:
        done = run_tick()
    finally:
        STEPS.pop("zz.test", None)
    assert done["zz.test"] == "did it" and calls == ["accord-system"]
    assert set(done) >= {"governance.expiries", "jobs.lost"}
    assert audit.verify_chain().ok
