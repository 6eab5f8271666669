"""Explicit grants on committees and meetings (``core.grants``): made and withdrawn by those who
manage the committee, to a user or an organisation or committee (their current members), with why
and until when; audited. A grant of a confidential meeting's minutes is refused: a safe space's
minutes reach its attendees only (ADR 0003), and no grant overrides that."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.models import Committee, CommitteeGrant, Meeting, MeetingGrant
from core import grants
from core.models import User
from core.permissions import forget, require


@transaction.atomic
def committee_grant(
    *,
    actor: User,
    committee: Committee,
    grantee_kind: str,
    grantee_id: int,
    reason: str,
    permission: str = CommitteeGrant.VIEW,
    expires_at: datetime | None = None,
) -> CommitteeGrant:
    require(permissions.can_manage_committee(actor, committee), _("You may not grant access to this committee."))
    if permission not in CommitteeGrant.PERMISSIONS:
        raise ValidationError({"permission": _("Choose view.")})
    grant = grants.grant_create(
        actor=actor,
        grant_model=CommitteeGrant,
        target=committee,
        permission=permission,
        grantee_kind=grantee_kind,
        grantee_id=grantee_id,
        reason=reason,
        expires_at=expires_at,
    )
    forget(actor)
    return grant


@transaction.atomic
def committee_revoke(*, actor: User, grant: CommitteeGrant, reason: str) -> CommitteeGrant:
    require(permissions.can_manage_committee(actor, grant.target), _("You may not revoke access to this committee."))
    revoked = grants.grant_revoke(actor=actor, grant=grant, reason=reason)
    forget(actor)
    assert isinstance(revoked, CommitteeGrant)
    return revoked


@transaction.atomic
def meeting_grant(
    *,
    actor: User,
    meeting: Meeting,
    permission: str,
    grantee_kind: str,
    grantee_id: int,
    reason: str,
    expires_at: datetime | None = None,
) -> MeetingGrant:
    require(permissions.can_manage_meeting(actor, meeting), _("You may not grant access to this meeting."))
    if permission not in MeetingGrant.PERMISSIONS:
        raise ValidationError({"permission": _("Choose view or read the minutes.")})
    if permission == MeetingGrant.READ_MINUTES and meeting.is_confidential:
        raise ValidationError(
            {"permission": _("The minutes of a confidential meeting are read by its attendees only.")}
        )
    grant = grants.grant_create(
        actor=actor,
        grant_model=MeetingGrant,
        target=meeting,
        permission=permission,
        grantee_kind=grantee_kind,
        grantee_id=grantee_id,
        reason=reason,
        expires_at=expires_at,
    )
    forget(actor)
    return grant


@transaction.atomic
def meeting_revoke(*, actor: User, grant: MeetingGrant, reason: str) -> MeetingGrant:
    require(permissions.can_manage_meeting(actor, grant.target), _("You may not revoke access to this meeting."))
    revoked = grants.grant_revoke(actor=actor, grant=grant, reason=reason)
    forget(actor)
    assert isinstance(revoked, MeetingGrant)
    return revoked
