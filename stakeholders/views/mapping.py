"""The stakeholder map: list, power/interest grid, coverage heatmap."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.http import request_user
from stakeholders import permissions, selectors, services
from stakeholders.forms import (
    MappingForm,
)
from stakeholders.models import StakeholderMapping
from stakeholders.views._common import (
    _form_page,
    _int_param,
    _query_without_page,
    _save,
)


@login_required
def mapping_index(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    jurisdictions = selectors.mapping_jurisdiction_list(user).filter(
        level__in=["national", "province", "district", "city"]
    )
    return render(request, "stakeholders/mapping_index.html", {"jurisdictions": jurisdictions[:200]})


@login_required
def mapping_list(request: HttpRequest, jurisdiction_pk: int) -> HttpResponse:
    user = request_user(request)
    jurisdiction = selectors.mapping_jurisdiction_get_for_user(user, jurisdiction_pk)
    influence, interest = _int_param(request, "influence"), _int_param(request, "interest")
    mappings = selectors.mapping_list_visible_to(
        user, jurisdiction=jurisdiction, influence=influence, interest=interest
    )
    return render(
        request,
        "stakeholders/mapping_list.html",
        {
            "jurisdiction": jurisdiction,
            "page": Paginator(mappings, 50).get_page(request.GET.get("page")),
            "query": _query_without_page(request),
            "influence": influence,
            "interest": interest,
            "can_change": permissions.can_map_in(user, jurisdiction),
        },
    )


@login_required
def mapping_create(request: HttpRequest, jurisdiction_pk: int) -> HttpResponse:
    user = request_user(request)
    jurisdiction = selectors.mapping_jurisdiction_get_for_user(user, jurisdiction_pk)
    if not permissions.can_map_in(user, jurisdiction):
        raise PermissionDenied
    form = MappingForm(
        request.POST or None,
        user=user,
        jurisdiction=jurisdiction,
        initial={"organisation": request.GET.get("organisation")},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.mapping_create(actor=user, jurisdiction=jurisdiction, **form.cleaned_data))
    ):
        messages.success(request, _("Stakeholder mapped."))
        return redirect("stakeholders:mapping-list", jurisdiction.pk)
    return _form_page(
        request,
        form,
        _("Map a stakeholder in %(place)s") % {"place": jurisdiction.name},
        reverse("stakeholders:mapping-list", args=[jurisdiction.pk]),
    )


@login_required
def mapping_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    mapping: StakeholderMapping = selectors.mapping_get_for_user(user, pk)
    if not mapping.can_change:  # type: ignore[attr-defined]
        raise PermissionDenied
    form = MappingForm(request.POST or None, instance=mapping, user=user, jurisdiction=mapping.jurisdiction)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.mapping_update(actor=user, mapping=mapping, **form.cleaned_data))
    ):
        messages.success(request, _("Stakeholder map saved."))
        return redirect("stakeholders:mapping-list", mapping.jurisdiction_id)
    return _form_page(
        request,
        form,
        _("Edit the mapping of %(org)s") % {"org": mapping.organisation.name},
        reverse("stakeholders:mapping-list", args=[mapping.jurisdiction_id]),
    )


@login_required
def mapping_grid(request: HttpRequest, jurisdiction_pk: int) -> HttpResponse:
    user = request_user(request)
    jurisdiction = selectors.mapping_jurisdiction_get_for_user(user, jurisdiction_pk)
    return render(
        request,
        "stakeholders/mapping_grid.html",
        {
            "jurisdiction": jurisdiction,
            "grid": selectors.power_interest_grid(user, jurisdiction),
            "interests": range(1, 6),
        },
    )


@login_required
def mapping_heatmap(request: HttpRequest, jurisdiction_pk: int) -> HttpResponse:
    user = request_user(request)
    jurisdiction = selectors.mapping_jurisdiction_get_for_user(user, jurisdiction_pk)
    min_engagement = _int_param(request, "min_engagement") or 1
    return render(
        request,
        "stakeholders/mapping_heatmap.html",
        {
            "jurisdiction": jurisdiction,
            "heatmap": selectors.coverage_heatmap(user, jurisdiction, min_engagement=min_engagement),
            "engagement_levels": StakeholderMapping.Engagement.choices,
            "directory_url": reverse("stakeholders:organisation-list"),
        },
    )
