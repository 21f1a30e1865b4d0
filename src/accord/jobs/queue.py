"""The task queue behind jobs: one Huey instance, chosen by the settings (`JOBS`).

* Embedded (default): Huey on a SQLite file in the var directory; `accord serve` starts consumer
  threads in its own process, so one command runs everything.
* Production: Huey on Redis (`ACCORD_REDIS_URL`); `accord worker` runs consumers, on as many
  machines as needed.
* Tests: immediate mode, each task runs when it is enqueued, in the caller's thread.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import close_old_connections
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

NAME = "accord"


def _build() -> Huey:
    config = settings.JOBS
    if config["immediate"]:
        return MemoryHuey(NAME, immediate=True)
    if config["redis_url"]:
        return RedisHuey(NAME, url=config["redis_url"])
    Path(str(config["sqlite_path"])).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(NAME, filename=config["sqlite_path"])


huey = _build()


def load_tasks() -> None:
    """Import every app's `tasks` module, so a consumer knows every task it may be handed."""
    for app in apps.get_app_configs():
        if app.name.startswith("accord."):
            try:
                importlib.import_module(f"{app.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.tasks":
                    raise


def start_consumer_threads(workers: int, *, periodic: bool) -> None:
    """Huey consumer threads in this process (`accord serve`, so `make demo` needs nothing else
    running; `accord jobs start --here`). `periodic` also runs the daily tick's schedule."""
    from huey.consumer import Consumer

    if huey.immediate:  # (tests: every task already ran when it was queued)
        return
    load_tasks()
    consumer = Consumer(huey, workers=workers, worker_type="thread", periodic=periodic)
    # The caller owns the signals (Ctrl+C stops both): start the consumer's scheduler and worker
    # threads without its own handlers. They are daemon threads and end with the process.
    consumer._set_signal_handlers = lambda: None
    consumer.start()


@contextlib.contextmanager
def worker_connection() -> Iterator[None]:
    """Around a task on a worker: drop a database connection the server has closed (a worker thread
    lives long) before and after. With immediate tasks (tests) the task runs inside its caller's
    transaction, whose connection must stay open."""
    if huey.immediate:
        yield
        return
    close_old_connections()
    try:
        yield
    finally:
        close_old_connections()
