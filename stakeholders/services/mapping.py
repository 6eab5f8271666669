"""The stakeholder map of a jurisdiction."""

from __future__ import annotations

from typing import Unpack

from django.db import transaction
from django.utils.translation import gettext as _

from core.models import User
from core.permissions import require
from core.services import assign_fields, audit_record
from stakeholders import permissions
from stakeholders.models import (
    StakeholderMapping,
)
from stakeholders.services.fields import MappingData
from stakeholders.services.organisations import require_visible_organisation

MAPPING_FIELDS = (
    "jurisdiction",
    "organisation",
    "influence",
    "interest",
    "engagement_level",
    "prevention_primary",
    "prevention_secondary",
    "prevention_tertiary",
    "services_offered",
    "notes",
)


@transaction.atomic
def mapping_create(*, actor: User, **data: Unpack[MappingData]) -> StakeholderMapping:
    jurisdiction = data.get("jurisdiction")
    require(
        jurisdiction is not None and permissions.can_map_in(actor, jurisdiction),
        _("You may map stakeholders only in your own jurisdictions."),
    )
    require_visible_organisation(actor, data.get("organisation"), "organisation")
    mapping = StakeholderMapping()
    assign_fields(mapping, data, MAPPING_FIELDS)
    mapping.full_clean()
    mapping.save()
    audit_record(actor=actor, action="mapping.create", target=mapping)
    return mapping


@transaction.atomic
def mapping_update(*, actor: User, mapping: StakeholderMapping, **data: Unpack[MappingData]) -> StakeholderMapping:
    require(permissions.can_change_mapping(actor, mapping), _("You may not change this stakeholder map."))
    if "jurisdiction" in data and data["jurisdiction"] != mapping.jurisdiction:
        require(
            permissions.can_map_in(actor, data["jurisdiction"]),
            _("You may map stakeholders only in your own jurisdictions."),
        )
    if "organisation" in data and data["organisation"] != mapping.organisation:
        require_visible_organisation(actor, data["organisation"], "organisation")
    changes = assign_fields(mapping, data, MAPPING_FIELDS)
    mapping.full_clean()
    mapping.save()
    if changes:
        audit_record(actor=actor, action="mapping.update", target=mapping, changes=changes)
    return mapping
