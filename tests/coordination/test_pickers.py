"""Type-ahead pickers (core/pickers.py): the search endpoint offers only what the user may see,
at most 20 rows, at a fixed number of queries; forms render only the chosen row and refuse an
invisible id exactly as a non-existent one."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from coordination.forms import InviteForm
from core.permissions import visible
from stakeholders.models import Person
from tests.coordination.factories import MeetingFactory
from tests.factories import OrganisationFactory, PersonFactory


def _pick(client, kind: str, q: str) -> list[dict]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("pick", kwargs={"kind": kind}), {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


def test_people_picker_finds_what_the_user_may_see_and_nothing_else(cw, client_for):  # type: ignore[no-untyped-def]
    hidden = PersonFactory(full_name="Zelda Hidden", jurisdiction=cw.other_district)
    assert not visible(cw.sam, Person).filter(pk=hidden.pk).exists()
    client = client_for(cw.sam)
    labels = [r["label"] for r in _pick(client, "committee-people", "Mike")]
    assert labels == ["Mike Member"]
    assert _pick(client, "committee-people", "Zelda") == []
    # The superuser sees the same person: the picker, not the data, made the difference.
    assert [r["id"] for r in _pick(client_for(cw.admin), "committee-people", "Zelda")] == [hidden.pk]


def test_organisation_and_committee_pickers_follow_the_registry(cw, client_for):  # type: ignore[no-untyped-def]
    client = client_for(cw.sam)
    orgs = _pick(client, "organisations", "Harbour Youth")
    assert [r["label"] for r in orgs] == ["Harbour Youth Forum (HYF)"]
    assert orgs[0]["hint"] == "Harbour City"
    committees = _pick(client_for(cw.alice), "committees", "Harbour")
    assert [r["id"] for r in committees] == [cw.committee.pk]
    assert _pick(client_for(cw.alice), "committees", "South") == []
    assert _pick(client_for(cw.charlie), "committees", "Harbour") == []


def test_picker_is_bounded_and_its_queries_do_not_grow(cw, client_for, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    client = client_for(cw.admin)
    for n in range(3):
        OrganisationFactory(name=f"Budget Org {n}", jurisdiction=cw.city)
    with django_assert_max_num_queries(5):
        assert len(_pick(client, "organisations", "Budget")) == 3
    for n in range(3, 40):
        OrganisationFactory(name=f"Budget Org {n}", jurisdiction=cw.city)
    with django_assert_max_num_queries(5):
        assert len(_pick(client, "organisations", "Budget")) == 20


def test_unknown_picker_and_signed_out(cw, client, client_for):  # type: ignore[no-untyped-def]
    assert client_for(cw.sam).get(reverse("pick", kwargs={"kind": "users"}), {"q": "a"}).status_code == 404
    response = client.get(reverse("pick", kwargs={"kind": "people"}), {"q": "Mike"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_invite_form_lists_nobody_and_refuses_an_invisible_id_as_a_missing_one(cw, client_for):  # type: ignore[no-untyped-def]
    hidden = PersonFactory(full_name="Zelda Hidden", jurisdiction=cw.other_district)
    start = timezone.now() + timedelta(days=3)
    meeting = MeetingFactory(committee=cw.committee, starts_at=start, ends_at=start + timedelta(hours=2))
    client = client_for(cw.sam)
    page = client.get(reverse("coordination:meeting-detail", args=[meeting.pk])).content.decode()
    assert 'role="combobox"' in page
    assert "Olly Observer" not in page.split('role="combobox"')[0][-2000:]  # no option list of people
    url = reverse("coordination:meeting-invite", args=[meeting.pk])
    said, errors = [], []
    for pk in (hidden.pk, 999999):
        response = client.post(url, {"person": pk, "kind": "guest"}, follow=True)
        said.append([str(m) for m in response.context["messages"]])
        assert not meeting.invitations.filter(person_id=pk).exists()
        errors.append(InviteForm({"person": pk, "kind": "guest"}, user=cw.sam).errors)
    assert said[0] == said[1] == ["Choose a person to invite."]
    assert errors[0] == errors[1] and "person" in errors[0]
    # A visible person goes through the same form.
    client.post(url, {"person": cw.olly_person.pk, "kind": "guest"})
    assert meeting.invitations.filter(person=cw.olly_person).exists()


def test_the_committees_own_jurisdiction_comes_first(cw, client_for):  # type: ignore[no-untyped-def]
    """The membership form's pickers name the committee's jurisdiction; its people come first."""
    far = PersonFactory(full_name="Amina Far", jurisdiction=cw.other_district)
    near = PersonFactory(full_name="Amina Near", jurisdiction=cw.city)
    client = client_for(cw.admin)
    page = client.get(reverse("coordination:membership-add", args=[cw.committee.pk])).text
    assert f"near={cw.city.path.replace('/', '%2F')}" in page
    url = reverse("pick", kwargs={"kind": "committee-people"})
    for order in ({"q": "Amina", "near": cw.city.path}, {"q": "Amina", "near": cw.other_district.path}):
        ids = [r["id"] for r in client.get(url, order).json()["results"]]
        first = near if order["near"] == cw.city.path else far
        assert ids[0] == first.pk and set(ids) == {near.pk, far.pk}
