"""Pages of information sharing: thin views over the selectors and services.

Every item page reads through ``selectors`` (the registered rule): an item the user may not open is a
404, whatever the route (detail, attachments, exports, log, share)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from core.forms import apply_service_errors
from core.http import request_user
from core.models import GranteeKind, User
from core.pagination import KeysetPage, keyset_page, query_without
from core.permissions import allows, get_or_404, require
from infosharing import exporting, forms, selectors, services
from infosharing import permissions as perms
from infosharing.models import AccessLog, ItemGrant

E = AccessLog.Event


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Items -------------------------------------------------------------------------------------


@login_required
@never_cache
def item_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    search = forms.ItemSearchForm(request.GET or None)
    data = search.cleaned_data if search.is_valid() else {}
    q = data.get("q", "")
    page = selectors.item_page_visible_to(user, cursor=request.GET.get("cursor"), q=q, label=data.get("label", ""))
    if q and page.items:
        services.log_reads(event=E.SEARCH_HIT, actor=user, items=page.items, detail={"query_length": len(q)})
    context = {"page": page, "search": search, "query": request.GET.copy()}
    if page.next_cursor:
        params = request.GET.copy()
        params["cursor"] = page.next_cursor
        context["next_url"] = f"{reverse('infosharing:item-list')}?{params.urlencode()}"
    template = "infosharing/partials/item_table.html" if _htmx(request) else "infosharing/item_list.html"
    context["can_configure"] = perms.can_create_agreement(user)
    return render(request, template, context)


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    templates = selectors.templates_visible_to(user).filter(is_active=True)
    template = templates.filter(pk=request.GET.get("template") or request.POST.get("template") or 0).first()
    form = forms.ItemForm(request.POST or None, request.FILES or None, user=user, template=template)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = services.item_create(
                actor=user,
                title=d["title"],
                organisation=d["organisation"],
                category=d["category"],
                label=d["label"],
                template=template,
                values=form.values(),
                facts=d["facts"],
                opinion=d["opinion"],
                agreement=d["agreement"],
                retention_until=d["retention_until"],
                review_on=d["review_on"],
            )
        except ValidationError as exc:
            apply_service_errors(
                form, exc, {f"values.{f['name']}": f"value_{f['name']}" for f in (template.fields if template else [])}
            )
        else:
            if d.get("file"):
                try:
                    services.attachment_add(actor=user, item=item, upload=d["file"])
                except ValidationError as exc:
                    _flash(request, exc)
            messages.success(request, _("Item %(ref)s saved.") % {"ref": item.reference})
            return redirect(item.get_absolute_url())
    return render(request, "infosharing/item_form.html", {"form": form, "templates": templates, "template": template})


@login_required
@never_cache
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    item = selectors.item_get_for_user(user, pk)
    gate = selectors.content_gate(user, item)
    context: dict[str, Any] = {"item": item, "gate": gate, **selectors.item_actions(user, item)}
    if gate is not None:
        context["training_missing"] = selectors.training_missing(user, gate)
    else:
        services.log_event(event=E.VIEW, actor=user, item=item)
        context["attachments"] = list(selectors.attachments_for(user, item))
        context["related"] = selectors.related_for(user, list(item.cites.values_list("pk", flat=True)))
        context["fields"] = [(f, item.values.get(f["name"])) for f in (item.template.fields if item.template else [])]
    if context["can_manage_grants"]:
        grants = list(selectors.grants_for(user, item)[:100])
        names = selectors.grantee_names(grants)
        context["grants"] = [(g, names.get((g.grantee_kind, g.grantee_id), "?")) for g in grants]
    context["relabel_form"] = forms.RelabelForm(initial={"label": item.label}) if context["can_relabel"] else None
    return render(request, "infosharing/item_detail.html", context)


@login_required
@require_POST
def item_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    item = selectors.item_get_for_user(user, pk)
    if item.agreement is not None:
        try:
            services.agreement_acknowledge(actor=user, agreement=item.agreement)
        except ValidationError as exc:
            _flash(request, exc)
    return redirect(item.get_absolute_url())


@login_required
def item_share(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    item = _item_or_404(user, pk)
    require(
        allows(user, item, perms.Action.SHARE),
        _("Only the originator and the organisation's sharing admins share this item."),
    )
    form = forms.ShareForm(request.POST or None, user=user, item=item)
    confirm: str | None = None
    if request.method == "POST" and form.is_valid():
        kind, gid = form.grantee()
        if gid is None:
            form.add_error(None, _("Choose who receives access."))
        else:
            d = form.cleaned_data
            try:
                services.item_share(
                    actor=user,
                    item=item,
                    grantee_kind=kind,
                    grantee_id=gid,
                    reason=d["reason"],
                    confirmed=bool(d.get("confirmed")),
                    expires_at=d.get("expires_at"),
                    read_only=d.get("read_only", False),
                )
            except ValidationError as exc:
                if set(exc.message_dict) == {"confirmed"}:
                    confirm = exc.message_dict["confirmed"][0]
                    data = request.POST.copy()
                    data["confirmed"] = "1"
                    form = forms.ShareForm(data, user=user, item=item)
                    form.is_valid()
                else:
                    apply_service_errors(form, exc, {"grantee_id": "grantee_kind", "agreement": "grantee_kind"})
            else:
                messages.success(request, _("Access given."))
                return redirect(item.get_absolute_url())
    return render(request, "infosharing/item_share.html", {"item": item, "form": form, "confirm": confirm})


def _item_or_404(user: User, pk: int) -> Any:
    """The item for those who manage it (sharing admins do not read it but share it)."""
    from infosharing.models import InformationItem

    qs = InformationItem.objects.select_related("organisation", "agreement")
    try:
        return get_or_404(user, qs, perms.Action.VIEW, pk=pk)
    except Http404:
        return get_or_404(user, qs, perms.Action.MANAGE_GRANTS, pk=pk)


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    user = request_user(request)
    item = _item_or_404(user, pk)
    grant = get_or_404(user, ItemGrant.objects.filter(target=item), perms.Action.VIEW, pk=grant_pk)
    form = forms.RevokeForm(request.POST)
    try:
        services.grant_revoke(actor=user, grant=grant, reason=form.data.get("reason", ""))
        messages.success(request, _("Access withdrawn."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(_manage_url(user, item))


@login_required
@require_POST
def grant_approve(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    user = request_user(request)
    item = _item_or_404(user, pk)
    grant = get_or_404(user, ItemGrant.objects.filter(target=item), perms.Action.VIEW, pk=grant_pk)
    try:
        services.grant_approve(actor=user, grant=grant)
        messages.success(request, _("Release approved."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(_manage_url(user, item))


def _manage_url(user: User, item: Any) -> str:
    if allows(user, item, perms.Action.VIEW):
        return str(item.get_absolute_url())
    return reverse("infosharing:item-log", args=[item.pk])


@login_required
@require_POST
def item_relabel(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    item = selectors.item_get_for_user(user, pk)
    form = forms.RelabelForm(request.POST)
    try:
        services.item_relabel(
            actor=user, item=item, label=form.data.get("label", ""), reason=form.data.get("reason", "")
        )
        messages.success(request, _("Label changed."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(item.get_absolute_url())


@login_required
@require_safe
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    user = request_user(request)
    item = selectors.item_get_for_user(user, pk)
    if selectors.content_gate(user, item) is not None:
        raise Http404
    attachment = selectors.attachment_get_for_download(user, item, attachment_pk)
    services.log_event(event=E.DOWNLOAD, actor=user, item=item, detail={"attachment": attachment.pk})
    response = FileResponse(
        services.attachment_storage().open(attachment.stored_as, "rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    item = selectors.item_get_for_user(user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
    else:
        try:
            services.attachment_add(actor=user, item=item, upload=upload)
            messages.success(request, _("File added."))
        except ValidationError as exc:
            _flash(request, exc)
    return redirect(item.get_absolute_url())


@login_required
@require_safe
def item_export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    item = selectors.item_get_for_user(user, pk)
    if not selectors.can_download(user, item):
        raise Http404
    services.log_event(event=E.EXPORT, actor=user, item=item, detail={"format": "pdf"})
    response = HttpResponse(exporting.item_pdf(item), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{item.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def item_export_csv(request: HttpRequest) -> HttpResponse:
    """The current page of the list, as CSV: only items the user may download; the highest label in
    the file heads and closes it."""
    user = request_user(request)
    search = forms.ItemSearchForm(request.GET or None)
    data = search.cleaned_data if search.is_valid() else {}
    page = selectors.item_page_visible_to(
        user, cursor=request.GET.get("cursor"), q=data.get("q", ""), label=data.get("label", "")
    )
    items = selectors.downloadable(user, page.items)
    services.log_reads(event=E.EXPORT, actor=user, items=items, detail={"format": "csv"})
    response = HttpResponse(exporting.items_csv(items), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="information-items.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@never_cache
def item_log(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    item = selectors.item_get_for_log(user, pk)
    entries = keyset_page(request, selectors.access_log_for(user, item), page_size=100, count=False)
    context: dict[str, Any] = {"item": item, "entries": entries, "query": query_without(request, "cursor")}
    if allows(user, item, perms.Action.MANAGE_GRANTS):
        grants = list(selectors.grants_for(user, item)[:100])
        names = selectors.grantee_names(grants)
        context["grants"] = [(g, names.get((g.grantee_kind, g.grantee_id), "?")) for g in grants]
        context["can_share"] = allows(user, item, perms.Action.SHARE)
    return render(request, "infosharing/item_log.html", context)


# --- Access requests ---------------------------------------------------------------------------


@login_required
@never_cache
def request_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = forms.AccessRequestForm(request.POST or None, initial={"reference": request.GET.get("reference", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_ask(
                actor=user, reference=form.cleaned_data["reference"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("If an item with this reference exists, its originator's sharing admins have your request."),
            )
            return redirect("infosharing:request-list")
    mine = keyset_page(request, selectors.my_requests(user), page_size=50, cursor_param="mine", count=False)
    to_decide = keyset_page(
        request, selectors.requests_to_decide(user), page_size=25, cursor_param="decide", count=False
    )
    return render(
        request,
        "infosharing/request_list.html",
        {
            "form": form,
            "mine": mine,
            "to_decide": to_decide,
            "decide_form": forms.DecideForm(),
            "queries": {p: query_without(request, p) for p in ("mine", "decide")},
        },
    )


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    access_request = selectors.request_get_for_user(user, pk)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the decision."))
        return redirect("infosharing:request-list")
    d = form.cleaned_data
    try:
        if d["decision"] == "approve":
            expires = timezone.now() + timedelta(days=d["days"]) if d.get("days") else None
            services.access_request_approve(
                actor=user, request=access_request, expires_at=expires, read_only=d["read_only"], note=d["note"]
            )
            messages.success(request, _("Access given."))
        else:
            services.access_request_decline(actor=user, request=access_request, note=d["note"])
            messages.success(request, _("Request declined."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("infosharing:request-list")


# --- Agreements --------------------------------------------------------------------------------


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    agreements = keyset_page(request, selectors.agreements_visible_to(user), page_size=50, count=False)
    return render(
        request,
        "infosharing/agreement_list.html",
        {
            "agreements": agreements,
            "query": query_without(request, "cursor"),
            "can_create": perms.can_create_agreement(user),
            "today": timezone.localdate(),
        },
    )


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(perms.can_create_agreement(user), _("Only sharing admins and platform admins write agreements."))
    form = forms.AgreementForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        d.pop("categories_text")
        d.pop("party_organisations")
        committees = d.pop("client_committees")
        try:
            agreement = services.agreement_create(
                actor=user, categories=form.categories(), parties=form.parties(), client_committees=committees, **d
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"parties": "party_organisations", "categories": "categories_text"})
        else:
            messages.success(request, _("Agreement saved as a draft: collect the signatures, then make it active."))
            return redirect(agreement.get_absolute_url())
    return render(request, "infosharing/agreement_form.html", {"form": form})


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    agreement = selectors.agreement_get_for_user(user, pk)
    can_manage = allows(user, agreement, perms.Action.MANAGE)
    return render(
        request,
        "infosharing/agreement_detail.html",
        {
            "agreement": agreement,
            "record": selectors.agreement_record_of_processing(agreement),
            "can_manage": can_manage,
            "sign_form": forms.SignForm(agreement=agreement) if can_manage else None,
            "allows_sharing": agreement.allows_new_sharing(),
        },
    )


@login_required
@never_cache
@require_safe
def agreement_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Who may see what under this agreement, and why: for its parties' sharing admins and platform
    admins, the items each administers (references, labels, grants; titles only where the viewer may
    open the item, never content) and who acknowledged the agreement (ADR 0011)."""
    user = request_user(request)
    agreement = selectors.agreement_get_for_manager(user, pk)
    access = selectors.agreement_access(user, agreement, request)
    context: dict[str, Any] = {
        "agreement": agreement,
        "access": access,
        "items_query": _query_without(request, "cursor"),
        "acks_query": _query_without(request, "ack_cursor"),
        "cursor": request.GET.get("cursor", ""),
    }
    return render(request, "infosharing/agreement_access.html", context)


