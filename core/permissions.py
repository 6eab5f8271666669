"""The permission registry: every rule of every app, registered once, asked through one API.

Each app states its rules in its own ``permissions.py`` and registers them per model and action::

    @rules.register(Organisation, "view")
    def organisations_visible_rule(user: User) -> Q | None:
        ...

A rule takes an *active, signed-in* user (anonymous and deactivated users never reach a rule: they
are allowed nothing) and answers with

* ``None``: every row of the model;
* a ``Q`` over the model: the rows allowed;
* a ``QuerySet`` of the model: the rows allowed (for rules the planner needs in a special shape).

Everything else derives from that one statement (see docs/adr/0009-permission-registry.md):

* :func:`visible` / :func:`restrict`: the rows a user may <action>, for lists, search, exports,
  counts, history, dashboard panels, notifications and tasks;
* :func:`get_or_404`: one object; a forbidden object and a missing one give the same 404;
* :func:`allows`: whether one object is allowed (cached per user object for the request);
* :func:`annotate`: a per-row boolean for lists (an Edit button and the 403 never disagree);
* the base classes in ``core.api`` (serializer related fields, filters, viewsets), ``core.forms``
  (form foreign keys) and :func:`require_visible` (service foreign-key arguments) all ask
  :func:`visible`, so a new endpoint is safe by default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models
from django.db.models import BooleanField, Case, Exists, F, Lookup, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import User

M = TypeVar("M", bound=models.Model)
AnyUser = User | AnonymousUser
RuleResult = Q | QuerySet[Any] | None
RuleFunc = Callable[[User], RuleResult]

NOTHING = Q(pk__in=[])

#: A rule's answer is built once per user object (the request's user) and reused for this long: a
#: page asks the same rule many times (the list, its per-row flags, the filters' choices, the rules
#: built on it). Older answers are built again, so their "today" and "now" stay current.
RULE_REUSE = timedelta(seconds=5)

#: The one message for a foreign key the caller may not use, whether the row is missing or hidden.
NOT_FOUND_MESSAGE = _("Select a valid choice. That choice is not one of the available choices.")


def is_active_user(user: AnyUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_platform_admin(user: AnyUser | None) -> bool:
    """The one definition of a platform admin: an active superuser."""
    return bool(is_active_user(user) and getattr(user, "is_superuser", False))


@dataclass(frozen=True)
class Rule:
    model: type[models.Model]
    action: str
    func: RuleFunc

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.action}"


class PermissionRegistry:
    """Rules per (model, action). Apps register theirs when their ``permissions`` module is
    imported, which each app's ``AppConfig.ready`` does."""

    def __init__(self) -> None:
        self._rules: dict[tuple[type[models.Model], str], Rule] = {}

    def register(self, model: type[M], action: str) -> Callable[[RuleFunc], RuleFunc]:
        def decorator(func: RuleFunc) -> RuleFunc:
            key = (model, action)
            existing = self._rules.get(key)
            if existing is not None and existing.func.__qualname__ != func.__qualname__:
                raise ImproperlyConfigured(f"Two rules for {model._meta.label}.{action}")
            self._rules[key] = Rule(model=model, action=action, func=func)
            return func

        return decorator

    def rule(self, model: type[models.Model], action: str) -> Rule:
        model = model._meta.concrete_model or model
        try:
            return self._rules[(model, action)]
        except KeyError:
            raise ImproperlyConfigured(
                f"No permission rule registered for {model._meta.label}.{action}: register one in the app's "
                "permissions.py"
            ) from None

    def has_rule(self, model: type[models.Model], action: str = "view") -> bool:
        return (model._meta.concrete_model or model, action) in self._rules

    def rules(self) -> list[Rule]:
        return sorted(self._rules.values(), key=lambda r: r.label)

    # --- the one API ---------------------------------------------------------------------------

    def answer(self, user: User, rule: Rule) -> RuleResult:
        """``rule.func(user)``, built once per user object and reused for :data:`RULE_REUSE` (dropped
        with the roles by :func:`forget`). A ``QuerySet`` answer is handed out as a fresh copy, so no
        caller sees rows another one fetched."""
        cache = _request_cache(user)
        key = ("rule", rule.label, rule.action)
        now = timezone.now()
        built = cache.get(key)
        if built is not None and built[0] <= now < built[0] + RULE_REUSE:
            result = built[1]
        else:
            result = rule.func(user)
            cache[key] = (now, result)
        return result.all() if isinstance(result, QuerySet) else result

    def q(self, user: AnyUser | None, model: type[models.Model], action: str = "view") -> Q | None:
        """The rule as a ``Q`` over ``model`` (``None``: every row)."""
        rule = self.rule(model, action)
        if not is_active_user(user):
            return NOTHING
        assert isinstance(user, User)
        result = self.answer(user, rule)
        if isinstance(result, QuerySet):
            return Q(pk__in=result.order_by().values("pk"))
        return result

    def visible(self, user: AnyUser | None, model: type[M], action: str = "view") -> QuerySet[M]:
        """Every row of ``model`` the user may <action>."""
        rule = self.rule(model, action)
        manager = model._default_manager
        if not is_active_user(user):
            return manager.none()
        assert isinstance(user, User)
        result = self.answer(user, rule)
        if result is None:
            return manager.all()
        if isinstance(result, QuerySet):
            return result
        return manager.filter(result)

    def restrict(self, queryset: QuerySet[M], user: AnyUser | None, action: str = "view") -> QuerySet[M]:
        """``queryset`` narrowed to the rows the user may <action> (NetBox's ``restrict``)."""
        q = self.q(user, queryset.model, action)
        return queryset if q is None else queryset.filter(q)

    def allows(self, user: AnyUser | None, obj: models.Model, action: str = "view") -> bool:
        """Whether the user may <action> on ``obj``; asked of the same rule, cached on the user."""
        if obj.pk is None or not is_active_user(user):
            return False
        cache = _request_cache(user)
        key = (obj._meta.label, action, obj.pk)
        if key not in cache:
            q = self.q(user, type(obj), action)
            cache[key] = True if q is None else type(obj)._default_manager.filter(q, pk=obj.pk).exists()
        return bool(cache[key])

    def annotate(
        self, queryset: QuerySet[M], user: AnyUser | None, action: str, name: str | None = None
    ) -> QuerySet[M]:
        """Each row with a boolean ``name`` (default ``can_<action>``): whether the user may <action>."""
        name = name or f"can_{action}"
        q = self.q(user, queryset.model, action)
        if q is None:
            annotated: QuerySet[M] = queryset.annotate(**{name: Value(True, output_field=BooleanField())})
            return annotated
        allowed_rows = queryset.model._default_manager.filter(q, pk=OuterRef("pk"))
        flagged: QuerySet[M] = queryset.annotate(**{name: Exists(allowed_rows)})
        return flagged

    def get_or_404(
        self, user: AnyUser | None, model_or_queryset: type[M] | QuerySet[M], action: str = "view", **lookup: Any
    ) -> M:
        qs = (
            self.restrict(model_or_queryset, user, action)
            if isinstance(model_or_queryset, QuerySet)
            else self.visible(user, model_or_queryset, action)
        )
        return get_visible_or_404(qs, **lookup)


