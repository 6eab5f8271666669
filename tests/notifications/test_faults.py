"""Faults with real processes: a Celery worker and beat on Redis, a Redis that stops and starts
again (the test's own, never the shared one), a worker killed with SIGKILL, two beat processes,
an SMTP sink. Where ``REDIS_URL`` is set (CI) the plain worker test runs on that Redis and fails,
not skips, when it is down."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from coordination.models import Decision, Meeting
from core.models import Delivery
from tests.coordination.factories import AgendaItemFactory, MeetingFactory
from tests.factories import PersonFactory, UserFactory
from tests.notifications.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _overdue_for(cw, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """``n`` overdue decisions, each owned by its own user; their addresses."""
    past = timezone.now() - timedelta(days=30)
    meeting = MeetingFactory(
        committee=cw.committee,
        starts_at=past,
        ends_at=past + timedelta(hours=1),
        status=Meeting.Status.MINUTES_APPROVED,
    )
    item = AgendaItemFactory(meeting=meeting)
    addresses = []
    for i in range(n):
        user = UserFactory(email=f"owner{i}@example.org")
        Decision.objects.create(
            agenda_item=item,
            meeting=meeting,
            committee=cw.committee,
            kind=Decision.Kind.ACTION,
            text=f"Action {i}",
            owner=PersonFactory(full_name=f"Owner {i}", email=user.email, user=user),
            due_date=timezone.localdate() - timedelta(days=1),
        )
        addresses.append(user.email)
    return addresses


def _assert_once_each(sink, addresses: list[str]) -> None:  # type: ignore[no-untyped-def]
    for address in addresses:
        got = [m for m in sink.to(address) if "Overdue" in (m["subject"] or "")]
        assert len(got) == 1, (address, got)


@pytest.fixture
def shared_broker(own_redis) -> str:  # type: ignore[no-untyped-def]
    """The real Redis of ``REDIS_URL`` when set (it must answer: a test needing Redis fails when it
    is down), otherwise a Redis of the test's own."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return own_redis.url
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2).close()
    except OSError as exc:
        pytest.fail(f"REDIS_URL is set but Redis does not answer: {exc}")
    return url


def test_a_real_worker_sends_a_reminder_once(cw, smtp_sink, shared_broker, processes, use_broker):
    from core.tasks import send_notifications_task

    addresses = _overdue_for(cw, 3)
    processes("worker", broker=shared_broker, smtp_port=smtp_sink.port)
    use_broker(shared_broker)
    send_notifications_task.delay()
    send_notifications_task.delay()  # a retry, a second trigger: nothing twice
    wait_for(lambda: smtp_sink.count() >= 3, message="the worker sent nothing")
    time.sleep(3)
    _assert_once_each(smtp_sink, addresses)


def test_redis_stopped_during_the_due_time_pages_serve_and_it_is_sent_once_afterwards(
    cw, smtp_sink, own_redis, processes, settings, client, use_broker
):
    use_broker(own_redis.url)
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
    processes("worker", broker=own_redis.url, smtp_port=smtp_sink.port)
    processes(
        "beat",
        broker=own_redis.url,
        smtp_port=smtp_sink.port,
        extra_env={"TEST_BEAT_EVERY": "2", "TEST_BEAT_FILE": str(own_redis.folder / "beat-schedule")},
    )
    assert client.post("/accounts/login/", {"login": "mike@example.org", "password": "correct-horse-battery"})[
        "Location"
    ] in ("/", "/accounts/profile/")
    own_redis.stop()
    addresses = _overdue_for(cw, 2)  # due while Redis is down
    for path in ("/", "/profile/", "/coordination/", "/profile/notifications/"):
        assert client.get(path).status_code == 200, path
    assert client.get("/api/v1/committees/").status_code == 200  # throttles let requests through
    health = client.get("/healthz").json()
    assert health["status"] == "degraded" and set(health["down"]) == {"cache", "broker"}
    from django.test import Client

    fresh = Client()
    response = fresh.post("/accounts/login/", {"login": "sam@example.org", "password": "correct-horse-battery"})
    assert response.status_code == 302 and fresh.get("/").status_code == 200  # signing in works
    time.sleep(3)
    assert smtp_sink.count() == 0
    own_redis.start()  # same port: worker and beat reconnect
    wait_for(lambda: smtp_sink.count() >= 2, timeout=90, message="nothing sent after Redis came back")
    time.sleep(5)  # several more beats
    _assert_once_each(smtp_sink, addresses)


