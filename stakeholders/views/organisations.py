"""The organisation directory, an organisation's page, its forms and exports."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.http import request_user
from core.models import User
from core.pagination import keyset_page
from core.selectors import audit_list_for
from stakeholders import exporting, permissions, selectors, services
from stakeholders.forms import (
    DirectoryFilterForm,
    OrganisationForm,
)
from stakeholders.models import Organisation
from stakeholders.views._common import (
    XLSX_TYPE,
    _attachment,
    _export_name,
    _query_without_page,
    _save,
)


def _directory(request: HttpRequest, user: User) -> tuple[DirectoryFilterForm, QuerySet[Organisation]]:
    """The directory as filtered by the query string (the page and its exports agree)."""
    filters = DirectoryFilterForm(request.GET or None, user=user)
    data = filters.cleaned_data if filters.is_valid() else {}
    organisations = selectors.organisation_list_visible_to(
        user,
        q=data.get("q") or "",
        sector=data.get("sector"),
        jurisdiction=data.get("jurisdiction"),
        kind=data.get("kind") or "",
        engaged_in=data.get("engaged_in"),
        min_engagement=data.get("min_engagement"),
        here_only=bool(data.get("here_only")),
    )
    return filters, organisations


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    filters, organisations = _directory(request, user)
    page = keyset_page(request, organisations)
    engaged_in = filters.cleaned_data.get("engaged_in") if filters.is_bound and filters.is_valid() else None
    context = {
        "filters": filters,
        "page": page,
        "query": _query_without_page(request),
        "engaged_in": engaged_in,
        "can_add": permissions.can_add_organisation(user),
        "can_import": permissions.can_import(user),
    }
    template = (
        "stakeholders/partials/organisation_table.html"
        if request.htmx  # type: ignore[attr-defined]
        else "stakeholders/organisation_list.html"
    )
    return render(request, template, context)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    organisation = selectors.organisation_get_for_user(user, pk)
    can_change = permissions.can_change_organisation(user, organisation)
    partnerships = list(selectors.partnership_list_visible_to(user, organisation=organisation))
    return render(
        request,
        "stakeholders/organisation_detail.html",
        {
            "organisation": organisation,
            "parent": selectors.organisation_parent_visible_to(user, organisation),
            "children": selectors.organisation_children_visible_to(user, organisation),
            "members": selectors.organisation_members_for_user(user, organisation),
            "positions": selectors.position_list_for_organisation(user, organisation)[:100],
            "partnerships": partnerships,
            "network": selectors.organisation_network(user, organisation, partnerships),
            "offers": selectors.offer_list_visible_to(user, organisation=organisation)[:20],
            "mappings": selectors.mapping_list_visible_to(user, organisation=organisation),
            "can_change": can_change,
            "history": audit_list_for(organisation)[:20] if can_change else [],
        },
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not permissions.can_add_organisation(user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        organisation = _save(form, lambda: services.organisation_create(actor=user, **form.cleaned_data))
        if organisation is not None:
            messages.success(request, _("Organisation “%(name)s” registered.") % {"name": organisation.name})
            return redirect(organisation)
    return render(request, "stakeholders/form.html", {"form": form, "title": _("Register an organisation")})


@login_required
def organisation_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    organisation = selectors.organisation_get_for_user(user, pk)
    if not permissions.can_change_organisation(user, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation, user=user)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form, lambda: services.organisation_update(actor=user, organisation=organisation, **form.cleaned_data)
        )
    ):
        messages.success(request, _("Organisation saved."))
        return redirect(organisation)
    return render(
        request,
        "stakeholders/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": organisation.name},
            "cancel_url": organisation.get_absolute_url(),
        },
    )


@login_required
@require_safe
def organisation_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered directory as CSV, XLSX or Popolo JSON (organisations, their people, memberships)."""
    user = request_user(request)
    _filters, organisations = _directory(request, user)
    organisations = organisations.order_by("name", "id")
    header = exporting.ORGANISATION_EXPORT_COLUMNS
    if fmt == "csv":
        rows = exporting.csv_stream(header, exporting.organisation_rows(organisations))
        return _attachment(StreamingHttpResponse(rows, content_type="text/csv"), _export_name("organisations", "csv"))
    if fmt == "xlsx":
        data = exporting.xlsx_bytes("Organisations", header, exporting.organisation_rows(organisations))
        return _attachment(HttpResponse(data, content_type=XLSX_TYPE), _export_name("organisations", "xlsx"))
    if fmt == "json":
        people = selectors.person_list_visible_to(user).filter(
            pk__in=permissions.positions_visible(user)
            .filter(organisation__in=organisations.values("pk"))
            .values("person_id")
        )
        body = json.dumps(
            exporting.popolo(organisations.select_related("sector", "jurisdiction"), people),
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            indent=1,
        )
        return _attachment(HttpResponse(body, content_type="application/json"), _export_name("popolo", "json"))
    raise Http404
