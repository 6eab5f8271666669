"""Health, background jobs, logs, settings and demo data: the platform a newcomer relies on."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from core.logging import JsonFormatter, RequestIdFilter
from core.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database_cache_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert {checks[k]["status"] for k in ("database", "cache", "broker")} == {"ok"}
    if os.environ.get("REDIS_URL"):
        # CI: the real Redis is both cache and broker; an unreachable one fails this test.
        assert checks["cache"]["detail"] == "RedisCache"  # the tolerant wrapper of Django's
        assert "redis" in checks["broker"]["detail"].lower()
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert checks["database"]["detail"] == "postgresql"


@pytest.mark.django_db
def test_healthz_says_the_broker_is_down_but_keeps_the_instance_in_service(client):
    from config.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url, app.conf.broker_transport_options = "redis://127.0.0.1:1/0", {}
    app.__dict__.pop("pool", None)
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
    # The pages work without the broker: a 503 would take every web instance out of the load
    # balancer exactly when Redis is down.
    assert response.status_code == 200
    assert response.json()["status"] == "degraded" and response.json()["down"] == ["broker"]
    assert response.json()["checks"]["broker"]["status"] == "error"


@pytest.mark.django_db
def test_heartbeat_task_is_shown_by_healthz(client):
    from core.tasks import record_worker_heartbeat_task

    record_worker_heartbeat_task.delay()
    assert WorkerHeartbeat.objects.filter(name="celery").exists()
    assert "last seen" in client.get("/healthz").json()["checks"]["worker"]["detail"]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_queued_jobs(tmp_path):
    """A Celery worker process takes a job from the real broker (Redis in CI, files when embedded)."""
    from config.celery import app
    from core.tasks import record_worker_heartbeat_task

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    from django.db import connection

    env["DATABASE_URL"] = _database_url_for_worker(connection)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency=1",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    try:
        record_worker_heartbeat_task.delay()
        import time

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not WorkerHeartbeat.objects.filter(name="celery").exists():
            assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
            time.sleep(0.5)
        assert WorkerHeartbeat.objects.filter(name="celery").exists(), "the worker did not run the job"
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=30)


def _database_url_for_worker(connection) -> str:  # type: ignore[no-untyped-def]
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_beat_schedule_names_real_tasks():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_json_logs_carry_the_request_id():
    from core.logging import request_id_var

    token = request_id_var.set("abc123")
    try:
        record = logging.LogRecord("roundtable", logging.INFO, __file__, 1, "hello %s", ("world",), None)
        record.organisation_id = 7
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "hello world"
    assert line["request_id"] == "abc123"
    assert line["organisation_id"] == 7


@pytest.mark.django_db
def test_responses_carry_a_request_id(client):
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="from-proxy")["X-Request-ID"] == "from-proxy"


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_logins():
    from stakeholders.models import Jurisdiction, Organisation

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = Jurisdiction.objects.count(), Organisation.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert (Jurisdiction.objects.count(), Organisation.objects.count()) == counts
    assert Jurisdiction.objects.filter(code__startswith="PK-SD-").count() == 29
    assert Organisation.objects.filter(jurisdiction__code="US-NY-NYC").count() >= 25
    text = out.getvalue()
    assert "coordinator.tangail@roundtable.example.org" in text
    assert "guest@roundtable.example.org" in text


def _run_production(extra_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    dropped = ("SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the last is set for browser tests
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy():
    result = _run_production(
        {
            "SECRET_KEY": "x9" * 30 + "-production-like-secret",
            "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/x",
            "ALLOWED_HOSTS": "roundtable.example.org",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_production({"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/x", "ALLOWED_HOSTS": "x"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_secret_key_may_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("f" * 64 + "\n")
    result = _run_production(
        {"SECRET_KEY_FILE": str(secret), "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/x", "ALLOWED_HOSTS": "x"},
        "check",
    )
    assert result.returncode == 0, result.stderr


def test_compose_file_describes_the_production_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "beat" in " ".join(services["beat"]["command"])
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"} <= set(env), name
        assert "SECRET_KEY" not in env or env["SECRET_KEY"].startswith("${"), "no secret in the compose file"
    assert services["web"]["healthcheck"]["test"]


def test_pages_load_no_assets_from_the_internet():
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        assert "cdn." not in text and "https://unpkg" not in text and "googleapis" not in text, template


def test_openapi_schema_is_valid_and_generates_without_warnings(tmp_path):
    """Every viewset must describe itself (a model for its path ids, typed fields) for API clients."""
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert "/api/v1/organisations/" in schema["paths"]


@pytest.mark.django_db
def test_api_calls_beyond_the_rate_limit_get_429(api_for, world, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "3/minute"})
    c = api_for(world.charlie)
    assert [c.get("/api/v1/sectors/").status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.django_db
def test_secrets_in_url_paths_never_reach_the_logs(client, caplog):
    """A revoked calendar feed or a stale reset link answers 404/400, and Django logs the path."""
    from core.logging import RedactSecretsFilter

    configured = [f for h in logging.getLogger().handlers for f in h.filters]
    assert any(isinstance(f, RedactSecretsFilter) for f in configured), "the console handler redacts"
    handler_filter = RedactSecretsFilter()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/coordination/calendar/s3cr3t-feed-token.ics")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records, "the 404 was logged"
    for record in records:
        handler_filter.filter(record)
        assert "s3cr3t-feed-token" not in record.getMessage()
        assert "[redacted]" in record.getMessage()
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "Not Found: %s", ("/accounts/password/reset/key/3-abc123def/",), None
    )
    handler_filter.filter(record)
    assert "abc123def" not in record.getMessage()
