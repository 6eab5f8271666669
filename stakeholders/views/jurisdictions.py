"""The jurisdiction tree and its pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.http import request_user
from stakeholders import permissions, selectors, services
from stakeholders.forms import (
    JurisdictionForm,
)
from stakeholders.views._common import (
    _save,
)


@login_required
def jurisdiction_tree(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "stakeholders/jurisdiction_tree.html",
        {
            "roots": selectors.jurisdiction_tree_for_user(user),
            "can_add": permissions.jurisdictions_manageable(user).exists(),
        },
    )


@login_required
def jurisdiction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    jurisdiction = selectors.jurisdiction_get_for_user(user, pk)
    organisations = selectors.organisation_list_visible_to(user, jurisdiction=jurisdiction)
    return render(
        request,
        "stakeholders/jurisdiction_detail.html",
        {
            "jurisdiction": jurisdiction,
            "ancestors": selectors.jurisdiction_ancestors(jurisdiction),
            "children": jurisdiction.children.all(),
            "organisations": organisations[:50],
            "organisation_count": organisations.count(),
            "can_change": permissions.can_change_jurisdiction(user, jurisdiction),
            "can_add_under": permissions.can_add_jurisdiction_under(user, jurisdiction),
        },
    )


@login_required
def jurisdiction_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not permissions.jurisdictions_manageable(user).exists():
        raise PermissionDenied
    form = JurisdictionForm(request.POST or None, user=user, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        jurisdiction = _save(form, lambda: services.jurisdiction_create(actor=user, **form.cleaned_data))
        if jurisdiction is not None:
            messages.success(request, _("Jurisdiction “%(name)s” added.") % {"name": jurisdiction.name})
            return redirect(jurisdiction)
    return render(request, "stakeholders/form.html", {"form": form, "title": _("Add a jurisdiction")})


@login_required
def jurisdiction_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    jurisdiction = selectors.jurisdiction_get_for_user(user, pk)
    if not permissions.can_change_jurisdiction(user, jurisdiction):
        raise PermissionDenied
    form = JurisdictionForm(request.POST or None, instance=jurisdiction, user=user)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form, lambda: services.jurisdiction_update(actor=user, jurisdiction=jurisdiction, **form.cleaned_data)
        )
    ):
        messages.success(request, _("Jurisdiction saved."))
        return redirect(jurisdiction)
    return render(
        request,
        "stakeholders/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": jurisdiction.name},
            "cancel_url": jurisdiction.get_absolute_url(),
        },
    )
