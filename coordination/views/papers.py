"""Pages of the coordination app: thin views over the selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from coordination import permissions, selectors, services
from coordination.forms import (
    PaperForm,
)
from coordination.views._common import _attempt
from coordination.views.agenda import _item_for
from coordination.views.meetings import _meeting_post
from core.http import request_user


def _paper_upload(request: HttpRequest, back: str, **target: Any) -> HttpResponse:
    user = request_user(request)
    form = PaperForm(request.POST, request.FILES)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.paper_add(
                actor=user, upload=form.cleaned_data["file"], title=form.cleaned_data["title"], **target
            ),
            success=_("Paper added."),
        )
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
    return redirect(back)


@login_required
@require_POST
def paper_upload_item(request: HttpRequest, item_pk: int) -> HttpResponse:
    """A paper for an agenda item: on a meeting's agenda (its managers) or still in the committee's
    backlog (the committee's managers), back to where the item is shown."""
    user = request_user(request)
    item = selectors.agenda_item_get_for_user(user, item_pk)
    if item.meeting_id is None:
        if not permissions.can_manage_committee(user, item.committee):
            raise PermissionDenied
        return _paper_upload(request, f"{item.committee.get_absolute_url()}#backlog-item-{item.pk}", agenda_item=item)
    user, item, meeting = _item_for(request, item_pk)
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied
    return _paper_upload(request, f"{meeting.get_absolute_url()}#item-{item.pk}", agenda_item=item)


@login_required
@require_POST
def paper_upload_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _meeting_post(request, pk)
    if not permissions.can_write_minutes(user, meeting):
        raise PermissionDenied
    return _paper_upload(request, f"{meeting.get_absolute_url()}#papers", meeting=meeting)


@login_required
@require_POST
def paper_upload_committee(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    if not permissions.can_manage_committee(user, committee):
        raise PermissionDenied
    return _paper_upload(request, f"{committee.get_absolute_url()}#papers", committee=committee)


@login_required
@never_cache
@require_safe
def paper_download(request: HttpRequest, pk: int) -> FileResponse:
    """A paper, to whoever may read what it is attached to (404 to everyone else)."""
    paper = selectors.paper_get_for_user(request_user(request), pk)
    response = FileResponse(paper.file.open("rb"), as_attachment=True, filename=paper.name)
    response["Content-Type"] = paper.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def paper_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    paper = selectors.paper_get_for_user(user, pk)
    back = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    _attempt(request, lambda: services.paper_remove(actor=user, paper=paper), success=_("Paper removed."))
    return redirect(back)
