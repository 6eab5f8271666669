"""People: the list, a person's page, forms, exports, login invitations, positions."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.http import request_user
from core.models import User
from core.pagination import keyset_page
from core.selectors import audit_list_for
from stakeholders import exporting, permissions, selectors, services
from stakeholders.forms import (
    LoginLinkAccountForm,
    PersonFilterForm,
    PersonForm,
    PositionForm,
)
from stakeholders.views._common import (
    XLSX_TYPE,
    _attachment,
    _export_name,
    _form_page,
    _query_without_page,
    _save,
)


def _people(request: HttpRequest, user: User) -> tuple[PersonFilterForm, QuerySet[Any]]:
    filters = PersonFilterForm(request.GET or None, user=user)
    data = filters.cleaned_data if filters.is_valid() else {}
    people = selectors.person_list_visible_to(
        user, q=data.get("q") or "", organisation=data.get("organisation"), jurisdiction=data.get("jurisdiction")
    )
    return filters, people


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    filters, people = _people(request, user)
    context = {
        "filters": filters,
        "page": keyset_page(request, people),
        "query": _query_without_page(request),
        "can_add": permissions.can_add_person(user),
        "can_import": permissions.can_import(user),
    }
    template = (
        "stakeholders/partials/person_table.html"
        if request.htmx  # type: ignore[attr-defined]
        else "stakeholders/person_list.html"
    )
    return render(request, template, context)


@login_required
@require_safe
def person_list_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    user = request_user(request)
    _filters, people = _people(request, user)
    header = exporting.PERSON_EXPORT_COLUMNS
    rows = exporting.person_rows(people.iterator(chunk_size=1000))
    if fmt == "csv":
        return _attachment(
            StreamingHttpResponse(exporting.csv_stream(header, rows), content_type="text/csv"),
            _export_name("people", "csv"),
        )
    if fmt == "xlsx":
        return _attachment(
            HttpResponse(exporting.xlsx_bytes("People", header, rows), content_type=XLSX_TYPE),
            _export_name("people", "xlsx"),
        )
    raise Http404


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    person = selectors.person_get_for_user(user, pk)
    can_change = bool(person.can_change)  # type: ignore[attr-defined]
    return render(
        request,
        "stakeholders/person_detail.html",
        {
            "person": person,
            "contact_visible": person.contact_visible,  # type: ignore[attr-defined]
            "can_change": can_change,
            # A position needs the right to change both the person and the organisation.
            "can_add_position": can_change and permissions.organisations_changeable(user).exists(),
            "can_invite_login": can_change and not person.user_id and bool(person.email),
            "history": audit_list_for(person)[:20] if can_change else [],
        },
    )


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not permissions.can_add_person(user):
        raise PermissionDenied
    initial = {"organisation": request.GET.get("organisation")}
    form = PersonForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        person = _save(form, lambda: services.person_create(actor=user, **form.service_data()))
        if person is not None:
            messages.success(request, _("%(name)s registered.") % {"name": person.full_name})
            return redirect(person)
    return _form_page(request, form, _("Register a person"), reverse("stakeholders:person-list"))


@login_required
def person_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    person = selectors.person_get_for_user(user, pk)
    if not person.can_change:  # type: ignore[attr-defined]
        raise PermissionDenied
    form = PersonForm(request.POST or None, instance=person, user=user)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.person_update(actor=user, person=person, **form.service_data()))
    ):
        messages.success(request, _("Saved."))
        return redirect(person)
    return _form_page(request, form, _("Edit %(name)s") % {"name": person.full_name}, person.get_absolute_url())


@login_required
@require_POST
def person_consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    person = selectors.person_get_for_user(user, pk)
    services.person_contact_consent_withdraw(actor=user, person=person, reason=request.POST.get("reason", "")[:500])
    messages.success(request, _("Consent withdrawn: the contact details were erased."))
    return redirect(person)


@login_required
@require_POST
def person_login_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite the person to link a login (sent to the e-mail address on their record)."""
    user = request_user(request)
    person = selectors.person_get_for_user(user, pk)
    try:
        services.person_login_invite(actor=user, person=person, base_url=request.build_absolute_uri("/"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Invitation sent to the e-mail address on the record."))
    return redirect(person)


def login_link_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Where a login invitation leads: the holder of the invited address links their login (signed
    in), or opens an account with that address. Unknown, used and expired links are 404."""
    invitation = selectors.login_invitation_for_token(token)
    if invitation is None:
        raise Http404
    context: dict[str, Any] = {"invitation": invitation, "person": invitation.person}
    if request.user.is_authenticated:
        user = request_user(request)
        if request.method == "POST":
            try:
                person = services.person_login_accept(user=user, invitation=invitation)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("Your login is now linked to your record."))
                return redirect(person)
        context["other_address"] = user.email.strip().lower() != invitation.email
        return render(request, "stakeholders/login_link_accept.html", context)
    if selectors.account_exists_for(invitation.email):
        context["login_url"] = f"{reverse('account_login')}?next={request.path}"
        return render(request, "stakeholders/login_link_accept.html", context)
    form = LoginLinkAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        opened = _save(
            form,
            lambda: services.person_login_accept_with_new_account(
                invitation=invitation, password=form.cleaned_data["password"]
            ),
        )
        if opened is not None:
            messages.success(request, _("Your account is open and linked to your record: sign in."))
            return redirect("account_login")
    context["form"] = form
    return render(request, "stakeholders/login_link_accept.html", context)


@login_required
@require_POST
def person_data_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """What is held about the person, as JSON (a subject access export)."""
    user = request_user(request)
    person = selectors.person_get_for_user(user, pk)
    data = services.person_data_export(actor=user, person=person)
    name = slugify(person.full_name) or "person"
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2), content_type="application/json"
    )
    return _attachment(response, _export_name(f"data-{name}", "json"))


@login_required
def position_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    user = request_user(request)
    person = selectors.person_get_for_user(user, person_pk)
    if not (person.can_change and permissions.organisations_changeable(user).exists()):  # type: ignore[attr-defined]
        raise PermissionDenied
    form = PositionForm(request.POST or None, user=user)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.position_create(actor=user, person=person, **form.cleaned_data))
    ):
        messages.success(request, _("Position added."))
        return redirect(person)
    return _form_page(
        request, form, _("Add a position for %(name)s") % {"name": person.full_name}, person.get_absolute_url()
    )


@login_required
def position_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    position = selectors.position_get_for_user(user, pk)
    if not permissions.can_manage_position(user, position):
        raise PermissionDenied
    form = PositionForm(request.POST or None, instance=position, user=user)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.position_update(actor=user, position=position, **form.cleaned_data))
    ):
        messages.success(request, _("Position saved."))
        return redirect(position.person)
    return _form_page(
        request,
        form,
        _("Edit the position: %(title)s, %(org)s") % {"title": position.title, "org": position.organisation.name},
        position.person.get_absolute_url(),
    )