def _request_cache(user: AnyUser | None) -> dict[tuple[str, str, Any], Any]:
    cache = getattr(user, "_roundtable_perm_cache", None)
    if cache is None:
        cache = {}
        user._roundtable_perm_cache = cache  # type: ignore[union-attr]
    return cache


def forget(user: AnyUser | None) -> None:
    """Drop what was cached on the user object (roles, answers) after their access changed."""
    for attr in ("_roundtable_perm_cache", "_roundtable_roles", "_roundtable_scopes"):
        if user is not None and hasattr(user, attr):
            delattr(user, attr)


rules = PermissionRegistry()
register = rules.register
visible = rules.visible
restrict = rules.restrict
allows = rules.allows
annotate = rules.annotate
get_or_404 = rules.get_or_404
rule_q = rules.q


# --- foreign keys: what a caller may name ------------------------------------------------------


def require_visible(actor: AnyUser | None, action: str = "view", **objects: models.Model | None) -> None:
    """Service helper: every foreign-key argument must be a row the actor may <action>; otherwise a
    ``ValidationError`` on that field with the same message a missing row gets (no existence oracle,
    no name of the hidden row)."""
    errors: dict[str, list[str]] = {}
    for field, obj in objects.items():
        if obj is None:
            continue
        if not allows(actor, obj, action):
            errors[field] = [str(NOT_FOUND_MESSAGE)]
    if errors:
        raise ValidationError(errors)


# --- helpers rules are written with ----------------------------------------------------------


def in_force_q(prefix: str = "", today: date | None = None) -> Q:
    """The one definition of "current" for anything dated from/to (a position, a committee
    membership): started (or no start date) and not ended (or no end date), today.
    ``prefix`` is the lookup path to the dated row, e.g. ``"positions__"``."""
    today = today or timezone.localdate()
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": today})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


def is_in_force(start_date: date | None, end_date: date | None, today: date | None = None) -> bool:
    """:func:`in_force_q` for one row already loaded."""
    today = today or timezone.localdate()
    return (start_date is None or start_date <= today) and (end_date is None or end_date >= today)


def subtree_q(field: str, paths: Iterable[str]) -> Q:
    """Objects whose ``field`` (a materialised path) lies in any of the subtrees ``paths``."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


class _AnyOf(Lookup):
    """``<column> IN (ids)`` with the ids as one array parameter on PostgreSQL (``= ANY(%s)``, the
    form PostgreSQL turns a literal ``IN`` list into anyway): building and compiling a lookup over
    a few hundred ids costs the ORM a few milliseconds per value list, one parameter costs nothing."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return [int(v) for v in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, self.rhs]
        if not self.rhs:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]


def ids_in(field: str, ids: Iterable[int]) -> Q:
    """``Q(<field>__in=ids)`` for an integer column and many ids (the user's organisations), cheap to
    build and compile whatever their number; the same rows."""
    return Q(_AnyOf(F(field), sorted(ids)))


def get_visible_or_404(queryset: QuerySet[M], **lookup: object) -> M:
    """One object from an already-narrowed queryset; 404 whether missing or forbidden."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):  # type: ignore[attr-defined]
        raise Http404 from None


def allowed(queryset: QuerySet[M], obj: M) -> bool:
    """Whether ``obj`` is in the queryset that states a rule (one query, the rule stays in one place)."""
    return queryset.filter(pk=obj.pk).exists()


def require(condition: bool, message: str | None = None) -> None:
    if not condition:
        raise PermissionDenied(message or _("You may not do that."))


def when_allowed(q: Q | None) -> Case:
    """A ``Case`` expression for annotating a rule ``Q`` as a boolean column."""
    if q is None:
        return Case(default=Value(True), output_field=BooleanField())
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())
