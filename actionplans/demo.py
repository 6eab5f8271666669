"""Demo action plans drawn from the guide's chapter on coordination (shared seed): the Mombasa County
Action Plan under Kenya's national strategy, steered by the County Engagement Forum (county pillars
mapped to the national pillars, each with a government lead and a civil-society lead), the Kwale
County plan beside it, and the local prevention plan that Kumanovo's Community Action Team
implements, with capacity building for front-line workers. A year of quarterly reports (some
returned and corrected), a funded locally-led initiative with tranches, and companies' offers taken
up by actions. Written through the services; idempotent: a plan that exists is left as it is."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from actionplans import services
from actionplans.models import ActionPlan, Framework, Indicator
from coordination.models import Committee, Decision
from core.models import User
from stakeholders import services as registry
from stakeholders.demo import DEMO_PASSWORD
from stakeholders.models import Jurisdiction, JurisdictionRole, Organisation, OrganisationMembership, ResourceOffer

LOGINS: list[tuple[str, str, str]] = [
    ("coordinator.kenya@roundtable.example.org", "Wanjiru Kamau", "coordinator for Kenya (national and county plans)"),
    ("liaison.kenya@roundtable.example.org", "Otieno Odhiambo", "national liaison, Kenya (reads the roll-up)"),
    (
        "partner.mombasa@roundtable.example.org",
        "Fatma Said",
        "partner: member of the Mombasa Women's Peace Network (reports on its actions)",
    ),
    ("coordinator.kumanovo@roundtable.example.org", "Ana Petrovska", "coordinator of Kumanovo"),
    ("partner.kumanovo@roundtable.example.org", "Blerim Rexhepi", "partner: member of the Kumanovo Youth Council"),
]

KENYA_PILLARS = [
    ("P1", "Psychosocial"),
    ("P2", "Education"),
    ("P3", "Political"),
    ("P4", "Security"),
    ("P5", "Faith-based and ideological"),
    ("P6", "Training and capacity building"),
    ("P7", "Arts and culture"),
    ("P8", "Legal and policy"),
    ("P9", "Media and online"),
]
MK_PILLARS = [("PR", "Prevention"), ("RE", "Resilience of communities"), ("RI", "Reintegration")]


def _user(email: str, name: str) -> User:
    return User.objects.filter(email=email).first() or User.objects.create_user(email, DEMO_PASSWORD, full_name=name)


def _quarters(today: date, count: int) -> list[tuple[date, date]]:
    """The last ``count`` full quarters before today, oldest first."""
    out: list[tuple[date, date]] = []
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    for _ in range(count):
        end = start - timedelta(days=1)
        start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
        out.append((start, end))
    return list(reversed(out))


def _report(actor: User, reviewer: User, *, returned_note: str = "", **data: Any) -> None:
    update = services.progress_update_create(actor=actor, submit=True, **data)
    if returned_note:
        update = services.progress_update_return(actor=reviewer, update=update, note=returned_note)
        fix = {k: v for k, v in data.items() if k in ("narrative",)}
        fix["narrative"] = (fix.get("narrative") or "") + " Attendance sheets attached as asked."
        update = services.progress_update_submit(actor=actor, update=update, **fix)
    services.progress_update_accept(actor=reviewer, update=update)


def seed() -> list[tuple[str, str]]:
    if ActionPlan.objects.filter(
        title="Mombasa County Action Plan on Preventing and Countering Violent Extremism"
    ).exists():
        return [(email, role) for email, _, role in LOGINS]
    admin = User.objects.get(email="admin@roundtable.example.org")
    users = {email: _user(email, name) for email, name, _ in LOGINS}
    j = {x.code: x for x in Jurisdiction.objects.filter(code__in=["KE", "KE-28", "KE-19", "MK", "MK-KU"])}
    org = {o.name: o for o in Organisation.objects.filter(jurisdiction__code__in=["KE", "KE-28", "KE-19", "MK-KU"])}
    for email, code, role in [
        ("coordinator.kenya@roundtable.example.org", "KE", JurisdictionRole.Role.COORDINATOR),
        ("liaison.kenya@roundtable.example.org", "KE", JurisdictionRole.Role.LIAISON),
        ("coordinator.kumanovo@roundtable.example.org", "MK-KU", JurisdictionRole.Role.COORDINATOR),
    ]:
        registry.jurisdiction_role_grant(
            actor=admin, user=users[email], jurisdiction=j[code], role=role, reason="Demo data"
        )
    for email, name in [
        ("partner.mombasa@roundtable.example.org", "Mombasa Women's Peace Network"),
        ("partner.kumanovo@roundtable.example.org", "Kumanovo Youth Council"),
    ]:
        registry.organisation_membership_set(
            actor=admin,
            organisation=org[name],
            user=users[email],
            role=OrganisationMembership.Role.MEMBER,
            reason="Demo data",
        )
    kenya = users["coordinator.kenya@roundtable.example.org"]
    kumanovo = users["coordinator.kumanovo@roundtable.example.org"]
    fatma = users["partner.mombasa@roundtable.example.org"]
    blerim = users["partner.kumanovo@roundtable.example.org"]
    today = timezone.localdate()
    quarters = _quarters(today, 4)
    start = quarters[0][0]
    end = start.replace(year=start.year + 3) - timedelta(days=1)

    # --- Kenya: the national strategy, the national plan, two county plans -------------------
    framework = (
        Framework.objects.filter(name="National Strategy to Counter Violent Extremism").order_by("-version").first()
    )
    if framework is None:
        services.framework_create(
            actor=kenya,
            name="National Strategy to Counter Violent Extremism",
            jurisdiction=j["KE"],
            version=1,
            pillars=KENYA_PILLARS[:6],
        )
        framework = services.framework_create(
            actor=kenya,
            name="National Strategy to Counter Violent Extremism",
            jurisdiction=j["KE"],
            version=2,
            pillars=KENYA_PILLARS,
        )
    pillars = {p.code: p for p in framework.pillars.all()}
    national = services.plan_create(
        actor=kenya,
        title="Kenya national action plan under the NSCVE",
        jurisdiction=j["KE"],
        framework=framework,
        period_start=start,
        period_end=end,
        summary="The national frame the County Action Plans align with.",
    )
    n_trained = services.indicator_create(
        actor=kenya,
        plan=national,
        code="N1",
        name="Front-line workers trained in prevention (running total)",
        measure=Indicator.Measure.NUMBER,
        cumulative=True,
        unit="people",
    )
    n_referrals = services.indicator_create(
        actor=kenya,
        plan=national,
        code="N2",
        name="Referrals handled within 30 days",
        measure=Indicator.Measure.PERCENTAGE,
        baseline_value=Decimal(40),
        baseline_date=start,
    )
    services.plan_approve(actor=kenya, plan=national, note="Adopted with the revised national strategy")

    cef = Committee.objects.filter(name="Mombasa County Engagement Forum").first()
    mombasa = services.plan_create(
        actor=kenya,
        title="Mombasa County Action Plan on Preventing and Countering Violent Extremism",
        jurisdiction=j["KE-28"],
        owning_committee=cef,
        framework=framework,
        parent=national,
        period_start=start,
        period_end=end,
        summary="Steered by the County Engagement Forum, co-chaired by the County Commissioner and the Governor.",
        iati_identifier="XX-RT-KE-28-CAP",
    )
    gov = org["County Government of Mombasa"]
    commissioner = org["Office of the Mombasa County Commissioner"]
    cipk = org["Council of Imams and Preachers of Kenya, Mombasa"]
    women = org["Mombasa Women's Peace Network"]
    elders = org["Mombasa Traditional Elders Council"]
    # County pillars mapped to the national ones, each with a government lead and a civil-society lead.
    county_pillars = [
        ("C1", "Psychosocial support and rehabilitation", ["P1"], 2, gov, women),
        ("C2", "Education and youth", ["P2", "P6"], 3, gov, women),
        ("C3", "Faith-based and ideological", ["P5"], 2, commissioner, cipk),
        ("C4", "Community security and policing", ["P4"], 1, commissioner, elders),
    ]
    objectives = {}
    for code, title, pcodes, weight, _g, _c in county_pillars:
        objectives[code] = services.objective_create(
            actor=kenya, plan=mombasa, code=code, title=title, weight=weight, pillars=[pillars[p] for p in pcodes]
        )
    actions = {}
    for code, _title, _p, _w, government, civil in county_pillars:
        actions[code] = services.action_create(
            actor=kenya,
            plan=mombasa,
            objective=objectives[code],
            title={
                "C1": "Psychosocial support desks in four sub-counties",
                "C2": "Women-led mentoring for at-risk youth",
                "C3": "Interfaith dialogue forums with imams and pastors",
                "C4": "Community policing dialogues with elders",
            }[code],
            kind="capacity_building" if code == "C2" else "activity",
            lead_organisation=government,
            partners=[(civil, "accountable"), (civil, "implementing")] if code != "C4" else [(civil, "implementing")],
            planned_start=start,
            planned_end=end - timedelta(days=120),
        )
    overdue = services.action_create(
        actor=kenya,
        plan=mombasa,
        objective=objectives["C4"],
        title="Publish the county referral pathway",
        lead_organisation=commissioner,
        partners=[(women, "implementing")],
        planned_start=start,
        planned_end=today - timedelta(days=20),
    )
    trained = services.indicator_create(
        actor=kenya,
        plan=mombasa,
        objective=objectives["C2"],
        action=actions["C2"],
        code="M1",
        name="Mentors and front-line workers trained (running total)",
        cumulative=True,
        unit="people",
        parent=n_trained,
        baseline_value=Decimal(0),
        baseline_date=start,
        targets=[(start, end, Decimal(200))],
        means_of_verification="Attendance sheets signed by participants; training reports.",
    )
    referrals = services.indicator_create(
        actor=kenya,
        plan=mombasa,
        objective=objectives["C1"],
        action=actions["C1"],
        code="M2",
        name="Referrals handled within 30 days",
        measure=Indicator.Measure.PERCENTAGE,
        parent=n_referrals,
        baseline_value=Decimal(35),
        baseline_date=start,
        targets=[(start, end, Decimal(80))],
        means_of_verification="Case log of the psychosocial desks.",
    )
    services.plan_approve(actor=kenya, plan=mombasa, note="Validated by the County Engagement Forum")
    services.objective_create(
        actor=kenya, plan=mombasa, code="C5", title="Media and online", weight=1, pillars=[pillars["P9"]]
    )
    services.plan_approve(actor=kenya, plan=mombasa, note="Media pillar added after the revised national strategy")

    # A year of quarterly reports by the women's network (one returned, corrected and accepted).
    for i, (q_start, q_end) in enumerate(quarters):
        _report(
            fatma,
            kenya,
            action=actions["C2"],
            period_start=q_start,
            period_end=q_end,
            progress=15 + 15 * i,
            narrative=f"Quarter {i + 1}: mentoring circles held in Likoni and Kisauni.",
            returned_note="Add the attendance sheets and the number of mentors trained." if i == 1 else "",
        )
        _report(
            fatma,
            kenya,
            indicator=trained,
            period_start=q_start,
            period_end=q_end,
            value=Decimal(30 + 35 * i),
            returned_note="The running total cannot fall: check the figure." if i == 2 else "",
        )
        _report(
            kenya,
            kenya,
            indicator=referrals,
            period_start=q_start,
            period_end=q_end,
            numerator=Decimal(12 + 3 * i),
            denominator=Decimal(20 + i),
        )
        _report(
            kenya,
            kenya,
            action=actions["C3"],
            period_start=q_start,
            period_end=q_end,
            progress=10 + 8 * i,
            narrative="Interfaith forums with the CIPK.",
        )
    services.capacity_session_record(
        actor=fatma,
        action=actions["C2"],
        title="Mentoring skills for women leaders",
        held_on=quarters[-1][0],
        participants=32,
        demographics_consented=True,
        women=26,
        men=6,
        youth=14,
        by_sector=[(women.sector, 20), (cipk.sector, 12)],
    )
    # A follow-up action the County Engagement Forum decided on, taken over by the plan (ADR 0004).
    decision = (
        Decision.objects.filter(committee=cef, kind__in=Decision.TRACKED_KINDS, owner_organisation__isnull=False)
        .filter(action__isnull=True)
        .order_by("id")
        .first()
    )
    if decision is not None:
        services.action_create_from_decision(
            actor=kenya,
            decision=decision,
            plan=mombasa,
            objective=objectives["C4"],
            title="Follow-up of the Forum's decision",
            copy_text=True,
        )
    services.action_update(
        actor=kenya,
        action=overdue,
        rag_override="red",
        rag_override_reason="Waiting for the County Commissioner's sign-off since the last forum.",
    )

    # A funded locally-led initiative with tranches; the next tranche waits for an accepted report.
    allocation = services.allocation_create(
        actor=kenya,
        plan=mombasa,
        action=actions["C2"],
        title="Youth-led prevention micro-grants",
        funder=gov,
        recipient=women,
        amount=Decimal("3000000"),
        currency="KES",
        status="committed",
        next_tranche_needs_accepted_report=True,
    )
    for n, share in enumerate(("1200000", "1000000", "800000")):
        services.tranche_plan(
            actor=kenya, allocation=allocation, amount=Decimal(share), planned_on=quarters[min(n, 3)][1]
        )
    first, second, _third = list(allocation.tranches.order_by("number"))
    services.tranche_disburse(actor=kenya, tranche=first, disbursed_on=quarters[0][1] - timedelta(days=30))
    services.tranche_disburse(actor=kenya, tranche=second, disbursed_on=today)

    offer = ResourceOffer.objects.filter(title="Job placement and career guidance for youth groups").first()
    if offer is not None:
        services.offer_take_up(
            actor=kenya, action=actions["C2"], offer=offer, note="Career days for the mentored young people."
        )
    checkpoint = services.evaluation_create(
        actor=kenya,
        plan=mombasa,
        kind="mid_term",
        due_on=quarters[-1][1],
        held_on=quarters[-1][1],
        relevance=4,
        coherence=3,
        effectiveness=3,
        efficiency=2,
        impact=2,
        sustainability=3,
        report="Mentoring reaches the intended young people; referral times improve but the pathway is unpublished.",
        management_response="The Forum asks the County Commissioner's office to publish the pathway this quarter.",
    )
    lesson = services.lesson_record(
        actor=kenya,
        plan=mombasa,
        checkpoint=checkpoint,
        text="Involve parents in the mentoring circles from the first session.",
    )
    services.lesson_to_action(
        actor=kenya,
        lesson=lesson,
        objective=objectives["C2"],
        lead_organisation=women,
        planned_start=today,
        planned_end=today + timedelta(days=180),
    )

    kwale = services.plan_create(
        actor=kenya,
        title="Kwale County Action Plan",
        jurisdiction=j["KE-19"],
        framework=framework,
        parent=national,
        period_start=start,
        period_end=end,
    )
    k_obj = services.objective_create(actor=kenya, plan=kwale, code="K1", title="Training", pillars=[pillars["P6"]])
    k_action = services.action_create(
        actor=kenya,
        plan=kwale,
        objective=k_obj,
        title="Train chiefs and youth leaders",
        lead_organisation=org["County Government of Kwale"],
        planned_start=start,
        planned_end=end,
    )
    k_ind = services.indicator_create(
        actor=kenya,
        plan=kwale,
        objective=k_obj,
        action=k_action,
        code="K-T1",
        name="People trained (running total)",
        cumulative=True,
        parent=n_trained,
    )
    for i, (q_start, q_end) in enumerate(quarters[-2:]):
        _report(kenya, kenya, indicator=k_ind, period_start=q_start, period_end=q_end, value=Decimal(20 + 25 * i))
    services.plan_approve(actor=kenya, plan=kwale)

    # --- Kumanovo: the local prevention plan of the Community Action Team ------------------------
    mk = Framework.objects.filter(name="National Strategy for Countering Violent Extremism (North Macedonia)").first()
    if mk is None and "MK" in j:
        mk = services.framework_create(
            actor=admin,
            name="National Strategy for Countering Violent Extremism (North Macedonia)",
            jurisdiction=j["MK"],
            pillars=MK_PILLARS,
        )
    cat = Committee.objects.filter(name="Kumanovo Community Action Team").first()
    local = services.plan_create(
        actor=kumanovo,
        title="Kumanovo local prevention plan",
        jurisdiction=j["MK-KU"],
        owning_committee=cat,
        framework=mk,
        period_start=start,
        period_end=end,
        summary="Implemented by the Community Action Team with the city, religious communities, sports and youth "
        "organisations, teachers and civil society.",
    )
    mk_pillars = {p.code: p for p in mk.pillars.all()} if mk else {}
    build = services.objective_create(
        actor=kumanovo,
        plan=local,
        code="K1",
        title="Prevention capacities of front-line workers",
        weight=2,
        pillars=[mk_pillars["PR"]] if mk_pillars else None,
    )
    youth = services.objective_create(
        actor=kumanovo,
        plan=local,
        code="K2",
        title="Mixed-community youth activities",
        pillars=[mk_pillars["RE"]] if mk_pillars else None,
    )
    workshops = services.action_create(
        actor=kumanovo,
        plan=local,
        objective=build,
        title="CAT workshops for teachers, youth workers and clergy",
        kind="capacity_building",
        lead_organisation=org["Municipality of Kumanovo"],
        partners=[
            (org["Kumanovo Teachers' Association"], "implementing"),
            (org["Kumanovo Youth Council"], "implementing"),
        ],
        planned_start=start,
        planned_end=end - timedelta(days=200),
    )
    tournament = services.action_create(
        actor=kumanovo,
        plan=local,
        objective=youth,
        title="Mixed-community youth football tournaments",
        lead_organisation=org["Kumanovo Youth Council"],
        partners=[(org["FK Kumanovo Sports Club"], "implementing")],
        planned_start=start,
        planned_end=end - timedelta(days=300),
    )
    services.capacity_session_record(
        actor=kumanovo,
        action=workshops,
        title="Recognising early signs of radicalisation",
        held_on=quarters[1][0],
        participants=24,
        demographics_consented=True,
        women=14,
        men=10,
        youth=6,
        by_sector=[(org["Kumanovo Teachers' Association"].sector, 14), (org["Kumanovo Youth Council"].sector, 10)],
    )
    services.capacity_session_record(
        actor=kumanovo,
        action=workshops,
        title="Working with families",
        held_on=quarters[2][0],
        participants=18,
        demographics_consented=False,
    )
    for i, (q_start, q_end) in enumerate(quarters):
        _report(
            blerim,
            kumanovo,
            action=tournament,
            period_start=q_start,
            period_end=q_end,
            progress=10 + 12 * i,
            narrative="Tournament rounds with mixed teams.",
            returned_note="Say how many teams were mixed." if i == 0 else "",
        )
        _report(
            kumanovo,
            kumanovo,
            action=workshops,
            period_start=q_start,
            period_end=q_end,
            progress=20 + 20 * i,
            narrative="Workshops held in the Chamber's rooms.",
        )
    rooms = ResourceOffer.objects.filter(title="Meeting rooms for Community Action Team workshops").first()
    if rooms is not None:
        services.offer_take_up(actor=kumanovo, action=workshops, offer=rooms, note="Rooms for the six workshops.")
    services.plan_approve(actor=kumanovo, plan=local, note="Endorsed by the Community Action Team")
    return [(email, role) for email, _, role in LOGINS]
