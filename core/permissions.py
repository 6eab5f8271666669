"""Permission plumbing shared by every app.

Each app states its rules in its own ``permissions.py`` as *querysets*: "the objects of this kind
that ``user`` may <action>". Everything else derives from that one statement:

* selectors return ``visible(user)`` querysets, so lists, search, exports and counts agree;
* detail lookups go through :func:`get_visible_or_404`, so a forbidden object and a missing one
  give the same 404;
* object checks (``can_change`` and friends) ask the same queryset about one primary key, so the
  rule is never written twice;
* guardian object grants (direct-foreign-key tables) are folded in with :func:`granted_ids`.

See docs/adr/0002-permissions-and-visibility.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from core.models import User

M = TypeVar("M", bound=models.Model)
AnyUser = User | AnonymousUser


def subtree_q(field: str, paths: Iterable[str]) -> Q:
    """Objects whose ``field`` (a materialised path) lies in any of the subtrees ``paths``."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def granted_ids(
    user: AnyUser, user_perm_model: type[models.Model], group_perm_model: type[models.Model], codename: str
) -> Q:
    """A ``Q`` on ``pk`` for objects granted ``codename`` to the user or one of the user's groups
    through guardian's direct-foreign-key permission tables."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    direct = user_perm_model._default_manager.filter(user=user, permission__codename=codename)
    via_group = group_perm_model._default_manager.filter(group__in=user.groups.all(), permission__codename=codename)
    return Q(pk__in=direct.values("content_object_id")) | Q(pk__in=via_group.values("content_object_id"))


def get_visible_or_404(queryset: QuerySet[M], **lookup: object) -> M:
    """One object from an already-narrowed queryset; 404 whether missing or forbidden."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise Http404 from None


def allowed(queryset: QuerySet[M], obj: M) -> bool:
    """Whether ``obj`` is in the queryset that states a rule (one query, the rule stays in one place)."""
    return queryset.filter(pk=obj.pk).exists()


def require(condition: bool, message: str = "You may not do that.") -> None:
    if not condition:
        raise PermissionDenied(message)
