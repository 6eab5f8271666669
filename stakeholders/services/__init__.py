"""Writes to the registry, one module per sub-domain. Each function checks the actor, validates,
writes and audits atomically; keyword-only, typed arguments, and an unknown field is an error
(``core.services.assign_fields``). Import from here: ``from stakeholders import services``."""

from stakeholders.services.access import (
    jurisdiction_access_grant,
    organisation_member_invite,
    organisation_membership_remove,
)
from stakeholders.services.imports import (
    PENDING_IMPORTS_KEPT_FOR,
    import_batch_commit,
    import_batch_discard,
    import_batch_preview,
    import_batches_purge_stale,
)
from stakeholders.services.jurisdictions import (
    JURISDICTION_FIELDS,
    jurisdiction_create,
    jurisdiction_role_grant,
    jurisdiction_role_revoke,
    jurisdiction_update,
)
from stakeholders.services.logins import (
    login_token_hash,
    person_login_accept,
    person_login_accept_with_new_account,
    person_login_invite,
)
from stakeholders.services.mapping import MAPPING_FIELDS, mapping_create, mapping_update
from stakeholders.services.offers import OFFER_FIELDS, offer_create, offer_update
from stakeholders.services.organisations import (
    ORGANISATION_FIELDS,
    organisation_create,
    organisation_grant,
    organisation_membership_set,
    organisation_revoke,
    organisation_update,
    person_grant,
    person_revoke,
    require_visible_organisation,
)
from stakeholders.services.partnerships import PARTNERSHIP_FIELDS, partnership_create, partnership_update
from stakeholders.services.people import (
    PERSON_FIELDS,
    PERSONAL_DATA_FIELDS,
    POSITION_FIELDS,
    person_contact_consent_withdraw,
    person_create,
    person_data_export,
    person_update,
    position_create,
    position_update,
)
from stakeholders.services.sectors import SECTOR_FIELDS, sector_create, sector_update

__all__ = [
    "JURISDICTION_FIELDS",
    "MAPPING_FIELDS",
    "OFFER_FIELDS",
    "ORGANISATION_FIELDS",
    "PARTNERSHIP_FIELDS",
    "PENDING_IMPORTS_KEPT_FOR",
    "PERSONAL_DATA_FIELDS",
    "PERSON_FIELDS",
    "POSITION_FIELDS",
    "SECTOR_FIELDS",
    "import_batch_commit",
    "import_batch_discard",
    "import_batch_preview",
    "import_batches_purge_stale",
    "jurisdiction_access_grant",
    "jurisdiction_create",
    "jurisdiction_role_grant",
    "jurisdiction_role_revoke",
    "jurisdiction_update",
    "login_token_hash",
    "mapping_create",
    "mapping_update",
    "offer_create",
    "offer_update",
    "organisation_create",
    "organisation_grant",
    "organisation_member_invite",
    "organisation_membership_remove",
    "organisation_membership_set",
    "organisation_revoke",
    "person_grant",
    "person_revoke",
    "organisation_update",
    "partnership_create",
    "partnership_update",
    "person_contact_consent_withdraw",
    "person_create",
    "person_data_export",
    "person_login_accept",
    "person_login_accept_with_new_account",
    "person_login_invite",
    "person_update",
    "position_create",
    "position_update",
    "require_visible_organisation",
    "sector_create",
    "sector_update",
]
