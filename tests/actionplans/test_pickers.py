"""The action plan pages pick organisations, people and committees by type-ahead: the page lists
none of them (its queries do not grow with the registry), a picked id saves, and an id the user may
not see is refused exactly as one that does not exist."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Action, FundingAllocation
from stakeholders.models import Organisation
from tests.factories import OrganisationFactory


def _action_data(pw, **over):  # type: ignore[no-untyped-def]
    data = {
        "objective": pw.o1.pk,
        "title": "Picked circle",
        "description": "",
        "kind": "activity",
        "lead_organisation": pw.org.pk,
        "owner": "",
        "planned_start": pw.today.isoformat(),
        "planned_end": (pw.today + timedelta(days=30)).isoformat(),
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


def test_action_and_funding_pages_list_no_organisation_and_cost_the_same_for_many(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(pw.alice)
    urls = [
        reverse("actionplans:action-create", args=[pw.plan.pk]),
        reverse("actionplans:action-edit", args=[pw.a1.pk]),
        reverse("actionplans:allocation-create", args=[pw.plan.pk]),
        reverse("actionplans:action-share", args=[pw.a1.pk]),
    ]
    counts: list[list[int]] = []
    for size in (2, 30):
        for n in range(size):
            OrganisationFactory(name=f"Listed Org {size}-{n}", jurisdiction=pw.city)
        row = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                page = client.get(url).content.decode()
            row.append(len(ctx.captured_queries))
            assert 'role="combobox"' in page
            assert "Listed Org" not in page  # no <option> per organisation
        counts.append(row)
    assert counts[0] == counts[1], counts
    # The chosen lead organisation of an existing action is shown by name in its box.
    assert f'value="{pw.a1.lead_organisation.name}' in client.get(urls[1]).content.decode()


def test_picked_ids_save_and_an_invisible_one_fails_as_a_missing_one(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(pw.alice)
    url = reverse("actionplans:action-create", args=[pw.plan.pk])
    hidden = cast(
        Organisation, OrganisationFactory(name="Dormant Trust", jurisdiction=pw.other_district, is_active=False)
    )
    errors = []
    for pk in (hidden.pk, 999999):
        response = client.post(url, _action_data(pw, lead_organisation=pk))
        assert response.status_code == 200
        errors.append(response.context["form"].errors["lead_organisation"])
        assert "Dormant Trust" not in response.content.decode()
    assert errors[0] == errors[1]
    assert not Action.objects.filter(title="Picked circle").exists()
    response = client.post(
        url,
        _action_data(
            pw,
            lead_organisation=pw.other_org.pk,
            **{"partners-0-organisation": pw.org.pk, "partners-0-role": "implementing"},
        ),
    )
    assert response.status_code == 302
    action = Action.objects.get(title="Picked circle")
    assert action.lead_organisation == pw.other_org
    assert [p.organisation for p in action.partners.all()] == [pw.org]

    alloc_url = reverse("actionplans:allocation-create", args=[pw.plan.pk])
    data = {"title": "Picked grant", "action": pw.a1.pk, "funder": hidden.pk, "recipient": pw.org.pk}
    data |= {"amount": "100", "currency": "KES", "status": "committed"}
    funder_errors = []
    for pk in (hidden.pk, 999999):
        response = client.post(alloc_url, {**data, "funder": pk})
        funder_errors.append(response.context["form"].errors["funder"])
    assert funder_errors[0] == funder_errors[1]
    assert client.post(alloc_url, {**data, "funder": pw.other_org.pk}).status_code == 302
    assert FundingAllocation.objects.get(title="Picked grant").funder == pw.other_org


def test_grantee_pickers_offer_only_who_may_be_named(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    hidden = cast(
        Organisation, OrganisationFactory(name="Dormant Harbour Trust", jurisdiction=pw.other_district, is_active=False)
    )
    found = client_for(pw.alice).get(reverse("pick", kwargs={"kind": "grantee-organisations"}), {"q": "Harbour"})
    ids = [r["id"] for r in found.json()["results"]]
    assert hidden.pk not in ids
    admin_ids = client_for(pw.admin).get(reverse("pick", kwargs={"kind": "grantee-organisations"}), {"q": "Dormant"})
    assert [r["id"] for r in admin_ids.json()["results"]] == [hidden.pk]
    committees = client_for(pw.alice).get(reverse("pick", kwargs={"kind": "grantee-committees"}), {"q": "Prevention"})
    assert pw.committee.pk in [r["id"] for r in committees.json()["results"]]


def test_allocation_edit_page_saves_audited_version_checked_and_never_below_disbursed(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from actionplans import services
    from core.models import AuditEvent

    allocation = services.allocation_create(
        actor=pw.alice,
        plan=pw.plan,
        title="Edited grant",
        action=pw.a1,
        funder=pw.org,
        recipient=pw.other_org,
        amount=Decimal(1000),
        currency="KES",
        status="committed",
    )
    tranche = services.tranche_plan(actor=pw.alice, allocation=allocation, amount=Decimal(600), planned_on=pw.today)
    services.tranche_disburse(actor=pw.alice, tranche=tranche)
    url = reverse("actionplans:allocation-edit", args=[allocation.pk])
    client = client_for(pw.alice)
    page = client.get(url).content.decode()
    assert 'value="Edited grant"' in page and 'role="combobox"' in page
    data = {"title": "Edited grant", "action": pw.a1.pk, "funder": pw.other_org.pk, "recipient": pw.org.pk}
    data |= {"amount": "500", "currency": "KES", "status": "committed", "version": allocation.version}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "already disbursed" in refused.content.decode()
    assert client.post(url, {**data, "amount": "1200", "status": "indicative"}).status_code == 200
    allocation.refresh_from_db()
    assert (allocation.amount, allocation.funder, allocation.status) == (Decimal(1000), pw.org, "committed")
    assert client.post(url, {**data, "amount": "1200"}).status_code == 302
    allocation.refresh_from_db()
    assert (allocation.amount, allocation.funder, allocation.version) == (Decimal(1200), pw.other_org, 2)
    assert AuditEvent.objects.filter(action="funding.update").count() == 1
    stale = client.post(url, {**data, "amount": "1300", "version": 1})
    assert stale.status_code == 409
    allocation.refresh_from_db()
    assert allocation.amount == Decimal(1200)
    assert client_for(pw.mike).get(url).status_code in (403, 404)
