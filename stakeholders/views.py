from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.models import User
from core.selectors import audit_list_for
from stakeholders import permissions, selectors, services
from stakeholders.forms import DirectoryFilterForm, JurisdictionForm, OrganisationForm


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def jurisdiction_tree(request: HttpRequest) -> HttpResponse:
    user = _user(request)
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
    user = _user(request)
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
    user = _user(request)
    if not permissions.jurisdictions_manageable(user).exists():
        raise PermissionDenied
    form = JurisdictionForm(request.POST or None, user=user, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        try:
            jurisdiction = services.jurisdiction_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Jurisdiction “%(name)s” added.") % {"name": jurisdiction.name})
            return redirect(jurisdiction)
    return render(request, "stakeholders/form.html", {"form": form, "title": _("Add a jurisdiction")})


@login_required
def jurisdiction_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    jurisdiction = selectors.jurisdiction_get_for_user(user, pk)
    if not permissions.can_change_jurisdiction(user, jurisdiction):
        raise PermissionDenied
    form = JurisdictionForm(request.POST or None, instance=jurisdiction, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.jurisdiction_update(actor=user, jurisdiction=jurisdiction, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Jurisdiction saved."))
            return redirect(jurisdiction)
    return render(
        request, "stakeholders/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": jurisdiction.name},
         "cancel_url": jurisdiction.get_absolute_url()},
    )


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = DirectoryFilterForm(request.GET or None, user=user)
    data = filters.cleaned_data if filters.is_valid() else {}
    organisations = selectors.organisation_list_visible_to(
        user,
        q=data.get("q") or "",
        sector=data.get("sector"),
        jurisdiction=data.get("jurisdiction"),
        kind=data.get("kind") or "",
    )
    page = Paginator(organisations, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "can_add": permissions.can_add_organisation(user),
    }
    template = (
        "stakeholders/partials/organisation_table.html" if request.htmx else "stakeholders/organisation_list.html"
    )
    return render(request, template, context)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation = selectors.organisation_get_for_user(user, pk)
    can_change = permissions.can_change_organisation(user, organisation)
    return render(
        request,
        "stakeholders/organisation_detail.html",
        {
            "organisation": organisation,
            "children": selectors.organisation_children_visible_to(user, organisation),
            "members": selectors.organisation_members_for_user(user, organisation),
            "can_change": can_change,
            "history": audit_list_for(organisation)[:20] if can_change else [],
        },
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.can_add_organisation(user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Organisation “%(name)s” registered.") % {"name": organisation.name})
            return redirect(organisation)
    return render(request, "stakeholders/form.html", {"form": form, "title": _("Register an organisation")})


@login_required
def organisation_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation = selectors.organisation_get_for_user(user, pk)
    if not permissions.can_change_organisation(user, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect(organisation)
    return render(
        request, "stakeholders/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": organisation.name},
         "cancel_url": organisation.get_absolute_url()},
    )
