"""The API: same rules as the pages, If-Match/ETag concurrency, bad input as 400 with field messages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from actionplans import services
from actionplans.models import Action, ProgressUpdate
from tests.factories import OrganisationFactory

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _ids(response):  # type: ignore[no-untyped-def]
    return {row["id"] for row in response.json()["results"]}


def test_lists_and_details_per_persona(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    assert _ids(api_for(pw.mona).get("/api/v1/actions/")) == {pw.a1.pk}
    assert _ids(api_for(pw.pete).get("/api/v1/actions/")) == {pw.a2.pk, pw.secret.pk}  # both led by his organisation
    assert _ids(api_for(pw.bob).get("/api/v1/actions/")) == {pw.a1.pk, pw.a2.pk}  # not the local-only one
    assert _ids(api_for(pw.mike).get("/api/v1/actions/")) == {pw.a1.pk, pw.a2.pk, pw.secret.pk}
    assert _ids(api_for(pw.charlie).get("/api/v1/actions/")) == set()
    for url in (
        f"/api/v1/actions/{pw.a1.pk}/",
        f"/api/v1/action-plans/{pw.plan.pk}/",
        f"/api/v1/indicators/{pw.ind.pk}/",
        f"/api/v1/action-plans/{pw.plan.pk}/rollup/",
    ):
        assert api_for(pw.charlie).get(url).status_code == 404, url
    assert api_for(pw.pete).get(f"/api/v1/actions/{pw.a1.pk}/").status_code == 404
    response = api_for(pw.mona).get(f"/api/v1/actions/{pw.a1.pk}/")
    assert response.status_code == 200 and response["ETag"] == f'"{pw.a1.version}"'


def test_if_match_is_required_and_a_stale_one_is_refused(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    api = api_for(pw.alice)
    url = f"/api/v1/actions/{pw.a1.pk}/"
    assert api.patch(url, {"title": "No header"}, format="json").status_code == 428
    version = api.get(url)["ETag"]
    ok = api.patch(url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH=version)
    assert ok.status_code == 200 and ok["ETag"] != version
    stale = api.patch(url, {"title": "Lost"}, format="json", HTTP_IF_MATCH=version)
    assert stale.status_code == 412
    pw.a1.refresh_from_db()
    assert pw.a1.title == "Renamed"
    assert api_for(pw.mona).patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH=ok["ETag"]).status_code == 403


def test_bad_action_input(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    api = api_for(pw.alice)
    base = {
        "plan": pw.plan.pk,
        "objective": pw.o1.pk,
        "title": "New",
        "lead_organisation": pw.org.pk,
        "planned_start": pw.today.isoformat(),
        "planned_end": (pw.today - timedelta(days=3)).isoformat(),
    }
    before = Action.objects.count()
    response = api.post("/api/v1/actions/", base, format="json")
    assert response.status_code == 400 and "planned_end" in response.json()
    hidden = OrganisationFactory(jurisdiction=pw.other_district, is_active=False)
    response = api.post(
        "/api/v1/actions/",
        {**base, "planned_end": pw.today.isoformat(), "partners": [{"organisation": hidden.pk, "role": "funding"}]},
        format="json",
    )
    assert response.status_code == 400 and "partners" in response.json()
    missing = api.post(
        "/api/v1/actions/",
        {**base, "planned_end": pw.today.isoformat(), "partners": [{"organisation": 999999, "role": "funding"}]},
        format="json",
    )
    # the same message for a hidden and a missing organisation (no existence oracle)
    assert missing.json()["partners"]["0"]["organisation"] == ['Invalid pk "999999" - object does not exist.']
    assert response.json()["partners"]["0"]["organisation"] == [f'Invalid pk "{hidden.pk}" - object does not exist.']
    assert Action.objects.count() == before
    created = api.post(
        "/api/v1/actions/",
        {
            **base,
            "planned_end": pw.today.isoformat(),
            "partners": [{"organisation": pw.other_org.pk, "role": "funding"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["partners"] == [{"organisation": pw.other_org.pk, "role": "funding"}]


def test_report_flow_and_bad_update_input(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    mona, alice = api_for(pw.mona), api_for(pw.alice)
    period = {"period_start": pw.period[0].isoformat(), "period_end": pw.period[1].isoformat()}
    for progress in (101, -1):
        r = mona.post(
            "/api/v1/progress-updates/",
            {"action": pw.a1.pk, "progress": progress, "narrative": "x", **period},
            format="json",
        )
        assert r.status_code == 400 and "progress" in r.json()
    r = mona.post("/api/v1/progress-updates/", {"indicator": pw.ind.pk, "value": "forty", **period}, format="json")
    assert r.status_code == 400 and "value" in r.json()
    r = mona.post("/api/v1/progress-updates/", {"indicator": pw.ind.pk, "text_value": "forty", **period}, format="json")
    assert r.status_code == 400 and "value" in r.json()
    assert not ProgressUpdate.objects.exists()
    r = mona.post("/api/v1/progress-updates/", {"indicator": pw.ind.pk, "value": "40", **period}, format="json")
    assert r.status_code == 201, r.json()
    url = f"/api/v1/progress-updates/{r.json()['id']}/"
    bad = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a jpeg", content_type="image/jpeg")
    up = mona.post(url + "evidence/", {"file": bad}, format="multipart")
    assert up.status_code == 400 and "not what its name says (.jpg)" in up.json()["file"][0]
    with override_settings(ACTIONPLANS_EVIDENCE_MAX_BYTES=len(PDF)):
        big = mona.post(url + "evidence/", {"file": SimpleUploadedFile("a.pdf", PDF + b" ")}, format="multipart")
        assert big.status_code == 400 and "larger than" in big.json()["file"][0]
        fits = mona.post(url + "evidence/", {"file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart")
        assert fits.status_code == 201
    version = mona.get(url)["ETag"]
    assert version == r["ETag"]  # evidence is not a conflict
    assert mona.post(url + "submit/", {}, format="json").status_code == 428
    submitted = mona.post(url + "submit/", {}, format="json", HTTP_IF_MATCH=version)
    assert submitted.json()["status"] == "submitted"
    assert mona.post(url + "accept/", {}, format="json", HTTP_IF_MATCH=submitted["ETag"]).status_code == 403
    r = alice.post(url + "return/", {"note": ""}, format="json", HTTP_IF_MATCH=submitted["ETag"])
    assert r.status_code == 400 and "review_note" in r.json()
    assert (
        api_for(pw.charlie).post(url + "accept/", {}, format="json", HTTP_IF_MATCH=submitted["ETag"]).status_code == 404
    )
    accepted = alice.post(url + "accept/", {}, format="json", HTTP_IF_MATCH=submitted["ETag"])
    assert accepted.json()["status"] == "accepted"
    rollup = api_for(pw.nora).get(f"/api/v1/action-plans/{pw.national.pk}/rollup/").json()
    assert rollup["indicators"][0]["rolled_up"] == "40.00"
    assert api_for(pw.bob).get(url).status_code == 200  # accepted results are the liaison's to read


def test_disbursement_above_the_commitment_is_400(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    allocation = services.allocation_create(
        actor=pw.alice,
        plan=pw.plan,
        title="Fund",
        funder=pw.other_org,
        recipient=pw.org,
        amount=Decimal(100),
        currency="EUR",
        status="committed",
    )
    t1 = services.tranche_plan(actor=pw.alice, allocation=allocation, amount=Decimal(100), planned_on=pw.today)
    type(allocation).objects.filter(pk=allocation.pk).update(amount=Decimal(50))
    r = api_for(pw.alice).post(f"/api/v1/action-plans/{pw.plan.pk}/disburse/", {"tranche": t1.pk}, format="json")
    assert r.status_code == 400 and "amount" in r.json()


def test_plan_create_and_approve(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    api = api_for(pw.alice)
    r = api.post(
        "/api/v1/action-plans/",
        {
            "title": "District plan",
            "jurisdiction": pw.district.pk,
            "period_start": "2027-01-01",
            "period_end": "2026-01-01",
        },
        format="json",
    )
    assert r.status_code == 400 and "cannot end before it starts" in str(r.json())
    r = api.post(
        "/api/v1/action-plans/",
        {
            "title": "District plan",
            "jurisdiction": pw.other_district.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
        format="json",
    )
    assert r.status_code == 403
    plan = api.get(f"/api/v1/action-plans/{pw.plan.pk}/")
    approved = api.post(
        f"/api/v1/action-plans/{pw.plan.pk}/approve/", {"note": "ok"}, format="json", HTTP_IF_MATCH=plan["ETag"]
    )
    assert approved.status_code == 200 and approved.json()["approved_version"] == 1


@pytest.mark.parametrize("url", ["/api/v1/actions/", "/api/v1/progress-updates/", "/api/v1/action-plans/"])
def test_api_query_budgets_do_not_grow(pw, api_for, url) -> None:  # type: ignore[no-untyped-def]
    counts = []
    for n in (1, 5):
        for i in range(n):
            a = services.action_create(
                actor=pw.alice,
                plan=pw.plan,
                objective=pw.o1,
                title=f"A{n}-{i}",
                lead_organisation=pw.org,
                planned_start=pw.today,
                planned_end=pw.today,
                partners=[(pw.other_org, "funding")],
            )
            services.progress_update_create(
                actor=pw.mona, action=a, period_start=pw.period[0], period_end=pw.period[1], narrative="x", progress=5
            )
        with CaptureQueriesContext(connection) as ctx:
            assert api_for(pw.mona).get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
