"""Per agreement, who may see what and why (page ``agreements/<pk>/access/`` and API
``sharing-agreements/<pk>/access/``): for the parties' sharing admins and platform admins, metadata
and grants of the items each administers, never content; revoke with a reason through the service."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import GranteeKind
from infosharing import services
from infosharing.models import TLP, AccessLog, ItemGrant, SharingAdmin
from tests.factories import UserFactory
from tests.infosharing.conftest import member

pytestmark = pytest.mark.django_db

API = "/api/v1/sharing-agreements/"


def _page(sw):  # type: ignore[no-untyped-def]
    return reverse("infosharing:agreement-access", args=[sw.agreement.pk])


def _api(sw):  # type: ignore[no-untyped-def]
    return f"{API}{sw.agreement.pk}/access/"


@pytest.fixture
def admins(sw):  # type: ignore[no-untyped-def]
    """``wanda`` sharing admin of the other party (Women's Forum), with an item of her party shared with
    the police; ``nadia`` sharing admin of the non-party organisation."""
    wanda = UserFactory(email="wanda@example.org", full_name="Wanda Womenadmin")
    SharingAdmin.objects.create(user=wanda, organisation=sw.women)
    nadia = UserFactory(email="nadia@example.org", full_name="Nadia Nonpartyadmin")
    SharingAdmin.objects.create(user=nadia, organisation=sw.world.other_org)
    women_item = services.item_create(
        actor=sw.ollie,
        title="Forum night notes",
        organisation=sw.women,
        category="Safeguarding",
        label=TLP.AMBER,
        facts="forum secret facts",
        agreement=sw.agreement,
    )
    services.item_share(
        actor=sw.ollie,
        item=women_item,
        grantee_kind=GranteeKind.ORGANISATION,
        grantee_id=sw.police.pk,
        reason="joint case",
        confirmed=True,
    )
    return {"wanda": wanda, "nadia": nadia, "women_item": women_item}


def test_who_gets_the_page_and_the_api(sw, admins, client_for, api_for, client):
    page, api = _page(sw), _api(sw)
    allowed = {"sana": sw.sana, "wanda": admins["wanda"], "admin": sw.admin}
    refused = {
        "nadia (sharing admin of a non-party)": admins["nadia"],
        "paula (originator)": sw.paula,
        "mona (granted member)": sw.mona,
        "rita (named recipient)": sw.rita,
        "charlie (outsider)": sw.charlie,
    }
    for who, user in allowed.items():
        assert client_for(user).get(page).status_code == 200, who
        assert api_for(user).get(api).status_code == 200, who
    for who, user in refused.items():
        assert client_for(user).get(page).status_code == 404, who
        assert api_for(user).get(api).status_code == 404, who
    r = client.get(page)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert APIClient().get(api).status_code == 401


def test_agreement_detail_links_to_the_page_for_its_managers_only(sw, client_for):
    detail = reverse("infosharing:agreement-detail", args=[sw.agreement.pk])
    assert _page(sw) in client_for(sw.sana).get(detail).content.decode()
    assert _page(sw) not in client_for(sw.mona).get(detail).content.decode()


def test_sharing_admin_sees_the_items_of_their_organisation_as_metadata(sw, admins, client_for):
    body = client_for(sw.sana).get(_page(sw)).content.decode()
    for label, item in sw.items.items():
        assert item.reference in body
        # Only what the sharing admin may open shows its title; the rest is "Restricted".
        assert (item.title in body) == (label == TLP.CLEAR), label
    assert "Restricted" in body
    assert "secret" not in body
    # An item of another party is administered by that party's sharing admin: not shown at all.
    assert admins["women_item"].reference not in body and "Forum night" not in body
    # Who may see it, and why: the originator, each grant with its reason and who gave it, the label's limits.
    assert "Paula Originator" in body and "need to know" in body
    assert "Rita Redreader" in body and "Harbour Youth Forum" in body and "Harbour Women&#x27;s Forum" in body
    assert "May be granted to named people of the parties only." in body
    assert body.count("/access/grants/") == 5  # a revoke form per grant of the items they administer


def test_other_party_admin_sees_only_their_own_item(sw, admins, client_for, api_for):
    body = client_for(admins["wanda"]).get(_page(sw)).content.decode()
    assert admins["women_item"].reference in body and "Harbour Police" in body and "joint case" in body
    assert all(item.reference not in body for item in sw.items.values())
    rows = api_for(admins["wanda"]).get(_api(sw)).json()["results"]
    assert [r["reference"] for r in rows] == [admins["women_item"].reference]
    assert rows[0]["title"] is None and rows[0]["restricted"] is True and rows[0]["can_revoke"] is True


def test_platform_admin_sees_every_item_restricted_and_cannot_revoke(sw, admins, client_for, api_for):
    body = client_for(sw.admin).get(_page(sw)).content.decode()
    assert admins["women_item"].reference in body and all(i.reference in body for i in sw.items.values())
    assert "secret" not in body and "Report AMBER" not in body
    assert "/access/grants/" not in body  # no revoke forms: grants are managed by the item's own side
    rows = {r["reference"]: r for r in api_for(sw.admin).get(_api(sw)).json()["results"]}
    amber = rows[sw.items[TLP.AMBER].reference]
    assert amber["title"] is None and amber["restricted"] and not amber["can_revoke"]
    assert [g["grantee_name"] for g in amber["grants"]] == ["Harbour Youth Forum"]
    grant = ItemGrant.objects.get(target=sw.items[TLP.AMBER])
    url = reverse("infosharing:agreement-grant-revoke", args=[sw.agreement.pk, grant.pk])
    assert client_for(sw.admin).post(url, {"reason": "tidy up"}).status_code == 403
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_api_never_carries_content_or_titles_the_caller_may_not_open(sw, api_for):
    data = api_for(sw.sana).get(_api(sw)).json()
    text = str(data)
    assert "secret" not in text
    titles = {r["reference"]: r["title"] for r in data["results"]}
    assert titles[sw.items[TLP.CLEAR].reference] == "Report CLEAR"
    assert {titles[sw.items[label].reference] for label in TLP.values if label != TLP.CLEAR} == {None}
    red = next(r for r in data["results"] if r["reference"] == sw.items[TLP.RED].reference)
    assert red["grants"][0]["grantee_kind"] == "user" and red["grants"][0]["grantee_name"] == "Rita Redreader"
    assert red["grants"][0]["granted_by"] == "Paula Originator" and red["grants"][0]["reason"] == "need to know"
    assert red["originator_name"] == "Paula Originator" and "named people" in red["label_limits"]


def test_revoke_from_the_page_takes_effect_at_once_and_is_logged_with_the_reason(sw, client_for):
    item = sw.items[TLP.AMBER]
    services.agreement_acknowledge(actor=sw.mona, agreement=sw.agreement)
    mona = client_for(sw.mona)
    detail = reverse("infosharing:item-detail", args=[item.pk])
    assert mona.get(detail).status_code == 200
    grant = ItemGrant.objects.get(target=item, grantee_kind=GranteeKind.ORGANISATION)
    url = reverse("infosharing:agreement-grant-revoke", args=[sw.agreement.pk, grant.pk])
    r = client_for(sw.sana).post(url, {"reason": "Case closed"}, follow=True)
    assert r.redirect_chain[-1][0] == _page(sw)
    assert "Access withdrawn." in r.content.decode()
    assert mona.get(detail).status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoke_reason == "Case closed" and grant.revoked_by == sw.sana
    log = AccessLog.objects.get(event=AccessLog.Event.REVOKE, item=item)
    assert log.actor == sw.sana and log.reason == "Case closed"
    assert log.recipients == [{"kind": "organisation", "id": sw.world.org.pk}]
    # The revoked grant no longer shows as a way in.
    api = APIClient()
    api.force_authenticate(sw.sana)
    rows = {r["reference"]: r for r in api.get(_api(sw)).json()["results"]}
    assert rows[item.reference]["grants"] == []


def test_revoke_without_a_reason_says_why_and_changes_nothing(sw, client_for):
    grant = ItemGrant.objects.get(target=sw.items[TLP.RED])
    url = reverse("infosharing:agreement-grant-revoke", args=[sw.agreement.pk, grant.pk])
    revokes = AccessLog.objects.filter(event=AccessLog.Event.REVOKE).count()
    r = client_for(sw.sana).post(url, {"reason": "  "}, follow=True)
    assert r.status_code == 200 and "Say why access is withdrawn." in r.content.decode()
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert AccessLog.objects.filter(event=AccessLog.Event.REVOKE).count() == revokes
    assert client_for(sw.rita).get(reverse("infosharing:item-detail", args=[sw.items[TLP.RED].pk])).status_code == 200


def test_revoke_returns_to_the_same_page_of_the_list(sw, client_for):
    grant = ItemGrant.objects.get(target=sw.items[TLP.RED])
    url = reverse("infosharing:agreement-grant-revoke", args=[sw.agreement.pk, grant.pk])
    r = client_for(sw.sana).post(url, {"reason": "", "cursor": "cD0yMDI2"})
    assert r.status_code == 302 and r["Location"] == f"{_page(sw)}?cursor=cD0yMDI2"


def test_revoke_is_refused_for_those_who_do_not_administer_the_item(sw, admins, client_for):
    grant = ItemGrant.objects.get(target=sw.items[TLP.AMBER])
    url = reverse("infosharing:agreement-grant-revoke", args=[sw.agreement.pk, grant.pk])
    for user in (admins["wanda"], admins["nadia"], sw.paula, sw.mona, sw.charlie):
        assert client_for(user).post(url, {"reason": "because"}).status_code == 404
    # A grant of another agreement's item is not reached through this agreement.
    other = services.item_create(
        actor=sw.paula, title="In house", organisation=sw.police, category="Safeguarding", label=TLP.AMBER
    )
    pete_grant = services.item_share(
        actor=sw.paula, item=other, grantee_kind=GranteeKind.USER, grantee_id=sw.pete.pk, reason="r", confirmed=True
    )
    url = reverse("infosharing:agreement-grant-revoke", args=[sw.agreement.pk, pete_grant.pk])
    assert client_for(sw.sana).post(url, {"reason": "because"}).status_code == 404
    assert ItemGrant.objects.filter(revoked_at__isnull=False).count() == 0


def test_acknowledgements_with_training_dates(sw, client_for, api_for):
    sw.agreement.training_required = True
    sw.agreement.save()
    services.training_record(
        actor=sw.sana, user=sw.mona, completed_on=datetime.date(2026, 3, 4), course="Data protection basics"
    )
    services.agreement_acknowledge(actor=sw.mona, agreement=sw.agreement)
    body = client_for(sw.sana).get(_page(sw)).content.decode()
    assert "Who has acknowledged the agreement" in body
    assert sw.mona.public_name in body and "Data protection basics · 4 Mar 2026" in body
    data = api_for(sw.sana).get(_api(sw)).json()
    assert data["training_required"] is True
    assert [(a["name"], a["training_on"], a["training_course"]) for a in data["acknowledgements"]] == [
        (sw.mona.public_name, "2026-03-04", "Data protection basics")
    ]
    # A named recipient's grant says whether they acknowledged the agreement.
    red = next(r for r in data["results"] if r["reference"] == sw.items[TLP.RED].reference)
    assert red["grants"][0]["acknowledged_at"] is None


def test_named_recipient_acknowledgement_shows_on_their_grant(sw, api_for):
    services.agreement_acknowledge(actor=sw.rita, agreement=sw.agreement)
    data = api_for(sw.sana).get(_api(sw)).json()
    red = next(r for r in data["results"] if r["reference"] == sw.items[TLP.RED].reference)
    assert red["grants"][0]["acknowledged_at"] is not None
    assert [a["name"] for a in data["acknowledgements"]] == ["Rita Redreader"]


def test_grant_awaiting_approval_and_expiry_are_shown(sw, api_for):
    from django.utils import timezone

    sw.agreement.release_approval_required = True
    sw.agreement.save()
    until = timezone.now() + datetime.timedelta(days=7)
    services.item_share(
        actor=sw.paula,
        item=sw.items[TLP.RED],
        grantee_kind=GranteeKind.USER,
        grantee_id=sw.mona.pk,
        reason="second reader",
        confirmed=True,
        expires_at=until,
    )
    red = next(
        r for r in api_for(sw.sana).get(_api(sw)).json()["results"] if r["reference"] == sw.items[TLP.RED].reference
    )
    pending = next(g for g in red["grants"] if g["reason"] == "second reader")
    assert pending["awaiting_approval"] is True and pending["expires_at"] is not None


def _add_items(sw, n: int, grants_each: int) -> None:  # type: ignore[no-untyped-def]
    readers = [member(sw.world.org, f"reader{k}@example.org", f"Reader {k}") for k in range(grants_each)]
    for reader in readers:
        services.training_record(actor=sw.sana, user=reader, completed_on=datetime.date(2026, 1, 5), course="DP")
    for k in range(n):
        item = services.item_create(
            actor=sw.paula,
            title=f"Extra {k}",
            organisation=sw.police,
            category="Safeguarding",
            label=TLP.AMBER,
            agreement=sw.agreement,
        )
        for reader in readers:
            services.item_share(
                actor=sw.paula,
                item=item,
                grantee_kind=GranteeKind.USER,
                grantee_id=reader.pk,
                reason="r",
                confirmed=True,
            )
        services.agreement_acknowledge(actor=readers[k % grants_each], agreement=sw.agreement)


def _queries(fn) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx)


def test_query_budget_does_not_grow_with_items_or_grants(sw, client_for, api_for, django_assert_max_num_queries):
    sw.agreement.training_required = True
    sw.agreement.save()
    page, api = client_for(sw.sana), api_for(sw.sana)
    page.get(_page(sw))  # warm the session
    services.training_record(actor=sw.sana, user=sw.mona, completed_on=datetime.date(2026, 1, 5), course="DP")
    services.agreement_acknowledge(actor=sw.mona, agreement=sw.agreement)
    few_page = _queries(lambda: page.get(_page(sw)))
    few_api = _queries(lambda: api.get(_api(sw)))
    _add_items(sw, 30, 4)
    with django_assert_max_num_queries(few_page):
        r = page.get(_page(sw))
    assert r.status_code == 200 and r.content.decode().count("/access/grants/") >= 25 * 4
    assert 'rel="next"' in r.content.decode()
    with django_assert_max_num_queries(few_api):
        data = api.get(_api(sw)).json()
    assert len(data["results"]) == 25 and data["next"] is not None
    assert few_page <= 22 and few_api <= 16, (few_page, few_api)
    # The next page follows the keyset, and the two pages do not overlap.
    second = api.get(data["next"]).json()
    first_refs = {r["reference"] for r in data["results"]}
    assert second["results"] and not first_refs & {r["reference"] for r in second["results"]}
    assert len(first_refs) + len(second["results"]) == 35


def test_grants_shown_per_item_are_bounded(sw, rf):
    from infosharing import selectors

    for k in range(4):
        reader = member(sw.world.org, f"many{k}@example.org", f"Many {k}")
        services.item_share(
            actor=sw.paula,
            item=sw.items[TLP.RED],
            grantee_kind=GranteeKind.USER,
            grantee_id=reader.pk,
            reason="r",
            confirmed=True,
        )
    access = selectors.agreement_access(sw.sana, sw.agreement, rf.get(_page(sw)), grants_per_item=2)
    red = next(row for row in access.items if row.item.pk == sw.items[TLP.RED].pk)
    assert [s.grantee_name for s in red.grants] == ["Many 3", "Many 2"] and red.more_grants
    green = next(row for row in access.items if row.item.pk == sw.items[TLP.GREEN].pk)
    assert len(green.grants) == 2 and not green.more_grants


def test_api_answer_matches_its_openapi_schema(sw, admins, db):
    """The documented response (drf-spectacular) is the one given, nullable where the answer masks."""
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from rest_framework.authtoken.models import Token
    from schemathesis.specs.openapi import checks as openapi_checks

    from config.wsgi import application

    services.agreement_acknowledge(actor=sw.rita, agreement=sw.agreement)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
        operation = schema["/api/v1/sharing-agreements/{id}/access/"]["GET"]
        for user in (sw.sana, sw.admin):
            token, _created = Token.objects.get_or_create(user=user)
            case = operation.Case(path_parameters={"id": sw.agreement.pk})
            response = case.call(headers={"Authorization": f"Token {token.key}"})
            assert response.status_code == 200
            case.validate_response(response, checks=[openapi_checks.response_schema_conformance])
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
