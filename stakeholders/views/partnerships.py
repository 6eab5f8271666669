"""Partnerships between organisations."""

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
    PartnershipForm,
)
from stakeholders.models import Partnership
from stakeholders.views._common import (
    _form_page,
    _query_without_page,
    _save,
)


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Partnership.Kind.values else ""
    partnerships = selectors.partnership_list_visible_to(user, kind=kind)
    return render(
        request,
        "stakeholders/partnership_list.html",
        {
            "page": Paginator(partnerships, 50).get_page(request.GET.get("page")),
            "kinds": Partnership.Kind.choices,
            "kind": kind,
            "query": _query_without_page(request),
            "can_add": permissions.organisations_changeable(user).exists(),
        },
    )


@login_required
def partnership_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not permissions.organisations_changeable(user).exists():
        raise PermissionDenied
    form = PartnershipForm(request.POST or None, user=user, initial={"organisation": request.GET.get("organisation")})
    if request.method == "POST" and form.is_valid():
        partnership = _save(form, lambda: services.partnership_create(actor=user, **form.cleaned_data))
        if partnership is not None:
            messages.success(request, _("Partnership recorded."))
            return redirect(partnership.organisation)
    return _form_page(request, form, _("Record a partnership"), reverse("stakeholders:partnership-list"))


@login_required
def partnership_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = selectors.partnership_get_for_user(user, pk)
    if not partnership.can_change:  # type: ignore[attr-defined]
        raise PermissionDenied
    form = PartnershipForm(request.POST or None, instance=partnership, user=user)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.partnership_update(actor=user, partnership=partnership, **form.cleaned_data))
    ):
        messages.success(request, _("Partnership saved."))
        return redirect(partnership.organisation)
    return _form_page(request, form, _("Edit the partnership"), partnership.organisation.get_absolute_url())