def _query_without(request: HttpRequest, param: str) -> str:
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


@login_required
@require_POST
def agreement_grant_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    """Revoke a grant from the agreement's access page, through the same service (and its audit and
    log rows) as the item's own page; back to the same page of the list."""
    user = request_user(request)
    agreement = selectors.agreement_get_for_manager(user, pk)
    grant = selectors.agreement_grant_for_admin(user, agreement, grant_pk)
    try:
        services.grant_revoke(actor=user, grant=grant, reason=request.POST.get("reason", ""))
        messages.success(request, _("Access withdrawn."))
    except ValidationError as exc:
        _flash(request, exc)
    url = reverse("infosharing:agreement-access", args=[agreement.pk])
    cursor = request.POST.get("cursor", "")
    if cursor:
        from urllib.parse import urlencode

        url += "?" + urlencode({"cursor": cursor})
    return redirect(url)


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    agreement = selectors.agreement_get_for_user(user, pk)
    require(allows(user, agreement, perms.Action.MANAGE), _("Only the parties' sharing admins manage this agreement."))
    if agreement.status == agreement.Status.EXPIRED:
        messages.error(request, _("An expired agreement cannot be changed; write a new one."))
        return redirect(agreement.get_absolute_url())
    form = forms.AgreementEditForm(request.POST or None, user=user, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                actor=user,
                agreement=agreement,
                version=form.cleaned_data["version"],
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
                resign=form.cleaned_data["resign"],
            )
        except ValidationError as exc:
            apply_service_errors(
                form, exc, {"parties": "party_organisations", "categories": "categories_text", "version": "__all__"}
            )
        else:
            messages.success(request, _("Agreement updated."))
            return redirect(agreement.get_absolute_url())
    return render(request, "infosharing/agreement_form.html", {"form": form, "agreement": agreement})


