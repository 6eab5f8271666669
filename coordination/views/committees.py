"""Pages of the coordination app: thin views over the selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coordination import permissions, selectors, services
from coordination.forms import (
    CommitteeFilterForm,
    CommitteeForm,
    MembershipForm,
    ProposeItemForm,
)
from coordination.models import CommitteeMembership
from coordination.views._common import _attempt, _htmx
from core.http import request_user
from core.pagination import keyset_page
from core.selectors import audit_list_for
from core.widgets import near_first


@login_required
def committee_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    filters = CommitteeFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    committees = selectors.committee_list_visible_to(
        user, q=data.get("q") or "", kind=data.get("kind") or "", status=data.get("status") or ""
    )
    page = keyset_page(request, committees)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "can_add": permissions.can_create_committee(user),
    }
    template = "coordination/partials/committee_table.html" if _htmx(request) else "coordination/committee_list.html"
    return render(request, template, context)


@login_required
def committee_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not permissions.can_create_committee(user):
        raise PermissionDenied
    form = CommitteeForm(request.POST or None, user=user, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            request,
            lambda: services.committee_create(actor=user, **form.cleaned_data),
            form=form,
            success=lambda committee: _("Committee “%(name)s” created.") % {"name": committee.name},
        )
        if done:
            committee = done.value
            return redirect(committee)
    return render(
        request,
        "coordination/form.html",
        {"form": form, "title": _("Create a committee"), "cancel_url": reverse("coordination:committee-list")},
    )


@login_required
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    members = list(selectors.committee_members(committee))
    composition = selectors.committee_composition(committee, members)
    can_manage = permissions.can_manage_committee(user, committee)
    can_change = permissions.can_change_committee(user, committee)
    return render(
        request,
        "coordination/committee_detail.html",
        {
            "committee": committee,
            "members": members,
            "co_chairs": [m for m in members if m.role in CommitteeMembership.CHAIR_ROLES],
            "composition": composition,
            "chart_data": composition.chart_data(),
            "children": selectors.committee_children_visible_to(user, committee),
            "upcoming": selectors.committee_meetings(committee, upcoming=True),
            "past": selectors.committee_meetings(committee, upcoming=False),
            "backlog": selectors.committee_backlog(committee),
            "can_manage": can_manage,
            "can_change": can_change,
            "can_propose": can_manage or any(m.person.user_id == user.pk for m in members),
            "propose_form": ProposeItemForm(),
            "history": audit_list_for(committee)[:15] if can_change else [],
            "papers": selectors.committee_papers(user, committee),
        },
    )


@login_required
def committee_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    if not permissions.can_change_committee(user, committee):
        raise PermissionDenied
    form = CommitteeForm(request.POST or None, instance=committee, user=user)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            request,
            lambda: services.committee_update(actor=user, committee=committee, **form.cleaned_data),
            form=form,
            success=_("Committee saved."),
        )
        if done:
            return redirect(committee)
    return render(
        request,
        "coordination/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": committee.name},
            "cancel_url": committee.get_absolute_url(),
        },
    )


@login_required
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    if not permissions.can_manage_committee(user, committee):
        raise PermissionDenied
    form = MembershipForm(request.POST or None, user=user)
    near_first(form, committee.jurisdiction.path)  # the committee's own district's people first
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            request,
            lambda: services.membership_add(actor=user, committee=committee, **form.cleaned_data),
            form=form,
            success=lambda membership: _("%(name)s added to the committee.") % {"name": membership.person},
        )
        if done:
            if "add_another" in request.POST:
                return redirect("coordination:membership-add", pk=committee.pk)
            return redirect(committee)
    return render(
        request,
        "coordination/form.html",
        {
            "form": form,
            "title": _("Add a member to %(name)s") % {"name": committee.name},
            "cancel_url": committee.get_absolute_url(),
            "add_another": True,
        },
    )


@login_required
@require_POST
def membership_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    membership = committee.memberships.select_related("person").filter(pk=membership_pk).first()
    if membership is None:
        raise Http404
    _attempt(
        request,
        lambda: services.membership_end(actor=user, membership=membership),
        success=_("%(name)s is no longer a member.") % {"name": membership.person},
    )
    return redirect(committee)


@login_required
@require_POST
def backlog_propose(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    form = ProposeItemForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.agenda_item_propose(actor=user, committee=committee, **form.cleaned_data),
            success=_("Item proposed to the backlog."),
        )
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
    return redirect(f"{committee.get_absolute_url()}#backlog")
