"""Factories of the coordination app (shared factories live in tests/factories.py)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coordination.models import AgendaItem, Attendance, Committee, CommitteeMembership, Decision, Invitation, Meeting
from stakeholders.models import Person
from tests.factories import JurisdictionFactory, OrganisationFactory, PersonFactory


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Committee {n}")
    kind = Committee.Kind.LPN
    jurisdiction = factory.SubFactory(JurisdictionFactory)


class CommitteeMembershipFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMembership

    committee = factory.SubFactory(CommitteeFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = CommitteeMembership.Role.MEMBER


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + timedelta(hours=2))
    published_at = factory.LazyFunction(timezone.now)  # its agenda is out (drafts: published_at=None)


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    committee = factory.LazyAttribute(lambda i: i.meeting.committee)
    title = factory.Sequence(lambda n: f"Item {n}")
    order = factory.Sequence(lambda n: n + 1)


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    status = Attendance.Status.PRESENT
    represented_by = None
    # As the service records them: the logins the people have at the time (recorded by nobody here,
    # which counts as someone other than the attendee).
    attendee_user = factory.LazyAttribute(lambda o: o.person.user)
    stand_in_user = factory.LazyAttribute(lambda o: o.represented_by.user if o.represented_by else None)


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    agenda_item = factory.SubFactory(AgendaItemFactory)
    meeting = factory.LazyAttribute(lambda d: d.agenda_item.meeting)
    committee = factory.LazyAttribute(lambda d: d.agenda_item.committee)
    text = factory.Sequence(lambda n: f"Decision {n}")


def directory_person(organisation: object, **kwargs: object) -> Person:
    """A person in the public directory (a current position in an active organisation), whom any
    signed-in user may see and so name in a form."""
    from tests.factories import PositionFactory

    person: Person = PersonFactory(**kwargs)
    PositionFactory(person=person, organisation=organisation)
    return person
