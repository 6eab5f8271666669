"""Factories shared by every app's tests."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from core.models import User
from stakeholders.models import (
    Jurisdiction,
    JurisdictionRole,
    Organisation,
    OrganisationMembership,
    Partnership,
    Person,
    Position,
    ResourceOffer,
    Sector,
    StakeholderMapping,
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")
    # People in the tests have signed in before (nothing but an invitation goes to one who never did).
    last_login = factory.LazyFunction(timezone.now)


class JurisdictionFactory(DjangoModelFactory):
    """Builds a jurisdiction with a correct materialised path (as the service would)."""

    class Meta:
        model = Jurisdiction

    name = factory.Sequence(lambda n: f"Jurisdiction {n}")
    code = factory.Sequence(lambda n: f"J-{n:04d}")
    level = Jurisdiction.Level.NATIONAL
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        parent = kwargs.get("parent")
        if parent is not None and kwargs.get("level") == Jurisdiction.Level.NATIONAL:
            order = list(Jurisdiction.LEVEL_RANK)
            kwargs["level"] = order[min(order.index(parent.level) + 1, len(order) - 1)]
        obj = model_class(**kwargs)
        obj.path = "/pending/"
        obj.save()
        obj.path = f"{parent.path if parent else '/'}{obj.pk}/"
        obj.depth = parent.depth + 1 if parent else 0
        obj.save(update_fields=["path", "depth"])
        return obj


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Sector {n}")
    code = factory.Sequence(lambda n: f"sector-{n}")
    is_security = False


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.CIVIL_SOCIETY
    sector = factory.SubFactory(SectorFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)


class JurisdictionRoleFactory(DjangoModelFactory):
    class Meta:
        model = JurisdictionRole

    user = factory.SubFactory(UserFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    role = JurisdictionRole.Role.COORDINATOR


class OrganisationMembershipFactory(DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = OrganisationMembership.Role.MEMBER


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = "Programme officer"


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    organisation = factory.SubFactory(OrganisationFactory)
    partner = factory.SubFactory(OrganisationFactory)
    kind = Partnership.Kind.MOU


class StakeholderMappingFactory(DjangoModelFactory):
    class Meta:
        model = StakeholderMapping

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    influence = 3
    interest = 3
    engagement_level = StakeholderMapping.Engagement.INVOLVE


class ResourceOfferFactory(DjangoModelFactory):
    class Meta:
        model = ResourceOffer

    organisation = factory.SubFactory(OrganisationFactory)
    jurisdiction = factory.SelfAttribute("organisation.jurisdiction")
    kind = ResourceOffer.Kind.TRAINING_PLACES
    title = factory.Sequence(lambda n: f"Offer {n}")
