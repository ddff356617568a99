"""A worker killed in the middle of sending an email loses nothing and repeats nothing.

Slow (a few seconds: it starts real `manage.py` processes) but essential, so it runs in
the default suite, on SQLite and on PostgreSQL. Everything is real, only the lease is
short (one second): an SMTP server (aiosmtpd), the database task queue, `manage.py
db_worker` in its own process, SIGKILL, and the outbox sweep run as cron runs it,
`manage.py run_scheduler --once`.

The server holds the conversation of one chosen message at the end of DATA, before its
"250" reply, and tells the test; the test kills the worker there. The server keeps a
message only when it can still answer "250" to its client, so the held message counts
as not accepted. The sweep queues it again once its lease has run out, and a new worker
sends it, with the same Message-ID. (A mail server that had kept the first copy would
get it twice; the stable Message-ID is what lets it drop the second.)

The worker processes share the database of the test: on PostgreSQL the test database
itself (the test is transactional, so they see what it commits); on SQLite, whose test
database lives in memory, a file copy of it that the test also reads and writes.
"""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ihss import test as cast
from ihss.notifications import services
from ihss.notifications.events import SPECS, Event
from ihss.notifications.models import Delivery, ScheduledJob
from ihss.notifications.tests.smtp_server import Handler, Mailbox, smtp_server

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[3]
PAYMENT = SPECS[Event.PAYMENT_ISSUED].sample
PEOPLE = 5
HELD = 3  # the third person's email is the one in flight when the worker dies
LEASE_SECONDS = 1
WAIT = 20.0  # seconds any one step may take before the test gives up
SWEEP_JOB = "notifications.sweep_outbox"


class Hold:
    """The server's side of the held conversation, shared with the test thread."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.reached = threading.Event()  # the message's DATA is in; the reply is held
        self.abandoned = threading.Event()  # the client went away while it was held
        self.released = threading.Event()  # the test lets the conversation go on
        self.abandoned_message_ids: list[str] = []


def holding_handler(hold: Hold) -> type[Handler]:
    """A Handler that holds the first message to `hold.address` before replying to DATA."""

    class HoldingHandler(Handler):
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            if hold.address in envelope.rcpt_tos and not hold.reached.is_set():
                message_id = _header(envelope.content, b"Message-ID")
                hold.reached.set()
                try:
                    while not hold.released.is_set():
                        await asyncio.sleep(0.01)
                except asyncio.CancelledError:
                    # aiosmtpd cancels the conversation when the client's socket closes.
                    hold.abandoned_message_ids.append(message_id)
                    hold.abandoned.set()
                    raise
                if server.transport is None or server.transport.is_closing():
                    hold.abandoned_message_ids.append(message_id)
                    hold.abandoned.set()
                    return "421 4.4.2 Connection lost"
            return await super().handle_DATA(server, session, envelope)

    return HoldingHandler


def _header(content: bytes, name: bytes) -> str:
    for line in content.split(b"\r\n\r\n", 1)[0].splitlines():
        if line.lower().startswith(name.lower() + b":"):
            return line.split(b":", 1)[1].strip().decode()
    return ""


@pytest.fixture
def shared_database(tmp_path: Path) -> Iterator[str]:
    """The DATABASE_URL that puts other processes in the database this test uses."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        user = quote(db["USER"] or "", safe="")
        password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
        host = quote(db["HOST"] or "", safe="")
        port = f":{db['PORT']}" if db["PORT"] else ""
        yield f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"
        return
    assert connection.vendor == "sqlite"
    # The in-memory test database (migrated and seeded) copied to a file the workers open;
    # this test's own queries go to the same file until it ends.
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    in_memory = connections["default"]
    on_file = type(in_memory)({**in_memory.settings_dict, "NAME": str(path)}, "default")
    connections["default"] = on_file
    try:
        yield f"sqlite:///{path}"
    finally:
        on_file.close()
        connections["default"] = in_memory


