"""Explicit grants on committees, meetings and people: made by whoever manages the thing, reaching
the grantee at once, withdrawn at once; a confidential meeting's minutes are never granted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coordination import services
from coordination.models import Meeting
from core.models import AuditEvent, GranteeKind, User
from core.permissions import allows
from stakeholders import services as registry
from tests.coordination.factories import MeetingFactory
from tests.factories import PersonFactory


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_a_coordinator_shares_the_committee_with_an_outsider_until_revoked(cw):
    assert not allows(fresh(cw.charlie), cw.committee, "view")
    grant = services.committee_grant(
        actor=cw.alice,
        committee=cw.committee,
        grantee_kind=GranteeKind.USER,
        grantee_id=PersonFactory(user=cw.charlie, jurisdiction=cw.city).user_id,
        reason="Observer for the review",
    )
    assert allows(fresh(cw.charlie), cw.committee, "view")
    assert AuditEvent.objects.filter(action="grant.create").exists()
    services.committee_revoke(actor=cw.alice, grant=grant, reason="Review over")
    assert not allows(fresh(cw.charlie), cw.committee, "view")


def test_only_a_manager_grants_and_a_member_cannot_share_the_committee(cw):
    with pytest.raises(PermissionDenied):
        services.committee_grant(
            actor=cw.mike,
            committee=cw.committee,
            grantee_kind=GranteeKind.USER,
            grantee_id=cw.charlie.pk,
            reason="x",
        )


def test_minutes_of_an_open_meeting_are_granted_those_of_a_safe_space_never(cw):
    start = timezone.now() - timedelta(days=2)
    open_meeting = MeetingFactory(
        committee=cw.committee, status="held", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    safe = MeetingFactory(
        committee=cw.committee, status="held", is_confidential=True, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    grantee = PersonFactory(user=cw.charlie, jurisdiction=cw.city).user_id
    services.meeting_grant(
        actor=cw.alice,
        meeting=open_meeting,
        permission="read_minutes",
        grantee_kind=GranteeKind.USER,
        grantee_id=grantee,
        reason="Partner follow-up",
        expires_at=timezone.now() + timedelta(days=3),
    )
    charlie = fresh(cw.charlie)
    assert allows(charlie, open_meeting, "view") and allows(charlie, open_meeting, "read_minutes")
    with pytest.raises(ValidationError) as refused:
        services.meeting_grant(
            actor=cw.alice,
            meeting=safe,
            permission="read_minutes",
            grantee_kind=GranteeKind.USER,
            grantee_id=grantee,
            reason="x",
        )
    assert "attendees only" in str(refused.value)
    assert not allows(fresh(cw.charlie), Meeting.objects.get(pk=safe.pk), "read_minutes")


def test_a_coordinator_shares_a_directory_entry_with_an_organisation(cw):
    unlisted = PersonFactory(full_name="Unlisted Advisor", jurisdiction=cw.city)
    assert not allows(fresh(cw.mona), unlisted, "view")
    registry.person_grant(
        actor=cw.alice,
        person=unlisted,
        grantee_kind=GranteeKind.ORGANISATION,
        grantee_id=cw.org.pk,
        reason="Advisor to the organisation",
    )
    mona = fresh(cw.mona)
    assert allows(mona, unlisted, "view")  # the organisation's current members
    assert not allows(mona, unlisted, "contact")  # never the contact details
    assert not allows(fresh(cw.charlie), unlisted, "view")
    with pytest.raises(PermissionDenied):
        registry.person_grant(
            actor=cw.mona, person=unlisted, grantee_kind=GranteeKind.USER, grantee_id=cw.charlie.pk, reason="x"
        )
