"""Pages that write plans, objectives, actions, indicators, funding and evaluation: clear field
messages on bad input and nothing half-saved, the conflict message on a stale version, audit
records through the services, and query budgets that do not grow with rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans import services
from actionplans.models import (
    Action,
    ActionPlan,
    EvaluationCheckpoint,
    FundingAllocation,
    Indicator,
    Lesson,
    Objective,
    PlanVersion,
    Tranche,
)
from core.models import AuditEvent
from stakeholders.models import Organisation
from tests.factories import OrganisationFactory


def _d(value) -> str:  # type: ignore[no-untyped-def]
    return value.isoformat()


def _audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def _plan_data(pw, **over):  # type: ignore[no-untyped-def]
    data = {
        "title": "Harbour City Plan 2027",
        "summary": "",
        "jurisdiction": pw.city.pk,
        "owning_committee": pw.committee.pk,
        "framework": pw.framework.pk,
        "parent": pw.national.pk,
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "rag_amber_below": 90,
        "rag_red_below": 60,
        "iati_identifier": "",
    }
    data.update(over)
    return data


def _action_data(pw, **over):  # type: ignore[no-untyped-def]
    data = {
        "objective": pw.o1.pk,
        "title": "Mentoring circle",
        "description": "",
        "kind": "activity",
        "lead_organisation": pw.org.pk,
        "owner": "",
        "planned_start": _d(pw.today),
        "planned_end": _d(pw.today + timedelta(days=30)),
        "status": "planned",
        "weight": 1,
        "budget": "",
        "currency": "",
        "partners-TOTAL_FORMS": "1",
        "partners-INITIAL_FORMS": "0",
        "partners-0-organisation": "",
        "partners-0-role": "",
    }
    data.update(over)
    return data


# --- plans ----------------------------------------------------------------------------------------


def test_coordinator_creates_a_plan_and_bad_periods_are_refused(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("actionplans:plan-create")
    client = client_for(pw.alice)
    assert client.get(url).status_code == 200
    before = ActionPlan.objects.count()
    bad = client.post(url, _plan_data(pw, period_end="2026-12-31"))
    assert bad.status_code == 200
    assert "A plan&#x27;s period cannot end before it starts." in bad.content.decode()
    assert ActionPlan.objects.count() == before
    ok = client.post(url, _plan_data(pw))
    plan = ActionPlan.objects.get(title="Harbour City Plan 2027")
    assert ok.status_code == 302 and ok["Location"] == plan.get_absolute_url()
    assert plan.status == ActionPlan.Status.DRAFT and plan.parent == pw.national and plan.created_by == pw.alice
    assert AuditEvent.objects.filter(action="plan.create", target_id=str(plan.pk), actor=pw.alice).exists()


@pytest.mark.parametrize("who", ["mona", "pete", "mike", "bob", "charlie"])
def test_only_coordinators_may_create_plans(pw, client_for, who) -> None:  # type: ignore[no-untyped-def]
    assert client_for(getattr(pw, who)).get(reverse("actionplans:plan-create")).status_code == 403


def test_a_plan_outside_the_coordinators_subtree_cannot_be_chosen(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(pw.alice).post(
        reverse("actionplans:plan-create"), _plan_data(pw, jurisdiction=pw.other_district.pk)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ActionPlan.objects.filter(title="Harbour City Plan 2027").exists()


def test_edit_page_per_persona(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("actionplans:plan-edit", args=[pw.plan.pk])
    assert client_for(pw.alice).get(url).status_code == 200
    for user in (pw.mike, pw.bob, pw.mona):  # they see the plan, may not change it
        assert client_for(user).get(url).status_code == 403, user
    assert client_for(pw.charlie).get(url).status_code == 404


def test_stale_plan_edit_shows_what_changed_and_saves_nothing(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("actionplans:plan-edit", args=[pw.plan.pk])
    read_version = pw.plan.version
    services.plan_update(actor=pw.admin, plan=pw.plan, title="Renamed by the admin")
    data = _plan_data(
        pw,
        title="Alice's title",
        period_start=_d(pw.plan.period_start),
        period_end=_d(pw.plan.period_end),
        version=read_version,
    )
    response = client_for(pw.alice).post(url, data)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this while you were editing it" in page
    assert "Renamed by the admin" in page and "Reload it" in page
    pw.plan.refresh_from_db()
    assert pw.plan.title == "Renamed by the admin"


def test_status_change_and_approval_from_the_page(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("actionplans:plan-status", args=[pw.plan.pk])
    client = client_for(pw.alice)
    page = client.get(url).content.decode()
    assert "In consultation" in page
    wrong = client.post(url, {"form": "status", "status": "closed", "version": pw.plan.version})
    assert wrong.status_code == 200 and "Select a valid choice" in wrong.content.decode()
    done = client.post(url, {"form": "status", "status": "consultation", "reason": "Out to partners", "version": 1})
    assert done.status_code == 302
    pw.plan.refresh_from_db()
    assert pw.plan.status == "consultation"
    assert _audit("plan.status")[0].reason == "Out to partners"
    approved = client.post(url, {"form": "approve", "note": "Forum meeting of May", "version": pw.plan.version})
    assert approved.status_code == 302
    pw.plan.refresh_from_db()
    assert pw.plan.status == "active" and pw.plan.approved_version == 1
    assert PlanVersion.objects.get(plan=pw.plan).note == "Forum meeting of May"
    stale = client.post(url, {"form": "status", "status": "suspended", "version": 1})
    assert stale.status_code == 409
    pw.plan.refresh_from_db()
    assert pw.plan.status == "active"


# --- objectives -------------------------------------------------------------------------------------


def test_objectives_map_to_the_frameworks_pillars_only(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    other = services.framework_create(actor=pw.admin, name="Other", jurisdiction=pw.country, pillars=[("X", "X")])
    url = reverse("actionplans:objective-create", args=[pw.plan.pk])
    client = client_for(pw.alice)
    data = {"code": "O3", "title": "Schools", "weight": 2, "order": 3, "pillars": [other.pillars.get().pk]}
    assert "Select a valid choice" in client.post(url, data).content.decode()
    assert not Objective.objects.filter(code="O3").exists()
    data["pillars"] = [pw.p1.pk, pw.p2.pk]
    assert client.post(url, data).status_code == 302
    objective = Objective.objects.get(plan=pw.plan, code="O3")
    assert set(objective.pillars.all()) == {pw.p1, pw.p2}
    edit = reverse("actionplans:objective-edit", args=[objective.pk])
    data.update(title="Schools and colleges", pillars=[pw.p1.pk], version=objective.version)
    assert client.post(edit, data).status_code == 302
    objective.refresh_from_db()
    assert objective.title == "Schools and colleges" and list(objective.pillars.all()) == [pw.p1]


# --- actions --------------------------------------------------------------------------------------


def test_action_form_refuses_a_due_date_before_the_start_and_an_invisible_partner(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("actionplans:action-create", args=[pw.plan.pk])
    client = client_for(pw.alice)
    before = Action.objects.count()
    bad = client.post(url, _action_data(pw, planned_end=_d(pw.today - timedelta(days=1))))
    assert "The due date cannot be before the start." in bad.content.decode()
    hidden = cast(
        Organisation, OrganisationFactory(name="Dormant Trust", jurisdiction=pw.other_district, is_active=False)
    )
    bad = client.post(url, _action_data(pw, **{"partners-0-organisation": hidden.pk, "partners-0-role": "funding"}))
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    assert "Dormant Trust" not in bad.content.decode()
    assert Action.objects.count() == before
    ok = client.post(
        url, _action_data(pw, **{"partners-0-organisation": pw.other_org.pk, "partners-0-role": "implementing"})
    )
    assert ok.status_code == 302
    action = Action.objects.get(title="Mentoring circle")
    assert [(p.organisation, p.role) for p in action.partners.all()] == [(pw.other_org, "implementing")]


def test_rag_override_needs_a_reason_and_is_audited(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("actionplans:action-edit", args=[pw.a1.pk])
    client = client_for(pw.alice)
    base = _action_data(
        pw,
        title=pw.a1.title,
        kind=pw.a1.kind,
        planned_start=_d(pw.a1.planned_start),
        planned_end=_d(pw.a1.planned_end),
        version=pw.a1.version,
        rag_override="red",
        rag_override_reason="",
    )
    bad = client.post(url, base)
    assert "Say why the RAG status is overridden." in bad.content.decode()
    pw.a1.refresh_from_db()
    assert pw.a1.rag_override == ""
    base["rag_override_reason"] = "Venue lost"
    assert client.post(url, base).status_code == 302
    pw.a1.refresh_from_db()
    assert pw.a1.rag_override == "red"
    assert _audit("action.update")[0].reason == "Venue lost"
    assert client_for(pw.mona).get(url).status_code == 403
    assert client_for(pw.pete).get(url).status_code == 404


def test_stale_action_edit_is_a_conflict(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    old = pw.a1.version
    services.action_update(actor=pw.admin, action=pw.a1, title="Youth dialogue, renamed")
    data = _action_data(
        pw,
        title="Mine",
        kind=pw.a1.kind,
        planned_start=_d(pw.a1.planned_start),
        planned_end=_d(pw.a1.planned_end),
        version=old,
    )
    response = client_for(pw.alice).post(reverse("actionplans:action-edit", args=[pw.a1.pk]), data)
    assert response.status_code == 409 and "Youth dialogue, renamed" in response.content.decode()
    pw.a1.refresh_from_db()
    assert pw.a1.title == "Youth dialogue, renamed"


# --- indicators ------------------------------------------------------------------------------------


def _indicator_data(pw, **over):  # type: ignore[no-untyped-def]
    data = {
        "objective": pw.o1.pk,
        "action": "",
        "code": "I9",
        "name": "Schools reached",
        "measure": "number",
        "unit": "schools",
        "direction": "increase",
        "aggregation": "sum",
        "baseline_date": "",
        "baseline_value": "",
        "means_of_verification": "Attendance sheets",
        "parent": "",
        "weight": 1,
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-period_start": _d(pw.today),
        "targets-0-period_end": _d(pw.today + timedelta(days=90)),
        "targets-0-value": "12",
    }
    data.update(over)
    return data


def test_indicator_refuses_text_in_a_number_and_saves_nothing(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("actionplans:indicator-create", args=[pw.plan.pk])
    client = client_for(pw.alice)
    bad = client.post(url, _indicator_data(pw, **{"targets-0-value": "twelve"}))
    assert "Give the target as a number." in bad.content.decode()
    bad = client.post(url, _indicator_data(pw, baseline_value="a few"))
    assert "Enter a number." in bad.content.decode()
    assert not Indicator.objects.filter(code="I9").exists()
    wrong_parent = client.post(url, _indicator_data(pw, parent=pw.ind.pk))  # not of the parent plan
    assert "Select a valid choice" in wrong_parent.content.decode()
    ok = client.post(url, _indicator_data(pw, cumulative="on", parent=pw.national_ind.pk, baseline_value="3"))
    assert ok.status_code == 302
    indicator = Indicator.objects.get(plan=pw.plan, code="I9")
    assert indicator.parent == pw.national_ind and indicator.cumulative and indicator.baseline_value == 3
    assert [t.value for t in indicator.targets.all()] == [Decimal(12)]


def test_indicator_edit_adds_a_target_with_the_change(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("actionplans:indicator-edit", args=[pw.ind.pk])
    target = pw.ind.targets.get()
    data = _indicator_data(
        pw,
        code="I1",
        name="Young people trained",
        cumulative="on",
        parent=pw.national_ind.pk,
        action=pw.a1.pk,
        version=pw.ind.version,
        **{
            "targets-TOTAL_FORMS": "2",
            "targets-INITIAL_FORMS": "1",
            "targets-0-period_start": _d(target.period_start),
            "targets-0-period_end": _d(target.period_end),
            "targets-0-value": "120",
            "targets-1-period_start": _d(pw.today + timedelta(days=51)),
            "targets-1-period_end": _d(pw.today + timedelta(days=140)),
            "targets-1-value": "200",
        },
    )
    response = client_for(pw.alice).post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [t.value for t in pw.ind.targets.order_by("period_start")] == [Decimal(120), Decimal(200)]
    assert client_for(pw.mona).get(url).status_code == 403
    assert client_for(pw.charlie).get(url).status_code == 404


# --- funding ------------------------------------------------------------------------------------------


def test_funding_pages_plan_disburse_and_refuse_more_than_committed(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(pw.alice)
    url = reverse("actionplans:allocation-create", args=[pw.plan.pk])
    data = {
        "title": "Youth grants",
        "action": pw.a1.pk,
        "funder": pw.other_org.pk,
        "recipient": pw.org.pk,
        "amount": "1000",
        "currency": "kes",
        "status": "committed",
        "next_tranche_needs_accepted_report": "on",
    }
    assert "three-letter ISO 4217 code" in client.post(url, data).content.decode()
    data["currency"] = "KES"
    assert client.post(url, data).status_code == 302
    allocation = FundingAllocation.objects.get(title="Youth grants")
    tranche_url = reverse("actionplans:tranche-create", args=[allocation.pk])
    for amount in ("600", "400"):
        assert client.post(tranche_url, {"amount": amount, "planned_on": _d(pw.today)}).status_code == 302
    over = client.post(tranche_url, {"amount": "0.01", "planned_on": _d(pw.today)})
    assert "more than the allocation" in over.content.decode()
    first, second = Tranche.objects.filter(allocation=allocation).order_by("number")
    assert (
        client.post(
            reverse("actionplans:tranche-disburse", args=[first.pk]), {"disbursed_on": _d(pw.today)}
        ).status_code
        == 302
    )
    waits = client.post(reverse("actionplans:tranche-disburse", args=[second.pk]), {"disbursed_on": _d(pw.today)})
    assert "waits for a report accepted since the last disbursement" in waits.content.decode()
    second.refresh_from_db()
    assert second.status == "planned"
    cancel = client.post(reverse("actionplans:tranche-cancel", args=[second.pk]), {"reason": "Project ended"})
    assert cancel.status_code == 302
    second.refresh_from_db()
    assert second.status == "cancelled"
    page = client.get(reverse("actionplans:plan-evaluation", args=[pw.plan.pk])).content.decode()
    assert "Youth grants" in page and reverse("actionplans:tranche-create", args=[allocation.pk]) in page
    assert client_for(pw.mike).get(tranche_url).status_code == 403


def test_indicative_money_is_not_disbursed(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    allocation = services.allocation_create(
        actor=pw.alice, plan=pw.plan, title="Maybe", funder=pw.org, recipient=pw.org, amount=Decimal(10), currency="EUR"
    )
    tranche = services.tranche_plan(actor=pw.alice, allocation=allocation, amount=Decimal(5), planned_on=pw.today)
    page = client_for(pw.alice).post(
        reverse("actionplans:tranche-disburse", args=[tranche.pk]), {"disbursed_on": _d(pw.today)}
    )
    assert "commit it first" in page.content.decode()


# --- evaluation --------------------------------------------------------------------------------------


def test_evaluation_checkpoint_ratings_lessons_and_lesson_to_action(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(pw.alice)
    url = reverse("actionplans:evaluation-create", args=[pw.plan.pk])
    data: dict[str, Any] = {"kind": "mid_term", "due_on": _d(pw.today), "relevance": "5"}
    assert "Ensure this value is less than or equal to 4." in client.post(url, data).content.decode()
    assert not EvaluationCheckpoint.objects.exists()
    data["relevance"] = "3"
    assert client.post(url, data).status_code == 302
    checkpoint = EvaluationCheckpoint.objects.get()
    edit = reverse("actionplans:evaluation-edit", args=[checkpoint.pk])
    data.update(
        {
            "version": checkpoint.version,
            "held_on": _d(pw.today),
            **dict.fromkeys(EvaluationCheckpoint.CRITERIA, "3"),
            "report": "Mid-term review",
            "management_response": "Agreed; more schools next year",
        }
    )
    assert client.post(edit, data).status_code == 302
    checkpoint.refresh_from_db()
    assert checkpoint.ratings() == [(c, 3) for c in EvaluationCheckpoint.CRITERIA]
    assert checkpoint.management_response.startswith("Agreed")
    lesson_url = reverse("actionplans:lesson-create", args=[pw.plan.pk])
    assert (
        client.post(lesson_url, {"text": "Schools need term-time planning", "checkpoint": checkpoint.pk}).status_code
        == 302
    )
    lesson = Lesson.objects.get()
    to_action = reverse("actionplans:lesson-to-action", args=[lesson.pk])
    form = client.get(to_action).content.decode()
    assert "Schools need term-time planning" in form
    made = client.post(
        to_action,
        {
            "objective": pw.o1.pk,
            "title": "Plan school sessions by term",
            "kind": "activity",
            "lead_organisation": pw.org.pk,
            "planned_start": _d(pw.today),
            "planned_end": _d(pw.today + timedelta(days=60)),
        },
    )
    assert made.status_code == 302
    lesson.refresh_from_db()
    assert lesson.became_action is not None and lesson.became_action.title == "Plan school sessions by term"
    assert client.get(to_action).status_code == 403  # once only
    assert client_for(pw.bob).get(edit).status_code == 403
    assert client_for(pw.mona).get(edit).status_code == 404


# --- query budgets --------------------------------------------------------------------------------------


def _grow(pw, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        org = cast(Organisation, OrganisationFactory(name=f"Partner {n}-{i}", jurisdiction=pw.city))
        services.action_update(actor=pw.alice, action=pw.a1, partners=[*_partners(pw.a1), (org, "implementing")])
        checkpoint = services.evaluation_create(actor=pw.alice, plan=pw.plan, kind="ad_hoc", due_on=pw.today)
        services.lesson_record(actor=pw.alice, plan=pw.plan, text=f"Lesson {n}-{i}", checkpoint=checkpoint)
        allocation = services.allocation_create(
            actor=pw.alice,
            plan=pw.plan,
            title=f"Grant {n}-{i}",
            funder=org,
            recipient=pw.org,
            amount=Decimal(10),
            currency="EUR",
        )
        services.tranche_plan(actor=pw.alice, allocation=allocation, amount=Decimal(5), planned_on=pw.today)
        services.indicator_target_set(
            actor=pw.alice,
            indicator=pw.ind,
            period_start=pw.today + timedelta(days=100 + 10 * (n * 10 + i)),
            period_end=pw.today + timedelta(days=105 + 10 * (n * 10 + i)),
            value=Decimal(i),
        )
        services.action_share(
            actor=pw.alice, action=pw.a1, grantee_kind="organisation", grantee_id=org.pk, permission="view", reason="r"
        )


def _partners(action):  # type: ignore[no-untyped-def]
    return [(p.organisation, p.role) for p in action.partners.all()]


@pytest.mark.parametrize(
    "name,arg",
    [
        ("actionplans:action-edit", "a1"),
        ("actionplans:action-share", "a1"),
        ("actionplans:indicator-edit", "ind"),
        ("actionplans:plan-evaluation", "plan"),
        ("actionplans:plan-edit", "plan"),
        ("actionplans:plan-status", "plan"),
        ("actionplans:action-create", "plan"),
        ("actionplans:objective-edit", "o1"),
        ("actionplans:indicator-create", "plan"),
        ("actionplans:allocation-create", "plan"),
        ("actionplans:evaluation-create", "plan"),
        ("actionplans:lesson-create", "plan"),
        ("actionplans:plan-create", None),
    ],
)
def test_write_pages_query_budgets_do_not_grow_with_rows(  # type: ignore[no-untyped-def]
    pw, client_for, django_assert_max_num_queries, name, arg
) -> None:
    url = reverse(name, args=[getattr(pw, arg).pk] if arg else [])
    counts = []
    for n in (1, 5):
        _grow(pw, n)
        with CaptureQueriesContext(connection) as ctx:
            assert client_for(pw.alice).get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(40):
        client_for(pw.alice).get(url)


def test_progress_over_100_on_the_report_page_is_refused_and_nothing_saved(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    from actionplans.models import ProgressUpdate

    url = reverse("actionplans:update-create", args=[pw.a1.pk])
    start, end = pw.period
    response = client_for(pw.mona).post(
        url, {"period_start": _d(start), "period_end": _d(end), "progress": "101", "narrative": "All done"}
    )
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100." in response.content.decode()
    assert not ProgressUpdate.objects.filter(action=pw.a1).exists()
