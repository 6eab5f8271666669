"""Sharing an action is a grant: only the plan's managers, within their scope, never with
themselves, audited; it gives access to that one action, and withdrawing it takes access away."""

from __future__ import annotations

from typing import cast

import pytest
from django.urls import reverse

from actionplans.models import ActionGrant
from core.models import AuditEvent
from stakeholders.models import Organisation
from tests.factories import OrganisationFactory


def _share(pw, **over):  # type: ignore[no-untyped-def]
    data = {
        "grantee_kind": "organisation",
        "organisation": pw.org.pk,
        "permission": "report",
        "reason": "They run the venue for the forum",
    }
    data.update(over)
    return data


@pytest.mark.parametrize(
    "who,page,api",
    [
        ("alice", 200, 200),  # coordinator of the plan's jurisdiction
        ("olga", 403, 403),  # admin of the lead organisation: sees the action, does not share it
        ("mona", 403, 403),  # member of the lead organisation
        ("pete", 404, 404),  # partner of another organisation: does not see this action
        ("mike", 403, 403),  # member of the owning committee: reads the plan
        ("bob", 403, 403),  # liaison above: reads it
        ("charlie", 404, 404),  # outsider
    ],
)
def test_who_may_share_an_action(pw, client_for, api_for, who, page, api) -> None:  # type: ignore[no-untyped-def]
    user = getattr(pw, who)
    assert client_for(user).get(reverse("actionplans:action-share", args=[pw.a1.pk])).status_code == page
    assert api_for(user).get(reverse("api:action-shares", args=[pw.a1.pk])).status_code == api
    body = {"grantee_kind": "organisation", "grantee_id": pw.other_org.pk, "permission": "view", "reason": "x"}
    response = api_for(user).post(reverse("api:action-shares", args=[pw.a1.pk]), body, format="json")
    assert response.status_code == (201 if api == 200 else api)
    assert ActionGrant.objects.filter(target=pw.a1).count() == (1 if api == 200 else 0)


def test_sharing_on_the_page_gives_access_and_withdrawing_takes_it_away(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    detail = reverse("actionplans:action-detail", args=[pw.a2.pk])
    assert client_for(pw.mona).get(detail).status_code == 404
    url = reverse("actionplans:action-share", args=[pw.a2.pk])
    response = client_for(pw.alice).post(url, _share(pw))
    assert response.status_code == 302
    grant = ActionGrant.objects.get(target=pw.a2)
    assert (grant.grantee_kind, grant.grantee_id, grant.permission, grant.granted_by) == (
        "organisation",
        pw.org.pk,
        "report",
        pw.alice,
    )
    event = AuditEvent.objects.get(action="grant.create", target_id=str(pw.a2.pk))
    assert event.actor == pw.alice and event.reason == "They run the venue for the forum"
    assert client_for(pw.mona).get(detail).status_code == 200
    assert client_for(pw.mona).get(reverse("actionplans:update-create", args=[pw.a2.pk])).status_code == 200
    page = client_for(pw.alice).get(url).content.decode()
    assert "Harbour Youth Forum" in page and "They run the venue for the forum" in page
    withdraw = reverse("actionplans:action-unshare", args=[pw.a2.pk, grant.pk])
    assert client_for(pw.alice).post(withdraw, {"reason": ""}).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is None  # a reason is required
    assert client_for(pw.alice).post(withdraw, {"reason": "Venue closed"}).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoke_reason == "Venue closed"
    assert AuditEvent.objects.filter(action="grant.revoke", target_id=str(pw.a2.pk)).exists()
    assert client_for(pw.mona).get(detail).status_code == 404


def test_nobody_shares_with_themselves_nor_with_an_invisible_grantee(pw, client_for, api_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("actionplans:action-share", args=[pw.a2.pk])
    mine = client_for(pw.alice).post(url, _share(pw, grantee_kind="user", person="alice@example.org"))
    assert mine.status_code == 200 and "Nobody gains access by their own act" in mine.content.decode()
    hidden = cast(
        Organisation, OrganisationFactory(name="Dormant Trust", jurisdiction=pw.other_district, is_active=False)
    )
    bad = client_for(pw.alice).post(url, _share(pw, organisation=hidden.pk))
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    api = reverse("api:action-shares", args=[pw.a2.pk])
    body = {"grantee_kind": "organisation", "grantee_id": hidden.pk, "permission": "view", "reason": "x"}
    response = api_for(pw.alice).post(api, body, format="json")
    assert response.status_code == 400 and "grantee_id" in response.json()
    body.update(grantee_kind="user", grantee_id=pw.alice.pk)
    response = api_for(pw.alice).post(api, body, format="json")
    assert response.status_code == 400 and "grantee_id" in response.json()
    body.update(grantee_kind="organisation", grantee_id=pw.org.pk, reason=" ")
    assert api_for(pw.alice).post(api, body, format="json").status_code == 400
    assert not ActionGrant.objects.exists()


def test_api_share_list_and_withdraw(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    api = reverse("api:action-shares", args=[pw.a2.pk])
    body = {"grantee_kind": "organisation", "grantee_id": pw.org.pk, "permission": "report", "reason": "Venue"}
    created = api_for(pw.alice).post(api, body, format="json")
    assert created.status_code == 201
    assert [(g["grantee_name"], g["permission"]) for g in created.json()] == [("Harbour Youth Forum", "report")]
    assert api_for(pw.mona).get(reverse("api:action-detail", args=[pw.a2.pk])).status_code == 200
    grant_id = created.json()[0]["id"]
    withdraw = reverse("api:action-withdraw-share", args=[pw.a2.pk, grant_id])
    assert api_for(pw.mona).post(withdraw, {"reason": "mine"}, format="json").status_code == 403
    assert api_for(pw.alice).post(withdraw, {}, format="json").status_code == 400
    done = api_for(pw.alice).post(withdraw, {"reason": "Venue closed"}, format="json")
    assert done.status_code == 200 and done.json()[0]["revoked_at"]
    assert api_for(pw.mona).get(reverse("api:action-detail", args=[pw.a2.pk])).status_code == 404
    assert api_for(pw.alice).post(withdraw, {"reason": "again"}, format="json").status_code == 404


def test_withdrawing_with_htmx_answers_the_list_in_place(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    from actionplans import services

    grant = services.action_share(
        actor=pw.alice, action=pw.a2, grantee_kind="organisation", grantee_id=pw.org.pk, permission="view", reason="r"
    )
    url = reverse("actionplans:action-unshare", args=[pw.a2.pk, grant.pk])
    missing = client_for(pw.alice).post(url, {"reason": ""}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 200 and "Say why access is withdrawn." in missing.content.decode()
    assert "<html" not in missing.content.decode()
    done = client_for(pw.alice).post(url, {"reason": "Over"}, HTTP_HX_REQUEST="true")
    page = done.content.decode()
    assert done.status_code == 200 and 'id="grants"' in page and "withdrawn" in page and "<html" not in page
