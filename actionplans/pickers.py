"""Type-ahead pickers of the action-plan app (core/pickers.py): the organisations and committees a
user may name as grantees (each kind's "grantee" rule, ``core.grants.grantees_visible``), exactly the
querysets the share forms accept; and the jurisdictions where the user may adopt a framework."""

from __future__ import annotations

from actionplans.permissions import framework_jurisdictions
from coordination.models import Committee
from core.grants import grantees_visible
from core.models import GranteeKind
from core.pickers import Picker, register
from stakeholders.models import Jurisdiction, Organisation
from stakeholders.selectors import ORGANISATION_SEARCH_FIELDS


def _label(row: Organisation | Committee) -> str:
    return f"{row.name} ({row.acronym})" if row.acronym else row.name


register(
    Picker(
        key="grantee-organisations",
        queryset=lambda user: grantees_visible(user, GranteeKind.ORGANISATION).only(
            "id", "name", "acronym", "jurisdiction__name"
        ),
        fields=ORGANISATION_SEARCH_FIELDS,
        label=_label,
        hint=lambda o: o.jurisdiction.name,
        related=("jurisdiction",),
    )
)
register(
    Picker(
        key="grantee-committees",
        queryset=lambda user: grantees_visible(user, GranteeKind.COMMITTEE).only(
            "id", "name", "acronym", "jurisdiction__name"
        ),
        fields=("name", "acronym", "remit"),
        label=_label,
        hint=lambda c: c.jurisdiction.name,
        related=("jurisdiction",),
    )
)


def _jurisdiction_label(row: Jurisdiction) -> str:
    return f"{row.name} ({row.code})"


register(
    Picker(
        key="framework-jurisdictions",
        # Where the user may adopt a framework: exactly the adopt form's choices (and the manage rule's).
        queryset=lambda user: framework_jurisdictions(user).only("id", "name", "code", "level"),
        fields=("name", "code"),
        label=_jurisdiction_label,
        hint=lambda j: str(j.get_level_display()),
        near_field="path",
    )
)
