from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coordination import permissions, selectors
from coordination.models import Attendance, CommitteeMembership
from tests.coordination.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    DecisionFactory,
    InvitationFactory,
    MeetingFactory,
)
from tests.factories import JurisdictionRoleFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_who_sees_the_committee(cw):
    for user in (cw.admin, cw.alice, cw.bob, cw.carol, cw.sam, cw.mike, cw.olly):
        assert cw.committee in selectors.committee_list_visible_to(user), user
    for user in (cw.charlie, cw.olga, cw.mona):  # an organisation's people see nothing by that alone
        assert cw.committee not in selectors.committee_list_visible_to(user), user
    assert cw.south not in selectors.committee_list_visible_to(cw.alice)
    assert cw.south in selectors.committee_list_visible_to(cw.admin)


def test_who_manages_the_committee(cw):
    for user in (cw.admin, cw.alice, cw.carol, cw.sam):
        assert permissions.can_manage_committee(user, cw.committee), user
    for user in (cw.bob, cw.mike, cw.olly, cw.charlie):
        assert not permissions.can_manage_committee(user, cw.committee), user
    assert permissions.can_change_committee(cw.alice, cw.committee)
    assert not permissions.can_change_committee(cw.carol, cw.committee)  # the body itself: coordinators


def test_list_rows_carry_the_same_manage_rule_as_the_object_check(cw):
    for user in (cw.alice, cw.carol, cw.mike, cw.bob):
        row = selectors.committee_list_visible_to(user).get(pk=cw.committee.pk)
        assert row.can_manage == permissions.can_manage_committee(user, cw.committee), user


def test_ended_or_future_membership_gives_no_access(cw):
    today = timezone.localdate()
    membership = CommitteeMembership.objects.get(person__user=cw.mike)
    membership.end_date = today - timedelta(days=1)
    membership.save()
    assert cw.committee not in selectors.committee_list_visible_to(cw.mike)
    membership.end_date = None
    membership.start_date = today + timedelta(days=3)
    membership.save()
    assert cw.committee not in selectors.committee_list_visible_to(cw.mike)


def test_members_are_counted_once_and_only_while_current(cw):
    row = selectors.committee_list_visible_to(cw.alice).get(pk=cw.committee.pk)
    assert row.member_count == 4


def test_a_summoned_official_sees_that_meeting_but_not_the_committee(cw):
    official_user = UserFactory(email="official@example.org")
    official = PersonFactory(user=official_user)
    meeting = MeetingFactory(committee=cw.committee)
    other = MeetingFactory(committee=cw.committee)
    InvitationFactory(meeting=meeting, person=official, kind="summoned")
    assert meeting in selectors.meeting_list_visible_to(official_user)
    assert other not in selectors.meeting_list_visible_to(official_user)
    assert cw.committee not in selectors.committee_list_visible_to(official_user)
    assert not permissions.can_manage_meeting(official_user, meeting)


def test_confidential_minutes_only_for_those_who_attended(cw):
    meeting = MeetingFactory(committee=cw.committee, is_confidential=True, status="held")
    AttendanceFactory(meeting=meeting, person=cw.sam_person, status=Attendance.Status.PRESENT)
    AttendanceFactory(
        meeting=meeting, person=cw.mike_person, status=Attendance.Status.REPRESENTED, represented_by=cw.olly_person
    )
    AttendanceFactory(meeting=meeting, person=cw.carol_person, status=Attendance.Status.APOLOGIES)
    readers = {
        u
        for u in (cw.admin, cw.alice, cw.bob, cw.carol, cw.sam, cw.mike, cw.olly, cw.charlie)
        if permissions.can_read_minutes(u, meeting)
    }
    assert readers == {cw.sam, cw.mike, cw.olly}
    # managing is not reading: the chair sent apologies, the coordinator was not there
    assert permissions.can_manage_meeting(cw.carol, meeting)
    assert not permissions.can_write_minutes(cw.carol, meeting)
    assert permissions.can_write_minutes(cw.sam, meeting)


def test_open_minutes_are_read_by_everyone_who_sees_the_meeting(cw):
    meeting = MeetingFactory(committee=cw.committee)
    for user in (cw.admin, cw.alice, cw.bob, cw.carol, cw.mike):
        assert permissions.can_read_minutes(user, meeting)
    assert not permissions.can_read_minutes(cw.charlie, meeting)


def test_decisions_of_a_confidential_meeting_are_hidden_except_from_attendees_and_owner(cw):
    meeting = MeetingFactory(committee=cw.committee, is_confidential=True, status="held")
    AttendanceFactory(meeting=meeting, person=cw.sam_person)
    item = AgendaItemFactory(meeting=meeting)
    decision = DecisionFactory(agenda_item=item, owner=cw.mike_person)
    assert decision in permissions.decisions_visible(cw.sam)
    assert decision in permissions.decisions_visible(cw.mike)  # owner, to act on it
    for user in (cw.bob, cw.alice, cw.carol, cw.charlie):
        assert decision not in permissions.decisions_visible(user), user


