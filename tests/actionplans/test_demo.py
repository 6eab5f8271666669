from __future__ import annotations

import pytest
from django.core.management import call_command

from actionplans import selectors
from actionplans.models import Action, ActionPlan, OfferTakeUp, ProgressUpdate, Tranche
from core.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def test_demo_plans_load_twice_with_a_year_of_reports(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--quiet-logins")
    counts = (ActionPlan.objects.count(), Action.objects.count(), ProgressUpdate.objects.count())
    call_command("seed_demo", "--quiet-logins")  # idempotent
    assert counts == (ActionPlan.objects.count(), Action.objects.count(), ProgressUpdate.objects.count())
    mombasa = ActionPlan.objects.get(title__startswith="Mombasa County Action Plan")
    assert mombasa.owning_committee.name == "Mombasa County Engagement Forum"
    assert mombasa.parent.jurisdiction.code == "KE" and mombasa.approved_version == 2
    assert ProgressUpdate.objects.filter(plan=mombasa, status="accepted").count() >= 12
    returned = AuditEvent.objects.filter(action="update.return", reason__contains="attendance sheets")
    assert returned.exists()  # returned once, corrected and accepted
    assert Tranche.objects.filter(allocation__plan=mombasa, status="disbursed").count() == 2
    assert OfferTakeUp.objects.filter(
        action__plan=mombasa, offer__organisation__name="Kenya Private Sector Alliance"
    ).exists()
    assert ActionPlan.objects.filter(
        title="Kumanovo local prevention plan", owning_committee__name__contains="Kumanovo"
    ).exists()
    liaison = User.objects.get(email="liaison.kenya@roundtable.example.org")
    national = mombasa.parent
    [trained, _referrals] = selectors.plan_rollup(liaison, national)
    # Mombasa's latest running total (135) plus Kwale's (45): never a sum over quarters
    assert trained.rolled.value == 180
    partner = User.objects.get(email="partner.mombasa@roundtable.example.org")
    assert selectors.my_actions(partner)
