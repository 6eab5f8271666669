from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from stakeholders import services
from stakeholders.models import Jurisdiction, Organisation

pytestmark = pytest.mark.django_db


def test_coordinator_adds_a_ward_under_her_city_and_the_path_is_kept(world):
    ward = services.jurisdiction_create(
        actor=world.alice, name="Dock Ward", code="ru-n-hc-dw", level="ward", parent=world.city
    )
    assert ward.code == "RU-N-HC-DW"
    assert ward.path == f"{world.city.path}{ward.pk}/"
    assert ward.depth == 3
    assert AuditEvent.objects.filter(action="jurisdiction.create", target_id=str(ward.pk), actor=world.alice).exists()


def test_coordinator_cannot_add_outside_her_subtree_nor_at_the_top(world):
    with pytest.raises(PermissionDenied):
        services.jurisdiction_create(actor=world.alice, name="X", code="X1", level="city", parent=world.other_district)
    with pytest.raises(PermissionDenied):
        services.jurisdiction_create(actor=world.alice, name="X", code="X2", level="national", parent=None)
    assert not Jurisdiction.objects.filter(code__in=["X1", "X2"]).exists()


def test_a_jurisdiction_cannot_become_its_own_ancestor(world):
    with pytest.raises(ValidationError) as exc:
        services.jurisdiction_update(actor=world.admin, jurisdiction=world.district, parent=world.city)
    assert "parent" in exc.value.error_dict
    world.district.refresh_from_db()
    assert world.district.parent == world.country


def test_moving_a_jurisdiction_moves_its_whole_subtree(world):
    services.jurisdiction_update(actor=world.admin, jurisdiction=world.city, parent=world.other_district)
    world.city.refresh_from_db()
    assert world.city.path == f"{world.other_district.path}{world.city.pk}/"
    ward = services.jurisdiction_create(actor=world.admin, name="W", code="W1", level="ward", parent=world.city)
    services.jurisdiction_update(actor=world.admin, jurisdiction=world.city, parent=world.district)
    ward.refresh_from_db()
    assert ward.path == f"{world.district.path}{world.city.pk}/{ward.pk}/"
    assert ward.depth == 3


def test_level_must_be_below_the_parent_level(world):
    with pytest.raises(ValidationError) as exc:
        services.jurisdiction_create(actor=world.admin, name="Bad", code="BAD", level="province", parent=world.city)
    assert "level" in exc.value.error_dict


def test_duplicate_codes_are_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.jurisdiction_create(
            actor=world.admin, name="Again", code="ru-n", level="district", parent=world.country
        )
    assert "code" in exc.value.error_dict


def test_coordinator_registers_an_organisation_and_it_is_audited(world):
    org = services.organisation_create(
        actor=world.alice, name="Harbour Mosque", kind="faith", sector=world.civil, jurisdiction=world.city
    )
    assert org.pk and org.is_active
    assert AuditEvent.objects.filter(action="organisation.create", target_id=str(org.pk)).exists()


def test_coordinator_cannot_register_an_organisation_in_another_district(world):
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(
            actor=world.alice, name="Elsewhere", kind="faith", sector=world.civil, jurisdiction=world.other_district
        )
    assert "jurisdiction" in exc.value.error_dict
    assert not Organisation.objects.filter(name="Elsewhere").exists()


def test_people_without_a_coordinator_role_cannot_register_organisations(world):
    for user in (world.bob, world.olga, world.charlie):
        with pytest.raises(PermissionDenied):
            services.organisation_create(
                actor=user, name="Nope", kind="faith", sector=world.civil, jurisdiction=world.city
            )


def test_duplicate_organisation_name_in_the_same_jurisdiction_is_refused_case_insensitively(world):
    with pytest.raises(ValidationError):
        services.organisation_create(
            actor=world.alice, name="harbour youth forum", kind="youth", sector=world.civil, jurisdiction=world.city
        )


def test_organisation_cannot_be_its_own_ancestor(world):
    child = services.organisation_create(
        actor=world.alice, name="Branch", kind="youth", sector=world.civil, jurisdiction=world.city, parent=world.org
    )
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=world.alice, organisation=world.org, parent=child)
    assert "parent" in exc.value.error_dict
    world.org.refresh_from_db()
    assert world.org.parent is None


def test_update_records_what_changed(world):
    services.organisation_update(actor=world.olga, organisation=world.org, phone="+1 555 0100")
    event = AuditEvent.objects.get(action="organisation.update", target_id=str(world.org.pk))
    assert event.changes == {"phone": ["", "+1 555 0100"]}
    assert event.actor == world.olga


def test_liaison_cannot_update(world):
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=world.bob, organisation=world.org, phone="1")
