"""Expected outcomes of the permission matrix (tests/security/test_matrix.py): per route name and
method, what each persona gets. ``"login"``: a redirect to the sign-in page.

Read with the rules (DESIGN.md, ADR 0002/0003/0005): who may not see an object gets 404; who may
see but not change it gets 403. Conventions the table shows:

* Writes are sent with an empty form or ``{}`` unless ``BODIES`` says otherwise. Where a view
  validates before its service checks the actor (API ``PUT``, list ``POST``), an empty body answers
  400 to everyone who may see the object, allowed or not; a body that would change something is
  refused by the service (403) for those not allowed, which the service tests and
  tests/security/test_fk_oracles.py show.
* ``deactivated`` and ``anonymous`` always answer alike: a deactivated account's session is no
  session (pages redirect to the sign-in page, the API answers 401).
* The calendar feed URL is its own credential (the token of ``member``): it answers whoever holds it.

"""

from __future__ import annotations

from tests.security.matrix_world import PERSONAS

Outcome = int | str


def _row(default: Outcome, signed_out: Outcome, exceptions: dict[str, Outcome]) -> dict[str, Outcome]:
    unknown = set(exceptions) - set(PERSONAS)
    assert not unknown, unknown
    row = dict.fromkeys(PERSONAS, default)
    row.update(deactivated=signed_out, anonymous=signed_out)
    row.update(exceptions)
    return row


def page(default: Outcome, **exceptions: Outcome) -> dict[str, Outcome]:
    """A page: signed-out visitors are sent to the sign-in page."""
    return _row(default, "login", exceptions)


def api(default: Outcome, **exceptions: Outcome) -> dict[str, Outcome]:
    """An API operation: signed-out callers get 401."""
    return _row(default, 401, exceptions)


