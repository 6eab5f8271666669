"""Explicit grants on organisations (``OrganisationGrant``, written through the services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent, GranteeKind
from stakeholders import permissions, services
from stakeholders.models import OrganisationGrant
from tests.factories import (
    OrganisationFactory,
    OrganisationMembershipFactory,
    PersonFactory,
    PositionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _fresh(user):  # type: ignore[no-untyped-def]
    """The user as the next request sees them (roles and answers are cached per user object)."""
    return type(user).objects.get(pk=user.pk)


def test_a_grant_to_an_organisation_reaches_its_current_members_and_ends_on_revoke(world):
    helpers = OrganisationFactory(name="Helpers", jurisdiction=world.other_district, sector=world.civil)
    newcomer = UserFactory()
    OrganisationMembershipFactory(user=newcomer, organisation=helpers)
    grant = services.organisation_grant(
        actor=world.alice,
        organisation=world.org,
        permission=OrganisationGrant.CHANGE,
        grantee_kind=GranteeKind.ORGANISATION,
        grantee_id=helpers.pk,
        reason="Joint programme",
    )
    assert permissions.can_change_organisation(_fresh(newcomer), world.org)
    assert not permissions.can_change_organisation(_fresh(newcomer), world.other_org)
    # A member who joins later needs no new grant.
    later = UserFactory()
    OrganisationMembershipFactory(user=later, organisation=helpers)
    assert permissions.can_change_organisation(_fresh(later), world.org)
    assert AuditEvent.objects.filter(action="grant.create").exists()

    services.organisation_revoke(actor=world.alice, grant=grant, reason="Programme over")
    assert not permissions.can_change_organisation(_fresh(newcomer), world.org)
    assert AuditEvent.objects.filter(action="grant.revoke").exists()


def test_a_view_grant_shows_an_inactive_organisation_until_it_expires(world):
    world.org.is_active = False
    world.org.save()
    # charlie is in the public directory (a current position), so olga may name him.
    PositionFactory(person=PersonFactory(user=world.charlie), organisation=world.other_org, title="Clerk")
    assert world.org not in permissions.organisations_visible(_fresh(world.charlie))
    grant = services.organisation_grant(
        actor=world.olga,
        organisation=world.org,
        permission=OrganisationGrant.VIEW,
        grantee_kind=GranteeKind.USER,
        grantee_id=world.charlie.pk,
        reason="Auditor",
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert world.org in permissions.organisations_visible(_fresh(world.charlie))
    assert not permissions.can_change_organisation(_fresh(world.charlie), world.org)
    OrganisationGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert world.org not in permissions.organisations_visible(_fresh(world.charlie))


def test_only_those_who_may_change_the_organisation_grant_on_it(world):
    with pytest.raises(PermissionDenied):
        services.organisation_grant(
            actor=world.mona,
            organisation=world.org,
            permission=OrganisationGrant.VIEW,
            grantee_kind=GranteeKind.USER,
            grantee_id=world.mona.pk,
            reason="Me",
        )


def test_a_grantee_the_actor_may_not_see_is_refused_like_a_missing_one(world):
    def attempt(grantee_id: int) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as exc:
            services.organisation_grant(
                actor=world.olga,
                organisation=world.org,
                permission=OrganisationGrant.VIEW,
                grantee_kind=GranteeKind.USER,
                grantee_id=grantee_id,
                reason="Why not",
            )
        return exc.value.message_dict

    assert attempt(world.charlie.pk) == attempt(10**9)


def test_a_grantee_of_change_does_not_pass_the_grant_on(world):
    helper = UserFactory()
    PositionFactory(person=PersonFactory(user=helper), organisation=world.other_org, title="Clerk")
    services.organisation_grant(
        actor=world.olga,
        organisation=world.org,
        permission=OrganisationGrant.CHANGE,
        grantee_kind=GranteeKind.USER,
        grantee_id=helper.pk,
        reason="Helps with the records",
    )
    helper = _fresh(helper)
    assert permissions.can_change_organisation(helper, world.org)
    with pytest.raises(PermissionDenied):
        services.organisation_grant(
            actor=helper,
            organisation=world.org,
            permission=OrganisationGrant.CHANGE,
            grantee_kind=GranteeKind.USER,
            grantee_id=helper.pk,
            reason="Pass it on",
        )
