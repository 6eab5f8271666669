"""Pages of the national frameworks plans follow: the list, one page per version (its pillars, the
plans under it), adopting a framework, revising it (a new version; the old one is kept as it is),
correcting a version no plan follows yet, and comparing two versions' pillars.

Thin views: reads through :mod:`actionplans.selectors`, writes through :mod:`actionplans.services`
(checked against the framework's manage rule, validated, in one transaction, audited), with the
same form page as the other write pages (:func:`actionplans.views_edit._page`).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from actionplans import forms as f
from actionplans import selectors, services
from actionplans.models import Framework, Pillar
from actionplans.permissions import Perm
from actionplans.views_edit import _page, _post
from core.http import request_user
from core.permissions import allows, require
from core.selectors import audit_list_for

FORM_TEMPLATE = "actionplans/edit/framework_form.html"


def _list_url() -> str:
    return reverse("actionplans:framework-list")


@login_required
@require_safe
def framework_list(request: HttpRequest) -> HttpResponse:
    """Each framework's current version, with every version and the plans under it the user may see."""
    user = request_user(request)
    q = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.framework_list_visible_to(user, q=q), 25).get_page(request.GET.get("page"))
    versions = selectors.framework_versions_of(user, [framework.name for framework in page])
    rows = [(framework, versions.get(framework.name) or [framework]) for framework in page]
    context = {"page": page, "rows": rows, "q": q, "can_adopt": selectors.may_adopt_frameworks(user)}
    return render(request, "actionplans/framework_list.html", context)


def _family(user: object, framework: Framework) -> tuple[list[Framework], Framework | None, Framework | None]:
    """Every version of the framework (newest first), the one before this one and the one after."""
    versions = selectors.framework_versions_of(user, [framework.name]).get(framework.name) or [framework]  # type: ignore[arg-type]
    older = [v for v in versions if v.version < framework.version]
    newer = [v for v in versions if v.version > framework.version]
    return versions, (older[0] if older else None), (newer[-1] if newer else None)


@login_required
@require_safe
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    framework = selectors.framework_get_for_user(user, pk)
    versions, previous, following = _family(user, framework)
    plans = Paginator(selectors.framework_plans(user, framework), 50).get_page(request.GET.get("page"))
    context = {
        "framework": framework,
        "pillars": list(framework.pillars.order_by("order", "code")),
        "versions": versions,
        "previous": previous,
        "next": following,
        "current": versions[0],
        "plans": plans,
        "can_manage": framework.can_manage,  # type: ignore[attr-defined]
        "history": list(audit_list_for(framework)[:20]) if framework.can_manage else [],  # type: ignore[attr-defined]
    }
    return render(request, "actionplans/framework_detail.html", context)


@login_required
@require_safe
def framework_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions of the framework (``a`` and ``b``, version numbers; by default this version and
    the one before it): the pillars added, removed and renamed, matched by code."""
    user = request_user(request)
    framework = selectors.framework_get_for_user(user, pk)
    versions, previous, _following = _family(user, framework)
    by_number = {v.version: v for v in versions}
    form = f.VersionDiffForm(request.GET or None)
    if form.is_valid():
        a, b = by_number.get(form.cleaned_data["a"]), by_number.get(form.cleaned_data["b"])
        if a is None or b is None:
            raise Http404
    else:
        a, b = previous or framework, framework
    pillars: dict[int, list[Pillar]] = {a.pk: [], b.pk: []}
    for pillar in Pillar.objects.filter(framework__in=[a.pk, b.pk]).order_by("order", "code"):
        pillars[pillar.framework_id].append(pillar)
    context = {
        "framework": framework,
        "versions": versions,
        "a": a,
        "b": b,
        "diff": selectors.pillar_diff(pillars[a.pk], pillars[b.pk]),
    }
    return render(request, "actionplans/framework_compare.html", context)


@login_required
def framework_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(selectors.may_adopt_frameworks(user), _("Only coordinators adopt frameworks."))
    form = f.FrameworkForm(_post(request), user=user)
    pillars = f.pillar_formset(_post(request))
    return _page(
        request,
        form=form,
        formsets=(pillars,),
        save=lambda: services.framework_create(
            actor=user,
            name=form.cleaned_data["name"],
            jurisdiction=form.cleaned_data["jurisdiction"],
            adopted_on=form.cleaned_data.get("adopted_on"),
            pillars=f.pillars_from(pillars),
        ),
        context={"title": _("Adopt a framework"), "back_url": _list_url()},
        done=_("The framework is adopted."),
        template=FORM_TEMPLATE,
    )


def _managed(request: HttpRequest, pk: int) -> Framework:
    user = request_user(request)
    framework = selectors.framework_get_for_user(user, pk)
    require(allows(user, framework, Perm.MANAGE), _("You may not change this framework."))
    return framework


@login_required
def framework_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version, starting from a copy of this version's pillars; this version stays as it is."""
    user = request_user(request)
    framework = _managed(request, pk)
    form = f.FrameworkVersionForm(_post(request))
    pillars = f.pillar_formset(_post(request), framework=framework)
    return _page(
        request,
        form=form,
        formsets=(pillars,),
        save=lambda: services.framework_revise(
            actor=user,
            framework=framework,
            adopted_on=form.cleaned_data.get("adopted_on"),
            pillars=f.pillars_from(pillars),
        ),
        context={
            "title": _("Revise: a new version of %(name)s") % {"name": framework.name},
            "framework": framework,
            "revising": True,
            "back_url": framework.get_absolute_url(),
        },
        done=_("Version %(new)s is adopted; version %(old)s is kept as it was.")
        % {"new": framework.version + 1, "old": framework.version},
        template=FORM_TEMPLATE,
    )


@login_required
def framework_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a version no plan follows yet; once one does, the page says to revise instead. The
    form carries the version's ETag as read, so a correction saved in between answers 409."""
    user = request_user(request)
    framework = _managed(request, pk)
    etag = services.framework_etag(framework, framework.pillars.all())
    form = f.FrameworkEditForm(_post(request), initial={"adopted_on": framework.adopted_on, "etag": etag})
    pillars = f.pillar_formset(_post(request), framework=framework)
    return _page(
        request,
        form=form,
        formsets=(pillars,),
        save=lambda: services.framework_update(
            actor=user,
            framework=framework,
            adopted_on=form.cleaned_data.get("adopted_on"),
            pillars=f.pillars_from(pillars),
            expected_etag=form.cleaned_data.get("etag") or None,
        ),
        context={
            "title": _("Edit version %(n)s") % {"n": framework.version},
            "framework": framework,
            "in_use": framework.in_use,  # type: ignore[attr-defined]
            "back_url": framework.get_absolute_url(),
        },
        done=_("The version is saved."),
        template=FORM_TEMPLATE,
    )
