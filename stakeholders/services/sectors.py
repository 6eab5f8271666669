"""Sectors: reference data kept by platform admins."""

from __future__ import annotations

from typing import Unpack

from django.db import transaction
from django.utils.translation import gettext as _

from core.models import User
from core.permissions import require
from core.services import assign_fields, audit_record
from stakeholders import permissions
from stakeholders.models import (
    Sector,
)
from stakeholders.services.fields import SectorData

SECTOR_FIELDS = ("name", "code", "is_security", "description")


@transaction.atomic
def sector_create(*, actor: User, **data: Unpack[SectorData]) -> Sector:
    require(permissions.can_manage_sectors(actor), _("Only a platform admin may add sectors."))
    sector = Sector()
    assign_fields(sector, data, SECTOR_FIELDS)
    sector.full_clean()
    sector.save()
    audit_record(actor=actor, action="sector.create", target=sector)
    return sector


@transaction.atomic
def sector_update(*, actor: User, sector: Sector, **data: Unpack[SectorData]) -> Sector:
    require(permissions.can_manage_sectors(actor), _("Only a platform admin may change sectors."))
    changes = assign_fields(sector, data, SECTOR_FIELDS)
    sector.full_clean()
    sector.save()
    audit_record(actor=actor, action="sector.update", target=sector, changes=changes)
    return sector
