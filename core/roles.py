"""The role resolver: a user's roles and scopes, read once per request, contributed by each app.

Apps register a *role provider* at start-up (in their ``permissions`` module, imported by
``AppConfig.ready``)::

    @roles.provider("stakeholders")
    def stakeholder_scopes(user: User) -> Scopes: ...

and read it back with ``roles.of(user, "stakeholders")``. A provider runs at most once per user
object (the request's ``request.user``), so a page that asks many questions reads roles once.

*Principals* are what grants are made to (``core.models.ObjectGrant``): the user themself, plus
what apps contribute (``"organisation"``: the organisations the user currently belongs to;
``"committee"``: the committees the user currently sits on). A grant to an organisation therefore
means its current members: membership changes need no grant rewrites.

No app imports an app above it to learn roles: a lower app that needs a higher app's principals
(the registry needs committee fellowship for contact details) asks this resolver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from core import permissions as _perm
from core.models import GranteeKind, User
from core.permissions import AnyUser, ids_in, is_active_user

Provider = Callable[[User], Any]
PrincipalProvider = Callable[[User], frozenset[int]]
#: The same answer for many users at once, in a fixed number of queries: ``{user id: value}``.
BulkProvider = Callable[[list[User]], dict[int, Any]]

_providers: dict[str, Provider] = {}
_principal_providers: dict[str, PrincipalProvider] = {}
#: The same principals as a subquery, for a grant rule asked before anything read the ids.
_principal_subqueries: dict[str, Callable[[User], Any]] = {}
_bulk_providers: dict[str, BulkProvider] = {}
_bulk_principal_providers: dict[str, BulkProvider] = {}


def provider(name: str) -> Callable[[Provider], Provider]:
    def decorator(func: Provider) -> Provider:
        _providers[name] = func
        return func

    return decorator


def principal_provider(kind: str) -> Callable[[PrincipalProvider], PrincipalProvider]:
    """``kind`` is a ``GranteeKind`` value; ``func(user)`` gives the ids of that kind the user holds."""

    def decorator(func: PrincipalProvider) -> PrincipalProvider:
        _principal_providers[kind] = func
        return func

    return decorator


def principal_subquery(kind: str) -> Callable[[Callable[[User], Any]], Callable[[User], Any]]:
    """``func(user)`` gives the principal ids of ``kind`` as a ``values()`` queryset: the same rows
    as the principal provider. :func:`principal_q` uses it while the ids are not read yet for the
    request, so a page whose only need for them is a grant rule (the registry's lists, for grants
    to committees) reads them inside that rule's query instead of with a query of their own."""

    def decorator(func: Callable[[User], Any]) -> Callable[[User], Any]:
        _principal_subqueries[kind] = func
        return func

    return decorator


def bulk_provider(name: str) -> Callable[[BulkProvider], BulkProvider]:
    """Register how provider ``name`` answers for many users at once (used by :func:`prefetch`);
    it must give what the one-user provider gives for each of them."""

    def decorator(func: BulkProvider) -> BulkProvider:
        _bulk_providers[name] = func
        return func

    return decorator


def bulk_principal_provider(kind: str) -> Callable[[BulkProvider], BulkProvider]:
    def decorator(func: BulkProvider) -> BulkProvider:
        _bulk_principal_providers[kind] = func
        return func

    return decorator


def prefetch(users: list[User]) -> None:
    """Resolve the roles and principals of many users at once (a batch of notifications checks
    each recipient's right to its subject): a fixed number of queries for the whole list instead
    of a few per user. Providers without a bulk form still run per user when first asked."""
    active = [u for u in users if is_active_user(u)]
    if not active:
        return
    for name, func in _bulk_providers.items():
        todo = [u for u in active if f"roles:{name}" not in _cache(u)]
        if todo:
            found = func(todo)
            for u in todo:
                _cache(u)[f"roles:{name}"] = found[u.pk]  # a bulk provider answers for every user
    for kind, func in _bulk_principal_providers.items():
        todo = [u for u in active if f"principals:{kind}" not in _cache(u)]
        if todo:
            found = func(todo)
            for u in todo:
                _cache(u)[f"principals:{kind}"] = found.get(u.pk, frozenset())


