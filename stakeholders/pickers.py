"""The registry's type-ahead pickers (core/pickers.py): people and organisations through the
registry's own rules, searched as the header search finds them (never by contact details)."""

from __future__ import annotations

from core.pickers import Picker, register
from stakeholders import permissions
from stakeholders.models import Organisation
from stakeholders.selectors import ORGANISATION_SEARCH_FIELDS, PERSON_SEARCH_FIELDS


def _org_label(org: Organisation) -> str:
    return f"{org.name} ({org.acronym})" if org.acronym else org.name


register(
    Picker(
        key="organisations",
        queryset=lambda user: permissions.organisations_visible(user).only(
            "id", "name", "acronym", "jurisdiction__name"
        ),
        fields=ORGANISATION_SEARCH_FIELDS,
        label=_org_label,
        hint=lambda o: o.jurisdiction.name,
        related=("jurisdiction",),
        near_field="jurisdiction__path",
    )
)
register(
    Picker(
        key="organisations-changeable",
        queryset=lambda user: permissions.organisations_changeable(user).only(
            "id", "name", "acronym", "jurisdiction__name"
        ),
        fields=ORGANISATION_SEARCH_FIELDS,
        label=_org_label,
        hint=lambda o: o.jurisdiction.name,
        related=("jurisdiction",),
        near_field="jurisdiction__path",
    )
)
register(
    Picker(
        key="people",
        queryset=lambda user: permissions.people_visible(user).only("id", "full_name"),
        fields=PERSON_SEARCH_FIELDS,
        label=lambda p: p.full_name,
        near_field="jurisdiction__path",
    )
)
