"""Pages: who sees what (the outsider gets 404 everywhere), the report/return/accept flow with a
conflict message on a stale version, evidence downloads, exports, and query budgets."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans import services
from actionplans.models import Action, Evidence, ProgressUpdate

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _accepted(pw, action, progress, period=None):  # type: ignore[no-untyped-def]
    start, end = period or pw.period
    u = services.progress_update_create(
        actor=pw.mona, action=action, period_start=start, period_end=end, narrative="done", progress=progress
    )
    services.progress_update_submit(actor=pw.mona, update=u)
    return services.progress_update_accept(actor=pw.alice, update=u)


def test_plan_pages_per_persona(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("actionplans:plan-detail", args=[pw.plan.pk])
    for user in (pw.alice, pw.mike, pw.bob, pw.mona, pw.pete):
        assert client_for(user).get(url).status_code == 200, user
    assert client_for(pw.charlie).get(url).status_code == 404
    page = client_for(pw.mona).get(url).content.decode()
    assert "Youth dialogue series" in page and "Interfaith forum" not in page  # only her organisation's action
    page = client_for(pw.bob).get(url).content.decode()
    assert "Interfaith forum" in page and "Local-only mentoring" not in page  # the liaison: no local-only detail
    page = client_for(pw.mike).get(url).content.decode()
    assert "Local-only mentoring" in page  # the committee reads the whole plan
    listing = client_for(pw.charlie).get(reverse("actionplans:plan-list")).content.decode()
    assert "Harbour City Action Plan" not in listing


def test_action_update_evidence_and_exports_are_404_for_outsiders(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    u = services.progress_update_create(
        actor=pw.mona, action=pw.a1, period_start=pw.period[0], period_end=pw.period[1], narrative="x", progress=5
    )
    item = services.evidence_add(actor=pw.mona, update=u, name="sheet.pdf", stream=io.BytesIO(PDF))
    urls = [
        reverse("actionplans:action-detail", args=[pw.a1.pk]),
        reverse("actionplans:update-detail", args=[u.pk]),
        reverse("actionplans:evidence-download", args=[item.pk]),
        reverse("actionplans:update-create", args=[pw.a1.pk]),
        reverse("actionplans:plan-export", args=[pw.plan.pk, "csv"]),
        reverse("actionplans:plan-print", args=[pw.plan.pk]),
        reverse("actionplans:plan-iati", args=[pw.plan.pk]),
        reverse("actionplans:plan-evaluation", args=[pw.plan.pk]),
        reverse("actionplans:plan-versions", args=[pw.plan.pk]),
        reverse("actionplans:plan-at-risk", args=[pw.plan.pk]),
    ]
    outsider = client_for(pw.charlie)
    for url in urls:
        assert outsider.get(url).status_code == 404, url
    pete = client_for(pw.pete)  # a partner of another organisation
    for url in urls[:4]:
        assert pete.get(url).status_code == 404, url
    response = client_for(pw.mona).get(urls[2])
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert 'filename="sheet.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(pw.bob).get(urls[2]).status_code == 404  # a draft is not the liaison's to read


def test_partner_reports_coordinator_returns_partner_resubmits_coordinator_accepts(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    mona, alice = client_for(pw.mona), client_for(pw.alice)
    response = mona.post(
        reverse("actionplans:update-create", args=[pw.a1.pk]),
        {
            "period_start": pw.period[0].isoformat(),
            "period_end": pw.period[1].isoformat(),
            "progress": "30",
            "narrative": "Three dialogues held",
            "file": SimpleUploadedFile("attendance.pdf", PDF, content_type="application/pdf"),
            "submit": "on",
        },
    )
    update = ProgressUpdate.objects.get()
    assert response.status_code == 302 and update.status == "submitted"
    assert Evidence.objects.filter(update=update).count() == 1
    url = reverse("actionplans:update-detail", args=[update.pk])
    page = alice.post(url, {"form": "review", "version": update.version, "decision": "return", "note": ""})
    assert "Say why the update is returned." in page.content.decode()
    alice.post(url, {"form": "review", "version": update.version, "decision": "return", "note": "Add the photos"})
    update.refresh_from_db()
    assert update.status == "returned"
    assert "Add the photos" in mona.get(url).content.decode()
    mona.post(
        url,
        {
            "form": "edit",
            "version": update.version,
            "period_start": pw.period[0].isoformat(),
            "period_end": pw.period[1].isoformat(),
            "progress": "35",
            "narrative": "With photos",
            "submit": "on",
        },
    )
    update.refresh_from_db()
    assert (update.status, update.progress) == ("submitted", 35)
    alice.post(url, {"form": "review", "version": update.version, "decision": "accept", "note": ""})
    update.refresh_from_db()
    assert update.status == "accepted"
    pw.a1.refresh_from_db()
    assert pw.a1.progress == 35
    assert "35 %" in alice.get(reverse("actionplans:plan-detail", args=[pw.plan.pk])).content.decode()


def test_stale_version_shows_a_conflict_with_what_changed(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    u = services.progress_update_create(
        actor=pw.mona, action=pw.a1, period_start=pw.period[0], period_end=pw.period[1], narrative="first", progress=10
    )
    stale = u.version
    services.progress_update_edit(actor=pw.olga, update=u, narrative="Olga's wording", progress=20)
    response = client_for(pw.mona).post(
        reverse("actionplans:update-detail", args=[u.pk]),
        {
            "form": "edit",
            "version": stale,
            "period_start": pw.period[0].isoformat(),
            "period_end": pw.period[1].isoformat(),
            "progress": "15",
            "narrative": "mine",
        },
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this update" in page and "Olga&#x27;s wording" in page
    u.refresh_from_db()
    assert u.narrative == "Olga's wording"


def test_bad_evidence_on_the_page_saves_nothing(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(pw.mona).post(
        reverse("actionplans:update-create", args=[pw.a1.pk]),
        {
            "period_start": pw.period[0].isoformat(),
            "period_end": pw.period[1].isoformat(),
            "progress": "30",
            "narrative": "x",
            "file": SimpleUploadedFile("photo.png", b"GIF89a-not-a-png", content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert "not what its name says (.png)" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_csv_export_lists_visible_actions_only(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(pw.bob).get(reverse("actionplans:plan-export", args=[pw.plan.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    titles = {r[2] for r in rows[1:]}
    assert titles == {"Youth dialogue series", "Interfaith forum"}  # not the local-only action
    response = client_for(pw.alice).get(reverse("actionplans:plan-export", args=[pw.plan.pk, "xlsx"]))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_my_actions_shows_reports_due(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(pw.mona).get(reverse("actionplans:my-actions")).content.decode()
    assert "Youth dialogue series" in page and "Report due" in page and "Interfaith forum" not in page
    home = client_for(pw.mona).get(reverse("home")).content.decode()
    assert "Your organisation&#x27;s actions" in home or "Your organisation's actions" in home


def test_versions_page_shows_the_difference(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    services.plan_approve(actor=pw.alice, plan=pw.plan)
    services.objective_create(actor=pw.alice, plan=pw.plan, code="O3", title="Schools")
    services.plan_approve(actor=pw.alice, plan=pw.plan)
    page = (
        client_for(pw.mike).get(reverse("actionplans:plan-versions", args=[pw.plan.pk]) + "?a=1&b=2").content.decode()
    )
    assert "O3" in page and "added" in page
    assert client_for(pw.mona).get(reverse("actionplans:plan-versions", args=[pw.plan.pk])).status_code == 404


def _grow(pw, n):  # type: ignore[no-untyped-def]
    for i in range(n):
        a = services.action_create(
            actor=pw.alice,
            plan=pw.plan,
            objective=pw.o1,
            title=f"Extra {i}",
            lead_organisation=pw.org,
            planned_start=pw.a1.planned_start,
            planned_end=pw.a1.planned_end,
        )
        _accepted(pw, a, 10 + i)


@pytest.mark.parametrize("name", ["actionplans:plan-detail", "actionplans:my-actions"])
def test_query_budgets_do_not_grow_with_actions(pw, client_for, django_assert_max_num_queries, name) -> None:  # type: ignore[no-untyped-def]
    args = [pw.plan.pk] if name == "actionplans:plan-detail" else []
    url = reverse(name, args=args)
    counts = []
    for n in (1, 6):
        _grow(pw, n)
        client = client_for(pw.mona)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(35):
        client_for(pw.mona).get(url)
    assert Action.objects.count() > 8
    assert Decimal(1)


def test_the_decision_shows_it_is_tracked_as_an_action(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    from coordination.models import Decision
    from tests.coordination.factories import AgendaItemFactory, DecisionFactory, MeetingFactory

    meeting = MeetingFactory(committee=pw.committee)
    item = AgendaItemFactory(meeting=meeting)
    decision = DecisionFactory(
        agenda_item=item,
        meeting=meeting,
        committee=pw.committee,
        kind=Decision.Kind.ACTION,
        text="Hold a camp",
        owner_organisation=pw.org,
    )
    page = client_for(pw.mike).get(reverse("coordination:meeting-detail", args=[meeting.pk])).content.decode()
    assert "tracked as an action" not in page
    action = services.action_create_from_decision(
        actor=pw.alice, decision=decision, plan=pw.plan, objective=pw.o1, title="Camp"
    )
    page = client_for(pw.mike).get(reverse("coordination:meeting-detail", args=[meeting.pk])).content.decode()
    assert "tracked as an action" in page and action.get_absolute_url() in page


def test_evaluation_page_shows_ratings_lessons_and_funding_to_readers_of_the_plan(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    checkpoint = services.evaluation_create(
        actor=pw.alice,
        plan=pw.plan,
        kind="mid_term",
        due_on=pw.today,
        relevance=4,
        sustainability=2,
        report="Halfway there",
        management_response="We agree and will act",
    )
    services.lesson_record(actor=pw.alice, plan=pw.plan, checkpoint=checkpoint, text="Start earlier with schools")
    services.allocation_create(
        actor=pw.alice,
        plan=pw.plan,
        title="Micro-grants",
        funder=pw.other_org,
        recipient=pw.org,
        amount=Decimal(1000),
        currency="EUR",
        status="committed",
    )
    url = reverse("actionplans:plan-evaluation", args=[pw.plan.pk])
    page = client_for(pw.mike).get(url).content.decode()
    assert "We agree and will act" in page and "Start earlier with schools" in page and "Micro-grants" in page
    assert client_for(pw.mona).get(url).status_code == 404  # a partner reads its actions, not the evaluation
    assert client_for(pw.charlie).get(url).status_code == 404


def test_roll_up_query_count_does_not_grow_with_child_plans_or_updates(pw) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from actionplans import selectors

    counts = []
    for n in (1, 4):
        for i in range(n):
            child = services.plan_create(
                actor=pw.admin,
                title=f"District {n}-{i}",
                jurisdiction=pw.other_district,
                parent=pw.national,
                period_start=pw.today,
                period_end=pw.today,
            )
            ind = services.indicator_create(
                actor=pw.admin, plan=child, code=f"D{n}{i}", name="Trained", cumulative=True, parent=pw.national_ind
            )
            for period in (pw.first_period, pw.period):
                u = services.progress_update_create(
                    actor=pw.admin, indicator=ind, period_start=period[0], period_end=period[1], value=Decimal(5)
                )
                services.progress_update_submit(actor=pw.admin, update=u)
                services.progress_update_accept(actor=pw.admin, update=u)
        nora = type(pw.nora).objects.get(pk=pw.nora.pk)  # roles read afresh, as in a request
        with CaptureQueriesContext(connection) as ctx:
            [line] = selectors.plan_rollup(nora, pw.national)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert line.rolled.value == Decimal(25)  # five district plans at a running total of 5 each
