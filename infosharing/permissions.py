"""Who may do what with shared information: one rule per model and action, registered in
``core.permissions``. See docs/adr/0011-information-sharing.md.

* Content is read through grants only (and TLP:CLEAR by every signed-in user): no role, however
  senior (platform admin, coordinator, liaison, sharing admin), reads an item by rank alone.
* The **originator** (the user who created the item) reads it, manages its grants and is the only
  one who may change its label.
* A **sharing admin** of an organisation (``SharingAdmin``, appointed by a platform admin) configures
  agreements where the organisation is a party, decides access requests for the organisation's items
  and reads their access logs; a platform admin configures templates and agreements and reads logs.
* The "view" rule of items reads the visibility table (``ItemVisibility``) that the services keep in
  step with the grants; :func:`item_ids_from_grants` states the same rule from the grants themselves
  (the property test holds the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from core import roles
from core.models import GranteeKind, User
from core.permissions import AnyUser, is_active_user, is_platform_admin, register
from infosharing.models import (
    TLP,
    AccessLog,
    AccessRequest,
    Acknowledgement,
    Attachment,
    InformationItem,
    ItemGrant,
    ItemVisibility,
    SharingAgreement,
    Template,
    TrainingRecord,
    grant_in_force_q,
)

NOTHING = Q(pk__in=[])


class Action:
    VIEW = "view"
    DOWNLOAD = "download"  # attachments and exports: not for read-only access
    VIEW_LOG = "view_log"
    MANAGE_GRANTS = "manage_grants"
    SHARE = "share"
    RELABEL = "relabel"
    DECIDE_REQUESTS = "decide_requests"
    MANAGE = "manage"
    DECIDE = "decide"


@dataclass(frozen=True)
class SharingRoles:
    """A user's principals and sharing roles, read once per request (``roles.of(user, "infosharing")``)."""

    user_id: int
    organisation_ids: frozenset[int]
    committee_ids: frozenset[int]
    sharing_admin_org_ids: frozenset[int]
    is_platform_admin: bool

    def principals(self) -> list[tuple[str, int]]:
        out = [(GranteeKind.USER.value, self.user_id), (ItemVisibility.EVERYONE, 0)]
        out += [(GranteeKind.ORGANISATION.value, i) for i in sorted(self.organisation_ids)]
        out += [(GranteeKind.COMMITTEE.value, i) for i in sorted(self.committee_ids)]
        return out

    @property
    def is_sharing_admin(self) -> bool:
        return bool(self.sharing_admin_org_ids)


@roles.provider("infosharing")
def sharing_roles(user: User) -> SharingRoles:
    """The user's organisations and current committees come from the role resolver's principals
    (read once per request, shared with every app); only the sharing-admin appointments are read here."""
    from infosharing.models import SharingAdmin

    return SharingRoles(
        user_id=user.pk,
        organisation_ids=roles.principals(user, GranteeKind.ORGANISATION),
        committee_ids=roles.principals(user, GranteeKind.COMMITTEE),
        sharing_admin_org_ids=frozenset(
            SharingAdmin.objects.filter(user=user).values_list("organisation_id", flat=True)
        ),
        is_platform_admin=is_platform_admin(user),
    )


@roles.bulk_provider("infosharing")
def sharing_roles_of_many(users: list[User]) -> dict[int, SharingRoles]:
    """The same for many users in one query (a batch of notifications checks its recipients)."""
    from django.db.models import CharField, Value

    from coordination.models import CommitteeMembership
    from coordination.permissions import current_memberships_q
    from infosharing.models import SharingAdmin
    from stakeholders.models import OrganisationMembership

    ids = [u.pk for u in users]
    tag = lambda k: Value(k, output_field=CharField())  # noqa: E731
    orgs = OrganisationMembership.objects.filter(user_id__in=ids).annotate(k=tag("o"))
    committees = CommitteeMembership.objects.filter(current_memberships_q(), person__user_id__in=ids).annotate(
        k=tag("c")
    )
    admins = SharingAdmin.objects.filter(user_id__in=ids).annotate(k=tag("a"))
    rows = (
        orgs.order_by()
        .values_list("user_id", "k", "organisation_id")
        .union(
            committees.order_by().values_list("person__user_id", "k", "committee_id"),
            admins.order_by().values_list("user_id", "k", "organisation_id"),
            all=True,
        )
    )
    found: dict[int, dict[str, set[int]]] = {pk: {"o": set(), "c": set(), "a": set()} for pk in ids}
    for user_id, kind, pk in rows:
        found[user_id][kind].add(pk)
    return {
        u.pk: SharingRoles(
            user_id=u.pk,
            organisation_ids=frozenset(found[u.pk]["o"]),
            committee_ids=frozenset(found[u.pk]["c"]),
            sharing_admin_org_ids=frozenset(found[u.pk]["a"]),
            is_platform_admin=is_platform_admin(u),
        )
        for u in users
    }


