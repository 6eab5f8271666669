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

import dataclasses
import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, is_dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import (
    EmptyResultSet,
    FullResultSet,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import connection, models
from django.db.models import BooleanField, Case, Exists, Expression, F, Lookup, OuterRef, Q, QuerySet, Value, When, sql
from django.db.models.sql.where import WhereNode
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
        with the roles by :func:`forget`), and shared across requests while the roles it read are
        unchanged (:class:`SharedAnswers`). A ``QuerySet`` answer is handed out as a fresh copy, so
        no caller sees rows another one fetched."""
        cache = _request_cache(user)
        key = ("rule", rule.label, rule.action)
        now = timezone.now()
        built = cache.get(key)
        if built is not None and built[0] <= now < built[0] + RULE_REUSE:
            result, build = built[1], built[2]
        else:
            result, build, entry = shared_answers.answer(user, rule)
            cache[key] = (now, result, build, entry)
        _builds.note(build)
        return result.all() if isinstance(result, QuerySet) else result

    def _compiled(self, user: User, rule: Rule, result: RuleResult) -> Q | RuleResult:
        """The answer as a :class:`RuleCondition` over the model's own rows when it has a compiled
        form (a shared answer over the model's own columns and subqueries), else the answer."""
        if result is None:
            return result
        entry = _request_cache(user)[("rule", rule.label, rule.action)][3]
        fragment = entry.fragment(rule.model) if entry is not None else None
        return Q(RuleCondition(fragment)) if fragment is not None else result

    def condition(self, user: AnyUser | None, model: type[models.Model], action: str = "view") -> Q | None:
        """:meth:`q` for filtering or flagging ``model``'s own rows (``annotate``, ``when_allowed``):
        the shared answer's compiled SQL where it has one, so a page does not resolve and compile
        the rule's ``Q`` tree again on every request (ADR 0015)."""
        return self.condition_of(user, self.rule(model, action))

    def condition_of(self, user: AnyUser | None, rule: Rule) -> Q | None:
        """:meth:`condition` for a rule that is not registered: a part of rules a list flags its rows
        with (a meeting's minutes readable, once the meeting is visible), shared and compiled the
        same way. Never a rule of its own: asking it alone would not narrow to the visible rows."""
        if not is_active_user(user):
            return NOTHING
        assert isinstance(user, User)
        result = self._compiled(user, rule, self.answer(user, rule))
        if isinstance(result, QuerySet):
            return Q(pk__in=result.order_by().values("pk"))
        return result

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
        compiled = self._compiled(user, rule, result)
        if isinstance(compiled, QuerySet):
            return compiled
        return manager.filter(compiled)

    def restrict(self, queryset: QuerySet[M], user: AnyUser | None, action: str = "view") -> QuerySet[M]:
        """``queryset`` narrowed to the rows the user may <action> (NetBox's ``restrict``)."""
        q = self.condition(user, queryset.model, action)
        return queryset if q is None else queryset.filter(q)

    def allows(self, user: AnyUser | None, obj: models.Model, action: str = "view", *, fresh: bool = False) -> bool:
        """Whether the user may <action> on ``obj``; asked of the same rule, cached on the user.
        ``fresh``: for a row written in the transaction being checked (a service asking the rule of
        a row as it would stand): the answer is neither read from nor kept in the cache, since a
        rollback can give the row's id to another row later (SQLite reuses it)."""
        if obj.pk is None or not is_active_user(user):
            return False
        cache = _request_cache(user)
        key = (obj._meta.label, action, obj.pk)
        if fresh or key not in cache:
            q = self.condition(user, type(obj), action)
            answer = True if q is None else type(obj)._default_manager.filter(q, pk=obj.pk).exists()
            if fresh:
                return answer
            cache[key] = answer
        return bool(cache[key])

    def annotate(
        self, queryset: QuerySet[M], user: AnyUser | None, action: str, name: str | None = None
    ) -> QuerySet[M]:
        """Each row with a boolean ``name`` (default ``can_<action>``): whether the user may <action>."""
        name = name or f"can_{action}"
        q = self.condition(user, queryset.model, action)
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


# --- answers shared across requests (ADR 0015) -------------------------------------------------


@dataclass
class Build:
    """What building one answer depended on: the role values it read (``core.roles``, by key, as
    :func:`fingerprint`) and whether it may be shared (it holds no moment in time, ran no query of its own)."""

    reads: dict[str, Any] = dataclasses.field(default_factory=dict)
    shareable: bool = True

    def absorb(self, other: Build) -> None:
        self.reads.update(other.reads)
        self.shareable = self.shareable and other.shareable


class _Builds(threading.local):
    """The answers being built on this thread, innermost last: a rule built on another rule depends
    on what that one read (whether built now, kept for the request or shared)."""

    def __init__(self) -> None:
        self.stack: list[Build] = []
        self.in_provider = 0

    def note(self, build: Build) -> None:
        for outer in self.stack:
            outer.absorb(build)

    def read(self, key: str, fp: Any) -> None:
        for outer in self.stack:
            outer.reads[key] = fp

    def unshareable(self) -> None:
        for outer in self.stack:
            outer.shareable = False

    @contextmanager
    def building(self) -> Iterator[Build]:
        build = Build()
        self.stack.append(build)

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            if self.in_provider == 0:  # a query of the rule's own: its answer holds what it read
                self.unshareable()
            return execute(sql, params, many, context)

        try:
            with connection.execute_wrapper(count):
                yield build
        finally:
            self.stack.pop()

    @contextmanager
    def providing(self) -> Iterator[None]:
        """A role provider's queries (``core.roles``): what they read is a role value, noted as such."""
        self.in_provider += 1
        try:
            yield
        finally:
            self.in_provider -= 1


_builds = _Builds()


def building() -> bool:
    """Whether an answer is being built on this thread (``core.roles`` then notes what it reads)."""
    return bool(_builds.stack)


def role_read(key: str, fp: Any) -> None:
    """``core.roles`` tells the answers being built that they read role ``key`` (its fingerprint)."""
    _builds.read(key, fp)


def providing() -> Any:
    return _builds.providing()


def holds_a_time(value: Any, _depth: int = 0) -> bool:
    """Whether an answer holds a moment in time as a value (``expires_at > <now>``), anywhere in its
    ``Q`` tree, its querysets and their subqueries: such an answer is right only for now, so it is
    kept for the request (:data:`RULE_REUSE`) and never shared. Rules compare with the database's
    clock (``Now()``) where they can; a day (``today``) is part of the shared answers' key."""
    if _depth > 50:
        return True  # deeper than any rule: do not share what was not looked through
    deeper = _depth + 1
    if isinstance(value, datetime):
        return True
    if isinstance(value, Q):
        return any(holds_a_time(child, deeper) for child in value.children)
    if isinstance(value, tuple):
        return any(holds_a_time(v, deeper) for v in value)
    if isinstance(value, (list, set, frozenset)):
        return any(isinstance(v, datetime) for v in value)
    if isinstance(value, QuerySet):
        return holds_a_time(value.query, deeper)
    query = getattr(value, "query", None)  # Subquery, Exists
    if query is not None and not isinstance(value, sql.Query):
        return holds_a_time(query, deeper)
    if isinstance(value, sql.Query):
        parts = [value.where, *value.annotations.values(), *value.combined_queries]
        return any(holds_a_time(part, deeper) for part in parts)
    if isinstance(value, WhereNode):
        return any(holds_a_time(child, deeper) for child in value.children)
    if isinstance(value, Lookup):
        return holds_a_time(value.lhs, deeper) or holds_a_time(value.rhs, deeper)
    if hasattr(value, "get_source_expressions"):
        if isinstance(getattr(value, "value", None), datetime):  # Value(<a moment>)
            return True
        return any(holds_a_time(e, deeper) for e in value.get_source_expressions() if e is not None)
    return False


_PLAIN = (int, str, bool, float, type(None), date, datetime)


def _plain(value: Any) -> bool:
    """A scalar, or a tuple of scalars: its own fingerprint (an umbrella's 200 memberships as
    ``(organisation, role, name)`` tuples, a set of ids)."""
    return type(value) in _PLAIN or (type(value) is tuple and all(type(v) in _PLAIN for v in value))


def fingerprint(value: Any) -> Any:
    """A hashable value that changes whenever ``value`` does, field by field (a model row by every
    column, a dataclass by every field, including those left out of its ``==``)."""
    if type(value) in (tuple, frozenset) and all(_plain(v) for v in value):
        return value
    if isinstance(value, models.Model):
        return (type(value), tuple(getattr(value, f.attname) for f in value._meta.concrete_fields))
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value), tuple(fingerprint(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, dict):
        return frozenset((k, fingerprint(v)) for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return frozenset(fingerprint(v) for v in value)
    if isinstance(value, (tuple, list)):
        return tuple(fingerprint(v) for v in value)
    return value


class SharedAnswers:
    """Rule answers kept per process across requests: a page's rules cost their Python once per
    user and set of roles, not on every request (ADR 0015).

    The key is the rule, the user (id and flags), the day (``today`` in the active time zone) and
    which roles the request had read before asking (a rule asked before the seats were read names
    them by subquery, after by ids); the entry holds every role value its build read, and is used
    only while each still reads the same (the request reads them as the build would have: the same
    queries). An answer that holds a moment in time (:func:`holds_a_time`) or whose build ran a query of its
    own is not shared: what it holds could change without a role changing. Everything else an answer holds
    is a subquery the database evaluates at run time (grants, positions, seats by subquery), so a
    grant, a revoke or an expiry (compared with the database's ``Now()``) takes effect at once."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], SharedAnswer] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _key(self, user: User, rule: Rule) -> tuple[Any, ...]:
        from core import roles

        return (
            rule.label,
            user.pk,
            user.is_active,
            user.is_superuser,
            user.is_staff,
            timezone.localdate(),
            connection.alias,
            roles.read_keys(user),
        )

    def answer(self, user: User, rule: Rule) -> tuple[RuleResult, Build, SharedAnswer | None]:
        """The rule's answer for ``user``, what it read, and its shared entry (``None``: kept for
        the request only)."""
        from core import roles

        key = self._key(user, rule)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is not None and all(roles.fingerprint_of(user, name) == fp for name, fp in entry.build.reads.items()):
            return entry.result, entry.build, entry
        with _builds.building() as build:
            result = rule.func(user)
        if build.shareable and holds_a_time(result):
            build.shareable = False
        if not build.shareable or self.size <= 0:
            return result, build, None
        entry = SharedAnswer(result, build)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return result, build, entry


#: A table alias Django gives a subquery's tables (``U0``, ``V1``, ``AA2``): renamed in a compiled
#: answer (``R7_U0``, a number per answer) so that none can stand for an alias of the query it is
#: put in, nor of another compiled answer inside or around it.
_SUBQUERY_ALIAS = re.compile(r'(?<![\w"])([A-Z]{1,3}[0-9]+)(?![\w"])')
_fragment_numbers = itertools.count(1)


@dataclass(frozen=True, eq=False)
class Fragment:
    """A rule's answer over ``table``'s own rows compiled to SQL once: its column references name
    ``table`` (quoted) and its subqueries' aliases are its own (``R7_U0``)."""

    table: str
    sql: str
    params: tuple[Any, ...]


class SharedAnswer:
    """An answer kept across requests, with its SQL compiled the first time a page asks for it."""

    _UNSET: Any = object()

    def __init__(self, result: RuleResult, build: Build) -> None:
        self.result = result
        self.build = build
        self._fragment: Fragment | None = self._UNSET

    def fragment(self, model: type[models.Model]) -> Fragment | None:
        if self._fragment is self._UNSET:
            self._fragment = compile_fragment(model, self.result)
        return self._fragment


def compile_fragment(model: type[models.Model], result: RuleResult) -> Fragment | None:
    """``result`` (a ``Q`` over ``model``) as SQL over the model's own table, or ``None`` when it has
    no such form: it joins other tables at the top (the ``Q`` is kept and resolved as before), or
    it selects every row or none."""
    if isinstance(result, QuerySet):
        query = result.query
        if query.combinator or query.annotations or query.distinct or query.is_sliced or query.extra:
            return None
    elif isinstance(result, Q):
        query = model._default_manager.filter(result).query
    else:
        return None
    if sum(1 for alias in query.alias_map if query.alias_refcount.get(alias)) != 1:
        return None  # joins left after trimming (those trimmed stay in the map, unreferenced)
    try:
        sql_text, params = query.get_compiler(connection=connection).compile(query.where)
    except (EmptyResultSet, FullResultSet):
        return None
    if not sql_text:
        return None
    return Fragment(
        table=connection.ops.quote_name(model._meta.db_table),
        sql=_SUBQUERY_ALIAS.sub(rf"R{next(_fragment_numbers)}_\1", sql_text),
        params=tuple(params),
    )


class RuleCondition(Expression):
    """A compiled answer (:class:`Fragment`) as a boolean condition on the rows of the query it is
    put in: its column references are re-pointed at that query's alias for the table (the table's
    name at the top, ``U0`` when the query becomes a subquery), which ``relabeled_clone`` follows."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, fragment: Fragment, alias: str | None = None) -> None:
        super().__init__(output_field=BooleanField())
        self.fragment = fragment
        self.alias = alias

    def __repr__(self) -> str:
        return f"RuleCondition({self.fragment.table} AS {self.alias})"

    def resolve_expression(
        self,
        query: Any = None,
        allow_joins: bool = True,
        reuse: Any = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> RuleCondition:
        clone = RuleCondition(self.fragment, self.alias)
        if query is not None:
            clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map: Mapping[str, str]) -> RuleCondition:
        return RuleCondition(self.fragment, change_map.get(self.alias, self.alias) if self.alias else None)

    def get_group_by_cols(self) -> list[Any]:
        return []

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        fragment = self.fragment
        alias = compiler.quote_name_unless_alias(self.alias) if self.alias else fragment.table
        text = fragment.sql if alias == fragment.table else fragment.sql.replace(f"{fragment.table}.", f"{alias}.")
        return f"({text})", list(fragment.params)


shared_answers = SharedAnswers()


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
condition = rules.condition


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


class _InArrayOf(Lookup):
    """``<column> = ANY(ARRAY(<subquery>))`` on PostgreSQL (the ids read once, as an init plan),
    ``<column> IN (<subquery>)`` elsewhere. PostgreSQL estimates the array at a few rows, so an OR
    of these on indexed columns is a bitmap OR of index reads, where ``IN (<subquery>)`` in an OR
    is a hashed subplan it expects half the rows to pass (and walks a list's order index row by row
    to find the few that do)."""

    lookup_name = "in_array_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return self.rhs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        query = self.rhs.query if isinstance(self.rhs, QuerySet) else self.rhs
        sub, sub_params = compiler.compile(query)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{sub if sub.startswith('(') else f'({sub})'})", [*lhs_params, *sub_params]
        return f"{lhs} IN {sub if sub.startswith('(') else f'({sub})'}", [*lhs_params, *sub_params]


def in_array_of(field: str, ids: QuerySet[Any]) -> Q:
    """``Q(<field>__in=ids)`` (``ids`` a one-column ``values()`` queryset) in the form of
    :class:`_InArrayOf`: for the OR of a few small id sets a list filters its rows by."""
    return Q(_InArrayOf(F(field), ids.order_by()))


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
