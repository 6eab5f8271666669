"""The fields each registry service takes, typed (``**data: Unpack[...]``): a caller naming a field
the service does not take is refused by mypy, and at run time by ``core.services.assign_fields``.
Each mirrors the service's ``*_FIELDS`` tuple."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TypedDict

from core.models import User
from stakeholders.models import Jurisdiction, Organisation, Sector


class JurisdictionData(TypedDict, total=False):
    name: str
    code: str
    level: str
    parent: Jurisdiction | None
    population: int | None


class SectorData(TypedDict, total=False):
    name: str
    code: str
    is_security: bool
    description: str


class OrganisationData(TypedDict, total=False):
    name: str
    acronym: str
    kind: str
    sector: Sector
    jurisdiction: Jurisdiction
    parent: Organisation | None
    description: str
    email: str
    phone: str
    website: str
    address: str
    is_active: bool


class PersonData(TypedDict, total=False):
    full_name: str
    pronouns: str
    email: str
    phone: str
    languages: str
    expertise: str
    jurisdiction: Jurisdiction | None
    contact_consent_at: datetime | None
    gender: str
    is_youth: bool | None
    demographics_consent_at: datetime | None
    user: User | None


class PositionData(TypedDict, total=False):
    title: str
    start_date: date | None
    end_date: date | None


class PartnershipData(TypedDict, total=False):
    organisation: Organisation
    partner: Organisation
    kind: str
    start_date: date | None
    end_date: date | None
    notes: str


class MappingData(TypedDict, total=False):
    jurisdiction: Jurisdiction
    organisation: Organisation
    influence: int
    interest: int
    engagement_level: int
    prevention_primary: bool
    prevention_secondary: bool
    prevention_tertiary: bool
    services_offered: str
    notes: str


class OfferData(TypedDict, total=False):
    organisation: Organisation
    jurisdiction: Jurisdiction
    kind: str
    title: str
    description: str
    quantity: int | None
    unit: str
    value: Decimal | None
    currency: str
    start_date: date | None
    end_date: date | None
    status: str