def test_the_meeting_page_leaves_out_minutes_the_user_may_not_read(cw):
    meeting = MeetingFactory(committee=cw.committee, is_confidential=True, status="minutes_drafted")
    AttendanceFactory(meeting=meeting, person=cw.sam_person)
    AgendaItemFactory(meeting=meeting, minutes="<p>Sensitive</p>")
    bob_page = selectors.meeting_page_for_user(cw.bob, selectors.meeting_get_for_user(cw.bob, meeting.pk))
    assert bob_page.agenda[0].minutes == ""
    sam_page = selectors.meeting_page_for_user(cw.sam, selectors.meeting_get_for_user(cw.sam, meeting.pk))
    assert sam_page.agenda[0].minutes == "<p>Sensitive</p>"


def test_liaison_of_a_higher_level_sees_committees_below(cw):
    national = UserFactory(email="national@example.org")
    JurisdictionRoleFactory(user=national, jurisdiction=cw.country, role="liaison")
    visible = set(selectors.committee_list_visible_to(national))
    assert {cw.committee, cw.south} <= visible
    assert not permissions.can_manage_committee(national, cw.committee)


def test_inactive_user_sees_nothing(cw):
    cw.carol.is_active = False
    cw.carol.save()
    assert not selectors.committee_list_visible_to(cw.carol).exists()


def test_composition_counts_sectors_security_levels_and_consented_demographics(cw):
    from tests.factories import OrganisationFactory, SectorFactory

    police_org = OrganisationFactory(name="Harbour Police", sector=cw.police, jurisdiction=cw.city)
    national_org = OrganisationFactory(name="National Office", sector=cw.civil, jurisdiction=cw.country)
    woman = PersonFactory(gender="woman", is_youth=True, demographics_consent_at=timezone.now())
    unconsented = PersonFactory(gender="woman", is_youth=True)  # not counted
    from tests.coordination.factories import CommitteeMembershipFactory

    CommitteeMembershipFactory(committee=cw.committee, person=woman, organisation=national_org)
    CommitteeMembershipFactory(committee=cw.committee, person=unconsented, organisation=police_org)
    health = SectorFactory(name="Health", code="health")
    cw.committee.expected_sectors.set([cw.civil, cw.police, health])
    comp = selectors.committee_composition(cw.committee)
    assert comp.total == 6
    assert comp.security == 1 and comp.non_security == 5
    assert comp.national == 1 and comp.local == 5
    assert (comp.consented, comp.women, comp.youth) == (1, 1, 1)
    assert [s.name for s in comp.missing_sectors] == ["Health"]
    assert not comp.security_dominates
    assert comp.by_sector[0] == {"name": "Civil society", "count": 5, "is_security": False}


def test_composition_warns_when_security_actors_dominate(cw):
    from tests.factories import OrganisationFactory

    police_org = OrganisationFactory(name="Harbour Police", sector=cw.police, jurisdiction=cw.city)
    committee = CommitteeFactory(jurisdiction=cw.city)
    from tests.coordination.factories import CommitteeMembershipFactory

    CommitteeMembershipFactory.create_batch(2, committee=committee, organisation=police_org)
    CommitteeMembershipFactory(committee=committee, organisation=cw.org)
    comp = selectors.committee_composition(committee)
    assert comp.security_percent == 67
    assert comp.security_dominates
    CommitteeMembershipFactory(committee=committee, organisation=cw.org)
    assert not selectors.committee_composition(committee).security_dominates  # 50% is balance, not dominance


def test_fellow_committee_members_see_each_others_contact_details(cw):
    from stakeholders.permissions import can_see_person_contact

    assert can_see_person_contact(cw.mike, cw.carol_person)
    assert can_see_person_contact(cw.carol, cw.olly_person)
    assert not can_see_person_contact(cw.charlie, cw.carol_person)
    assert not can_see_person_contact(cw.bob, cw.carol_person)  # a liaison: not by rank alone
    outsider_member = PersonFactory(user=UserFactory(email="south.member@example.org"))
    from tests.coordination.factories import CommitteeMembershipFactory

    CommitteeMembershipFactory(committee=cw.south, person=outsider_member)
    assert not can_see_person_contact(outsider_member.user, cw.carol_person)  # another committee
    membership = CommitteeMembership.objects.get(person=cw.mike_person)
    membership.end_date = timezone.localdate() - timedelta(days=1)
    membership.save()
    assert not can_see_person_contact(cw.mike, cw.carol_person)  # no longer a member
    assert not can_see_person_contact(cw.carol, cw.mike_person)