ROWS_BY_KEY: dict[tuple[str, str], dict[str, Outcome]] = {
    ("actionplans:action-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:action-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:action-edit", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:action-edit", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:action-share", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:action-share", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:action-unshare", "GET"): page(405),
    ("actionplans:action-unshare", "POST"): page(
        403, platform_admin=302, coordinator=302, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:allocation-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:allocation-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:evaluation-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:evaluation-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:evaluation-edit", "GET"): page(
        404, platform_admin=200, coordinator=200, liaison=403, chair=403, secretary=403, member=403
    ),
    ("actionplans:evaluation-edit", "POST"): page(
        404, platform_admin=200, coordinator=200, liaison=403, chair=403, secretary=403, member=403
    ),
    # Frameworks: every signed-in user reads them; those who coordinate somewhere adopt one there;
    # revising or correcting the national framework is for the platform admin (and national coordinators).
    ("actionplans:framework-compare", "GET"): page(200),
    ("actionplans:framework-compare", "POST"): page(405),
    ("actionplans:framework-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200
    ),
    ("actionplans:framework-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200
    ),
    ("actionplans:framework-detail", "GET"): page(200),
    ("actionplans:framework-detail", "POST"): page(405),
    ("actionplans:framework-edit", "GET"): page(403, platform_admin=200),
    ("actionplans:framework-edit", "POST"): page(403, platform_admin=200),
    ("actionplans:framework-list", "GET"): page(200),
    ("actionplans:framework-list", "POST"): page(405),
    ("actionplans:framework-revise", "GET"): page(403, platform_admin=200),
    ("actionplans:framework-revise", "POST"): page(403, platform_admin=200),
    ("actionplans:indicator-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:indicator-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:indicator-edit", "GET"): page(
        404, platform_admin=200, coordinator=200, liaison=403, chair=403, secretary=403, member=403
    ),
    ("actionplans:indicator-edit", "POST"): page(
        404, platform_admin=200, coordinator=200, liaison=403, chair=403, secretary=403, member=403
    ),
    ("actionplans:lesson-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:lesson-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:lesson-to-action", "GET"): page(
        404, platform_admin=200, coordinator=200, liaison=403, chair=403, secretary=403, member=403
    ),
    ("actionplans:lesson-to-action", "POST"): page(
        404, platform_admin=200, coordinator=200, liaison=403, chair=403, secretary=403, member=403
    ),
    ("actionplans:objective-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:objective-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:objective-edit", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:objective-edit", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:plan-create", "GET"): page(403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200),
    ("actionplans:plan-create", "POST"): page(403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200),
    ("actionplans:plan-edit", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:plan-edit", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:plan-status", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:plan-status", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:tranche-cancel", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:tranche-cancel", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:allocation-edit", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:allocation-edit", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:tranche-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:tranche-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:tranche-disburse", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:tranche-disburse", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("api:action-shares", "GET"): api(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("api:action-shares", "POST"): api(
        403, platform_admin=400, coordinator=400, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("api:action-withdraw-share", "POST"): api(
        403, platform_admin=400, coordinator=400, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:action-detail", "GET"): page(200, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("actionplans:action-detail", "POST"): page(200, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("actionplans:evidence-download", "GET"): page(
        200, coordinator_out_of_scope=404, liaison=404, summoned_official=404, no_role=404
    ),
    ("actionplans:evidence-download", "POST"): page(405),
    ("actionplans:my-actions", "GET"): page(200),
    ("actionplans:my-actions", "POST"): page(200),
    ("actionplans:plan-approve", "GET"): page(405),
    ("actionplans:plan-approve", "POST"): page(
        403, platform_admin=302, coordinator=302, coordinator_out_of_scope=404, summoned_official=404, no_role=404
    ),
    ("actionplans:plan-at-risk", "GET"): page(200, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("actionplans:plan-at-risk", "POST"): page(200, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("actionplans:plan-detail", "GET"): page(200, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("actionplans:plan-detail", "POST"): page(200, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("actionplans:plan-evaluation", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("actionplans:plan-evaluation", "POST"): page(
        200,
        coordinator_out_of_scope=404,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("actionplans:plan-export", "GET"): page(200, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("actionplans:plan-export", "POST"): page(405),
    ("actionplans:plan-iati", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("actionplans:plan-iati", "POST"): page(405),
    ("actionplans:plan-list", "GET"): page(200),
    ("actionplans:plan-list", "POST"): page(200),
    ("actionplans:plan-print", "GET"): page(200, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("actionplans:plan-print", "POST"): page(200, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("actionplans:plan-versions", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("actionplans:plan-versions", "POST"): page(
        200,
        coordinator_out_of_scope=404,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("actionplans:update-create", "GET"): page(
        404, platform_admin=200, coordinator=200, organisation_admin=200, organisation_member=200
    ),
    ("actionplans:update-create", "POST"): page(
        404, platform_admin=200, coordinator=200, organisation_admin=200, organisation_member=200
    ),
    ("actionplans:update-detail", "GET"): page(
        200, coordinator_out_of_scope=404, liaison=404, summoned_official=404, no_role=404
    ),
    ("actionplans:update-detail", "POST"): page(404),
    ("api-token-reset", "GET"): page(405),
    ("api-token-reset", "POST"): page(200),
    ("api:access-request-approve", "POST"): api(404, organisation_member=400, no_role=403),
    ("api:access-request-decline", "POST"): api(404, organisation_member=200, no_role=403),
    ("api:access-request-detail", "GET"): api(404, organisation_member=200, no_role=200),
    ("api:access-request-list", "GET"): api(200),
    ("api:access-request-list", "POST"): api(400),
    ("api:action-detail", "GET"): api(200, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("api:action-detail", "PATCH"): api(428),
    ("api:action-list", "GET"): api(200),
    ("api:action-list", "POST"): api(400),
    ("api:framework-detail", "GET"): api(200),
    # Correcting a version: those who may not manage it get 403; the admin is asked for If-Match first.
    ("api:framework-detail", "PATCH"): api(403, platform_admin=428),
    ("api:framework-list", "GET"): api(200),
    ("api:framework-list", "POST"): api(400),
    ("api:framework-revise", "POST"): api(403, platform_admin=201),
    ("api:action-plan-approve", "POST"): api(428, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("api:action-plan-detail", "GET"): api(200, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("api:action-plan-detail", "PATCH"): api(428),
    ("api:action-plan-disburse", "POST"): api(400, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("api:action-plan-list", "GET"): api(200),
    ("api:action-plan-list", "POST"): api(400),
    ("api:action-plan-rollup", "GET"): api(200, coordinator_out_of_scope=404, summoned_official=404, no_role=404),
    ("api:api-root", "GET"): api(200),
    # The notification centre: one's own only (another's id is 404, as a missing one).
    ("api:notification-list", "GET"): api(200),
    ("api:notification-detail", "GET"): api(404, member=200),
    ("api:notification-read", "POST"): api(404, member=200),
    ("api:notification-read-all", "POST"): api(200),
    ("api:notification-preferences", "GET"): api(200),
    ("api:notification-preferences", "PATCH"): api(400),
    ("api:committee-detail", "GET"): api(
        200,
        coordinator_out_of_scope=404,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("api:committee-detail", "PATCH"): api(
        404, platform_admin=200, coordinator=200, liaison=403, chair=403, secretary=403, member=403
    ),
    ("api:committee-detail", "PUT"): api(
        400,
        coordinator_out_of_scope=404,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("api:committee-list", "GET"): api(200),
    ("api:committee-list", "POST"): api(400),
    ("api:committee-members", "GET"): api(
        200,
        coordinator_out_of_scope=404,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("api:committee-members", "POST"): api(
        400,
        coordinator_out_of_scope=404,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("api:indicator-detail", "GET"): api(
        200,
        coordinator_out_of_scope=404,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("api:indicator-detail", "PATCH"): api(428),
    ("api:indicator-list", "GET"): api(200),
    ("api:indicator-list", "POST"): api(400),
    ("api:information-item-access-log", "GET"): api(404, platform_admin=200, organisation_member=200),
    ("api:information-item-access-requests", "GET"): api(404, organisation_member=200),
    ("api:information-item-detail", "GET"): api(404, organisation_member=200),
    ("api:information-item-list", "GET"): api(200),
    ("api:information-item-list", "POST"): api(400),
    ("api:information-item-relabel", "POST"): api(404, organisation_member=400),
    ("api:information-item-share", "POST"): api(404, platform_admin=400, organisation_member=400),
    ("api:jurisdiction-detail", "GET"): api(200),
    ("api:jurisdiction-detail", "PATCH"): api(403, platform_admin=200),
    ("api:jurisdiction-detail", "PUT"): api(400),
    ("api:jurisdiction-list", "GET"): api(200),
    ("api:jurisdiction-list", "POST"): api(400),
    ("api:meeting-agenda-items", "GET"): api(
        200, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("api:meeting-agenda-items", "POST"): api(
        400, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("api:meeting-agenda-order", "POST"): api(
        400, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("api:meeting-approve-minutes", "POST"): api(
        400,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("api:meeting-attendance", "GET"): api(
        200, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("api:meeting-attendance", "POST"): api(
        400, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("api:meeting-cancel", "POST"): api(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("api:meeting-decision-update", "PATCH"): api(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("api:meeting-decisions", "GET"): api(
        200, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("api:meeting-decisions", "POST"): api(
        400, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("api:meeting-detail", "GET"): api(
        200, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("api:meeting-detail", "PATCH"): api(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("api:meeting-detail", "PUT"): api(
        400, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("api:meeting-invitations", "GET"): api(
        200, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("api:meeting-invitations", "POST"): api(
        400, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("api:meeting-item-minutes", "POST"): api(
        400, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("api:meeting-list", "GET"): api(200),
    ("api:meeting-list", "POST"): api(400),
    ("api:meeting-reply", "POST"): api(
        404,
        platform_admin=403,
        coordinator=403,
        liaison=403,
        chair=200,
        secretary=200,
        member=200,
        summoned_official=200,
    ),
    ("api:organisation-detail", "GET"): api(200),
    ("api:organisation-detail", "PATCH"): api(403, platform_admin=200, coordinator=200, organisation_admin=200),
    ("api:organisation-detail", "PUT"): api(400),
    ("api:organisation-list", "GET"): api(200),
    ("api:organisation-list", "POST"): api(400),
    ("api:partnership-detail", "GET"): api(200),
    ("api:partnership-detail", "PATCH"): api(403, platform_admin=200, coordinator=200, organisation_admin=200),
    ("api:partnership-detail", "PUT"): api(400),
    ("api:partnership-list", "GET"): api(200),
    ("api:partnership-list", "POST"): api(400),
    ("api:person-detail", "GET"): api(200),
    ("api:person-detail", "PATCH"): api(403, platform_admin=400, coordinator=400, organisation_admin=400),
    ("api:person-detail", "PUT"): api(400),
    ("api:person-list", "GET"): api(200),
    ("api:person-list", "POST"): api(400),
    ("api:position-detail", "GET"): api(200),
    ("api:position-detail", "PATCH"): api(403, platform_admin=200, coordinator=200, organisation_admin=200),
    ("api:position-detail", "PUT"): api(400),
    ("api:position-list", "GET"): api(200),
    ("api:position-list", "POST"): api(400),
    ("api:progress-update-accept", "POST"): api(
        428, coordinator_out_of_scope=404, liaison=404, summoned_official=404, no_role=404
    ),
    ("api:progress-update-detail", "GET"): api(
        200, coordinator_out_of_scope=404, liaison=404, summoned_official=404, no_role=404
    ),
    ("api:progress-update-detail", "PATCH"): api(428),
    ("api:progress-update-evidence", "POST"): api(
        415, coordinator_out_of_scope=404, liaison=404, summoned_official=404, no_role=404
    ),
    ("api:progress-update-list", "GET"): api(200),
    ("api:progress-update-list", "POST"): api(400),
    ("api:progress-update-return-", "POST"): api(
        428, coordinator_out_of_scope=404, liaison=404, summoned_official=404, no_role=404
    ),
    ("api:progress-update-submit", "POST"): api(
        428, coordinator_out_of_scope=404, liaison=404, summoned_official=404, no_role=404
    ),
    ("api:resource-offer-detail", "GET"): api(
        404, platform_admin=200, coordinator=200, liaison=200, organisation_admin=200, organisation_member=200
    ),
    ("api:resource-offer-detail", "PATCH"): api(
        404, platform_admin=200, coordinator=200, liaison=403, organisation_admin=200, organisation_member=403
    ),
    ("api:resource-offer-detail", "PUT"): api(
        404, platform_admin=400, coordinator=400, liaison=400, organisation_admin=400, organisation_member=400
    ),
    ("api:resource-offer-list", "GET"): api(200),
    ("api:resource-offer-list", "POST"): api(400),
    ("api:sector-detail", "GET"): api(200),
    ("api:sector-detail", "PATCH"): api(403, platform_admin=200),
    ("api:sector-detail", "PUT"): api(400),
    ("api:sector-list", "GET"): api(200),
    ("api:sector-list", "POST"): api(400),
    ("api:sharing-agreement-detail", "GET"): api(
        404, platform_admin=200, organisation_admin=200, organisation_member=200
    ),
    ("api:sharing-agreement-detail", "PATCH"): api(
        404, platform_admin=400, organisation_admin=403, organisation_member=403
    ),
    ("api:sharing-agreement-access", "GET"): api(404, platform_admin=200),
    ("api:sharing-agreement-activate", "POST"): api(
        404, platform_admin=200, organisation_admin=403, organisation_member=403
    ),
    ("api:sharing-agreement-expire", "POST"): api(
        404, platform_admin=400, organisation_admin=403, organisation_member=403
    ),
    ("api:sharing-agreement-review", "POST"): api(
        404, platform_admin=400, organisation_admin=403, organisation_member=403
    ),
    ("api:sharing-agreement-sign", "POST"): api(
        404, platform_admin=400, organisation_admin=403, organisation_member=403
    ),
    ("api:sharing-agreement-suspend", "POST"): api(
        404, platform_admin=400, organisation_admin=403, organisation_member=403
    ),
    ("api:sharing-agreement-list", "GET"): api(200),
    ("api:sharing-agreement-list", "POST"): api(400),
    ("api:stakeholder-mapping-detail", "GET"): api(404, platform_admin=200, coordinator=200, liaison=200),
    ("api:stakeholder-mapping-detail", "PATCH"): api(404, platform_admin=200, coordinator=200, liaison=403),
    ("api:stakeholder-mapping-detail", "PUT"): api(404, platform_admin=400, coordinator=400, liaison=400),
    ("api:stakeholder-mapping-list", "GET"): api(200),
    ("api:stakeholder-mapping-list", "POST"): api(400),
    ("coordination:agenda-item-add", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:agenda-item-add", "POST"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:agenda-item-edit", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:agenda-item-edit", "POST"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:agenda-item-move", "GET"): page(405),
    ("coordination:agenda-item-move", "POST"): page(
        302,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:agenda-item-schedule", "GET"): page(405),
    ("coordination:agenda-item-schedule", "POST"): page(404),
    ("coordination:attendance-edit", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:attendance-edit", "POST"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:backlog-propose", "GET"): page(405),
    ("coordination:backlog-propose", "POST"): page(
        302,
        coordinator_out_of_scope=404,
        liaison=403,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:calendar", "GET"): page(200),
    ("coordination:calendar", "POST"): page(200),
    ("coordination:calendar-feed", "GET"): page(200, deactivated=200, anonymous=200),
    ("coordination:calendar-feed", "POST"): page(405, deactivated=405, anonymous=405),
    ("coordination:calendar-feed-settings", "GET"): page(200),
    ("coordination:calendar-feed-settings", "POST"): page(302),
    ("coordination:committee-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200
    ),
    ("coordination:committee-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200
    ),
    ("coordination:committee-detail", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:committee-detail", "POST"): page(
        200,
        coordinator_out_of_scope=404,
        summoned_official=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:committee-list", "GET"): page(200),
    ("coordination:committee-list", "POST"): page(200),
    ("coordination:committee-update", "GET"): page(
        404, platform_admin=200, coordinator=200, liaison=403, chair=403, secretary=403, member=403
    ),
    ("coordination:committee-update", "POST"): page(
        404, platform_admin=200, coordinator=200, liaison=403, chair=403, secretary=403, member=403
    ),
    ("coordination:decision-edit", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:decision-edit", "POST"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:item-minutes", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:item-minutes", "POST"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    # The agenda packet: whoever sees the meeting (a summoned official included).
    ("coordination:meeting-agenda-pdf", "GET"): page(
        200, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("coordination:meeting-agenda-pdf", "POST"): page(405),
    ("coordination:meeting-cancel", "GET"): page(405),
    ("coordination:meeting-cancel", "POST"): page(
        302,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:meeting-create", "GET"): page(
        404, platform_admin=200, coordinator=200, liaison=403, chair=200, secretary=200, member=403
    ),
    ("coordination:meeting-create", "POST"): page(
        404, platform_admin=200, coordinator=200, liaison=403, chair=200, secretary=200, member=403
    ),
    ("coordination:meeting-detail", "GET"): page(
        200, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("coordination:meeting-detail", "POST"): page(
        200, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    # "Add to calendar": the meeting as iCalendar, to whoever sees it (no minutes in it).
    ("coordination:meeting-ics", "GET"): page(
        200, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("coordination:meeting-ics", "POST"): page(405),
    ("coordination:meeting-invite", "GET"): page(405),
    ("coordination:meeting-invite", "POST"): page(
        302,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    # Approved minutes only: the world's meeting is not approved yet, so 404 to everyone signed in.
    ("coordination:meeting-minutes-pdf", "GET"): page(404),
    ("coordination:meeting-minutes-pdf", "POST"): page(405),
    ("coordination:meeting-print", "GET"): page(
        200, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("coordination:meeting-print", "POST"): page(
        200, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    # The preview of what goes out (GET), then the publishing (POST): the meeting's managers.
    ("coordination:meeting-publish", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:meeting-publish", "POST"): page(
        302,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:meeting-reply", "GET"): page(405),
    ("coordination:meeting-reply", "POST"): page(
        404,
        platform_admin=403,
        coordinator=403,
        liaison=403,
        chair=302,
        secretary=302,
        member=302,
        summoned_official=302,
    ),
    ("coordination:meeting-update", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:meeting-update", "POST"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    # Attendance, minutes and outcomes in one form: those who write the minutes.
    ("coordination:meeting-workspace", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:meeting-workspace", "POST"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:membership-add", "GET"): page(
        404, platform_admin=200, coordinator=200, liaison=403, chair=200, secretary=200, member=403
    ),
    ("coordination:membership-add", "POST"): page(
        404, platform_admin=200, coordinator=200, liaison=403, chair=200, secretary=200, member=403
    ),
    ("coordination:membership-end", "GET"): page(405),
    ("coordination:membership-end", "POST"): page(
        404, platform_admin=302, coordinator=302, liaison=403, chair=302, secretary=302, member=403
    ),
    # The confirmation step (warnings, then the approving POST).
    ("coordination:minutes-approve", "GET"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    # A POST without "confirm" shows the confirmation step again (nothing approved).
    ("coordination:minutes-approve", "POST"): page(
        200,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    # Only the chair reopens approved minutes (the world's are not approved: a message, no change).
    ("coordination:minutes-reopen", "GET"): page(405),
    ("coordination:minutes-reopen", "POST"): page(
        403,
        chair=302,
        coordinator_out_of_scope=404,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    # The world's paper is on an agenda item: read with the meeting's minutes (not confidential here:
    # the committee's readers and those invited), removed by the meeting's managers.
    ("coordination:paper-download", "GET"): page(
        200, coordinator_out_of_scope=404, organisation_admin=404, organisation_member=404, no_role=404
    ),
    ("coordination:paper-download", "POST"): page(405),
    ("coordination:paper-remove", "GET"): page(405),
    ("coordination:paper-remove", "POST"): page(
        302,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    # A committee's papers: its managers add them; the committee is 404 to a summoned official.
    ("coordination:paper-upload-committee", "GET"): page(405),
    ("coordination:paper-upload-committee", "POST"): page(
        404, platform_admin=302, coordinator=302, liaison=403, chair=302, secretary=302, member=403
    ),
    # An empty upload is refused with a message (a redirect) to those allowed.
    ("coordination:paper-upload-item", "GET"): page(405),
    ("coordination:paper-upload-item", "POST"): page(
        302,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("coordination:paper-upload-minutes", "GET"): page(405),
    ("coordination:paper-upload-minutes", "POST"): page(
        302,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    # Keep or drop a carried-over proposal: the meeting's managers (the world's item is already on
    # the agenda, so a message and a redirect).
    ("coordination:proposal-review", "GET"): page(405),
    ("coordination:proposal-review", "POST"): page(
        302,
        coordinator_out_of_scope=404,
        liaison=403,
        member=403,
        summoned_official=403,
        organisation_admin=404,
        organisation_member=404,
        no_role=404,
    ),
    ("delivery-retry", "GET"): page(405),
    ("delivery-retry", "POST"): page(404, platform_admin=302),
    ("home", "GET"): page(200),
    ("home", "POST"): page(200),
    ("infosharing:agreement-access", "GET"): page(404, platform_admin=200),
    ("infosharing:agreement-access", "POST"): page(405),
    ("infosharing:agreement-action", "GET"): page(405),
    ("infosharing:agreement-action", "POST"): page(
        404, platform_admin=302, organisation_admin=403, organisation_member=403
    ),
    ("infosharing:agreement-create", "GET"): page(403, platform_admin=200),
    ("infosharing:agreement-create", "POST"): page(403, platform_admin=200),
    ("infosharing:agreement-detail", "GET"): page(
        404, platform_admin=200, organisation_admin=200, organisation_member=200
    ),
    ("infosharing:agreement-detail", "POST"): page(
        404, platform_admin=200, organisation_admin=200, organisation_member=200
    ),
    ("infosharing:agreement-edit", "GET"): page(
        404, platform_admin=200, organisation_admin=403, organisation_member=403
    ),
    ("infosharing:agreement-edit", "POST"): page(
        404, platform_admin=200, organisation_admin=403, organisation_member=403
    ),
    ("infosharing:agreement-grant-revoke", "GET"): page(405),
    ("infosharing:agreement-grant-revoke", "POST"): page(404, platform_admin=403),
    ("infosharing:agreement-list", "GET"): page(200),
    ("infosharing:agreement-list", "POST"): page(200),
    ("infosharing:attachment-add", "GET"): page(405),
    ("infosharing:attachment-add", "POST"): page(404, organisation_member=302),
    ("infosharing:attachment-download", "GET"): page(404, organisation_member=200),
    ("infosharing:attachment-download", "POST"): page(405),
    ("infosharing:grant-approve", "GET"): page(405),
    ("infosharing:grant-approve", "POST"): page(404, organisation_member=302),
    ("infosharing:grant-revoke", "GET"): page(405),
    ("infosharing:grant-revoke", "POST"): page(404, organisation_member=302),
    ("infosharing:item-acknowledge", "GET"): page(405),
    ("infosharing:item-acknowledge", "POST"): page(404, organisation_member=302),
    ("infosharing:item-create", "GET"): page(200),
    ("infosharing:item-create", "POST"): page(200),
    ("infosharing:item-detail", "GET"): page(404, organisation_member=200),
    ("infosharing:item-detail", "POST"): page(404, organisation_member=200),
    ("infosharing:item-export-csv", "GET"): page(200),
    ("infosharing:item-export-csv", "POST"): page(405),
    ("infosharing:item-export-pdf", "GET"): page(404, organisation_member=200),
    ("infosharing:item-export-pdf", "POST"): page(405),
    ("infosharing:item-list", "GET"): page(200),
    ("infosharing:item-list", "POST"): page(200),
    ("infosharing:item-log", "GET"): page(404, platform_admin=200, organisation_member=200),
    ("infosharing:item-log", "POST"): page(404, platform_admin=200, organisation_member=200),
    ("infosharing:item-relabel", "GET"): page(405),
    ("infosharing:item-relabel", "POST"): page(404, organisation_member=302),
    ("infosharing:item-share", "GET"): page(404, organisation_member=200),
    ("infosharing:item-share", "POST"): page(404, organisation_member=200),
    ("infosharing:oversight", "GET"): page(403, platform_admin=200),
    ("infosharing:oversight", "POST"): page(403, platform_admin=200),
    ("infosharing:request-decide", "GET"): page(405),
    ("infosharing:request-decide", "POST"): page(404, organisation_member=302, no_role=302),
    ("infosharing:request-list", "GET"): page(200),
    ("infosharing:request-list", "POST"): page(200),
    ("infosharing:template-create", "GET"): page(403, platform_admin=200),
    ("infosharing:template-create", "POST"): page(403, platform_admin=200),
    ("infosharing:template-edit", "GET"): page(403, platform_admin=200),
    ("infosharing:template-edit", "POST"): page(403, platform_admin=200),
    ("infosharing:template-list", "GET"): page(200),
    ("infosharing:template-list", "POST"): page(403, platform_admin=200),
    ("infosharing:training", "GET"): page(403, platform_admin=200),
    ("infosharing:training", "POST"): page(403, platform_admin=200),
    ("notification-list", "GET"): page(200),
    ("notification-list", "POST"): page(200),
    ("notification-open", "GET"): page(404, member=302),
    ("notification-open", "POST"): page(404, member=302),
    ("notification-preferences", "GET"): page(200),
    ("notification-preferences", "POST"): page(302),
    ("notifications-mark-read", "GET"): page(405),
    ("notifications-mark-read", "POST"): page(302),
    ("operations", "GET"): page(404, platform_admin=200),
    ("operations", "POST"): page(404, platform_admin=200),
    ("profile", "GET"): page(200),
    ("profile", "POST"): page(200),
    # The header search: every signed-in user, over what each may see.
    ("search", "GET"): page(200),
    ("search", "POST"): page(200),
    # The type-ahead pickers' search: every signed-in user, over what each may see (JSON).
    ("pick", "GET"): page(200),
    ("pick", "POST"): page(405),
    ("stakeholders:import", "GET"): page(403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200),
    ("stakeholders:import", "POST"): page(403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200),
    ("stakeholders:import-discard", "GET"): page(405),
    ("stakeholders:import-discard", "POST"): page(404, coordinator=302),
    ("stakeholders:import-preview", "GET"): page(404, coordinator=200),
    ("stakeholders:import-preview", "POST"): page(404, coordinator=302),
    ("stakeholders:jurisdiction-access", "GET"): page(403, platform_admin=200, coordinator=200),
    ("stakeholders:jurisdiction-access", "POST"): page(403, platform_admin=200, coordinator=200),
    ("stakeholders:jurisdiction-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200
    ),
    ("stakeholders:jurisdiction-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200
    ),
    ("stakeholders:jurisdiction-detail", "GET"): page(200),
    ("stakeholders:jurisdiction-detail", "POST"): page(200),
    ("stakeholders:jurisdiction-role-revoke", "GET"): page(405),
    ("stakeholders:jurisdiction-role-revoke", "POST"): page(404, platform_admin=302, coordinator=302),
    ("stakeholders:jurisdiction-tree", "GET"): page(200),
    ("stakeholders:jurisdiction-tree", "POST"): page(200),
    ("stakeholders:jurisdiction-update", "GET"): page(403, platform_admin=200),
    ("stakeholders:jurisdiction-update", "POST"): page(403, platform_admin=200),
    ("stakeholders:login-link-accept", "GET"): page(404, deactivated=404, anonymous=404),
    ("stakeholders:login-link-accept", "POST"): page(404, deactivated=404, anonymous=404),
    ("stakeholders:mapping-create", "GET"): page(404, platform_admin=200, coordinator=200, liaison=403),
    ("stakeholders:mapping-create", "POST"): page(404, platform_admin=200, coordinator=200, liaison=403),
    ("stakeholders:mapping-grid", "GET"): page(404, platform_admin=200, coordinator=200, liaison=200),
    ("stakeholders:mapping-grid", "POST"): page(404, platform_admin=200, coordinator=200, liaison=200),
    ("stakeholders:mapping-heatmap", "GET"): page(404, platform_admin=200, coordinator=200, liaison=200),
    ("stakeholders:mapping-heatmap", "POST"): page(404, platform_admin=200, coordinator=200, liaison=200),
    ("stakeholders:mapping-index", "GET"): page(200),
    ("stakeholders:mapping-index", "POST"): page(200),
    ("stakeholders:mapping-list", "GET"): page(404, platform_admin=200, coordinator=200, liaison=200),
    ("stakeholders:mapping-list", "POST"): page(404, platform_admin=200, coordinator=200, liaison=200),
    ("stakeholders:mapping-update", "GET"): page(404, platform_admin=200, coordinator=200, liaison=403),
    ("stakeholders:mapping-update", "POST"): page(404, platform_admin=200, coordinator=200, liaison=403),
    ("stakeholders:offer-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200, organisation_admin=200
    ),
    ("stakeholders:offer-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200, organisation_admin=200
    ),
    ("stakeholders:offer-list", "GET"): page(200),
    ("stakeholders:offer-list", "POST"): page(200),
    ("stakeholders:offer-update", "GET"): page(
        404, platform_admin=200, coordinator=200, liaison=403, organisation_admin=200, organisation_member=403
    ),
    ("stakeholders:offer-update", "POST"): page(
        404, platform_admin=200, coordinator=200, liaison=403, organisation_admin=200, organisation_member=403
    ),
    ("stakeholders:organisation-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200
    ),
    ("stakeholders:organisation-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200
    ),
    ("stakeholders:organisation-detail", "GET"): page(200),
    ("stakeholders:organisation-detail", "POST"): page(200),
    ("stakeholders:organisation-export", "GET"): page(200),
    ("stakeholders:organisation-export", "POST"): page(405),
    ("stakeholders:organisation-list", "GET"): page(200),
    ("stakeholders:organisation-list", "POST"): page(200),
    ("stakeholders:organisation-member-remove", "GET"): page(405),
    ("stakeholders:organisation-member-remove", "POST"): page(
        404, platform_admin=302, coordinator=302, liaison=403, organisation_admin=302, organisation_member=403
    ),
    ("stakeholders:organisation-people", "GET"): page(403, platform_admin=200, coordinator=200, organisation_admin=200),
    ("stakeholders:organisation-people", "POST"): page(
        403, platform_admin=200, coordinator=200, organisation_admin=200
    ),
    ("stakeholders:organisation-update", "GET"): page(403, platform_admin=200, coordinator=200, organisation_admin=200),
    ("stakeholders:organisation-update", "POST"): page(
        403, platform_admin=200, coordinator=200, organisation_admin=200
    ),
    ("stakeholders:partnership-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200, organisation_admin=200
    ),
    ("stakeholders:partnership-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200, organisation_admin=200
    ),
    ("stakeholders:partnership-list", "GET"): page(200),
    ("stakeholders:partnership-list", "POST"): page(200),
    ("stakeholders:partnership-update", "GET"): page(403, platform_admin=200, coordinator=200, organisation_admin=200),
    ("stakeholders:partnership-update", "POST"): page(403, platform_admin=200, coordinator=200, organisation_admin=200),
    ("stakeholders:person-consent-withdraw", "GET"): page(405),
    ("stakeholders:person-consent-withdraw", "POST"): page(
        403, platform_admin=302, coordinator=302, organisation_admin=302
    ),
    ("stakeholders:person-create", "GET"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200, organisation_admin=200
    ),
    ("stakeholders:person-create", "POST"): page(
        403, platform_admin=200, coordinator=200, coordinator_out_of_scope=200, organisation_admin=200
    ),
    ("stakeholders:person-login-invite", "GET"): page(405),
    ("stakeholders:person-login-invite", "POST"): page(
        403, platform_admin=302, coordinator=302, organisation_admin=302
    ),
    ("stakeholders:person-data", "GET"): page(405),
    ("stakeholders:person-data", "POST"): page(
        403, platform_admin=200, coordinator=200, organisation_admin=200, organisation_member=200
    ),
    ("stakeholders:person-detail", "GET"): page(200),
    ("stakeholders:person-detail", "POST"): page(200),
    ("stakeholders:person-export", "GET"): page(200),
    ("stakeholders:person-export", "POST"): page(405),
    ("stakeholders:person-list", "GET"): page(200),
    ("stakeholders:person-list", "POST"): page(200),
    ("stakeholders:person-update", "GET"): page(403, platform_admin=200, coordinator=200, organisation_admin=200),
    ("stakeholders:person-update", "POST"): page(403, platform_admin=200, coordinator=200, organisation_admin=200),
    # A position needs the right to change the person too (issue #7, finding 1): not out of scope.
    ("stakeholders:position-create", "GET"): page(403, platform_admin=200, coordinator=200, organisation_admin=200),
    ("stakeholders:position-create", "POST"): page(403, platform_admin=200, coordinator=200, organisation_admin=200),
    ("stakeholders:position-update", "GET"): page(403, platform_admin=200, coordinator=200, organisation_admin=200),
    ("stakeholders:position-update", "POST"): page(403, platform_admin=200, coordinator=200, organisation_admin=200),
    ("stakeholders:search", "GET"): page(200),
    ("stakeholders:search", "POST"): page(200),
}

# (route name, method, persona) -> the reason, naming the finding and the change that fixes it.
# The smaller tables for what the generated matrix leaves out (see tests/security/test_matrix.py).
SIGNED_IN = [p for p in PERSONAS if p not in ("deactivated", "anonymous")]
ACCOUNT_PAGES: dict[str, dict[str, Outcome]] = {
    "/accounts/login/": {"*": 302, "deactivated": 200, "anonymous": 200},
    "/accounts/password/change/": {"*": 200, "deactivated": "login", "anonymous": "login"},
    "/accounts/password/reset/": {"*": 200},
    "/accounts/2fa/": {"*": 200, "deactivated": "login", "anonymous": "login"},
    "/accounts/sessions/": {"*": 200, "deactivated": "login", "anonymous": "login"},
    "/accounts/email/": {"*": 200, "deactivated": "login", "anonymous": "login"},
}
ADMIN_PAGES: dict[str, dict[str, Outcome]] = {
    url: {"*": 302, "platform_admin": 200}
    for url in ("/admin/", "/admin/core/user/", "/admin/core/auditevent/", "/admin/stakeholders/person/")
}

# What a write sends. An empty form or ``{}`` is the default: it reaches the permission check of
# most views (a form error answers 200 or 400 to those allowed); the routes below do nothing for an
# empty body whoever asks (a redirect for all), so they get a body that would change something.
BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("stakeholders:organisation-member-remove", "POST"): {"reason": "matrix"},
    ("stakeholders:jurisdiction-role-revoke", "POST"): {"reason": "matrix"},
    ("stakeholders:import-discard", "POST"): {},
    ("coordination:agenda-item-move", "POST"): {"direction": "down"},
    ("coordination:backlog-propose", "POST"): {"title": "Matrix item"},
    ("coordination:meeting-reply", "POST"): {"response": "accepted"},
    ("api:meeting-decision-update", "PATCH"): {"status": "done"},
    ("api:meeting-reply", "POST"): {"response": "accepted"},
}

SEGMENT_OBJECTS = {
    "pick/kind": "committee-people",
    "jurisdictions": "jurisdiction",
    "organisations": "organisation",
    "people": "person",
    "positions": "position",
    "partnerships": "partnership",
    "entries": "mapping",
    "stakeholder-mappings": "mapping",
    "offers": "offer",
    "resource-offers": "offer",
    "import": "import_batch",
    "sectors": "sector",
    "committees": "committee",
    "meetings": "meeting",
    "members": "committee_membership",
    "agenda-items": "agenda_item",
    "decisions": "decision",
    "papers": "paper",
    "access": "jurisdiction_role",
    "mapping": "city",
    "calendar": "feed_token",
    "export": "csv",
    "people/membership_pk": "organisation_membership",
    "plans": "plan",
    "frameworks": "framework",
    "action-plans": "plan",
    "actions": "action",
    "actions/fmt": "csv",
    "indicators": "indicator",
    "objectives": "objective",
    "funding": "allocation",
    "tranches": "tranche",
    "evaluations": "checkpoint",
    "lessons": "lesson",
    "share/grant_pk": "action_grant",
    "shares/grant_pk": "action_grant",
    "shares": "action_grant",
    "updates": "progress_update",
    "progress-updates": "progress_update",
    "evidence": "evidence",
    "items": "item",
    "information-items": "item",
    "grants": "item_grant",
    "attachments": "attachment",
    "requests": "access_request",
    "access-requests": "access_request",
    "agreements": "agreement",
    "templates": "template",
    "*/action": "agreement_action",
    "link-login": "no-such-link",
    "sharing-agreements": "agreement",
    "notifications": "notification",
    "deliveries": "delivery",
}


def expected(name: str, method: str) -> dict[str, Outcome]:
    return ROWS_BY_KEY[(name, method)]
