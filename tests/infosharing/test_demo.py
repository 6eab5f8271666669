from __future__ import annotations

import pytest
from django.core.management import call_command

from core.models import User
from core.permissions import visible
from infosharing.models import TLP, InformationItem, SharingAgreement

pytestmark = pytest.mark.django_db


def test_demo_sharing_loads_twice_with_items_at_every_label(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--quiet-logins")
    counts = (SharingAgreement.objects.count(), InformationItem.objects.count())
    call_command("seed_demo", "--quiet-logins")
    assert counts == (SharingAgreement.objects.count(), InformationItem.objects.count()) == (2, 6)
    assert set(InformationItem.objects.values_list("label", flat=True)) == set(TLP.values)
    assert SharingAgreement.objects.filter(status="active").count() == 2
    twdf = User.objects.get(email="member.twdf@roundtable.example.org")
    labels = set(visible(twdf, InformationItem).values_list("label", flat=True))
    assert labels == {TLP.CLEAR, TLP.GREEN, TLP.AMBER_STRICT, TLP.RED}
    admin = User.objects.get(email="admin@roundtable.example.org")
    assert set(visible(admin, InformationItem).values_list("label", flat=True)) == {TLP.CLEAR}
