"""The registry is wired through the base classes: nothing new can forget a rule."""

from __future__ import annotations

import pytest

from core.api.fields import VisibleModelSerializer, narrowed_fields
from core.api.filters import VisibleFilterSet
from core.permissions import rules
from stakeholders import services
from stakeholders.api import serializers as registry_serializers
from stakeholders.api.views import (
    JurisdictionFilter,
    OrganisationFilter,
    PartnershipFilter,
    PersonFilter,
    PositionFilter,
    ResourceOfferFilter,
    StakeholderMappingFilter,
)

pytestmark = pytest.mark.django_db

SERIALIZERS = [
    obj
    for obj in vars(registry_serializers).values()
    if isinstance(obj, type) and obj.__module__ == registry_serializers.__name__
]


@pytest.mark.parametrize("serializer", SERIALIZERS, ids=lambda s: s.__name__)
def test_every_registry_serializer_narrows_every_writable_foreign_key(serializer):
    assert issubclass(serializer, VisibleModelSerializer)
    assert narrowed_fields(serializer()) == []


@pytest.mark.parametrize(
    "filterset",
    [
        JurisdictionFilter,
        OrganisationFilter,
        PersonFilter,
        PositionFilter,
        PartnershipFilter,
        StakeholderMappingFilter,
        ResourceOfferFilter,
    ],
    ids=lambda f: f.__name__,
)
def test_every_registry_filter_set_narrows_its_choices(filterset):
    assert issubclass(filterset, VisibleFilterSet)


def test_every_registry_model_has_a_view_rule():
    from django.apps import apps

    for model in apps.get_app_config("stakeholders").get_models():
        if model._meta.label in (
            "stakeholders.JurisdictionRole",
            "stakeholders.OrganisationMembership",
            "stakeholders.OrganisationGrant",
            "stakeholders.PersonGrant",
            "stakeholders.LoginLinkInvitation",
        ):
            continue  # read only through the pages of those who manage access
        assert rules.has_rule(model, "view"), model


def test_a_login_rule_exists_for_foreign_keys_to_users():
    from core.models import User

    assert rules.has_rule(User, "view") and rules.has_rule(User, "grantee")


def test_services_refuse_fields_they_do_not_take(world):
    with pytest.raises(TypeError):
        services.organisation_update(actor=world.alice, organisation=world.org, nmae="Typo")
    world.org.refresh_from_db()
    assert world.org.name == "Harbour Youth Forum"
