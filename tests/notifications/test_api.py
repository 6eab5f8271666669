"""The notification centre over the API: one's own notifications only (another's id is 404),
cursor paginated, an unread filter, mark one and all read; preferences read and changed with
field messages for bad input, all or nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import Frequency, Notification, NotificationPreference
from core.services import notification_send

pytestmark = pytest.mark.django_db


def _notes(user, n: int) -> list[Notification]:  # type: ignore[no-untyped-def]
    return [notification_send(recipient=user, title=f"Note {i}", url=f"/coordination/x/{i}/") for i in range(n)]


def test_the_list_is_ones_own_newest_first_with_an_unread_filter(world, api_for):
    mine = _notes(world.mona, 3)
    _notes(world.charlie, 2)
    mine[0].read_at = mine[0].created_at
    mine[0].save()
    api = api_for(world.mona)
    body = api.get(reverse("api:notification-list")).json()
    assert [r["id"] for r in body["results"]] == [n.pk for n in reversed(mine)]
    assert "count" not in body and "next" in body  # a cursor, no COUNT(*)
    unread = api.get(reverse("api:notification-list"), {"unread": "true"}).json()["results"]
    assert {r["id"] for r in unread} == {mine[1].pk, mine[2].pk} and not any(r["read"] for r in unread)
    read = api.get(reverse("api:notification-list"), {"unread": "false"}).json()["results"]
    assert [r["id"] for r in read] == [mine[0].pk]


def test_the_cursor_walks_every_page_once(world, api_for):
    notes = _notes(world.mona, 7)
    api = api_for(world.mona)
    url, seen = reverse("api:notification-list") + "?page_size=3", []
    while url:
        body = api.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert seen == [n.pk for n in reversed(notes)]


def test_anothers_notification_is_404_to_read_and_to_mark(world, api_for):
    theirs = _notes(world.charlie, 1)[0]
    api = api_for(world.mona)
    assert api.get(reverse("api:notification-detail", args=[theirs.pk])).status_code == 404
    assert api.post(reverse("api:notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_and_mark_all_touch_only_ones_own(world, api_for):
    mine = _notes(world.mona, 3)
    theirs = _notes(world.charlie, 1)[0]
    api = api_for(world.mona)
    answer = api.post(reverse("api:notification-read", args=[mine[0].pk]))
    assert answer.status_code == 200 and answer.json()["read"] is True
    assert Notification.objects.filter(recipient=world.mona, read_at__isnull=True).count() == 2
    assert api.post(reverse("api:notification-read-all")).json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=world.mona, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_signed_out_callers_get_401(client, db):
    assert client.get(reverse("api:notification-list")).status_code == 401
    assert client.get(reverse("api:notification-preferences")).status_code == 401


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_costs_the_same_whatever_the_notifications(world, api_for, n, django_assert_max_num_queries):
    _notes(world.mona, n)
    api = api_for(world.mona)
    with django_assert_max_num_queries(6):
        assert api.get(reverse("api:notification-list")).status_code == 200


def test_preferences_are_read_and_changed_per_kind(world, api_for):
    api = api_for(world.mona)
    rows = {r["kind"]: r for r in api.get(reverse("api:notification-preferences")).json()}
    assert rows["coordination.meeting_reminder"]["frequency"] == Frequency.IMMEDIATELY
    assert "core.digest" not in rows  # not a kind people choose
    answer = api.patch(
        reverse("api:notification-preferences"),
        {"frequencies": {"coordination.meeting_reminder": "daily", "infosharing.item_review": "off"}},
        format="json",
    )
    assert answer.status_code == 200
    rows = {r["kind"]: r["frequency"] for r in answer.json()}
    assert rows["coordination.meeting_reminder"] == "daily" and rows["infosharing.item_review"] == "off"
    assert NotificationPreference.objects.get(user=world.mona, kind="infosharing.item_review").frequency == "off"
    assert not NotificationPreference.objects.filter(user=world.charlie).exists()


def test_bad_preferences_answer_400_with_field_messages_and_save_nothing(world, api_for):
    api = api_for(world.mona)
    answer = api.patch(
        reverse("api:notification-preferences"),
        {"frequencies": {"coordination.meeting_reminder": "daily", "no.such": "off", "core.digest": "hourly"}},
        format="json",
    )
    assert answer.status_code == 400
    errors = answer.json()["frequencies"]
    assert set(errors) == {"no.such", "core.digest"}
    assert not NotificationPreference.objects.filter(user=world.mona).exists()
    assert api.patch(reverse("api:notification-preferences"), {}, format="json").status_code == 400
