"""The coordination app's type-ahead pickers (core/pickers.py): people to seat, summon or make owner
(the registry's people with the user's fellow committee members) and committees (the calendar's
filter), each exactly the queryset the form's field accepts."""

from __future__ import annotations

from coordination import permissions, selectors
from coordination.models import Committee
from core.pickers import Picker, register
from stakeholders.selectors import PERSON_SEARCH_FIELDS


def _committee_label(committee: Committee) -> str:
    return f"{committee.name} ({committee.acronym})" if committee.acronym else committee.name


register(
    Picker(
        key="committee-people",
        queryset=selectors.people_for_forms,
        fields=PERSON_SEARCH_FIELDS,
        label=lambda p: p.full_name,
        near_field="jurisdiction__path",
    )
)
register(
    Picker(
        key="committees",
        queryset=lambda user: permissions.committees_visible(user).only("id", "name", "acronym", "jurisdiction__name"),
        fields=("name", "acronym", "remit"),
        label=_committee_label,
        hint=lambda c: c.jurisdiction.name,
        related=("jurisdiction",),
        near_field="jurisdiction__path",
    )
)