def roles_of(user: AnyUser | None) -> SharingRoles | None:
    result: SharingRoles | None = roles.of(user, "infosharing")
    return result


def principals_q(user: AnyUser | None, kind_field: str = "grantee_kind", id_field: str = "grantee_id") -> Q:
    r = roles_of(user)
    if r is None:
        return NOTHING
    q = NOTHING
    by_kind: dict[str, list[int]] = {}
    for kind, pk in r.principals():
        by_kind.setdefault(kind, []).append(pk)
    for kind, ids in by_kind.items():
        q |= Q(**{kind_field: kind, f"{id_field}__in": ids})
    return q


def live_item_q(prefix: str = "") -> Q:
    """Items not erased and within their retention (an expiry hides the item before the job erases it)."""
    return Q(**{f"{prefix}erased_at__isnull": True}) & Q(**{f"{prefix}retention_until__gte": timezone.localdate()})


def visibility_rows(user: AnyUser | None) -> QuerySet[ItemVisibility]:
    now = timezone.now()
    return ItemVisibility.objects.filter(principals_q(user)).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


# --- Items -------------------------------------------------------------------------------------


def item_view_rule(user: User) -> Q:
    """Items granted to the user, an organisation they belong to or a committee they sit on, their
    own items, and TLP:CLEAR items: read from the visibility table."""
    return Q(pk__in=visibility_rows(user).values("item_id")) & live_item_q()


def item_ids_from_grants(user: AnyUser | None) -> Q:
    """The view rule stated from the grants and labels alone (what the visibility table must equal)."""
    if not is_active_user(user):
        return NOTHING
    assert isinstance(user, User)
    granted = ItemGrant.objects.filter(grant_in_force_q(), principals_q(user))
    return (Q(originator=user) | Q(label=TLP.CLEAR) | Q(pk__in=granted.values("target_id"))) & live_item_q()


def item_download_rule(user: User) -> Q:
    """Attachments and exports: the item is visible and the access is not read-only."""
    read = ItemGrant.objects.filter(grant_in_force_q(), principals_q(user), permission=ItemGrant.Permission.READ)
    return item_view_rule(user) & (Q(originator=user) | Q(label=TLP.CLEAR) | Q(pk__in=read.values("target_id")))


def _originator_or_admin_q(user: User) -> Q:
    r = roles_of(user)
    assert r is not None
    return Q(originator=user) | Q(organisation_id__in=sorted(r.sharing_admin_org_ids))


def item_view_log_rule(user: User) -> Q | None:
    """Who has seen this: the originator, the originating organisation's sharing admins, platform admins
    (the log holds metadata, never content)."""
    if is_platform_admin(user):
        return None
    return _originator_or_admin_q(user)


def item_manage_grants_rule(user: User) -> Q:
    """The originator and the originating organisation's sharing admins see and revoke grants."""
    return _originator_or_admin_q(user) & Q(erased_at__isnull=True)


def item_share_rule(user: User) -> Q:
    """New grants: as ``manage_grants``, for labelled items within retention (the service also checks the
    agreement and the label's limits)."""
    return item_manage_grants_rule(user) & ~Q(label="") & live_item_q()


def item_relabel_rule(user: User) -> Q:
    """Only the originator changes an item's label."""
    return Q(originator=user) & Q(erased_at__isnull=True)


def item_decide_requests_rule(user: User) -> Q:
    """Access requests are decided by the originator and the originating organisation's sharing admins."""
    return _originator_or_admin_q(user) & Q(erased_at__isnull=True)


# --- Attachments -------------------------------------------------------------------------------


def attachment_view_rule(user: User) -> Q:
    return Q(item__in=InformationItem.objects.filter(item_view_rule(user)).values("pk")) & Q(erased_at__isnull=True)


def attachment_download_rule(user: User) -> Q:
    return Q(item__in=InformationItem.objects.filter(item_download_rule(user)).values("pk")) & Q(erased_at__isnull=True)


# --- Grants, requests, the log -----------------------------------------------------------------


def grant_view_rule(user: User) -> Q | None:
    if is_platform_admin(user):
        return None
    return Q(target__in=InformationItem.objects.filter(_originator_or_admin_q(user)).values("pk"))


