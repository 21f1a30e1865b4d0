"""A real queue: Redis, and a separate `accord worker` process, as in production. Jobs queued by one
process are run by the other; fanned-out simulations give the same numbers as one process alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REDIS = os.environ.get("ACCORD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ACCORD = [sys.executable, "-m", "accord"]

SETUP = """
from accord.accounts.models import User, UserRole
from accord.risks import services
user = User.objects.create_user(username="ciso", password="correct-horse-battery-9")
UserRole.objects.create(user=user, role="ciso")
for slug, mean in (("ransomware", 400000), ("fraud", 90000), ("outage", 150000)):
    services.create_scenario(actor=user, slug=slug, name=slug, inputs={
        "lef": {"pert": [0.2, 1, 3]}, "primary_loss": {"lognormal90": [mean / 10, mean * 3]}})
from accord.jobs.services import start_job
job = start_job(actor=user, kind="risks.simulate_all", title="all", args={"force": True})
print(job.pk)
"""

STATUS = """
import json
from accord.jobs.models import Job
from accord.risks.models import RiskScenario
job = Job.objects.get(pk={job})
print(json.dumps({{"status": job.status, "error": job.error, "parts": job.children.count(),
                  "means": {{s.slug: s.latest_run.mean for s in RiskScenario.objects.order_by("slug")}}}}))
"""


def _shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], env=env, capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).resolve().parents[2], check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture
def redis_queue():
    import redis

    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS}: start it (.ci/run does) to test the job queue")
    client.flushdb()
    yield REDIS
    client.flushdb()


def test_a_separate_worker_runs_queued_jobs_from_redis(tmp_path, redis_queue):
    env = {**os.environ, "ACCORD_ENV": "development", "ACCORD_VAR_DIR": str(tmp_path),
           "ACCORD_REDIS_URL": redis_queue, "DJANGO_SETTINGS_MODULE": "accord.config.settings"}
    env.pop("ACCORD_DATABASE_URL", None)  # a fresh SQLite file in tmp_path, shared by both processes
    subprocess.run([*ACCORD, "db", "migrate"], env=env, check=True, capture_output=True, timeout=120)
    job = _shell(env, SETUP)
    queued = json.loads(_shell(env, STATUS.format(job=job)))
    assert queued["status"] == "queued"  # nothing runs it until a worker is there
    worker = subprocess.Popen([*ACCORD, "worker", "--workers", "2", "--kind", "thread"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        state = queued
        while time.monotonic() < deadline:
            state = json.loads(_shell(env, STATUS.format(job=job)))
            if state["status"] in ("succeeded", "failed"):
                break
            time.sleep(1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert state["status"] == "succeeded", (state, worker.stdout.read() if worker.stdout else "")
    assert state["parts"] == 3
    # the same numbers as simulating each scenario in this process: seeded per scenario
    env_local = {**env, "ACCORD_REDIS_URL": ""}
    again = json.loads(_shell(env_local, """
import json
from accord.risks.models import RiskScenario
from accord.risks.services import simulate_scenario
from accord.accounts.models import User
user = User.objects.get(username="ciso")
print(json.dumps({s.slug: simulate_scenario(actor=user, scenario=s, force=True).mean
                  for s in RiskScenario.objects.order_by("slug")}))
"""))
    assert again == state["means"]
