"""Partnerships between organisations."""

from __future__ import annotations

from typing import Unpack

from django.db import transaction
from django.utils.translation import gettext as _

from core.models import User
from core.permissions import require
from core.services import assign_fields, audit_record
from stakeholders import permissions
from stakeholders.models import (
    Partnership,
)
from stakeholders.services.fields import PartnershipData
from stakeholders.services.organisations import require_visible_organisation

PARTNERSHIP_FIELDS = ("organisation", "partner", "kind", "start_date", "end_date", "notes")


@transaction.atomic
def partnership_create(*, actor: User, **data: Unpack[PartnershipData]) -> Partnership:
    organisation, partner = data.get("organisation"), data.get("partner")
    require_visible_organisation(actor, organisation, "organisation")
    require_visible_organisation(actor, partner, "partner")
    require(
        organisation is None or partner is None or permissions.can_add_partnership(actor, organisation, partner),
        _("You may record partnerships only for organisations you manage."),
    )
    partnership = Partnership()
    assign_fields(partnership, data, PARTNERSHIP_FIELDS)
    partnership.full_clean()
    partnership.save()
    audit_record(actor=actor, action="partnership.create", target=partnership)
    return partnership


@transaction.atomic
def partnership_update(*, actor: User, partnership: Partnership, **data: Unpack[PartnershipData]) -> Partnership:
    require(permissions.can_change_partnership(actor, partnership), _("You may not change this partnership."))
    for name in ("organisation", "partner"):
        if name in data and data[name] != getattr(partnership, name):
            require_visible_organisation(actor, data[name], name)
    changes = assign_fields(partnership, data, PARTNERSHIP_FIELDS)
    require(
        permissions.can_add_partnership(actor, partnership.organisation, partnership.partner),
        _("You may record partnerships only for organisations you manage."),
    )
    partnership.full_clean()
    partnership.save()
    if changes:
        audit_record(actor=actor, action="partnership.update", target=partnership, changes=changes)
    return partnership