def request_view_rule(user: User) -> Q:
    """The requester and those who decide; the request itself is restricted."""
    deciders = InformationItem.objects.filter(item_decide_requests_rule(user)).values("pk")
    return Q(requester=user) | Q(item__in=deciders)


def request_decide_rule(user: User) -> Q:
    deciders = InformationItem.objects.filter(item_decide_requests_rule(user)).values("pk")
    return Q(item__in=deciders) & Q(status=AccessRequest.Status.PENDING)


def log_view_rule(user: User) -> Q | None:
    if is_platform_admin(user):
        return None
    items = InformationItem.objects.filter(_originator_or_admin_q(user)).values("pk")
    manage = agreement_manage_rule(user)
    agreements = (SharingAgreement.objects.all() if manage is None else SharingAgreement.objects.filter(manage)).values(
        "pk"
    )
    return Q(item__in=items) | Q(item__isnull=True, agreement__in=agreements)


# --- Agreements, templates, acknowledgements, training ----------------------------------------


def agreement_view_rule(user: User) -> Q | None:
    """Platform admins; the parties' people and sharing admins; members of its client committees."""
    if is_platform_admin(user):
        return None
    r = roles_of(user)
    assert r is not None
    orgs = sorted(r.organisation_ids | r.sharing_admin_org_ids)
    parties = SharingAgreement.objects.filter(parties__organisation_id__in=orgs).values("pk")
    clients = SharingAgreement.objects.filter(client_committees__in=sorted(r.committee_ids)).values("pk")
    return Q(pk__in=parties) | Q(pk__in=clients)


def agreement_manage_rule(user: User) -> Q | None:
    """Platform admins, and sharing admins of a party organisation."""
    if is_platform_admin(user):
        return None
    r = roles_of(user)
    assert r is not None
    return Q(
        pk__in=SharingAgreement.objects.filter(parties__organisation_id__in=sorted(r.sharing_admin_org_ids)).values(
            "pk"
        )
    )


def can_create_agreement(user: AnyUser | None) -> bool:
    r = roles_of(user)
    return bool(r and (r.is_platform_admin or r.is_sharing_admin))


def template_view_rule(user: User) -> None:
    """Templates are the standard formats: every signed-in user may see them."""
    return None


def template_manage_rule(user: User) -> Q | None:
    return None if can_create_agreement(user) else NOTHING


def acknowledgement_view_rule(user: User) -> Q | None:
    if is_platform_admin(user):
        return None
    return Q(user=user) | Q(
        agreement__in=SharingAgreement.objects.filter(agreement_manage_rule(user) or Q()).values("pk")
    )


def training_view_rule(user: User) -> Q | None:
    if can_create_agreement(user):
        return None
    return Q(user=user)


def training_manage_rule(user: User) -> Q | None:
    return None if can_create_agreement(user) else NOTHING


def can_appoint_sharing_admins(user: AnyUser | None) -> bool:
    return is_platform_admin(user)


def can_see_sharing_permissions(user: AnyUser | None) -> bool:
    """The "everything organisation X or person Y can see" page: platform admins and sharing admins
    (names and labels only, never content)."""
    return can_create_agreement(user)


# --- Registration: one rule per model and action ------------------------------------------

register(InformationItem, Action.VIEW)(item_view_rule)
register(InformationItem, Action.DOWNLOAD)(item_download_rule)
register(InformationItem, Action.VIEW_LOG)(item_view_log_rule)
register(InformationItem, Action.MANAGE_GRANTS)(item_manage_grants_rule)
register(InformationItem, Action.SHARE)(item_share_rule)
register(InformationItem, Action.RELABEL)(item_relabel_rule)
register(InformationItem, Action.DECIDE_REQUESTS)(item_decide_requests_rule)
register(Attachment, Action.VIEW)(attachment_view_rule)
register(Attachment, Action.DOWNLOAD)(attachment_download_rule)
register(ItemGrant, Action.VIEW)(grant_view_rule)
register(AccessRequest, Action.VIEW)(request_view_rule)
register(AccessRequest, Action.DECIDE)(request_decide_rule)
register(AccessLog, Action.VIEW)(log_view_rule)
register(SharingAgreement, Action.VIEW)(agreement_view_rule)
register(SharingAgreement, Action.MANAGE)(agreement_manage_rule)
register(Template, Action.VIEW)(template_view_rule)
register(Template, Action.MANAGE)(template_manage_rule)
register(Acknowledgement, Action.VIEW)(acknowledgement_view_rule)
register(TrainingRecord, Action.VIEW)(training_view_rule)
register(TrainingRecord, Action.MANAGE)(training_manage_rule)
