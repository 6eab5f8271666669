"""The API answers with the same rules as the pages: 404 where not visible, 400 with field messages."""

from __future__ import annotations

import pytest

from infosharing import services
from infosharing.models import TLP, AccessLog, AccessRequest, InformationItem
from tests.infosharing.conftest import EXPECTED

pytestmark = pytest.mark.django_db

BASE = "/api/v1/information-items/"


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_list_and_detail_match_the_matrix(sw, api_for, persona):
    api = api_for(getattr(sw, persona))
    listed = {row["id"] for row in api.get(BASE).json()["results"]}
    expected = {sw.items[label].pk for label in EXPECTED[persona]}
    assert listed == expected
    for item in sw.items.values():
        code = api.get(f"{BASE}{item.pk}/").status_code
        assert code == (200 if item.pk in expected else 404)


def test_list_never_carries_content(sw, api_for):
    body = api_for(sw.mona).get(BASE).content.decode()
    assert "secret" not in body


def test_content_after_acknowledgement_only(sw, api_for):
    api = api_for(sw.mona)
    item = sw.items[TLP.AMBER]
    data = api.get(f"{BASE}{item.pk}/").json()
    assert data["content"] is None and data["acknowledgement_required"] == sw.agreement.pk
    services.agreement_acknowledge(actor=sw.mona, agreement=sw.agreement)
    data = api.get(f"{BASE}{item.pk}/").json()
    assert data["content"]["facts"] == "secret facts AMBER"


def test_access_log_for_originator_and_sharing_admin_only(sw, api_for):
    item = sw.items[TLP.AMBER]
    assert api_for(sw.paula).get(f"{BASE}{item.pk}/access-log/").status_code == 200
    assert api_for(sw.sana).get(f"{BASE}{item.pk}/access-log/").status_code == 200
    for persona in ("mona", "nina", "charlie", "pete"):
        assert api_for(getattr(sw, persona)).get(f"{BASE}{item.pk}/access-log/").status_code == 404


def test_share_refusals_are_400_with_messages_and_logged(sw, api_for):
    api = api_for(sw.paula)
    item = sw.items[TLP.RED]
    r = api.post(
        f"{BASE}{item.pk}/share/",
        {"grantee_kind": "organisation", "grantee_id": sw.world.org.pk, "reason": "x", "confirmed": True},
        format="json",
    )
    assert r.status_code == 400 and "named people only" in str(r.json())
    assert AccessLog.objects.filter(event="refusal", item=item, actor=sw.paula).exists()


def test_share_by_someone_who_cannot_see_is_404(sw, api_for):
    item = sw.items[TLP.AMBER]
    r = api_for(sw.nina).post(
        f"{BASE}{item.pk}/share/",
        {"grantee_kind": "user", "grantee_id": sw.nina.pk, "reason": "x", "confirmed": True},
        format="json",
    )
    assert r.status_code == 404


def test_access_request_flow(sw, api_for):
    item = sw.items[TLP.AMBER]
    r = api_for(sw.ollie).post(
        "/api/v1/access-requests/", {"reference": item.reference, "reason": "case work"}, format="json"
    )
    assert r.status_code == 202
    same = api_for(sw.ollie).post("/api/v1/access-requests/", {"reference": "IS-NOPE", "reason": "x"}, format="json")
    assert same.status_code == 202 and same.json() == r.json()
    req = AccessRequest.objects.get(requester=sw.ollie)
    assert api_for(sw.nina).post(f"/api/v1/access-requests/{req.pk}/approve/", {}, format="json").status_code == 404
    assert api_for(sw.sana).get(f"{BASE}{item.pk}/access-requests/").json()["results"][0]["id"] == req.pk
    r = api_for(sw.sana).post(f"/api/v1/access-requests/{req.pk}/approve/", {"days": 7}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert api_for(sw.ollie).get(f"{BASE}{item.pk}/").status_code == 200


def test_agreements_endpoint(sw, api_for):
    assert [a["id"] for a in api_for(sw.mona).get("/api/v1/sharing-agreements/").json()["results"]] == [sw.agreement.pk]
    assert api_for(sw.nina).get(f"/api/v1/sharing-agreements/{sw.agreement.pk}/").status_code == 404
    assert api_for(sw.charlie).get("/api/v1/sharing-agreements/").json()["results"] == []


def test_create_item_with_a_bad_value_is_400_and_nothing_saved(sw, api_for):
    tpl = services.template_define(
        actor=sw.sana, name="Incident", fields=[{"name": "people", "type": "integer", "required": True}]
    )
    before = AccessLog.objects.filter(event="refusal").count()
    r = api_for(sw.paula).post(
        BASE,
        {
            "title": "t",
            "organisation": sw.police.pk,
            "category": "Safeguarding",
            "template": tpl.pk,
            "values": {"people": "many"},
        },
        format="json",
    )
    assert r.status_code == 400 and "values.people" in r.json()
    assert not InformationItem.objects.filter(title="t").exists()
    assert AccessLog.objects.filter(event="refusal").count() == before + 1


def test_api_list_query_budget(sw, api_for, django_assert_max_num_queries):
    api = api_for(sw.mona)
    with django_assert_max_num_queries(10):
        api.get(BASE)
    for n in range(20):
        it = services.item_create(
            actor=sw.paula,
            title=f"More {n}",
            organisation=sw.police,
            category="Safeguarding",
            label=TLP.GREEN,
            agreement=sw.agreement,
        )
        services.item_share(
            actor=sw.paula, item=it, grantee_kind="organisation", grantee_id=sw.world.org.pk, reason="r", confirmed=True
        )
    with django_assert_max_num_queries(10):
        assert len(api.get(BASE).json()["results"]) == 24