def _process_env(database_url: str, smtp_port: int, var_dir: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "EMAIL_", "NOTIFICATIONS_", "TASKS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ihss.settings",
        IHSS_ENV="test",
        IHSS_VAR_DIR=str(var_dir),
        DEBUG="false",
        DATABASE_URL=database_url,
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="false",
        EMAIL_TIMEOUT="10",
        DEFAULT_FROM_EMAIL=django_settings.DEFAULT_FROM_EMAIL,  # the Message-ID's domain
        NOTIFICATIONS_LEASE_SECONDS=str(LEASE_SECONDS),
        # The sweep also queues again every message still waiting for its first task, so
        # the new worker meets two tasks for each: the second must send nothing.
        NOTIFICATIONS_REQUEUE_AFTER_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    return env


class Processes:
    """`manage.py` commands of this test, each with its output in a log file."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.started: list[subprocess.Popen[bytes]] = []

    def _log(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        with self._log(name).open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed alone
            )
        self.started.append(process)
        return process

    def run(self, name: str, *args: str) -> str:
        process = self.start(name, *args)
        try:
            process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name} did not finish in {WAIT:g} s:\n{self.output(name)}")
        assert process.returncode == 0, f"{name} failed:\n{self.output(name)}"
        return self.output(name)

    def output(self, name: str) -> str:
        return self._log(name).read_text(errors="replace")[-4000:]

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=WAIT)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Any]:
    def make(database_url: str, smtp_port: int) -> Processes:
        made = Processes(_process_env(database_url, smtp_port, tmp_path / "var"), tmp_path)
        created.append(made)
        return made

    created: list[Processes] = []
    yield make
    for made in created:
        made.stop_all()


def _tasks_by_delivery() -> dict[int, list[tuple[str, Any]]]:
    """The (status, return value) of each task in the database queue, by outbox row."""
    tasks: dict[int, list[tuple[str, Any]]] = collections.defaultdict(list)
    for task in DBTaskResult.objects.order_by("enqueued_at"):
        argument = task.args_kwargs["args"][0]
        if task.task_path == "ihss.notifications.tasks.send_deliveries":  # a batch of rows
            for pk in argument:
                outcome = (task.return_value or {}).get(str(pk))
                tasks[pk].append((task.status, outcome))
        else:
            assert task.task_path == "ihss.notifications.tasks.send_delivery"
            tasks[argument].append((task.status, task.return_value))
    return tasks


def _accepted(mailbox: Mailbox) -> list[tuple[str, str]]:
    with mailbox.lock:
        return [(str(m["Message-ID"]), str(m["To"])) for m in mailbox.messages]


def test_a_worker_killed_mid_send_loses_and_repeats_nothing(settings, shared_database, processes):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    people = [cast.make_user(f"crash.{n}") for n in range(1, PEOPLE + 1)]
    for person in people:
        services.notify(
            user=person, event=Event.PAYMENT_ISSUED, context=PAYMENT, key="pay:2026-11-25"
        )
    deliveries = {d.address: d for d in Delivery.objects.filter(notification__user__in=people)}
    assert sorted(deliveries) == sorted(p.email for p in people)
    assert {d.status for d in deliveries.values()} == {Delivery.Status.QUEUED}
    pks = [d.pk for d in deliveries.values()]
    held = deliveries[people[HELD - 1].email]
    expected_ids = {services.message_id(d): d.address for d in deliveries.values()}
    assert {pk: len(tasks) for pk, tasks in _tasks_by_delivery().items()} == dict.fromkeys(pks, 1)

    hold = Hold(held.address)
    with smtp_server(holding_handler(hold)) as (port, mailbox):
        run = processes(shared_database, port)
        try:
            # 1. A worker sends until the held email, and is killed while it waits for "250".
            worker = run.start(
                "worker-killed",
                *("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"),
            )
            deadline = time.monotonic() + WAIT
            while not hold.reached.wait(0.05):
                assert worker.poll() is None, (
                    f"the worker stopped first:\n{run.output('worker-killed')}"
                )
                assert time.monotonic() < deadline, (
                    f"the held email never came:\n{run.output('worker-killed')}"
                )
            os.killpg(worker.pid, signal.SIGKILL)
            assert worker.wait(timeout=WAIT) == -signal.SIGKILL
            assert hold.abandoned.wait(WAIT), "the server did not see the client go"
        finally:
            hold.released.set()

        # 2. Mid-send: the held email is still leased to the dead worker and was not
        # accepted; the ones before it were sent, the ones after it still wait.
        held.refresh_from_db()
        assert held.status == Delivery.Status.SENDING
        assert held.attempts == 1
        assert held.lease_until is not None
        assert hold.abandoned_message_ids == [services.message_id(held)]
        accepted = _accepted(mailbox)
        assert len(accepted) < PEOPLE
        sent_so_far = {
            services.message_id(d)
            for d in Delivery.objects.filter(pk__in=pks, status=Delivery.Status.SENT)
        }
        assert sorted(i for i, _to in accepted) == sorted(sent_so_far)
        waiting = Delivery.objects.filter(pk__in=pks, status=Delivery.Status.QUEUED).count()
        assert len(sent_so_far) + 1 + waiting == PEOPLE

        # 3. Its lease runs out; the outbox sweep queues it (and the waiting ones) again.
        time.sleep(max(0.0, (held.lease_until - timezone.now()).total_seconds()) + 0.1)
        ScheduledJob.objects.filter(name=SWEEP_JOB).delete()  # due now, whatever ran before
        swept = run.run("sweep", "run_scheduler", "--once", "--job", SWEEP_JOB, "-v2")
        assert f"{SWEEP_JOB} (" in swept and ") done" in swept, swept
        tasks = _tasks_by_delivery()
        assert tasks[held.pk] == [("RUNNING", None), ("READY", None)]
        assert sum(("READY", None) in t for t in tasks.values()) == 1 + waiting

        # 4. A new worker runs every queued task and stops.
        run.run("worker-new", "db_worker", "--no-reload", "--no-startup-delay", "--batch")

    # 5. Every email arrived exactly once, with its own stable Message-ID, to its person.
    accepted = _accepted(mailbox)
    message_ids = collections.Counter(i for i, _to in accepted)
    assert len(accepted) == PEOPLE
    assert all(count == 1 for count in message_ids.values()), message_ids
    assert dict(accepted) == expected_ids
    assert sorted(to for _i, to in accepted) == sorted(p.email for p in people)
    final = {d.pk: d for d in Delivery.objects.filter(pk__in=pks)}
    assert {d.status for d in final.values()} == {Delivery.Status.SENT}
    assert final[held.pk].attempts == 2
    assert {d.attempts for pk, d in final.items() if pk != held.pk} == {1}
    assert all(d.lease_until is None and d.sent_at is not None for d in final.values())

    # The task queue tells the same story: each extra task was turned away by the claim.
    results = collections.Counter(t for ts in _tasks_by_delivery().values() for t in ts)
    assert results == {
        # The killed worker's task is never finished: the outbox sweep is what recovers it.
        ("RUNNING", None): 1,
        ("SUCCESSFUL", Delivery.Status.SENT): PEOPLE,
        ("SUCCESSFUL", "not-due"): waiting,
    }
