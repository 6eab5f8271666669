"""The world the permission matrix runs in: one object of every kind the URLs name, and one user per
persona (tests/security/test_matrix.py, tests/security/matrix_expectations.py).

On top of the committee personas (tests/coordination/conftest.py ``cw``): ``oscar`` coordinates the
other district (out of scope), ``sue`` is summoned to the Harbour committee's meeting (an official,
not a member), ``dave`` was an organisation member and is deactivated."""

from __future__ import annotations

import io
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coordination import services as coordination_services
from coordination.models import Invitation
from core.models import Delivery, GranteeKind, Notification
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

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"

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


def _action_plans(cw: SimpleNamespace) -> dict[str, object]:
    """A city plan owned by the Harbour committee, an action led by ``org``, an indicator, and a
    progress update with evidence reported by the organisation's admin."""
    from actionplans import services

    today = timezone.localdate()
    framework = services.framework_create(
        actor=cw.admin, name="National Strategy", jurisdiction=cw.country, pillars=[("P1", "Prevention")]
    )
    plan = services.plan_create(
        actor=cw.alice,
        title="Harbour City Action Plan",
        jurisdiction=cw.city,
        owning_committee=cw.committee,
        framework=framework,
        period_start=today - timedelta(days=50),
        period_end=today + timedelta(days=50),
    )
    objective = services.objective_create(actor=cw.alice, plan=plan, code="O1", title="Youth", weight=1)
    action = services.action_create(
        actor=cw.alice,
        plan=plan,
        objective=objective,
        title="Youth dialogue series",
        lead_organisation=cw.org,
        planned_start=today - timedelta(days=50),
        planned_end=today + timedelta(days=50),
    )
    indicator = services.indicator_create(actor=cw.alice, plan=plan, objective=objective, code="I1", name="Trained")
    update = services.progress_update_create(
        actor=cw.olga,
        action=action,
        period_start=today - timedelta(days=10),
        period_end=today,
        narrative="Two sessions held",
        files=[("minutes.pdf", io.BytesIO(PDF), len(PDF))],
    )
    allocation = services.allocation_create(
        actor=cw.alice,
        plan=plan,
        title="Youth grants",
        funder=cw.org,
        recipient=cw.org,
        amount=100,
        currency="EUR",
        status="committed",
    )
    tranche = services.tranche_plan(actor=cw.alice, allocation=allocation, amount=50, planned_on=today)
    checkpoint = services.evaluation_create(actor=cw.alice, plan=plan, kind="mid_term", due_on=today)
    lesson = services.lesson_record(actor=cw.alice, plan=plan, text="Plan by school term", checkpoint=checkpoint)
    partner: Any = OrganisationFactory(name="Harbour Sports Club", sector=cw.civil, jurisdiction=cw.city)
    action_grant = services.action_share(
        actor=cw.alice,
        action=action,
        grantee_kind="organisation",
        grantee_id=partner.pk,
        permission="report",
        reason="They host the sessions",
    )
    return {
        "framework": framework,
        "plan": plan,
        "objective": objective,
        "action": action,
        "indicator": indicator,
        "progress_update": update,
        "evidence": update.evidence.get(),
        "allocation": allocation,
        "tranche": tranche,
        "checkpoint": checkpoint,
        "lesson": lesson,
        "action_grant": action_grant,
    }


def _information_sharing(cw: SimpleNamespace) -> dict[str, object]:
    """An active agreement between ``org`` and a partner; an AMBER item of ``org`` shared with the
    partner; an attachment; a pending access request. The sharing admin is not a persona."""
    from infosharing import services
    from infosharing.models import TLP, AccessRequest, SharingAdmin, SharingAgreement

    partner = OrganisationFactory(name="Harbour Women's Forum", sector=cw.civil, jurisdiction=cw.city)
    sana = UserFactory(email="sana@example.org", full_name="Sana Sharingadmin")
    SharingAdmin.objects.create(user=sana, organisation=cw.org)
    agreement = services.agreement_create(
        actor=sana,
        title="Harbour safeguarding",
        purpose="Safeguarding young people.",
        summary="Stays with the people named.",
        categories=["Safeguarding"],
        lawful_basis=SharingAgreement.LawfulBasis.PUBLIC_TASK,
        parties=[(cw.org, "lead"), (partner, "recipient")],
        disposal="Deleted.",
        security_measures="Named access only.",
        rights_handling="To the data-protection officer.",
        primary_user_roles="Safeguarding leads",
        next_review=timezone.localdate() + timedelta(days=180),
        max_tlp=TLP.RED,
    )
    for organisation in (cw.org, partner):
        services.agreement_sign(
            actor=sana,
            agreement=agreement,
            organisation=organisation,
            name="Signer",
            position="Director",
            signed_on=timezone.localdate(),
        )
    services.agreement_activate(actor=sana, agreement=agreement)
    item = services.item_create(
        actor=cw.mona,
        title="Tension report",
        organisation=cw.org,
        category="Safeguarding",
        label=TLP.AMBER,
        facts="secret facts",
        agreement=agreement,
    )
    grant = services.item_share(
        actor=cw.mona,
        item=item,
        grantee_kind=GranteeKind.ORGANISATION,
        grantee_id=partner.pk,
        reason="need to know",
        confirmed=True,
    )
    attachment = services.attachment_add(actor=cw.mona, item=item, upload=SimpleUploadedFile("a.txt", b"notes"))
    request = AccessRequest.objects.create(item=item, requester=cw.charlie, reason="I work on this case")
    template = services.template_define(actor=sana, name="Incident", fields=[{"name": "ward", "type": "text"}])
    return {
        "template": template,
        "agreement": agreement,
        "item": item,
        "item_grant": grant,
        "attachment": attachment,
        "access_request": request,
        "agreement_action": "suspend",
    }


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
    # A paper on the agenda item: read by those who read the meeting's minutes, managed by its managers.
    paper = coordination_services.paper_add(
        actor=cw.sam, upload=SimpleUploadedFile("hours.pdf", PDF), title="Opening hours", agenda_item=item
    )

    partner = OrganisationFactory(
        name="Harbour Library", sector=cw.civil, jurisdiction=cw.city, kind="community", acronym="HL"
    )
    person = PersonFactory(full_name="Pat Registry", email="pat@example.org", jurisdiction=cw.city)
    position = PositionFactory(person=person, organisation=cw.org, title="Youth worker", start_date=date(2024, 1, 1))
    batch = ImportBatch.objects.create(owner=cw.alice, kind=ImportBatch.Kind.ORGANISATIONS, filename="orgs.csv")
    feed = coordination_services.calendar_feed_token_get(user=cw.mike)
    notification = Notification.objects.create(recipient=cw.mike, title="Agenda published", url="/")
    delivery = Delivery.objects.create(
        kind="meeting.reminder",
        subject_type=ContentType.objects.get_for_model(meeting),
        subject_id=meeting.pk,
        recipient=cw.mike,
        recipient_key=f"user:{cw.mike.pk}",
        address=cw.mike.email,
        due_key="matrix",
        state=Delivery.State.FAILED,
        message_id="matrix@roundtable",
    )
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
        "paper": paper,
        "feed_token": feed.token,
        "notification": notification,
        "delivery": delivery,
        **_action_plans(cw),
        **_information_sharing(cw),
    }
    return SimpleNamespace(users=users, objects=objects)
