from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_service_errors
from core.http import request_user
from core.models import User
from core.selectors import audit_list_for
from stakeholders import exporting, importing, permissions, selectors, services
from stakeholders.forms import (
    DirectoryFilterForm,
    ImportForm,
    JurisdictionForm,
    LoginLinkAccountForm,
    MappingForm,
    OfferFilterForm,
    OfferForm,
    OrganisationForm,
    PartnershipForm,
    PersonFilterForm,
    PersonForm,
    PositionForm,
    SearchForm,
)
from stakeholders.models import ImportBatch, Organisation, Partnership, ResourceOffer, StakeholderMapping


def _form_page(request: HttpRequest, form: Any, title: str, cancel_url: str = "", **extra: Any) -> HttpResponse:
    return render(request, "stakeholders/form.html", {"form": form, "title": title, "cancel_url": cancel_url, **extra})


FORM_FIELD_FOR = {"contact_consent_at": "contact_consent_date"}


def _save(form: Any, call: Any) -> Any:
    """Run a service with the form's data; its field errors (400-like) land on the form."""
    try:
        return call()
    except ValidationError as exc:
        apply_service_errors(form, exc, FORM_FIELD_FOR)
        return None


def _export_name(stem: str, extension: str) -> str:
    return f"roundtable-{stem}-{timezone.localdate():%Y%m%d}.{extension}"


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


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    filters, organisations = _directory(request, user)
    page = Paginator(organisations, 25).get_page(request.GET.get("page"))
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


# --- Directory exports -------------------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
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


# --- People ------------------------------------------------------------------------------------


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
        "page": Paginator(people, 25).get_page(request.GET.get("page")),
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


# --- Partnerships ------------------------------------------------------------------------------


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


# --- Stakeholder mapping -----------------------------------------------------------------------


@login_required
def mapping_index(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    jurisdictions = selectors.mapping_jurisdiction_list(user).filter(
        level__in=["national", "province", "district", "city"]
    )
    return render(request, "stakeholders/mapping_index.html", {"jurisdictions": jurisdictions[:200]})


def _int_param(request: HttpRequest, name: str, low: int = 1, high: int = 5) -> int | None:
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if low <= value <= high else None


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


# --- Resource offers ---------------------------------------------------------------------------


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


# --- Import ------------------------------------------------------------------------------------


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not permissions.can_import(user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = _save(
            form,
            lambda: services.import_batch_preview(
                actor=user, kind=form.cleaned_data["kind"], filename=upload.name, data=upload.read()
            ),
        )
        if batch is not None:
            return redirect(batch)
    return render(
        request,
        "stakeholders/import_upload.html",
        {
            "form": form,
            "columns": {kind: importing.columns_for(kind) for kind in ImportBatch.Kind.values},
            "recent": selectors.import_batch_list_for_user(user)[:10],
        },
    )


PREVIEW_ROWS = 50
ERRORS_SHOWN = 300


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the rows and their errors; POST: import them all, in one transaction, or nothing."""
    user = request_user(request)
    batch = selectors.import_batch_get_for_user(user, pk)
    if request.method == "POST" and batch.status == ImportBatch.Status.PENDING and not batch.errors:
        try:
            batch = services.import_batch_commit(actor=user, batch=batch)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(batch)
        if batch.status == ImportBatch.Status.COMMITTED:
            messages.success(request, _("%(n)d rows imported.") % {"n": batch.created_count})
            target = (
                "stakeholders:organisation-list"
                if batch.kind == ImportBatch.Kind.ORGANISATIONS
                else "stakeholders:person-list"
            )
            return redirect(target)
        messages.error(request, _("The registry changed since the preview: nothing was imported. See the errors."))
        return redirect(batch)
    columns = [c.name for c in importing.columns_for(batch.kind)]
    return render(
        request,
        "stakeholders/import_preview.html",
        {
            "batch": batch,
            "columns": columns,
            "sample": [
                [row["values"].get(c, "") for c in columns] + [row["line"]] for row in batch.rows[:PREVIEW_ROWS]
            ],
            "errors": batch.errors[:ERRORS_SHOWN],
            "more_errors": max(0, len(batch.errors) - ERRORS_SHOWN),
            "more_rows": max(0, batch.row_count - PREVIEW_ROWS),
        },
    )


@login_required
@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    batch = selectors.import_batch_get_for_user(user, pk)
    services.import_batch_discard(actor=user, batch=batch)
    messages.info(request, _("The upload was discarded; nothing was imported."))
    return redirect("stakeholders:import")


# --- Search ------------------------------------------------------------------------------------


@login_required
def search(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    context: dict[str, Any] = {"form": form, "q": q}
    if q:
        organisations = selectors.organisation_list_visible_to(user, q=q)
        people = selectors.person_list_visible_to(user, q=q)
        context.update(
            organisations=organisations[:20],
            organisation_count=organisations.count(),
            people=people[:20],
            person_count=people.count(),
        )
    return render(request, "stakeholders/search.html", context)