def of(user: AnyUser | None, name: str, default: Any = None) -> Any:
    """The roles app ``name`` resolved for ``user`` (``default`` for anonymous or inactive users)."""
    if not is_active_user(user):
        return default
    assert isinstance(user, User)
    cache: dict[str, Any] = _cache(user)
    key = f"roles:{name}"
    if key not in cache:
        try:
            func = _providers[name]
        except KeyError:
            raise LookupError(f"No role provider named {name!r}") from None
        with _perm.providing():
            cache[key] = func(user)
    if _perm.building():
        _perm.role_read(key, _fingerprint(cache, key))
    return cache[key]


def principals(user: AnyUser | None, kind: str) -> frozenset[int]:
    """Ids of ``kind`` (``GranteeKind``) the user holds as a principal."""
    if not is_active_user(user):
        return frozenset()
    assert isinstance(user, User)
    if kind == GranteeKind.USER:
        return frozenset({user.pk})
    cache: dict[str, Any] = _cache(user)
    key = f"principals:{kind}"
    if key not in cache:
        func = _principal_providers.get(kind)
        with _perm.providing():
            cache[key] = func(user) if func is not None else frozenset()
    if _perm.building():
        _perm.role_read(key, _fingerprint(cache, key))
    result: frozenset[int] = cache[key]
    return result


def read_keys(user: User) -> frozenset[str]:
    """The roles and principals read so far for this user object (the request)."""
    return frozenset(k for k in _cache(user) if not k.startswith("fp:"))


def fingerprint_of(user: User, key: str) -> Any:
    """The fingerprint of role ``key`` (``roles:<name>`` or ``principals:<kind>``), reading it as
    :func:`of` or :func:`principals` would if the request has not yet."""
    kind, _, name = key.partition(":")
    if kind == "roles":
        of(user, name)
    else:
        principals(user, name)
    return _fingerprint(_cache(user), key)


def _fingerprint(cache: dict[str, Any], key: str) -> Any:
    fp_key = f"fp:{key}"
    if fp_key not in cache:
        cache[fp_key] = _perm.fingerprint(cache[key])
    return cache[fp_key]


def principal_q(user: AnyUser | None, kind_field: str = "grantee_kind", id_field: str = "grantee_id") -> Q:
    """Rows naming one of the user's principals (a grant's grantee)."""
    if not is_active_user(user):
        return Q(pk__in=[])
    q = Q(pk__in=[])
    assert isinstance(user, User)
    for kind in GranteeKind.values:
        subquery = _principal_subqueries.get(kind)
        if subquery is not None and f"principals:{kind}" not in _cache(user):
            q |= Q(**{kind_field: kind, f"{id_field}__in": subquery(user)})
            continue
        ids = principals(user, kind)
        if ids:
            q |= Q(**{kind_field: kind}) & ids_in(id_field, ids)
    return q


def forget(user: AnyUser | None) -> None:
    """Drop the user's cached roles after they changed (the next question reads them again)."""
    from core.permissions import forget as forget_all

    forget_all(user)


def _cache(user: User) -> dict[str, Any]:
    cache: dict[str, Any] | None = getattr(user, "_roundtable_roles", None)
    if cache is None:
        cache = {}
        user._roundtable_roles = cache  # type: ignore[attr-defined]
    return cache


# --- contributions: a higher app widens a lower app's rule without being imported by it ---------

Contribution = Callable[[User], Q]
_contributions: dict[str, list[Contribution]] = {}


def contribute(point: str) -> Callable[[Contribution], Contribution]:
    """Register ``func(user) -> Q`` at the extension point ``point`` (named by the lower app, e.g.
    ``"stakeholders.person_contact"``: coordination adds "fellow committee members")."""

    def decorator(func: Contribution) -> Contribution:
        funcs = _contributions.setdefault(point, [])
        if all(f.__qualname__ != func.__qualname__ or f.__module__ != func.__module__ for f in funcs):
            funcs.append(func)
        return func

    return decorator


def contributions_q(user: AnyUser | None, point: str) -> Q:
    """The OR of every contribution at ``point`` for an active user (nothing when there are none)."""
    q = Q(pk__in=[])
    if not is_active_user(user):
        return q
    assert isinstance(user, User)
    for func in _contributions.get(point, []):
        q |= func(user)
    return q
