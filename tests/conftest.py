"""Named personas shared by every test (see docs/development/testing.md).

The world: a country > a district (where alice coordinates) > a city; a second district nobody
here coordinates. ``org`` is an organisation in alice's city.

* ``admin``   platform admin
* ``alice``   coordinator of the district: may change what is in it
* ``bob``     liaison of the district: may see everything there, change nothing
* ``olga``    organisation admin of ``org``; ``mona`` an organisation member of ``org``
* ``charlie`` signed in, no role: the outsider
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from core.models import User
from stakeholders.models import JurisdictionRole, OrganisationMembership
from tests.factories import (
    JurisdictionFactory,
    JurisdictionRoleFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SectorFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Each test starts in the site's language: a request that chose another (a profile language,
    Accept-Language) leaves it active on the thread, as a worker's next request would replace it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    country = JurisdictionFactory(name="Ruritania", code="RU", level="national")
    district = JurisdictionFactory(name="North District", code="RU-N", level="district", parent=country)
    city = JurisdictionFactory(name="Harbour City", code="RU-N-HC", level="city", parent=district)
    other_district = JurisdictionFactory(name="South District", code="RU-S", level="district", parent=country)
    civil = SectorFactory(name="Civil society", code="civil-society")
    police = SectorFactory(name="Law enforcement", code="law-enforcement", is_security=True)
    org = OrganisationFactory(name="Harbour Youth Forum", acronym="HYF", sector=civil, jurisdiction=city, kind="youth")
    other_org = OrganisationFactory(
        name="South Police", sector=police, jurisdiction=other_district, kind="law_enforcement"
    )
    admin = UserFactory(email="admin@example.org", full_name="Ada Admin", is_staff=True, is_superuser=True)
    alice = UserFactory(email="alice@example.org", full_name="Alice Coordinator")
    bob = UserFactory(email="bob@example.org", full_name="Bob Liaison")
    olga = UserFactory(email="olga@example.org", full_name="Olga Orgadmin")
    mona = UserFactory(email="mona@example.org", full_name="Mona Member")
    charlie = UserFactory(email="charlie@example.org", full_name="Charlie Outsider")
    JurisdictionRoleFactory(user=alice, jurisdiction=district, role=JurisdictionRole.Role.COORDINATOR)
    JurisdictionRoleFactory(user=bob, jurisdiction=district, role=JurisdictionRole.Role.LIAISON)
    OrganisationMembershipFactory(user=olga, organisation=org, role=OrganisationMembership.Role.ADMIN)
    OrganisationMembershipFactory(user=mona, organisation=org, role=OrganisationMembership.Role.MEMBER)
    return SimpleNamespace(
        country=country,
        district=district,
        city=city,
        other_district=other_district,
        civil=civil,
        police=police,
        org=org,
        other_org=other_org,
        admin=admin,
        alice=alice,
        bob=bob,
        olga=olga,
        mona=mona,
        charlie=charlie,
    )


@pytest.fixture
def client_for(client):  # type: ignore[no-untyped-def]
    """``client_for(user)``: the Django test client signed in as ``user`` (fresh per call)."""
    from django.test import Client

    def make(user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def api_for():  # type: ignore[no-untyped-def]
    """``api_for(user)``: a DRF client authenticated as ``user``."""

    def make(user: User) -> APIClient:
        c = APIClient()
        c.force_authenticate(user)
        return c

    return make


@pytest.fixture(autouse=True)
def _celery_eager() -> None:
    """Run tasks in-process: settings changes do not reach an already configured Celery app."""
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


def pytest_report_header(config) -> str:  # type: ignore[no-untyped-def]
    return (
        f"database: {os.environ.get('DATABASE_URL', 'sqlite (embedded)')}; "
        f"broker/cache: {os.environ.get('REDIS_URL', 'filesystem/locmem (embedded)')}"
    )


def pytest_sessionfinish(session, exitstatus) -> None:  # type: ignore[no-untyped-def]
    """Remove this run's file-based task queue (the embedded broker), if it used one."""
    import shutil
    from pathlib import Path

    from django.conf import settings

    folder = (settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}).get("data_folder_in")
    if folder and f"test-celery-{settings.RUN_ID}" in folder:
        shutil.rmtree(Path(folder).parent, ignore_errors=True)
