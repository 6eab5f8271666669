"""National frameworks: adopting one with its pillars, revising it (a new version; the old one and
the plans under it are kept as they are), comparing versions, correcting a version no plan follows,
in the pages and the API, for each persona; query budgets that do not grow with frameworks or plans.

Personas (on top of ``pw``): ``admin`` the platform admin, ``nina`` the national coordinator,
``alice`` the district (county) coordinator, ``mona`` a partner (member of the lead organisation),
``charlie`` the outsider, and the anonymous visitor. The framework ``pw.framework`` is national."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans import services
from actionplans.models import ActionPlan, Framework, Pillar
from core.models import AuditEvent
from stakeholders.models import JurisdictionRole
from tests.factories import JurisdictionRoleFactory, UserFactory


@pytest.fixture
def fw(pw) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    nina = UserFactory(email="nina@example.org", full_name="Nina National")
    JurisdictionRoleFactory(user=nina, jurisdiction=pw.country, role=JurisdictionRole.Role.COORDINATOR)
    return SimpleNamespace(**vars(pw), nina=nina)


def _pillar_rows(rows: list[tuple[str, str]], *, initial: int = 0, total: int | None = None) -> dict[str, Any]:
    total = max(total or 0, len(rows))
    data: dict[str, Any] = {"pillars-TOTAL_FORMS": str(total), "pillars-INITIAL_FORMS": str(initial)}
    for i in range(total):
        code, name = rows[i] if i < len(rows) else ("", "")
        data[f"pillars-{i}-code"] = code
        data[f"pillars-{i}-name"] = name
    return data


def _adopt_data(jurisdiction: Any, rows: list[tuple[str, str]], name: str = "County Strategy") -> dict[str, Any]:
    return {"name": name, "jurisdiction": jurisdiction.pk, "adopted_on": "2026-03-01", **_pillar_rows(rows)}


def _pillars(framework: Framework) -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in framework.pillars.order_by("order")]


def _get(user: Any, url: str) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


# --- who may open what ------------------------------------------------------------------------------

PERSONAS = ("admin", "nina", "alice", "mona", "charlie", "anonymous")
PAGES = {
    # page: outcome per persona (``login``: sent to the sign-in page)
    "framework-list": {"admin": 200, "nina": 200, "alice": 200, "mona": 200, "charlie": 200, "anonymous": "login"},
    "framework-detail": {"admin": 200, "nina": 200, "alice": 200, "mona": 200, "charlie": 200, "anonymous": "login"},
    "framework-compare": {"admin": 200, "nina": 200, "alice": 200, "mona": 200, "charlie": 200, "anonymous": "login"},
    "framework-create": {"admin": 200, "nina": 200, "alice": 200, "mona": 403, "charlie": 403, "anonymous": "login"},
    # The framework is national: the district's coordinator reads it but may not revise it.
    "framework-revise": {"admin": 200, "nina": 200, "alice": 403, "mona": 403, "charlie": 403, "anonymous": "login"},
    "framework-edit": {"admin": 200, "nina": 200, "alice": 403, "mona": 403, "charlie": 403, "anonymous": "login"},
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages_per_persona(fw, name) -> None:  # type: ignore[no-untyped-def]
    args = [] if name in ("framework-list", "framework-create") else [fw.framework.pk]
    url = reverse(f"actionplans:{name}", args=args)
    for persona in PERSONAS:
        response = _get(getattr(fw, persona, None), url)
        got: Any = response.status_code
        if got == 302 and "/accounts/login/" in response["Location"]:
            got = "login"
        assert got == PAGES[name][persona], (name, persona, got)
    if args:
        missing = reverse(f"actionplans:{name}", args=[fw.framework.pk + 1000])
        assert _get(fw.admin, missing).status_code == 404
        assert _get(fw.charlie, missing).status_code == 404


def test_plans_list_and_plan_page_link_to_the_frameworks(fw, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fw.alice)
    assert reverse("actionplans:framework-list") in client.get(reverse("actionplans:plan-list")).content.decode()
    page = client.get(fw.plan.get_absolute_url()).content.decode()
    assert fw.framework.get_absolute_url() in page


# --- adopting ---------------------------------------------------------------------------------------


def test_national_coordinator_adopts_a_framework_with_its_pillars(fw, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fw.nina)
    url = reverse("actionplans:framework-create")
    rows = [("P1", "Prevention"), ("P2", "Rehabilitation"), ("P3", "Communication")]
    response = client.post(url, _adopt_data(fw.country, rows, name="National Strategy 2030"))
    framework = Framework.objects.get(name="National Strategy 2030")
    assert response.status_code == 302 and response["Location"] == framework.get_absolute_url()
    assert framework.version == 1 and framework.jurisdiction == fw.country and str(framework.adopted_on) == "2026-03-01"
    assert _pillars(framework) == rows
    event = AuditEvent.objects.get(action="framework.create", target_id=str(framework.pk))
    assert event.actor == fw.nina
    page = client.get(framework.get_absolute_url()).content.decode()
    assert page.index("Prevention") < page.index("Rehabilitation") < page.index("Communication")


def test_a_name_already_adopted_is_a_revision_not_a_second_framework(fw, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(fw.nina).post(
        reverse("actionplans:framework-create"), _adopt_data(fw.country, [("P1", "x")], name="National Strategy")
    )
    assert response.status_code == 200
    assert "A framework of that name is already adopted: revise it to make a new version." in response.content.decode()
    assert Framework.objects.filter(name="National Strategy").count() == 1


def test_county_coordinator_adopts_only_in_their_own_subtree(fw, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fw.alice)
    url = reverse("actionplans:framework-create")
    refused = client.post(url, _adopt_data(fw.country, [("C1", "Schools")]))
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not Framework.objects.filter(name="County Strategy").exists()
    # The type-ahead picker offers exactly what the form accepts: the district and below.
    picked = client.get(reverse("pick", kwargs={"kind": "framework-jurisdictions"}), {"q": "Ruritania"}).json()
    assert picked["results"] == []
    picked = client.get(reverse("pick", kwargs={"kind": "framework-jurisdictions"}), {"q": "North"}).json()
    assert [r["id"] for r in picked["results"]] == [fw.district.pk]
    assert client.post(url, _adopt_data(fw.district, [("C1", "Schools")])).status_code == 302
    assert _pillars(Framework.objects.get(name="County Strategy")) == [("C1", "Schools")]
    # The service asks the manage rule, whoever calls it.
    with pytest.raises(services.PermissionDenied):
        services.framework_create(
            actor=fw.alice, name="Elsewhere", jurisdiction=fw.other_district, pillars=[("X", "X")]
        )
    assert not Framework.objects.filter(name="Elsewhere").exists()


def test_duplicate_pillar_codes_are_refused_with_a_field_message_and_nothing_is_saved(fw, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fw.nina)
    before = (Framework.objects.count(), Pillar.objects.count(), AuditEvent.objects.count())
    rows = [("P1", "Prevention"), ("p1", "Policing")]
    response = client.post(reverse("actionplans:framework-create"), _adopt_data(fw.country, rows, name="Twice"))
    assert response.status_code == 200
    assert "Each pillar needs its own code: “p1” is given more than once." in response.content.decode()
    empty = client.post(reverse("actionplans:framework-create"), _adopt_data(fw.country, [], name="Empty"))
    assert "Give the framework at least one pillar." in empty.content.decode()
    assert (Framework.objects.count(), Pillar.objects.count(), AuditEvent.objects.count()) == before


# --- revising and comparing ---------------------------------------------------------------------------


def test_revise_makes_a_new_version_and_keeps_the_old_one_and_its_plans(fw, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fw.nina)
    url = reverse("actionplans:framework-revise", args=[fw.framework.pk])
    form = client.get(url).content.decode()
    assert 'value="Prevention"' in form and 'value="Resilience"' in form  # starts as a copy
    old_pillars = _pillars(fw.framework)
    mapped = sorted(fw.o1.pillars.values_list("pk", flat=True))
    rows = [("P1", "Prevention and early warning"), ("P3", "Rehabilitation")]
    data = {"adopted_on": "2027-01-15", **_pillar_rows(rows, initial=2, total=3)}
    response = client.post(url, data)
    revised = Framework.objects.get(name="National Strategy", version=2)
    assert response.status_code == 302 and response["Location"] == revised.get_absolute_url()
    assert revised.supersedes == fw.framework and revised.jurisdiction == fw.framework.jurisdiction
    assert _pillars(revised) == rows
    fw.framework.refresh_from_db()
    assert fw.framework.version == 1 and _pillars(fw.framework) == old_pillars
    assert set(ActionPlan.objects.filter(framework=fw.framework)) == {fw.plan, fw.national}
    assert sorted(fw.o1.pillars.values_list("pk", flat=True)) == mapped
    assert AuditEvent.objects.filter(action="framework.revise", target_id=str(revised.pk), actor=fw.nina).exists()
    # The old version's page says a newer one exists and links to it; the new one links back.
    old_page = client.get(fw.framework.get_absolute_url()).content.decode()
    assert revised.get_absolute_url() in old_page and "A newer version of this framework is adopted" in old_page
    assert fw.framework.get_absolute_url() in client.get(revised.get_absolute_url()).content.decode()
    # Only the current version is revised.
    again = client.post(url, {"adopted_on": "", **_pillar_rows(old_pillars, initial=2)})
    assert "Only the current version can be revised: version 2 is newer." in again.content.decode()
    assert Framework.objects.filter(name="National Strategy").count() == 2


def test_compare_shows_the_pillars_added_removed_and_renamed(fw, client_for) -> None:  # type: ignore[no-untyped-def]
    revised = services.framework_revise(
        actor=fw.admin,
        framework=fw.framework,
        pillars=[("P1", "Prevention"), ("P2", "Community resilience"), ("P3", "Online")],
    )
    services.framework_revise(actor=fw.admin, framework=revised, pillars=[("P3", "Online spaces")])
    url = reverse("actionplans:framework-compare", args=[revised.pk])
    page = client_for(fw.charlie).get(url).content.decode()  # by default: this version and the one before
    assert "From version 1 to version 2" in page
    assert page.count('data-change="added"') == 1 and "Online" in page
    assert page.count('data-change="renamed"') == 1 and "Community resilience" in page and "Resilience" in page
    assert 'data-change="removed"' not in page
    page = client_for(fw.charlie).get(url, {"a": 2, "b": 3}).content.decode()
    assert page.count('data-change="removed"') == 2 and page.count('data-change="renamed"') == 1
    assert client_for(fw.charlie).get(url, {"a": 1, "b": 9}).status_code == 404


# --- editing a version ------------------------------------------------------------------------------------


def test_a_version_plans_follow_is_not_edited_and_the_page_says_to_revise(fw, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(fw.nina)
    url = reverse("actionplans:framework-edit", args=[fw.framework.pk])
    assert "Plans follow this version, so its pillars are kept as they are." in client.get(url).content.decode()
    before = _pillars(fw.framework)
    response = client.post(
        url, {"adopted_on": "", **_pillar_rows([("P1", "Changed"), ("P2", "Resilience")], initial=2)}
    )
    assert response.status_code == 200
    assert "Plans follow this version, so it is kept as it is: revise the framework" in response.content.decode()
    assert _pillars(fw.framework) == before
    assert not AuditEvent.objects.filter(action="framework.update").exists()
    detail = client.get(fw.framework.get_absolute_url()).content.decode()
    assert 'id="in-use"' in detail and url not in detail


def test_a_version_no_plan_follows_is_corrected_in_place(fw, client_for) -> None:  # type: ignore[no-untyped-def]
    revised = services.framework_revise(actor=fw.nina, framework=fw.framework)
    kept = revised.pillars.get(code="P1")
    url = reverse("actionplans:framework-edit", args=[revised.pk])
    rows = [("P1", "Prevention of violence"), ("P4", "Research")]
    data = {"adopted_on": "2027-02-01", **_pillar_rows(rows, initial=2)}
    data["pillars-1-code"], data["pillars-1-name"] = "P2", "Resilience"
    data["pillars-1-DELETE"] = "on"
    data.update({"pillars-TOTAL_FORMS": "3", "pillars-2-code": "P4", "pillars-2-name": "Research"})
    assert client_for(fw.nina).post(url, data).status_code == 302
    assert _pillars(revised) == rows and revised.pillars.get(code="P1").pk == kept.pk
    assert _pillars(fw.framework) == [("P1", "Prevention"), ("P2", "Resilience")]
    assert AuditEvent.objects.filter(action="framework.update", target_id=str(revised.pk)).exists()
    # Once a plan follows it, the service refuses.
    services.plan_update(actor=fw.alice, plan=fw.plan, framework=revised)
    with pytest.raises(services.ValidationError, match="Plans follow this version"):
        services.framework_update(actor=fw.nina, framework=revised, pillars=[("P1", "x")])


def test_a_correction_saved_in_between_is_not_overwritten_by_the_page(fw, client_for, api_for) -> None:  # type: ignore[no-untyped-def]
    revised = services.framework_revise(actor=fw.nina, framework=fw.framework)
    url = reverse("actionplans:framework-edit", args=[revised.pk])
    client = client_for(fw.nina)
    form = client.get(url).context["form"]
    etag = form.initial["etag"]
    assert f'value="{etag}"' in client.get(url).content.decode()
    # The admin corrects the version through the API meanwhile.
    api_url = f"/api/v1/frameworks/{revised.pk}/"
    assert f'"{etag}"' == api_for(fw.admin).get(api_url)["ETag"]
    body = {"pillars": [{"code": "P1", "name": "Prevention"}, {"code": "P2", "name": "Recovery"}]}
    assert api_for(fw.admin).patch(api_url, body, format="json", HTTP_IF_MATCH=f'"{etag}"').status_code == 200
    data = {"etag": etag, "adopted_on": "2027-02-01", **_pillar_rows([("P1", "Mine"), ("P2", "Resilience")], initial=2)}
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this while you were editing it. Nothing of yours was saved." in page
    assert _pillars(revised) == [("P1", "Prevention"), ("P2", "Recovery")]
    revised.refresh_from_db()
    assert revised.adopted_on is None
    # Read again, the correction goes through.
    data["etag"] = client.get(url).context["form"].initial["etag"]
    assert client.post(url, data).status_code == 302
    assert _pillars(revised) == [("P1", "Mine"), ("P2", "Resilience")]


# --- the detail page and the plan form --------------------------------------------------------------


def test_the_version_page_lists_pillars_in_order_and_only_the_plans_the_viewer_may_see(fw, client_for) -> None:  # type: ignore[no-untyped-def]
    url = fw.framework.get_absolute_url()
    page = client_for(fw.admin).get(url).content.decode()
    assert page.index("Prevention") < page.index("Resilience")
    assert "Harbour City Action Plan" in page and "National Action Plan" in page
    outsider = client_for(fw.charlie).get(url).content.decode()
    assert "Prevention" in outsider and "Harbour City Action Plan" not in outsider
    assert "National Action Plan" not in outsider
    assert "Revise" not in outsider


def test_the_plan_form_offers_the_current_version_of_each_framework(fw, client_for) -> None:  # type: ignore[no-untyped-def]
    revised = services.framework_revise(actor=fw.nina, framework=fw.framework)
    client = client_for(fw.alice)
    create = client.get(reverse("actionplans:plan-create")).context["form"]
    assert list(create.fields["framework"].queryset) == [revised]
    edit = client.get(reverse("actionplans:plan-edit", args=[fw.plan.pk])).context["form"]
    assert set(edit.fields["framework"].queryset) == {revised, fw.framework}  # the plan keeps its own on offer


# --- the API ----------------------------------------------------------------------------------------------


def test_api_reads_for_every_signed_in_persona(fw, api_for) -> None:  # type: ignore[no-untyped-def]
    for persona in ("admin", "nina", "alice", "mona", "charlie"):
        api = api_for(getattr(fw, persona))
        listed = api.get("/api/v1/frameworks/")
        assert listed.status_code == 200 and [r["id"] for r in listed.json()["results"]] == [fw.framework.pk]
        one = api.get(f"/api/v1/frameworks/{fw.framework.pk}/").json()
        assert [(p["code"], p["name"]) for p in one["pillars"]] == [("P1", "Prevention"), ("P2", "Resilience")]
        assert one["version"] == 1 and one["in_use"] is True
        assert api.get(f"/api/v1/frameworks/{fw.framework.pk + 1000}/").status_code == 404
    assert api_for(fw.admin).get(f"/api/v1/frameworks/{fw.framework.pk}/").json()["plan_count"] == 2
    assert api_for(fw.charlie).get(f"/api/v1/frameworks/{fw.framework.pk}/").json()["plan_count"] == 0
    assert api_for(fw.nina).get(f"/api/v1/frameworks/{fw.framework.pk}/").json()["can_manage"] is True
    assert api_for(fw.alice).get(f"/api/v1/frameworks/{fw.framework.pk}/").json()["can_manage"] is False
    assert Client().get("/api/v1/frameworks/").status_code == 401


def test_api_adopt_and_revise_for_those_who_manage(fw, api_for) -> None:  # type: ignore[no-untyped-def]
    body = {
        "name": "County Strategy",
        "jurisdiction": fw.district.pk,
        "adopted_on": "2026-05-01",
        "pillars": [{"code": "C1", "name": "Schools"}, {"code": "C2", "name": "Faith"}],
    }
    for persona in ("mona", "charlie"):
        assert api_for(getattr(fw, persona)).post("/api/v1/frameworks/", body, format="json").status_code == 403
    national = {**body, "jurisdiction": fw.country.pk}
    assert api_for(fw.alice).post("/api/v1/frameworks/", national, format="json").status_code == 403
    assert not Framework.objects.filter(name="County Strategy").exists()
    created = api_for(fw.alice).post("/api/v1/frameworks/", body, format="json")
    assert created.status_code == 201, created.json()
    assert [p["code"] for p in created.json()["pillars"]] == ["C1", "C2"]
    # Revise: the national coordinator manages the district's framework too (it is in the subtree).
    url = f"/api/v1/frameworks/{created.json()['id']}/revise/"
    assert api_for(fw.charlie).post(url, {}, format="json").status_code == 403
    revised = api_for(fw.nina).post(url, {"adopted_on": "2027-01-01"}, format="json")
    assert revised.status_code == 201
    assert revised.json()["version"] == 2 and revised.json()["supersedes"] == created.json()["id"]
    assert [p["code"] for p in revised.json()["pillars"]] == ["C1", "C2"]  # a copy by default
    old = api_for(fw.charlie).get(f"/api/v1/frameworks/{created.json()['id']}/").json()
    assert old["next_version"] == revised.json()["id"] and len(old["pillars"]) == 2
    stale = api_for(fw.nina).post(url, {}, format="json")
    assert stale.status_code == 400 and "Only the current version can be revised" in str(stale.json())
    assert (
        api_for(fw.nina).post(f"/api/v1/frameworks/{fw.framework.pk + 1000}/revise/", {}, format="json").status_code
        == 404
    )


def test_api_bad_input_is_400_with_field_messages_and_nothing_saved(fw, api_for) -> None:  # type: ignore[no-untyped-def]
    api = api_for(fw.nina)
    before = (Framework.objects.count(), Pillar.objects.count())
    response = api.post("/api/v1/frameworks/", {"pillars": [{"code": "P1"}]}, format="json")
    assert response.status_code == 400 and {"name", "jurisdiction", "pillars"} <= set(response.json())
    duplicate = {
        "name": "Twice",
        "jurisdiction": fw.country.pk,
        "pillars": [{"code": "P1", "name": "A"}, {"code": "P1", "name": "B"}],
    }
    response = api.post("/api/v1/frameworks/", duplicate, format="json")
    assert response.status_code == 400
    assert response.json() == {"pillars": ["Each pillar needs its own code: “P1” is given more than once."]}
    response = api.post(f"/api/v1/frameworks/{fw.framework.pk}/revise/", {"pillars": []}, format="json")
    assert response.status_code == 400 and response.json() == {"pillars": ["Give the framework at least one pillar."]}
    assert (Framework.objects.count(), Pillar.objects.count()) == before


def _unused_version(fw: Any) -> Framework:
    """Version 2 of the national framework, which no plan follows yet (so it may be corrected)."""
    return services.framework_revise(actor=fw.nina, framework=fw.framework, adopted_on=fw.today)


def test_api_corrects_a_version_no_plan_follows_given_the_etag_read(fw, api_for) -> None:  # type: ignore[no-untyped-def]
    revised = _unused_version(fw)
    kept = revised.pillars.get(code="P1")
    url = f"/api/v1/frameworks/{revised.pk}/"
    api = api_for(fw.nina)
    read = api.get(url)
    assert read.status_code == 200 and read["ETag"]
    body = {"pillars": [{"code": "P1", "name": "Prevention of violence"}, {"code": "P4", "name": "Research"}]}
    assert api.patch(url, body, format="json").status_code == 428  # If-Match is needed
    assert _pillars(revised) == [("P1", "Prevention"), ("P2", "Resilience")]
    response = api.patch(url, body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.json()
    assert [(p["code"], p["name"]) for p in response.json()["pillars"]] == [
        ("P1", "Prevention of violence"),
        ("P4", "Research"),
    ]
    assert response.json()["version"] == 2  # a correction, not a new version
    assert response["ETag"] != read["ETag"] and api.get(url)["ETag"] == response["ETag"]
    assert _pillars(revised) == [("P1", "Prevention of violence"), ("P4", "Research")]
    assert revised.pillars.get(code="P1").pk == kept.pk  # a kept code keeps its pillar
    revised.refresh_from_db()
    assert revised.adopted_on == fw.today  # left out: left as it is
    assert Framework.objects.filter(name=fw.framework.name).count() == 2
    assert _pillars(fw.framework) == [("P1", "Prevention"), ("P2", "Resilience")]
    assert AuditEvent.objects.filter(action="framework.update", target_id=str(revised.pk)).count() == 1
    # The adoption date alone, then cleared; the pillars stay.
    response = api.patch(url, {"adopted_on": "2027-02-01"}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 200 and response.json()["adopted_on"] == "2027-02-01"
    response = api.patch(url, {"adopted_on": None}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 200 and response.json()["adopted_on"] is None
    assert _pillars(revised) == [("P1", "Prevention of violence"), ("P4", "Research")]


def test_api_correction_from_a_stale_read_is_refused_and_changes_nothing(fw, api_for, client_for) -> None:  # type: ignore[no-untyped-def]
    revised = _unused_version(fw)
    url = f"/api/v1/frameworks/{revised.pk}/"
    api = api_for(fw.nina)
    etag = api.get(url)["ETag"]
    # The admin corrects the version on its page in the meantime.
    edit = reverse("actionplans:framework-edit", args=[revised.pk])
    page = {"adopted_on": "", **_pillar_rows([("P1", "Prevention"), ("P2", "Resilience and recovery")], initial=2)}
    assert client_for(fw.admin).post(edit, page).status_code == 302
    response = api.patch(url, {"pillars": [{"code": "P1", "name": "Mine"}]}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response["ETag"] == api.get(url)["ETag"] != etag
    assert _pillars(revised) == [("P1", "Prevention"), ("P2", "Resilience and recovery")]


def test_api_correction_is_for_those_who_manage_and_404_for_no_such_version(fw, api_for) -> None:  # type: ignore[no-untyped-def]
    revised = _unused_version(fw)
    url = f"/api/v1/frameworks/{revised.pk}/"
    etag = api_for(fw.admin).get(url)["ETag"]
    body = {"pillars": [{"code": "X", "name": "Taken over"}]}
    # The framework is national: the district's coordinator, a partner and the outsider read it only.
    for persona in ("alice", "mona", "charlie"):
        response = api_for(getattr(fw, persona)).patch(url, body, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 403, persona
    missing = f"/api/v1/frameworks/{revised.pk + 1000}/"
    assert api_for(fw.nina).patch(missing, body, format="json", HTTP_IF_MATCH=etag).status_code == 404
    assert Client().patch(url, body, content_type="application/json", HTTP_IF_MATCH=etag).status_code == 401
    assert api_for(fw.admin).put(url, body, format="json", HTTP_IF_MATCH=etag).status_code == 405
    assert _pillars(revised) == [("P1", "Prevention"), ("P2", "Resilience")]
    assert not AuditEvent.objects.filter(action="framework.update").exists()
    # The admin may.
    response = api_for(fw.admin).patch(url, body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200 and _pillars(revised) == [("X", "Taken over")]


def test_api_correction_bad_input_is_400_with_field_messages_and_nothing_saved(fw, api_for) -> None:  # type: ignore[no-untyped-def]
    revised = _unused_version(fw)
    url = f"/api/v1/frameworks/{revised.pk}/"
    api = api_for(fw.nina)
    etag = api.get(url)["ETag"]
    twice = {
        "adopted_on": "2030-01-01",
        "pillars": [{"code": "P1", "name": "A"}, {"code": "p1", "name": "B"}],
    }
    response = api.patch(url, twice, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert response.json() == {"pillars": ["Each pillar needs its own code: “p1” is given more than once."]}
    response = api.patch(url, {"adopted_on": "2030-01-01", "pillars": []}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400 and response.json() == {"pillars": ["Give the framework at least one pillar."]}
    response = api.patch(url, {"adopted_on": "soon", "pillars": [{"code": "P1"}]}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400 and {"adopted_on", "pillars"} <= set(response.json())
    revised.refresh_from_db()
    assert revised.adopted_on == fw.today  # the date sent along was not kept either
    assert _pillars(revised) == [("P1", "Prevention"), ("P2", "Resilience")]
    assert api.get(url)["ETag"] == etag
    assert not AuditEvent.objects.filter(action="framework.update").exists()


def test_api_a_version_plans_follow_is_not_corrected_revise_it_instead(fw, api_for) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/frameworks/{fw.framework.pk}/"  # the plans follow version 1
    api = api_for(fw.nina)
    etag = api.get(url)["ETag"]
    body = {"adopted_on": "2030-01-01", "pillars": [{"code": "P1", "name": "Changed"}]}
    response = api.patch(url, body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Plans follow this version, so it is kept as it is: revise the framework to make a new version."
        ]
    }
    fw.framework.refresh_from_db()
    assert fw.framework.adopted_on is None and _pillars(fw.framework) == [("P1", "Prevention"), ("P2", "Resilience")]
    assert not AuditEvent.objects.filter(action="framework.update").exists()


def test_api_correction_is_in_the_schema(fw, api_for) -> None:  # type: ignore[no-untyped-def]
    schema = api_for(fw.charlie).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    operation = schema.json()["paths"]["/api/v1/frameworks/{id}/"]["patch"]
    header = next(p for p in operation["parameters"] if p["name"] == "If-Match")
    assert header["in"] == "header" and header["required"] is True
    assert {"200", "400", "403", "404", "412", "428"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/PatchedFrameworkUpdateRequest")


# --- query budgets --------------------------------------------------------------------------------------------


def _grow(fw: Any, n: int) -> None:
    """``n`` more frameworks, each revised once, with a plan under each version."""
    for i in range(n):
        first = services.framework_create(
            actor=fw.admin, name=f"Strategy {n}-{i}", jurisdiction=fw.country, pillars=[("A", "a"), ("B", "b")]
        )
        second = services.framework_revise(actor=fw.admin, framework=first)
        for framework in (first, second):
            services.plan_create(
                actor=fw.alice,
                title=f"Plan {framework.pk}",
                jurisdiction=fw.city,
                framework=framework,
                period_start=fw.today,
                period_end=fw.today + timedelta(days=30),
            )


@pytest.mark.parametrize(
    "url",
    [
        "/plans/frameworks/",
        "/api/v1/frameworks/",
        "detail",
        "compare",
        "api-detail",
    ],
)
def test_query_budgets_do_not_grow_with_frameworks_or_plans(fw, client_for, url) -> None:  # type: ignore[no-untyped-def]
    if url in ("detail", "compare"):
        url = reverse(f"actionplans:framework-{url}", args=[fw.framework.pk])
    elif url == "api-detail":  # one version with its ETag (a digest of the pillars already fetched)
        url = f"/api/v1/frameworks/{fw.framework.pk}/"
    counts = []
    for n in (1, 4):
        _grow(fw, n)
        for i in range(n):  # more plans under the version on the detail page, too
            services.plan_create(
                actor=fw.alice,
                title=f"More {n}-{i}",
                jurisdiction=fw.city,
                framework=fw.framework,
                period_start=fw.today,
                period_end=fw.today + timedelta(days=30),
            )
        client = client_for(fw.alice)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 15, counts
