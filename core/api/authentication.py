"""API token authentication that holds staff to the same second-factor rule as the pages."""

from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, refusing staff who have not enrolled a second factor.

    ``StaffTwoFactorMiddleware`` runs before DRF authenticates a token (the request's user is still
    anonymous there), so the rule is applied here as well: an earlier token of a staff account
    without a second factor does not open the API."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if settings.ROUNDTABLE_REQUIRE_STAFF_MFA and user.is_staff and not is_mfa_enabled(user):
            raise exceptions.AuthenticationFailed(_("Staff accounts must enrol a second factor before using the API."))
        return user, token
