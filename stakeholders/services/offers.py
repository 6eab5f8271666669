"""Resource offers."""

from __future__ import annotations

from typing import Unpack

from django.db import transaction
from django.utils.translation import gettext as _

from core.models import User
from core.permissions import require
from core.services import assign_fields, audit_record
from stakeholders import permissions
from stakeholders.models import (
    ResourceOffer,
)
from stakeholders.services.fields import OfferData
from stakeholders.services.organisations import require_visible_organisation

OFFER_FIELDS = (
    "organisation",
    "jurisdiction",
    "kind",
    "title",
    "description",
    "quantity",
    "unit",
    "value",
    "currency",
    "start_date",
    "end_date",
    "status",
)


@transaction.atomic
def offer_create(*, actor: User, **data: Unpack[OfferData]) -> ResourceOffer:
    organisation, jurisdiction = data.get("organisation"), data.get("jurisdiction")
    require_visible_organisation(actor, organisation, "organisation")
    if organisation is not None and jurisdiction is None:
        data["jurisdiction"] = jurisdiction = organisation.jurisdiction
    require(
        organisation is None or jurisdiction is None or permissions.can_add_offer(actor, organisation, jurisdiction),
        _("You may record offers only from your own organisation or to your own jurisdictions."),
    )
    offer = ResourceOffer()
    assign_fields(offer, data, OFFER_FIELDS)
    offer.full_clean()
    offer.save()
    audit_record(actor=actor, action="offer.create", target=offer)
    return offer


@transaction.atomic
def offer_update(*, actor: User, offer: ResourceOffer, **data: Unpack[OfferData]) -> ResourceOffer:
    require(permissions.can_change_offer(actor, offer), _("You may not change this offer."))
    if "organisation" in data and data["organisation"] != offer.organisation:
        require_visible_organisation(actor, data["organisation"], "organisation")
    changes = assign_fields(offer, data, OFFER_FIELDS)
    if {"organisation", "jurisdiction"} & set(changes):
        require(
            permissions.can_add_offer(actor, offer.organisation, offer.jurisdiction),
            _("You may record offers only from your own organisation or to your own jurisdictions."),
        )
    offer.full_clean()
    offer.save()
    if changes:
        audit_record(actor=actor, action="offer.update", target=offer, changes=changes)
    return offer
