"""Editing an agreement (page and API) and its lifecycle through the API: who may, what changes in
which status, re-signing after a material change, access ending at once for a removed party, the
version guard, the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, GranteeKind, User
from core.permissions import allows
from infosharing import services
from infosharing.models import TLP, AccessLog, ItemGrant, ItemVisibility, SharingAdmin, SharingAgreement
from tests.infosharing.conftest import make_agreement, member

pytestmark = pytest.mark.django_db

API = "/api/v1/sharing-agreements/"


def _update(sw, agreement, **kwargs):  # type: ignore[no-untyped-def]
    agreement.refresh_from_db()
    changes = kwargs.pop("changes")
    return services.agreement_update(
        actor=kwargs.pop("actor", sw.sana), agreement=agreement, version=agreement.updated_at, changes=changes, **kwargs
    )


def _parties(sw, *orgs):  # type: ignore[no-untyped-def]
    return [(o, "both") for o in orgs]


def test_a_draft_changes_freely_and_withdraws_signatures_on_a_material_change(sw):
    draft = make_agreement(sw, title="Draft pact")
    assert draft.signatories.count() == 3
    _update(sw, draft, changes={"summary": "Shorter summary."})
    assert draft.signatories.count() == 3  # not a material term
    _update(sw, draft, changes={"purpose": "A narrower purpose."})
    draft.refresh_from_db()
    assert draft.purpose == "A narrower purpose." and draft.status == "draft"
    assert draft.signatories.count() == 0
    audit = AuditEvent.objects.filter(action="agreement.update").latest("id")
    assert audit.changes["purpose"][1] == "A narrower purpose." and len(audit.changes["signatures_withdrawn"]) == 3


def test_an_active_agreement_needs_confirmation_and_reason_for_a_material_change(sw):
    a = sw.agreement
    with pytest.raises(ValidationError) as exc:
        _update(sw, a, changes={"primary_user_roles": "Everyone"})
    assert set(exc.value.message_dict) == {"reason", "resign"}
    a.refresh_from_db()
    assert a.primary_user_roles == "Safeguarding leads" and a.status == "active"
    assert AccessLog.objects.filter(event="refusal", agreement=a, detail__action="agreement.update").exists()
    _update(
        sw, a, changes={"primary_user_roles": "Safeguarding leads and teachers"}, reason="Schools join", resign=True
    )
    a.refresh_from_db()
    assert a.status == "draft" and not a.allows_new_sharing() and a.signatories.count() == 0
    with pytest.raises(ValidationError, match="not yet signed"):
        services.agreement_activate(actor=sw.sana, agreement=a)


def test_other_terms_of_an_active_agreement_change_with_a_reason_and_it_stays_in_force(sw):
    a = sw.agreement
    with pytest.raises(ValidationError) as exc:
        _update(sw, a, changes={"security_measures": "Encrypted at rest."})
    assert set(exc.value.message_dict) == {"reason"}
    _update(sw, a, changes={"security_measures": "Encrypted at rest."}, reason="Audit finding")
    a.refresh_from_db()
    assert a.security_measures == "Encrypted at rest." and a.status == "active" and a.signatories.count() == 3


def test_a_removed_party_loses_access_at_once(sw, client_for):
    amber, green = sw.items[TLP.AMBER], sw.items[TLP.GREEN]
    services.agreement_acknowledge(actor=sw.mona, agreement=sw.agreement)
    mona = client_for(sw.mona)
    assert mona.get(reverse("infosharing:item-detail", args=[amber.pk])).status_code == 200
    _update(sw, sw.agreement, changes={"parties": _parties(sw, sw.police, sw.women)}, reason="Left", resign=True)
    assert mona.get(reverse("infosharing:item-detail", args=[amber.pk])).status_code == 404
    assert "Report AMBER" not in mona.get(reverse("infosharing:item-list")).content.decode()
    assert not ItemVisibility.objects.filter(grantee_kind="organisation", grantee_id=sw.world.org.pk).exists()
    assert not ItemGrant.objects.filter(core_active(), grantee_id=sw.world.org.pk, grantee_kind="organisation")
    # the remaining party keeps what it had; the originator keeps everything
    assert allows(sw.ollie, green, "view") and allows(sw.paula, amber, "view")
    assert AccessLog.objects.filter(event="revoke", item=amber, recipients__0__id=sw.world.org.pk).exists()


def core_active():  # type: ignore[no-untyped-def]
    from core.grants import active_q

    return active_q()


def test_lowering_the_highest_label_revokes_grants_above_it(sw):
    _update(sw, sw.agreement, changes={"max_tlp": TLP.GREEN}, reason="Narrowed", resign=True)
    mona = User.objects.get(pk=sw.mona.pk)
    assert not allows(mona, sw.items[TLP.AMBER], "view")
    assert allows(mona, sw.items[TLP.GREEN], "view")


def test_a_stale_version_is_refused_and_nothing_is_saved(sw):
    a = sw.agreement
    seen = a.updated_at
    _update(sw, a, changes={"summary": "First"}, reason="r")
    with pytest.raises(ValidationError) as exc:
        services.agreement_update(actor=sw.sana, agreement=a, version=seen, changes={"summary": "Second"}, reason="r")
    assert "version" in exc.value.message_dict
    a.refresh_from_db()
    assert a.summary == "First"


def test_who_may_edit(sw):
    a = sw.agreement
    with pytest.raises(PermissionDenied):
        _update(sw, a, actor=sw.mona, changes={"summary": "x"}, reason="r")  # party member, not its sharing admin
    from django.http import Http404

    with pytest.raises(Http404):
        _update(sw, a, actor=sw.nina, changes={"summary": "x"}, reason="r")
    with pytest.raises(ValidationError, match="sharing admin of"):
        _update(sw, a, changes={"parties": _parties(sw, sw.world.org, sw.women)}, reason="r", resign=True)
    women_admin = member(sw.women, "wadmin@example.org", "Wendy Womenadmin")
    SharingAdmin.objects.create(user=women_admin, organisation=sw.women)
    _update(sw, a, actor=women_admin, changes={"summary": "Agreed wording"}, reason="Plainer")
    a.refresh_from_db()
    assert a.summary == "Agreed wording"
    services.agreement_expire(actor=sw.sana, agreement=a, reason="Ended")
    with pytest.raises(ValidationError, match="expired"):
        _update(sw, a, changes={"summary": "y"}, reason="r")


def test_edit_page_shows_terms_and_clear_errors(sw, client_for):
    url = reverse("infosharing:agreement-edit", args=[sw.agreement.pk])
    sana = client_for(sw.sana)
    body = sana.get(url).content.decode()
    assert "Harbour safeguarding" in body and "Safeguarding\nCommunity tension" in body
    form = {
        "title": "Harbour safeguarding",
        "purpose": "Another purpose",
        "summary": sw.agreement.summary,
        "lawful_basis": "public_task",
        "retention_days": 365,
        "disposal": sw.agreement.disposal,
        "security_measures": sw.agreement.security_measures,
        "rights_handling": sw.agreement.rights_handling,
        "primary_user_roles": sw.agreement.primary_user_roles,
        "max_tlp": TLP.RED,
        "review_interval_months": 12,
        "next_review": sw.agreement.next_review.isoformat(),
        "categories_text": "Safeguarding\nCommunity tension",
        "party_organisations": [sw.police.pk, sw.world.org.pk, sw.women.pk],
        "version": sw.agreement.updated_at.isoformat(),
    }
    r = sana.post(url, form)
    assert r.status_code == 200
    page = r.content.decode()
    assert "Confirm to go ahead" in page and "Say why the terms" in page
    sw.agreement.refresh_from_db()
    assert sw.agreement.purpose != "Another purpose"
    r = sana.post(url, {**form, "reason": "New remit", "resign": "on"})
    assert r.status_code == 302
    sw.agreement.refresh_from_db()
    assert sw.agreement.purpose == "Another purpose" and sw.agreement.status == "draft"
    assert client_for(sw.mona).get(url).status_code == 403
    assert client_for(sw.nina).get(url).status_code == 404


def test_edit_page_query_budget(sw, client_for, django_assert_max_num_queries):
    url = reverse("infosharing:agreement-edit", args=[sw.agreement.pk])
    sana = client_for(sw.sana)
    with django_assert_max_num_queries(25):
        sana.get(url)
    from tests.factories import OrganisationFactory

    for n in range(10):
        org = OrganisationFactory(name=f"Party {n}", sector=sw.world.civil, jurisdiction=sw.world.city)
        sw.agreement.parties.create(organisation=org)
    with django_assert_max_num_queries(25):
        assert sana.get(url).status_code == 200


def test_api_patch_sign_activate_suspend_review_expire(sw, api_for):
    api = api_for(sw.sana)
    a = sw.agreement
    data = api.get(f"{API}{a.pk}/").json()
    r = api.patch(f"{API}{a.pk}/", {"version": data["updated_at"], "purpose": "Changed"}, format="json")
    assert r.status_code == 400 and set(r.json()) >= {"reason", "resign"}
    r = api.patch(
        f"{API}{a.pk}/",
        {"version": data["updated_at"], "purpose": "Changed", "reason": "Remit", "resign": True},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "draft" and r.json()["signatories"] == []
    stale = api.patch(f"{API}{a.pk}/", {"version": data["updated_at"], "title": "T", "reason": "r"}, format="json")
    assert stale.status_code == 400 and "version" in stale.json()
    assert api.post(f"{API}{a.pk}/activate/").status_code == 400
    today = timezone.localdate().isoformat()
    for org in (sw.police, sw.world.org, sw.women):
        r = api.post(f"{API}{a.pk}/sign/", {"organisation": org.pk, "name": "N", "signed_on": today}, format="json")
        assert r.status_code == 200
    bad = api.post(f"{API}{a.pk}/sign/", {"organisation": sw.world.other_org.pk, "name": "N", "signed_on": today})
    assert bad.status_code == 400 and "organisation" in bad.json()
    assert api.post(f"{API}{a.pk}/activate/").json()["status"] == "active"
    assert api.post(f"{API}{a.pk}/suspend/", {}).status_code == 400
    assert api.post(f"{API}{a.pk}/suspend/", {"reason": "Breach"}).json()["allows_new_sharing"] is False
    assert api.post(f"{API}{a.pk}/activate/").json()["status"] == "active"
    a.refresh_from_db()
    before = a.next_review
    a.next_review = timezone.localdate() + timedelta(days=1)
    a.save()
    assert api.post(f"{API}{a.pk}/review/", {"reason": "Fine"}).json()["next_review"] > str(before - timedelta(1))
    assert api.post(f"{API}{a.pk}/expire/", {"reason": "Done"}).json()["status"] == "expired"
    assert SharingAgreement.objects.get(pk=a.pk).status == "expired"


def test_api_answers_404_to_outsiders_and_403_to_party_members(sw, api_for):
    a = sw.agreement
    for route, body in (("", None), ("sign/", {}), ("activate/", {}), ("suspend/", {"reason": "x"})):
        nina = api_for(sw.nina)
        r = (
            nina.patch(f"{API}{a.pk}/", {"version": "2020-01-01T00:00:00Z"})
            if not route
            else nina.post(f"{API}{a.pk}/{route}", body)
        )
        assert r.status_code == 404, route
    mona = api_for(sw.mona)
    assert mona.post(f"{API}{a.pk}/suspend/", {"reason": "x"}).status_code == 403
    assert mona.post(f"{API}{a.pk}/sign/", {}).status_code == 403  # refused before the input is read
    updated = mona.get(f"{API}{a.pk}/").json()["updated_at"]
    assert mona.patch(f"{API}{a.pk}/", {"version": updated, "title": "x", "reason": "r"}).status_code == 403
    a.refresh_from_db()
    assert a.title == "Harbour safeguarding" and a.status == "active"


def test_api_agreement_list_query_budget(sw, api_for, django_assert_max_num_queries):
    api = api_for(sw.sana)
    with django_assert_max_num_queries(12):
        api.get(API)
    for n in range(5):
        make_agreement(sw, title=f"Pact {n}")
    with django_assert_max_num_queries(12):
        assert len(api.get(API).json()["results"]) == 6


def test_grants_to_named_people_of_a_removed_party_end_too(sw):
    item = sw.items[TLP.RED]
    assert allows(sw.rita, item, "view")
    _update(sw, sw.agreement, changes={"parties": _parties(sw, sw.police, sw.women)}, reason="Left", resign=True)
    assert not ItemVisibility.objects.filter(grantee_kind=GranteeKind.USER, grantee_id=sw.rita.pk).exists()
    assert not allows(User.objects.get(pk=sw.rita.pk), item, "view")
