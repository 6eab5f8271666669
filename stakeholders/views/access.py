"""Pages where coordinators and organisation admins give and take away access, with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import request_user
from core.permissions import get_visible_or_404
from stakeholders import permissions, selectors, services
from stakeholders.forms import JurisdictionRoleGrantForm, OrganisationMemberInviteForm, RevokeForm


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
def jurisdiction_access(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    jurisdiction = selectors.jurisdiction_get_for_user(user, pk)
    if not permissions.can_grant_roles_in(user, jurisdiction):
        raise PermissionDenied
    form = JurisdictionRoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            granted = services.jurisdiction_access_grant(
                actor=user, jurisdiction=jurisdiction, base_url=_base_url(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s of %(place)s.")
                % {"user": granted.user, "role": granted.get_role_display().lower(), "place": jurisdiction.name},
            )
            return redirect("stakeholders:jurisdiction-access", pk=jurisdiction.pk)
    return render(
        request,
        "stakeholders/access/jurisdiction.html",
        {
            "jurisdiction": jurisdiction,
            "roles": selectors.jurisdiction_roles_for_user(user, jurisdiction),
            "form": form,
            "revoke_form": RevokeForm(),
        },
    )


@login_required
@require_POST
def jurisdiction_role_revoke(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    user = request_user(request)
    jurisdiction = selectors.jurisdiction_get_for_user(user, pk)
    role = get_visible_or_404(selectors.jurisdiction_roles_for_user(user, jurisdiction), pk=role_pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason to take a role away."))
    else:
        services.jurisdiction_role_revoke(actor=user, role=role, reason=form.cleaned_data["reason"])
        messages.success(request, _("Role removed."))
    return redirect("stakeholders:jurisdiction-access", pk=jurisdiction.pk)


@login_required
def organisation_people(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    organisation = selectors.organisation_get_for_user(user, pk)
    if not permissions.can_change_organisation(user, organisation):
        raise PermissionDenied
    form = OrganisationMemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.organisation_member_invite(
                actor=user, organisation=organisation, base_url=_base_url(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("%(user)s now belongs to %(org)s.") % {"user": membership.user, "org": organisation.name}
            )
            return redirect("stakeholders:organisation-people", pk=organisation.pk)
    return render(
        request,
        "stakeholders/access/organisation.html",
        {
            "organisation": organisation,
            "members": selectors.organisation_members_for_user(user, organisation),
            "form": form,
            "revoke_form": RevokeForm(),
        },
    )


@login_required
@require_POST
def organisation_member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    user = request_user(request)
    organisation = selectors.organisation_get_for_user(user, pk)
    membership = get_visible_or_404(selectors.organisation_members_for_user(user, organisation), pk=membership_pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason to remove someone."))
    else:
        services.organisation_membership_remove(actor=user, membership=membership, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("%(user)s no longer belongs to %(org)s.") % {"user": membership.user, "org": organisation.name}
        )
    return redirect("stakeholders:organisation-people", pk=organisation.pk)
