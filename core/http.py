from __future__ import annotations

from django.http import HttpRequest

from core.models import User


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a ``login_required`` view, typed."""
    user = request.user
    assert isinstance(user, User), "request_user() is for views behind login_required"
    return user
