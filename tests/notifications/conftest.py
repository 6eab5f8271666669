"""Real services for the delivery tests: an SMTP sink (aiosmtpd) that records every accepted
message and refuses chosen recipients with 550, a Redis of the test's own (never the shared one on
6379) that a test may stop and start, and real Celery worker and beat processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Sink:
    host: str
    port: int
    refuse: set[str] = field(default_factory=set)
    delay: float = 0.0
    messages: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.messages if address in m["rcpt"]]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


class _Handler:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address.lower() in self.sink.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        import asyncio

        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        msg = message_from_bytes(envelope.content)
        with self.sink.lock:
            self.sink.messages.append(
                {
                    "rcpt": [a.lower() for a in envelope.rcpt_tos],
                    "message_id": " ".join(str(msg["Message-ID"]).split()),
                    "subject": msg["Subject"],
                }
            )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_sink(settings) -> Iterator[Sink]:  # type: ignore[no-untyped-def]
    """A real SMTP server on 127.0.0.1; this process's mail goes to it."""
    from aiosmtpd.controller import Controller

    port = free_port()
    sink = Sink(host="127.0.0.1", port=port)
    controller = Controller(_Handler(sink), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class OwnRedis:
    port: int
    folder: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        assert server, "redis-server is needed for the fault tests"
        self.proc = subprocess.Popen(
            [
                server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("own redis did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def own_redis(tmp_path) -> Iterator[OwnRedis]:  # type: ignore[no-untyped-def]
    """A Redis of this test's own on a port from 6380 up (never the shared 6379)."""
    for port in range(6381, 6390):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
        except OSError:
            break
    redis = OwnRedis(port=port, folder=tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def database_url_for_workers() -> str:
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def processes() -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """``processes("worker", broker=..., smtp_port=...)``: a Celery process of this test's own,
    stopped (by its pid) at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start(
        kind: str,
        *,
        broker: str,
        smtp_port: int,
        extra_env: dict[str, str] | None = None,
        args: list[str] | None = None,
    ) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "DATABASE_URL": database_url_for_workers(),
            "REDIS_URL": broker,
            "TEST_SMTP_PORT": str(smtp_port),
            **(extra_env or {}),
        }
        if kind == "worker":
            cmd = [
                "worker",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                *(args or ["--pool=solo"]),
            ]
        else:
            cmd = ["beat", "--loglevel=WARNING", *(args or [])]
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *cmd],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def wait_for(condition: Callable[[], bool], timeout: float = 60, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message or "condition not met in time")


@pytest.fixture
def use_broker():  # type: ignore[no-untyped-def]
    """``use_broker(url)``: this process publishes to ``url`` (real, not eager) for the test."""
    from config.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager

    def forget_connections() -> None:
        # What ``app._after_fork`` does: the next publish opens a connection to the broker now set.
        app._pool = None
        if "amqp" in app.__dict__:
            app.__dict__["amqp"]._producer_pool = None

    def use(url: str) -> None:
        app.conf.broker_url = url
        app.conf.broker_transport_options = {"visibility_timeout": 60, "socket_timeout": 2, "socket_connect_timeout": 2}
        app.conf.task_always_eager = False
        forget_connections()

    yield use
    app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager = saved
    forget_connections()


from tests.actionplans.conftest import pw  # noqa: E402,F401 - the action-plan personas
from tests.coordination.conftest import committed, cw  # noqa: E402,F401 - the committee personas
from tests.infosharing.conftest import sw  # noqa: E402,F401 - the sharing personas
