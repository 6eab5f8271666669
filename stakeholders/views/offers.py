"""Resource offers."""

from __future__ import annotations

from typing import Any

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
    OfferFilterForm,
    OfferForm,
)
from stakeholders.models import ResourceOffer
from stakeholders.views._common import (
    _form_page,
    _query_without_page,
    _save,
)


@login_required
def offer_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    filters = OfferFilterForm(request.GET or None, user=user, initial={"status": ResourceOffer.Status.OPEN})
    data: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {"status": ResourceOffer.Status.OPEN}
    offers = selectors.offer_list_visible_to(
        user, jurisdiction=data.get("jurisdiction"), status=data.get("status") or "", kind=data.get("kind") or ""
    )
    return render(
        request,
        "stakeholders/offer_list.html",
        {
            "filters": filters,
            "page": Paginator(offers, 50).get_page(request.GET.get("page")),
            "query": _query_without_page(request),
            "can_add": permissions.can_record_offers(user),
        },
    )


@login_required
def offer_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not permissions.can_record_offers(user):
        raise PermissionDenied
    form = OfferForm(request.POST or None, user=user, initial={"organisation": request.GET.get("organisation")})
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.offer_create(actor=user, **form.cleaned_data))
    ):
        messages.success(request, _("Offer recorded."))
        return redirect("stakeholders:offer-list")
    return _form_page(request, form, _("Record a resource offer"), reverse("stakeholders:offer-list"))


@login_required
def offer_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    offer = selectors.offer_get_for_user(user, pk)
    if not offer.can_change:  # type: ignore[attr-defined]
        raise PermissionDenied
    form = OfferForm(request.POST or None, instance=offer, user=user)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.offer_update(actor=user, offer=offer, **form.cleaned_data))
    ):
        messages.success(request, _("Offer saved."))
        return redirect("stakeholders:offer-list")
    return _form_page(request, form, _("Edit the offer"), reverse("stakeholders:offer-list"))
