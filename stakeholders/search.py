"""What of the registry the header search finds (core/search.py): organisations and people, through
the registry's own rules; people by name, expertise and languages, never by contact details."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.permissions import visible
from core.search import SearchKind, register
from stakeholders.models import Organisation, Person
from stakeholders.selectors import ORGANISATION_SEARCH_FIELDS, PERSON_SEARCH_FIELDS

register(
    SearchKind(
        key="organisations",
        label=_("Organisations"),
        model=Organisation,
        fields=ORGANISATION_SEARCH_FIELDS,
        title=lambda o: o.name,
        summary=lambda o: str(o.jurisdiction),
        queryset=lambda user: visible(user, Organisation, "view").select_related("jurisdiction"),
        order=50,
    )
)
register(
    SearchKind(
        key="people",
        label=_("People"),
        model=Person,
        fields=PERSON_SEARCH_FIELDS,
        title=lambda p: p.full_name,
        order=60,
    )
)
