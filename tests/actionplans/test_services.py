"""Services: plans and versions, actions (incl. from a decision), indicators, progress updates,
evidence, funding, evaluation, the plan-to-meeting loop, with the bad input the issue lists."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from actionplans import selectors, services
from actionplans.models import Action, ActionPlan, Evidence, Indicator, ProgressUpdate, Tranche
from coordination.models import AgendaItem, Decision
from tests.coordination.factories import AgendaItemFactory, DecisionFactory, MeetingFactory
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory, ResourceOfferFactory

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _report(pw, user, action=None, indicator=None, period=None, **data):  # type: ignore[no-untyped-def]
    start, end = period or pw.period
    return services.progress_update_create(
        actor=user, action=action, indicator=indicator, period_start=start, period_end=end, **data
    )


# --- plans ---------------------------------------------------------------------------------


def test_only_coordinators_of_the_subtree_create_plans(pw) -> None:  # type: ignore[no-untyped-def]
    data = {"title": "X", "jurisdiction": pw.other_district, "period_start": pw.today, "period_end": pw.today}
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=pw.alice, **data)
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=pw.olga, **{**data, "jurisdiction": pw.city})


def test_approval_keeps_versions_and_shows_the_difference(pw) -> None:  # type: ignore[no-untyped-def]
    v1 = services.plan_approve(actor=pw.alice, plan=pw.plan, note="Adopted by the network")
    pw.plan.refresh_from_db()
    assert pw.plan.status == ActionPlan.Status.ACTIVE and pw.plan.approved_version == 1
    services.objective_create(actor=pw.alice, plan=pw.plan, code="O3", title="Schools")
    services.action_update(actor=pw.alice, action=pw.a1, title="Youth dialogues (extended)")
    v2 = services.plan_approve(actor=pw.alice, plan=pw.plan)
    diff = services.snapshot_diff(v1.snapshot, v2.snapshot)
    added = [r for r in diff if r["change"] == "added"]
    changed = [r for r in diff if r["change"] == "changed"]
    assert [(r["section"], r["key"]) for r in added] == [("objectives", "O3")]
    assert changed[0]["section"] == "actions" and changed[0]["fields"]["title"][1] == "Youth dialogues (extended)"
    assert v1.snapshot["actions"][str(pw.a1.pk)]["title"] == "Youth dialogue series"  # the old version is kept


def test_stale_version_is_refused_and_nothing_changes(pw) -> None:  # type: ignore[no-untyped-def]
    version = pw.plan.version
    services.plan_update(actor=pw.alice, plan=pw.plan, expected_version=version, title="Renamed")
    with pytest.raises(services.StaleVersion) as err:
        services.plan_update(actor=pw.alice, plan=pw.plan, expected_version=version, title="Lost edit")
    assert err.value.current.title == "Renamed"
    pw.plan.refresh_from_db()
    assert pw.plan.title == "Renamed"


def test_status_follows_the_life_cycle(pw) -> None:  # type: ignore[no-untyped-def]
    services.plan_submit(actor=pw.alice, plan=pw.plan)
    with pytest.raises(ValidationError):
        services.plan_set_status(actor=pw.alice, plan=pw.plan, status="closed")
    services.plan_approve(actor=pw.alice, plan=pw.plan)
    plan = services.plan_set_status(actor=pw.alice, plan=pw.plan, status="suspended", reason="Elections")
    assert plan.status == "suspended"


# --- actions -------------------------------------------------------------------------------


def test_bad_action_input_gives_field_messages_and_saves_nothing(pw) -> None:  # type: ignore[no-untyped-def]
    before = Action.objects.count()
    base = {"plan": pw.plan, "objective": pw.o1, "title": "T", "lead_organisation": pw.org}
    with pytest.raises(ValidationError) as err:
        services.action_create(actor=pw.alice, planned_start=pw.today, planned_end=pw.today - timedelta(days=1), **base)
    assert "planned_end" in err.value.message_dict
    hidden = OrganisationFactory(name="Hidden", jurisdiction=pw.other_district, is_active=False)
    with pytest.raises(ValidationError) as err:
        services.action_create(
            actor=pw.alice, planned_start=pw.today, planned_end=pw.today, partners=[(hidden, "implementing")], **base
        )
    assert "Select a valid choice" in err.value.message_dict["partners"][0]
    with pytest.raises(ValidationError) as err:
        services.action_update(actor=pw.alice, action=pw.a1, rag_override="red")
    assert "rag_override_reason" in err.value.message_dict
    assert Action.objects.count() == before


def test_override_needs_a_reason_and_wins(pw) -> None:  # type: ignore[no-untyped-def]
    action = services.action_update(actor=pw.alice, action=pw.a1, rag_override="red", rag_override_reason="Venue lost")
    assert selectors.action_rag(action) == "red"


def test_action_taken_over_from_a_decision_mirrors_its_status(pw) -> None:  # type: ignore[no-untyped-def]
    meeting = MeetingFactory(committee=pw.committee)
    item = AgendaItemFactory(meeting=meeting)
    owner = PersonFactory(full_name="Owner")
    PositionFactory(person=owner, organisation=pw.org)
    decision = DecisionFactory(
        agenda_item=item,
        meeting=meeting,
        committee=pw.committee,
        kind=Decision.Kind.ACTION,
        text="Run a youth camp",
        owner=owner,
        owner_organisation=pw.org,
        due_date=pw.today + timedelta(days=30),
    )
    action = services.action_create_from_decision(
        actor=pw.alice, decision=decision, plan=pw.plan, objective=pw.o1, title="Youth camp"
    )
    assert (action.decision, action.owner, action.lead_organisation) == (decision, owner, pw.org)
    assert action.planned_end == decision.due_date and action.description == ""  # text not copied unasked
    decision.refresh_from_db()
    assert decision.action == action
    services.action_update(actor=pw.alice, action=action, status="completed")
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DONE
    with pytest.raises(ValidationError):
        services.action_create_from_decision(
            actor=pw.alice, decision=decision, plan=pw.plan, objective=pw.o1, title="x"
        )
    with pytest.raises(ValidationError):  # the outsider cannot even name the decision
        services.action_create_from_decision(actor=pw.charlie, decision=decision, plan=pw.plan, objective=pw.o1)


def test_capacity_building_counts_sectors_and_gender_only_where_consented(pw) -> None:  # type: ignore[no-untyped-def]
    session = services.capacity_session_record(
        actor=pw.mona,
        action=pw.a1,
        title="Frontline workers",
        held_on=pw.today,
        participants=20,
        demographics_consented=True,
        women=12,
        men=8,
        youth=9,
        by_sector=[(pw.civil, 15), (pw.police, 5)],
    )
    assert session.by_sector.count() == 2
    with pytest.raises(ValidationError):
        services.capacity_session_record(
            actor=pw.mona,
            action=pw.a1,
            title="x",
            held_on=pw.today,
            participants=5,
            demographics_consented=False,
            women=3,
        )


def test_lessons_become_actions(pw) -> None:  # type: ignore[no-untyped-def]
    checkpoint = services.evaluation_create(
        actor=pw.alice,
        plan=pw.plan,
        kind="mid_term",
        due_on=pw.today,
        relevance=3,
        effectiveness=2,
        report="Halfway",
        management_response="Agreed",
    )
    lesson = services.lesson_record(actor=pw.alice, plan=pw.plan, checkpoint=checkpoint, text="Involve parents early")
    action = services.lesson_to_action(
        actor=pw.alice,
        lesson=lesson,
        objective=pw.o1,
        lead_organisation=pw.org,
        planned_start=pw.today,
        planned_end=pw.today + timedelta(days=30),
    )
    assert action.from_lesson == lesson and action.title == "Involve parents early"
    with pytest.raises(ValidationError):
        services.evaluation_create(actor=pw.alice, plan=pw.plan, kind="ad_hoc", due_on=pw.today, impact=5)


# --- progress updates ------------------------------------------------------------------------


def test_report_return_correct_accept_and_the_period_locks(pw) -> None:  # type: ignore[no-untyped-def]
    update = _report(pw, pw.mona, action=pw.a1, narrative="Two sessions", progress=30)
    assert update.organisation == pw.org
    services.progress_update_submit(actor=pw.mona, update=update)
    with pytest.raises(ValidationError) as err:
        services.progress_update_return(actor=pw.alice, update=update, note="  ")
    assert "review_note" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        services.progress_update_accept(actor=pw.mona, update=update)  # a partner does not accept its own
    services.progress_update_return(actor=pw.alice, update=update, note="Attach the attendance sheet")
    pw.a1.refresh_from_db()
    assert pw.a1.progress == 0 and pw.a1.progress_as_of is None  # nothing accepted: no data
    update = services.progress_update_submit(actor=pw.mona, update=update, progress=35)
    services.progress_update_accept(actor=pw.alice, update=update)
    pw.a1.refresh_from_db()
    assert (pw.a1.progress, pw.a1.status) == (35, "in_progress")
    with pytest.raises(ValidationError) as err:  # the accepted period is locked
        _report(pw, pw.mona, action=pw.a1, narrative="again", progress=50)
    assert "locked" in str(err.value)
    with pytest.raises((PermissionDenied, ValidationError)):
        services.progress_update_edit(actor=pw.mona, update=update, narrative="changed after acceptance")
    services.progress_update_return(actor=pw.alice, update=update, note="Reopened: figures double-counted")
    pw.a1.refresh_from_db()
    assert pw.a1.progress_as_of is None
    _report(pw, pw.mona, action=pw.a1, narrative="again", progress=50)  # the period is open again


def test_bad_update_input(pw) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as err:
        _report(pw, pw.mona, action=pw.a1, narrative="x", progress=101)
    assert "progress" in err.value.message_dict
    with pytest.raises(ValidationError):
        _report(pw, pw.mona, action=pw.a1, narrative="x", progress=-1)
    with pytest.raises(ValidationError) as err:
        _report(pw, pw.mona, indicator=pw.ind, text_value="about forty")
    assert "value" in err.value.message_dict
    pct = services.indicator_create(actor=pw.alice, plan=pw.plan, code="I2", name="Share", measure="percentage")
    with pytest.raises(ValidationError) as err:
        _report(pw, pw.alice, indicator=pct, numerator=Decimal(5), denominator=Decimal(0))
    assert "denominator" in err.value.message_dict
    with pytest.raises(ValidationError):  # pete cannot see a1 at all: it answers like a missing action
        _report(pw, pw.pete, action=pw.a1, narrative="not mine", progress=10)
    assert not ProgressUpdate.objects.exists()


def test_evidence_is_checked_by_content_and_size(pw) -> None:  # type: ignore[no-untyped-def]
    update = _report(pw, pw.mona, action=pw.a1, narrative="x", progress=10)
    with pytest.raises(ValidationError) as err:
        services.evidence_add(
            actor=pw.mona, update=update, name="report.pdf", stream=io.BytesIO(b"MZ\x90\x00 not a pdf")
        )
    assert "not what its name says (.pdf)" in err.value.message_dict["file"][0]
    with override_settings(ACTIONPLANS_EVIDENCE_MAX_BYTES=len(PDF)):
        item = services.evidence_add(
            actor=pw.mona, update=update, name="../../etc/Attendance Sheet.PDF", stream=io.BytesIO(PDF)
        )
        with pytest.raises(ValidationError) as err:
            services.evidence_add(actor=pw.mona, update=update, name="big.pdf", stream=io.BytesIO(PDF + b"x"))
        assert "larger than" in err.value.message_dict["file"][0]
    assert item.original_name == "attendance-sheet.pdf"
    assert "media" not in item.file.path
    assert Evidence.objects.count() == 1
    version = ProgressUpdate.objects.get(pk=update.pk).version
    assert version == update.version  # adding evidence is not a conflict


# --- roll-up through the selectors ------------------------------------------------------------


def test_only_accepted_values_count_and_linked_district_indicators_roll_up(pw) -> None:  # type: ignore[no-untyped-def]
    unlinked_plan = services.plan_create(
        actor=pw.admin,
        title="Other city plan",
        jurisdiction=pw.other_district,
        parent=pw.national,
        period_start=pw.today,
        period_end=pw.today,
    )
    unlinked = services.indicator_create(actor=pw.admin, plan=unlinked_plan, code="U1", name="Trained", cumulative=True)
    for period, value in [(pw.first_period, 40), (pw.period, 70)]:
        u = _report(pw, pw.mona, indicator=pw.ind, period=period, value=Decimal(value))
        services.progress_update_submit(actor=pw.mona, update=u)
        services.progress_update_accept(actor=pw.alice, update=u)
    draft = _report(pw, pw.admin, indicator=unlinked, value=Decimal(1000))
    services.progress_update_submit(actor=pw.admin, update=draft)  # submitted, never accepted: does not count
    [line] = selectors.plan_rollup(pw.nora, pw.national)
    assert line.own.value is None  # the national indicator has no values of its own
    assert line.rolled.value == Decimal(70)  # the linked city's latest cumulative value, not 110, not +1000
    [city] = selectors.plan_rollup(pw.alice, pw.plan)
    assert city.achievement == Decimal(70)  # 70 of a target of 100


def test_plan_progress_is_the_weighted_mean_over_objectives_with_data(pw) -> None:  # type: ignore[no-untyped-def]
    overview = selectors.plan_overview(pw.alice, pw.plan)
    assert overview.progress is None and all(o.progress is None for o in overview.objectives)  # no data, not 0
    u = _report(pw, pw.mona, action=pw.a1, narrative="x", progress=40)
    services.progress_update_submit(actor=pw.mona, update=u)
    services.progress_update_accept(actor=pw.alice, update=u)
    overview = selectors.plan_overview(pw.alice, pw.plan)
    o1 = overview.objectives[0]
    assert o1.progress == Decimal(40)  # the action; the indicator I1 has no accepted value yet
    assert overview.objectives[1].progress is None  # O2 (weight 3) has no data: it does not pull to 0
    assert overview.progress == Decimal(40)
    assert {p.code: v for p, v in overview.pillars} == {"P1": Decimal(40), "P2": None}


# --- funding ------------------------------------------------------------------------------------


def test_disbursed_never_above_committed_and_tranches_wait_for_a_report(pw) -> None:  # type: ignore[no-untyped-def]
    allocation = services.allocation_create(
        actor=pw.alice,
        plan=pw.plan,
        action=pw.a1,
        title="Youth initiative fund",
        funder=pw.other_org,
        recipient=pw.org,
        amount=Decimal(1000),
        currency="EUR",
        status="indicative",
        next_tranche_needs_accepted_report=True,
    )
    t1 = services.tranche_plan(actor=pw.alice, allocation=allocation, amount=Decimal(600), planned_on=pw.today)
    with pytest.raises(ValidationError) as err:
        services.tranche_plan(actor=pw.alice, allocation=allocation, amount=Decimal(500), planned_on=pw.today)
    assert "amount" in err.value.message_dict
    t2 = services.tranche_plan(actor=pw.alice, allocation=allocation, amount=Decimal(400), planned_on=pw.today)
    with pytest.raises(ValidationError):  # indicative: nothing committed yet
        services.tranche_disburse(actor=pw.alice, tranche=t1)
    type(allocation).objects.filter(pk=allocation.pk).update(status="committed")
    services.tranche_disburse(actor=pw.alice, tranche=t1, disbursed_on=pw.today - timedelta(days=1))
    with pytest.raises(ValidationError) as err:
        services.tranche_disburse(actor=pw.alice, tranche=t2)
    assert "waits for a report" in str(err.value)
    u = _report(pw, pw.mona, action=pw.a1, narrative="spent well", progress=50)
    services.progress_update_submit(actor=pw.mona, update=u)
    services.progress_update_accept(actor=pw.alice, update=u)
    services.tranche_disburse(actor=pw.alice, tranche=t2)
    type(allocation).objects.filter(pk=allocation.pk).update(amount=Decimal(900))
    t3 = Tranche.objects.create(allocation=allocation, number=3, amount=Decimal(1), planned_on=pw.today)
    with pytest.raises(ValidationError) as err:
        services.tranche_disburse(actor=pw.alice, tranche=t3)
    assert "more than" in err.value.message_dict["amount"][0]


def test_offer_taken_up_by_an_action(pw) -> None:  # type: ignore[no-untyped-def]
    offer = ResourceOfferFactory(organisation=pw.org, jurisdiction=pw.city, title="Rooms")
    take_up = services.offer_take_up(actor=pw.alice, action=pw.a1, offer=offer, note="Six workshops")
    offer.refresh_from_db()
    assert take_up.action == pw.a1 and offer.status == "agreed"


# --- the plan-to-meeting loop --------------------------------------------------------------------


def test_overdue_actions_go_to_the_committees_backlog_once(pw, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.coordination.factories import CommitteeMembershipFactory

    # The coordinator who created the plan sits on the committee as its secretary.
    CommitteeMembershipFactory(committee=pw.committee, person=PersonFactory(user=pw.alice), role="secretary")
    services.plan_approve(actor=pw.alice, plan=pw.plan)
    Action.objects.filter(pk=pw.a2.pk).update(planned_end=pw.today - timedelta(days=1))
    assert services.agenda_proposals_make(today=pw.today) >= 1
    items = AgendaItem.objects.filter(committee=pw.committee, status=AgendaItem.Status.PROPOSED)
    assert any("Interfaith forum" in i.title and "overdue" in i.title for i in items)
    count = items.count()
    services.agenda_proposals_make(today=pw.today)
    assert AgendaItem.objects.filter(committee=pw.committee, status=AgendaItem.Status.PROPOSED).count() == count


def test_indicator_roll_up_link_must_be_to_the_parent_plan(pw) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as err:
        services.indicator_create(actor=pw.alice, plan=pw.plan, code="I9", name="x", parent=pw.ind)
    assert "parent" in err.value.message_dict
    assert not Indicator.objects.filter(code="I9").exists()


def test_the_loop_runs_as_a_task(pw) -> None:  # type: ignore[no-untyped-def]
    from actionplans.tasks import propose_overdue_actions_task

    assert propose_overdue_actions_task.delay().get() == 0  # the plan is a draft: nothing proposed


def test_reminders_for_overdue_actions_and_reports_due(pw) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from actionplans.notifications import actions_overdue, reports_due

    services.plan_approve(actor=pw.alice, plan=pw.plan)
    Action.objects.filter(pk=pw.a1.pk).update(planned_end=pw.today - timedelta(days=2))
    due = list(actions_overdue(timezone.now()))
    assert [(d.subject.pk, {u.email for u in d.recipients}) for d in due] == [
        (pw.a1.pk, {"olga@example.org", "mona@example.org"})
    ]
    later = timezone.now() + timedelta(days=100)  # the current quarter has ended by then
    reports = {d.subject.pk: {u.email for u in d.recipients} for d in reports_due(later)}
    assert reports[pw.a2.pk] == {"pete@example.org"}


def test_an_action_shared_with_another_organisation_can_be_reported_on(pw) -> None:  # type: ignore[no-untyped-def]
    from core.grants import grant_revoke
    from core.permissions import allows, forget

    assert not allows(pw.pete, pw.a1)
    with pytest.raises(PermissionDenied):
        services.action_share(
            actor=pw.mona,
            action=pw.a1,
            grantee_kind="organisation",
            grantee_id=pw.other_org.pk,
            permission="report",
            reason="Co-delivering",
        )
    grant = services.action_share(
        actor=pw.alice,
        action=pw.a1,
        grantee_kind="organisation",
        grantee_id=pw.other_org.pk,
        permission="report",
        reason="South Police co-deliver the dialogues",
    )
    forget(pw.pete)
    assert allows(pw.pete, pw.a1) and allows(pw.pete, pw.a1, "report")
    assert pw.a1 in selectors.my_actions(pw.pete)
    _report(pw, pw.pete, action=pw.a1, narrative="Two joint sessions", progress=20)
    grant_revoke(actor=pw.alice, grant=grant, reason="Finished")
    forget(pw.pete)
    assert not allows(pw.pete, pw.a1)
