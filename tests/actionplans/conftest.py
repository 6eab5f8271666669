"""Action-plan personas, on top of the shared ``world`` (tests/conftest.py):

* ``alice``   coordinator of the district: manages the Harbour City plan (the plan's jurisdiction)
* ``olga``/``mona`` admin and member of ``org``, the lead organisation of action ``a1``
* ``pete``    member of ``other_org``, lead of action ``a2`` only (a partner of another organisation)
* ``mike``    member of the owning committee: reads the whole plan
* ``bob``     liaison of the district (above the city): reads roll-ups, not local-only detail
* ``nora``    national liaison
* ``charlie`` the outsider: 404 everywhere
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from actionplans import services
from actionplans.models import ActionPartner, Indicator
from stakeholders.models import JurisdictionRole, OrganisationMembership
from tests.coordination.factories import CommitteeFactory, CommitteeMembershipFactory
from tests.factories import (
    JurisdictionRoleFactory,
    OrganisationMembershipFactory,
    PersonFactory,
    UserFactory,
)


@pytest.fixture
def pw(world) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    admin = world.admin
    committee = CommitteeFactory(name="Harbour City Prevention Network", jurisdiction=world.city)
    mike = UserFactory(email="mike@example.org", full_name="Mike Member")
    CommitteeMembershipFactory(
        committee=committee, person=PersonFactory(full_name="Mike Member", user=mike), organisation=world.org
    )
    pete = UserFactory(email="pete@example.org", full_name="Pete Partner")
    OrganisationMembershipFactory(user=pete, organisation=world.other_org, role=OrganisationMembership.Role.MEMBER)
    nora = UserFactory(email="nora@example.org", full_name="Nora National")
    JurisdictionRoleFactory(user=nora, jurisdiction=world.country, role=JurisdictionRole.Role.LIAISON)

    framework = services.framework_create(
        actor=admin,
        name="National Strategy",
        jurisdiction=world.country,
        pillars=[("P1", "Prevention"), ("P2", "Resilience")],
    )
    p1, p2 = list(framework.pillars.order_by("order"))
    national = services.plan_create(
        actor=admin,
        title="National Action Plan",
        jurisdiction=world.country,
        framework=framework,
        period_start=today - timedelta(days=180),
        period_end=today + timedelta(days=180),
    )
    plan = services.plan_create(
        actor=world.alice,
        title="Harbour City Action Plan",
        jurisdiction=world.city,
        owning_committee=committee,
        framework=framework,
        parent=national,
        period_start=today - timedelta(days=50),
        period_end=today + timedelta(days=50),
    )
    o1 = services.objective_create(actor=world.alice, plan=plan, code="O1", title="Youth", weight=1, pillars=[p1])
    o2 = services.objective_create(actor=world.alice, plan=plan, code="O2", title="Faith", weight=3, pillars=[p2])
    a1 = services.action_create(
        actor=world.alice,
        plan=plan,
        objective=o1,
        title="Youth dialogue series",
        lead_organisation=world.org,
        planned_start=today - timedelta(days=50),
        planned_end=today + timedelta(days=50),
        kind="capacity_building",
    )
    a2 = services.action_create(
        actor=world.alice,
        plan=plan,
        objective=o2,
        title="Interfaith forum",
        lead_organisation=world.other_org,
        planned_start=today - timedelta(days=50),
        planned_end=today + timedelta(days=50),
    )
    secret = services.action_create(
        actor=world.alice,
        plan=plan,
        objective=o2,
        title="Local-only mentoring",
        lead_organisation=world.other_org,
        planned_start=today - timedelta(days=10),
        planned_end=today + timedelta(days=10),
        local_only=True,
    )
    national_ind = services.indicator_create(
        actor=admin, plan=national, code="N1", name="People trained", measure=Indicator.Measure.NUMBER, cumulative=True
    )
    ind = services.indicator_create(
        actor=world.alice,
        plan=plan,
        objective=o1,
        action=a1,
        code="I1",
        name="Young people trained",
        cumulative=True,
        parent=national_ind,
        targets=[(today - timedelta(days=50), today + timedelta(days=50), Decimal(100))],
    )
    return SimpleNamespace(
        **vars(world),
        today=today,
        committee=committee,
        mike=mike,
        pete=pete,
        nora=nora,
        framework=framework,
        p1=p1,
        p2=p2,
        national=national,
        plan=plan,
        o1=o1,
        o2=o2,
        a1=a1,
        a2=a2,
        secret=secret,
        ind=ind,
        national_ind=national_ind,
        partner_role=ActionPartner.Role,
        first_period=(today - timedelta(days=50), today - timedelta(days=20)),
        period=(today - timedelta(days=19), today),
        date=date,
    )
