"""The notification centre: the bell, the list, mark read, mark all read, preferences."""

from __future__ import annotations

import pytest

from core.models import Frequency, Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def _notify(user, n: int, url: str = "/coordination/") -> list[Notification]:  # type: ignore[no-untyped-def]
    return [Notification.objects.create(recipient=user, title=f"Thing {i}", url=url) for i in range(n)]


def test_the_bell_shows_the_unread_count_on_every_page(world, client_for):
    _notify(world.mona, 3)
    page = client_for(world.mona).get("/profile/")
    assert 'id="notification-bell"' in page.text and 'data-unread="3"' in page.text
    assert 'data-unread="' not in client_for(world.charlie).get("/profile/").text


@pytest.mark.parametrize("n", [2, 30])
def test_the_list_shows_ones_own_notifications_in_a_fixed_number_of_queries(
    world, client_for, n, django_assert_max_num_queries
):
    _notify(world.mona, n)
    _notify(world.charlie, 1)
    client = client_for(world.mona)
    with django_assert_max_num_queries(12):
        page = client.get("/profile/notifications/")
    assert page.status_code == 200
    assert page.text.count("data-notification=") == n


def test_following_a_notification_marks_it_read_and_opens_its_link(world, client_for):
    (mine,) = _notify(world.mona, 1, url="/registry/organisations/")
    response = client_for(world.mona).get(f"/profile/notifications/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == "/registry/organisations/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    # Another's notification: 404, and it stays unread.
    (theirs,) = _notify(world.mona, 1)
    assert client_for(world.charlie).get(f"/profile/notifications/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_link_elsewhere_is_not_followed(world, client_for):
    (evil,) = _notify(world.mona, 1, url="https://evil.example/")
    response = client_for(world.mona).get(f"/profile/notifications/{evil.pk}/")
    assert response["Location"] == "/profile/notifications/"


def test_mark_one_and_mark_all_read_touch_only_ones_own(world, client_for):
    first, second = _notify(world.mona, 2)
    (other,) = _notify(world.charlie, 1)
    client = client_for(world.mona)
    client.post("/profile/notifications/read/", {"id": [first.pk, other.pk]})
    assert Notification.objects.filter(read_at__isnull=False).get() == first
    client.post("/profile/notifications/read/")
    assert not Notification.objects.filter(recipient=world.mona, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_preferences_are_saved_per_kind_with_time_zone_and_language(world, client_for):
    client = client_for(world.mona)
    page = client.get("/profile/notifications/preferences/")
    assert page.status_code == 200 and "coordination.decision_overdue" in page.text
    response = client.post(
        "/profile/notifications/preferences/",
        {"kind-coordination.decision_overdue": "daily", "time_zone": "Europe/Skopje", "language": "mk"},
    )
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=world.mona, kind="coordination.decision_overdue")
    assert pref.frequency == Frequency.DAILY
    world.mona.refresh_from_db()
    assert (world.mona.time_zone, world.mona.language) == ("Europe/Skopje", "mk")


def test_bad_preferences_say_what_is_wrong_and_save_nothing(world, client_for):
    client = client_for(world.mona)
    response = client.post(
        "/profile/notifications/preferences/",
        {"kind-coordination.decision_overdue": "hourly", "time_zone": "Nowhere/Atlantis"},
    )
    assert response.status_code == 400 and "frequencies" in response.text
    assert not NotificationPreference.objects.filter(user=world.mona).exists()
    response = client.post("/profile/notifications/preferences/", {"time_zone": "Nowhere/Atlantis"})
    assert response.status_code == 400 and "not a known time zone" in response.text
    assert not NotificationPreference.objects.filter(user=world.mona).exists()  # nothing half-saved


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    assert client.get("/profile/notifications/").status_code == 302
