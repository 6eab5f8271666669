"""The agreement page picks its parties and client committees by type-ahead: it lists no
organisation (its queries do not grow with the registry), shows the chosen parties by name, saves
the picked ids, and refuses an id the user may not see exactly as one that does not exist."""

from __future__ import annotations

from typing import cast

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.permissions import visible
from infosharing.models import TLP
from stakeholders.models import Organisation
from tests.factories import OrganisationFactory


def _form(sw, parties):  # type: ignore[no-untyped-def]
    a = sw.agreement
    return {
        "title": a.title,
        "purpose": a.purpose,
        "summary": a.summary,
        "lawful_basis": "public_task",
        "retention_days": 365,
        "disposal": a.disposal,
        "security_measures": a.security_measures,
        "rights_handling": a.rights_handling,
        "primary_user_roles": a.primary_user_roles,
        "max_tlp": TLP.RED,
        "review_interval_months": 12,
        "next_review": a.next_review.isoformat(),
        "categories_text": "\n".join(a.categories),
        "party_organisations": parties,
        "version": a.updated_at.isoformat(),
        "reason": "New remit",
        "resign": "on",
    }


def test_agreement_page_lists_no_organisation_and_costs_the_same_for_many(sw, client_for):  # type: ignore[no-untyped-def]
    url = reverse("infosharing:agreement-edit", args=[sw.agreement.pk])
    sana = client_for(sw.sana)
    counts = []
    for size in (2, 30):
        for n in range(size):
            OrganisationFactory(name=f"Listed Org {size}-{n}", sector=sw.world.civil, jurisdiction=sw.world.city)
        with CaptureQueriesContext(connection) as ctx:
            page = sana.get(url).content.decode()
        counts.append(len(ctx.captured_queries))
        assert 'role="combobox"' in page and "Listed Org" not in page
        assert "<option" not in page.split('name="party_organisations"')[1].split("</fieldset>")[0][:3000]
        # The parties are shown by name in their boxes, each under the field's name.
        assert page.count('name="party_organisations"') == 3 + 3  # three parties, three empty boxes
        assert 'value="Harbour Police"' in page
    assert counts[0] == counts[1], counts


def test_picked_parties_save_and_an_invisible_one_fails_as_a_missing_one(sw, client_for):  # type: ignore[no-untyped-def]
    url = reverse("infosharing:agreement-edit", args=[sw.agreement.pk])
    sana = client_for(sw.sana)
    hidden = cast(
        Organisation, OrganisationFactory(name="Dormant Trust", jurisdiction=sw.world.other_district, is_active=False)
    )
    assert not visible(sw.sana, Organisation).filter(pk=hidden.pk).exists()
    base = [sw.police.pk, sw.world.org.pk]
    errors = []
    for pk in (hidden.pk, 999999):
        response = sana.post(url, _form(sw, [*base, pk]))
        assert response.status_code == 200
        said = response.context["form"].errors["party_organisations"]
        errors.append([str(e).replace(str(pk), "<id>") for e in said])
        assert "Dormant Trust" not in response.content.decode()
    assert errors[0] == errors[1]
    assert set(sw.agreement.parties.values_list("organisation_id", flat=True)) == {*base, sw.women.pk}
    # Empty boxes are ignored; the picked ids are the parties now.
    assert sana.post(url, {**_form(sw, [*base, ""])}).status_code == 302
    assert set(sw.agreement.parties.values_list("organisation_id", flat=True)) == set(base)
