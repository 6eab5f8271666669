"""The world the permission matrix runs in: one object of every kind the URLs name, and one user per
persona (tests/security/test_matrix.py, tests/security/matrix_expectations.py).

On top of the committee personas (tests/coordination/conftest.py ``cw``): ``oscar`` coordinates the
other district (out of scope), ``sue`` is summoned to the Harbour committee's meeting (an official,
not a member), ``dave`` was an organisation member and is deactivated."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from coordination import services as coordination_services
from coordination.models import Invitation
from stakeholders.models import ImportBatch, JurisdictionRole, OrganisationMembership
from tests.coordination.factories import AgendaItemFactory, DecisionFactory, InvitationFactory, MeetingFactory
from tests.factories import (
    JurisdictionRoleFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    PartnershipFactory,
    PersonFactory,
    PositionFactory,
    ResourceOfferFactory,
    StakeholderMappingFactory,
    UserFactory,
)

# The personas of issue #7, in the order the matrix reports them.
PERSONAS = (
    "platform_admin",
    "coordinator",
    "coordinator_out_of_scope",
    "liaison",
    "chair",
    "secretary",
    "member",
    "summoned_official",
    "organisation_admin",
    "organisation_member",
    "no_role",
    "deactivated",
    "anonymous",
)


def build(cw: SimpleNamespace) -> SimpleNamespace:
    oscar = UserFactory(email="oscar@example.org", full_name="Oscar Outofscope")
    JurisdictionRoleFactory(user=oscar, jurisdiction=cw.other_district, role=JurisdictionRole.Role.COORDINATOR)
    sue = UserFactory(email="sue@example.org", full_name="Sue Summoned")
    sue_person = PersonFactory(full_name="Sue Summoned", email="sue@example.org", user=sue)
    dave = UserFactory(email="dave@example.org", full_name="Dave Deactivated", is_active=False)
    OrganisationMembershipFactory(user=dave, organisation=cw.org, role=OrganisationMembership.Role.MEMBER)

    meeting = MeetingFactory(committee=cw.committee, title="Quarterly review")
    for person in (cw.carol_person, cw.sam_person, cw.mike_person, cw.olly_person):
        InvitationFactory(meeting=meeting, person=person)
    InvitationFactory(meeting=meeting, person=sue_person, kind=Invitation.Kind.SUMMONED)
    item = AgendaItemFactory(meeting=meeting, title="Youth centre hours", order=1)
    AgendaItemFactory(meeting=meeting, title="Any other business", order=2)
    decision = DecisionFactory(agenda_item=item, text="Open the centre on Sundays", owner=cw.mike_person)

    partner = OrganisationFactory(
        name="Harbour Library", sector=cw.civil, jurisdiction=cw.city, kind="community", acronym="HL"
    )
    person = PersonFactory(full_name="Pat Registry", email="pat@example.org", jurisdiction=cw.city)
    position = PositionFactory(person=person, organisation=cw.org, title="Youth worker", start_date=date(2024, 1, 1))
    batch = ImportBatch.objects.create(owner=cw.alice, kind=ImportBatch.Kind.ORGANISATIONS, filename="orgs.csv")
    feed = coordination_services.calendar_feed_token_get(user=cw.mike)
    users = {
        "platform_admin": cw.admin,
        "coordinator": cw.alice,
        "coordinator_out_of_scope": oscar,
        "liaison": cw.bob,
        "chair": cw.carol,
        "secretary": cw.sam,
        "member": cw.mike,
        "summoned_official": sue,
        "organisation_admin": cw.olga,
        "organisation_member": cw.mona,
        "no_role": cw.charlie,
        "deactivated": dave,
        "anonymous": None,
    }
    objects = {
        "jurisdiction": cw.district,
        "city": cw.city,
        "sector": cw.civil,
        "organisation": cw.org,
        "person": person,
        "position": position,
        "partnership": PartnershipFactory(organisation=cw.org, partner=partner),
        "mapping": StakeholderMappingFactory(jurisdiction=cw.city, organisation=cw.org),
        "offer": ResourceOfferFactory(organisation=cw.org),
        "import_batch": batch,
        "jurisdiction_role": JurisdictionRole.objects.get(user=cw.bob),
        "organisation_membership": OrganisationMembership.objects.get(user=cw.mona),
        "committee": cw.committee,
        "committee_membership": cw.committee.memberships.get(person=cw.mike_person),
        "meeting": meeting,
        "agenda_item": item,
        "decision": decision,
        "feed_token": feed.token,
    }
    return SimpleNamespace(users=users, objects=objects)
