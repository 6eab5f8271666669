"""Property tests (hypothesis): after random roles, memberships and grants, for each kind the set a user
lists through the API = the set whose detail they can open = what the rule says
(``core.permissions.visible``). Minutes: the meetings whose minutes the API says the user may read
= the ``read_minutes`` rule. Examples are small (``max_examples`` 25) and each runs in a savepoint
that is rolled back."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from coordination.models import Committee, CommitteeGrant, CommitteeMembership, Meeting, MeetingGrant
from core.models import GranteeKind, User
from core.permissions import visible
from stakeholders.models import (
    JurisdictionRole,
    Organisation,
    OrganisationGrant,
    OrganisationMembership,
    Person,
    PersonGrant,
)
from tests.coordination.factories import AttendanceFactory, CommitteeMembershipFactory, MeetingFactory
from tests.factories import (
    JurisdictionRoleFactory,
    OrganisationMembershipFactory,
    PersonFactory,
    PositionFactory,
    UserFactory,
)

KINDS = {
    "organisations": (Organisation, "/api/v1/organisations/"),
    "people": (Person, "/api/v1/people/"),
    "committees": (Committee, "/api/v1/committees/"),
    "meetings": (Meeting, "/api/v1/meetings/"),
}

roles = st.fixed_dictionaries(
    {
        "jurisdiction": st.sampled_from([None, "district", "city", "other_district"]),
        "jurisdiction_role": st.sampled_from(list(JurisdictionRole.Role.values)),
        "organisation": st.sampled_from([None, "org", "other_org"]),
        "organisation_role": st.sampled_from(list(OrganisationMembership.Role.values)),
        "committee": st.sampled_from([None, "committee", "south"]),
        "committee_role": st.sampled_from(list(CommitteeMembership.Role.values)),
        "membership_ended": st.booleans(),
        "attended_past_meeting": st.booleans(),
        "has_position": st.booleans(),
        # An explicit grant of one kind (the dormant organisation, a person outside the public
        # directory, the other committee, one of its meetings, or that meeting's minutes): to the
        # user, to an organisation or a committee (their current members), live, revoked or expired.
        "grant_on": st.sampled_from(["organisation", "person", "committee", "meeting", "minutes"]),
        "grant_to": st.sampled_from([None, "user", "org", "other_org", "committee", "south"]),
        "grant_state": st.sampled_from(["live", "revoked", "expired"]),
    }
)
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def scene(cw):  # type: ignore[no-untyped-def]
    """The committee world plus a past confidential meeting of each committee and people around."""
    start = timezone.now() - timedelta(days=10)
    for committee in (cw.committee, cw.south):
        MeetingFactory(
            committee=committee,
            is_confidential=True,
            status="held",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        MeetingFactory(committee=committee)
    PersonFactory(full_name="Hidden Person", jurisdiction=cw.city)
    cw.dormant = Organisation.objects.create(
        name="Dormant Trust", sector=cw.other_org.sector, jurisdiction=cw.other_district, is_active=False
    )
    PositionFactory(person=PersonFactory(full_name="South Officer"), organisation=cw.other_org)
    hidden = PersonFactory(full_name="Unlisted Person", jurisdiction=cw.other_district)
    south_meeting = cw.south.meetings.filter(is_confidential=False).first()
    # what a grant of each kind is on: (grant model, target, permission)
    cw.grant_targets = {
        "organisation": (OrganisationGrant, cw.dormant, OrganisationGrant.VIEW),
        "person": (PersonGrant, hidden, PersonGrant.VIEW),
        "committee": (CommitteeGrant, cw.south, CommitteeGrant.VIEW),
        "meeting": (MeetingGrant, south_meeting, MeetingGrant.VIEW),
        "minutes": (MeetingGrant, south_meeting, MeetingGrant.READ_MINUTES),
    }
    return cw


def _make_user(scene: Any, r: dict[str, Any]) -> User:
    user = UserFactory(email="prop@example.org", full_name="Prop User")
    person = PersonFactory(full_name="Prop User", user=user)
    if r["jurisdiction"]:
        JurisdictionRoleFactory(user=user, jurisdiction=getattr(scene, r["jurisdiction"]), role=r["jurisdiction_role"])
    if r["organisation"]:
        OrganisationMembershipFactory(
            user=user, organisation=getattr(scene, r["organisation"]), role=r["organisation_role"]
        )
        if r["has_position"]:
            PositionFactory(person=person, organisation=getattr(scene, r["organisation"]))
    if r["committee"]:
        committee = getattr(scene, r["committee"])
        membership = CommitteeMembershipFactory(committee=committee, person=person, role=r["committee_role"])
        if r["membership_ended"]:
            CommitteeMembership.objects.filter(pk=membership.pk).update(
                start_date=date.today() - timedelta(days=400), end_date=date.today() - timedelta(days=30)
            )
        if r["attended_past_meeting"]:
            past = committee.meetings.filter(status="held").first()
            AttendanceFactory(meeting=past, person=person)
    if r["grant_to"]:
        kind, grantee_id = (
            (GranteeKind.USER, user.pk)
            if r["grant_to"] == "user"
            else (
                GranteeKind.COMMITTEE if r["grant_to"] in ("committee", "south") else GranteeKind.ORGANISATION,
                getattr(scene, r["grant_to"]).pk,
            )
        )
        now = timezone.now()
        grant_model, target, permission = scene.grant_targets[r["grant_on"]]
        grant_model.objects.create(
            target=target,
            permission=permission,
            grantee_kind=kind,
            grantee_id=grantee_id,
            reason="property test",
            expires_at=now - timedelta(days=1) if r["grant_state"] == "expired" else now + timedelta(days=7),
            revoked_at=now - timedelta(hours=1) if r["grant_state"] == "revoked" else None,
        )
    return User.objects.get(pk=user.pk)


def _listed(api: APIClient, url: str) -> set[int]:
    ids: set[int] = set()
    next_url: str | None = url
    while next_url:
        body = api.get(next_url).json()
        rows = body["results"] if isinstance(body, dict) else body
        ids |= {row["id"] for row in rows}
        next_url = body.get("next") if isinstance(body, dict) else None
    return ids


def _client(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(User.objects.get(pk=user.pk))
    return api


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_listed_equals_openable_equals_the_rule(scene, kind):
    model, url = KINDS[kind]

    @EXAMPLES
    @given(r=roles)
    def check(r: dict[str, Any]) -> None:
        with transaction.atomic():
            user = _make_user(scene, r)
            api = _client(user)
            listed = _listed(api, url)
            openable = {
                pk for pk in model.objects.values_list("pk", flat=True) if api.get(f"{url}{pk}/").status_code == 200
            }
            rule = set(visible(User.objects.get(pk=user.pk), model).values_list("pk", flat=True))
            expected = _expected_from_the_grant(scene, r, model, "view", rule)
            transaction.set_rollback(True)
        assert listed == openable == rule, (r, listed, openable, rule)
        assert rule == expected, (r, rule, expected)
        if model is Organisation:
            assert (scene.dormant.pk in rule) == _dormant_expected(r), r

    check()


def _expected_from_the_grant(scene: Any, r: dict[str, Any], model: Any, action: str, rule: set[int]) -> set[int]:
    """What the user sees of ``model`` worked out from the grant's own terms: what they see with the
    grant withdrawn (the rows' other reasons), plus the grant's target if the grant reaches them. A
    meeting grant of either kind shows the meeting; only ``read_minutes`` opens its minutes."""
    if not r["grant_to"]:
        return rule
    grant_model, target, permission = scene.grant_targets[r["grant_on"]]
    grant_model.objects.filter(target=target).delete()
    fresh = User.objects.get(pk=User.objects.get(email="prop@example.org").pk)
    without = visible(fresh, model, action)
    if action == "read_minutes":
        without = without.filter(pk__in=visible(fresh, Meeting).values("pk"))
    expected = set(without.values_list("pk", flat=True))
    reaches = type(target) is model and _grant_reaches(r) and (action == "view" or permission == action)
    if reaches and not (action == "read_minutes" and target.is_confidential):
        expected.add(target.pk)
    return expected


def _grant_reaches(r: dict[str, Any]) -> bool:
    """Whether the random grant holds for the user: live, and to them or a principal they hold now."""
    if r["grant_to"] is None or r["grant_state"] != "live":
        return False
    if r["grant_to"] == "user":
        return True
    if r["grant_to"] in ("org", "other_org"):
        return r["organisation"] == r["grant_to"]
    return r["committee"] == r["grant_to"] and not r["membership_ended"]


def _dormant_expected(r: dict[str, Any]) -> bool:
    """The dormant organisation, worked out from the grant's own terms rather than the rule: seen in
    its jurisdiction's subtree, or through a live grant to one of the user's current principals."""
    if r["jurisdiction"] == "other_district":
        return True
    if r["grant_on"] != "organisation" or r["grant_to"] is None or r["grant_state"] != "live":
        return False
    if r["grant_to"] == "user":
        return True
    if r["grant_to"] in ("org", "other_org"):
        return r["organisation"] == r["grant_to"]
    return r["committee"] == r["grant_to"] and not r["membership_ended"]


def test_minutes_the_api_opens_equal_the_rule(scene):
    @EXAMPLES
    @given(r=roles)
    def check(r: dict[str, Any]) -> None:
        with transaction.atomic():
            user = _make_user(scene, r)
            api = _client(user)
            readable = {
                m["id"]
                for pk in Meeting.objects.values_list("pk", flat=True)
                if (response := api.get(f"/api/v1/meetings/{pk}/")).status_code == 200
                for m in [response.json()]
                if m["can_read_minutes"]
            }
            fresh = User.objects.get(pk=user.pk)
            rule = set(
                visible(fresh, Meeting, "read_minutes")
                .filter(pk__in=visible(fresh, Meeting).values("pk"))
                .values_list("pk", flat=True)
            )
            expected = _expected_from_the_grant(scene, r, Meeting, "read_minutes", rule)
            transaction.set_rollback(True)
        assert readable == rule, (r, readable, rule)
        assert rule == expected, (r, rule, expected)

    check()
