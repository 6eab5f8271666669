"""Search across organisations and people."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.http import request_user
from stakeholders import selectors
from stakeholders.forms import (
    SearchForm,
)


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
