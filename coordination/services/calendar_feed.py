"""Writes to committees and meetings. Each function checks the actor, validates, writes and audits"""

from __future__ import annotations

import secrets

from django.db import transaction

from coordination.models import (
    CalendarFeedToken,
)
from core.models import User
from core.services import audit_record


def calendar_feed_token_get(*, user: User) -> CalendarFeedToken:
    token, _created = CalendarFeedToken.objects.get_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
    return token


@transaction.atomic
def calendar_feed_token_reset(*, user: User) -> CalendarFeedToken:
    """A new secret feed URL; the old one stops working at once."""
    CalendarFeedToken.objects.filter(user=user).delete()
    token = CalendarFeedToken.objects.create(user=user, token=secrets.token_urlsafe(32))
    audit_record(actor=user, action="calendar_feed.reset", target=user)
    return token
