"""The registry's pages, one module per sub-domain; thin views (a selector or a service, then render).
``stakeholders.urls`` names them through this package."""

from stakeholders.views._common import FORM_FIELD_FOR, XLSX_TYPE
from stakeholders.views.access import (
    jurisdiction_access,
    jurisdiction_role_revoke,
    organisation_member_remove,
    organisation_people,
)
from stakeholders.views.imports import ERRORS_SHOWN, PREVIEW_ROWS, import_discard, import_preview, import_upload
from stakeholders.views.jurisdictions import (
    jurisdiction_create,
    jurisdiction_detail,
    jurisdiction_tree,
    jurisdiction_update,
)
from stakeholders.views.mapping import (
    mapping_create,
    mapping_grid,
    mapping_heatmap,
    mapping_index,
    mapping_list,
    mapping_update,
)
from stakeholders.views.offers import offer_create, offer_list, offer_update
from stakeholders.views.organisations import (
    organisation_create,
    organisation_detail,
    organisation_export,
    organisation_list,
    organisation_update,
)
from stakeholders.views.partnerships import partnership_create, partnership_list, partnership_update
from stakeholders.views.people import (
    login_link_accept,
    person_consent_withdraw,
    person_create,
    person_data_download,
    person_detail,
    person_list,
    person_list_export,
    person_login_invite,
    person_update,
    position_create,
    position_update,
)
from stakeholders.views.search import search

__all__ = [
    "jurisdiction_access",
    "jurisdiction_role_revoke",
    "organisation_member_remove",
    "organisation_people",
    "ERRORS_SHOWN",
    "FORM_FIELD_FOR",
    "PREVIEW_ROWS",
    "XLSX_TYPE",
    "import_discard",
    "import_preview",
    "import_upload",
    "jurisdiction_create",
    "jurisdiction_detail",
    "jurisdiction_tree",
    "jurisdiction_update",
    "login_link_accept",
    "mapping_create",
    "mapping_grid",
    "mapping_heatmap",
    "mapping_index",
    "mapping_list",
    "mapping_update",
    "offer_create",
    "offer_list",
    "offer_update",
    "organisation_create",
    "organisation_detail",
    "organisation_export",
    "organisation_list",
    "organisation_update",
    "partnership_create",
    "partnership_list",
    "partnership_update",
    "person_consent_withdraw",
    "person_create",
    "person_data_download",
    "person_detail",
    "person_list",
    "person_list_export",
    "person_login_invite",
    "person_update",
    "position_create",
    "position_update",
    "search",
]
