"""Findings 11-15 and 17 of issue #7: imports that unpack without bound, a login lock-out that
locks everyone behind the load balancer, tokens that outlive the second-factor rule, a password
change and a deactivation, secrets in gunicorn's access log, and no Content-Security-Policy."""

from __future__ import annotations

import io
import ipaddress
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from coordination import services as coordination_services
from core.models import AuditEvent
from stakeholders import importing

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"  # tests/factories.py

pytestmark = pytest.mark.django_db


# --- 11. Imports: what an XLSX unpacks to, and how many lines are read ------------------------


def _workbook_with_sheet(sheet_xml: bytes | None = None, shared_strings: bytes | None = None) -> bytes:
    """A real workbook (openpyxl) whose first sheet or shared strings are replaced by ``*_xml``."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["name", "kind", "sector", "jurisdiction"])
    book.active.append(["Harbour Chess Club", "community", "civil-society", "RU-N-HC"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml" and sheet_xml is not None:
                data = sheet_xml
            target.writestr(member, data, compresslevel=9)
        if shared_strings is not None:
            target.writestr("xl/sharedStrings.xml", shared_strings, compresslevel=9)
    return out.getvalue()


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><sheetData><row r="1">'
    + b"".join(
        b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (col, name)
        for col, name in zip([b"A", b"B", b"C", b"D"], [b"name", b"kind", b"sector", b"jurisdiction"], strict=True)
    )
    + b"</row>"
)


def test_a_zip_bomb_of_150_mb_of_xml_is_refused_fast_with_a_clear_message():
    padding = b"<row/>" * (150 * 1024 * 1024 // 6)  # 150 MB of XML, a few hundred KB zipped
    data = _workbook_with_sheet(SHEET_HEAD + padding + b"</sheetData></worksheet>")
    assert len(data) < 1024 * 1024

    started = time.monotonic()
    result = importing.parse_upload("organisations", "bomb.xlsx", data)
    elapsed = time.monotonic() - started

    assert result.rows == []
    assert "unpacks to 150 MB" in result.errors[0]["message"], result.errors
    assert elapsed < 1.0, elapsed


def test_a_shared_strings_table_too_large_to_hold_in_memory_is_refused():
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t/></si>" * (
        2_000_000
    )
    result = importing.parse_upload("organisations", "strings.xlsx", _workbook_with_sheet(shared_strings=strings))
    assert result.rows == [] and "holds too much text" in result.errors[0]["message"]


def test_millions_of_empty_rows_stop_the_read_at_a_bound():
    """Empty rows are skipped, so they never counted towards the row limit: the read is bounded by
    lines read, blank ones included."""
    rows = b"".join(b'<row r="%d"/>' % n for n in range(2, importing.MAX_LINES_READ + 50))
    data = _workbook_with_sheet(SHEET_HEAD + rows + b"</sheetData></worksheet>")
    started = time.monotonic()
    result = importing.parse_upload("organisations", "empty.xlsx", data)
    assert time.monotonic() - started < 30
    assert result.rows == []
    assert "blank ones included" in result.errors[0]["message"], result.errors


def test_csv_of_blank_lines_stops_at_the_same_bound():
    data = b"name,kind,sector,jurisdiction\n" + b",,,\n" * (importing.MAX_LINES_READ + 5)
    result = importing.parse_upload("organisations", "blank.csv", data)
    assert result.rows == [] and "blank ones included" in result.errors[0]["message"]


def test_an_ordinary_workbook_still_reads():
    result = importing.parse_upload("organisations", "ok.xlsx", _workbook_with_sheet())
    assert result.errors == [] and [r["values"]["name"] for r in result.rows] == ["Harbour Chess Club"]


# --- 12. Login lock-out per account and per client address, behind trusted proxies -------------


@pytest.fixture
def behind_proxy(settings):  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]

    def login(email: str, password: str, client_address: str, via: str = "10.0.0.5"):  # type: ignore[no-untyped-def]
        c = Client(REMOTE_ADDR=via, HTTP_X_FORWARDED_FOR=f"{client_address}, 10.0.0.7")
        response = c.post("/accounts/login/", {"login": email, "password": password})
        return response, "_auth_user_id" in c.session

    return login


def test_one_clients_failures_behind_the_load_balancer_do_not_lock_out_everyone(world, behind_proxy):
    for _ in range(6):
        behind_proxy("alice@example.org", "wrong", "198.51.100.7")
    # another person, from another address, through the same load balancer: signs in
    _response, signed_in = behind_proxy("bob@example.org", PASSWORD, "203.0.113.9")
    assert signed_in


def test_the_account_is_locked_from_every_address(world, behind_proxy):
    for _ in range(5):
        behind_proxy("alice@example.org", "wrong", "198.51.100.7")
    response, signed_in = behind_proxy("alice@example.org", PASSWORD, "203.0.113.9")
    assert not signed_in and "Too many failed login attempts" in response.text


def test_the_client_address_is_locked_across_accounts(world, behind_proxy):
    for n in range(10):
        behind_proxy(f"nobody{n}@example.org", "wrong", "198.51.100.7")
    _response, signed_in = behind_proxy("bob@example.org", PASSWORD, "198.51.100.7")
    assert not signed_in
    # a forged X-Forwarded-For prefix does not move the client to a fresh address
    _response, signed_in = behind_proxy("bob@example.org", PASSWORD, "192.0.2.1, 198.51.100.7")
    assert not signed_in


def test_forwarded_for_is_ignored_from_an_untrusted_peer(world, behind_proxy):
    from core.http import client_ip

    request = SimpleNamespace(META={"REMOTE_ADDR": "198.51.100.7"}, headers={"X-Forwarded-For": "192.0.2.1"})
    assert client_ip(request) == "198.51.100.7"  # type: ignore[arg-type]
    request = SimpleNamespace(META={"REMOTE_ADDR": "10.0.0.5"}, headers={"X-Forwarded-For": "192.0.2.1, 10.0.0.7"})
    assert client_ip(request) == "192.0.2.1"  # type: ignore[arg-type]


# --- 13. Staff without a second factor cannot use the API with an earlier token ----------------


def _token_client(user) -> tuple[APIClient, Token]:  # type: ignore[no-untyped-def]
    token, _ = Token.objects.get_or_create(user=user)
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return c, token


def test_staff_token_without_a_second_factor_is_refused(world, settings):
    settings.ROUNDTABLE_REQUIRE_STAFF_MFA = True
    api, _token = _token_client(world.admin)
    response = api.get("/api/v1/organisations/")
    assert response.status_code == 401
    assert "second factor" in response.json()["detail"]

    TOTP.activate(world.admin, generate_totp_secret())
    assert api.get("/api/v1/organisations/").status_code == 200
    # people who are not staff are not asked for one
    assert _token_client(world.alice)[0].get("/api/v1/organisations/").status_code == 200


# --- 14. Tokens and feed URLs die with a password change and a deactivation --------------------


def _credentials(user):  # type: ignore[no-untyped-def]
    api, _token = _token_client(user)
    feed = reverse("coordination:calendar-feed", args=[coordination_services.calendar_feed_token_get(user=user).token])
    assert api.get("/api/v1/organisations/").status_code == 200
    assert Client().get(feed).status_code == 200
    return api, feed


def _dead(api: APIClient, feed: str) -> bool:
    return api.get("/api/v1/organisations/").status_code == 401 and Client().get(feed).status_code == 404


def test_a_password_change_ends_the_api_token_and_the_feed_url(world, client_for):
    api, feed = _credentials(world.alice)
    response = client_for(world.alice).post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-new-long-password-9", "password2": "a-new-long-password-9"},
    )
    assert response.status_code == 302
    assert _dead(api, feed)
    assert AuditEvent.objects.filter(action="user.credentials_revoke", target_id=str(world.alice.pk)).exists()


def test_a_password_set_in_the_admin_ends_them_too(world, client_for):
    api, feed = _credentials(world.alice)
    response = client_for(world.admin).post(
        reverse("admin:auth_user_password_change", args=[world.alice.pk]),
        {"password1": "a-new-long-password-9", "password2": "a-new-long-password-9"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert _dead(api, feed)


def _admin_change_form(user, **changes) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on",
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": "00:00:00",
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_unticking_active_in_the_admin_ends_them_and_reactivation_revives_nothing(world, client_for):
    api, feed = _credentials(world.alice)
    admin = client_for(world.admin)
    url = reverse("admin:core_user_change", args=[world.alice.pk])

    response = admin.post(url, _admin_change_form(world.alice, is_active=None))
    assert response.status_code == 302, response.content[:3000]
    world.alice.refresh_from_db()
    assert not world.alice.is_active
    assert AuditEvent.objects.filter(action="user.deactivate", target_id=str(world.alice.pk)).exists()

    assert admin.post(url, _admin_change_form(world.alice)).status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.is_active
    assert _dead(api, feed)


# --- 15. gunicorn's access log carries no feed token and no password-reset key ----------------


def _access_line(logger_class, tmp_path, path: str, referer: str = "-") -> str:  # type: ignore[no-untyped-def]
    from gunicorn.config import Config

    log = tmp_path / f"access-{logger_class.__name__}.log"
    cfg = Config()
    cfg.set("accesslog", str(log))
    logger = logger_class(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path.split("?")[0],
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.7",
        "HTTP_REFERER": referer,
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    request = SimpleNamespace(headers=[("REFERER", referer)])
    logger.access(response, request, environ, timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    return log.read_text()


def test_gunicorn_access_log_masks_feed_tokens_and_reset_keys(tmp_path):
    from gunicorn.glogging import Logger

    from config.gunicorn import RedactingLogger

    feed = "/coordination/calendar/s3cr3t-feed-token.ics"
    reset = "/accounts/password/reset/key/3-k3y-0f-r3set/"
    assert "s3cr3t-feed-token" in _access_line(Logger, tmp_path, feed)  # gunicorn's own logger writes it

    line = _access_line(RedactingLogger, tmp_path, feed, referer=f"https://roundtable.example.org{reset}")
    assert "s3cr3t-feed-token" not in line and "k3y-0f-r3set" not in line
    assert "/coordination/calendar/[redacted]" in line and " 200 " in line


def test_the_container_runs_gunicorn_with_that_config():
    import yaml

    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '"-c", "python:config.gunicorn"' in dockerfile and "--access-logfile" not in dockerfile
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]["command"]
    assert web[:3] == ["gunicorn", "-c", "python:config.gunicorn"]
    from config import gunicorn

    assert gunicorn.logger_class == "config.gunicorn.RedactingLogger" and gunicorn.accesslog == "-"


# --- 17. Content-Security-Policy on every page ------------------------------------------------


def test_every_page_carries_a_self_only_content_security_policy(world, client_for, client):
    signed_in = client_for(world.alice)
    for c, url in [
        (client, "/accounts/login/"),
        (signed_in, "/"),
        (signed_in, reverse("stakeholders:organisation-list")),
        (signed_in, "/registry/organisations/999999/"),
        (client_for(world.admin), "/admin/"),
        (signed_in, "/api/v1/organisations/"),
    ]:
        policy = c.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'", url
        assert "unsafe-eval" not in policy and "style-src-elem" not in directives, url
        # only style attributes may be inline; never a script or a <style> element
        assert [d for d, v in directives.items() if "unsafe-inline" in v] == ["style-src-attr"], url
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, url


def test_the_api_docs_start_swagger_from_a_script_file_not_inline(world, client_for):
    page = client_for(world.alice).get(reverse("api-docs"))
    assert page.status_code == 200
    assert "unsafe-inline" not in page["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    html = page.text
    assert html.count("<script") == html.count("<script src=")