def test_a_worker_killed_mid_batch_keeps_the_guarantee_for_every_recipient(
    cw, smtp_sink, own_redis, processes, use_broker
):
    """SIGKILL while sending: every recipient is sent the reminder at least once, every copy of one
    record carries the same Message-ID (so a duplicate is recognisable), nothing is lost; only the
    sends of the last unrecorded window (``NOTIFY_FLUSH_SECONDS`` of sending) may go twice."""
    from core.tasks import send_notifications_task

    smtp_sink.delay = 0.3
    addresses = _overdue_for(cw, 12)
    worker = processes("worker", broker=own_redis.url, smtp_port=smtp_sink.port)
    use_broker(own_redis.url)
    send_notifications_task.delay()
    wait_for(lambda: smtp_sink.count() >= 4, message="the worker did not start sending")
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    states = Counter(Delivery.objects.filter(kind="coordination.decision_overdue").values_list("state", flat=True))
    assert states["sent"] < 12, states  # killed mid-batch
    processes("worker", broker=own_redis.url, smtp_port=smtp_sink.port, extra_env={"NOTIFY_STUCK_AFTER": "1"})
    time.sleep(1.5)
    send_notifications_task.delay()  # the next run: sweeps the stuck send, sends the rest
    wait_for(
        lambda: Delivery.objects.filter(kind="coordination.decision_overdue", state="sent").count() == 12,
        timeout=90,
        message="not every recipient was sent the reminder",
    )
    rows = {d.address: d.message_id for d in Delivery.objects.filter(kind="coordination.decision_overdue")}
    duplicates = 0
    for address in addresses:
        got = [m for m in smtp_sink.to(address) if "Overdue" in (m["subject"] or "")]
        assert got, address  # at least once
        assert {m["message_id"] for m in got} == {rows[address]}  # one Message-ID per record
        duplicates += len(got) - 1
    # Outcomes are written every second of sending (0.3 s a mail here): at most the sends of that
    # window, and the one in flight, go again.
    assert duplicates <= 4, duplicates


def test_two_beat_processes_send_once(cw, smtp_sink, own_redis, processes):
    addresses = _overdue_for(cw, 4)
    for i in range(2):
        processes("worker", broker=own_redis.url, smtp_port=smtp_sink.port)
        processes(
            "beat",
            broker=own_redis.url,
            smtp_port=smtp_sink.port,
            extra_env={"TEST_BEAT_EVERY": "1", "TEST_BEAT_FILE": str(own_redis.folder / f"beat-{i}")},
        )
    wait_for(lambda: smtp_sink.count() >= 4, timeout=60, message="nothing sent")
    time.sleep(6)  # a dozen more runs from both beats
    _assert_once_each(smtp_sink, addresses)


def test_a_pool_process_killed_mid_invitations_loses_none(cw, smtp_sink, own_redis, processes, use_broker, settings):
    """The task is handed back when its process dies (acks late, reject on worker lost): the
    restarted process goes on; the one in flight is swept; nobody is left uninvited."""
    from coordination.models import Invitation
    from coordination.tasks import send_meeting_invitations_task
    from core.notifications.jobs import run

    smtp_sink.delay = 0.25
    start = timezone.now() + timedelta(days=3)
    meeting = MeetingFactory(
        committee=cw.committee, starts_at=start, ends_at=start + timedelta(hours=1), published_at=timezone.now()
    )
    people = [PersonFactory(full_name=f"Guest {i}", email=f"guest{i}@example.org") for i in range(15)]
    Invitation.objects.bulk_create([Invitation(meeting=meeting, person=p) for p in people])
    worker = processes(
        "worker", broker=own_redis.url, smtp_port=smtp_sink.port, args=["--pool=prefork", "--concurrency=1"]
    )
    use_broker(own_redis.url)
    time.sleep(3)
    send_meeting_invitations_task.delay(meeting.pk)
    wait_for(lambda: smtp_sink.count() >= 4, message="no invitation went out")
    children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
    assert children, "no pool process"
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)
    # Handed back and run again by the new pool process; what was in flight is swept later.
    wait_for(lambda: smtp_sink.count() >= 14, timeout=90, message="the task was not run again")
    Invitation.objects.filter(meeting=meeting).update(created_at=timezone.now() - timedelta(minutes=10))
    settings.NOTIFY_STUCK_AFTER = 1
    time.sleep(1.5)
    run()  # this process's run: sweep the stuck one
    wait_for(lambda: not Invitation.objects.filter(meeting=meeting, sent_at__isnull=True).exists(), timeout=30)
    for p in people:
        got = smtp_sink.to(p.email)
        assert got and len({m["message_id"] for m in got}) == 1, p.email
