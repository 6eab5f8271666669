"""Writes to committees and meetings. Each function checks the actor, validates, writes and audits"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.models import (
    Committee,
)
from coordination.services._common import (
    COMMITTEE_FIELDS,
    CommitteeFields,
    _require_visible_all,
    _require_visible_changes,
)
from core.models import User
from core.permissions import require
from core.services import assign_fields, audit_record
from stakeholders.models import Sector


@transaction.atomic
def committee_create(
    *, actor: User, expected_sectors: Iterable[Sector] | None = None, **data: Unpack[CommitteeFields]
) -> Committee:
    require(permissions.can_create_committee(actor), _("You may not create committees."))
    committee = Committee()
    _require_visible_changes(actor, committee, data, ("jurisdiction", "parent", "secretariat"))
    _require_visible_all(actor, "expected_sectors", expected_sectors)
    assign_fields(committee, data, COMMITTEE_FIELDS)
    if committee.jurisdiction_id and not permissions.can_create_committee(actor, committee.jurisdiction):
        raise ValidationError({"jurisdiction": _("You may only create committees in your own jurisdictions.")})
    committee.full_clean()
    committee.save()
    if expected_sectors is not None:
        committee.expected_sectors.set(expected_sectors)
    audit_record(actor=actor, action="committee.create", target=committee)
    return committee


@transaction.atomic
def committee_update(
    *,
    actor: User,
    committee: Committee,
    expected_sectors: Iterable[Sector] | None = None,
    **data: Unpack[CommitteeFields],
) -> Committee:
    require(permissions.can_change_committee(actor, committee), _("You may not change this committee."))
    _require_visible_changes(actor, committee, data, ("jurisdiction", "parent", "secretariat"))
    if expected_sectors is not None:
        current = set(committee.expected_sectors.values_list("pk", flat=True))
        _require_visible_all(actor, "expected_sectors", [s for s in expected_sectors if s.pk not in current])
    if (
        "jurisdiction" in data
        and data["jurisdiction"] != committee.jurisdiction
        and not (permissions.can_create_committee(actor, data["jurisdiction"]))
    ):
        raise ValidationError({"jurisdiction": _("You may only move committees to your own jurisdictions.")})
    changes = assign_fields(committee, data, COMMITTEE_FIELDS)
    committee.full_clean()
    committee.save()
    if expected_sectors is not None:
        committee.expected_sectors.set(expected_sectors)
    if changes:
        audit_record(actor=actor, action="committee.update", target=committee, changes=changes)
    return committee
