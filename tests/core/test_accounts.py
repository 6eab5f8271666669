from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from core import services
from core.models import AuditEvent, User

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _login(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_login_with_email_and_logout(client, world):
    response = _login(client, "ALICE@example.org", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_gets_a_clear_message(client, world):
    response = _login(client, "alice@example.org", "wrong")
    assert response.status_code == 200
    assert "not correct" in response.text


def test_repeated_failures_are_rate_limited_even_with_the_right_password(client, world):
    for _ in range(5):
        _login(client, "alice@example.org", "wrong")
    response = _login(client, "alice@example.org", PASSWORD)
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.text


def test_admin_site_signs_in_through_the_rate_limited_portal_login(client, world):
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "/accounts/login/" in follow.get("Location", "") or "/accounts/login/" in response["Location"]
    c = Client()
    c.force_login(world.admin)
    assert c.get("/admin/").status_code == 200


def test_there_is_no_open_sign_up(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "x@example.org", "password1": "a-long-password-1", "password2": "a-long-password-1"},
    )
    assert not User.objects.filter(email="x@example.org").exists()
    assert response.status_code in (200, 302, 403)


def test_password_reset_by_email(client, world):
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    action = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)
    done = client.post(action, {"password1": "a-brand-new-password", "password2": "a-brand-new-password"})
    assert done.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.check_password("a-brand-new-password")


def test_deactivation_ends_sessions_and_tokens_at_once(client_for, world):
    from rest_framework.authtoken.models import Token

    c = client_for(world.mona)
    Token.objects.create(user=world.mona)
    assert c.get("/").status_code == 200
    services.user_deactivate(actor=world.admin, user=world.mona, reason="Left the organisation")
    assert c.get("/").status_code == 302
    assert not Token.objects.filter(user=world.mona).exists()
    assert AuditEvent.objects.filter(action="user.deactivate", target_id=str(world.mona.pk)).exists()


def test_an_account_made_inactive_any_other_way_is_signed_out_on_its_next_request(client_for, world):
    c = client_for(world.mona)
    User.objects.filter(pk=world.mona.pk).update(is_active=False)
    assert c.get("/").status_code == 302


def test_only_platform_admins_deactivate(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=world.alice, user=world.mona, reason="")


def test_expired_sessions_no_longer_authenticate(client_for, world, settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    c = client_for(world.mona)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert c.get("/").status_code == 302


def test_staff_must_enrol_a_second_factor_when_required(client_for, world, settings):
    settings.ROUNDTABLE_REQUIRE_STAFF_MFA = True
    staff = client_for(world.admin)
    response = staff.get("/registry/organisations/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate" in response["Location"]
    enrol = staff.get(response["Location"])  # reachable (after re-entering the password)
    assert enrol.status_code == 200 or "/accounts/reauthenticate/" in enrol["Location"]
    # Non-staff are not forced; two-factor stays available to them.
    assert client_for(world.mona).get("/registry/organisations/").status_code == 200
    assert client_for(world.mona).get("/accounts/2fa/").status_code == 200
    TOTP.activate(world.admin, generate_totp_secret())
    assert client_for(world.admin).get("/registry/organisations/").status_code == 200


def test_api_token_is_shown_once_and_replacing_it_revokes_the_old(client_for, world):
    from rest_framework.test import APIClient

    c = client_for(world.charlie)
    first = re.search(r'id="api-token">(\w+)<', c.post("/profile/api-token/").text).group(1)
    assert first not in c.get("/profile/").text
    second = re.search(r'id="api-token">(\w+)<', c.post("/profile/api-token/").text).group(1)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api.get("/api/v1/organisations/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api.get("/api/v1/organisations/").status_code == 200


def test_login_page_does_not_invite_to_a_sign_up_that_does_not_exist(client, db):
    page = client.get("/accounts/login/").text
    assert "sign up" not in page.lower()
    assert "Accounts are opened by your city coordinator" in page


def test_deactivation_deletes_the_sessions_opened_by_signing_in(client, world):
    _login(client, "mona@example.org", PASSWORD)
    assert Session.objects.count() == 1
    assert "Where you are signed in" in client.get("/profile/").text
    assert client.get("/accounts/sessions/").status_code == 200
    services.user_deactivate(actor=world.admin, user=world.mona, reason="Left")
    assert Session.objects.count() == 0
    assert client.get("/").status_code == 302