@login_required
@require_POST
def agreement_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request_user(request)
    agreement = selectors.agreement_get_for_user(user, pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "sign":
            form = forms.SignForm(request.POST, agreement=agreement)
            if not form.is_valid():
                raise ValidationError([e for errs in form.errors.values() for e in errs])
            services.agreement_sign(actor=user, agreement=agreement, **form.cleaned_data)
        elif action == "activate":
            services.agreement_activate(actor=user, agreement=agreement)
        elif action == "suspend":
            services.agreement_suspend(actor=user, agreement=agreement, reason=reason)
        elif action == "expire":
            services.agreement_expire(actor=user, agreement=agreement, reason=reason)
        elif action == "review":
            services.agreement_review(actor=user, agreement=agreement, notes=reason)
        else:
            raise Http404
        messages.success(request, _("Agreement updated."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(agreement.get_absolute_url())


# --- Templates, training, oversight ------------------------------------------------------------


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    can_manage = perms.can_create_agreement(user)
    form = forms.TemplateForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        require(can_manage, _("Only sharing admins and platform admins define templates."))
        assert form is not None
        if form.is_valid():
            try:
                services.template_define(
                    actor=user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    fields=form.cleaned_data["fields_json"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, {"fields": "fields_json"})
            else:
                messages.success(request, _("Template saved."))
                return redirect("infosharing:template-list")
    templates: Any = selectors.templates_visible_to(user)
    return render(request, "infosharing/template_list.html", {"templates": templates, "form": form})


@login_required
def template_create(request: HttpRequest) -> HttpResponse:
    return _template_form(request, None)


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    template = get_or_404(user, selectors.templates_visible_to(user), perms.Action.VIEW, pk=pk)
    return _template_form(request, template)


def _template_form(request: HttpRequest, template: Any) -> HttpResponse:
    """A template's name and fields, row by row: each field's type chosen from the list, its choices
    one per line; errors shown on the row they concern."""
    user = request_user(request)
    require(perms.can_create_agreement(user), _("Only sharing admins and platform admins define templates."))
    initial = (
        {
            "name": template.name,
            "description": template.description,
            "is_active": template.is_active,
            "version": template.updated_at.isoformat(),
        }
        if template is not None
        else {"is_active": True}
    )
    head = forms.TemplateHeadForm(request.POST or None, initial=initial)
    rows = forms.TemplateFieldFormSet(
        request.POST or None,
        initial=forms.template_field_initial(template) if template is not None else None,
        prefix="fields",
    )
    if request.method == "POST" and head.is_valid() and rows.is_valid():
        try:
            saved = services.template_define(
                actor=user,
                name=head.cleaned_data["name"],
                description=head.cleaned_data["description"],
                fields=rows.definitions(),
                template=template,
                is_active=head.cleaned_data["is_active"],
                version=head.cleaned_data["version"] if template is not None else None,
            )
        except ValidationError as exc:
            apply_service_errors(head, exc, {"fields": "__all__"})
        else:
            messages.success(request, _("Template “%(name)s” saved.") % {"name": saved.name})
            return redirect("infosharing:template-list")
    return render(request, "infosharing/template_form.html", {"form": head, "rows": rows, "template": template})


@login_required
def training(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(perms.can_create_agreement(user), _("Only sharing admins record training."))
    form = forms.TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
        if person is None:
            form.add_error("email", _("No active account has this e-mail address."))
        else:
            try:
                services.training_record(
                    actor=user,
                    user=person,
                    completed_on=form.cleaned_data["completed_on"],
                    course=form.cleaned_data["course"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Training recorded."))
                return redirect("infosharing:training")
    records = keyset_page(request, selectors.training_records_visible_to(user), page_size=50, count=False)
    return render(
        request,
        "infosharing/training.html",
        {"form": form, "records": records, "query": query_without(request, "cursor")},
    )


@login_required
def oversight(request: HttpRequest) -> HttpResponse:
    """Everything organisation X or person Y can see: references, labels and organisations only."""
    user = request_user(request)
    require(perms.can_see_sharing_permissions(user), _("Only sharing admins and platform admins see this."))
    form = forms.OversightForm(request.GET or None, user=user)
    rows: KeysetPage | None = None
    subject = ""
    if form.is_valid():
        org = form.cleaned_data.get("organisation")
        email = form.cleaned_data.get("email")
        items = None
        if org is not None:
            items = selectors.grantee_visibility(user, kind=GranteeKind.ORGANISATION, grantee_id=org.pk)
            subject = org.name
        elif email:
            person = User.objects.filter(email__iexact=email, is_active=True).first()
            items = selectors.grantee_visibility(user, kind=GranteeKind.USER, grantee_id=person.pk if person else 0)
            subject = person.public_name if person else email
        if items is not None:
            rows = keyset_page(request, items, page_size=50, count=False)
    return render(
        request,
        "infosharing/oversight.html",
        {"form": form, "rows": rows, "subject": subject, "query": query_without(request, "cursor")},
    )
