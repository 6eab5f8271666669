from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from coordination import permissions, selectors
from coordination.models import Committee, CommitteeMembership, Decision, Invitation, Meeting
from core.models import User

pytestmark = pytest.mark.django_db


def test_demo_committees_from_the_seed_load_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--quiet-logins")
    counts = (
        Committee.objects.count(),
        Meeting.objects.count(),
        Decision.objects.count(),
        CommitteeMembership.objects.count(),
        Invitation.objects.count(),
    )
    call_command("seed_demo", "--quiet-logins")  # idempotent
    assert counts == (
        Committee.objects.count(),
        Meeting.objects.count(),
        Decision.objects.count(),
        CommitteeMembership.objects.count(),
        Invitation.objects.count(),
    )

    tlcc = Committee.objects.get(kind="tlcc", jurisdiction__code="BD-63-TGL")
    chair = tlcc.memberships.get(role="chair")
    assert chair.person.user.email == "chair.tangail@roundtable.example.org" and chair.designation == "elected"
    member = User.objects.get(email="member.twdf@roundtable.example.org")
    assert tlcc in selectors.committee_list_visible_to(member)
    assert permissions.can_manage_committee(User.objects.get(email="coordinator.tangail@roundtable.example.org"), tlcc)

    cef = Committee.objects.get(kind="cef")
    assert set(cef.memberships.filter(role="co_chair").values_list("designation", flat=True)) == {
        "elected",
        "national_appointee",
    }
    apex = Committee.objects.get(kind="apex")
    assert apex.children.count() >= 4 and apex.memberships.filter(role="permanent").count() >= 3
    summoned = Invitation.objects.filter(meeting__committee=apex, kind="summoned")
    assert summoned.exists()
    assert not apex.memberships.filter(person__in=summoned.values("person")).exists()
    interagency = Committee.objects.get(kind="interagency")
    assert interagency.memberships.values("organisation").distinct().count() >= 25

    for committee in (tlcc, cef, apex, interagency, Committee.objects.get(kind="cat")):
        meetings = committee.meetings.order_by("starts_at")
        assert (meetings.last().starts_at - meetings.first().starts_at).days >= 180, committee
        assert meetings.filter(starts_at__gt=timezone.now()).exists(), committee
        assert meetings.filter(status="minutes_approved").exists(), committee
        assert committee.decisions.filter(status="open").exists(), committee
    assert Meeting.objects.filter(is_confidential=True, status="minutes_approved").exists()
    hyderabad = Committee.objects.get(name__startswith="Hyderabad")
    assert selectors.committee_composition(hyderabad).security_dominates
